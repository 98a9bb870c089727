//! The diplotype → phenotype truth tables of
//! `reference/derived/diplotype_phenotype/*.tsv` (one file per gene; columns
//! gene, diplotype, allele1, allele2, activity_score, phenotype, lookup_key),
//! read independently of the engine.

use std::path::{Path, PathBuf};

/// One row of a truth table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    /// Gene symbol.
    pub gene: String,
    /// The diplotype as the table writes it (`*1/*2`, a single allele for
    /// hemizygous genes; allele names may hold `/` themselves).
    pub diplotype: String,
    /// The alleles (one or two; empty cells dropped).
    pub alleles: Vec<String>,
    /// Phenotype.
    pub phenotype: String,
    /// Lookup key CPIC's guidelines use.
    pub lookup_key: String,
    /// Activity score, for activity-score genes (`n/a` when none applies).
    pub activity_score: Option<String>,
}

/// Header and rows of a TSV, `#` comment lines and empty lines skipped.
///
/// ```
/// let (h, rows) = dosera_conformance::truth::tsv("# c\na\tb\n1\t2\n");
/// assert_eq!(h, ["a", "b"]);
/// assert_eq!(rows, [["1", "2"]]);
/// ```
pub fn tsv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<String> = lines
        .next()
        .map(|h| h.split('\t').map(str::to_string).collect())
        .unwrap_or_default();
    let rows = lines
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The rows of one truth-table file.
///
/// ```
/// let text = "# t\ngene\tdiplotype\tallele1\tallele2\tactivity_score\tphenotype\tlookup_key\n\
///             G6PD\tA/Telti/Kobe\tA\tTelti/Kobe\t\tVariable\tVariable\n";
/// let rows = dosera_conformance::truth::parse(text);
/// assert_eq!(rows[0].alleles, ["A", "Telti/Kobe"]);
/// assert_eq!(rows[0].activity_score, None);
/// ```
pub fn parse(text: &str) -> Vec<TruthRow> {
    let (h, rows) = tsv(text);
    let col = |name: &str| {
        h.iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("truth table without a {name} column"))
    };
    let (g, d, a1, a2, s, p, k) = (
        col("gene"),
        col("diplotype"),
        col("allele1"),
        col("allele2"),
        col("activity_score"),
        col("phenotype"),
        col("lookup_key"),
    );
    let get = |r: &[String], i: usize| r.get(i).cloned().unwrap_or_default();
    rows.iter()
        .map(|r| {
            let score = get(r, s);
            TruthRow {
                gene: get(r, g),
                diplotype: get(r, d),
                alleles: [get(r, a1), get(r, a2)]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect(),
                phenotype: get(r, p),
                lookup_key: get(r, k),
                activity_score: (!score.is_empty()).then_some(score),
            }
        })
        .collect()
}

/// The truth-table files under `reference`, sorted by name.
///
/// ```
/// if let Some(shared) = dosera_conformance::shared_dir() {
///     let files = dosera_conformance::truth::files(&shared.join("reference"));
///     assert!(files.iter().any(|f| f.ends_with("CYP2C19.tsv")));
/// }
/// ```
pub fn files(reference: &Path) -> Vec<PathBuf> {
    let dir = reference.join("derived/diplotype_phenotype");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    files
}

/// Every row of every truth table under `reference`, file by file.
///
/// ```
/// if let Some(shared) = dosera_conformance::shared_dir() {
///     let rows = dosera_conformance::truth::rows(&shared.join("reference"));
///     assert!(rows.iter().any(|r| r.gene == "CYP2D6"));
/// }
/// ```
pub fn rows(reference: &Path) -> Vec<TruthRow> {
    files(reference)
        .iter()
        .flat_map(|f| {
            let text =
                std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            parse(&text)
        })
        .collect()
}
