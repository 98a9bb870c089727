//! Many stored reports re-derived with shared caches, for the changes
//! only ([`super::reanalyze::reanalyze_files`]).
//!
//! A stored report is read in one pass ([`super::keyed`]) into its gene
//! entries and drug results as key texts: what the new results and the
//! comparison depend on, without the evidence. A gene's new result
//! depends only on its key, a stored drug result's reading only on its
//! key, a guideline's new result only on the results of the guideline's
//! genes, and the changes between a stored and a new drug result only on
//! the two; all recur across a cohort, so each is derived once, by the
//! same functions the report uses ([`super::vcf_gene`],
//! [`super::apply_outside`], [`super::interpret_gene`], the recommender's
//! slot evaluation and [`super::changes`]), and reused. A test holds the
//! changes equal to [`super::reanalyze::reanalyze`]'s, report by report.
//! Every cache is bounded: when one is full, results are still derived,
//! only not kept.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde::Deserialize;

use super::changes::{self, Change, DrugKey, GeneView, Reanalysis};
use super::keyed;
use super::stored::StoredDrug;
use super::{apply_outside, interpret_gene, outside_gene, vcf_gene};
use crate::allele::{CallSource, DiplotypeCall, Evidence, GeneCall};
use crate::input::outside::OutsideCall;
use crate::recommend::{Gap, GeneResult, Plan};
use crate::{Engine, Error, Result, Source};

/// Entries kept per cache.
const KEPT: usize = 1 << 16;

/// The most genes of a guideline whose results are cached by slot.
const SLOT_GENES: usize = 4;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A cache shared by the threads of a batch.
type Cache<K, V> = RwLock<Map<K, V>>;

/// What a gene's new result is derived from: a gene entry's key text.
#[derive(Deserialize)]
struct Basis {
    gene: String,
    #[serde(default)]
    call: Option<SlimCall>,
    #[serde(default)]
    outside: Vec<SlimOutside>,
}

#[derive(Deserialize)]
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

#[derive(Deserialize)]
struct SlimDiplotype {
    name: String,
    alleles: Vec<String>,
    #[serde(default)]
    score: i32,
    #[serde(default)]
    preferred: bool,
}

#[derive(Deserialize)]
struct SlimOutside {
    call: OutsideCall,
}

impl SlimCall {
    /// The call without its evidence (which no result is derived from).
    fn into_call(self) -> GeneCall {
        GeneCall {
            gene: self.gene,
            source: self.source,
            diplotypes: self
                .diplotypes
                .into_iter()
                .map(|d| DiplotypeCall {
                    name: d.name,
                    alleles: d.alleles,
                    score: d.score,
                    preferred: d.preferred,
                })
                .collect(),
            allele_matches: self.allele_matches,
            phenotype_alleles: self.phenotype_alleles,
            decided_by: self.decided_by,
            hemizygous: self.hemizygous,
            no_call_reason: self.no_call_reason,
            notes: Vec::new(),
            evidence: Evidence::default(),
        }
    }
}

/// A gene's new result: numbered, with its phenotypes, interpretation or
/// why it has none.
struct GeneDone {
    id: u64,
    /// Per source (in [`Source::ALL`] order), without and with alleles:
    /// the number of what the source's guidelines read of the result
    /// ([`GeneResult::reading`]), or of why there is none.
    readings: Vec<[u64; 2]>,
    phenotypes: Vec<String>,
    activity_scores: Vec<String>,
    result: Option<GeneResult>,
    gap: Option<Gap>,
}

/// A drug result, stored or new: numbered, with the key the comparison
/// pairs it by. It has no candidates and no non-answers: a stored one's
/// key leaves them out, new ones are shared by results that read alike,
/// and no comparison reads them.
struct DrugDone {
    id: u64,
    key: DrugKey,
    /// The number of `key` (equal keys, equal numbers).
    pair: u64,
    drug: StoredDrug,
}

/// A guideline's new result is known by its drug and guideline
/// ([`crate::recommend::Slot::place`]) and, per gene of the guideline,
/// the number of what it reads of the gene's result, or, when the result
/// names a candidate, the number of the result (0: no entry for the gene).
type SlotKey = (usize, [u64; SLOT_GENES]);

/// The caches shared by every report of a batch.
pub(crate) struct Rederiver<'a> {
    engine: &'a Engine,
    drugs: &'a [String],
    sources: Vec<Source>,
    next_id: AtomicU64,
    genes: Cache<Box<[u8]>, Arc<GeneDone>>,
    stored: Cache<Box<[u8]>, Arc<DrugDone>>,
    plans: Cache<Box<[u8]>, Arc<Plan<'a>>>,
    /// By reading; `None` where the result names a candidate.
    slots: Cache<SlotKey, Option<Arc<DrugDone>>>,
    /// By gene results, for results that name a candidate.
    named: Cache<SlotKey, Arc<DrugDone>>,
    /// Per guideline, which of its genes it looks up by diplotype.
    by_alleles: Cache<usize, Arc<[bool]>>,
    /// Numbers of readings (gene, then reading or gap).
    readings: Cache<String, u64>,
    changes: Cache<(u64, u64), Arc<Vec<Change>>>,
    /// Numbers of drug result keys ([`Rederiver::key_number`]).
    pairs: Cache<DrugKey, u64>,
    /// Stored drug names as the packs name them (`None`: not known).
    names: Cache<String, Option<String>>,
}

/// The cached value for `key`, or `make`'s, kept while the cache has room
/// (when two threads make one at once, the first kept is returned to
/// both, so that numbers stay unique).
fn cached<K, Q, V>(
    cache: &Cache<K, V>,
    key: &Q,
    owned: impl FnOnce(&Q) -> K,
    make: impl FnOnce() -> Result<V>,
) -> Result<V>
where
    K: Borrow<Q> + Hash + Eq,
    Q: Hash + Eq + ?Sized,
    V: Clone,
{
    if let Some(hit) = cache.read().ok().and_then(|m| m.get(key).cloned()) {
        return Ok(hit);
    }
    let made = make()?;
    if let Ok(mut m) = cache.write() {
        if let Some(hit) = m.get(key) {
            return Ok(hit.clone());
        }
        if m.len() < KEPT {
            m.insert(owned(key), made.clone());
        }
    }
    Ok(made)
}

impl<'a> Rederiver<'a> {
    pub(crate) fn new(engine: &'a Engine, drugs: &'a [String]) -> Rederiver<'a> {
        Rederiver {
            engine,
            drugs,
            sources: engine.knowledge().loaded_sources(),
            next_id: AtomicU64::new(1),
            genes: RwLock::default(),
            stored: RwLock::default(),
            plans: RwLock::default(),
            slots: RwLock::default(),
            named: RwLock::default(),
            by_alleles: RwLock::default(),
            readings: RwLock::default(),
            changes: RwLock::default(),
            pairs: RwLock::default(),
            names: RwLock::default(),
        }
    }

    fn number(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The number of a drug result's key. Unlike the other caches, this
    /// one is not bounded: results with equal keys must have equal
    /// numbers to be paired (a cohort's keys are its drugs and
    /// guidelines, a few hundred).
    fn key_number(&self, key: &DrugKey) -> Result<u64> {
        if let Some(n) = self.pairs.read().ok().and_then(|m| m.get(key).copied()) {
            return Ok(n);
        }
        let mut m = self
            .pairs
            .write()
            .map_err(|_| Error::Internal("a reanalysis cache was left broken".into()))?;
        let next = self.number();
        Ok(*m.entry(key.clone()).or_insert(next))
    }

    /// The changes of one stored report, given as JSON text; `keys` is a
    /// buffer to reuse. `Ok(None)` when the report is not of the shape
    /// the one-pass reading expects: the caller reads it the full way,
    /// which also gives the error of a text that is no report.
    pub(crate) fn reanalyze(&self, text: &[u8], keys: &mut Vec<u8>) -> Result<Option<Reanalysis>> {
        let Some(stored) = keyed::read(text, keys) else {
            return Ok(None);
        };
        super::stored::readable(u64::from(stored.schema_version))?;
        let keys: &[u8] = keys;
        let mut genes: Vec<Arc<GeneDone>> = Vec::with_capacity(stored.genes.len());
        for g in &stored.genes {
            match self.gene(&keys[g.key.clone()]) {
                Ok(done) => genes.push(done),
                // The full reading words the error.
                Err(_) => return Ok(None),
            }
        }
        let mut old: Vec<Arc<DrugDone>> = Vec::with_capacity(stored.drugs.len());
        for range in &stored.drugs {
            match self.stored_drug(&keys[range.clone()]) {
                Ok(done) => old.push(done),
                Err(_) => return Ok(None),
            }
        }
        let names: Vec<&str> = stored.genes.iter().map(|g| g.gene.as_str()).collect();
        let planned = self.plan(&names, &old)?;
        let new: Vec<Arc<DrugDone>> = planned
            .slots
            .iter()
            .map(|slot| self.slot(slot, &names, &genes))
            .collect::<Result<_>>()?;
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
        let mut found = changes::gene_changes(&old_genes, &new_genes);
        // Paired by the numbers of their keys; the changes found are then
        // put in the order of the keys, as the one-report path lists them.
        let mut drug_found: Vec<(&DrugKey, Arc<Vec<Change>>)> = Vec::new();
        let numbers = |side: &[Arc<DrugDone>]| side.iter().map(|d| d.pair).collect::<Vec<u64>>();
        for (o, n) in changes::pair_keys(&numbers(&old), &numbers(&new)) {
            let (o, n) = (o.map(|i| old[i].as_ref()), n.map(|i| new[i].as_ref()));
            let ids = (o.map_or(0, |d| d.id), n.map_or(0, |d| d.id));
            let these = cached(
                &self.changes,
                &ids,
                |k| *k,
                || {
                    Ok(Arc::new(changes::drug_changes(
                        o.map(|d| &d.drug),
                        n.map(|d| &d.drug),
                    )))
                },
            )?;
            if !these.is_empty() {
                let key = o.or(n).map(|d| &d.key);
                drug_found.extend(key.map(|k| (k, these)));
            }
        }
        drug_found.sort_by(|a, b| a.0.cmp(b.0));
        for (_, these) in drug_found {
            found.extend(these.iter().cloned());
        }
        let (release, _) = self.engine.pack_release();
        Ok(Some(Reanalysis {
            sample: stored.sample,
            old_schema_version: stored.schema_version,
            old_engine_version: stored.engine_version,
            old_release: stored.packs_release,
            new_release: release.to_string(),
            changes: only_asked(self.engine, self.drugs, found),
            report: None,
        }))
    }

    /// A stored drug name as the packs name it, looked up once per name
    /// (an unknown name's error, with its suggestions, is not needed).
    fn drug_name(&self, name: &str) -> Option<String> {
        cached(
            &self.names,
            name,
            |n| n.to_string(),
            || Ok(self.engine.drug_name(name).ok()),
        )
        .ok()
        .flatten()
    }

    /// The guidelines a stored report is compared on, as
    /// [`super::reanalyze::rebuild`] chooses them ([`choose_drugs`]): they
    /// depend on the report's genes and drugs only.
    fn plan(&self, genes: &[&str], old: &[Arc<DrugDone>]) -> Result<Arc<Plan<'a>>> {
        // The drugs compared depend on the sets of genes and drugs, not
        // their order (changes are listed in the order of their keys).
        let mut drugs: Vec<&str> = old.iter().map(|d| d.drug.drug.as_str()).collect();
        drugs.sort_unstable();
        drugs.dedup();
        let mut key: Vec<u8> = Vec::new();
        for g in genes {
            key.extend_from_slice(g.as_bytes());
            key.push(0);
        }
        key.push(0);
        for d in drugs {
            key.extend_from_slice(d.as_bytes());
            key.push(0);
        }
        cached(
            &self.plans,
            key.as_slice(),
            |k| k.into(),
            || {
                let list = self.drug_list(genes, old);
                // An explicit list: which genes are given does not matter.
                Ok(Arc::new(self.engine.recommender().plan(
                    &|_| false,
                    &list,
                    &self.sources,
                )?))
            },
        )
    }

    fn drug_list(&self, genes: &[&str], old: &[Arc<DrugDone>]) -> Vec<String> {
        if !self.drugs.is_empty() {
            return self.drugs.to_vec();
        }
        let reported: Vec<String> = old
            .iter()
            .filter_map(|d| self.drug_name(&d.drug.drug))
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

    /// A gene's new result, as the report derives it, from its key text.
    fn gene(&self, key: &[u8]) -> Result<Arc<GeneDone>> {
        cached(
            &self.genes,
            key,
            |k| k.into(),
            || {
                let basis: Basis = serde_json::from_slice(key)
                    .map_err(|e| Error::MalformedReport(format!("a gene entry: {e}")))?;
                let mut g = match basis.call {
                    Some(call) => vcf_gene(call.into_call()),
                    None => outside_gene(&basis.gene),
                };
                if !basis.outside.is_empty() {
                    let lines: Vec<OutsideCall> =
                        basis.outside.into_iter().map(|o| o.call).collect();
                    let resolved = self.engine.resolve_outside(&lines)?;
                    apply_outside(&mut g, resolved.iter().collect());
                }
                let gap = interpret_gene(self.engine, &mut g).err();
                let numbered = |text: String| {
                    let key = format!("{}\u{0}{text}", basis.gene);
                    cached(
                        &self.readings,
                        key.as_str(),
                        |k| k.to_string(),
                        || Ok(self.number()),
                    )
                };
                let readings = match (&g.interpretation, &gap) {
                    (Some(r), _) => Source::ALL
                        .iter()
                        .map(|&s| {
                            Ok([
                                numbered(r.reading(s, false))?,
                                numbered(r.reading(s, true))?,
                            ])
                        })
                        .collect::<Result<_>>()?,
                    (None, Some(gap)) => vec![[numbered(gap.signature())?; 2]; Source::ALL.len()],
                    (None, None) => vec![[self.number(); 2]; Source::ALL.len()],
                };
                Ok(Arc::new(GeneDone {
                    id: self.number(),
                    readings,
                    phenotypes: g.phenotypes,
                    activity_scores: g.activity_scores,
                    result: g.interpretation,
                    gap,
                }))
            },
        )
    }

    /// A stored drug result, read from its key text.
    fn stored_drug(&self, key: &[u8]) -> Result<Arc<DrugDone>> {
        cached(
            &self.stored,
            key,
            |k| k.into(),
            || {
                let drug: StoredDrug = serde_json::from_slice(key)
                    .map_err(|e| Error::MalformedReport(format!("a drug result: {e}")))?;
                let key = changes::drug_key(&drug);
                Ok(Arc::new(DrugDone {
                    id: self.number(),
                    pair: self.key_number(&key)?,
                    key,
                    drug,
                }))
            },
        )
    }

    /// A guideline's new result for these gene results.
    fn slot(
        &self,
        slot: &crate::recommend::Slot<'a>,
        names: &[&str],
        genes: &[Arc<GeneDone>],
    ) -> Result<Arc<DrugDone>> {
        let of = |gene: &str| names.iter().position(|n| *n == gene).map(|i| &genes[i]);
        let evaluate = || {
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
            let (result, named) = self
                .engine
                .recommender()
                .evaluate_slot(slot, &by_gene, &gaps);
            // As a stored one's key leaves them out: results that read
            // alike share one entry.
            let mut drug = StoredDrug::of(&result);
            drug.non_answers.clear();
            for m in &mut drug.matches {
                m.candidates.clear();
            }
            let key = changes::drug_key(&drug);
            Ok::<_, Error>((
                Arc::new(DrugDone {
                    id: self.number(),
                    pair: self.key_number(&key)?,
                    key,
                    drug,
                }),
                named,
            ))
        };
        let count = slot.guideline.genes.len();
        if count > SLOT_GENES {
            return Ok(evaluate()?.0);
        }
        let alleles = self.by_alleles(slot)?;
        let source = Source::ALL
            .iter()
            .position(|s| *s == slot.source())
            .unwrap_or_default();
        let mut reading = [0; SLOT_GENES];
        let mut ids = [0; SLOT_GENES];
        for (i, g) in slot.guideline.genes.iter().enumerate() {
            if let Some(done) = of(g) {
                reading[i] = done.readings[source][usize::from(alleles[i])];
                ids[i] = done.id;
            }
        }
        let (by_reading, by_ids) = ((slot.place(), reading), (slot.place(), ids));
        match self
            .slots
            .read()
            .ok()
            .and_then(|m| m.get(&by_reading).cloned())
        {
            Some(Some(hit)) => return Ok(hit),
            Some(None) => {
                if let Some(hit) = self.named.read().ok().and_then(|m| m.get(&by_ids).cloned()) {
                    return Ok(hit);
                }
            }
            None => {}
        }
        let (done, named) = evaluate()?;
        if let Ok(mut m) = self.slots.write() {
            if m.len() < KEPT {
                m.entry(by_reading)
                    .or_insert_with(|| (!named).then(|| done.clone()));
            }
        }
        if named {
            if let Ok(mut m) = self.named.write() {
                if m.len() < KEPT {
                    m.entry(by_ids).or_insert_with(|| done.clone());
                }
            }
        }
        Ok(done)
    }

    /// Which of a guideline's genes it looks up by diplotype.
    fn by_alleles(&self, slot: &crate::recommend::Slot<'a>) -> Result<Arc<[bool]>> {
        let made = cached(
            &self.by_alleles,
            &slot.place(),
            |k| *k,
            || {
                Ok(slot
                    .guideline
                    .genes
                    .iter()
                    .map(|g| self.engine.recommender().looks_up_diplotypes(slot, g))
                    .collect::<Arc<[bool]>>())
            },
        );
        made
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
