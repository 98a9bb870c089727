//! Helpers for the cohort tests: a multi-sample VCF split into columns (to
//! write one sample's own VCF, and to read back the genotypes a sample was
//! written with), the truth of `dosera simulate`, and a field-by-field
//! comparison of two samples' calls.
//!
//! Like the rest of this crate, nothing here uses the engine's own readers:
//! the VCF text is split by hand.

use std::collections::{BTreeMap, HashMap};

use dosera::allele::SampleCalls;
use dosera::pack::{AlleleDefinition, Source};
use dosera::report::tables::Rows;
use dosera::Engine;

use crate::exhaustive::Case;

/// One data record of a [`ColumnVcf`].
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// The first nine columns (`CHROM` … `FORMAT`), tab-separated.
    fixed: &'a str,
    /// Chromosome.
    pub chrom: &'a str,
    /// 1-based position.
    pub pos: u64,
    /// REF, then the ALTs.
    pub alleles: Vec<&'a str>,
    /// One column per sample.
    columns: Vec<&'a str>,
}

/// A plain-text VCF split into header, records and sample columns.
///
/// ```
/// use dosera_conformance::cohort::ColumnVcf;
/// let text = "##fileformat=VCFv4.2\n\
///             #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
///             chr1\t5\t.\tG\tA,T\t.\tPASS\t.\tGT\t0/1\t2|2\n";
/// let vcf = ColumnVcf::parse(text);
/// assert_eq!(vcf.samples, ["A", "B"]);
/// assert_eq!(vcf.genotype("chr1", 5, 0), Some(vec!["G", "A"]));
/// assert_eq!(vcf.genotype("chr1", 5, 1), Some(vec!["T", "T"]));
/// assert!(vcf.single(1).ends_with("FORMAT\tB\nchr1\t5\t.\tG\tA,T\t.\tPASS\t.\tGT\t2|2\n"));
/// ```
#[derive(Debug, Clone)]
pub struct ColumnVcf<'a> {
    /// `##` lines, each with its newline.
    meta: &'a str,
    /// `#CHROM` … `FORMAT`.
    columns_header: &'a str,
    /// Sample names in header order.
    pub samples: Vec<&'a str>,
    /// Data records in file order.
    pub records: Vec<Record<'a>>,
    by_pos: HashMap<(&'a str, u64), usize>,
}

/// Splits a line after its ninth column: (first nine columns, the rest).
fn split_fixed(line: &str) -> (&str, &str) {
    let mut at = 0;
    for _ in 0..9 {
        match line[at..].find('\t') {
            Some(i) => at += i + 1,
            None => return (line, ""),
        }
    }
    (&line[..at - 1], &line[at..])
}

impl<'a> ColumnVcf<'a> {
    /// Splits `text` (a whole plain-text VCF with a `#CHROM` line).
    pub fn parse(text: &'a str) -> ColumnVcf<'a> {
        let header_at = if text.starts_with("#CHROM") {
            0
        } else {
            text.find("\n#CHROM").expect("a #CHROM line") + 1
        };
        let meta = &text[..header_at];
        let rest = &text[header_at..];
        let (header_line, body) = rest.split_once('\n').unwrap_or((rest, ""));
        let header_line = header_line.trim_end_matches('\r');
        let (columns_header, names) = split_fixed(header_line);
        let samples: Vec<&str> = names.split('\t').filter(|s| !s.is_empty()).collect();
        let mut records = Vec::new();
        let mut by_pos = HashMap::new();
        for line in body.lines() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (fixed, cols) = split_fixed(line);
            let mut f = fixed.split('\t');
            let chrom = f.next().unwrap_or_default();
            let pos: u64 = f.next().and_then(|p| p.parse().ok()).expect("a POS");
            let ref_allele = f.nth(1).unwrap_or_default();
            let alts = f.next().unwrap_or(".");
            let mut alleles = vec![ref_allele];
            if alts != "." {
                alleles.extend(alts.split(','));
            }
            let columns: Vec<&str> = cols.split('\t').collect();
            assert_eq!(
                columns.len(),
                samples.len(),
                "{chrom}:{pos}: {} sample columns for {} samples",
                columns.len(),
                samples.len()
            );
            by_pos.entry((chrom, pos)).or_insert(records.len());
            records.push(Record {
                fixed,
                chrom,
                pos,
                alleles,
                columns,
            });
        }
        ColumnVcf {
            meta,
            columns_header,
            samples,
            records,
            by_pos,
        }
    }

    /// The VCF of sample `i` alone: the same header lines and records, with
    /// only that sample's column.
    pub fn single(&self, i: usize) -> String {
        let mut out = String::with_capacity(self.meta.len() + self.records.len() * 64);
        out.push_str(self.meta);
        out.push_str(self.columns_header);
        out.push('\t');
        out.push_str(self.samples[i]);
        out.push('\n');
        for r in &self.records {
            out.push_str(r.fixed);
            out.push('\t');
            out.push_str(r.columns[i]);
            out.push('\n');
        }
        out
    }

    /// The alleles of sample `i`'s genotype at the first record at
    /// `chrom:pos`, in the order written (one when haploid); `.` for a
    /// missing allele. `None` when no record is there.
    pub fn genotype(&self, chrom: &str, pos: u64, i: usize) -> Option<Vec<&'a str>> {
        let r = &self.records[*self.by_pos.get(&(chrom, pos))?];
        let gt = r.columns[i].split(':').next().unwrap_or(".");
        Some(
            gt.split(['/', '|'])
                .map(|a| match a.parse::<usize>() {
                    Ok(k) => r.alleles.get(k).copied().unwrap_or("."),
                    Err(_) => ".",
                })
                .collect(),
        )
    }
}

/// One row of the truth TSV of `dosera simulate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    /// Sample name.
    pub sample: String,
    /// `male` or `female`.
    pub sex: String,
    /// Gene symbol.
    pub gene: String,
    /// First allele drawn.
    pub a: String,
    /// Second allele drawn; `None` when hemizygous.
    pub b: Option<String>,
}

/// Reads the truth TSV (`sample, sex, gene, allele1, allele2`).
///
/// ```
/// let rows = dosera_conformance::cohort::read_truth(
///     "sample\tsex\tgene\tallele1\tallele2\nS1\tmale\tG6PD\tB\t\nS1\tmale\tTPMT\t*1\t*3A\n",
/// );
/// assert_eq!(rows[0].b, None);
/// assert_eq!(rows[1].b.as_deref(), Some("*3A"));
/// ```
pub fn read_truth(text: &str) -> Vec<TruthRow> {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("sample\tsex\tgene\tallele1\tallele2"),
        "truth header"
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "truth row {l:?}");
            TruthRow {
                sample: f[0].to_string(),
                sex: f[1].to_string(),
                gene: f[2].to_string(),
                a: f[3].to_string(),
                b: (!f[4].is_empty()).then(|| f[4].to_string()),
            }
        })
        .collect()
}

/// The definitions `dosera simulate` draws from, by gene: per symbol, the
/// first source (CPIC, then DPWG) whose gene has one; CYP2D6 left out (the
/// generator includes it only when asked, and calls skip it by default).
pub fn simulated_definitions(engine: &Engine) -> BTreeMap<String, &AlleleDefinition> {
    let mut out = BTreeMap::new();
    for source in Source::ALL {
        let Some(pack) = engine.pack(source) else {
            continue;
        };
        for gene in &pack.genes {
            if gene.symbol == "CYP2D6" {
                continue;
            }
            if let Some(def) = &gene.definition {
                out.entry(gene.symbol.clone()).or_insert(def);
            }
        }
    }
    out
}

/// The exhaustive judge's [`Case`] for a drawn pair, with the haplotypes
/// read back from the genotypes written for sample `i` (the generator
/// resolved IUPAC codes at random, so the definitions alone do not say
/// which base was written). Every definition position must have a record.
pub fn case_from_genotypes(
    def: &AlleleDefinition,
    vcf: &ColumnVcf<'_>,
    i: usize,
    a: &str,
    b: Option<&str>,
) -> Case {
    let haps = def
        .positions
        .iter()
        .map(|p| {
            vcf.genotype(&p.chromosome, p.position, i)
                .unwrap_or_else(|| panic!("no record at {}:{}", p.chromosome, p.position))
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Case {
        a: a.to_string(),
        b: b.map(str::to_string),
        haps,
        dropped: None,
    }
}

/// Where two samples' calls differ, field by field (empty when equal).
///
/// ```
/// let a = dosera::allele::SampleCalls::empty("S1");
/// let mut b = a.clone();
/// assert!(dosera_conformance::cohort::differences(&a, &b).is_empty());
/// b.warnings.push("x".into());
/// assert_eq!(dosera_conformance::cohort::differences(&a, &b).len(), 1);
/// ```
pub fn differences(x: &SampleCalls, y: &SampleCalls) -> Vec<String> {
    let mut out = Vec::new();
    if x.sample != y.sample {
        out.push(format!("sample name {:?} vs {:?}", x.sample, y.sample));
    }
    if x.sex != y.sex || x.sex_source != y.sex_source {
        out.push(format!(
            "sex {:?} ({:?}) vs {:?} ({:?})",
            x.sex, x.sex_source, y.sex, y.sex_source
        ));
    }
    if x.warnings != y.warnings {
        out.push(format!("warnings {:?} vs {:?}", x.warnings, y.warnings));
    }
    let genes = |s: &SampleCalls| s.genes.iter().map(|g| g.gene.clone()).collect::<Vec<_>>();
    if genes(x) != genes(y) {
        out.push(format!("genes {:?} vs {:?}", genes(x), genes(y)));
    }
    for (g, h) in x.genes.iter().zip(&y.genes) {
        if g == h {
            continue;
        }
        let mut fields = Vec::new();
        if g.diplotypes != h.diplotypes {
            fields.push(format!(
                "diplotypes {:?} vs {:?}",
                g.diplotype_names(),
                h.diplotype_names()
            ));
        }
        if g.allele_matches != h.allele_matches {
            fields.push(format!(
                "allele matches {:?} vs {:?}",
                g.allele_matches, h.allele_matches
            ));
        }
        if g.phenotype_alleles != h.phenotype_alleles {
            fields.push("phenotype alleles".into());
        }
        if g.decided_by != h.decided_by {
            fields.push("decided by".into());
        }
        if g.hemizygous != h.hemizygous {
            fields.push("hemizygous".into());
        }
        if g.no_call_reason != h.no_call_reason {
            fields.push("no-call reason".into());
        }
        if g.notes != h.notes {
            fields.push(format!("notes {:?} vs {:?}", g.notes, h.notes));
        }
        if g.evidence != h.evidence {
            fields.push("evidence".into());
        }
        if g.source != h.source {
            fields.push("source".into());
        }
        out.push(format!("{}: {}", g.gene, fields.join("; ")));
    }
    // Anything the field list above misses still counts.
    if out.is_empty() && x != y {
        out.push("calls differ".into());
    }
    out
}

/// Panics at the first sample whose table rows differ between the fast
/// path (`tables::cohort_rows`) and the rows of its full report.
///
/// ```
/// dosera_conformance::cohort::assert_same_rows(&[], &[]);
/// ```
pub fn assert_same_rows(fast: &[Rows], slow: &[Rows]) {
    assert_eq!(fast.len(), slow.len(), "samples: fast path against reports");
    for (i, (f, s)) in fast.iter().zip(slow).enumerate() {
        assert_eq!(f.failed, s.failed, "sample {i}: failure differs");
        assert_eq!(f.genes, s.genes, "sample {i}: genes.tsv rows differ");
        assert_eq!(f.drugs, s.drugs, "sample {i}: drugs.tsv rows differ");
        assert_eq!(f.warnings, s.warnings, "sample {i}: warnings differ");
    }
}
