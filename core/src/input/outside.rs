//! Outside calls: gene results a lab supplies from somewhere other than the
//! VCF (a copy-number aware CYP2D6 caller, HLA typing, a MT-RNR1 assay, or a
//! result that should replace what the VCF would give).
//!
//! # File format
//!
//! Plain text, one gene per line, fields separated by tabs:
//!
//! ```text
//! gene <TAB> diplotype or single allele <TAB> phenotype <TAB> activity score
//! ```
//!
//! * Any of the last three fields may be empty and trailing fields may be
//!   left out, but each line needs at least one of them.
//! * Blank lines and lines whose first non-blank character is `#` are
//!   skipped; a byte-order mark and Windows line ends are accepted.
//! * Spaces around each field are dropped. Empty fields after the fourth
//!   (trailing tabs from a spreadsheet export) are tolerated; text there is
//!   an error.
//! * A gene on several lines is an ambiguous result: each line is one
//!   candidate (a lab that cannot tell `*1/*4` from `*1/*10` lists both),
//!   every candidate is reported and looked up, and the report says the
//!   call is ambiguous. The lines of one gene must drive the same field
//!   (all diplotypes, or all phenotypes, …).
//! * A diplotype written only with dots (`.`, `./.`) means the lab has no
//!   result for the gene: it is reported as not called, with a warning,
//!   and goes to the guidelines as No Result.
//! * A diplotype naming an allele the definitions do not know (`*1/*XXX`)
//!   is kept as written and flagged: its function is unknown, so the gene
//!   goes to the guidelines as No Result unless a phenotype or activity
//!   score on the same line says more.
//! * The activity score must be a number (`1.5`, `≥3.0`, `>=3`); the
//!   diplotype field also takes HLA carrier status (`*57:01 positive`), and
//!   the phenotype field carrier status or a guideline lookup key. A value
//!   that reads as belonging to another field is refused.
//!
//! [`parse`] applies the rewrites that need no knowledge pack:
//!
//! | written                      | read as                      |
//! |------------------------------|------------------------------|
//! | `CYP2D6*3/CYP2D6*4`          | `*3/*4` (gene name dropped)  |
//! | `A*02:02:02/*03:02:01` (HLA) | `*02:02/*03:02` (two fields) |
//! | `PM`, `poor metabolizer`     | `Poor Metabolizer`           |
//! | `IM`, `NM`, `RM`, `UM`       | the matching full phenotype  |
//!
//! [`Engine::resolve_outside`](crate::Engine::resolve_outside) checks each
//! line against the loaded packs. When the
//! diplotype as written is not accepted it tries, in this order, and says so
//! in [`ResolvedOutside::warnings`](crate::ResolvedOutside::warnings):
//!
//! * the pack's own spelling of a name that differs only in spaces
//!   (`*36+*10` → `*36 + *10`);
//! * the main allele of a sub-allele the gene does not define
//!   (`*1.001` → `*1`; SLCO1B1 `*45.001` is defined and kept);
//! * the current name of the reference allele when the old one carried a
//!   reference qualifier from [`REFERENCE_QUALIFIERS`]
//!   (G6PD `B (wildtype)` → `B (reference)`, taken from the allele
//!   definitions, not from a list of names).
//!
//! Which field drives the result: for genes phenotyped by activity score
//! (CYP2D6, CYP2C9, DPYD) the activity score, then the phenotype, then the
//! diplotype; for every other gene the diplotype, then the phenotype, then
//! the activity score. Every field given is still read, and each pair that
//! does not agree (CPIC phenotype or activity score) gives a warning.
//!
//! ```
//! let engine = dosera::Engine::bundled()?;
//! let calls = dosera::input::outside::parse("CYP2D6\tCYP2D6*3/CYP2D6*4\nHLA-B\t*15:02/*57:01\n")?;
//! let resolved = engine.resolve_outside(&calls)?;
//! assert_eq!(resolved[0].input.as_ref().unwrap().to_string(), "CYP2D6=*3/*4");
//! assert_eq!(resolved[1].input.as_ref().unwrap().to_string(), "HLA-B=*15:02/*57:01");
//! # Ok::<(), dosera::Error>(())
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CANDIDATE_SEPARATOR;
use crate::{Error, Result};

/// Most fields a line may carry: gene, diplotype, phenotype, activity score.
const MAX_FIELDS: usize = 4;

/// Qualifiers that an older allele name used for the reference allele
/// (`B (wildtype)`); such a name is read as the gene's reference allele with
/// the same stem when the pack no longer knows it.
///
/// ```
/// assert!(dosera::input::outside::REFERENCE_QUALIFIERS.contains(&"wildtype"));
/// ```
pub const REFERENCE_QUALIFIERS: [&str; 6] = [
    "wildtype",
    "wild-type",
    "wild type",
    "wt",
    "reference",
    "ref",
];

/// One line of an outside-call file, as written (after trimming and the
/// pack-free rewrites described in the [module documentation](self)).
///
/// ```
/// let calls = dosera::input::outside::parse("CYP2D6\t\tPM\n").unwrap();
/// assert_eq!(
///     calls[0],
///     dosera::input::outside::OutsideCall {
///         gene: "CYP2D6".into(),
///         diplotype: None,
///         phenotype: Some("Poor Metabolizer".into()),
///         activity_score: None,
///         line: 1,
///     }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutsideCall {
    /// Gene as written (trimmed).
    pub gene: String,
    /// Diplotype, or one allele for a hemizygous gene.
    pub diplotype: Option<String>,
    /// Phenotype (or HLA carrier status such as `*31:01 positive`).
    pub phenotype: Option<String>,
    /// Activity score as written.
    pub activity_score: Option<String>,
    /// 1-based line number in the file.
    pub line: u64,
}

impl OutsideCall {
    /// The fields given, in file order (diplotype, phenotype, activity score).
    ///
    /// ```
    /// use dosera::input::outside::{parse, UsedField};
    /// let calls = parse("CYP2D6\t*1/*4\t\t1.0").unwrap();
    /// let fields: Vec<_> = calls[0].fields().collect();
    /// assert_eq!(fields, vec![(UsedField::Diplotype, "*1/*4"), (UsedField::ActivityScore, "1.0")]);
    /// ```
    pub fn fields(&self) -> impl Iterator<Item = (UsedField, &str)> {
        [
            (UsedField::Diplotype, &self.diplotype),
            (UsedField::Phenotype, &self.phenotype),
            (UsedField::ActivityScore, &self.activity_score),
        ]
        .into_iter()
        .filter_map(|(field, value)| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| (field, v))
        })
    }
}

/// A field of an outside-call line.
///
/// ```
/// use dosera::input::outside::UsedField;
/// assert_eq!(serde_json::to_string(&UsedField::ActivityScore).unwrap(), "\"activity_score\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsedField {
    /// The second field: a diplotype or a single allele.
    Diplotype,
    /// The third field: a phenotype or carrier status.
    Phenotype,
    /// The fourth field: an activity score.
    ActivityScore,
}

impl UsedField {
    /// The field's name in messages.
    ///
    /// ```
    /// assert_eq!(dosera::input::outside::UsedField::ActivityScore.label(), "activity score");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            UsedField::Diplotype => "diplotype",
            UsedField::Phenotype => "phenotype",
            UsedField::ActivityScore => "activity score",
        }
    }
}

impl std::fmt::Display for UsedField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

pub(crate) fn bad_line(line: u64, reason: impl Into<String>) -> Error {
    Error::MalformedOutsideCall {
        line,
        reason: reason.into(),
    }
}

/// Parses outside-call text (see the [module documentation](self) for the
/// format).
///
/// Errors ([`Error::MalformedOutsideCall`], naming the line): a line with
/// fields but no gene, a gene with no value in any field, text beyond the
/// fourth field. A gene on several lines is kept (an ambiguous result, see
/// the [module documentation](self)).
///
/// ```
/// use dosera::input::outside::parse;
/// let text = "# lab results\r\nCYP2D6\t*1.001/*2.034\r\n\r\nHLA-A\tA*02:02:02/*03:02:01\r\n";
/// let calls = parse(text).unwrap();
/// assert_eq!(calls.len(), 2);
/// assert_eq!(calls[0].diplotype.as_deref(), Some("*1.001/*2.034")); // trimmed when resolved
/// assert_eq!(calls[1].diplotype.as_deref(), Some("*02:02/*03:02"));
/// assert_eq!(calls[1].line, 4);
///
/// let err = parse("CYP2D6 *1/*1\n").unwrap_err();
/// assert_eq!(err.to_string(), "outside call line 1: `CYP2D6 *1/*1` is not a gene symbol; fields must be separated by tabs");
/// ```
pub fn parse(text: &str) -> Result<Vec<OutsideCall>> {
    let mut calls = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let raw = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').map(str::trim).collect();
        if let Some(extra) = fields.iter().skip(MAX_FIELDS).find(|f| !f.is_empty()) {
            return Err(bad_line(
                line,
                format!(
                    "more than {MAX_FIELDS} tab-separated fields (extra text `{extra}`); expected gene, diplotype, phenotype, activity score"
                ),
            ));
        }
        let gene = fields[0];
        let field = |n: usize| {
            fields
                .get(n)
                .copied()
                .filter(|f| !f.is_empty())
                .map(str::to_string)
        };
        let (diplotype, phenotype, activity_score) = (field(1), field(2), field(3));
        if gene.is_empty() {
            return Err(bad_line(line, "no gene in the first field"));
        }
        if gene.contains(char::is_whitespace) {
            return Err(bad_line(
                line,
                format!("`{gene}` is not a gene symbol; fields must be separated by tabs"),
            ));
        }
        if diplotype.is_none() && phenotype.is_none() && activity_score.is_none() {
            return Err(bad_line(
                line,
                format!("{gene} has no diplotype, phenotype or activity score"),
            ));
        }
        calls.push(OutsideCall {
            gene: gene.to_string(),
            diplotype: diplotype.map(|d| tidy_diplotype(gene, &d)),
            phenotype: phenotype.map(|p| tidy_phenotype(gene, &p)),
            activity_score,
            line,
        });
    }
    Ok(calls)
}

/// Reads and parses an outside-call file.
///
/// Errors: [`Error::Io`] when the file cannot be read, otherwise as
/// [`parse`].
///
/// ```
/// let path = std::env::temp_dir().join(format!("dosera-outside-doc-{}.tsv", std::process::id()));
/// std::fs::write(&path, "CYP2C19\t*2/*2\n").unwrap();
/// let calls = dosera::input::outside::read(&path).unwrap();
/// assert_eq!(calls[0].gene, "CYP2C19");
/// std::fs::remove_file(&path).unwrap();
///
/// let err = dosera::input::outside::read("/no/such/outside.tsv".as_ref()).unwrap_err();
/// assert_eq!(err.code(), dosera::ErrorCode::Io);
/// ```
pub fn read(path: &Path) -> Result<Vec<OutsideCall>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text)
}

/// Applies `f` to every allele token of a diplotype text (split at `|`,
/// `/` and `+`), keeping separators and surrounding spaces as written.
fn map_tokens(text: &str, f: &dyn Fn(&str) -> String) -> String {
    let token = |t: &str| {
        let core = t.trim();
        if core.is_empty() {
            return t.to_string();
        }
        let start = t.len() - t.trim_start().len();
        let end = start + core.len();
        format!("{}{}{}", &t[..start], f(core), &t[end..])
    };
    text.split(CANDIDATE_SEPARATOR)
        .map(|cand| {
            cand.split('/')
                .map(|half| half.split('+').map(token).collect::<Vec<_>>().join("+"))
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect::<Vec<_>>()
        .join(&CANDIDATE_SEPARATOR.to_string())
}

/// The locus part of an HLA symbol (`HLA-A` → `A`), for HLA genes.
fn hla_locus(gene: &str) -> Option<&str> {
    let upper = gene.get(..4)?;
    upper
        .eq_ignore_ascii_case("HLA-")
        .then_some(&gene[4..])
        .filter(|l| !l.is_empty())
}

/// Drops a gene prefix before a star allele (`CYP2D6*4`, `CYP2D6 *4`,
/// HLA `A*02:01`) and shortens HLA names to two fields.
fn tidy_token(gene: &str, token: &str) -> String {
    let mut t = token;
    let mut prefixes = vec![gene];
    prefixes.extend(hla_locus(gene));
    for prefix in prefixes {
        if let Some(head) = t.get(..prefix.len()) {
            if head.eq_ignore_ascii_case(prefix) {
                let rest = t[prefix.len()..].trim_start();
                if rest.starts_with('*') {
                    t = rest;
                    break;
                }
            }
        }
    }
    if hla_locus(gene).is_some() {
        if let Some(short) = hla_two_fields(t) {
            return short;
        }
    }
    t.to_string()
}

/// `*02:02:02` → `*02:02`; `None` when the name is not a plain HLA name of
/// three or more fields.
fn hla_two_fields(name: &str) -> Option<String> {
    let rest = name.strip_prefix('*')?;
    let fields: Vec<&str> = rest.split(':').collect();
    let plain = fields
        .iter()
        .all(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    (plain && fields.len() > 2).then(|| format!("*{}:{}", fields[0], fields[1]))
}

fn tidy_diplotype(gene: &str, value: &str) -> String {
    map_tokens(value, &|t| tidy_token(gene, t))
}

/// Full phenotype words for the usual abbreviations, and the usual casing
/// for metabolizer phenotypes; HLA carrier status gets its allele tidied.
fn tidy_phenotype(gene: &str, value: &str) -> String {
    if hla_locus(gene).is_some() {
        let lower = value.to_ascii_lowercase();
        for status in ["positive", "negative"] {
            if let Some(allele) = lower.strip_suffix(status) {
                let allele = value[..allele.len()].trim();
                if allele.is_empty() {
                    break;
                }
                return format!("{} {status}", tidy_token(gene, allele));
            }
        }
        return value.to_string();
    }
    let lower = value.to_ascii_lowercase();
    let (qualifier, rest) = ["likely ", "possible "]
        .iter()
        .find_map(|q| lower.strip_prefix(q).map(|r| (Some(q.trim()), r.trim())))
        .unwrap_or((None, lower.as_str()));
    let full = match rest {
        "pm" | "poor metabolizer" => "Poor Metabolizer",
        "im" | "intermediate metabolizer" => "Intermediate Metabolizer",
        "nm" | "normal metabolizer" => "Normal Metabolizer",
        "rm" | "rapid metabolizer" => "Rapid Metabolizer",
        "um" | "ultrarapid metabolizer" => "Ultrarapid Metabolizer",
        _ => return value.to_string(),
    };
    match qualifier {
        Some("likely") => format!("Likely {full}"),
        Some(_) => format!("Possible {full}"),
        None => full.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> OutsideCall {
        let mut calls = parse(text).expect("parses");
        assert_eq!(calls.len(), 1, "{text:?}");
        calls.remove(0)
    }

    fn line_error(result: Result<impl std::fmt::Debug>) -> (u64, String) {
        match result {
            Err(Error::MalformedOutsideCall { line, reason }) => (line, reason),
            other => panic!("expected MalformedOutsideCall, got {other:?}"),
        }
    }

    #[test]
    fn comments_blank_lines_and_line_numbers() {
        let text = "# header\n\n   \n  # indented comment\nCYP2C19\t*2/*2\n\nCYP2D6\t*1/*4\n";
        let calls = parse(text).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].gene.as_str(), calls[0].line), ("CYP2C19", 5));
        assert_eq!((calls[1].gene.as_str(), calls[1].line), ("CYP2D6", 7));
        assert!(parse("").unwrap().is_empty());
        assert!(parse("# only a comment").unwrap().is_empty());
    }

    #[test]
    fn crlf_bom_and_indentation() {
        let calls = parse("\u{feff}CYP2C19\t*2/*2\r\n   CYP2D6 \t  *1/*4  \r\n").unwrap();
        assert_eq!(calls[0].gene, "CYP2C19");
        assert_eq!(calls[1].gene, "CYP2D6");
        assert_eq!(calls[1].diplotype.as_deref(), Some("*1/*4"));
        assert_eq!(calls[1].line, 2);
    }

    #[test]
    fn empty_and_missing_fields() {
        let c = one("HLA-A\t\t*31:01 positive");
        assert_eq!(c.diplotype, None);
        assert_eq!(c.phenotype.as_deref(), Some("*31:01 positive"));
        assert_eq!(c.activity_score, None);
        let c = one("CYP2D6\t\t\t1.25");
        assert_eq!(
            (c.diplotype.as_deref(), c.phenotype.as_deref()),
            (None, None)
        );
        assert_eq!(c.activity_score.as_deref(), Some("1.25"));
        let c = one("CYP2D6\t *3/*4 \t \t ");
        assert_eq!(c.diplotype.as_deref(), Some("*3/*4"));
        assert_eq!(
            (c.phenotype.as_deref(), c.activity_score.as_deref()),
            (None, None)
        );
        // Empty fields after the fourth (spreadsheet export) are tolerated.
        let c = one("CYP2D6\t*3/*4\t\t\t\t\t");
        assert_eq!(c.diplotype.as_deref(), Some("*3/*4"));
    }

    #[test]
    fn malformed_lines() {
        let (line, reason) = line_error(parse("CYP2C19\t*1/*1\n\t*1/*2\n"));
        assert_eq!(line, 2);
        assert!(reason.contains("no gene"), "{reason}");
        let (line, reason) = line_error(parse("# x\nCYP2C19\n"));
        assert_eq!(line, 2);
        assert!(reason.contains("no diplotype, phenotype or activity score"));
        let (line, _) = line_error(parse("CYP2C19\t\t\t\n"));
        assert_eq!(line, 1);
        let (line, reason) = line_error(parse("CYP2D6\t*1/*1\tNormal Metabolizer\t2.0\textra\n"));
        assert_eq!(line, 1);
        assert!(
            reason.contains("more than 4") && reason.contains("extra"),
            "{reason}"
        );
        let (line, reason) = line_error(parse("CYP2C19 *1/*2\n"));
        assert_eq!(line, 1);
        assert!(reason.contains("tabs"), "{reason}");
        let err = parse("CYP2C19\t*1/*1\n").unwrap();
        assert_eq!(err.len(), 1);
    }

    #[test]
    fn read_file_and_io_error() {
        let path =
            std::env::temp_dir().join(format!("dosera-outside-test-{}.tsv", std::process::id()));
        std::fs::write(
            &path,
            "CYP2D6\t*3/*4\r\nG6PD\tB (wildtype)/B (wildtype)\r\n",
        )
        .unwrap();
        let calls = read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(calls.len(), 2);
        match read(Path::new("/nonexistent/dosera/outside.tsv")) {
            Err(Error::Io { path, .. }) => assert!(path.contains("outside.tsv")),
            other => panic!("{other:?}"),
        }
    }
}
