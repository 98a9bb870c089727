//! Outside calls checked against the loaded packs: each line's gene and
//! values are read by the engine's own rules, respelled where the packs
//! spell a name differently, and the field that drives the gene's result is
//! chosen (the rules are in [`crate::input::outside`], which parses the
//! file).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{GeneInput, GeneResult, InputKind, Recommender, CANDIDATE_SEPARATOR};
use crate::input::outside::{bad_line, OutsideCall, UsedField, REFERENCE_QUALIFIERS};
use crate::pack::{PhenotypeMethod, Source};
use crate::phenotype;
use crate::{Error, Result};

/// An outside call checked against the loaded packs and turned into the
/// gene input the engine uses.
///
/// ```
/// use dosera::input::outside::{parse, UsedField};
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = parse("CYP2D6\t*1/*1\t\t0.5\n").unwrap();
/// let r = &engine.resolve_outside(&calls).unwrap()[0];
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

/// Checks every outside call against the loaded packs ([`crate::Engine::resolve_outside`]).
pub(crate) fn resolve(
    engine: &Recommender<'_>,
    calls: &[OutsideCall],
) -> Result<Vec<ResolvedOutside>> {
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
        let joined = values.join(&CANDIDATE_SEPARATOR.to_string());
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

fn resolve_one(
    engine: &Recommender<'_>,
    symbol: &str,
    call: &OutsideCall,
) -> Result<ResolvedOutside> {
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
    engine: &Recommender<'_>,
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
fn known_names(engine: &Recommender<'_>, symbol: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for source in Source::ALL {
        if let Some(gene) = engine.gene(source, symbol) {
            names.extend(
                crate::pack::allele_names(gene)
                    .into_iter()
                    .map(str::to_string),
            );
            names.extend(gene.phenotyping.status_alleles.iter().cloned());
        }
    }
    names
}

/// Names of reference alleles in the gene's allele definitions.
fn reference_names(engine: &Recommender<'_>, symbol: &str) -> BTreeSet<String> {
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

fn respell(engine: &Recommender<'_>, symbol: &str, value: &str) -> Option<(String, Vec<String>)> {
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
    use crate::input::outside::{parse, read};
    use crate::Engine;
    use std::path::Path;

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
        let mut r = engine().resolve_outside(&calls).expect("resolves");
        r.remove(0)
    }

    fn line_error(result: Result<impl std::fmt::Debug>) -> (u64, String) {
        match result {
            Err(Error::MalformedOutsideCall { line, reason }) => (line, reason),
            other => panic!("expected MalformedOutsideCall, got {other:?}"),
        }
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
        let (line, reason) = line_error(engine().resolve_outside(&[c]));
        assert_eq!(line, 1);
        assert!(reason.contains("`n/a` is not a number"), "{reason}");
        let (_, reason) = line_error(engine().resolve_outside(&parse("CYP2D6\t\t\tlow").unwrap()));
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
        assert!(known_names(&engine().recommender(), "SLCO1B1").contains("*45.001"));
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
    fn several_lines_for_one_gene() {
        // Parsing keeps every line; resolving checks they can be candidates.
        let calls = parse("CYP2D6\t*1/*1\n# again\ncyp2d6\t\tPM\n").unwrap();
        assert_eq!(calls.len(), 2);
        let (line, reason) = line_error(engine().resolve_outside(&calls));
        assert_eq!(line, 3);
        assert!(
            reason.contains("a phenotype here and a diplotype on line 1"),
            "{reason}"
        );
        let calls = parse("CYP2D6\t*1/*4\nCYP2C19\t*1/*1\nCYP2D6\t*1/*10\n").unwrap();
        let r = engine().resolve_outside(&calls).unwrap();
        let d6: Vec<&str> = r
            .iter()
            .filter(|x| x.gene == "CYP2D6")
            .map(|x| x.input.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(d6, ["*1/*4", "*1/*10"]);
        // Phenotypes cannot be candidates of one result.
        let calls = parse("CYP2C19\t\tPM\nCYP2C19\t\tIM\n").unwrap();
        let (line, reason) = line_error(engine().resolve_outside(&calls));
        assert_eq!(line, 1);
        assert!(reason.contains("several lines"), "{reason}");
        // A no-call line and a result for the same gene contradict.
        let calls = parse("NAT2\t./.\nNAT2\t*4/*4\n").unwrap();
        let (line, reason) = line_error(engine().resolve_outside(&calls));
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
        match engine().resolve_outside(&calls) {
            Err(Error::UnknownGene { gene, .. }) => assert_eq!(gene, "NOPE1"),
            other => panic!("{other:?}"),
        }
        // An unknown allele in a diplotype is kept as written and flagged.
        let calls = parse("CYP2C19\t*1/*1\n\nCYP2D6\t*1/*999\n").unwrap();
        let r = engine().resolve_outside(&calls).unwrap();
        assert_eq!(r[1].input, None);
        assert_eq!(
            r[1].warnings[0],
            "line 3: CYP2D6 diplotype `*1/*999`: unknown allele `*999` for CYP2D6; did you mean *99 or *9?; its function is unknown, so the diplotype gives no phenotype"
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
        let (line, reason) = line_error(engine().resolve_outside(&parse("CYP2D6\t*1/").unwrap()));
        assert_eq!(line, 1);
        assert!(reason.contains("*1/"), "{reason}");
        let (line, reason) =
            line_error(engine().resolve_outside(&parse("HLA-B\t\t*99:01 positive").unwrap()));
        assert_eq!(line, 1);
        assert!(reason.contains("*99:01"), "{reason}");
    }

    #[test]
    fn value_in_the_wrong_field() {
        let (line, reason) =
            line_error(engine().resolve_outside(&parse("CYP2D6\tPoor Metabolizer").unwrap()));
        assert_eq!(line, 1);
        assert!(reason.contains("reads as a phenotype"), "{reason}");
        let (_, reason) = line_error(engine().resolve_outside(&parse("CYP2D6\t\t1.0").unwrap()));
        assert!(reason.contains("reads as an activity score"), "{reason}");
        let (_, reason) =
            line_error(engine().resolve_outside(&parse("CYP2D6\t\t\t*1/*1").unwrap()));
        assert!(reason.contains("is not a number"), "{reason}");
        let (_, reason) = line_error(engine().resolve_outside(&parse("CYP2C19\t\t\t1.0").unwrap()));
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
            let resolved = engine
                .resolve_outside(&calls)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
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
