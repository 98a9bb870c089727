//! Many stored reports re-derived with shared caches, for the changes
//! only ([`super::reanalyze::reanalyze_files`]).
//!
//! A stored report is read for what the comparison needs (the gene calls'
//! diplotypes, the outside-call lines, the phenotypes and the drug
//! results), not its evidence. A gene's new result depends only on its
//! stored call (or outside lines), and a guideline's new result only on
//! the results of the guideline's genes; both recur across a cohort, so
//! each is derived once, by the same functions the report uses
//! ([`super::vcf_gene`], [`super::apply_outside`], [`super::interpret_gene`]
//! and the recommender's slot evaluation), and reused. A test holds the
//! changes equal to [`super::reanalyze::reanalyze`]'s, report by report.
//! Every cache is bounded: when one is full, results are still derived,
//! only not kept.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::changes::{compare_parts, Change, GeneView, Reanalysis};
use super::stored::{StoredDrug, READABLE_SCHEMA_VERSIONS};
use super::{apply_outside, interpret_gene, outside_gene, vcf_gene};
use crate::allele::{CallSource, DiplotypeCall, Evidence, GeneCall};
use crate::input::outside::OutsideCall;
use crate::recommend::{Gap, GeneResult, Plan};
use crate::{Engine, Error, Result, Source};

/// Entries kept per cache.
const KEPT: usize = 1 << 16;

/// A stored report, read for the comparison only.
#[derive(Deserialize)]
struct Slim {
    schema_version: u32,
    engine_version: String,
    packs_release: String,
    input: SlimInput,
    genes: Vec<SlimGene>,
    drugs: Vec<StoredDrug>,
}

#[derive(Deserialize)]
struct SlimInput {
    sample: String,
}

/// A stored gene entry: what its new result depends on, and its stored
/// phenotypes.
#[derive(Deserialize)]
struct SlimGene {
    gene: String,
    source: CallSource,
    #[serde(default)]
    call: Option<SlimCall>,
    #[serde(default)]
    outside: Vec<SlimOutside>,
    #[serde(default)]
    phenotypes: Vec<String>,
    #[serde(default)]
    activity_scores: Vec<String>,
}

impl SlimGene {
    fn basis(&self) -> Basis {
        Basis {
            gene: self.gene.clone(),
            source: self.source,
            call: self.call.clone(),
            outside: self.outside.clone(),
        }
    }
}

/// The stored gene call and outside lines: the key of the gene cache.
#[derive(PartialEq, Eq, Hash, Clone)]
struct Basis {
    gene: String,
    source: CallSource,
    call: Option<SlimCall>,
    outside: Vec<SlimOutside>,
}

#[derive(Deserialize, PartialEq, Eq, Hash, Clone)]
struct SlimCall {
    gene: String,
    source: CallSource,
    diplotypes: Vec<SlimDiplotype>,
    #[serde(default)]
    allele_matches: Vec<String>,
    #[serde(default)]
    phenotype_alleles: Option<Vec<String>>,
    #[serde(default)]
    decided_by: Option<String>,
    #[serde(default)]
    hemizygous: bool,
    #[serde(default)]
    no_call_reason: Option<String>,
}

#[derive(Deserialize, PartialEq, Eq, Hash, Clone)]
struct SlimDiplotype {
    name: String,
    alleles: Vec<String>,
    #[serde(default)]
    score: i32,
    #[serde(default)]
    preferred: bool,
}

#[derive(Deserialize, PartialEq, Eq, Hash, Clone)]
struct SlimOutside {
    call: OutsideCall,
}

impl SlimCall {
    /// The call without its evidence (which no result is derived from).
    fn to_call(&self) -> GeneCall {
        GeneCall {
            gene: self.gene.clone(),
            source: self.source,
            diplotypes: self
                .diplotypes
                .iter()
                .map(|d| DiplotypeCall {
                    name: d.name.clone(),
                    alleles: d.alleles.clone(),
                    score: d.score,
                    preferred: d.preferred,
                })
                .collect(),
            allele_matches: self.allele_matches.clone(),
            phenotype_alleles: self.phenotype_alleles.clone(),
            decided_by: self.decided_by.clone(),
            hemizygous: self.hemizygous,
            no_call_reason: self.no_call_reason.clone(),
            notes: Vec::new(),
            evidence: Evidence::default(),
        }
    }
}

/// A gene's new result: numbered, with its phenotypes, interpretation or
/// why it has none.
struct GeneDone {
    id: u32,
    phenotypes: Vec<String>,
    activity_scores: Vec<String>,
    result: Option<GeneResult>,
    gap: Option<Gap>,
}

/// A guideline's result is known by its drug, source, guideline id and
/// the numbers of its genes' results.
type SlotKey = (String, Source, String, Vec<u32>);

/// The caches shared by every report of a batch.
pub(crate) struct Rederiver<'a> {
    engine: &'a Engine,
    drugs: &'a [String],
    sources: Vec<Source>,
    genes: Mutex<HashMap<Basis, Arc<GeneDone>>>,
    next_id: std::sync::atomic::AtomicU32,
    plans: Mutex<HashMap<Vec<String>, Arc<Plan<'a>>>>,
    slots: Mutex<HashMap<SlotKey, Arc<StoredDrug>>>,
}

impl<'a> Rederiver<'a> {
    pub(crate) fn new(engine: &'a Engine, drugs: &'a [String]) -> Rederiver<'a> {
        Rederiver {
            engine,
            drugs,
            sources: engine.knowledge().loaded_sources(),
            genes: Mutex::default(),
            next_id: std::sync::atomic::AtomicU32::new(1),
            plans: Mutex::default(),
            slots: Mutex::default(),
        }
    }

    /// The changes of one stored report, as JSON text.
    pub(crate) fn reanalyze(&self, text: &str) -> Result<Reanalysis> {
        // Anything but an object (a list of reports, not JSON) is refused
        // with the full reader's words.
        let Ok(version) = serde_json::from_str::<Version>(text) else {
            return Err(super::stored::StoredReport::from_json(text)
                .err()
                .unwrap_or_else(|| Error::MalformedReport("not a dosera report".into())));
        };
        check_version(version.schema_version)?;
        let stored: Slim = serde_json::from_str(text).map_err(|e| {
            Error::MalformedReport(format!(
                "version {} report: {e}",
                version.schema_version.unwrap_or_default()
            ))
        })?;
        let genes: Vec<Arc<GeneDone>> = stored
            .genes
            .iter()
            .map(|g| self.gene(&g.basis()))
            .collect::<Result<_>>()?;
        let names: Vec<&str> = stored.genes.iter().map(|g| g.gene.as_str()).collect();
        let list = self.drug_list(&stored, &names);
        let plan = self.plan(list)?;
        let mut new_drugs: Vec<Arc<StoredDrug>> = Vec::with_capacity(plan.slots.len());
        for slot in &plan.slots {
            new_drugs.push(self.slot(slot, &names, &genes));
        }
        let old_genes: Vec<GeneView<'_>> = stored
            .genes
            .iter()
            .map(|g| GeneView {
                gene: &g.gene,
                phenotypes: &g.phenotypes,
                activity_scores: &g.activity_scores,
            })
            .collect();
        let new_genes: Vec<GeneView<'_>> = stored
            .genes
            .iter()
            .zip(&genes)
            .map(|(g, done)| GeneView {
                gene: &g.gene,
                phenotypes: &done.phenotypes,
                activity_scores: &done.activity_scores,
            })
            .collect();
        let new_refs: Vec<&StoredDrug> = new_drugs.iter().map(|d| d.as_ref()).collect();
        let old_refs: Vec<&StoredDrug> = stored.drugs.iter().collect();
        let (release, _) = self.engine.pack_release();
        Ok(Reanalysis {
            sample: stored.input.sample,
            old_schema_version: stored.schema_version,
            old_engine_version: stored.engine_version,
            old_release: stored.packs_release,
            new_release: release.to_string(),
            changes: only_asked(
                self.engine,
                self.drugs,
                compare_parts(&old_genes, &old_refs, &new_genes, &new_refs),
            ),
            report: None,
        })
    }

    /// As [`super::reanalyze::rebuild`] chooses them ([`choose_drugs`]).
    fn drug_list(&self, stored: &Slim, genes: &[&str]) -> Vec<String> {
        if !self.drugs.is_empty() {
            return self.drugs.to_vec();
        }
        let reported: Vec<String> = stored
            .drugs
            .iter()
            .filter_map(|d| self.engine.drug_name(&d.drug).ok())
            .collect();
        let covered: Vec<String> = self
            .engine
            .knowledge()
            .drug_list()
            .iter()
            .filter(|d| d.genes.iter().any(|x| genes.contains(&x.as_str())))
            .map(|d| d.name.clone())
            .collect();
        choose_drugs(covered, reported)
    }

    fn plan(&self, list: Vec<String>) -> Result<Arc<Plan<'a>>> {
        if let Some(p) = self.plans.lock().ok().and_then(|m| m.get(&list).cloned()) {
            return Ok(p);
        }
        // An explicit list: which genes are given does not matter.
        let plan = Arc::new(
            self.engine
                .recommender()
                .plan(&|_| false, &list, &self.sources)?,
        );
        if let Ok(mut m) = self.plans.lock() {
            if m.len() < KEPT {
                m.insert(list, plan.clone());
            }
        }
        Ok(plan)
    }

    /// A gene's new result, as the report derives it.
    fn gene(&self, basis: &Basis) -> Result<Arc<GeneDone>> {
        if let Some(hit) = self.genes.lock().ok().and_then(|m| m.get(basis).cloned()) {
            return Ok(hit);
        }
        let mut g = match &basis.call {
            Some(call) => vcf_gene(call.to_call()),
            None => outside_gene(&basis.gene),
        };
        if !basis.outside.is_empty() {
            let lines: Vec<OutsideCall> = basis.outside.iter().map(|o| o.call.clone()).collect();
            let resolved = self.engine.resolve_outside(&lines)?;
            apply_outside(&mut g, resolved.iter().collect());
        }
        let gap = interpret_gene(self.engine, &mut g).err();
        let done = Arc::new(GeneDone {
            id: self
                .next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            phenotypes: g.phenotypes,
            activity_scores: g.activity_scores,
            result: g.interpretation,
            gap,
        });
        if let Ok(mut m) = self.genes.lock() {
            if m.len() < KEPT {
                m.insert(basis.clone(), done.clone());
            }
        }
        Ok(done)
    }

    /// A guideline's new result for these gene results.
    fn slot(
        &self,
        slot: &crate::recommend::Slot<'a>,
        names: &[&str],
        genes: &[Arc<GeneDone>],
    ) -> Arc<StoredDrug> {
        let of = |gene: &str| names.iter().position(|n| *n == gene).map(|i| &genes[i]);
        let key = (
            slot.drug.clone(),
            slot.source(),
            slot.guideline.id.clone(),
            slot.guideline
                .genes
                .iter()
                .map(|g| of(g).map_or(0, |d| d.id))
                .collect::<Vec<u32>>(),
        );
        if let Some(hit) = self.slots.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let by_gene: BTreeMap<&str, &GeneResult> = slot
            .guideline
            .genes
            .iter()
            .filter_map(|g| of(g)?.result.as_ref())
            .map(|r| (r.gene.as_str(), r))
            .collect();
        let gaps: BTreeMap<&str, &Gap> = slot
            .guideline
            .genes
            .iter()
            .filter_map(|g| Some((g.as_str(), of(g)?.gap.as_ref()?)))
            .collect();
        let (result, _) = self
            .engine
            .recommender()
            .evaluate_slot(slot, &by_gene, &gaps);
        let stored = Arc::new(StoredDrug::of(&result));
        if let Ok(mut m) = self.slots.lock() {
            if m.len() < KEPT {
                m.insert(key, stored.clone());
            }
        }
        stored
    }
}

#[derive(Deserialize)]
struct Version {
    #[serde(default)]
    schema_version: Option<u32>,
}

fn check_version(v: Option<u32>) -> Result<()> {
    match v {
        Some(v) if READABLE_SCHEMA_VERSIONS.contains(&v) => Ok(()),
        Some(v) => Err(Error::MalformedReport(format!(
            "report schema version {v}; this build reads versions {}",
            READABLE_SCHEMA_VERSIONS.map(|r| r.to_string()).join(", ")
        ))),
        None => Err(Error::MalformedReport(
            "no schema_version: not a dosera report".into(),
        )),
    }
}

/// The drugs a stored report is reanalysed for, given the drugs the
/// packs cover for its genes and the drugs it lists. A report written for
/// every drug of its genes (the default of `dosera report`) lists most of
/// the covered drugs; one written for a few drugs does not, and is
/// reanalysed for its own drugs only, so drugs never asked for do not show
/// as new guidelines.
pub(crate) fn choose_drugs(covered: Vec<String>, reported: Vec<String>) -> Vec<String> {
    let shared = covered.iter().filter(|d| reported.contains(d)).count();
    let mut list = if shared * 2 >= covered.len() {
        // The packs' order first, as a report of every drug has it.
        covered
    } else {
        Vec::new()
    };
    list.extend(reported);
    let mut seen = std::collections::BTreeSet::new();
    list.retain(|d| seen.insert(d.clone()));
    list
}

/// With drugs named, the changes of those drugs (and of the genes): the
/// stored report's other drugs were not asked about, not removed.
pub(crate) fn only_asked(
    engine: &Engine,
    drugs: &[String],
    mut changes: Vec<Change>,
) -> Vec<Change> {
    if drugs.is_empty() {
        return changes;
    }
    let asked: Vec<String> = drugs
        .iter()
        .map(|d| engine.drug_name(d).unwrap_or_else(|_| d.clone()))
        .collect();
    changes.retain(|c| c.drug.as_ref().is_none_or(|d| asked.contains(d)));
    changes
}
