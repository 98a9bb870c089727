//! Gene results → the matching guideline recommendations, per drug and
//! source, with every candidate shown and whether they agree.

mod gene_input;
mod non_answer;
mod outside;
mod table_fallback;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use gene_input::{
    Candidate, GeneInput, GeneResult, InputKind, SourceCall, CANDIDATE_SEPARATOR,
};
pub(crate) use non_answer::{strict_lines, strict_warnings, Gap};
pub use non_answer::{NonAnswer, NonAnswerReason};
pub(crate) use outside::resolve as resolve_outside;
pub use outside::ResolvedOutside;

use crate::pack::words::{self, Lang};
use crate::pack::Knowledge;
use crate::pack::{Action, Advice, DoseAdjustment, LookupKey, Recommendation, Source};
use crate::ENGINE_VERSION;
use crate::{Error, Result};

/// Most candidate combinations evaluated for one guideline; beyond this the
/// result is flagged rather than silently truncated.
pub const MAX_COMBINATIONS: usize = 4096;

/// What to evaluate.
///
/// ```
/// let request = dosera::Request::new(["CYP2C19=*2/*2".parse().unwrap()])
///     .drugs(["clopidogrel"])
///     .sources([dosera::Source::Cpic]);
/// assert_eq!(request.drugs.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Request {
    /// Gene results.
    pub genes: Vec<GeneInput>,
    /// Drugs; empty means every drug whose guidelines use a gene given.
    #[serde(default)]
    pub drugs: Vec<String>,
    /// Sources; empty means every loaded source.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Strict mode: a gene result given but not answered (a value not
    /// understood, or a result the guideline has no row for) is an error
    /// ([`Error::NonAnswer`]) instead of a warning.
    #[serde(default)]
    pub strict: bool,
    /// Language of the clinical text (`en`, the default, or `sv`).
    #[serde(default)]
    pub lang: Lang,
}

impl Request {
    /// A request for these gene results, every relevant drug, every source.
    pub fn new(genes: impl IntoIterator<Item = GeneInput>) -> Request {
        Request {
            genes: genes.into_iter().collect(),
            ..Request::default()
        }
    }

    /// Restricts to these drugs.
    pub fn drugs<S: Into<String>>(mut self, drugs: impl IntoIterator<Item = S>) -> Request {
        self.drugs = drugs.into_iter().map(Into::into).collect();
        self
    }

    /// Restricts to these sources.
    pub fn sources(mut self, sources: impl IntoIterator<Item = Source>) -> Request {
        self.sources = sources.into_iter().collect();
        self
    }

    /// Sets strict mode (see [`Request::strict`](struct@Request#structfield.strict)).
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["CYP2D6=*1/*1".parse().unwrap()])
    ///     .drugs(["codeine"])
    ///     .strict(true);
    /// assert!(engine.recommend(&request).is_ok());
    /// // Codeine's guidelines have no row for CYP2D6 `No Result`.
    /// let request = dosera::Request::new(["CYP2D6=No Result".parse().unwrap()])
    ///     .drugs(["codeine"])
    ///     .strict(true);
    /// let err = engine.recommend(&request).unwrap_err();
    /// assert_eq!(err.code(), dosera::ErrorCode::NonAnswer);
    /// ```
    pub fn strict(mut self, strict: bool) -> Request {
        self.strict = strict;
        self
    }

    /// Sets the language of the clinical text.
    ///
    /// ```
    /// use dosera::pack::words::Lang;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["CYP2C19=*2/*2".parse().unwrap()])
    ///     .drugs(["clopidogrel"])
    ///     .sources([dosera::Source::Cpic])
    ///     .lang(Lang::Sv);
    /// let result = engine.recommend(&request).unwrap();
    /// assert!(result.drugs[0].matches[0].summary.contains("clopidogrel"));
    /// assert!(result.drugs[0].matches[0].implication.contains("långsam metaboliserare"));
    /// ```
    pub fn lang(mut self, lang: Lang) -> Request {
        self.lang = lang;
        self
    }
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recommendations {
    /// Engine version.
    pub engine_version: String,
    /// Release of the pack set used.
    pub packs_release: String,
    /// sha256 of the pack manifest used.
    pub packs_sha256: String,
    /// Per source: pack release and licence.
    pub packs: Vec<PackInfo>,
    /// Interpreted gene results.
    pub genes: Vec<GeneResult>,
    /// Per drug, source and guideline: what matched. Actionable first.
    pub drugs: Vec<DrugResult>,
    /// Request-level warnings (e.g. a drug with no guideline in a source),
    /// and every non-answer of a result that was given (see
    /// [`NonAnswerReason::fails_strict`]), naming the drugs it affects.
    pub warnings: Vec<String>,
}

impl Recommendations {
    /// The warnings of the drug results' non-answers that strict mode
    /// turns into an error (they are in [`Recommendations::warnings`] too).
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["CYP2D6=No Result".parse().unwrap()]).drugs(["codeine"]);
    /// let result = engine.recommend(&request).unwrap();
    /// let w = result.strict_warnings();
    /// assert!(w[0].starts_with("CYP2D6 No Result: the guideline has no recommendation"), "{w:?}");
    /// assert!(result.warnings.contains(&w[0]));
    /// assert!(result.check_strict().is_err());
    /// ```
    pub fn strict_warnings(&self) -> Vec<String> {
        non_answer::drug_warnings(&self.drugs)
    }

    /// `Err` ([`Error::NonAnswer`], code 112) when strict mode would fail on
    /// this result, naming every non-answer it fails on.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["CYP2C19=*2/*2".parse().unwrap()]).drugs(["clopidogrel"]);
    /// assert!(engine.recommend(&request).unwrap().check_strict().is_ok());
    /// ```
    pub fn check_strict(&self) -> Result<()> {
        non_answer::check(&self.strict_warnings())
    }
}

/// A pack used for the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PackInfo {
    /// Source.
    pub source: Source,
    /// Pack release.
    pub release: String,
    /// Licence of the content.
    pub license: String,
    /// Attribution to show.
    pub attribution: String,
}

impl PackInfo {
    /// What a result says about a pack it used.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let info = dosera::PackInfo::of(&engine.packs()[0]);
    /// assert_eq!(info.release, engine.packs()[0].meta.release);
    /// ```
    pub fn of(pack: &crate::pack::Pack) -> PackInfo {
        PackInfo {
            source: pack.meta.source,
            release: pack.meta.release.clone(),
            license: pack.meta.license.clone(),
            attribution: pack.meta.attribution.clone(),
        }
    }
}

/// One drug under one guideline of one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrugResult {
    /// Drug.
    pub drug: String,
    /// Source.
    pub source: Source,
    /// Pack release the guideline came from.
    pub release: String,
    /// Guideline id.
    pub guideline_id: String,
    /// Guideline name.
    pub guideline_name: String,
    /// Guideline version as published.
    pub guideline_version: String,
    /// Where to read the guideline.
    pub url: String,
    /// Genes the guideline uses.
    pub genes: Vec<String>,
    /// Matched recommendations.
    pub matches: Vec<Match>,
    /// True when every candidate combination leads to the same advice.
    pub candidates_agree: bool,
    /// True when any matched recommendation departs from standard prescribing.
    pub actionable: bool,
    /// Genes of the guideline whose result this answer does not use, and
    /// why: not given (matched as `No Result`), given but not understood
    /// (matched as `No Result`), or a result the guideline has no row for.
    /// Empty for a guideline with no lookup table at all (its note in
    /// `warnings` says why).
    pub non_answers: Vec<NonAnswer>,
    /// Warnings (the guideline's own note, a limit reached, …).
    pub warnings: Vec<String>,
    /// Other sources whose advice for the same drug and result differs
    /// (also said in `warnings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<SourceDisagreement>,
}

/// Another source advises differently for the same drug and result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceDisagreement {
    /// The other source.
    pub other: Source,
    /// This result's actions.
    pub actions: Vec<Action>,
    /// The other source's actions.
    pub other_actions: Vec<Action>,
}

impl SourceDisagreement {
    /// The warning in words.
    ///
    /// ```
    /// use dosera::{pack::{words::Lang, Action}, Source, SourceDisagreement};
    /// let d = SourceDisagreement {
    ///     other: Source::Dpwg,
    ///     actions: vec![Action::StandardDosing],
    ///     other_actions: vec![Action::Other],
    /// };
    /// assert_eq!(d.text("codeine", Source::Cpic, Lang::En),
    ///   "CPIC and DPWG advise differently for codeine with this result: CPIC says standard dosing; DPWG says other guidance. Read both rows.");
    /// assert!(d.text("codeine", Source::Cpic, Lang::Sv).starts_with("CPIC och DPWG ger olika råd för codeine"));
    /// ```
    pub fn text(&self, drug: &str, source: Source, lang: Lang) -> String {
        words::disagreement(
            drug,
            source.label(),
            &self.actions,
            self.other.label(),
            &self.other_actions,
            lang,
        )
    }
}

/// A recommendation that matched, and for which candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Match {
    /// Recommendation id.
    pub id: String,
    /// Population.
    pub population: Option<String>,
    /// Strength / classification.
    pub strength: Option<String>,
    /// Action.
    pub action: Action,
    /// Dose adjustment.
    pub dose: Option<DoseAdjustment>,
    /// Alternatives.
    pub alternatives: Vec<String>,
    /// Lookup key per gene, as the guideline writes it.
    pub lookup: BTreeMap<String, String>,
    /// Summary in the project's words.
    pub summary: String,
    /// Implication in the project's words.
    pub implication: String,
    /// What the guideline row says, as reviewed facts (the summary and
    /// implication are written from them).
    pub facts: Advice,
    /// Alternatives this row names whose own advice (same source) this
    /// patient's gene results also change (shown beside the alternative).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected_alternatives: Vec<AffectedAlternative>,
    /// Candidate combinations leading here (`CYP2D6 *1/*4`).
    pub candidates: Vec<String>,
}

/// An alternative drug whose own advice this patient's results also change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AffectedAlternative {
    /// The alternative drug.
    pub drug: String,
    /// Its actions for this patient's gene results (same source).
    pub actions: Vec<Action>,
}

impl Match {
    /// Writes the summary and implication again from the facts, in `lang`.
    ///
    /// ```
    /// use dosera::pack::words::Lang;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["TPMT=*3A/*3A".parse().unwrap()])
    ///     .drugs(["azathioprine"])
    ///     .sources([dosera::Source::Dpwg]);
    /// let mut m = engine.recommend(&request).unwrap().drugs[0].matches[0].clone();
    /// m.localise("azathioprine", Lang::Sv);
    /// assert!(m.implication.starts_with("TPMT långsam metaboliserare"), "{}", m.implication);
    /// ```
    pub fn localise(&mut self, drug: &str, lang: Lang) {
        self.summary = words::summary(drug, &self.facts, lang);
        for a in &self.affected_alternatives {
            self.summary.push(' ');
            self.summary
                .push_str(&words::affected_alternative(&a.drug, &a.actions, lang));
        }
        self.implication =
            words::implication_of(&words::describe_keys(&self.lookup, lang), &self.facts, lang);
    }
}

impl Match {
    /// The primary dose in words, as every output writes it (`25–50% of the
    /// usual starting dose`), when the row gives one.
    ///
    /// ```
    /// use dosera::pack::words::Lang;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["CYP2C19=*17/*17".parse().unwrap()])
    ///     .drugs(["voriconazole"])
    ///     .sources([dosera::Source::Dpwg]);
    /// let m = &engine.recommend(&request).unwrap().drugs[0].matches[0];
    /// assert!(m.dose_text(Lang::En).unwrap().starts_with("150%"));
    /// ```
    pub fn dose_text(&self, lang: Lang) -> Option<String> {
        self.facts.dose.as_ref().map(|d| words::dose_text(d, lang))
    }
}

impl DrugResult {
    /// Writes every match's clinical text in `lang` (see [`Match::localise`]).
    pub fn localise(&mut self, lang: Lang) {
        for m in &mut self.matches {
            m.localise(&self.drug, lang);
        }
        for x in &self.disagreements {
            let local = x.text(&self.drug, self.source, lang);
            for l in Lang::ALL {
                let said = x.text(&self.drug, self.source, l);
                for w in &mut self.warnings {
                    if *w == said {
                        *w = local.clone();
                    }
                }
            }
        }
    }
}

impl Match {
    fn from_rec(rec: &Recommendation) -> Match {
        Match {
            id: rec.id.clone(),
            population: rec.population.clone(),
            strength: rec.strength.clone(),
            action: rec.action,
            dose: rec.dose.clone(),
            alternatives: rec.alternatives.clone(),
            lookup: rec
                .lookup
                .iter()
                .map(|(g, k)| (g.clone(), k.as_str().to_string()))
                .collect(),
            summary: rec.summary.clone(),
            implication: rec.implication.clone(),
            facts: rec.facts.clone(),
            affected_alternatives: Vec::new(),
            candidates: Vec::new(),
        }
    }
}

/// The drug and source lists of a request.
struct RequestLists<'a> {
    drugs: &'a [String],
    sources: &'a [Source],
}

/// One way a gene can be read for matching.
struct GeneReading<'a> {
    label: String,
    /// The candidate's label; `None` for a gene with no result.
    value: Option<&'a str>,
    keys: &'a [String],
    alleles: &'a [String],
}

const NO_RESULT: &str = "No Result";

/// One drug under one guideline of one source, to be evaluated.
pub(crate) struct Slot<'a> {
    /// Drug.
    pub(crate) drug: String,
    entry: &'a crate::pack::DrugGuideline,
    /// The guideline.
    pub(crate) guideline: &'a crate::pack::Guideline,
}

impl Slot<'_> {
    /// Which drug and guideline of the packs this is: equal for equal
    /// slots of one engine (the address of its entry, which the packs hold
    /// for as long as the engine lives).
    pub(crate) fn place(&self) -> usize {
        std::ptr::from_ref(self.entry) as usize
    }

    /// The guideline's source.
    pub(crate) fn source(&self) -> Source {
        self.entry.source
    }
}

/// What a request evaluates: [`Slot`]s in order, and the warnings the
/// request itself raises.
pub(crate) struct Plan<'a> {
    /// Drug and guideline pairs, in evaluation order.
    pub(crate) slots: Vec<Slot<'a>>,
    /// Sources with no guideline for a drug asked about.
    pub(crate) warnings: Vec<String>,
}

/// The order of drug results: actionable first, then by drug, source and
/// guideline id.
pub(crate) fn result_order(a: &DrugResult, b: &DrugResult) -> std::cmp::Ordering {
    b.actionable.cmp(&a.actionable).then_with(|| {
        slot_order(
            (&a.drug, a.source, &a.guideline_id),
            (&b.drug, b.source, &b.guideline_id),
        )
    })
}

/// The order of drug results of the same actionability.
pub(crate) fn slot_order(a: (&str, Source, &str), b: (&str, Source, &str)) -> std::cmp::Ordering {
    a.0.cmp(b.0)
        .then_with(|| a.1.cmp(&b.1))
        .then_with(|| a.2.cmp(b.2))
}

/// The recommend stage over the loaded packs: it interprets gene results
/// (phenotypes, lookup keys) and finds each drug's rows. The engine holds
/// the packs and hands them in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recommender<'a>(pub(crate) &'a Knowledge);

impl std::ops::Deref for Recommender<'_> {
    type Target = Knowledge;

    fn deref(&self) -> &Knowledge {
        self.0
    }
}

impl<'a> Recommender<'a> {
    /// Recommendations for gene results.
    pub(crate) fn recommend(&self, request: &Request) -> Result<Recommendations> {
        let mut genes: Vec<GeneResult> = Vec::new();
        for input in &request.genes {
            genes.push(self.interpret(input)?);
        }
        let mut result =
            self.recommend_interpreted(genes, &BTreeMap::new(), &request.drugs, &request.sources)?;
        if request.lang != Lang::En {
            for d in &mut result.drugs {
                d.localise(request.lang);
            }
        }
        if request.strict {
            result.check_strict()?;
        }
        Ok(result)
    }

    /// [`Engine::recommend`] for gene results already interpreted (the
    /// report has them), and the genes of the input with no result and why
    /// (`gaps`).
    pub(crate) fn recommend_interpreted(
        &self,
        genes: Vec<GeneResult>,
        gaps: &BTreeMap<&str, &Gap>,
        request_drugs: &[String],
        request_sources: &[Source],
    ) -> Result<Recommendations> {
        let request = RequestLists {
            drugs: request_drugs,
            sources: request_sources,
        };
        let sources: Vec<Source> = if request.sources.is_empty() {
            self.loaded_sources()
        } else {
            for s in request.sources {
                if self.pack(*s).is_none() {
                    return Err(Error::Usage(format!("the {s} pack is not loaded")));
                }
            }
            request.sources.to_vec()
        };
        for (i, g) in genes.iter().enumerate() {
            if genes[..i].iter().any(|h| h.gene == g.gene) {
                return Err(Error::Usage(format!("{} given twice", g.gene)));
            }
        }
        let by_gene: BTreeMap<&str, &GeneResult> =
            genes.iter().map(|g| (g.gene.as_str(), g)).collect();
        let plan = self.plan(
            &|gene: &str| by_gene.contains_key(gene),
            request.drugs,
            &sources,
        )?;
        let mut results: Vec<DrugResult> = plan
            .slots
            .iter()
            .map(|slot| self.evaluate_slot(slot, &by_gene, gaps).0)
            .collect();
        results.sort_by(result_order);
        mark_disagreement(&mut results);
        let mut warnings = plan.warnings;
        warnings.extend(non_answer::drug_warnings(&results));
        let (release, sha) = self.pack_release();
        Ok(Recommendations {
            engine_version: ENGINE_VERSION.to_string(),
            packs_release: release.to_string(),
            packs_sha256: sha.to_string(),
            packs: sources
                .iter()
                .filter_map(|s| self.pack(*s))
                .map(PackInfo::of)
                .collect(),
            genes,
            drugs: results,
            warnings,
        })
    }

    /// The drugs of a request and, per drug, the guidelines of the sources
    /// asked for, in the order they are evaluated; a source with no
    /// guideline for a drug is a warning. With no drugs named, every drug
    /// whose guidelines use a gene `given` accepts.
    ///
    /// A drug may be named by generic name, brand name, ATC code or RxNorm
    /// id; a name other than the generic one adds a warning saying how it
    /// was read (`Plavix is clopidogrel (brand name)`). A known drug that no
    /// guideline covers is a flagged result, not an error: a warning with
    /// what is known of it ([`crate::pack::Drug::no_guideline_note`]). A
    /// name that is no drug is [`crate::Error::UnknownDrug`], with
    /// suggestions.
    pub(crate) fn plan(
        &self,
        given: &dyn Fn(&str) -> bool,
        request_drugs: &[String],
        sources: &[Source],
    ) -> Result<Plan<'a>> {
        let knowledge: &'a Knowledge = self.0;
        let mut warnings = Vec::new();
        let drugs: Vec<String> = if request_drugs.is_empty() {
            self.drug_list()
                .iter()
                .filter(|d| d.genes.iter().any(|g| given(g)))
                .map(|d| d.name.clone())
                .collect()
        } else {
            let mut v = Vec::new();
            for d in request_drugs {
                let found = self.find_drug(d)?;
                if let Some(reading) = found.reading() {
                    warnings.push(reading);
                }
                if !found.covered {
                    if let Some(note) = found.note {
                        if !warnings.contains(&note) {
                            warnings.push(note);
                        }
                    }
                    continue;
                }
                if !v.contains(&found.name) {
                    v.push(found.name);
                }
            }
            v
        };
        let mut slots = Vec::new();
        for drug in &drugs {
            let mut found = BTreeSet::new();
            for entry in knowledge.drug_guidelines(drug) {
                if !sources.contains(&entry.source) {
                    continue;
                }
                let Some(guideline) = knowledge.guideline(entry.source, entry.guideline) else {
                    continue;
                };
                found.insert(entry.source);
                slots.push(Slot {
                    drug: drug.clone(),
                    entry,
                    guideline,
                });
            }
            for s in sources {
                if !found.contains(s) {
                    warnings.push(format!("{s} has no guideline for {drug}"));
                }
            }
        }
        Ok(Plan { slots, warnings })
    }

    /// What matched for one drug and guideline, given the interpreted gene
    /// results by gene and why the others have none (`gaps`), and whether
    /// the result names a candidate in a non-answer (a combination with no
    /// recommendation, a candidate with no lookup key). When it does not,
    /// the result depends on the candidates' lookup keys (and alleles, where
    /// the guideline looks diplotypes up) and the gaps alone, not on the
    /// candidates' names.
    pub(crate) fn evaluate_slot(
        &self,
        slot: &Slot<'_>,
        by_gene: &BTreeMap<&str, &GeneResult>,
        gaps: &BTreeMap<&str, &Gap>,
    ) -> (DrugResult, bool) {
        let (mut result, named) =
            self.evaluate(&slot.drug, slot.entry, slot.guideline, by_gene, gaps);
        self.affected_alternatives(&mut result, by_gene);
        (result, named)
    }

    /// For every alternative a matched row names, the advice the same
    /// source gives for that drug with every gene result of the patient,
    /// when it departs from standard prescribing: a drug is never offered
    /// as an alternative without saying that the patient's results affect
    /// it. The alternative's guideline may read another gene than the
    /// drug's (nortriptyline by CYP2D6 naming citalopram, read by CYP2C19),
    /// so the note speaks of the patient's results, not of one result.
    fn affected_alternatives(
        &self,
        result: &mut DrugResult,
        by_gene: &BTreeMap<&str, &GeneResult>,
    ) {
        if result
            .matches
            .iter()
            .all(|m| m.facts.alternatives.is_empty())
        {
            return;
        }
        let given = |g: &str| by_gene.contains_key(g);
        let no_gaps = BTreeMap::new();
        for m in &mut result.matches {
            let mut found: Vec<AffectedAlternative> = Vec::new();
            for alt in &m.facts.alternatives {
                // A name that is no drug of the vocabulary has no advice
                // (and its error is not needed).
                if self.0.find_known_drug(alt).is_none() {
                    continue;
                }
                let Ok(plan) = self.plan(&given, std::slice::from_ref(alt), &[result.source])
                else {
                    continue;
                };
                let mut actions: BTreeSet<Action> = BTreeSet::new();
                for slot in &plan.slots {
                    // Only guidelines that use a gene this result has.
                    if !slot.guideline.genes.iter().any(|g| given(g)) {
                        continue;
                    }
                    let (r, _) =
                        self.evaluate(&slot.drug, slot.entry, slot.guideline, by_gene, &no_gaps);
                    actions.extend(
                        r.matches
                            .iter()
                            .map(|x| x.action)
                            .filter(|a| a.is_actionable()),
                    );
                }
                if !actions.is_empty() {
                    found.push(AffectedAlternative {
                        drug: alt.clone(),
                        actions: actions.into_iter().collect(),
                    });
                }
            }
            if !found.is_empty() {
                m.affected_alternatives = found;
                m.localise(&result.drug, Lang::En);
            }
        }
    }

    /// The genes of the guidelines (of the slot's source) of the drugs the
    /// slot's rows name as alternatives, each with whether one of those
    /// guidelines looks it up by diplotype. Besides the guideline's own
    /// genes, a result reads these: an alternative's advice for this
    /// patient ([`Recommender::evaluate_slot`]) comes from them.
    pub(crate) fn alternative_genes(&self, slot: &Slot<'a>) -> BTreeMap<&'a str, bool> {
        let mut out: BTreeMap<&'a str, bool> = BTreeMap::new();
        let source = slot.entry.source;
        let rows = slot
            .entry
            .recs
            .iter()
            .filter_map(|&i| self.0.recommendation(source, slot.entry.guideline, i));
        for rec in rows {
            for alt in &rec.facts.alternatives {
                if self.0.find_known_drug(alt).is_none() {
                    continue;
                }
                let Ok(plan) = self.plan(&|_| true, std::slice::from_ref(alt), &[source]) else {
                    continue;
                };
                for s in &plan.slots {
                    for g in &s.guideline.genes {
                        *out.entry(g.as_str()).or_default() |= self.looks_up_diplotypes(s, g);
                    }
                }
            }
        }
        out
    }

    /// True when the slot's guideline looks `gene` up by diplotype for some
    /// recommendation (so the candidates' alleles matter, not only their
    /// lookup keys).
    pub(crate) fn looks_up_diplotypes(&self, slot: &Slot<'_>, gene: &str) -> bool {
        slot.entry
            .recs
            .iter()
            .filter_map(|&i| self.recommendation(slot.entry.source, slot.entry.guideline, i))
            .any(|rec| {
                rec.lookup
                    .iter()
                    .any(|(g, k)| g == gene && matches!(k, LookupKey::Diplotype { .. }))
            })
    }

    fn evaluate(
        &self,
        drug: &str,
        entry: &crate::pack::DrugGuideline,
        guideline: &crate::pack::Guideline,
        by_gene: &BTreeMap<&str, &GeneResult>,
        gaps: &BTreeMap<&str, &Gap>,
    ) -> (DrugResult, bool) {
        let source = entry.source;
        let mut named = false;
        let release = self
            .pack(source)
            .map(|p| p.meta.release.clone())
            .unwrap_or_default();
        let mut warnings = Vec::new();
        if let Some(note) = &guideline.note {
            warnings.push(note.clone());
        }
        // Options per gene of the guideline.
        let no_result = [NO_RESULT.to_string()];
        let mut non_answers: Vec<NonAnswer> = Vec::new();
        let mut per_gene: Vec<(&str, Vec<GeneReading>)> = Vec::new();
        for gene in &guideline.genes {
            let mut options = Vec::new();
            match by_gene.get(gene.as_str()) {
                Some(result) => {
                    for cand in &result.candidates {
                        if let Some(call) = cand.calls.iter().find(|c| c.source == source) {
                            if call.lookup_keys.is_empty() {
                                non_answer::unread(
                                    &mut non_answers,
                                    gene,
                                    &cand.label,
                                    &call.derivation,
                                );
                                named = true;
                            }
                            options.push(GeneReading {
                                label: format!("{gene} {}", cand.label),
                                value: Some(&cand.label),
                                keys: &call.lookup_keys,
                                alleles: &cand.alleles,
                            });
                        }
                    }
                    if options.is_empty() {
                        let why = format!("no {} phenotype", source.label());
                        non_answer::unread(&mut non_answers, gene, &result.input, &why);
                        named = true;
                    }
                }
                None => {
                    let gap = gaps.get(gene.as_str()).copied();
                    options.push(GeneReading {
                        label: non_answer::absent(&mut non_answers, gene, gap),
                        value: None,
                        keys: &no_result,
                        alleles: &[],
                    });
                }
            }
            per_gene.push((gene, options));
        }
        let total: usize = per_gene
            .iter()
            .map(|(_, o)| o.len().max(1))
            .try_fold(1usize, |acc, n| acc.checked_mul(n))
            .unwrap_or(usize::MAX);
        if total > MAX_COMBINATIONS {
            warnings.push(format!(
                "{total} candidate combinations exceed the limit of {MAX_COMBINATIONS}; not evaluated"
            ));
        }
        let recs = &entry.recs;
        let mut chosen: Vec<(&str, &GeneReading)> = Vec::with_capacity(per_gene.len());
        let mut hit: Vec<&Recommendation> = Vec::new();

        // Agreement only needs checking when there is more than one combination.
        let multiple = total > 1;
        let mut matches: Vec<Match> = Vec::new();
        let mut signatures: BTreeSet<String> = BTreeSet::new();
        // Two rows of one population giving different advice to one result.
        let mut conflict = false;
        if total <= MAX_COMBINATIONS && per_gene.iter().all(|(_, o)| !o.is_empty()) {
            let mut idx = vec![0usize; per_gene.len()];
            loop {
                chosen.clear();
                chosen.extend(
                    per_gene
                        .iter()
                        .zip(&idx)
                        .filter_map(|((g, opts), &i)| opts.get(i).map(|o| (*g, o))),
                );
                hit.clear();
                for rec in recs
                    .iter()
                    .filter_map(|&i| self.recommendation(source, entry.guideline, i))
                {
                    let ok = rec.lookup.iter().all(|(g, key)| {
                        let option = chosen
                            .iter()
                            .find(|(cg, _)| *cg == g.as_str())
                            .map(|(_, o)| *o);
                        key_matches(key, option)
                    });
                    if ok {
                        hit.push(rec);
                    }
                }
                prefer_diplotype_rows(&mut hit);
                let label = chosen
                    .iter()
                    .map(|(_, o)| o.label.as_str())
                    .collect::<Vec<_>>()
                    .join(" + ");
                if hit.is_empty() {
                    let rows = recs
                        .iter()
                        .filter_map(|&i| self.recommendation(source, entry.guideline, i));
                    non_answer::no_row(&mut non_answers, &chosen, rows);
                    named = true;
                }
                if let Some(w) = conflicting_rows(&hit) {
                    warnings.push(format!("{w} for {label}"));
                    named = true;
                    conflict = true;
                }
                if multiple {
                    let mut sig: Vec<String> = hit.iter().map(|r| signature(r)).collect();
                    sig.sort();
                    signatures.insert(sig.join("|"));
                }
                for rec in hit.drain(..) {
                    match matches.iter_mut().find(|m| m.id == rec.id) {
                        Some(m) => m.candidates.push(label.clone()),
                        None => {
                            let mut m = Match::from_rec(rec);
                            m.candidates.push(label.clone());
                            matches.push(m);
                        }
                    }
                }
                // Next combination.
                let mut k = 0;
                loop {
                    if k == idx.len() {
                        break;
                    }
                    idx[k] += 1;
                    if idx[k] < per_gene[k].1.len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
                if k == idx.len() {
                    break;
                }
            }
        }
        if recs.is_empty() {
            // No lookup table at all: the guideline's note says why.
            non_answers.clear();
        }
        let actionable = matches.iter().any(|m| m.action.is_actionable());
        let result = DrugResult {
            drug: drug.to_string(),
            source,
            release,
            guideline_id: guideline.id.clone(),
            guideline_name: guideline.name.clone(),
            guideline_version: guideline.version.clone(),
            url: guideline.url.clone(),
            genes: guideline.genes.clone(),
            matches,
            candidates_agree: signatures.len() <= 1 && !conflict,
            actionable,
            non_answers,
            warnings,
            disagreements: Vec::new(),
        };
        (result, named)
    }
}

fn key_matches(key: &LookupKey, option: Option<&GeneReading>) -> bool {
    match (key, option) {
        (LookupKey::Key(k), None) => k == NO_RESULT,
        (LookupKey::Key(k), Some(o)) => o.keys.iter().any(|x| x == k),
        (LookupKey::Diplotype { diplotype }, Some(o)) => {
            if o.alleles.is_empty() {
                return false;
            }
            let mut want: Vec<&str> = diplotype.split('/').collect();
            let mut have: Vec<&str> = o.alleles.iter().map(String::as_str).collect();
            if have.len() == 1 {
                have.push(have[0]);
            }
            want.sort_unstable();
            have.sort_unstable();
            want == have
        }
        (LookupKey::Diplotype { .. }, None) => false,
    }
}

/// Where a guideline keys some rows of a gene by diplotype (DPWG
/// siponimod: `CYP2C9 *2/*2`) and others by phenotype, a result that
/// reaches a diplotype row is that row's: the phenotype rows for the same
/// gene are dropped, as the guideline's own, more specific row replaces
/// them (`tests/tests/lookups.rs` shows it for siponimod).
fn prefer_diplotype_rows(hit: &mut Vec<&Recommendation>) {
    let by_diplotype: BTreeSet<&str> = hit
        .iter()
        .flat_map(|r| r.lookup.iter())
        .filter(|(_, k)| matches!(k, LookupKey::Diplotype { .. }))
        .map(|(g, _)| g.as_str())
        .collect();
    if by_diplotype.is_empty() {
        return;
    }
    hit.retain(|r| {
        r.lookup.iter().all(|(g, k)| {
            !by_diplotype.contains(g.as_str()) || matches!(k, LookupKey::Diplotype { .. })
        })
    });
}

/// Rows reached by one result that share a population but differ in
/// advice (DPWG DPYD score 1.0 reaches both `1.0 (Intermediate
/// Metabolizer)` and `1.0 (Phenotyping)` when the table does not say
/// which): the warning naming them, or `None` when the rows agree or apply
/// to different populations.
/// Where two sources advise differently for the same drug and result
/// (codeine with CYP2D6 `*1/*4`), both results say so beside their rows.
pub(crate) fn mark_disagreement(results: &mut [DrugResult]) {
    let advice = |d: &DrugResult| -> Vec<Action> {
        let set: BTreeSet<Action> = d
            .matches
            .iter()
            .map(|m| m.action)
            .filter(|a| *a != Action::NoRecommendation)
            .collect();
        set.into_iter().collect()
    };
    let mut found: Vec<(usize, SourceDisagreement)> = Vec::new();
    for (i, a) in results.iter().enumerate() {
        let mine = advice(a);
        if mine.is_empty() {
            continue;
        }
        for b in results.iter() {
            if b.drug != a.drug || b.source == a.source {
                continue;
            }
            let theirs = advice(b);
            if theirs.is_empty() || theirs == mine {
                continue;
            }
            found.push((
                i,
                SourceDisagreement {
                    other: b.source,
                    actions: mine.clone(),
                    other_actions: theirs,
                },
            ));
        }
    }
    for (i, x) in found {
        if let Some(d) = results.get_mut(i) {
            if !d.disagreements.contains(&x) {
                d.warnings.push(x.text(&d.drug, d.source, Lang::En));
                d.disagreements.push(x);
            }
        }
    }
}

fn conflicting_rows(hit: &[&Recommendation]) -> Option<String> {
    for (i, a) in hit.iter().enumerate() {
        for b in &hit[i + 1..] {
            if a.population == b.population && signature(a) != signature(b) {
                return Some(format!(
                    "rows {} and {} both apply with different advice; the guideline decides between them on more than this result gives",
                    a.id, b.id
                ));
            }
        }
    }
    None
}

/// What makes two recommendations the same advice.
fn signature(rec: &Recommendation) -> String {
    format!(
        "{:?}/{:?}/{:?}/{:?}",
        rec.population, rec.action, rec.dose, rec.alternatives
    )
}
