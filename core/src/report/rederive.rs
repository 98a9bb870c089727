//! Many stored reports re-derived with shared caches, for the changes
//! only ([`super::reanalyze::reanalyze_files`]).
//!
//! A stored report is read in one pass ([`super::keyed`]) into its gene
//! entries and drug results as key texts: what the new results and the
//! comparison depend on, without the evidence. A gene's new result
//! depends only on its key, and a stored drug result's reading only on
//! its key. A guideline's new result, as far as a comparison reads it,
//! depends only on what it reads of the results of its genes and of the
//! genes of the guidelines of the alternatives its rows name (whose advice
//! for the patient its summary notes); not on the candidates' names,
//! which only its non-answers and candidate lists carry. The changes
//! between a stored and a new drug result depend only on the two. All
//! recur across a cohort, so each is derived once, by the same functions
//! the report uses ([`super::vcf_gene`], [`super::apply_outside`],
//! [`super::interpret_gene`], the recommender's slot evaluation with every
//! gene result of the report, and [`super::changes`]), and reused. Tests
//! hold the changes equal to [`super::reanalyze::reanalyze`]'s, report by
//! report, and the new results equal to the stored ones against the packs
//! that wrote them.
//!
//! Each thread keeps its own caches in front of the shared ones, so that
//! what it has seen takes no lock. Every cache is bounded: when one is
//! full, results are still derived, only not kept.

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
use crate::pack::words::Lang;
use crate::recommend::{Gap, GeneResult, Plan, Slot};
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
/// ([`crate::recommend::Slot::place`]) and, per gene it reads
/// ([`Keying`]), the number of what it reads of the gene's result (0: no
/// entry for the gene).
type SlotKey = (usize, [u64; SLOT_GENES]);

/// A stored report's new gene results, and its stored and new drug
/// results.
struct Derived {
    genes: Vec<Arc<GeneDone>>,
    old: Vec<Arc<DrugDone>>,
    new: Vec<Arc<DrugDone>>,
}

/// What a guideline's result is cached by, for the reports of one plan.
struct Keying {
    place: usize,
    /// The source's place in [`Source::ALL`].
    source: usize,
    /// The genes the result reads: the guideline's, then those of the
    /// guidelines of the alternatives its rows name
    /// ([`crate::recommend::Recommender::alternative_genes`]). Each as its
    /// place among the report's genes (`None`: not among them) and whether
    /// the reading includes the alleles.
    genes: Vec<(Option<usize>, bool)>,
}

/// The guidelines a report is compared on; per guideline, what its result
/// is cached by (`None`: it reads more than [`SLOT_GENES`] genes, and is
/// derived each time).
struct Planned<'a> {
    plan: Plan<'a>,
    keying: Vec<Option<Keying>>,
}

/// One thread's buffer and caches, in front of the shared ones (no lock
/// is taken for what the thread has seen before).
#[derive(Default)]
pub(crate) struct Local {
    keys: Vec<u8>,
    genes: Map<Box<[u8]>, Arc<GeneDone>>,
    stored: Map<Box<[u8]>, Arc<DrugDone>>,
    slots: Map<SlotKey, Arc<DrugDone>>,
    changes: Map<(u64, u64), Arc<Vec<Change>>>,
}

/// The caches shared by every report of a batch.
pub(crate) struct Rederiver<'a> {
    engine: &'a Engine,
    drugs: &'a [String],
    sources: Vec<Source>,
    next_id: AtomicU64,
    genes: Cache<Box<[u8]>, Arc<GeneDone>>,
    stored: Cache<Box<[u8]>, Arc<DrugDone>>,
    plans: Cache<Box<[u8]>, Arc<Planned<'a>>>,
    slots: Cache<SlotKey, Arc<DrugDone>>,
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

/// The value a thread's own cache holds for `key`, or `shared`'s (which
/// looks in the shared cache), kept while the thread's cache has room.
fn front<K, Q, V>(
    local: &mut Map<K, V>,
    key: &Q,
    owned: impl FnOnce(&Q) -> K,
    shared: impl FnOnce() -> Result<V>,
) -> Result<V>
where
    K: Borrow<Q> + Hash + Eq,
    Q: Hash + Eq + ?Sized,
    V: Clone,
{
    if let Some(hit) = local.get(key) {
        return Ok(hit.clone());
    }
    let made = shared()?;
    if local.len() < KEPT {
        local.insert(owned(key), made.clone());
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

    /// The changes of one stored report, given as JSON text, with a
    /// thread's own buffer and caches. `Ok(None)` when the report is not
    /// of the shape the one-pass reading expects: the caller reads it the
    /// full way, which also gives the error of a text that is no report.
    pub(crate) fn reanalyze(&self, text: &[u8], local: &mut Local) -> Result<Option<Reanalysis>> {
        let mut keys = std::mem::take(&mut local.keys);
        let done = self.reanalyze_keyed(text, &mut keys, local);
        local.keys = keys;
        done
    }

    fn reanalyze_keyed(
        &self,
        text: &[u8],
        keys: &mut Vec<u8>,
        local: &mut Local,
    ) -> Result<Option<Reanalysis>> {
        let Some(stored) = keyed::read(text, keys) else {
            return Ok(None);
        };
        super::stored::readable(u64::from(stored.schema_version))?;
        let Some(Derived { genes, old, new }) = self.derive(&stored, keys, local)? else {
            return Ok(None);
        };
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
        let mut found = changes::gene_changes(&old_genes, &new_genes, Lang::En);
        // Paired by the numbers of their keys; the changes found are then
        // put in the order of the keys, as the one-report path lists them.
        let mut drug_found: Vec<(&DrugKey, Arc<Vec<Change>>)> = Vec::new();
        let numbers = |side: &[Arc<DrugDone>]| side.iter().map(|d| d.pair).collect::<Vec<u64>>();
        for (o, n) in changes::pair_keys(&numbers(&old), &numbers(&new)) {
            let (o, n) = (o.map(|i| old[i].as_ref()), n.map(|i| new[i].as_ref()));
            let ids = (o.map_or(0, |d| d.id), n.map_or(0, |d| d.id));
            let these = front(
                &mut local.changes,
                &ids,
                |k| *k,
                || {
                    cached(
                        &self.changes,
                        &ids,
                        |k| *k,
                        || {
                            Ok(Arc::new(changes::drug_changes(
                                o.map(|d| &d.drug),
                                n.map(|d| &d.drug),
                                Lang::En,
                            )))
                        },
                    )
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

    /// A stored report's gene results and stored drug results read, and
    /// its new drug results derived; `Ok(None)` when a gene entry or drug
    /// result is not of the expected shape (the full reading words the
    /// error).
    fn derive(
        &self,
        stored: &keyed::Keyed,
        keys: &[u8],
        local: &mut Local,
    ) -> Result<Option<Derived>> {
        let mut genes: Vec<Arc<GeneDone>> = Vec::with_capacity(stored.genes.len());
        for g in &stored.genes {
            match self.gene(local, &keys[g.key.clone()]) {
                Ok(done) => genes.push(done),
                Err(_) => return Ok(None),
            }
        }
        let mut old: Vec<Arc<DrugDone>> = Vec::with_capacity(stored.drugs.len());
        for range in &stored.drugs {
            match self.stored_drug(local, &keys[range.clone()]) {
                Ok(done) => old.push(done),
                Err(_) => return Ok(None),
            }
        }
        let names: Vec<&str> = stored.genes.iter().map(|g| g.gene.as_str()).collect();
        let planned = self.plan(&names, &old)?;
        let new: Vec<Arc<DrugDone>> = planned
            .plan
            .slots
            .iter()
            .zip(&planned.keying)
            .map(|(slot, keying)| self.slot(local, slot, keying.as_ref(), &names, &genes))
            .collect::<Result<_>>()?;
        Ok(Some(Derived { genes, old, new }))
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
    fn plan(&self, genes: &[&str], old: &[Arc<DrugDone>]) -> Result<Arc<Planned<'a>>> {
        // The drugs compared depend on the sets of genes and drugs, not
        // their order (changes are listed in the order of their keys); the
        // genes' order is kept, as the keying gives their places.
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
                let plan = self
                    .engine
                    .recommender()
                    .plan(&|_| false, &list, &self.sources)?;
                let keying = plan.slots.iter().map(|s| self.keying(s, genes)).collect();
                Ok(Arc::new(Planned { plan, keying }))
            },
        )
    }

    /// What a guideline's result is cached by, for reports with these
    /// genes (in this order).
    fn keying(&self, slot: &Slot<'a>, names: &[&str]) -> Option<Keying> {
        let recommender = self.engine.recommender();
        let others = recommender.alternative_genes(slot);
        let mut read: Vec<(&str, bool)> = slot
            .guideline
            .genes
            .iter()
            .map(|g| {
                let alleles = others.get(g.as_str()).copied().unwrap_or_default()
                    || recommender.looks_up_diplotypes(slot, g);
                (g.as_str(), alleles)
            })
            .collect();
        for (g, alleles) in others {
            if !read.iter().any(|(x, _)| *x == g) {
                read.push((g, alleles));
            }
        }
        if read.len() > SLOT_GENES {
            return None;
        }
        Some(Keying {
            place: slot.place(),
            source: Source::ALL.iter().position(|s| *s == slot.source())?,
            genes: read
                .into_iter()
                .map(|(g, alleles)| (names.iter().position(|n| *n == g), alleles))
                .collect(),
        })
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
    fn gene(&self, local: &mut Local, key: &[u8]) -> Result<Arc<GeneDone>> {
        front(
            &mut local.genes,
            key,
            |k| k.into(),
            || cached(&self.genes, key, |k| k.into(), || self.derive_gene(key)),
        )
    }

    fn derive_gene(&self, key: &[u8]) -> Result<Arc<GeneDone>> {
        let basis: Basis = serde_json::from_slice(key)
            .map_err(|e| Error::MalformedReport(format!("a gene entry: {e}")))?;
        let mut g = match basis.call {
            Some(call) => vcf_gene(call.into_call()),
            None => outside_gene(&basis.gene),
        };
        if !basis.outside.is_empty() {
            let lines: Vec<OutsideCall> = basis.outside.into_iter().map(|o| o.call).collect();
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
            readings,
            phenotypes: g.phenotypes,
            activity_scores: g.activity_scores,
            result: g.interpretation,
            gap,
        }))
    }

    /// A stored drug result, read from its key text.
    fn stored_drug(&self, local: &mut Local, key: &[u8]) -> Result<Arc<DrugDone>> {
        front(
            &mut local.stored,
            key,
            |k| k.into(),
            || {
                cached(
                    &self.stored,
                    key,
                    |k| k.into(),
                    || {
                        let drug: StoredDrug = serde_json::from_slice(key)
                            .map_err(|e| Error::MalformedReport(format!("a drug result: {e}")))?;
                        self.done(drug)
                    },
                )
            },
        )
    }

    /// A drug result, numbered.
    fn done(&self, drug: StoredDrug) -> Result<Arc<DrugDone>> {
        let key = changes::drug_key(&drug);
        Ok(Arc::new(DrugDone {
            id: self.number(),
            pair: self.key_number(&key)?,
            key,
            drug,
        }))
    }

    /// A guideline's new result for these gene results.
    fn slot(
        &self,
        local: &mut Local,
        slot: &Slot<'a>,
        keying: Option<&Keying>,
        names: &[&str],
        genes: &[Arc<GeneDone>],
    ) -> Result<Arc<DrugDone>> {
        // As the report evaluates it: with every gene's result and gap.
        let evaluate = || {
            let by_gene: BTreeMap<&str, &GeneResult> = genes
                .iter()
                .filter_map(|g| g.result.as_ref())
                .map(|r| (r.gene.as_str(), r))
                .collect();
            let gaps: BTreeMap<&str, &Gap> = names
                .iter()
                .zip(genes)
                .filter_map(|(n, g)| Some((*n, g.gap.as_ref()?)))
                .collect();
            let (result, _) = self
                .engine
                .recommender()
                .evaluate_slot(slot, &by_gene, &gaps);
            // As a stored one's key leaves them out: the rest depends on
            // the readings alone, so results that read alike share one
            // entry.
            let mut drug = StoredDrug::of(&result);
            drug.non_answers.clear();
            for m in &mut drug.matches {
                m.candidates.clear();
            }
            self.done(drug)
        };
        let Some(keying) = keying else {
            return evaluate();
        };
        let mut reading = [0; SLOT_GENES];
        for (r, (at, alleles)) in reading.iter_mut().zip(&keying.genes) {
            if let Some(i) = at {
                *r = genes[*i].readings[keying.source][usize::from(*alleles)];
            }
        }
        let key = (keying.place, reading);
        front(
            &mut local.slots,
            &key,
            |k| *k,
            || cached(&self.slots, &key, |k| *k, evaluate),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the packs that wrote it, every new guideline result of a
    /// report equals its stored one in all a comparison reads, summaries
    /// included. Also where a row names an alternative drug whose advice
    /// another gene's result changes: DPWG nortriptyline at CYP2D6
    /// activity 3 names citalopram and sertraline, whose DPWG guidelines
    /// read CYP2C19 (a poor metabolizer's summary notes them).
    #[test]
    fn new_results_equal_the_stored_ones() {
        let engine = Engine::bundled().unwrap();
        let shared = Rederiver::new(&engine, &[]);
        let mut local = Local::default();
        let mut keys = Vec::new();
        let mut noted = 0;
        let slim = |d: &crate::recommend::DrugResult| {
            let mut s = StoredDrug::of(d);
            s.non_answers.clear();
            for m in &mut s.matches {
                m.candidates.clear();
            }
            (changes::drug_key(&s), s)
        };
        for lines in [
            "CYP2D6\t*1/*1x3\nCYP2C19\t*2/*2\n",
            "CYP2D6\t*1/*1x3\nCYP2C19\t*1/*1\n",
            "CYP2D6\t*1/*1x3\n",
            "CYP2C19\t*2/*2\nCYP2D6\t*1/*1x3\nSLCO1B1\t*5/*5\nCYP2C9\t*3/*3\n",
        ] {
            let calls = crate::input::outside::parse(lines).unwrap();
            let resolved = engine.resolve_outside(&calls).unwrap();
            let empty = crate::allele::SampleCalls::empty("S1");
            let report = super::super::build(&engine, &empty, &resolved, &[]).unwrap();
            noted += report
                .drugs
                .iter()
                .filter(|d| d.drug == "nortriptyline" && d.source == Source::Dpwg)
                .flat_map(|d| &d.matches)
                .filter(|m| {
                    m.affected_alternatives
                        .iter()
                        .any(|a| a.drug == "citalopram")
                })
                .count();
            let text = serde_json::to_vec(&report).unwrap();
            let stored = keyed::read(&text, &mut keys).unwrap();
            let derived = shared.derive(&stored, &keys, &mut local).unwrap().unwrap();
            let mut expected: Vec<_> = report.drugs.iter().map(slim).collect();
            let mut got: Vec<_> = derived
                .new
                .iter()
                .map(|d| (d.key.clone(), &d.drug))
                .collect();
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            got.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(got.len(), expected.len(), "{lines}");
            for ((_, g), (_, e)) in got.iter().zip(&expected) {
                assert_eq!(*g, e, "{lines}");
            }
        }
        // The case of another gene's result is among them, twice.
        assert_eq!(noted, 2);
    }
}
