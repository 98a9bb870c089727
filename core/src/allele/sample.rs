//! Calling every gene of a sample from the VCF sites at definition
//! positions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::definitions::GeneDefinition;
use super::{call_gene, CallOptions, Definitions, GeneCall, Sex, SexSource};
use crate::genotype::{index_sites, observe, Observation, SiteView};
use crate::input::coverage::{CoverageFinding, Survey};
use crate::input::vcf::VcfReader;
use crate::input::Site;
use crate::pack::{Knowledge, Source};
use crate::{Error, Result};

/// Every gene call of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleCalls {
    /// Sample name from the VCF header.
    pub sample: String,
    /// Sex used for chrX genes, when known.
    pub sex: Option<Sex>,
    /// How the sex was known.
    pub sex_source: SexSource,
    /// One call per gene, alphabetical.
    pub genes: Vec<GeneCall>,
    /// Problems with the input that touch this sample.
    pub warnings: Vec<String>,
    /// What the VCF's records show when they miss the pharmacogenes
    /// ([`VcfSites::coverage`]): the same for every sample of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageFinding>,
}

impl SampleCalls {
    /// A sample with no VCF calls, for reports built from outside calls
    /// alone (sex unknown).
    ///
    /// ```
    /// let s = dosera::allele::SampleCalls::empty("S1");
    /// assert!(s.genes.is_empty());
    /// ```
    pub fn empty(sample: &str) -> SampleCalls {
        SampleCalls {
            sample: sample.to_string(),
            sex: None,
            sex_source: SexSource::Unknown,
            genes: Vec::new(),
            warnings: Vec::new(),
            coverage: None,
        }
    }

    /// The call for a gene, if it was attempted.
    pub fn gene(&self, symbol: &str) -> Option<&GeneCall> {
        self.genes
            .iter()
            .find(|g| g.gene.eq_ignore_ascii_case(symbol))
    }
}

/// Sites read from a VCF at definition positions, ready to call any sample.
#[derive(Debug, Clone)]
pub struct VcfSites {
    /// Sample names in header order.
    pub samples: Vec<String>,
    /// Records at definition positions, in file order.
    pub sites: Vec<Site>,
    /// Reader warnings.
    pub warnings: Vec<String>,
    /// What the records show when they miss the pharmacogenes: another
    /// genome build, or no pharmacogene position covered. `None` for an
    /// ordinary GRCh38 file (and an empty one).
    pub coverage: Option<CoverageFinding>,
}

/// The allele stage's inputs: the definitions prepared for matching and the
/// packs (for each gene's functions and notes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller<'a> {
    defs: &'a Definitions,
    knowledge: &'a Knowledge,
}

impl<'a> Caller<'a> {
    /// The allele stage over these definitions and packs.
    pub(crate) fn new(defs: &'a Definitions, knowledge: &'a Knowledge) -> Caller<'a> {
        Caller { defs, knowledge }
    }

    /// Reads every record at a definition position from a VCF, checking the
    /// genome build (header contigs, then REF at definition positions),
    /// and judges where the records lie ([`VcfSites::coverage`]): a file of
    /// another build whose header does not say so, or one that covers no
    /// pharmacogene position, is reported as such rather than as a
    /// patient without variants.
    ///
    /// When the file is read through an index and no record on a
    /// definition position has GRCh38's REF, the whole file is read again
    /// (the records beyond the gene regions tell another build from a file
    /// of other regions), so the judgement is the same with or without the
    /// index.
    pub(crate) fn read_sites(&self, reader: &mut VcfReader) -> Result<VcfSites> {
        let defs = self.defs;
        let regions = defs.regions();
        let survey = Survey::new(&regions, defs.position_count());
        let surveyed = |chrom: &str, pos: u64| {
            let on = defs.wants(chrom, pos);
            survey.see(chrom, pos, on);
            on
        };
        let sites = if reader.restrict_to(&regions) {
            // Through the index only the gene regions are read, which is
            // enough to judge the file by unless the REF on definition
            // positions is in doubt: then every record is read again.
            let sites = read_all(reader, &|chrom, pos| defs.wants(chrom, pos))?;
            survey_refs(defs, &sites, &survey);
            check_reference(defs, &sites)?;
            if survey.counts().settled_by_ref() || !reader.reopen_without_index()? {
                return Ok(VcfSites {
                    samples: reader.samples().to_vec(),
                    sites,
                    warnings: reader.warnings().to_vec(),
                    coverage: None,
                });
            }
            survey.restart();
            read_all(reader, &surveyed)?
        } else {
            read_all(reader, &surveyed)?
        };
        survey_refs(defs, &sites, &survey);
        check_reference(defs, &sites)?;
        Ok(VcfSites {
            samples: reader.samples().to_vec(),
            sites,
            warnings: reader.warnings().to_vec(),
            coverage: CoverageFinding::judge(&survey.counts()),
        })
    }

    /// Calls every gene for the samples of a VCF: the one named (or
    /// indexed) by `options.sample`, or all of them.
    pub(crate) fn call_vcf(
        &self,
        reader: &mut VcfReader,
        options: &CallOptions,
    ) -> Result<Vec<SampleCalls>> {
        let sites = self.read_sites(reader)?;
        let chosen = chosen_samples(&sites.samples, options)?;
        // The records are read against the definitions once, for all samples.
        let views = site_views(self.defs, &sites.sites, options);
        Ok(chosen
            .into_iter()
            .map(|i| call_sample(*self, &views, &sites, i, options, None))
            .collect())
    }

    /// The records read against the definitions once, ready to call any
    /// sample of `sites` (what cohort calling shares between samples).
    pub(crate) fn prepare(self, sites: &'a VcfSites, options: &'a CallOptions) -> Prepared<'a> {
        Prepared {
            caller: self,
            views: site_views(self.defs, &sites.sites, options),
            sites,
            options,
            memo: self.defs.genes.iter().map(|_| Mutex::default()).collect(),
        }
    }

    /// Calls every gene for sample `index` of sites already read.
    pub(crate) fn call_sites(
        &self,
        sites: &VcfSites,
        index: usize,
        options: &CallOptions,
    ) -> SampleCalls {
        let views = site_views(self.defs, &sites.sites, options);
        call_sample(*self, &views, sites, index, options, None)
    }
}

/// Sites read against the definitions, shared by every sample's call.
pub(crate) struct Prepared<'a> {
    caller: Caller<'a>,
    views: Vec<Vec<Vec<SiteView<'a>>>>,
    sites: &'a VcfSites,
    options: &'a CallOptions,
    /// Per gene: calls already made, by the genotypes they were made from.
    memo: Vec<Mutex<GeneMemo>>,
}

/// A gene's calls by (hemizygous, observations at its positions). A call
/// depends on nothing else, and in a cohort most genotypes recur.
type GeneMemo = HashMap<(bool, Vec<Observation>), GeneCall, BuildHasherDefault<KeyHasher>>;

/// A quick hasher for memo keys (multiply-rotate over 8-byte words). Not
/// resistant to chosen collisions, which costs nothing here: a memo holds
/// at most [`MEMO_PER_GENE`] keys, so a crafted file can only make lookups
/// slower, never wrong.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Calls kept per gene at most: past this the memo stops growing (calls
/// stay the same, only slower), so memory stays bounded.
const MEMO_PER_GENE: usize = 1024;

/// `def`'s call from `obs`: from the memo when these genotypes were seen
/// before, else made (and remembered).
/// One gene's call for a sample whose sex is settled: chrX genes of a male
/// sample are called as one copy, and the call carries the notes every
/// call of the gene carries. The one rule for a gene's call, used by the
/// report path and by the cohort tables' fast path alike; `match_with`
/// runs the matcher (with or without per-position evidence, through a
/// memo or not) given whether the gene is hemizygous.
pub(crate) fn gene_call(
    def: &GeneDefinition,
    sex: Option<Sex>,
    sex_source: SexSource,
    match_with: impl FnOnce(bool) -> GeneCall,
) -> GeneCall {
    let hemizygous = def.chrom == "chrX" && sex == Some(Sex::Male);
    let mut call = match_with(hemizygous);
    add_notes(&mut call, def, sex, sex_source);
    call
}

fn memo_call(
    memo: Option<&Mutex<GeneMemo>>,
    def: &GeneDefinition,
    gene: &crate::pack::Gene,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
) -> GeneCall {
    let Some(memo) = memo else {
        return call_gene(def, gene, obs, opts, hemizygous);
    };
    let key = (hemizygous, obs.to_vec());
    if let Some(hit) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return hit;
    }
    let call = call_gene(def, gene, obs, opts, hemizygous);
    if let Ok(mut m) = memo.lock() {
        if m.len() < MEMO_PER_GENE {
            m.insert(key, call.clone());
        }
    }
    call
}

impl<'a> Prepared<'a> {
    /// Per gene (definition order) and definition position: the records
    /// there, read against the position. Empty for genes not called.
    pub(crate) fn views(&self) -> &[Vec<Vec<SiteView<'a>>>] {
        &self.views
    }

    /// The sites the calls are made from.
    pub(crate) fn sites(&self) -> &VcfSites {
        self.sites
    }
}

impl Prepared<'_> {
    /// Calls every gene of sample `index`. A panic while calling (a bug) is
    /// caught and returned, so the other samples are still called.
    pub(crate) fn call(&self, index: usize) -> std::thread::Result<SampleCalls> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            if self.sites.samples.get(index).map(String::as_str) == Some(crate::PANICKING_SAMPLE) {
                panic!("{}", crate::PLANTED_PANIC);
            }
            call_sample(
                self.caller,
                &self.views,
                self.sites,
                index,
                self.options,
                Some(&self.memo),
            )
        }))
    }
}

/// Genes to call under `opts`.
pub(crate) fn wanted(def: &GeneDefinition, opts: &CallOptions) -> bool {
    let named = opts.genes.is_empty()
        || opts
            .genes
            .iter()
            .any(|g| g.eq_ignore_ascii_case(&def.symbol));
    named && (!def.research_only || opts.cyp2d6)
}

/// Per gene and definition position: the records there, read against the
/// position. Genes that will not be called are left empty, except chrX
/// genes when the sex has to be inferred from them.
fn site_views<'a>(
    defs: &Definitions,
    sites: &'a [Site],
    opts: &CallOptions,
) -> Vec<Vec<Vec<SiteView<'a>>>> {
    let by_pos = index_sites(sites);
    defs.genes
        .iter()
        .map(|def| {
            let infers_sex = opts.sex.is_none() && def.chrom == "chrX";
            if !wanted(def, opts) && !infers_sex {
                return Vec::new();
            }
            def.positions
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    by_pos
                        .get(&(p.chromosome.as_str(), p.position))
                        .map(|found| {
                            found
                                .iter()
                                .map(|s| SiteView::new(s, p, &def.known[i]))
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// Sample indexes chosen by `options`: [`CallOptions::sample`] or
/// [`CallOptions::sample_range`] (not both), else all.
pub(crate) fn chosen_samples(samples: &[String], options: &CallOptions) -> Result<Vec<usize>> {
    let Some(range) = &options.sample_range else {
        return select_samples(samples, options.sample.as_deref());
    };
    if options.sample.is_some() {
        return Err(Error::Usage(
            "choose samples by name or index, or by a range, not both".into(),
        ));
    }
    if range.start > range.end || range.end > samples.len() {
        return Err(Error::Usage(format!(
            "sample range {}..{} is not within the VCF's {} samples",
            range.start,
            range.end,
            samples.len()
        )));
    }
    Ok(range.clone().collect())
}

/// Sample indexes selected by name or 0-based index; all when unset.
pub fn select_samples(samples: &[String], wanted: Option<&str>) -> Result<Vec<usize>> {
    match wanted {
        None => {
            if samples.is_empty() {
                Err(Error::InvalidVcf {
                    line: None,
                    reason: "the VCF has no sample columns".into(),
                })
            } else {
                Ok((0..samples.len()).collect())
            }
        }
        Some(w) => {
            if let Some(i) = samples.iter().position(|s| s == w) {
                return Ok(vec![i]);
            }
            match w.parse::<usize>() {
                Ok(i) if i < samples.len() => Ok(vec![i]),
                _ => Err(Error::UnknownSample(w.to_string())),
            }
        }
    }
}

/// Every wanted record of the file, in file order.
fn read_all(reader: &mut VcfReader, wanted: &dyn Fn(&str, u64) -> bool) -> Result<Vec<Site>> {
    let mut sites = Vec::new();
    while let Some(site) = reader.next_site(wanted)? {
        sites.push(site);
    }
    Ok(sites)
}

/// Counts the REF of each record on a definition position against the
/// GRCh38 base there (the first gene's, when genes share the position).
fn survey_refs(defs: &Definitions, sites: &[Site], survey: &Survey) {
    for s in sites {
        let def_ref = defs.by_pos.get(&s.pos).and_then(|entries| {
            entries.iter().find_map(|(g, p)| {
                let gene = &defs.genes[*g];
                (gene.chrom == s.chrom).then(|| gene.positions[*p].ref_allele.as_str())
            })
        });
        if let Some(def_ref) = def_ref {
            survey.compare_ref(&s.chrom, same_reference(&s.ref_allele, def_ref));
        }
    }
}

/// Whether a record's REF is the definition's GRCh38 REF (or starts with
/// it, as a longer REF spanning the position does).
fn same_reference(site_ref: &str, def_ref: &str) -> bool {
    let site_ref = site_ref.to_ascii_uppercase();
    let def_ref = def_ref.to_ascii_uppercase();
    site_ref == def_ref || site_ref.starts_with(&def_ref)
}

/// REF at definition positions must be GRCh38's: most positions disagreeing
/// means another build.
fn check_reference(defs: &Definitions, sites: &[Site]) -> Result<()> {
    let (mut same, mut differ) = (0usize, 0usize);
    let mut example = None;
    for s in sites {
        let Some(entries) = defs.by_pos.get(&s.pos) else {
            continue;
        };
        for (g, p) in entries {
            let gene = &defs.genes[*g];
            if gene.chrom != s.chrom {
                continue;
            }
            let def_ref = gene.positions[*p].ref_allele.to_ascii_uppercase();
            let site_ref = s.ref_allele.to_ascii_uppercase();
            if same_reference(&site_ref, &def_ref) {
                same += 1;
            } else {
                differ += 1;
                example.get_or_insert_with(|| {
                    format!(
                        "{}:{} has REF {} where GRCh38 has {}",
                        s.chrom, s.pos, site_ref, def_ref
                    )
                });
            }
        }
    }
    if differ >= 3 && differ > same {
        return Err(Error::UnsupportedBuild(format!(
            "REF differs from GRCh38 at {differ} of {} definition positions (e.g. {})",
            differ + same,
            example.unwrap_or_default()
        )));
    }
    Ok(())
}

fn call_sample(
    caller: Caller<'_>,
    views: &[Vec<Vec<SiteView<'_>>>],
    sites: &VcfSites,
    sample: usize,
    opts: &CallOptions,
    memo: Option<&[Mutex<GeneMemo>]>,
) -> SampleCalls {
    let defs = caller.defs;
    let name = sites.samples.get(sample).cloned().unwrap_or_default();
    let mut warnings: Vec<String> = sites.warnings.clone();
    let observed: Vec<Vec<Observation>> = defs
        .genes
        .iter()
        .zip(views)
        .map(|(def, gene_views)| {
            gene_views
                .iter()
                .zip(&def.positions)
                .map(|(v, p)| observe(v, sample, p, &mut warnings))
                .collect()
        })
        .collect();
    // Sex for chrX genes: given, or read from the chrX calls.
    let (mut haploid, mut het) = (false, false);
    for (def, obs) in defs.genes.iter().zip(&observed) {
        if def.chrom == "chrX" {
            let (h, e) = ploidy_signs(obs);
            haploid |= h;
            het |= e;
        }
    }
    let (sex, sex_source) = sex_of(opts, haploid, het);
    let mut genes = Vec::new();
    for (g, (def, obs)) in defs.genes.iter().zip(&observed).enumerate() {
        if !wanted(def, opts) {
            continue;
        }
        let Some(gene) = caller
            .knowledge
            .gene(Source::Cpic, &def.symbol)
            .or_else(|| caller.knowledge.gene(Source::Dpwg, &def.symbol))
        else {
            continue;
        };
        let call = gene_call(def, sex, sex_source, |hemizygous| {
            memo_call(
                memo.and_then(|m| m.get(g)),
                def,
                gene,
                obs,
                opts,
                hemizygous,
            )
        });
        genes.push(call);
    }
    genes.sort_by(|a, b| a.gene.cmp(&b.gene));
    SampleCalls {
        sample: name.to_string(),
        sex,
        sex_source,
        genes,
        warnings,
        coverage: sites.coverage.clone(),
    }
}

/// What a gene's chrX calls say about the sample's sex: (a haploid call
/// seen, a heterozygous call seen).
pub(crate) fn ploidy_signs(obs: &[Observation]) -> (bool, bool) {
    let (mut haploid, mut het) = (false, false);
    for o in obs {
        if let Observation::Called { a, b, .. } = o {
            match b {
                None => haploid = true,
                Some(b) if b != a => het = true,
                _ => {}
            }
        }
    }
    (haploid, het)
}

/// The sex used for chrX genes: as given, else inferred when the chrX calls
/// are all haploid or show a heterozygous call (not both).
pub(crate) fn sex_of(opts: &CallOptions, haploid: bool, het: bool) -> (Option<Sex>, SexSource) {
    match opts.sex {
        Some(s) => (Some(s), SexSource::Given),
        None => match (haploid, het) {
            (true, false) => (Some(Sex::Male), SexSource::Inferred),
            (false, true) => (Some(Sex::Female), SexSource::Inferred),
            _ => (None, SexSource::Unknown),
        },
    }
}

/// The notes a gene's call carries whatever the genotypes: how chrX was
/// called, and research mode's limits.
fn add_notes(call: &mut GeneCall, def: &GeneDefinition, sex: Option<Sex>, sex_source: SexSource) {
    if def.chrom == "chrX" {
        call.notes.push(match (sex, sex_source) {
            (Some(Sex::Male), SexSource::Given) => {
                "called as one X chromosome (male, as given)".into()
            }
            (Some(Sex::Male), _) => {
                "called as one X chromosome (male, inferred from haploid chrX calls)".into()
            }
            (Some(Sex::Female), SexSource::Given) => {
                "called as two X chromosomes (female, as given)".into()
            }
            (Some(Sex::Female), _) => {
                "called as two X chromosomes (female, inferred from heterozygous chrX calls)".into()
            }
            (None, _) => {
                "sex unknown: called as two X chromosomes; give the sex for a hemizygous call"
                    .into()
            }
        });
    }
    if def.research_only {
        call.notes.push(format!(
            "research mode: {} called from SNVs and small indels only; copy number, deletions (*5), duplications and hybrid alleles cannot be seen",
            def.symbol
        ));
    }
}
