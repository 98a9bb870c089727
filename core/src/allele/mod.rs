//! Star-allele calling: the sample's genotypes at the definition positions
//! become named-allele diplotypes, with the evidence behind each call.
//!
//! Matching checks candidate allele pairs directly against the genotypes
//! (bitsets per position), so it never enumerates the 2^n phasings of n
//! heterozygous sites.

mod bits;
mod combination;
mod definitions;
mod matcher;
mod present;
mod sample;

use serde::{Deserialize, Serialize};

pub(crate) use definitions::{Definitions, RESEARCH_ONLY};
pub(crate) use matcher::{call_gene, call_gene_lean};
pub(crate) use sample::chosen_samples;
pub(crate) use sample::{gene_call, ploidy_signs, sex_of, wanted, Caller, KeyHasher, Prepared};
pub use sample::{select_samples, SampleCalls, VcfSites};

/// How to call genes from a VCF.
///
/// ```
/// let opts = dosera::allele::CallOptions::default();
/// assert!(!opts.assume_reference);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallOptions {
    /// Treat definition positions absent from the VCF as homozygous
    /// reference. Off by default; every call made this way says so.
    pub assume_reference: bool,
    /// Return only the top-scoring diplotypes.
    pub top_candidate_only: bool,
    /// Research mode: when no exact diplotype fits, explain each strand by
    /// combinations of named alleles and leftover variants. In this mode an
    /// undocumented allele in a gene that otherwise reads it as reference
    /// (TPMT, NUDT15, CACNA1S, G6PD; not the lowest-function genes DPYD and
    /// RYR1) is kept and named as a leftover variant (`*1/g.18143724C>T`).
    pub combinations: bool,
    /// Research mode: call CYP2D6 from SNVs and small indels (copy number
    /// and hybrid alleles cannot be seen).
    pub cyp2d6: bool,
    /// Sex of the sample, when known (G6PD is on chrX).
    pub sex: Option<Sex>,
    /// Sample to call (name, or 0-based index as text); every sample when
    /// unset.
    pub sample: Option<String>,
    /// Samples to call by 0-based column index, `start..end` (a part of a
    /// large multi-sample file, as the Python package's Dask partitions
    /// ask for); every sample when unset. Not together with `sample`.
    pub sample_range: Option<std::ops::Range<usize>>,
    /// Genes to call (symbols, any case); every VCF gene when empty.
    pub genes: Vec<String>,
}

/// Sex as it matters for chrX genes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// One X chromosome: chrX genes are hemizygous.
    Male,
    /// Two X chromosomes.
    Female,
}

/// How the sex used for chrX genes was known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SexSource {
    /// Given by the caller.
    Given,
    /// Inferred from the sample's chrX calls (haploid calls: male;
    /// heterozygous calls: female).
    Inferred,
    /// Not known: chrX genes are called as two copies.
    Unknown,
}

/// Where a gene call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallSource {
    /// Called from the VCF by dosera's matcher.
    Vcf,
    /// Supplied in an outside-call file.
    Outside,
}

/// One diplotype returned for a gene.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DiplotypeCall {
    /// Display name (`*1/*2`; a single allele for hemizygous calls).
    pub name: String,
    /// The alleles (two, or one when hemizygous).
    pub alleles: Vec<String>,
    /// Match score: defined positions matched, summed over both alleles.
    pub score: i32,
    /// True when this diplotype is the preferred pick of a curated priority
    /// group (NAT2 unphased priorities).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preferred: bool,
}

/// One definition position as the call used it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PositionEvidence {
    /// 1-based GRCh38 position.
    pub position: u64,
    /// dbSNP id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsid: Option<String>,
    /// Genotype as read (`C/T`, `C|T`, or one allele when hemizygous).
    pub genotype: String,
    /// Phase set, when the call was phased within one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_set: Option<String>,
}

/// A definition position with no usable genotype.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MissingPosition {
    /// 1-based GRCh38 position.
    pub position: u64,
    /// dbSNP id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsid: Option<String>,
    /// Why it is missing.
    pub reason: crate::genotype::MissingReason,
    /// True when the caller asked to assume reference and it was.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assumed_reference: bool,
}

/// An allele at a position that no definition knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Undocumented {
    /// 1-based GRCh38 position.
    pub position: u64,
    /// dbSNP id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsid: Option<String>,
    /// The allele seen.
    pub allele: String,
    /// True when, by the gene's rule, it was read as reference.
    pub treated_as_reference: bool,
}

/// Phase state of the sample at a gene's heterozygous positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhaseState {
    /// At most one heterozygous position, or all in one phase set:
    /// the two strands are known.
    EffectivelyPhased,
    /// No heterozygous position is phased.
    Unphased,
    /// Some heterozygous positions are phased, but not all within one
    /// phase set: some are unphased, or they lie in several phase sets
    /// whose relative orientation is unknown.
    PartlyPhased,
}

/// Everything behind a gene call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// Positions with a usable genotype.
    pub positions_used: Vec<PositionEvidence>,
    /// Positions with no usable genotype, and why.
    pub missing: Vec<MissingPosition>,
    /// Alleles no definition knows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undocumented: Vec<Undocumented>,
    /// Named alleles whose every defining position is missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncallable_alleles: Vec<String>,
    /// Diplotypes that also fit the genotypes but were kept out of the call
    /// by `top_candidate_only`: lower scores, or a curated unphased
    /// priority preferring another pair. Listed so a reader can see what
    /// unphased data cannot rule out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lower_scoring: Vec<String>,
    /// Phase state, when any position was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<PhaseState>,
}

/// The call for one gene of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeneCall {
    /// Gene symbol.
    pub gene: String,
    /// Where the call came from.
    pub source: CallSource,
    /// Diplotypes in rank order (score, then allele names); empty when no
    /// call was possible.
    pub diplotypes: Vec<DiplotypeCall>,
    /// Lowest-function genes (DPYD, RYR1) on unphased data: every named
    /// allele the genotypes show (listed twice when homozygous).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allele_matches: Vec<String>,
    /// The two alleles the phenotype is taken from, when that is not simply
    /// the diplotype (lowest-function genes, SLCO1B1 fallback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phenotype_alleles: Option<Vec<String>>,
    /// When no diplotype fits but one variant alone decides the phenotype
    /// (the SLCO1B1 rs4149056 fallback): that variant's genotype as a
    /// report shows it (`rs4149056 C/rs4149056 T`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// True for a hemizygous call (G6PD in a male sample).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hemizygous: bool,
    /// Why no diplotype could be called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_call_reason: Option<String>,
    /// Notes on the call (assumptions, fallbacks, curated ambiguity notes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The evidence.
    pub evidence: Evidence,
}

impl GeneCall {
    /// The diplotype names in rank order.
    ///
    /// ```
    /// # use dosera::allele::*;
    /// let call = GeneCall {
    ///     gene: "CYP2C19".into(), source: CallSource::Vcf,
    ///     diplotypes: vec![DiplotypeCall { name: "*1/*2".into(), alleles: vec!["*1".into(), "*2".into()], score: 40, preferred: false }],
    ///     allele_matches: vec![], phenotype_alleles: None, decided_by: None, hemizygous: false,
    ///     no_call_reason: None, notes: vec![], evidence: Evidence::default(),
    /// };
    /// assert_eq!(call.diplotype_names(), vec!["*1/*2"]);
    /// ```
    pub fn diplotype_names(&self) -> Vec<&str> {
        self.diplotypes.iter().map(|d| d.name.as_str()).collect()
    }

    /// True when at least one diplotype (or allele match) was called.
    pub fn is_called(&self) -> bool {
        !self.diplotypes.is_empty() || !self.allele_matches.is_empty()
    }
}
