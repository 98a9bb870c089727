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
//! [`resolve`] checks each line against the loaded packs. When the
//! diplotype as written is not accepted it tries, in this order, and says so
//! in [`ResolvedOutside::warnings`]:
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
//! let resolved = dosera::input::outside::resolve(&engine, &calls)?;
//! assert_eq!(resolved[0].input.as_ref().unwrap().to_string(), "CYP2D6=*3/*4");
//! assert_eq!(resolved[1].input.as_ref().unwrap().to_string(), "HLA-B=*15:02/*57:01");
//! # Ok::<(), dosera::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::pack::{PhenotypeMethod, Source};
use crate::phenotype;
use crate::recommend::{GeneInput, GeneResult, InputKind, CANDIDATE_SEPARATOR};
use crate::{Engine, Error, Result};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// An outside call checked against the loaded packs and turned into the
/// gene input the engine uses.
///
/// ```
/// use dosera::input::outside::{parse, resolve, UsedField};
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = parse("CYP2D6\t*1/*1\t\t0.5\n").unwrap();
/// let r = &resolve(&engine, &calls).unwrap()[0];
/// assert_eq!(r.gene, "CYP2D6");
/// assert_eq!(r.used, UsedField::ActivityScore);
/// assert_eq!(r.input.as_ref().unwrap().value, "0.5");
/// assert_eq!(r.warnings.len(), 1); // *1/*1 scores 2.0, not 0.5
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResolvedOutside {
    /// The line as parsed.
    pub call: OutsideCall,
    /// Canonical gene symbol.
    pub gene: String,
    /// What the engine will use: the canonical symbol and the value of the
    /// field that drives the result (after any respelling); `None` when the
    /// line gives no usable result (a no-call `.`, or only a diplotype with
    /// an allele the definitions do not know), in which case the gene goes
    /// to the guidelines as No Result and `warnings` says why.
    pub input: Option<GeneInput>,
    /// The field that drives the result.
    pub used: UsedField,
    /// Respellings made and disagreements between fields, in words.
    pub warnings: Vec<String>,
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

fn bad_line(line: u64, reason: impl Into<String>) -> Error {
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

/// Checks every outside call against the loaded packs and picks the field
/// that drives each gene's result (see the [module documentation](self)).
///
/// Errors: [`Error::UnknownGene`] for a gene no pack knows; every other
/// problem (a value the gene cannot take, a value in the wrong field, a
/// gene whose lines drive different fields, a line with no value) is an
/// [`Error::MalformedOutsideCall`] naming the line and carrying the
/// engine's own message.
///
/// ```
/// use dosera::input::outside::{parse, resolve, UsedField};
/// let engine = dosera::Engine::bundled().unwrap();
///
/// let calls = parse("G6PD\tB (wildtype)/B (wildtype)\nCYP2D6\t*36+*10/*1\n").unwrap();
/// let resolved = resolve(&engine, &calls).unwrap();
/// assert_eq!(resolved[0].input.as_ref().unwrap().value, "B (reference)/B (reference)");
/// assert_eq!(resolved[0].used, UsedField::Diplotype);
/// assert_eq!(resolved[1].input.as_ref().unwrap().value, "*36 + *10/*1");
///
/// // An allele the definitions do not know is flagged, not guessed at.
/// let calls = parse("CYP2C19\t*1/*99\n").unwrap();
/// let r = &resolve(&engine, &calls).unwrap()[0];
/// assert!(r.input.is_none());
/// assert!(r.warnings[0].contains("unknown allele `*99`"), "{:?}", r.warnings);
///
/// // Several lines for one gene: an ambiguous result, every line kept.
/// let calls = parse("CYP2D6\t*1/*4\nCYP2D6\t*1/*10\n").unwrap();
/// assert_eq!(resolve(&engine, &calls).unwrap().len(), 2);
/// let calls = parse("CYP2D6\t*1/*4\nCYP2D6\t\tPM\n").unwrap();
/// assert!(resolve(&engine, &calls).is_err()); // a diplotype and a phenotype
///
/// let calls = parse("CYP9Z9\t*1/*1\n").unwrap();
/// assert_eq!(resolve(&engine, &calls).unwrap_err().to_string(), "unknown gene `CYP9Z9`");
/// ```
pub fn resolve(engine: &Engine, calls: &[OutsideCall]) -> Result<Vec<ResolvedOutside>> {
    let mut out: Vec<ResolvedOutside> = Vec::with_capacity(calls.len());
    // gene → (first line, field used, whether it gave a result)
    let mut seen: BTreeMap<String, (u64, UsedField, bool)> = BTreeMap::new();
    for call in calls {
        let symbol = engine.gene_symbol(&call.gene)?.to_string();
        let r = resolve_one(engine, &symbol, call)?;
        let this = (call.line, r.used, r.input.is_some());
        if let Some((first, used, had)) = seen.get(&symbol).copied() {
            if used != r.used || had != this.2 {
                let says = |u: UsedField, has: bool| {
                    if has {
                        format!("a {u}")
                    } else {
                        "no usable result".to_string()
                    }
                };
                return Err(bad_line(
                    call.line,
                    format!(
                        "{symbol} gives {} here and {} on line {first}; the lines of one gene are candidates of one result and must agree in kind",
                        says(r.used, this.2),
                        says(used, had)
                    ),
                ));
            }
        } else {
            seen.insert(symbol.clone(), this);
        }
        out.push(r);
    }
    // The candidates of one gene are looked up together: they must read as
    // one ambiguous result (diplotypes; not phenotypes or carrier status).
    for (symbol, (first, _, had)) in &seen {
        let values: Vec<&str> = out
            .iter()
            .filter(|r| &r.gene == symbol)
            .filter_map(|r| r.input.as_ref().map(|i| i.value.as_str()))
            .collect();
        if !*had || values.len() < 2 {
            continue;
        }
        let joined = values.join(&crate::recommend::CANDIDATE_SEPARATOR.to_string());
        if let Err(e) = engine.interpret(&GeneInput::new(symbol, &joined)) {
            return Err(bad_line(
                *first,
                format!("{symbol} is given on several lines, which cannot be read as candidates of one result ({e}); give one line, or one diplotype per line"),
            ));
        }
    }
    Ok(out)
}

/// One field read by the engine.
struct Reading {
    field: UsedField,
    value: String,
    result: GeneResult,
}

/// True for a diplotype written only with no-call dots (`.`, `./.`).
fn is_no_call(value: &str) -> bool {
    value.contains('.') && value.chars().all(|c| matches!(c, '.' | '/' | '|' | ' '))
}

fn resolve_one(engine: &Engine, symbol: &str, call: &OutsideCall) -> Result<ResolvedOutside> {
    let mut warnings = Vec::new();
    let mut readings = Vec::new();
    let mut unread_diplotype = false;
    let mut no_call = false;
    for (field, value) in call.fields() {
        if field == UsedField::Diplotype && is_no_call(value) {
            warnings.push(format!(
                "line {}: {symbol} diplotype `{value}` is a no-call",
                call.line
            ));
            unread_diplotype = true;
            no_call = true;
            continue;
        }
        match read_field(engine, symbol, call.line, field, value, &mut warnings)? {
            Some(r) => readings.push(r),
            None => unread_diplotype = true,
        }
    }
    if readings.is_empty() && unread_diplotype {
        let shown = if no_call {
            "is reported as not called"
        } else {
            "has no phenotype"
        };
        warnings.push(format!(
            "line {}: {symbol} {shown} and goes to the guidelines as No Result",
            call.line
        ));
        return Ok(ResolvedOutside {
            call: call.clone(),
            gene: symbol.to_string(),
            input: None,
            used: UsedField::Diplotype,
            warnings,
        });
    }
    let scored = Source::ALL.iter().any(|s| {
        engine
            .gene(*s, symbol)
            .is_some_and(|g| g.phenotyping.method == PhenotypeMethod::ActivityScore)
    });
    let order = if scored {
        [
            UsedField::ActivityScore,
            UsedField::Phenotype,
            UsedField::Diplotype,
        ]
    } else {
        [
            UsedField::Diplotype,
            UsedField::Phenotype,
            UsedField::ActivityScore,
        ]
    };
    let Some(chosen) = order
        .iter()
        .find_map(|f| readings.iter().find(|r| r.field == *f))
    else {
        return Err(bad_line(
            call.line,
            format!("{symbol} has no diplotype, phenotype or activity score"),
        ));
    };
    for (i, a) in readings.iter().enumerate() {
        for b in &readings[i + 1..] {
            if agree(a, b) == Some(false) {
                warnings.push(format!(
                    "line {}: {symbol} {} does not match {}; the {} is used",
                    call.line,
                    describe(a),
                    describe(b),
                    chosen.field
                ));
            }
        }
    }
    Ok(ResolvedOutside {
        call: call.clone(),
        gene: symbol.to_string(),
        input: Some(GeneInput::new(symbol, chosen.value.clone())),
        used: chosen.field,
        warnings,
    })
}

/// Interprets one field, respelling a diplotype the packs do not accept as
/// written, and checks the value suits its field. `None` for a diplotype
/// naming an allele the gene does not know (flagged in `warnings`).
fn read_field(
    engine: &Engine,
    symbol: &str,
    line: u64,
    field: UsedField,
    value: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Reading>> {
    let wrap = |shown: String, e: Error| bad_line(line, format!("{symbol} {field} {shown}: {e}"));
    // A diplotype with an allele no definition knows: kept as written and
    // flagged; its function is unknown.
    let unknown = |shown: String, e: &Error, warnings: &mut Vec<String>| {
        let flagged = field == UsedField::Diplotype && matches!(e, Error::UnknownAllele { .. });
        if flagged {
            warnings.push(format!(
                "line {line}: {symbol} {field} {shown}: {e}; its function is unknown, so the diplotype gives no phenotype"
            ));
        }
        flagged
    };
    if field == UsedField::ActivityScore && phenotype::parse_score(value).is_none() {
        return Err(bad_line(
            line,
            format!(
                "{symbol} activity score `{value}` is not a number such as 1.5 or ≥3.0; leave the field empty when there is no score"
            ),
        ));
    }
    let (value, result) = match engine.interpret(&GeneInput::new(symbol, value)) {
        Ok(r) => (value.to_string(), r),
        Err(e) => {
            let respelled = (field == UsedField::Diplotype)
                .then(|| respell(engine, symbol, value))
                .flatten();
            let Some((new, notes)) = respelled else {
                if unknown(format!("`{value}`"), &e, warnings) {
                    return Ok(None);
                }
                return Err(wrap(format!("`{value}`"), e));
            };
            match engine.interpret(&GeneInput::new(symbol, &new)) {
                Ok(r) => {
                    warnings.extend(notes.into_iter().map(|n| format!("line {line}: {n}")));
                    (new, r)
                }
                Err(e) => {
                    let shown = format!("`{value}` (read as `{new}`)");
                    if unknown(shown.clone(), &e, warnings) {
                        return Ok(None);
                    }
                    return Err(wrap(shown, e));
                }
            }
        }
    };
    let fits = match field {
        UsedField::Diplotype => {
            matches!(result.kind, InputKind::Diplotype | InputKind::AlleleStatus)
        }
        UsedField::Phenotype => matches!(
            result.kind,
            InputKind::Phenotype | InputKind::AlleleStatus | InputKind::LookupKey
        ),
        UsedField::ActivityScore => result.kind == InputKind::ActivityScore,
    };
    if !fits {
        let kind = match result.kind {
            InputKind::Diplotype => "a diplotype",
            InputKind::Phenotype => "a phenotype",
            InputKind::ActivityScore => "an activity score",
            InputKind::AlleleStatus => "a carrier status",
            InputKind::LookupKey => "a guideline lookup key",
        };
        return Err(bad_line(
            line,
            format!("{symbol} {field} field holds `{value}`, which reads as {kind}; it belongs in another field"),
        ));
    }
    Ok(Some(Reading {
        field,
        value,
        result,
    }))
}

/// Every allele name the loaded packs know for a gene.
fn known_names(engine: &Engine, symbol: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for source in Source::ALL {
        if let Some(gene) = engine.gene(source, symbol) {
            names.extend(
                crate::engine::allele_names(gene)
                    .into_iter()
                    .map(str::to_string),
            );
            names.extend(gene.phenotyping.status_alleles.iter().cloned());
        }
    }
    names
}

/// Names of reference alleles in the gene's allele definitions.
fn reference_names(engine: &Engine, symbol: &str) -> BTreeSet<String> {
    Source::ALL
        .iter()
        .filter_map(|s| engine.gene(*s, symbol)?.definition.as_ref())
        .flat_map(|d| d.alleles.iter().filter(|a| a.reference))
        .map(|a| a.name.clone())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `stem (qualifier)` → (`stem`, `qualifier`).
fn split_qualifier(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some((inner[..open].trim(), inner[open + 1..].trim()))
}

/// `*1.001` → `*1`, `*4.013x2` → `*4x2`.
fn main_allele(name: &str) -> Option<String> {
    let rest = name.strip_prefix('*')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = rest[digits..].strip_prefix('.')?;
    let sub = after.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && sub > 0).then(|| format!("*{}{}", &rest[..digits], &after[sub..]))
}

/// Rewrites the allele names of a diplotype the packs did not accept into
/// names they know. `None` when nothing could be rewritten.
/// `*1x3` → `*1x≥3`: a copy number of three or more written as a number.
fn at_least_copies(token: &str) -> Option<String> {
    let (stem, copies) = token.rsplit_once('x')?;
    let n: u32 = copies.trim().parse().ok()?;
    (n >= 3 && stem.starts_with('*')).then(|| format!("{stem}x≥3"))
}

fn respell(engine: &Engine, symbol: &str, value: &str) -> Option<(String, Vec<String>)> {
    let known = known_names(engine, symbol);
    let references = reference_names(engine, symbol);
    let by_squeezed: HashMap<String, Vec<&String>> =
        known.iter().fold(HashMap::new(), |mut m, n| {
            m.entry(squeeze(n)).or_default().push(n);
            m
        });
    let unique_spacing = |t: &str| match by_squeezed.get(&squeeze(t)).map(Vec::as_slice) {
        Some([one]) => Some((*one).clone()),
        _ => None,
    };
    let notes = std::cell::RefCell::new(Vec::new());
    let rename = |t: &str| -> String {
        if known.contains(t) {
            return t.to_string();
        }
        let found = if let Some(n) = unique_spacing(t) {
            Some((n, "the packs' spelling"))
        } else if let Some(n) = main_allele(t).and_then(|m| {
            known
                .contains(&m)
                .then(|| m.clone())
                .or_else(|| unique_spacing(&m))
        }) {
            Some((n, "sub-allele detail dropped"))
        } else if let Some((stem, _)) = split_qualifier(t).filter(|(_, q)| {
            REFERENCE_QUALIFIERS
                .iter()
                .any(|r| r.eq_ignore_ascii_case(q))
        }) {
            let same_stem: Vec<&String> = references
                .iter()
                .filter(|r| {
                    r.as_str() == stem || split_qualifier(r).is_some_and(|(s, _)| s == stem)
                })
                .collect();
            match same_stem.as_slice() {
                [one] => Some(((*one).clone(), "current name of the reference allele")),
                _ => None,
            }
        } else {
            at_least_copies(t)
                .filter(|n| known.contains(n))
                .map(|n| (n, "copy numbers of three or more share one activity bin"))
        };
        match found {
            Some((name, why)) => {
                notes
                    .borrow_mut()
                    .push(format!("{symbol} allele `{t}` read as `{name}` ({why})"));
                name
            }
            None => t.to_string(),
        }
    };
    // Tokens are whole halves of the diplotype: names may contain `+`.
    let out = value
        .split(CANDIDATE_SEPARATOR)
        .map(|cand| {
            cand.split('/')
                .map(|half| rename(half.trim()))
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect::<Vec<_>>()
        .join(&CANDIDATE_SEPARATOR.to_string());
    let mut notes = notes.into_inner();
    notes.dedup();
    (!notes.is_empty()).then_some((out, notes))
}

/// What one field says under the CPIC rules (or the first source with a
/// call), per candidate.
struct Said {
    phenotype: Option<String>,
    score: Option<String>,
    keys: Vec<String>,
}

fn said(result: &GeneResult) -> Vec<Said> {
    result
        .candidates
        .iter()
        .filter_map(|c| {
            let call = c
                .calls
                .iter()
                .find(|s| s.source == Source::Cpic)
                .or_else(|| c.calls.first())?;
            Some(Said {
                phenotype: call.phenotype.clone(),
                score: call.activity_score.clone(),
                keys: call
                    .lookup_keys
                    .iter()
                    .flat_map(|k| k.split("; "))
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

/// True when two scores can describe the same result (`≥3.0` and `3.5`
/// can; `1.0` and `1.5` cannot).
fn scores_agree(a: &str, b: &str) -> bool {
    const EPS: f64 = 1e-9;
    match (phenotype::parse_score(a), phenotype::parse_score(b)) {
        (Some((x, false)), Some((y, false))) => (x - y).abs() < EPS,
        (Some((x, true)), Some((y, false))) => y + EPS >= x,
        (Some((x, false)), Some((y, true))) => x + EPS >= y,
        (Some((x, true)), Some((y, true))) => (x - y).abs() < EPS,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

/// Whether two candidates agree; `None` when they cannot be compared.
fn said_agree(a: (&Reading, &Said), b: (&Reading, &Said)) -> Option<bool> {
    let status = |r: &Reading| r.result.kind == InputKind::AlleleStatus;
    // Carrier status against a diplotype: the status key must be among the
    // keys the diplotype gives, when they mention that allele at all.
    for (s, o) in [(a, b), (b, a)] {
        if status(s.0) {
            let key = s.1.keys.first()?;
            let allele = key.rsplit_once(' ').map(|(al, _)| al)?;
            if !o
                .1
                .keys
                .iter()
                .any(|k| k.starts_with(&format!("{allele} ")))
            {
                return None;
            }
            return Some(o.1.keys.contains(key));
        }
    }
    let phenotype_field = a.0.field == UsedField::Phenotype || b.0.field == UsedField::Phenotype;
    if !phenotype_field {
        if let (Some(x), Some(y)) = (&a.1.score, &b.1.score) {
            return Some(scores_agree(x, y));
        }
    }
    match (&a.1.phenotype, &b.1.phenotype) {
        (Some(x), Some(y)) => Some(x.eq_ignore_ascii_case(y)),
        _ => {
            // A bare lookup key (`No Result`, `n/a`) against anything else.
            let key = |r: &Reading, s: &Said| {
                (r.result.kind == InputKind::LookupKey).then(|| s.keys.clone())
            };
            match (key(a.0, a.1), key(b.0, b.1)) {
                (Some(x), Some(y)) => Some(x == y),
                _ => None,
            }
        }
    }
}

/// Whether two fields agree: every candidate of one with every candidate
/// of the other. `None` when nothing could be compared.
fn agree(a: &Reading, b: &Reading) -> Option<bool> {
    let (sa, sb) = (said(&a.result), said(&b.result));
    let mut compared = false;
    for x in &sa {
        for y in &sb {
            match said_agree((a, x), (b, y)) {
                Some(false) => return Some(false),
                Some(true) => compared = true,
                None => {}
            }
        }
    }
    compared.then_some(true)
}

/// `diplotype `*1/*1` (Normal Metabolizer, activity score 2.0)`.
fn describe(r: &Reading) -> String {
    let parts: Vec<String> = said(&r.result)
        .iter()
        .map(|s| {
            let mut bits = Vec::new();
            if r.result.kind == InputKind::AlleleStatus || s.phenotype.is_none() {
                bits.extend(s.keys.iter().cloned());
            } else if let Some(p) = &s.phenotype {
                bits.push(p.clone());
            }
            if let Some(score) = &s.score {
                if r.field != UsedField::ActivityScore {
                    bits.push(format!("activity score {score}"));
                }
            }
            bits.retain(|b| !b.eq_ignore_ascii_case(&r.value));
            bits.join(", ")
        })
        .filter(|s| !s.is_empty())
        .collect();
    let mut text = format!("{} `{}`", r.field, r.value);
    if !parts.is_empty() {
        text.push_str(&format!(" ({})", parts.join(" or ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::bundled().expect("bundled packs")
    }

    fn one(text: &str) -> OutsideCall {
        let mut calls = parse(text).expect("parses");
        assert_eq!(calls.len(), 1, "{text:?}");
        calls.remove(0)
    }

    fn resolved(text: &str) -> ResolvedOutside {
        let calls = parse(text).expect("parses");
        let mut r = resolve(&engine(), &calls).expect("resolves");
        r.remove(0)
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
    fn phenotype_synonyms() {
        for (written, read) in [
            ("PM", "Poor Metabolizer"),
            ("im", "Intermediate Metabolizer"),
            ("NM", "Normal Metabolizer"),
            ("RM", "Rapid Metabolizer"),
            ("UM", "Ultrarapid Metabolizer"),
            ("poor metabolizer", "Poor Metabolizer"),
            ("ULTRARAPID METABOLIZER", "Ultrarapid Metabolizer"),
            ("Likely PM", "Likely Poor Metabolizer"),
            (
                "likely intermediate metabolizer",
                "Likely Intermediate Metabolizer",
            ),
            ("Possible IM", "Possible Intermediate Metabolizer"),
            ("Decreased Function", "Decreased Function"),
            ("Indeterminate", "Indeterminate"),
        ] {
            let c = one(&format!("CYP2C19\t\t{written}"));
            assert_eq!(c.phenotype.as_deref(), Some(read), "{written}");
        }
        let r = resolved("CYP2C19\t\tpm");
        assert_eq!(r.input.as_ref().unwrap().value, "Poor Metabolizer");
        assert_eq!(r.used, UsedField::Phenotype);
    }

    #[test]
    fn gene_prefix_is_dropped() {
        assert_eq!(
            one("CYP2D6\tCYP2D6*3/CYP2D6*4").diplotype.as_deref(),
            Some("*3/*4")
        );
        assert_eq!(
            one("cyp2d6\tCYP2D6 *3/cyp2d6*4").diplotype.as_deref(),
            Some("*3/*4")
        );
        assert_eq!(
            one("CYP2D6\tCYP2D6*36+CYP2D6*10/CYP2D6*1")
                .diplotype
                .as_deref(),
            Some("*36+*10/*1")
        );
        // Names that only start like the gene are left alone.
        assert_eq!(
            one("G6PD\tA- 202A_376G/B (reference)").diplotype.as_deref(),
            Some("A- 202A_376G/B (reference)")
        );
        let r = resolved("CYP2D6\tCYP2D6*3/CYP2D6*4");
        assert_eq!(r.input, Some(GeneInput::new("CYP2D6", "*3/*4")));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn names_with_plus_signs_are_kept() {
        for (gene, value) in [
            ("DPYD", "c.1905+1G>A (*2A)/c.1905+1G>A (*2A)"),
            ("UGT1A1", "*80+*28/*1"),
            ("CFTR", "2789+5G->A/711+3A->G"),
        ] {
            let c = one(&format!("{gene}\t{value}"));
            assert_eq!(c.diplotype.as_deref(), Some(value), "{gene}");
        }
        let r = resolved("DPYD\tc.1905+1G>A (*2A)/Reference");
        assert_eq!(
            r.input.as_ref().unwrap().value,
            "c.1905+1G>A (*2A)/Reference"
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = resolved("UGT1A1\t*80 + *28/*1");
        assert_eq!(r.input.as_ref().unwrap().value, "*80+*28/*1");
    }

    #[test]
    fn activity_score_not_applicable() {
        let c = one("CYP2D6\t\t\tn/a");
        assert_eq!(c.activity_score.as_deref(), Some("n/a"));
        let (line, reason) = line_error(resolve(&engine(), &[c]));
        assert_eq!(line, 1);
        assert!(reason.contains("`n/a` is not a number"), "{reason}");
        let (_, reason) = line_error(resolve(&engine(), &parse("CYP2D6\t\t\tlow").unwrap()));
        assert!(reason.contains("`low` is not a number"), "{reason}");
        let r = resolved("CYP2D6\t\t\t>=3");
        assert_eq!(r.input.as_ref().unwrap().value, ">=3");
    }

    #[test]
    fn hla_names_shortened_to_two_fields() {
        let c = one("HLA-A\tA*02:02:02/*03:02:01");
        assert_eq!(c.diplotype.as_deref(), Some("*02:02/*03:02"));
        let c = one("HLA-B\t*02:01/B*04:05");
        assert_eq!(c.diplotype.as_deref(), Some("*02:01/*04:05"));
        let c = one("HLA-B\tHLA-B*57:01:01:02/*08:01");
        assert_eq!(c.diplotype.as_deref(), Some("*57:01/*08:01"));
        assert_eq!(
            one("HLA-B\t\tpositive").phenotype.as_deref(),
            Some("positive")
        );
        let c = one("HLA-B\t\tB*57:01:01 Positive");
        assert_eq!(c.phenotype.as_deref(), Some("*57:01 positive"));
        // Expression suffixes are kept; other genes are never shortened.
        assert_eq!(
            one("HLA-B\t*57:01:01N/*08:01").diplotype.as_deref(),
            Some("*57:01:01N/*08:01")
        );
        assert_eq!(
            one("CYP2D6\t*1:01:01/*2").diplotype.as_deref(),
            Some("*1:01:01/*2")
        );
        let r = resolved("HLA-A\tA*31:01:02/*03:02:01");
        assert_eq!(r.input.as_ref().unwrap().value, "*31:01/*03:02");
    }

    #[test]
    fn sub_alleles_truncated_when_the_gene_does_not_define_them() {
        let r = resolved("CYP2D6\t*1.001/*2.034");
        assert_eq!(r.input.as_ref().unwrap().value, "*1/*2");
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert!(
            r.warnings[0].contains("`*1.001` read as `*1`"),
            "{:?}",
            r.warnings
        );
        assert!(r.warnings[0].starts_with("line 1: "));
        assert_eq!(main_allele("*4.013x2").as_deref(), Some("*4x2"));
        assert_eq!(main_allele("*4"), None);
        assert_eq!(main_allele("*4.x"), None);
        // SLCO1B1 defines *45.001 itself: kept as written.
        assert!(known_names(&engine(), "SLCO1B1").contains("*45.001"));
        let r = resolved("SLCO1B1\t*1/*45.001");
        assert_eq!(r.input.as_ref().unwrap().value, "*1/*45.001");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn old_reference_name_read_from_definitions() {
        let r = resolved("G6PD\tB (wildtype)/B (wildtype)");
        assert_eq!(
            r.input.as_ref().unwrap().value,
            "B (reference)/B (reference)"
        );
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].contains("`B (wildtype)` read as `B (reference)`"));
        let gr = engine().interpret(r.input.as_ref().unwrap()).unwrap();
        assert_eq!(
            gr.candidates[0].calls[0].phenotype.as_deref(),
            Some("Normal")
        );
        // Only reference qualifiers are rewritten: another name is an
        // unknown allele, flagged.
        let r = resolved("G6PD\tB (variant)/B (variant)");
        assert!(r.input.is_none());
        assert!(r.warnings[0].contains("B (variant)"), "{:?}", r.warnings);
    }

    #[test]
    fn single_allele_for_hemizygous_genes() {
        let r = resolved("G6PD\tB (wildtype)");
        assert_eq!(r.input.as_ref().unwrap().value, "B (reference)");
        assert_eq!(r.used, UsedField::Diplotype);
        let r = resolved("G6PD\tA- 202A_376G");
        assert_eq!(r.input.as_ref().unwrap().value, "A- 202A_376G");
        let r = resolved("MT-RNR1\tm.1555A>G");
        assert_eq!(r.input, Some(GeneInput::new("MT-RNR1", "m.1555A>G")));
        let gr = engine().interpret(r.input.as_ref().unwrap()).unwrap();
        assert_eq!(gr.kind, InputKind::Diplotype);
    }

    #[test]
    fn cyp2d6_copy_numbers_and_hybrids() {
        let r = resolved("CYP2D6\t*1x2/*4");
        assert_eq!(r.input.as_ref().unwrap().value, "*1x2/*4");
        assert!(r.warnings.is_empty());
        let r = resolved("CYP2D6\t*1x≥3/*4");
        assert_eq!(r.input.as_ref().unwrap().value, "*1x≥3/*4");
        let r = resolved("CYP2D6\t*36+*10/*1");
        assert_eq!(r.input.as_ref().unwrap().value, "*36 + *10/*1");
        assert!(r.warnings[0].contains("`*36+*10` read as `*36 + *10`"));
        let r = resolved("CYP2D6\t*36 + *10/*1");
        assert!(r.warnings.is_empty());
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
    fn several_lines_for_one_gene() {
        // Parsing keeps every line; resolving checks they can be candidates.
        let calls = parse("CYP2D6\t*1/*1\n# again\ncyp2d6\t\tPM\n").unwrap();
        assert_eq!(calls.len(), 2);
        let (line, reason) = line_error(resolve(&engine(), &calls));
        assert_eq!(line, 3);
        assert!(
            reason.contains("a phenotype here and a diplotype on line 1"),
            "{reason}"
        );
        let calls = parse("CYP2D6\t*1/*4\nCYP2C19\t*1/*1\nCYP2D6\t*1/*10\n").unwrap();
        let r = resolve(&engine(), &calls).unwrap();
        let d6: Vec<&str> = r
            .iter()
            .filter(|x| x.gene == "CYP2D6")
            .map(|x| x.input.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(d6, ["*1/*4", "*1/*10"]);
        // Phenotypes cannot be candidates of one result.
        let calls = parse("CYP2C19\t\tPM\nCYP2C19\t\tIM\n").unwrap();
        let (line, reason) = line_error(resolve(&engine(), &calls));
        assert_eq!(line, 1);
        assert!(reason.contains("several lines"), "{reason}");
        // A no-call line and a result for the same gene contradict.
        let calls = parse("NAT2\t./.\nNAT2\t*4/*4\n").unwrap();
        let (line, reason) = line_error(resolve(&engine(), &calls));
        assert_eq!(line, 2);
        assert!(reason.contains("no usable result on line 1"), "{reason}");
    }

    #[test]
    fn copy_numbers_of_three_or_more() {
        let r = resolved("CYP2D6\t*1x3/*1");
        assert_eq!(r.input.as_ref().unwrap().value, "*1x≥3/*1");
        assert!(
            r.warnings[0].contains("`*1x3` read as `*1x≥3`"),
            "{:?}",
            r.warnings
        );
        let r = resolved("CYP2D6\t*2x4/*4");
        assert_eq!(r.input.as_ref().unwrap().value, "*2x≥3/*4");
        assert_eq!(at_least_copies("*1x2"), None);
        assert_eq!(at_least_copies("*1xN"), None);
    }

    #[test]
    fn no_call_dots() {
        for text in ["HLA-B\t.", "NAT2\t./.", "NAT2\t.|."] {
            let r = resolved(text);
            assert!(r.input.is_none(), "{text}");
            assert!(
                r.warnings.iter().any(|w| w.contains("no-call")),
                "{text}: {:?}",
                r.warnings
            );
        }
        // With a phenotype on the line, the phenotype is used.
        let r = resolved("CYP2C19\t./.\tPM");
        assert_eq!(r.input.unwrap().value, "Poor Metabolizer");
    }

    #[test]
    fn unknown_gene_and_allele() {
        let calls = parse("CYP2C19\t*1/*1\nNOPE1\t*1/*1\n").unwrap();
        match resolve(&engine(), &calls) {
            Err(Error::UnknownGene(g)) => assert_eq!(g, "NOPE1"),
            other => panic!("{other:?}"),
        }
        // An unknown allele in a diplotype is kept as written and flagged.
        let calls = parse("CYP2C19\t*1/*1\n\nCYP2D6\t*1/*999\n").unwrap();
        let r = resolve(&engine(), &calls).unwrap();
        assert_eq!(r[1].input, None);
        assert_eq!(
            r[1].warnings[0],
            "line 3: CYP2D6 diplotype `*1/*999`: unknown allele `*999` for CYP2D6; its function is unknown, so the diplotype gives no phenotype"
        );
        // With a phenotype on the same line, the phenotype is used.
        let r = resolved("CYP2D6\t*1/*999\tPM");
        assert_eq!(r.input.unwrap().value, "Poor Metabolizer");
        // A respelled value that still fails names both spellings.
        let r = resolved("CYP2D6\t*1.001/*999");
        let text = &r.warnings[0];
        assert!(
            text.contains("`*1.001/*999` (read as `*1/*999`)") && text.contains("`*999`"),
            "{text}"
        );
        // A malformed diplotype is still an error.
        let (line, reason) = line_error(resolve(&engine(), &parse("CYP2D6\t*1/").unwrap()));
        assert_eq!(line, 1);
        assert!(reason.contains("*1/"), "{reason}");
        let (line, reason) = line_error(resolve(
            &engine(),
            &parse("HLA-B\t\t*99:01 positive").unwrap(),
        ));
        assert_eq!(line, 1);
        assert!(reason.contains("*99:01"), "{reason}");
    }

    #[test]
    fn value_in_the_wrong_field() {
        let (line, reason) = line_error(resolve(
            &engine(),
            &parse("CYP2D6\tPoor Metabolizer").unwrap(),
        ));
        assert_eq!(line, 1);
        assert!(reason.contains("reads as a phenotype"), "{reason}");
        let (_, reason) = line_error(resolve(&engine(), &parse("CYP2D6\t\t1.0").unwrap()));
        assert!(reason.contains("reads as an activity score"), "{reason}");
        let (_, reason) = line_error(resolve(&engine(), &parse("CYP2D6\t\t\t*1/*1").unwrap()));
        assert!(reason.contains("is not a number"), "{reason}");
        let (_, reason) = line_error(resolve(&engine(), &parse("CYP2C19\t\t\t1.0").unwrap()));
        assert!(
            reason.contains("not phenotyped by activity score"),
            "{reason}"
        );
    }

    #[test]
    fn precedence_for_activity_score_genes() {
        let r = resolved("CYP2D6\t*3/*4\tPoor Metabolizer\t0.0");
        assert_eq!(r.used, UsedField::ActivityScore);
        assert_eq!(r.input, Some(GeneInput::new("CYP2D6", "0.0")));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = resolved("CYP2D6\t*3/*4\tPM");
        assert_eq!(r.used, UsedField::Phenotype);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = resolved("CYP2D6\t*3/*4");
        assert_eq!(r.used, UsedField::Diplotype);
        let r = resolved("CYP2C9\t*1/*1\t\t2");
        assert_eq!(r.used, UsedField::ActivityScore);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = resolved("DPYD\t\tIntermediate Metabolizer\t1.0");
        assert_eq!(r.used, UsedField::ActivityScore);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        // A lower-bound score from the diplotype is consistent with a higher one.
        let r = resolved("CYP2D6\t*1x≥3/*1\t\t4.0");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn precedence_for_other_genes() {
        let r = resolved("CYP2C19\t*1/*2\tIntermediate Metabolizer");
        assert_eq!(r.used, UsedField::Diplotype);
        assert_eq!(r.input.as_ref().unwrap().value, "*1/*2");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = resolved("HLA-B\t*15:02/*57:01\t*57:01 positive");
        assert_eq!(r.used, UsedField::Diplotype);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let r = resolved("HLA-A\t\t*31:01 positive");
        assert_eq!(r.used, UsedField::Phenotype);
        assert_eq!(r.input, Some(GeneInput::new("HLA-A", "*31:01 positive")));
    }

    #[test]
    fn disagreements_are_warned() {
        let r = resolved("CYP2D6\t*1/*1\tPM\t1.0");
        assert_eq!(r.used, UsedField::ActivityScore);
        assert_eq!(r.warnings.len(), 3, "{:#?}", r.warnings);
        assert_eq!(
            r.warnings[0],
            "line 1: CYP2D6 diplotype `*1/*1` (Normal Metabolizer, activity score 2.0) does not match phenotype `Poor Metabolizer` (activity score 0.0); the activity score is used"
        );
        assert!(r.warnings[1].contains("activity score `1.0` (Intermediate Metabolizer)"));
        assert!(r.warnings[2].contains("phenotype `Poor Metabolizer`"));
        let r = resolved("CYP2C19\t*1/*1\tPoor Metabolizer");
        assert_eq!(r.used, UsedField::Diplotype);
        assert_eq!(
            r.warnings,
            vec!["line 1: CYP2C19 diplotype `*1/*1` (Normal Metabolizer) does not match phenotype `Poor Metabolizer`; the diplotype is used"]
        );
        let r = resolved("HLA-B\t*15:02/*08:01\t*57:01 positive");
        assert_eq!(r.used, UsedField::Diplotype);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(
            r.warnings[0].contains("*57:01 negative"),
            "{}",
            r.warnings[0]
        );
        // A status the diplotype's keys do not cover cannot be compared.
        let r = resolved("HLA-B\t*15:02/*08:01\t*15:02 positive");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
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

    #[test]
    fn serde_round_trip() {
        let r = resolved("CYP2D6\t*3/*4\tPM");
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"used\":\"phenotype\""), "{json}");
        let back: ResolvedOutside = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    /// Every outside-call file of the PharmCAT unit tests, when present.
    #[test]
    fn conformance_outside_files() {
        let dir = Path::new("/work/shared/conformance/pharmcat-unit-tests");
        if !dir.is_dir() {
            println!("skipped: {} is not present", dir.display());
            return;
        }
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for (sub, prefix) in [("", "PharmCATTest-"), ("reporter", "outside_")] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with(prefix) && name.ends_with(".tsv") {
                    files.push(e.path());
                }
            }
        }
        files.sort();
        assert!(
            !files.is_empty(),
            "no outside-call files in {}",
            dir.display()
        );
        let engine = engine();
        for file in &files {
            println!("{}", file.display());
            let calls = read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let resolved =
                resolve(&engine, &calls).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(resolved.len(), calls.len());
            for r in &resolved {
                let Some(input) = &r.input else {
                    println!("  line {}: {} → no usable result", r.call.line, r.call.gene);
                    continue;
                };
                let gr = engine.interpret(input).unwrap();
                let calls: Vec<String> = gr
                    .candidates
                    .iter()
                    .flat_map(|c| &c.calls)
                    .map(|c| format!("{}: {}", c.source.label(), c.lookup_keys.join(" | ")))
                    .collect();
                println!(
                    "  line {}: {} → {} from the {} [{}]",
                    r.call.line,
                    r.call.gene,
                    input,
                    r.used,
                    calls.join("; ")
                );
                for w in &r.warnings {
                    println!("    warning: {w}");
                }
            }
        }
    }
}
