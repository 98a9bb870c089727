//! Gene results as a caller gives them (`CYP2C19=*2/*2`,
//! `CYP2D6=Poor Metabolizer`, `CYP2D6=1.5`, `HLA-B=*57:01 positive`) and
//! their interpretation into phenotypes and lookup keys per source.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Recommender;
use crate::pack::{Gene, PhenotypeMethod, Source};
use crate::phenotype;
use crate::{Error, Result};

pub use crate::input::CANDIDATE_SEPARATOR;

/// One gene result as given: a gene and a value.
///
/// ```
/// let input: dosera::GeneInput = "CYP2C19=*2/*2".parse().unwrap();
/// assert_eq!(input.gene, "CYP2C19");
/// assert_eq!(input.value, "*2/*2");
/// assert!("CYP2C19".parse::<dosera::GeneInput>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeneInput {
    /// Gene symbol (any case).
    pub gene: String,
    /// Diplotype(s), phenotype, activity score, allele status or lookup key.
    pub value: String,
}

impl GeneInput {
    /// A gene result from its two parts.
    ///
    /// ```
    /// let input = dosera::GeneInput::new("HLA-B", "*57:01 positive");
    /// assert_eq!(input.to_string(), "HLA-B=*57:01 positive");
    /// ```
    pub fn new(gene: impl Into<String>, value: impl Into<String>) -> GeneInput {
        GeneInput {
            gene: gene.into(),
            value: value.into(),
        }
    }
}

impl std::fmt::Display for GeneInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.gene, self.value)
    }
}

impl std::str::FromStr for GeneInput {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let Some((gene, value)) = s.split_once('=') else {
            return Err(Error::MalformedGeneResult(
                s.to_string(),
                "expected GENE=VALUE".into(),
            ));
        };
        let (gene, value) = (gene.trim(), value.trim());
        if gene.is_empty() || value.is_empty() {
            return Err(Error::MalformedGeneResult(
                s.to_string(),
                "gene and value must both be given".into(),
            ));
        }
        Ok(GeneInput::new(gene, value))
    }
}

/// What kind of value a gene result was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// One or more candidate diplotypes (or a single allele for hemizygous genes).
    Diplotype,
    /// A phenotype (`Poor Metabolizer`).
    Phenotype,
    /// An activity score (`1.5`, `≥3.0`).
    ActivityScore,
    /// HLA carrier status (`*57:01 positive`).
    AlleleStatus,
    /// A guideline lookup key given directly (`No Result`, `xN combinations`).
    LookupKey,
}

/// A gene result interpreted against the loaded packs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeneResult {
    /// Canonical gene symbol.
    pub gene: String,
    /// The value as given.
    pub input: String,
    /// What the value was read as.
    pub kind: InputKind,
    /// One candidate per diplotype given (one for other kinds).
    pub candidates: Vec<Candidate>,
    /// Notes on how the value was read.
    pub notes: Vec<String>,
}

/// One possible result for a gene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Candidate {
    /// Label shown to the user (`*1/*2`, `Poor Metabolizer`).
    pub label: String,
    /// Canonical alleles, for diplotype input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alleles: Vec<String>,
    /// The phenotype and lookup keys per source.
    pub calls: Vec<SourceCall>,
}

/// Phenotype and lookup keys under one source's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceCall {
    /// Source whose rules were applied.
    pub source: Source,
    /// Phenotype, when one follows.
    pub phenotype: Option<String>,
    /// Activity score, for activity genes.
    pub activity_score: Option<String>,
    /// Allele functions, for diplotype input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Option<String>>,
    /// Lookup keys this result matches (usually one; several when the
    /// source cannot tell them apart from the value given).
    pub lookup_keys: Vec<String>,
    /// How the phenotype was derived, in words.
    pub derivation: String,
}

impl Recommender<'_> {
    /// Interprets one gene result: phenotypes and lookup keys under each
    /// loaded source's rules.
    pub(crate) fn interpret(&self, input: &GeneInput) -> Result<GeneResult> {
        let symbol = self.gene_symbol(&input.gene)?.to_string();
        let value = input.value.trim();
        if value.is_empty() {
            return Err(Error::MalformedGeneResult(
                input.to_string(),
                "empty value".into(),
            ));
        }
        let primary = Source::ALL.iter().find_map(|s| self.gene(*s, &symbol));
        let mut result = GeneResult {
            gene: symbol.clone(),
            input: value.to_string(),
            kind: InputKind::LookupKey,
            candidates: Vec::new(),
            notes: Vec::new(),
        };

        // HLA-style carrier status.
        if let Some(status) = self.allele_status(&symbol, primary, value)? {
            result.kind = InputKind::AlleleStatus;
            result
                .candidates
                .push(self.key_candidate(&symbol, &status, "allele status given"));
            return Ok(result);
        }
        if value.eq_ignore_ascii_case("no result") {
            result
                .candidates
                .push(self.key_candidate(&symbol, "No Result", "no result given"));
            return Ok(result);
        }
        let gene = primary;
        let scored = Source::ALL.iter().any(|s| {
            self.gene(*s, &symbol)
                .is_some_and(|g| g.phenotyping.method == PhenotypeMethod::ActivityScore)
        });
        // `n/a`, the activity score of an undecidable result (not a
        // diplotype, despite its slash).
        if scored && value.eq_ignore_ascii_case(phenotype::NOT_APPLICABLE) {
            result.kind = InputKind::ActivityScore;
            result
                .candidates
                .push(self.score_candidate(&symbol, phenotype::NOT_APPLICABLE)?);
            return Ok(result);
        }
        // Diplotypes: anything with a slash or candidate separator.
        if value.contains('/') || value.contains(CANDIDATE_SEPARATOR) {
            let Some(gene) = gene else {
                return Err(Error::MalformedGeneResult(
                    input.to_string(),
                    format!("{symbol} has no allele table; give a phenotype or lookup key"),
                ));
            };
            result.kind = InputKind::Diplotype;
            for part in value.split(CANDIDATE_SEPARATOR) {
                let alleles = phenotype::parse_diplotype(gene, part)?;
                note_respelling(&mut result.notes, &symbol, part, &alleles);
                result
                    .candidates
                    .push(self.diplotype_candidate(&symbol, alleles));
            }
            return Ok(result);
        }
        if phenotype::parse_score(value).is_some() {
            let score = value;
            if !scored {
                return Err(Error::MalformedGeneResult(
                    input.to_string(),
                    format!("{symbol} is not phenotyped by activity score"),
                ));
            }
            result.kind = InputKind::ActivityScore;
            result
                .candidates
                .push(self.score_candidate(&symbol, score)?);
            return Ok(result);
        }
        if let Some(phenotype) = self.known_phenotype(&symbol, value) {
            result.kind = InputKind::Phenotype;
            result
                .candidates
                .push(self.phenotype_candidate(&symbol, &phenotype));
            return Ok(result);
        }
        if let Some(key) = self.known_key(&symbol, value) {
            result
                .candidates
                .push(self.key_candidate(&symbol, &key, "lookup key given"));
            return Ok(result);
        }
        // A single allele (hemizygous G6PD, MT-RNR1), or an allele-like token.
        if let Some(gene) = gene {
            match phenotype::parse_diplotype(gene, value) {
                Ok(alleles) => {
                    result.kind = InputKind::Diplotype;
                    note_respelling(&mut result.notes, &symbol, value, &alleles);
                    result
                        .candidates
                        .push(self.diplotype_candidate(&symbol, alleles));
                    return Ok(result);
                }
                Err(e) if looks_like_allele(value) => return Err(e),
                Err(_) => {}
            }
        }
        Err(Error::MalformedGeneResult(
            input.to_string(),
            format!(
                "not a diplotype, phenotype, activity score, allele status or lookup key known for {symbol}"
            ),
        ))
    }

    fn allele_status(
        &self,
        symbol: &str,
        gene: Option<&Gene>,
        value: &str,
    ) -> Result<Option<String>> {
        let Some(gene) = gene.filter(|g| g.phenotyping.method == PhenotypeMethod::AlleleStatus)
        else {
            return Ok(None);
        };
        let lower = value.to_ascii_lowercase();
        let (allele, positive) = if let Some(a) = lower.strip_suffix("positive") {
            (a, true)
        } else if let Some(a) = lower.strip_suffix("negative") {
            (a, false)
        } else {
            return Ok(None);
        };
        let allele = allele.trim();
        let allele = allele
            .strip_prefix(&symbol.to_ascii_lowercase())
            .unwrap_or(allele)
            .trim();
        let known = gene
            .phenotyping
            .status_alleles
            .iter()
            .find(|a| a.eq_ignore_ascii_case(allele));
        match known {
            Some(a) => Ok(Some(format!(
                "{a} {}",
                if positive { "positive" } else { "negative" }
            ))),
            None => Err(Error::UnknownAllele {
                gene: symbol.to_string(),
                allele: allele.to_string(),
                suggestions: crate::names::suggest(
                    allele,
                    gene.phenotyping.status_alleles.iter().map(String::as_str),
                ),
            }),
        }
    }

    fn known_phenotype(&self, symbol: &str, value: &str) -> Option<String> {
        // Every gene with phenotype rules can be undecidable.
        if value.eq_ignore_ascii_case(phenotype::INDETERMINATE)
            && Source::ALL.iter().any(|s| {
                self.gene(*s, symbol)
                    .is_some_and(|g| g.phenotyping.method != PhenotypeMethod::AlleleStatus)
            })
        {
            return Some(phenotype::INDETERMINATE.to_string());
        }
        for source in Source::ALL {
            let Some(gene) = self.gene(source, symbol) else {
                continue;
            };
            let p = &gene.phenotyping;
            let found = p
                .function_pairs
                .iter()
                .map(|r| r.phenotype.as_str())
                .chain(p.activity_bins.iter().map(|b| b.phenotype.as_str()))
                .chain(p.single_allele.iter().map(|r| r.phenotype.as_str()))
                .chain(p.diplotypes.iter().map(|r| r.phenotype.as_str()))
                .find(|ph| ph.eq_ignore_ascii_case(value));
            if let Some(f) = found {
                return Some(f.to_string());
            }
        }
        None
    }

    fn known_key(&self, symbol: &str, value: &str) -> Option<String> {
        Source::ALL.iter().find_map(|s| {
            self.vocabulary(*s, symbol)?
                .iter()
                .find(|k| k.eq_ignore_ascii_case(value))
                .cloned()
        })
    }

    fn sources(&self) -> impl Iterator<Item = Source> + '_ {
        Source::ALL.into_iter().filter(|s| self.pack(*s).is_some())
    }

    /// The gene under `source`'s rules, falling back to the other pack's
    /// rules when `source` has none for it (e.g. HLA genes in DPWG).
    fn rules_for(&self, source: Source, symbol: &str) -> Option<(&Gene, Option<Source>)> {
        if let Some(g) = self.gene(source, symbol) {
            return Some((g, None));
        }
        Source::ALL
            .iter()
            .find_map(|s| self.gene(*s, symbol).map(|g| (g, Some(*s))))
    }

    fn diplotype_candidate(&self, symbol: &str, alleles: Vec<String>) -> Candidate {
        let label = alleles.join("/");
        let mut calls = Vec::new();
        for source in self.sources() {
            let Some((gene, borrowed)) = self.rules_for(source, symbol) else {
                continue;
            };
            if borrowed.is_none() && gene.phenotyping.method == PhenotypeMethod::DiplotypeTable {
                calls.push(self.table_call(source, symbol, gene, &alleles));
                continue;
            }
            let call = match phenotype::from_alleles(gene, &alleles) {
                Ok(Some(p)) => {
                    let mut call = allele_call(source, gene, &alleles, &p);
                    if let Some(b) = borrowed {
                        call.derivation.push_str(&format!(
                            " ({} has no table for {symbol}; {} rules used)",
                            source.label(),
                            b.label()
                        ));
                    }
                    call
                }
                Ok(None) => no_call(
                    source,
                    format!(
                        "{label} is not in the {} table for {symbol}",
                        source.label()
                    ),
                ),
                Err(e) => no_call(
                    source,
                    format!("{} rules cannot read {label}: {e}", source.label()),
                ),
            };
            calls.push(call);
        }
        Candidate {
            label,
            alleles,
            calls,
        }
    }

    fn score_candidate(&self, symbol: &str, score: &str) -> Result<Candidate> {
        let mut calls = Vec::new();
        for source in self.sources() {
            if let Some(call) = self.score_call(source, symbol, score)? {
                calls.push(call);
            }
        }
        Ok(Candidate {
            label: score.to_string(),
            alleles: Vec::new(),
            calls,
        })
    }

    /// An activity score read under `source`'s rules: binned where the
    /// source phenotypes by score; otherwise the source's keys that carry
    /// this score (`1.0 (Intermediate Metabolizer)`, DPWG DPYD) or, where
    /// its guidelines are keyed by phenotype (DPWG CYP2C9), the phenotype
    /// the score has under the rules that bin it.
    pub(super) fn score_call(
        &self,
        source: Source,
        symbol: &str,
        score: &str,
    ) -> Result<Option<SourceCall>> {
        let Some((gene, _)) = self.rules_for(source, symbol) else {
            return Ok(None);
        };
        if gene.phenotyping.method == PhenotypeMethod::ActivityScore {
            let p = phenotype::from_activity_score(gene, score)?;
            return Ok(Some(SourceCall {
                source,
                phenotype: Some(p.phenotype.clone()),
                activity_score: p.activity_score.clone(),
                functions: Vec::new(),
                lookup_keys: vec![p.lookup_key.clone()],
                derivation: format!(
                    "activity score {} falls in the {} bin for {}",
                    p.activity_score.as_deref().unwrap_or(score),
                    source.label(),
                    p.phenotype
                ),
            }));
        }
        // Tables keyed like "1.0 (Intermediate Metabolizer)": every key
        // with this score is a candidate.
        let canonical = phenotype::normalize_lookup_key(symbol, score);
        let prefix = format!("{canonical} (");
        let vocabulary = self.vocabulary(source, symbol);
        let keys: Vec<String> = vocabulary
            .map(|v| {
                v.iter()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !keys.is_empty() {
            let derivation = if keys.len() > 1 {
                format!("score {canonical} matches several {} keys", source.label())
            } else {
                format!("score {canonical} as {} key", source.label())
            };
            return Ok(Some(SourceCall {
                source,
                phenotype: None,
                activity_score: Some(canonical),
                functions: Vec::new(),
                lookup_keys: keys,
                derivation,
            }));
        }
        let scores_are_keys =
            vocabulary.is_some_and(|v| v.iter().any(|k| phenotype::parse_score(k).is_some()));
        let binned = Source::ALL
            .iter()
            .filter_map(|s| self.gene(*s, symbol))
            .find(|g| g.phenotyping.method == PhenotypeMethod::ActivityScore);
        if let (false, Some(binned)) = (scores_are_keys, binned) {
            // Guidelines keyed by phenotype: the score's phenotype under
            // the rules that bin scores.
            let p = phenotype::from_activity_score(binned, score)?;
            let mut call = self.phenotype_call(source, symbol, &p.phenotype);
            call.activity_score = p.activity_score.clone();
            call.derivation = format!(
                "activity score {} is {} by the score bins; {} looks {symbol} up by phenotype",
                p.activity_score.as_deref().unwrap_or(score),
                p.phenotype,
                source.label()
            );
            return Ok(Some(call));
        }
        // Scores are the keys: the phenotype the source's table gives the
        // score, when it gives one.
        let named = phenotype::from_activity_score(gene, score).ok();
        Ok(Some(SourceCall {
            source,
            phenotype: named.as_ref().map(|p| p.phenotype.clone()),
            activity_score: Some(canonical.clone()),
            functions: Vec::new(),
            lookup_keys: vec![canonical.clone()],
            derivation: match &named {
                Some(p) => format!(
                    "score {canonical} as {} key; {} by its table",
                    source.label(),
                    p.phenotype
                ),
                None => format!("score {canonical} as {} key", source.label()),
            },
        }))
    }

    fn phenotype_candidate(&self, symbol: &str, phenotype: &str) -> Candidate {
        let calls = self
            .sources()
            .map(|source| self.phenotype_call(source, symbol, phenotype))
            .collect();
        Candidate {
            label: phenotype.to_string(),
            alleles: Vec::new(),
            calls,
        }
    }

    /// A phenotype read under `source`'s rules: the source's keys naming it,
    /// and the activity score it implies where it implies exactly one.
    pub(super) fn phenotype_call(
        &self,
        source: Source,
        symbol: &str,
        phenotype: &str,
    ) -> SourceCall {
        let mut keys = BTreeSet::new();
        let suffix = format!("({phenotype})");
        if let Some(vocab) = self.vocabulary(source, symbol) {
            for k in vocab {
                if k.eq_ignore_ascii_case(phenotype) || k.ends_with(&suffix) {
                    keys.insert(k.clone());
                }
            }
        }
        keys.insert(phenotype.to_string());
        let mut score = None;
        let mut derivation = format!("phenotype {phenotype} given");
        let undecided = phenotype == phenotype::INDETERMINATE;
        if let Some((gene, _)) = self.rules_for(source, symbol) {
            let by_score = gene.phenotyping.method == PhenotypeMethod::ActivityScore
                || gene
                    .phenotyping
                    .diplotypes
                    .iter()
                    .any(|r| r.activity_score.is_some());
            if undecided && by_score {
                let na = phenotype::NOT_APPLICABLE.to_string();
                derivation.push_str(&format!("; activity score {na}"));
                keys.insert(na.clone());
                score = Some(na);
            }
            let bins: Vec<_> = gene
                .phenotyping
                .activity_bins
                .iter()
                .filter(|b| b.phenotype == phenotype)
                .collect();
            if let [bin] = bins.as_slice() {
                if bin.max == Some(bin.min) {
                    let s = phenotype::format_activity_score(bin.min, false);
                    derivation.push_str(&format!("; implies activity score {s}"));
                    keys.insert(s.clone());
                    score = Some(s);
                } else if !bins.is_empty() {
                    derivation.push_str("; guidelines keyed on activity score need the score");
                }
            }
        }
        SourceCall {
            source,
            phenotype: Some(phenotype.to_string()),
            activity_score: score,
            functions: Vec::new(),
            lookup_keys: keys.into_iter().collect(),
            derivation,
        }
    }

    fn key_candidate(&self, symbol: &str, key: &str, how: &str) -> Candidate {
        let _ = symbol;
        let calls = self
            .sources()
            .map(|source| SourceCall {
                source,
                phenotype: None,
                activity_score: None,
                functions: Vec::new(),
                lookup_keys: vec![key.to_string()],
                derivation: how.to_string(),
            })
            .collect();
        Candidate {
            label: key.to_string(),
            alleles: Vec::new(),
            calls,
        }
    }
}

/// The call for alleles phenotyped under a gene's own rules. HLA genes get
/// one carrier-status key per status allele (`*15:02 positive`,
/// `*57:01 negative`, …), so each guideline finds the allele it names.
pub(super) fn allele_call(
    source: Source,
    gene: &Gene,
    alleles: &[String],
    p: &phenotype::Phenotype,
) -> SourceCall {
    let mut derivation = derivation_words(gene, alleles, p);
    let lookup_keys = if gene.phenotyping.method == PhenotypeMethod::AlleleStatus {
        if alleles.len() == 1 {
            derivation.push_str(&format!(
                "; one {} allele given: only {} is counted as carried",
                gene.symbol, alleles[0]
            ));
        }
        phenotype::allele_status_keys(gene, alleles).unwrap_or_else(|_| vec![p.lookup_key.clone()])
    } else {
        vec![p.lookup_key.clone()]
    };
    SourceCall {
        source,
        phenotype: Some(p.phenotype.clone()),
        activity_score: p.activity_score.clone(),
        functions: p.functions.clone(),
        lookup_keys,
        derivation,
    }
}

/// Says when a diplotype was read in another spelling than given
/// (`1555A>G` read as `m.1555A>G`; NUDT15 `*2` read as `*3`).
fn note_respelling(notes: &mut Vec<String>, symbol: &str, given: &str, alleles: &[String]) {
    let given: Vec<&str> = given.split('/').map(str::trim).collect();
    if given.len() == alleles.len() && given.iter().zip(alleles).all(|(g, a)| g == a) {
        return;
    }
    let read = alleles.join("/");
    if given.join("/") != read {
        notes.push(format!("{symbol} `{}` read as `{read}`", given.join("/")));
    }
}

pub(super) fn no_call(source: Source, derivation: String) -> SourceCall {
    SourceCall {
        source,
        phenotype: None,
        activity_score: None,
        functions: Vec::new(),
        lookup_keys: Vec::new(),
        derivation,
    }
}

pub(super) fn derivation_words(
    gene: &Gene,
    alleles: &[String],
    p: &phenotype::Phenotype,
) -> String {
    let mut s = match gene.phenotyping.method {
        PhenotypeMethod::ActivityScore => format!(
            "activity score {} from {}",
            p.activity_score.as_deref().unwrap_or("n/a"),
            alleles.join(" + ")
        ),
        PhenotypeMethod::DiplotypeTable => {
            format!("{} read from the diplotype table", alleles.join("/"))
        }
        PhenotypeMethod::AlleleStatus => {
            format!("carrier status from {}", alleles.join(" + "))
        }
        _ => {
            let functions: Vec<&str> = p
                .functions
                .iter()
                .map(|f| f.as_deref().unwrap_or("unassigned function"))
                .collect();
            format!("functions {}", functions.join(" + "))
        }
    };
    s.push_str(&format!(" → {}", p.phenotype));
    for note in &p.notes {
        s.push_str(&format!("; {note}"));
    }
    s
}

fn looks_like_allele(value: &str) -> bool {
    value.starts_with('*')
        || value.starts_with("c.")
        || value.starts_with("m.")
        || value.contains('>')
}

impl GeneResult {
    /// What a guideline of `source` reads of this result, as text: each
    /// candidate's lookup keys (and alleles, with `alleles`), not its name.
    /// Two results with the same reading give the same recommendation rows
    /// unless the result names a candidate (in a non-answer).
    pub(crate) fn reading(&self, source: Source, alleles: bool) -> String {
        let mut sig = format!("{}{}", source.label(), u8::from(alleles));
        for cand in &self.candidates {
            if let Some(call) = cand.calls.iter().find(|c| c.source == source) {
                sig.push('\u{1d}');
                sig.push_str(&call.lookup_keys.join("\u{1f}"));
                if alleles {
                    sig.push('\u{1e}');
                    sig.push_str(&cand.alleles.join("\u{1f}"));
                }
            }
        }
        sig
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gene_input() {
        let g: GeneInput = " CYP2D6 = 1.5 ".parse().unwrap();
        assert_eq!((g.gene.as_str(), g.value.as_str()), ("CYP2D6", "1.5"));
        assert!("=x".parse::<GeneInput>().is_err());
        assert!("CYP2D6=".parse::<GeneInput>().is_err());
    }
}
