//! Cohort table rows without a report per sample.
//!
//! A sample's `genes.tsv` row for a gene depends only on its genotypes at
//! that gene's positions (and, for chrX genes, the sex), and its
//! `drugs.tsv` row for a guideline only on the results of the guideline's
//! genes. In a cohort both recur, so each row is made once per distinct
//! genotype pattern or gene-result combination, by the same functions the
//! report uses, and reused for every sample that has it. The text is the
//! one [`TableWriter::rows`](super::TableWriter::rows) writes from a full
//! report (a test holds the two equal).
//!
//! Every cache is bounded: when one is full, rows are still made, only not
//! kept, so memory does not grow with the cohort.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::{Arc, Mutex, OnceLock};

use super::{drug_row, gene_row, line, Kind, Report, Rows, DRUG_KINDS, GENE_KINDS};
use crate::allele::{
    call_gene_lean, gene_call, ploidy_signs, sex_of, wanted, CallOptions, KeyHasher, Prepared, Sex,
    SexSource,
};
use crate::genotype::{observe, Observation};
use crate::recommend::ResolvedOutside;
use crate::recommend::{
    slot_order, strict_warnings, DrugResult, Gap, GeneInput, GeneResult, NonAnswer, Slot,
};
use crate::report::{
    apply_outside, flag_drug, flag_gene, interpret_gene, interpret_gene_by, outside_gene,
    outside_groups, vcf_gene,
};
use crate::{Engine, Result, Source};

/// Genotype patterns kept per gene.
const PATTERNS_PER_GENE: usize = 4096;

/// Drug rows kept per guideline.
const ROWS_PER_GUIDELINE: usize = 4096;

/// Distinct gene results numbered per gene (beyond this, results share
/// no number and their drug rows are not kept).
const RESULTS_PER_GENE: u32 = 1 << 20;

/// A bounded map from `u32` keys.
type Map<V> = Mutex<HashMap<Box<[u32]>, V, BuildHasherDefault<KeyHasher>>>;

type Keyed<V> = Map<Arc<V>>;

/// A gene's row tail and result.
struct GeneEntry {
    /// The fields after the sample name, each led by a tab, then `\n`.
    row: String,
    /// Number of the gene's interpreted result (see [`Results`]), or of
    /// why it has none ([`Gap::signature`]), `u32::MAX` when not numbered.
    id: u32,
    /// The interpreted result.
    result: Option<Arc<GeneResult>>,
    /// Why there is no result, when there is none.
    gap: Option<Gap>,
    /// Per source (in [`Source::ALL`] order) and without or with alleles:
    /// the number of what the guidelines of the source see of the result
    /// (see [`GeneResult::reading`]), or of why it has none; `u32::MAX` when not
    /// numbered.
    sigs: Vec<[u32; 2]>,
}

/// One genotype pattern of a gene.
struct Pattern {
    /// A haploid call among the gene's chrX calls.
    haploid: bool,
    /// A heterozygous call among them.
    het: bool,
    /// The gene's entry per sex state ([`sex_state`]).
    entries: [OnceLock<Arc<GeneEntry>>; 5],
}

/// What one row gene of the table is.
enum RowGene<'a> {
    /// Called from the VCF: definition index, the gene's tables, and the
    /// outside lines that replace the call, if any.
    Vcf {
        def: usize,
        gene: &'a crate::pack::Gene,
        outside: Option<Vec<ResolvedOutside>>,
    },
    /// Known only from outside calls: the same for every sample.
    Fixed(Arc<GeneEntry>),
}

/// Interpreted results of one gene, numbered by recommendation input.
#[derive(Default)]
struct Results {
    ids: HashMap<String, u32>,
    /// Interpretations by recommendation input (what
    /// [`Engine::interpret`] gives for it).
    interpreted: HashMap<String, Arc<GeneResult>>,
}

/// Interpretations kept per gene.
const INTERPRETED_PER_GENE: usize = 4096;

/// One drug row slot: the guideline, its place in the table order, and
/// which row genes it reads.
struct DrugPlace<'a> {
    slot: Slot<'a>,
    rank: usize,
    /// Index of the slot's source in [`Source::ALL`].
    source: usize,
    /// Per guideline gene: its row gene, and whether the guideline looks
    /// it up by diplotype.
    genes: Vec<(Option<usize>, bool)>,
    /// Some guideline gene is called from the VCF (not replaced by an
    /// outside call): the row carries the file's coverage flag, if any.
    reads_vcf: bool,
    /// Rows by what the guideline reads of its genes' results; `None` for
    /// readings whose rows name a candidate (kept in `named` instead).
    by_reading: Map<Option<Arc<DrugEntry>>>,
    /// Rows by gene result numbers, for readings whose rows name a
    /// candidate.
    named: Keyed<DrugEntry>,
}

/// A drug row tail.
struct DrugEntry {
    actionable: bool,
    row: String,
    /// The result the row was written from (its row is written again
    /// when another source disagrees for the same drug).
    result: DrugResult,
    /// The non-answers strict mode fails on.
    strict: Vec<NonAnswer>,
}

/// Makes table rows for any sample of prepared sites.
pub(crate) struct RowMaker<'a> {
    engine: &'a Engine,
    prepared: &'a Prepared<'a>,
    options: &'a CallOptions,
    /// Row genes, in table order.
    genes: Vec<(String, RowGene<'a>)>,
    /// Per definition: patterns seen.
    patterns: Vec<Keyed<Pattern>>,
    /// Per row gene: result numbers.
    results: Vec<Mutex<Results>>,
    /// Definitions whose chrX calls decide the sex.
    sex_genes: Vec<usize>,
    drugs: Vec<DrugPlace<'a>>,
}

/// One row gene of one sample, to be called.
struct Call<'a> {
    /// Row gene index.
    row: usize,
    /// Definition index.
    def: usize,
    /// The gene's tables.
    gene: &'a crate::pack::Gene,
    /// Sample index.
    sample: usize,
    /// Sex used for chrX.
    sex: Option<Sex>,
    /// How the sex was known.
    source: SexSource,
}

/// Index of a sex state in [`Pattern::entries`].
fn sex_state(sex: Option<Sex>, source: SexSource) -> usize {
    match (sex, source) {
        (None, _) => 0,
        (Some(Sex::Male), SexSource::Given) => 1,
        (Some(Sex::Male), _) => 2,
        (Some(Sex::Female), SexSource::Given) => 3,
        (Some(Sex::Female), _) => 4,
    }
}

/// The fields after the first, cleaned and tab-led, ended by `\n`.
/// The rows of drugs whose sources disagree for this sample, written again
/// with the disagreement said (as [`crate::report::build`] says it), by
/// position in `made`.
fn disagreeing_rows(
    made: &[(bool, usize, &DrugPlace<'_>, Arc<DrugEntry>)],
) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    let mut by_drug: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, m) in made.iter().enumerate() {
        by_drug.entry(m.3.result.drug.as_str()).or_default().push(i);
    }
    for idx in by_drug.values().filter(|v| v.len() > 1) {
        let mut results: Vec<DrugResult> = idx.iter().map(|&i| made[i].3.result.clone()).collect();
        crate::recommend::mark_disagreement(&mut results);
        for (&i, r) in idx.iter().zip(&results) {
            if !r.disagreements.is_empty() {
                out.insert(i, tail(drug_row("", r), &DRUG_KINDS));
            }
        }
    }
    out
}

fn tail(fields: Vec<String>, kinds: &[Kind]) -> String {
    let mut row = String::new();
    line(&mut row, fields.into_iter().skip(1), &kinds[1..]);
    row.insert(0, '\t');
    row
}

impl<'a> RowMaker<'a> {
    /// Rows for the genes and drugs of `template` (the report of a sample
    /// with no genotype, which has every gene and drug any sample has).
    pub(crate) fn new(
        engine: &'a Engine,
        prepared: &'a Prepared<'a>,
        options: &'a CallOptions,
        outside: &[ResolvedOutside],
        drugs: &[String],
        template: &Report,
    ) -> Result<RowMaker<'a>> {
        let defs = engine.definitions();
        let groups = outside_groups(outside);
        let mut genes = Vec::new();
        for (d, def) in defs.genes.iter().enumerate() {
            let known = engine
                .gene(Source::Cpic, &def.symbol)
                .or_else(|| engine.gene(Source::Dpwg, &def.symbol));
            if let Some(gene) = known.filter(|_| wanted(def, options)) {
                let lines = groups
                    .iter()
                    .find(|(g, _)| *g == def.symbol)
                    .map(|(_, l)| l.iter().map(|o| (*o).clone()).collect());
                genes.push((
                    def.symbol.clone(),
                    RowGene::Vcf {
                        def: d,
                        gene,
                        outside: lines,
                    },
                ));
            }
        }
        for (gene, lines) in &groups {
            if genes.iter().any(|(g, _)| g == gene) {
                continue;
            }
            let mut g = outside_gene(gene);
            apply_outside(&mut g, lines.clone());
            let gap = interpret_gene(engine, &mut g).err();
            let result = g.interpretation.clone().map(Arc::new);
            let sigs = Source::ALL
                .iter()
                .map(|_| {
                    let n = u32::from(result.is_some());
                    [n, n]
                })
                .collect();
            let entry = GeneEntry {
                row: tail(gene_row("", &g), &GENE_KINDS),
                id: u32::from(result.is_some()),
                result,
                gap,
                sigs,
            };
            genes.push((gene.to_string(), RowGene::Fixed(Arc::new(entry))));
        }
        genes.sort_by(|a, b| a.0.cmp(&b.0));
        let results: Vec<Mutex<Results>> = genes.iter().map(|_| Mutex::default()).collect();
        // The same drugs and guidelines, in the same order, as the report.
        let sources: Vec<Source> = engine.knowledge().loaded_sources();
        let list = crate::report::drug_list(engine, &template.genes, drugs);
        let plan = engine.recommender().plan(&|_| false, &list, &sources)?;
        let mut order: Vec<usize> = (0..plan.slots.len()).collect();
        let key = |s: &Slot<'_>| (s.drug.clone(), s.source(), s.guideline.id.clone());
        order.sort_by(|&a, &b| {
            let (x, y) = (key(&plan.slots[a]), key(&plan.slots[b]));
            slot_order((&x.0, x.1, &x.2), (&y.0, y.1, &y.2))
        });
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let drugs = plan
            .slots
            .into_iter()
            .zip(rank)
            .map(|(slot, rank)| DrugPlace {
                genes: slot
                    .guideline
                    .genes
                    .iter()
                    .map(|g| {
                        (
                            genes.iter().position(|(name, _)| name == g),
                            engine.recommender().looks_up_diplotypes(&slot, g),
                        )
                    })
                    .collect(),
                reads_vcf: slot.guideline.genes.iter().any(|g| {
                    genes.iter().any(|(name, row)| {
                        name == g && matches!(row, RowGene::Vcf { outside: None, .. })
                    })
                }),
                source: Source::ALL
                    .iter()
                    .position(|s| *s == slot.source())
                    .unwrap_or_default(),
                slot,
                rank,
                by_reading: Mutex::default(),
                named: Mutex::default(),
            })
            .collect();
        let sex_genes = if options.sex.is_none() {
            (0..defs.genes.len())
                .filter(|&d| defs.genes[d].chrom == "chrX" && !prepared.views()[d].is_empty())
                .collect()
        } else {
            Vec::new()
        };
        Ok(RowMaker {
            engine,
            prepared,
            options,
            genes,
            patterns: defs.genes.iter().map(|_| Mutex::default()).collect(),
            results,
            sex_genes,
            drugs,
        })
    }

    /// Sample `sample`'s rows.
    pub(crate) fn rows(&self, sample: usize) -> Rows {
        let name = self
            .prepared
            .sites()
            .samples
            .get(sample)
            .cloned()
            .unwrap_or_default();
        #[cfg(test)]
        if name == crate::PANICKING_SAMPLE {
            panic!("{}", crate::PLANTED_PANIC);
        }
        let mut clean = String::new();
        line(&mut clean, [name.clone()], &[]);
        clean.pop();
        let mut key = Vec::new();
        let mut patterns: Vec<Option<Arc<Pattern>>> = vec![None; self.patterns.len()];
        let (mut haploid, mut het) = (false, false);
        // Genotypes just read for a new pattern, kept for its entry.
        let mut fresh: Vec<Option<Vec<Observation>>> = vec![None; self.patterns.len()];
        for &d in &self.sex_genes {
            let (p, obs) = self.pattern(d, sample, &mut key);
            fresh[d] = obs;
            haploid |= p.haploid;
            het |= p.het;
            patterns[d] = Some(p);
        }
        let (sex, source) = sex_of(self.options, haploid, het);
        let mut entries: Vec<Arc<GeneEntry>> = Vec::with_capacity(self.genes.len());
        for (i, (_, gene)) in self.genes.iter().enumerate() {
            let entry = match gene {
                RowGene::Fixed(e) => e.clone(),
                RowGene::Vcf { def, gene, outside } => {
                    let p = match &patterns[*def] {
                        Some(p) => p.clone(),
                        None => {
                            let (p, obs) = self.pattern(*def, sample, &mut key);
                            fresh[*def] = obs;
                            p
                        }
                    };
                    let on_x = self.engine.definitions().genes[*def].chrom == "chrX";
                    let state = if on_x { sex_state(sex, source) } else { 0 };
                    p.entries[state]
                        .get_or_init(|| {
                            let obs = fresh[*def].take();
                            let call = Call {
                                row: i,
                                def: *def,
                                gene,
                                sample,
                                sex,
                                source,
                            };
                            self.gene_entry(&call, outside.as_deref(), obs)
                        })
                        .clone()
                }
            };
            entries.push(entry);
        }
        // Sized exactly: growing a fresh ~20 kB string step by step cost
        // more than writing it.
        let size =
            |rows: &mut dyn Iterator<Item = usize>| rows.map(|r| clean.len() + r).sum::<usize>();
        let mut genes = String::with_capacity(size(&mut entries.iter().map(|e| e.row.len())));
        for entry in &entries {
            genes.push_str(&clean);
            genes.push_str(&entry.row);
        }
        let mut made: Vec<(bool, usize, &DrugPlace<'_>, Arc<DrugEntry>)> = self
            .drugs
            .iter()
            .map(|place| {
                let row = self.drug_entry(place, &entries, &mut key);
                (row.actionable, place.rank, place, row)
            })
            .collect();
        made.sort_by_key(|(actionable, rank, _, _)| (!actionable, *rank));
        let rewritten = disagreeing_rows(&made);
        let mut drugs = String::with_capacity(size(&mut made.iter().map(|m| m.3.row.len())));
        for (i, (_, _, _, row)) in made.iter().enumerate() {
            drugs.push_str(&clean);
            match rewritten.get(&i) {
                Some(r) => drugs.push_str(r),
                None => drugs.push_str(&row.row),
            }
        }
        let warnings = strict_warnings(made.iter().flat_map(|(_, _, place, row)| {
            row.strict
                .iter()
                .map(|n| (place.slot.drug.as_str(), place.slot.source(), n))
        }));
        let warnings = crate::report::evaluate::prefixed(&name, warnings);
        Rows {
            genes,
            drugs,
            failed: None,
            coverage: self.prepared.sites().coverage.clone(),
            warnings,
        }
    }

    /// The pattern of sample `sample`'s genotypes at definition `def`'s
    /// positions: the one seen before, or a new one (kept while there is
    /// room) with the genotypes read for it.
    fn pattern(
        &self,
        def: usize,
        sample: usize,
        key: &mut Vec<u32>,
    ) -> (Arc<Pattern>, Option<Vec<Observation>>) {
        let views = &self.prepared.views()[def];
        key.clear();
        let mut keyed = true;
        // Every sample has the same records at each position, in the same
        // order, so the calls other than a plain `0/0`, each numbered by
        // its record, make the key.
        for (tag, view) in views.iter().flatten().enumerate() {
            if !view.site().calls.sparse_key_into(sample, tag as u32, key) {
                keyed = false;
            }
        }
        let map = &self.patterns[def];
        if keyed {
            if let Some(p) = map.lock().ok().and_then(|m| m.get(key.as_slice()).cloned()) {
                return (p, None);
            }
        }
        let obs = self.observe(def, sample);
        let (haploid, het) = ploidy_signs(&obs);
        let p = Arc::new(Pattern {
            haploid,
            het,
            entries: Default::default(),
        });
        if keyed {
            if let Ok(mut m) = map.lock() {
                if m.len() < PATTERNS_PER_GENE {
                    let kept = m.entry(key.as_slice().into()).or_insert(p).clone();
                    return (kept, Some(obs));
                }
            }
        }
        (p, Some(obs))
    }

    /// Sample `sample`'s genotypes at definition `def`'s positions.
    fn observe(&self, def: usize, sample: usize) -> Vec<Observation> {
        let gene = &self.engine.definitions().genes[def];
        let mut ignored = Vec::new();
        self.prepared.views()[def]
            .iter()
            .zip(&gene.positions)
            .map(|(v, p)| observe(v, sample, p, &mut ignored))
            .collect()
    }

    /// A row gene's entry for one sample, called from the VCF.
    fn gene_entry(
        &self,
        c: &Call<'_>,
        outside: Option<&[ResolvedOutside]>,
        obs: Option<Vec<Observation>>,
    ) -> Arc<GeneEntry> {
        let (row, def, sample, sex) = (c.row, c.def, c.sample, c.sex);
        let d = &self.engine.definitions().genes[def];
        let obs = obs.unwrap_or_else(|| self.observe(def, sample));
        // The row shows no per-position evidence.
        let call = gene_call(d, sex, c.source, |hemizygous| {
            call_gene_lean(d, c.gene, &obs, self.options, hemizygous)
        });
        let mut g = vcf_gene(call);
        if let Some(lines) = outside {
            apply_outside(&mut g, lines.iter().collect());
        }
        let gap = interpret_gene_by(&mut g, &|input| self.interpret(row, input)).err();
        flag_gene(&mut g, self.prepared.sites().coverage.as_ref());
        let gene_row_text = tail(gene_row("", &g), &GENE_KINDS);
        // The remembered interpretation when there is one (the same value),
        // so a result is held once however many patterns lead to it.
        let result = match (g.interpretation.take(), &g.recommendation_input) {
            (Some(r), Some(input)) => Some(self.shared(row, input).unwrap_or_else(|| Arc::new(r))),
            (r, _) => r.map(Arc::new),
        };
        // A gene with no result is numbered by why (a no-call and a value
        // not understood read differently in the drug rows).
        let missing = gap.as_ref().map(|g| self.number(row, &g.signature()));
        let id = match (&result, &g.recommendation_input) {
            (Some(_), Some(input)) => self.number(row, input),
            _ => missing.unwrap_or(0),
        };
        let sigs = Source::ALL
            .iter()
            .map(|&s| match &result {
                Some(r) => [false, true].map(|a| self.number(row, &r.reading(s, a))),
                None => [missing.unwrap_or(0); 2],
            })
            .collect();
        Arc::new(GeneEntry {
            row: gene_row_text,
            id,
            result,
            gap,
            sigs,
        })
    }

    /// [`Engine::interpret`] for row gene `row`, remembered.
    fn interpret(&self, row: usize, input: &GeneInput) -> Result<GeneResult> {
        let cache = &self.results[row];
        if let Some(hit) = cache
            .lock()
            .ok()
            .and_then(|r| r.interpreted.get(&input.value).cloned())
        {
            return Ok((*hit).clone());
        }
        let result = self.engine.interpret(input)?;
        if let Ok(mut r) = cache.lock() {
            if r.interpreted.len() < INTERPRETED_PER_GENE {
                r.interpreted
                    .insert(input.value.clone(), Arc::new(result.clone()));
            }
        }
        Ok(result)
    }

    /// The remembered interpretation of `input` for row gene `row`.
    fn shared(&self, row: usize, input: &str) -> Option<Arc<GeneResult>> {
        self.results[row]
            .lock()
            .ok()
            .and_then(|r| r.interpreted.get(input).cloned())
    }

    /// Hands the caches to another thread to free, when one can be
    /// started (a large cohort's caches take a while to free); else they
    /// are freed here.
    pub(crate) fn release(self) {
        let drugs: Vec<_> = self
            .drugs
            .into_iter()
            .map(|d| (d.by_reading, d.named))
            .collect();
        let caches = (self.patterns, self.results, drugs);
        let _ = std::thread::Builder::new().spawn(move || drop(caches));
    }

    /// The number of row gene `row`'s result for `input`, or of a
    /// [`GeneResult::reading`] (from 1; the two never look alike: a signature starts
    /// with a source label and a digit, then control characters).
    fn number(&self, row: usize, input: &str) -> u32 {
        let Ok(mut r) = self.results[row].lock() else {
            return u32::MAX;
        };
        if let Some(&id) = r.ids.get(input) {
            return id;
        }
        let id = r.ids.len() as u32 + 1;
        if id >= RESULTS_PER_GENE {
            return u32::MAX;
        }
        r.ids.insert(input.to_string(), id);
        id
    }

    /// The drug row of `place` for the sample whose gene entries are
    /// `entries` (row gene order): kept by what the guideline reads of the
    /// results when the row names no candidate, else by the results.
    fn drug_entry(
        &self,
        place: &DrugPlace<'_>,
        entries: &[Arc<GeneEntry>],
        key: &mut Vec<u32>,
    ) -> Arc<DrugEntry> {
        key.clear();
        for &(g, alleles) in &place.genes {
            key.push(g.map_or(0, |i| {
                entries[i]
                    .sigs
                    .get(place.source)
                    .map_or(u32::MAX, |s| s[usize::from(alleles)])
            }));
        }
        let read_keyed = !key.contains(&u32::MAX);
        let mut named_known = false;
        if read_keyed {
            match place
                .by_reading
                .lock()
                .ok()
                .and_then(|m| m.get(key.as_slice()).cloned())
            {
                Some(Some(hit)) => return hit,
                Some(None) => named_known = true,
                None => {}
            }
        }
        let reading: Box<[u32]> = key.as_slice().into();
        key.clear();
        for &(g, _) in &place.genes {
            key.push(g.map_or(0, |i| entries[i].id));
        }
        let id_keyed = !key.contains(&u32::MAX);
        if named_known && id_keyed {
            if let Some(hit) = place
                .named
                .lock()
                .ok()
                .and_then(|m| m.get(key.as_slice()).cloned())
            {
                return hit;
            }
        }
        let by_gene: BTreeMap<&str, &GeneResult> = place
            .genes
            .iter()
            .filter_map(|&(g, _)| g)
            .filter_map(|i| entries[i].result.as_deref())
            .map(|r| (r.gene.as_str(), r))
            .collect();
        let gaps: BTreeMap<&str, &Gap> = place
            .genes
            .iter()
            .filter_map(|&(g, _)| g)
            .filter_map(|i| Some((self.genes[i].0.as_str(), entries[i].gap.as_ref()?)))
            .collect();
        let (mut result, named) =
            self.engine
                .recommender()
                .evaluate_slot(&place.slot, &by_gene, &gaps);
        flag_drug(
            &mut result,
            self.prepared.sites().coverage.as_ref(),
            place.reads_vcf,
        );
        let entry = Arc::new(DrugEntry {
            actionable: result.actionable,
            row: tail(drug_row("", &result), &DRUG_KINDS),
            result: result.clone(),
            strict: result
                .non_answers
                .iter()
                .filter(|n| n.reason.fails_strict())
                .cloned()
                .collect(),
        });
        if read_keyed {
            if let Ok(mut m) = place.by_reading.lock() {
                if m.len() < ROWS_PER_GUIDELINE {
                    m.insert(reading, (!named).then(|| entry.clone()));
                }
            }
        }
        if named && id_keyed {
            if let Ok(mut m) = place.named.lock() {
                if m.len() < ROWS_PER_GUIDELINE {
                    m.insert(key.as_slice().into(), entry.clone());
                }
            }
        }
        entry
    }
}
