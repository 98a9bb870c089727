//! What changed for one patient between two reports: an earlier stored
//! report (any schema version, [`StoredReport`]) and a current one built
//! from the same gene results, usually with a newer knowledge-pack release.
//!
//! Genes are compared by phenotype and activity score; drug results by
//! guideline (added, removed, re-versioned) and by what the matched rows
//! say: the gene results they were looked up with, the action, the dose,
//! the strength, the named alternatives and, where both reports hold the
//! reviewed advice, its details. A change of the guideline version or of a
//! row's upstream id alone does not change the advice; [`Change::changes_advice`]
//! tells the two apart.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::stored::{StoredDrug, StoredMatch, StoredReport};
use super::Report;
use crate::pack::words::{self, Lang};
use crate::pack::DoseAdjustment;
use crate::Source;

/// What kind of change a [`Change`] is: a gene's phenotype or activity
/// score, a guideline added, removed or re-versioned, or what the matched
/// rows say (the gene results used, action, dose, strength, alternatives,
/// other advice details, or only their ids).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A gene's phenotype.
    Phenotype,
    /// A gene's activity score.
    ActivityScore,
    /// A guideline now covers the drug for this patient.
    GuidelineAdded,
    /// The guideline no longer covers the drug.
    GuidelineRemoved,
    /// The guideline's published version (or id).
    GuidelineVersion,
    /// The gene results the rows were looked up with.
    Result,
    /// The action.
    Action,
    /// The dose.
    Dose,
    /// The strength of the recommendation.
    Strength,
    /// The named alternative drugs.
    Alternatives,
    /// Other details of the reviewed advice (conditions, monitoring,
    /// absolute doses), said by the summaries.
    Advice,
    /// Only the matched rows' upstream ids.
    Recommendation,
}

impl ChangeKind {
    /// Every kind, in table order.
    pub const ALL: [ChangeKind; 12] = [
        ChangeKind::Phenotype,
        ChangeKind::ActivityScore,
        ChangeKind::GuidelineAdded,
        ChangeKind::GuidelineRemoved,
        ChangeKind::GuidelineVersion,
        ChangeKind::Result,
        ChangeKind::Action,
        ChangeKind::Dose,
        ChangeKind::Strength,
        ChangeKind::Alternatives,
        ChangeKind::Advice,
        ChangeKind::Recommendation,
    ];

    /// The kind as written in tables (`activity_score`).
    ///
    /// ```
    /// use dosera::report::changes::ChangeKind;
    /// assert_eq!(ChangeKind::GuidelineAdded.as_str(), "guideline_added");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Phenotype => "phenotype",
            ChangeKind::ActivityScore => "activity_score",
            ChangeKind::GuidelineAdded => "guideline_added",
            ChangeKind::GuidelineRemoved => "guideline_removed",
            ChangeKind::GuidelineVersion => "guideline_version",
            ChangeKind::Result => "result",
            ChangeKind::Action => "action",
            ChangeKind::Dose => "dose",
            ChangeKind::Strength => "strength",
            ChangeKind::Alternatives => "alternatives",
            ChangeKind::Advice => "advice",
            ChangeKind::Recommendation => "recommendation",
        }
    }

    /// The kind in words, for readers (`activity score`, `aktivitetspoäng`).
    ///
    /// ```
    /// use dosera::{pack::words::Lang, report::changes::ChangeKind};
    /// assert_eq!(ChangeKind::Dose.label(Lang::En), "dose");
    /// assert_eq!(ChangeKind::Dose.label(Lang::Sv), "dos");
    /// ```
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, sv) = match self {
            ChangeKind::Phenotype => ("phenotype", "fenotyp"),
            ChangeKind::ActivityScore => ("activity score", "aktivitetspoäng"),
            ChangeKind::GuidelineAdded => ("guideline added", "ny riktlinje"),
            ChangeKind::GuidelineRemoved => ("guideline removed", "riktlinje borttagen"),
            ChangeKind::GuidelineVersion => ("guideline version", "riktlinjeversion"),
            ChangeKind::Result => ("gene result used", "genresultat som används"),
            ChangeKind::Action => ("action", "åtgärd"),
            ChangeKind::Dose => ("dose", "dos"),
            ChangeKind::Strength => ("strength", "evidensstyrka"),
            ChangeKind::Alternatives => ("alternatives", "alternativ"),
            ChangeKind::Advice => ("advice details", "rådets detaljer"),
            ChangeKind::Recommendation => ("recommendation id", "rekommendations-id"),
        };
        match lang {
            Lang::En => en,
            Lang::Sv => sv,
        }
    }

    /// True unless the kind only re-identifies the same advice (a new
    /// guideline version or row id).
    ///
    /// ```
    /// use dosera::report::changes::ChangeKind;
    /// assert!(ChangeKind::Dose.changes_advice());
    /// assert!(!ChangeKind::GuidelineVersion.changes_advice());
    /// ```
    pub fn changes_advice(self) -> bool {
        !matches!(
            self,
            ChangeKind::GuidelineVersion | ChangeKind::Recommendation
        )
    }
}

/// One change for one patient: a gene's result or a drug's advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change {
    /// The drug, for a drug's change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug: Option<String>,
    /// The guideline source, for a drug's change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The gene, for a gene's change; for a drug's change, the genes of
    /// the guideline (`CYP2C9`, `NUDT15+TPMT`), which tell two guidelines
    /// of one source for the same drug apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gene: Option<String>,
    /// What changed.
    pub kind: ChangeKind,
    /// Before (empty when there was nothing).
    pub before: String,
    /// After (empty when there is nothing).
    pub after: String,
    /// The guideline version before, for a drug's change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_guideline_version: Option<String>,
    /// The guideline version after, for a drug's change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_guideline_version: Option<String>,
}

impl Change {
    /// True unless the change only re-identifies the same advice
    /// ([`ChangeKind::changes_advice`]).
    pub fn changes_advice(&self) -> bool {
        self.kind.changes_advice()
    }

    /// What the change is about: `TPMT`, or a drug with its guideline's
    /// source and genes, `azathioprine (CPIC, NUDT15+TPMT)`.
    ///
    /// ```
    /// use dosera::report::changes::{Change, ChangeKind};
    /// let c = Change { drug: Some("azathioprine".into()), source: Some(dosera::Source::Cpic),
    ///     gene: None, kind: ChangeKind::Dose, before: String::new(), after: String::new(),
    ///     old_guideline_version: None, new_guideline_version: None };
    /// assert_eq!(c.subject(), "azathioprine (CPIC)");
    /// ```
    pub fn subject(&self) -> String {
        match (&self.drug, self.source, &self.gene) {
            (Some(d), Some(s), Some(g)) => format!("{d} ({}, {g})", s.label()),
            (Some(d), Some(s), None) => format!("{d} ({})", s.label()),
            (Some(d), None, _) => d.clone(),
            (None, _, Some(g)) => g.clone(),
            (None, _, None) => String::new(),
        }
    }
}

/// The changes between an earlier report and a current one of the same
/// patient: genes first (alphabetical), then drugs (alphabetical, CPIC
/// before DPWG), each in [`ChangeKind`] order.
///
/// ```
/// use dosera::report::{changes::{compare, ChangeKind}, stored::StoredReport};
/// let engine = dosera::Engine::bundled().unwrap();
/// let report = |diplotype: &str| {
///     let calls = dosera::input::outside::parse(&format!("CYP2C19\t{diplotype}\n")).unwrap();
///     let resolved = engine.resolve_outside(&calls).unwrap();
///     let empty = dosera::allele::SampleCalls::empty("S1");
///     dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap()
/// };
/// let (old, new) = (report("*1/*1"), report("*2/*2"));
/// assert!(compare(&StoredReport::of(&new), &new).is_empty());
/// let changes = compare(&StoredReport::of(&old), &new);
/// let phenotype = changes.iter().find(|c| c.kind == ChangeKind::Phenotype).unwrap();
/// assert_eq!(phenotype.before, "Normal Metabolizer");
/// assert_eq!(phenotype.after, "Poor Metabolizer");
/// assert!(changes.iter().any(|c| c.kind == ChangeKind::Action && c.drug.as_deref() == Some("clopidogrel")));
/// ```
pub fn compare(old: &StoredReport, new: &Report) -> Vec<Change> {
    compare_in(old, new, Lang::En)
}

/// [`compare`] with the values (phenotypes, actions, doses, strengths,
/// lookup keys) in `lang`; summaries stay in the language each report
/// was written in.
///
/// ```
/// use dosera::report::{changes::{compare_in, ChangeKind}, stored::StoredReport};
/// use dosera::pack::words::Lang;
/// let engine = dosera::Engine::bundled().unwrap();
/// let report = |diplotype: &str| {
///     let calls = dosera::input::outside::parse(&format!("CYP2C19\t{diplotype}\n")).unwrap();
///     let resolved = engine.resolve_outside(&calls).unwrap();
///     let empty = dosera::allele::SampleCalls::empty("S1");
///     dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap()
/// };
/// let (old, new) = (report("*1/*1"), report("*2/*2"));
/// let changes = compare_in(&StoredReport::of(&old), &new, Lang::Sv);
/// let phenotype = changes.iter().find(|c| c.kind == ChangeKind::Phenotype).unwrap();
/// assert_eq!(phenotype.after, "långsam metaboliserare");
/// let action = changes.iter().find(|c| c.kind == ChangeKind::Action).unwrap();
/// assert_eq!(action.before, "standarddosering");
/// ```
pub fn compare_in(old: &StoredReport, new: &Report, lang: Lang) -> Vec<Change> {
    fn view(g: &super::GeneReport) -> GeneView<'_> {
        GeneView {
            gene: &g.gene,
            phenotypes: &g.phenotypes,
            activity_scores: &g.activity_scores,
        }
    }
    let old_genes: Vec<GeneView<'_>> = old.genes.iter().map(view).collect();
    let new_genes: Vec<GeneView<'_>> = new.genes.iter().map(view).collect();
    let new_drugs: Vec<StoredDrug> = new.drugs.iter().map(StoredDrug::of).collect();
    compare_parts(
        &old_genes,
        &old.drugs.iter().collect::<Vec<_>>(),
        &new_genes,
        &new_drugs.iter().collect::<Vec<_>>(),
        lang,
    )
}

/// What [`compare`] reads of a gene.
pub(crate) struct GeneView<'a> {
    pub(crate) gene: &'a str,
    pub(crate) phenotypes: &'a [String],
    pub(crate) activity_scores: &'a [String],
}

/// [`compare`] on the parts it reads.
pub(crate) fn compare_parts(
    old_genes: &[GeneView<'_>],
    old_drugs: &[&StoredDrug],
    new_genes: &[GeneView<'_>],
    new_drugs: &[&StoredDrug],
    lang: Lang,
) -> Vec<Change> {
    let mut changes = gene_changes(old_genes, new_genes, lang);
    let old_keys: Vec<DrugKey> = old_drugs.iter().map(|d| drug_key(d)).collect();
    let new_keys: Vec<DrugKey> = new_drugs.iter().map(|d| drug_key(d)).collect();
    for (o, n) in pair_keys(&old_keys, &new_keys) {
        changes.extend(drug_changes(
            o.map(|i| old_drugs[i]),
            n.map(|i| new_drugs[i]),
            lang,
        ));
    }
    changes
}

/// What a drug result is known by across reports: its drug, source and
/// the guideline's genes (sorted, joined with `+`). A source may have
/// several guidelines for a drug, one per gene (DPWG warfarin: CYP2C9,
/// VKORC1), and a guideline's id may change between releases.
pub(crate) type DrugKey = (String, Source, String);

/// [`DrugKey`] of a drug result.
pub(crate) fn drug_key(d: &StoredDrug) -> DrugKey {
    (d.drug.clone(), d.source, genes_of(d))
}

/// The places of the old and new drug results with the same key, in key
/// order (a key on one side only is paired with `None`; of a key given
/// twice on a side, the last place).
pub(crate) fn pair_keys<K: Ord>(old: &[K], new: &[K]) -> Vec<(Option<usize>, Option<usize>)> {
    fn index<K: Ord>(keys: &[K]) -> BTreeMap<&K, usize> {
        keys.iter().enumerate().map(|(i, k)| (k, i)).collect()
    }
    let (old_at, new_at) = (index(old), index(new));
    let all: BTreeSet<&K> = old_at.keys().chain(new_at.keys()).copied().collect();
    all.into_iter()
        .map(|k| (old_at.get(k).copied(), new_at.get(k).copied()))
        .collect()
}

pub(crate) fn gene_changes(old: &[GeneView<'_>], new: &[GeneView<'_>], lang: Lang) -> Vec<Change> {
    let mut out = Vec::new();
    let mut symbols: BTreeSet<&str> = old.iter().map(|g| g.gene).collect();
    symbols.extend(new.iter().map(|g| g.gene));
    for symbol in symbols {
        let before = old.iter().find(|g| g.gene == symbol);
        let after = new.iter().find(|g| g.gene == symbol);
        type Field = for<'x> fn(&'x GeneView<'x>) -> &'x [String];
        let fields: [(ChangeKind, Field); 2] = [
            (ChangeKind::Phenotype, |g| g.phenotypes),
            (ChangeKind::ActivityScore, |g| g.activity_scores),
        ];
        for (kind, field) in fields {
            let (b, a) = (before.map(field), after.map(field));
            if b.unwrap_or_default() == a.unwrap_or_default() {
                continue;
            }
            let text = |v: Option<&[String]>| {
                v.unwrap_or_default()
                    .iter()
                    .map(|p| match kind {
                        ChangeKind::Phenotype => words::phenotype(p, lang),
                        _ => words::score(p, lang),
                    })
                    .collect::<Vec<_>>()
                    .join(or(lang))
            };
            let (b, a) = (text(b), text(a));
            if b != a {
                out.push(Change {
                    drug: None,
                    source: None,
                    gene: Some(symbol.to_string()),
                    kind,
                    before: b,
                    after: a,
                    old_guideline_version: None,
                    new_guideline_version: None,
                });
            }
        }
    }
    out
}

/// A guideline's genes, sorted, joined with `+`.
fn genes_of(d: &StoredDrug) -> String {
    let mut genes = d.genes.clone();
    genes.sort();
    genes.join("+")
}

/// The changes between a stored and a new drug result with the same
/// [`DrugKey`] (either may be missing).
pub(crate) fn drug_changes(
    old: Option<&StoredDrug>,
    new: Option<&StoredDrug>,
    lang: Lang,
) -> Vec<Change> {
    let Some(any) = new.or(old) else {
        return Vec::new();
    };
    let change = |kind: ChangeKind, before: String, after: String| Change {
        drug: Some(any.drug.clone()),
        source: Some(any.source),
        gene: Some(genes_of(any)).filter(|g| !g.is_empty()),
        kind,
        before,
        after,
        old_guideline_version: old.map(|d| d.guideline_version.clone()),
        new_guideline_version: new.map(|d| d.guideline_version.clone()),
    };
    let (old, new) = match (old, new) {
        (None, Some(n)) => {
            return vec![change(
                ChangeKind::GuidelineAdded,
                String::new(),
                advice(n, lang),
            )];
        }
        (Some(o), None) => {
            return vec![change(
                ChangeKind::GuidelineRemoved,
                advice(o, lang),
                String::new(),
            )];
        }
        (Some(o), Some(n)) => (o, n),
        (None, None) => return Vec::new(),
    };
    let mut out = Vec::new();
    if old.guideline_version != new.guideline_version || old.guideline_id != new.guideline_id {
        out.push(change(
            ChangeKind::GuidelineVersion,
            version(old),
            version(new),
        ));
    }
    type Field = fn(&StoredMatch, Lang) -> String;
    let fields: [(ChangeKind, Field); 5] = [
        (ChangeKind::Result, lookup_text),
        (ChangeKind::Action, |m, lang| {
            words::action_label(m.action, lang).to_string()
        }),
        (ChangeKind::Dose, |m, lang| {
            m.dose
                .as_ref()
                .map(|d| dose_text(d, lang))
                .unwrap_or_default()
        }),
        (ChangeKind::Strength, |m, lang| {
            m.strength
                .as_deref()
                .map(|s| words::strength(s, lang))
                .unwrap_or_default()
        }),
        (ChangeKind::Alternatives, |m, _| m.alternatives.join(", ")),
    ];
    let mut advice_differs = false;
    for (kind, field) in fields {
        let (b, a) = (set_text(old, field, lang), set_text(new, field, lang));
        if b != a {
            advice_differs = true;
            out.push(change(kind, b, a));
        }
    }
    if !advice_differs && facts_differ(old, new) {
        advice_differs = true;
        out.push(change(
            ChangeKind::Advice,
            set_text(old, |m, _| m.summary.clone(), lang),
            set_text(new, |m, _| m.summary.clone(), lang),
        ));
    }
    if !advice_differs {
        let ids = |d: &StoredDrug| set_text(d, |m, _| m.id.clone(), lang);
        if ids(old) != ids(new) {
            out.push(change(ChangeKind::Recommendation, ids(old), ids(new)));
        }
    }
    out
}

/// The field's values over the matched rows, each once, sorted, joined
/// with ` | ` (`none` for a row without one); `no matching row` when none
/// matched.
fn set_text(d: &StoredDrug, field: fn(&StoredMatch, Lang) -> String, lang: Lang) -> String {
    if d.matches.is_empty() {
        return no_row(lang).to_string();
    }
    let values: BTreeSet<String> = d
        .matches
        .iter()
        .map(|m| {
            let v = field(m, lang);
            if v.is_empty() {
                none(lang).to_string()
            } else {
                v
            }
        })
        .collect();
    values.into_iter().collect::<Vec<_>>().join(" | ")
}

fn no_row(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "no matching row",
        Lang::Sv => "ingen matchande rad",
    }
}

fn none(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "none",
        Lang::Sv => "inget",
    }
}

fn or(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " or ",
        Lang::Sv => " eller ",
    }
}

/// Both reports hold the reviewed advice and it differs (as sets: each
/// row's advice is found among the other side's).
fn facts_differ(old: &StoredDrug, new: &StoredDrug) -> bool {
    fn facts(d: &StoredDrug) -> Option<Vec<&crate::pack::Advice>> {
        d.matches.iter().map(|m| m.facts.as_ref()).collect()
    }
    match (facts(old), facts(new)) {
        (Some(a), Some(b)) => a.iter().any(|x| !b.contains(x)) || b.iter().any(|x| !a.contains(x)),
        _ => false,
    }
}

fn lookup_text(m: &StoredMatch, lang: Lang) -> String {
    m.lookup
        .iter()
        .map(|(g, k)| format!("{g}: {}", words::key_value(k, lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A dose change in words, as every output words it.
fn dose_text(d: &DoseAdjustment, lang: Lang) -> String {
    words::dose_text(&d.dose(), lang)
}

fn version(d: &StoredDrug) -> String {
    format!("{} {}", d.guideline_id, d.guideline_version)
}

/// A drug result's advice in brief, for a guideline added or removed:
/// the actions and what they were looked up with.
fn advice(d: &StoredDrug, lang: Lang) -> String {
    if d.matches.is_empty() {
        return no_row(lang).to_string();
    }
    let each: BTreeSet<String> = d
        .matches
        .iter()
        .map(|m| {
            format!(
                "{} ({})",
                words::action_label(m.action, lang),
                lookup_text(m, lang)
            )
        })
        .collect();
    each.into_iter().collect::<Vec<_>>().join(" | ")
}

/// What reanalysing one stored report found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reanalysis {
    /// The sample.
    pub sample: String,
    /// Schema version of the stored report.
    pub old_schema_version: u32,
    /// dosera version that wrote the stored report.
    pub old_engine_version: String,
    /// Knowledge-pack release of the stored report.
    pub old_release: String,
    /// Knowledge-pack release used now.
    pub new_release: String,
    /// What changed, genes first ([`compare`]).
    pub changes: Vec<Change>,
    /// The report as it reads now (left out by [`super::reanalyze::reanalyze_files`], which
    /// keeps only the changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
}

impl Reanalysis {
    /// True when any change alters what the patient's results or advice
    /// say (not only a guideline version or row id).
    ///
    /// ```
    /// use dosera::report::{reanalyze::reanalyze, stored::StoredReport};
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let calls = dosera::input::outside::parse("TPMT\t*1/*3A\n").unwrap();
    /// let resolved = engine.resolve_outside(&calls).unwrap();
    /// let empty = dosera::allele::SampleCalls::empty("S1");
    /// let report = dosera::report::build(&engine, &empty, &resolved, &[]).unwrap();
    /// let again = reanalyze(&engine, &StoredReport::of(&report), &[]).unwrap();
    /// assert!(!again.advice_changed());
    /// assert!(again.changes.is_empty());
    /// ```
    pub fn advice_changed(&self) -> bool {
        self.changes.iter().any(Change::changes_advice)
    }
}

/// Columns of the change table ([`Reanalysis::rows`]).
pub const CHANGE_COLUMNS: [&str; 12] = [
    "sample",
    "file",
    "drug",
    "source",
    "gene",
    "change",
    "before",
    "after",
    "old_release",
    "new_release",
    "old_guideline_version",
    "new_guideline_version",
];

impl Reanalysis {
    /// One row per change, in [`CHANGE_COLUMNS`] order; `file` is the
    /// stored report's path as given (or empty).
    ///
    /// ```
    /// use dosera::report::{reanalyze::{reanalyze, CHANGE_COLUMNS}, stored::StoredReport};
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
    /// let resolved = engine.resolve_outside(&calls).unwrap();
    /// let empty = dosera::allele::SampleCalls::empty("S1");
    /// let report = dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap();
    /// let mut stored = StoredReport::of(&report);
    /// stored.genes[0].phenotypes = vec!["Intermediate Metabolizer".into()];
    /// let rows = reanalyze(&engine, &stored, &["clopidogrel".into()]).unwrap().rows("s1.json");
    /// assert_eq!(rows[0].len(), CHANGE_COLUMNS.len());
    /// assert_eq!(rows[0][..8], ["S1", "s1.json", "", "", "CYP2C19", "phenotype",
    ///     "Intermediate Metabolizer", "Poor Metabolizer"]);
    /// ```
    pub fn rows(&self, file: &str) -> Vec<Vec<String>> {
        self.changes
            .iter()
            .map(|c| {
                vec![
                    self.sample.clone(),
                    file.to_string(),
                    c.drug.clone().unwrap_or_default(),
                    c.source.map(|s| s.as_str().to_string()).unwrap_or_default(),
                    c.gene.clone().unwrap_or_default(),
                    c.kind.as_str().to_string(),
                    c.before.clone(),
                    c.after.clone(),
                    self.old_release.clone(),
                    self.new_release.clone(),
                    c.old_guideline_version.clone().unwrap_or_default(),
                    c.new_guideline_version.clone().unwrap_or_default(),
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::stored::StoredReport;

    fn report(engine: &crate::Engine, line: &str) -> Report {
        let calls = crate::input::outside::parse(line).unwrap();
        let resolved = engine.resolve_outside(&calls).unwrap();
        let empty = crate::allele::SampleCalls::empty("S1");
        crate::report::build(engine, &empty, &resolved, &["codeine".into()]).unwrap()
    }

    /// Activity scores, alone and as lookup keys, are written with a
    /// decimal comma in Swedish, as every other Swedish output writes them.
    #[test]
    fn swedish_scores_have_a_decimal_comma() {
        let engine = crate::Engine::bundled().unwrap();
        let old = report(&engine, "CYP2D6\t*1/*4\n");
        let new = report(&engine, "CYP2D6\t*1/*1\n");
        let stored = StoredReport::of(&old);
        for (lang, before, after) in [(Lang::Sv, "1,0", "2,0"), (Lang::En, "1.0", "2.0")] {
            let changes = compare_in(&stored, &new, lang);
            let score = changes
                .iter()
                .find(|c| c.kind == ChangeKind::ActivityScore)
                .expect("an activity score change");
            assert_eq!(
                (score.before.as_str(), score.after.as_str()),
                (before, after)
            );
            let keys = changes
                .iter()
                .find(|c| c.kind == ChangeKind::Result && c.source == Some(crate::Source::Cpic))
                .expect("a CPIC lookup key change");
            assert!(
                keys.before.contains(&format!("CYP2D6: {before}")),
                "{lang:?}: {}",
                keys.before
            );
            assert!(
                keys.after.contains(&format!("CYP2D6: {after}")),
                "{lang:?}: {}",
                keys.after
            );
        }
    }
}
