//! Reading patient input: VCF files (through [`vcf`], the only module that
//! touches noodles) and outside-call files ([`outside`]).
//!
//! The types here are dosera's own: the matcher never sees a noodles type.

pub mod outside;
pub mod vcf;

/// One VCF record at a position the caller asked for, with every sample's
/// genotype call.
///
/// ```
/// use dosera::input::{SampleCall, Site};
/// let site = Site {
///     chrom: "chr10".into(),
///     pos: 94761900,
///     id: Some("rs12248560".into()),
///     ref_allele: "C".into(),
///     alts: vec!["T".into()],
///     record: 1,
///     calls: vec![SampleCall { alleles: vec![Some(0), Some(1)], phased: false, phase_set: None, depths: None }],
/// };
/// assert_eq!(site.allele(1), Some("T"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Chromosome normalised to the `chr` prefix (`1` → `chr1`, `MT` → `chrM`).
    pub chrom: String,
    /// 1-based position (POS).
    pub pos: u64,
    /// The ID column, when not `.`.
    pub id: Option<String>,
    /// REF, upper-cased.
    pub ref_allele: String,
    /// ALT alleles as written (upper-cased); symbolic alleles such as `<*>`
    /// and the spanning deletion `*` are kept verbatim. Empty when ALT is `.`.
    pub alts: Vec<String>,
    /// 1-based number of the data record in the file (for messages).
    pub record: u64,
    /// One call per sample, in header order.
    pub calls: Vec<SampleCall>,
}

impl Site {
    /// The allele string for a GT index: 0 is REF, 1.. index ALT.
    pub fn allele(&self, index: u32) -> Option<&str> {
        match index {
            0 => Some(&self.ref_allele),
            i => self.alts.get(i as usize - 1).map(String::as_str),
        }
    }
}

/// One sample's genotype at a [`Site`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SampleCall {
    /// GT allele indices in order; `None` for `.`. Empty when GT is absent.
    pub alleles: Vec<Option<u32>>,
    /// True when every separator in GT is `|` (a haploid call counts as phased).
    pub phased: bool,
    /// The PS value, when the FORMAT has PS and it is not `.`.
    pub phase_set: Option<String>,
    /// AD values, when present (`None` entries for `.`).
    pub depths: Option<Vec<Option<u32>>>,
}

/// A contig declared in the VCF header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contig {
    /// Name as written in the header.
    pub name: String,
    /// Declared length, when given.
    pub length: Option<u64>,
}
