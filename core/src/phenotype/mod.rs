//! The phenotype engine: from a diplotype (or an activity score) to the
//! phenotype and the lookup key the guidelines use, following the rules of
//! one [`Gene`] of one pack.
//!
//! Four rule families exist (see [`PhenotypeMethod`]):
//!
//! * **function pair** — the sorted pair of allele functions maps to a
//!   phenotype (CYP2C19, TPMT, …); single-allele results (G6PD in males,
//!   MT-RNR1) map one function to a phenotype;
//! * **activity score** — the allele activity values are summed (`≥`
//!   propagates), the sum is binned (CYP2D6, CYP2C9, DPYD) and the lookup key
//!   is the score itself;
//! * **allele status** — carrier status of named alleles (HLA genes);
//! * **diplotype table** — an explicit table (DPWG genes).
//!
//! Missing information never guesses: an allele without function (or with
//! an `n/a` activity value) gives `Indeterminate`, with the reason in
//! [`Phenotype::notes`].
//!
//! ```
//! use dosera::pack::{AlleleFunction, FunctionPairRule, Gene, PhenotypeMethod, Phenotyping};
//! use dosera::phenotype::{from_alleles, parse_diplotype};
//!
//! let f = |name: &str, function: &str| AlleleFunction {
//!     name: name.into(),
//!     function: Some(function.into()),
//!     activity: None,
//! };
//! let gene = Gene {
//!     symbol: "CYP2C19".into(),
//!     chromosome: None,
//!     definition: None,
//!     call_notes: Vec::new(),
//!     phenotyping: Phenotyping {
//!         version: "example".into(),
//!         method: PhenotypeMethod::FunctionPair,
//!         alleles: vec![f("*1", "Normal function"), f("*2", "No function")],
//!         aliases: Default::default(),
//!         function_pairs: vec![FunctionPairRule {
//!             functions: ["No function".into(), "Normal function".into()],
//!             phenotype: "Intermediate Metabolizer".into(),
//!             lookup_key: "Intermediate Metabolizer".into(),
//!         }],
//!         activity_bins: vec![],
//!         single_allele: vec![],
//!         diplotypes: vec![],
//!         status_alleles: vec![],
//!     },
//! };
//! let alleles = parse_diplotype(&gene, "*2/*1").unwrap();
//! let p = from_alleles(&gene, &alleles).unwrap().unwrap();
//! assert_eq!(p.phenotype, "Intermediate Metabolizer");
//! assert_eq!(p.lookup_key, "Intermediate Metabolizer");
//! ```

use crate::pack::{Gene, PhenotypeMethod};
use crate::{Error, Result};

/// Phenotype given when the rules cannot decide.
pub const INDETERMINATE: &str = "Indeterminate";

/// Lookup key (and activity score) of an undecidable activity score.
pub const NOT_APPLICABLE: &str = "n/a";

/// Genes whose lookup keys are activity scores.
const ACTIVITY_SCORE_GENES: [&str; 3] = ["CYP2C9", "CYP2D6", "DPYD"];

/// Result of phenotyping.
///
/// ```
/// let p = dosera::phenotype::Phenotype {
///     phenotype: "Normal Metabolizer".into(),
///     lookup_key: "2.0".into(),
///     activity_score: Some("2.0".into()),
///     functions: vec![Some("Normal function".into()), Some("Normal function".into())],
///     notes: vec![],
/// };
/// assert_eq!(p.lookup_key, "2.0");
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Phenotype {
    /// Phenotype (`Intermediate Metabolizer`, `Indeterminate`, …).
    pub phenotype: String,
    /// The key the guideline recommendations are looked up with.
    pub lookup_key: String,
    /// Activity score, for activity-score genes (`1.5`, `≥3.0`, `n/a`).
    pub activity_score: Option<String>,
    /// Function of each allele, in input order; empty for score input.
    pub functions: Vec<Option<String>>,
    /// How the result was reached when it is not plain: alias used, `≥`
    /// propagated, why Indeterminate.
    pub notes: Vec<String>,
}

impl Phenotype {
    fn indeterminate(key: &str, activity: Option<String>, functions: Vec<Option<String>>) -> Self {
        Phenotype {
            phenotype: INDETERMINATE.to_string(),
            lookup_key: key.to_string(),
            activity_score: activity,
            functions,
            notes: Vec::new(),
        }
    }
}

/// Resolve one allele name to the gene's canonical name.
///
/// Returns the canonical name and whether an alias was used.
fn resolve(gene: &Gene, token: &str) -> Option<(String, bool)> {
    let ph = &gene.phenotyping;
    if ph.alleles.iter().any(|a| a.name == token) {
        return Some((token.to_string(), false));
    }
    // Aliases before the definitions: an old name may still be defined
    // (NUDT15 `*2` in the 2025 definitions) but is phenotyped as the new one.
    if let Some(target) = ph.aliases.get(token) {
        return Some((target.clone(), true));
    }
    let known = gene
        .definition
        .as_ref()
        .is_some_and(|d| d.alleles.iter().any(|a| a.name == token))
        || ph
            .diplotypes
            .iter()
            .any(|r| r.alleles.iter().any(|a| a == token));
    if known {
        return Some((token.to_string(), false));
    }
    if ph.method == PhenotypeMethod::AlleleStatus && is_hla_allele(token) {
        return Some((token.to_string(), false));
    }
    // An HGVS name written without its sequence prefix, as PharmCAT's
    // outside calls write MT-RNR1 (`1555A>G` for `m.1555A>G`).
    if token.contains('>') && !token.contains('.') {
        for prefix in HGVS_PREFIXES {
            let full = format!("{prefix}{token}");
            if ph.alleles.iter().any(|a| a.name == full) {
                return Some((full, true));
            }
        }
    }
    None
}

/// Sequence prefixes of HGVS allele names (`m.1555A>G`, `c.520C>T`).
const HGVS_PREFIXES: [&str; 2] = ["m.", "c."];

/// `*57:01`, `*57:01:01`, `*57` style HLA allele names. A name of four or
/// more digits without colons (the old `*5701`) is not read: it would miss
/// every status allele and read as negative, so it is an unknown allele
/// whose suggestions give the colon form.
fn is_hla_allele(token: &str) -> bool {
    let Some(rest) = token.strip_prefix('*') else {
        return false;
    };
    if !rest.contains(':') && rest.len() >= 4 {
        return false;
    }
    !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit() || c == ':')
        && rest.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !rest.ends_with(':')
        && !rest.contains("::")
}

/// True when the gene's rules can phenotype a single allele.
fn accepts_single(gene: &Gene) -> bool {
    let ph = &gene.phenotyping;
    !ph.single_allele.is_empty()
        || ph.method == PhenotypeMethod::AlleleStatus
        || ph.diplotypes.iter().any(|r| r.alleles.len() == 1)
}

/// True when the gene's rules can phenotype two alleles.
fn accepts_pair(gene: &Gene) -> bool {
    let ph = &gene.phenotyping;
    match ph.method {
        PhenotypeMethod::FunctionPair => {
            !ph.function_pairs.is_empty() || ph.single_allele.is_empty()
        }
        PhenotypeMethod::ActivityScore | PhenotypeMethod::AlleleStatus => true,
        PhenotypeMethod::DiplotypeTable => {
            ph.diplotypes.is_empty() || ph.diplotypes.iter().any(|r| r.alleles.len() == 2)
        }
    }
}

fn malformed(gene: &Gene, value: &str, reason: &str) -> Error {
    Error::MalformedDiplotype {
        gene: gene.symbol.clone(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

/// An allele the gene does not know, with the close names it does.
fn unknown(gene: &Gene, allele: &str) -> Error {
    Error::UnknownAllele {
        gene: gene.symbol.clone(),
        allele: allele.to_string(),
        suggestions: crate::names::suggest(
            allele,
            crate::pack::allele_names(gene)
                .into_iter()
                .chain(gene.phenotyping.status_alleles.iter().map(String::as_str)),
        ),
    }
}

/// Read a diplotype (`*1/*2`) or, for single-allele genes, one allele
/// (`A`, `m.1555A>G`) into the gene's canonical allele names, in input order.
///
/// Allele names may themselves contain `/`, `,`, spaces and parentheses
/// (G6PD `Telti/Kobe`, DPYD `c.1129-5923C>G, c.1236G>A (HapB3)`): the text is
/// split at the one `/` that leaves two known alleles. Old names listed as
/// aliases are replaced by the current name (NUDT15 `*2` → `*3`).
///
/// Errors: [`Error::UnknownAllele`] naming the unknown part,
/// [`Error::MalformedDiplotype`] for empty, ambiguous or ill-formed text.
///
/// ```
/// use dosera::pack::{AlleleFunction, Gene, PhenotypeMethod, Phenotyping};
/// let gene = Gene {
///     symbol: "G6PD".into(),
///     chromosome: None,
///     definition: None,
///     call_notes: Vec::new(),
///     phenotyping: Phenotyping {
///         version: "example".into(),
///         method: PhenotypeMethod::FunctionPair,
///         alleles: ["A", "Telti, Kobe"]
///             .iter()
///             .map(|n| AlleleFunction { name: n.to_string(), function: None, activity: None })
///             .collect(),
///         aliases: [("Telti/Kobe".to_string(), "Telti, Kobe".to_string())].into(),
///         function_pairs: vec![],
///         activity_bins: vec![],
///         single_allele: vec![],
///         diplotypes: vec![],
///         status_alleles: vec![],
///     },
/// };
/// let alleles = dosera::phenotype::parse_diplotype(&gene, " A/Telti/Kobe ").unwrap();
/// assert_eq!(alleles, vec!["A".to_string(), "Telti, Kobe".to_string()]);
/// ```
pub fn parse_diplotype(gene: &Gene, text: &str) -> Result<Vec<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Err(malformed(gene, text, "empty diplotype"));
    }
    let single = accepts_single(gene);
    let pair = accepts_pair(gene);
    let mut candidates: Vec<Vec<String>> = Vec::new();
    if single {
        if let Some((name, _)) = resolve(gene, text) {
            candidates.push(vec![name]);
        }
    }
    let slashes: Vec<usize> = text.match_indices('/').map(|(i, _)| i).collect();
    // The first unknown token seen next to a known one, for the error message.
    let mut unknown_token: Option<String> = None;
    if pair {
        for &i in &slashes {
            let (left, right) = (text[..i].trim(), text[i + 1..].trim());
            if left.is_empty() || right.is_empty() {
                continue;
            }
            match (resolve(gene, left), resolve(gene, right)) {
                (Some((l, _)), Some((r, _))) => candidates.push(vec![l, r]),
                (Some(_), None) => {
                    unknown_token.get_or_insert_with(|| right.to_string());
                }
                (None, Some(_)) => {
                    unknown_token.get_or_insert_with(|| left.to_string());
                }
                (None, None) => {}
            }
        }
    }
    candidates.dedup();
    match candidates.len() {
        1 => return Ok(candidates.into_iter().next().unwrap_or_default()),
        0 => {}
        _ => {
            return Err(malformed(
                gene,
                text,
                "ambiguous: more than one way to read two known alleles",
            ))
        }
    }
    if slashes.is_empty() {
        if pair && !single {
            // One token for a two-allele gene: say whether it is known at all.
            return match resolve(gene, text) {
                Some(_) => Err(malformed(
                    gene,
                    text,
                    "expected two alleles separated by `/`",
                )),
                None => Err(unknown(gene, text)),
            };
        }
        return Err(unknown(gene, text));
    }
    if !pair {
        return Err(malformed(gene, text, "this gene takes one allele"));
    }
    if let Some(tok) = unknown_token {
        return Err(unknown(gene, &tok));
    }
    if slashes.len() == 1 {
        let left = text[..slashes[0]].trim();
        let right = text[slashes[0] + 1..].trim();
        if left.is_empty() || right.is_empty() {
            return Err(malformed(gene, text, "missing allele"));
        }
        return Err(unknown(gene, left));
    }
    Err(malformed(gene, text, "cannot split into two known alleles"))
}

/// Phenotype of a gene result given as canonical (or alias) allele names:
/// two alleles, or one for single-allele genes.
///
/// Returns `Ok(None)` only for diplotype-table genes (DPWG) with no row for
/// these alleles.
///
/// ```
/// use dosera::pack::{ActivityBin, AlleleFunction, Gene, PhenotypeMethod, Phenotyping};
/// let a = |name: &str, activity: &str| AlleleFunction {
///     name: name.into(),
///     function: None,
///     activity: Some(activity.into()),
/// };
/// let bin = |min: f64, max: Option<f64>, phenotype: &str| ActivityBin {
///     min,
///     max,
///     phenotype: phenotype.into(),
/// };
/// let gene = Gene {
///     symbol: "CYP2D6".into(),
///     chromosome: None,
///     definition: None,
///     call_notes: Vec::new(),
///     phenotyping: Phenotyping {
///         version: "example".into(),
///         method: PhenotypeMethod::ActivityScore,
///         alleles: vec![a("*1", "1.0"), a("*1x≥3", "≥3.0"), a("*22", "n/a")],
///         aliases: Default::default(),
///         function_pairs: vec![],
///         activity_bins: vec![
///             bin(0.0, Some(0.0), "Poor Metabolizer"),
///             bin(0.25, Some(1.0), "Intermediate Metabolizer"),
///             bin(1.25, Some(2.25), "Normal Metabolizer"),
///             bin(2.5, None, "Ultrarapid Metabolizer"),
///         ],
///         single_allele: vec![],
///         diplotypes: vec![],
///         status_alleles: vec![],
///     },
/// };
/// let p = dosera::phenotype::from_alleles(&gene, &["*1".into(), "*1x≥3".into()])
///     .unwrap()
///     .unwrap();
/// assert_eq!((p.phenotype.as_str(), p.lookup_key.as_str()), ("Ultrarapid Metabolizer", "≥4.0"));
/// let p = dosera::phenotype::from_alleles(&gene, &["*1".into(), "*22".into()])
///     .unwrap()
///     .unwrap();
/// assert_eq!((p.phenotype.as_str(), p.lookup_key.as_str()), ("Indeterminate", "n/a"));
/// ```
pub fn from_alleles(gene: &Gene, alleles: &[String]) -> Result<Option<Phenotype>> {
    let shown = alleles.join("/");
    if alleles.is_empty() || alleles.len() > 2 {
        return Err(malformed(gene, &shown, "expected one or two alleles"));
    }
    if alleles.len() == 1 && !accepts_single(gene) {
        return Err(malformed(gene, &shown, "expected two alleles"));
    }
    if alleles.len() == 2 && !accepts_pair(gene) {
        return Err(malformed(gene, &shown, "this gene takes one allele"));
    }
    let mut names = Vec::with_capacity(alleles.len());
    let mut notes = Vec::new();
    for a in alleles {
        let a = a.trim();
        match resolve(gene, a) {
            Some((name, via_alias)) => {
                if via_alias {
                    notes.push(format!("{} `{a}` read as `{name}`", gene.symbol));
                }
                names.push(name);
            }
            None => return Err(unknown(gene, a)),
        }
    }
    let functions: Vec<Option<String>> = names.iter().map(|n| function_of(gene, n)).collect();
    let mut result = match gene.phenotyping.method {
        PhenotypeMethod::FunctionPair => by_function(gene, &names, functions),
        PhenotypeMethod::ActivityScore => by_activity(gene, &names, functions),
        PhenotypeMethod::AlleleStatus => by_status(gene, &names, functions),
        PhenotypeMethod::DiplotypeTable => match by_table(gene, &names, functions) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    notes.append(&mut result.notes);
    result.notes = notes;
    Ok(Some(result))
}

fn allele_entry<'g>(gene: &'g Gene, name: &str) -> Option<&'g crate::pack::AlleleFunction> {
    gene.phenotyping.alleles.iter().find(|a| a.name == name)
}

fn function_of(gene: &Gene, name: &str) -> Option<String> {
    allele_entry(gene, name).and_then(|a| a.function.clone())
}

fn by_function(gene: &Gene, names: &[String], functions: Vec<Option<String>>) -> Phenotype {
    let ph = &gene.phenotyping;
    let mut missing: Vec<&str> = Vec::new();
    let mut fs: Vec<String> = Vec::new();
    for (n, f) in names.iter().zip(&functions) {
        match f {
            Some(f) => fs.push(f.clone()),
            None => missing.push(n),
        }
    }
    if !missing.is_empty() {
        let mut p = Phenotype::indeterminate(INDETERMINATE, None, functions.clone());
        p.notes.push(format!(
            "no function assigned to {} {}",
            gene.symbol,
            missing.join(", ")
        ));
        return p;
    }
    let found = match fs.as_slice() {
        [f] => ph
            .single_allele
            .iter()
            .find(|r| &r.function == f)
            .map(|r| (r.phenotype.clone(), r.lookup_key.clone())),
        [a, b] => {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            ph.function_pairs
                .iter()
                .find(|r| &r.functions[0] == lo && &r.functions[1] == hi)
                .map(|r| (r.phenotype.clone(), r.lookup_key.clone()))
        }
        _ => None,
    };
    match found {
        Some((phenotype, lookup_key)) => Phenotype {
            phenotype,
            lookup_key,
            activity_score: None,
            functions,
            notes: Vec::new(),
        },
        None => {
            let mut p = Phenotype::indeterminate(INDETERMINATE, None, functions);
            p.notes
                .push(format!("no {} rule for {}", gene.symbol, fs.join(" + ")));
            p
        }
    }
}

/// Parse an activity value or score: `1.5`, `≥3.0`, `>=3`.
pub(crate) fn parse_score(text: &str) -> Option<(f64, bool)> {
    let t = text.trim();
    let (rest, at_least) = if let Some(r) = t.strip_prefix('≥') {
        (r, true)
    } else if let Some(r) = t.strip_prefix(">=") {
        (r, true)
    } else {
        (t, false)
    };
    let rest = rest.trim();
    if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v: f64 = rest.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some((v, at_least))
}

/// The bin holding `value`; `None` when it falls between published bins.
fn bin_of(gene: &Gene, value: f64) -> Option<&str> {
    const EPS: f64 = 1e-9;
    gene.phenotyping
        .activity_bins
        .iter()
        .find(|b| value + EPS >= b.min && b.max.is_none_or(|m| value <= m + EPS))
        .map(|b| b.phenotype.as_str())
}

fn by_activity(gene: &Gene, names: &[String], functions: Vec<Option<String>>) -> Phenotype {
    let mut sum = 0.0;
    let mut at_least = false;
    let mut missing = Vec::new();
    for n in names {
        match allele_entry(gene, n)
            .and_then(|a| a.activity.as_deref())
            .and_then(parse_score)
        {
            Some((v, ge)) => {
                sum += v;
                at_least |= ge;
            }
            None => missing.push(n.as_str()),
        }
    }
    if !missing.is_empty() {
        let mut p =
            Phenotype::indeterminate(NOT_APPLICABLE, Some(NOT_APPLICABLE.to_string()), functions);
        p.notes.push(format!(
            "no activity value for {} {}",
            gene.symbol,
            missing.join(", ")
        ));
        return p;
    }
    let mut p = score_phenotype(gene, sum, at_least);
    p.functions = functions;
    p
}

fn score_phenotype(gene: &Gene, value: f64, at_least: bool) -> Phenotype {
    let key = format_activity_score(value, at_least);
    let mut notes = Vec::new();
    if at_least {
        notes.push(format!("activity score is a lower bound ({key})"));
    }
    match bin_of(gene, value) {
        Some(ph) => Phenotype {
            phenotype: ph.to_string(),
            lookup_key: key.clone(),
            activity_score: Some(key),
            functions: Vec::new(),
            notes,
        },
        None => {
            notes.push(format!(
                "activity score {key} is outside the published {} bins",
                gene.symbol
            ));
            Phenotype {
                phenotype: INDETERMINATE.to_string(),
                lookup_key: key.clone(),
                activity_score: Some(key),
                functions: Vec::new(),
                notes,
            }
        }
    }
}

/// The first two fields of an HLA allele (`*57:01:01` → `*57:01`).
fn hla_two_field(name: &str) -> String {
    name.split(':').take(2).collect::<Vec<_>>().join(":")
}

/// Carrier-status lookup keys for an HLA result: one key per status allele
/// of the gene (`*57:01 positive`, `*58:01 negative`), sorted.
///
/// ```
/// use dosera::pack::{Gene, PhenotypeMethod, Phenotyping};
/// let gene = Gene {
///     symbol: "HLA-B".into(),
///     chromosome: None,
///     definition: None,
///     call_notes: Vec::new(),
///     phenotyping: Phenotyping {
///         version: "example".into(),
///         method: PhenotypeMethod::AlleleStatus,
///         alleles: vec![],
///         aliases: Default::default(),
///         function_pairs: vec![],
///         activity_bins: vec![],
///         single_allele: vec![],
///         diplotypes: vec![],
///         status_alleles: vec!["*15:02".into(), "*57:01".into()],
///     },
/// };
/// let keys = dosera::phenotype::allele_status_keys(&gene, &["*57:01:01".into(), "*08:01".into()])
///     .unwrap();
/// assert_eq!(keys, vec!["*15:02 negative", "*57:01 positive"]);
/// ```
pub fn allele_status_keys(gene: &Gene, alleles: &[String]) -> Result<Vec<String>> {
    if gene.phenotyping.method != PhenotypeMethod::AlleleStatus {
        return Err(malformed(
            gene,
            &alleles.join("/"),
            "this gene is not reported as allele carrier status",
        ));
    }
    let carried: Vec<String> = alleles.iter().map(|a| hla_two_field(a.trim())).collect();
    let mut keys: Vec<String> = gene
        .phenotyping
        .status_alleles
        .iter()
        .map(|s| {
            let status = if carried.iter().any(|c| c == s) {
                "positive"
            } else {
                "negative"
            };
            format!("{s} {status}")
        })
        .collect();
    keys.sort();
    Ok(keys)
}

fn by_status(gene: &Gene, names: &[String], functions: Vec<Option<String>>) -> Phenotype {
    let keys = allele_status_keys(gene, names).unwrap_or_default();
    let joined = keys.join("; ");
    Phenotype {
        phenotype: joined.clone(),
        lookup_key: joined,
        activity_score: None,
        functions,
        notes: Vec::new(),
    }
}

fn by_table(gene: &Gene, names: &[String], functions: Vec<Option<String>>) -> Option<Phenotype> {
    // Same alleles in either order; no allocation per row (DPWG CYP2D6 has
    // over a thousand rows).
    let row = gene
        .phenotyping
        .diplotypes
        .iter()
        .find(|r| match (names, r.alleles.as_slice()) {
            ([a], [x]) => a == x,
            ([a, b], [x, y]) => (a == x && b == y) || (a == y && b == x),
            _ => false,
        })?;
    Some(Phenotype {
        phenotype: row.phenotype.clone(),
        lookup_key: row.lookup_key.clone(),
        activity_score: row.activity_score.clone(),
        functions,
        notes: Vec::new(),
    })
}

/// Phenotype of a gene result given as an activity score (`1.5`, `≥3`, `0`,
/// `n/a`). The lookup key is the score in canonical form.
///
/// Works for activity-score genes and for diplotype-table genes whose table
/// gives scores (DPWG CYP2D6); other genes give
/// [`Error::MalformedGeneResult`].
///
/// ```
/// use dosera::pack::{ActivityBin, Gene, PhenotypeMethod, Phenotyping};
/// let gene = Gene {
///     symbol: "CYP2C9".into(),
///     chromosome: None,
///     definition: None,
///     call_notes: Vec::new(),
///     phenotyping: Phenotyping {
///         version: "example".into(),
///         method: PhenotypeMethod::ActivityScore,
///         alleles: vec![],
///         aliases: Default::default(),
///         function_pairs: vec![],
///         activity_bins: vec![
///             ActivityBin { min: 0.0, max: Some(0.5), phenotype: "Poor Metabolizer".into() },
///             ActivityBin { min: 1.0, max: Some(1.5), phenotype: "Intermediate Metabolizer".into() },
///             ActivityBin { min: 2.0, max: None, phenotype: "Normal Metabolizer".into() },
///         ],
///         single_allele: vec![],
///         diplotypes: vec![],
///         status_alleles: vec![],
///     },
/// };
/// let p = dosera::phenotype::from_activity_score(&gene, "1").unwrap();
/// assert_eq!((p.phenotype.as_str(), p.lookup_key.as_str()), ("Intermediate Metabolizer", "1.0"));
/// ```
pub fn from_activity_score(gene: &Gene, score: &str) -> Result<Phenotype> {
    let text = score.trim();
    let bad = |reason: &str| {
        Error::MalformedGeneResult(format!("{}={text}", gene.symbol), reason.to_string())
    };
    if text.eq_ignore_ascii_case(NOT_APPLICABLE) {
        let mut p =
            Phenotype::indeterminate(NOT_APPLICABLE, Some(NOT_APPLICABLE.into()), Vec::new());
        p.notes.push("activity score given as n/a".into());
        return Ok(p);
    }
    let Some((value, at_least)) = parse_score(text) else {
        return Err(bad("not an activity score"));
    };
    match gene.phenotyping.method {
        PhenotypeMethod::ActivityScore => Ok(score_phenotype(gene, value, at_least)),
        PhenotypeMethod::DiplotypeTable => {
            let key = format_activity_score(value, at_least);
            let mut found: Option<(&str, &str)> = None;
            for r in &gene.phenotyping.diplotypes {
                let Some(s) = r.activity_score.as_deref() else {
                    continue;
                };
                if normalize_score(s).as_deref() != Some(key.as_str()) {
                    continue;
                }
                let this = (r.phenotype.as_str(), r.lookup_key.as_str());
                match found {
                    None => found = Some(this),
                    Some(prev) if prev == this => {}
                    Some(_) => return Err(bad("the table gives this score more than one result")),
                }
            }
            match found {
                Some((phenotype, lookup_key)) => Ok(Phenotype {
                    phenotype: phenotype.to_string(),
                    lookup_key: lookup_key.to_string(),
                    activity_score: Some(key),
                    functions: Vec::new(),
                    notes: Vec::new(),
                }),
                None => Err(bad("no row of the table has this activity score")),
            }
        }
        _ => Err(bad("this gene is not phenotyped by activity score")),
    }
}

fn normalize_score(text: &str) -> Option<String> {
    parse_score(text).map(|(v, ge)| format_activity_score(v, ge))
}

/// Canonical activity-score text, as in CPIC 2024 lookup keys: at least one
/// decimal, trailing zeros dropped after that (`0.0`, `0.25`, `1.5`), and a
/// `≥` prefix for lower bounds (`≥3.0`). Non-finite values give `n/a`.
///
/// ```
/// use dosera::phenotype::format_activity_score;
/// assert_eq!(format_activity_score(0.0, false), "0.0");
/// assert_eq!(format_activity_score(0.25, false), "0.25");
/// assert_eq!(format_activity_score(1.5, false), "1.5");
/// assert_eq!(format_activity_score(3.0, true), "≥3.0");
/// assert_eq!(format_activity_score(3.25, true), "≥3.25");
/// ```
pub fn format_activity_score(value: f64, at_least: bool) -> String {
    if !value.is_finite() {
        return NOT_APPLICABLE.to_string();
    }
    // -0.0 prints as "-0.0"; scores are never negative zero.
    let value = if value == 0.0 { 0.0 } else { value };
    let mut s = format!("{value:.3}");
    while s.ends_with('0') && s.len() >= 2 && !s[..s.len() - 1].ends_with('.') {
        s.pop();
    }
    if at_least {
        format!("≥{s}")
    } else {
        s
    }
}

/// Canonical form of a lookup key: numeric keys of the activity-score genes
/// (CYP2C9, CYP2D6, DPYD) are reformatted (`0` → `0.0`, `≥4` → `≥4.0`,
/// `>=3` → `≥3.0`); every other key is returned trimmed but otherwise
/// unchanged.
///
/// ```
/// use dosera::phenotype::normalize_lookup_key;
/// assert_eq!(normalize_lookup_key("CYP2D6", "≥4"), "≥4.0");
/// assert_eq!(normalize_lookup_key("CYP2C9", "0"), "0.0");
/// assert_eq!(normalize_lookup_key("DPYD", "1.0 (Phenotyping)"), "1.0 (Phenotyping)");
/// assert_eq!(normalize_lookup_key("CYP2C19", "2"), "2");
/// ```
pub fn normalize_lookup_key(gene: &str, key: &str) -> String {
    let key = key.trim();
    if ACTIVITY_SCORE_GENES.contains(&gene) {
        if let Some(n) = normalize_score(key) {
            return n;
        }
    }
    key.to_string()
}

pub use crate::names::natural_cmp;

#[cfg(test)]
mod tests;
