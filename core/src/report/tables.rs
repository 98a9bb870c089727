//! Cohort tables: every sample of a multi-sample VCF as two tab-separated
//! tables, one row per sample and gene (`genes.tsv`) and one row per sample,
//! drug and guideline (`drugs.tsv`).
//!
//! [`cohort`] reads the VCF once and builds one [`Report`] per sample. Only a
//! problem with the file or the request as a whole is an `Err` (an unreadable
//! or malformed file, a build other than GRCh38, no sample columns, an
//! unknown sample or drug). Anything that goes wrong for one sample becomes
//! that sample's [`SampleOutcome::Failed`], and the other samples are not
//! touched. Bad data in one sample's column (`./.` everywhere, haploid calls
//! on autosomes, GT alleles beyond the ALT alleles, unreadable GT values) is
//! not a failure: those positions are missing, with a reason, and the sample
//! is called from what is left, like any other sample.
//!
//! A failed sample still has a row for every gene and every drug the other
//! samples have (the same lists: the genes of the VCF definitions called
//! under the options plus the outside-call genes, and the drugs and
//! guidelines a report lists for them), marked `failed` with the error, so
//! a table always has exactly samples × genes and samples × (drug,
//! guideline) rows.
//!
//! # The tables
//!
//! Both tables are UTF-8, one header line and then the rows, fields
//! separated by one tab, lines ended by `\n`; there are no comment lines,
//! so `pandas.read_csv(path, sep="\t")` or R's `read.delim` read them as
//! they are. A tab, carriage return or newline inside a value is written as
//! a space, so every line has the same number of fields. Lists inside one
//! field are joined with ` | ` (candidates, matches, warnings). Empty means
//! none. `yes`/`no` are used for flags.
//!
//! `genes.tsv`, one row per sample and gene, genes alphabetical:
//!
//! | column | content |
//! |---|---|
//! | `sample` | sample name from the VCF header |
//! | `gene` | gene symbol |
//! | `source` | `vcf` (called from the VCF) or `outside` (an outside call) |
//! | `diplotypes` | diplotypes in rank order, ` \| `-joined |
//! | `phenotypes` | phenotype per candidate, ` \| `-joined |
//! | `activity_scores` | activity score per candidate, for activity-score genes |
//! | `lookup_keys` | per candidate, the guideline lookup keys per source (`CPIC=Poor Metabolizer; DPWG=PM`) |
//! | `missing_positions` | number of definition positions with no usable genotype |
//! | `called` | `yes` when the gene reached the guidelines with a result, `no` when it is matched as No Result |
//! | `no_call_reason` | why the VCF call has no diplotype |
//! | `warnings` | the gene's warnings, ` \| `-joined (a VCF that looks like another genome build, or covers no pharmacogene position, flags every gene called from it) |
//! | `status` | `ok`, or `failed` when the sample could not be reported |
//! | `error` | why the sample failed |
//!
//! `drugs.tsv`, one row per sample, drug and guideline of a source, in the
//! order the sample's report lists them (actionable first):
//!
//! | column | content |
//! |---|---|
//! | `sample` | sample name |
//! | `drug` | drug (lower case) |
//! | `source` | `CPIC` or `DPWG` |
//! | `guideline_id` | upstream guideline id |
//! | `actionable` | `yes` when a matched recommendation departs from standard prescribing |
//! | `actions` | action per matched recommendation |
//! | `strengths` | strength (classification) per matched recommendation |
//! | `dose_adjustments` | dose change per matched recommendation (`50% of starting dose`) |
//! | `genes` | genes the guideline uses |
//! | `lookup_keys` | per matched recommendation, the key per gene it matched on (`CYP2C19=Poor Metabolizer; CYP2D6=1.0`) |
//! | `recommendation_ids` | upstream id per matched recommendation |
//! | `matches` | number of matched recommendations |
//! | `candidates_agree` | `yes` when every candidate combination of an ambiguous result leads to the same advice |
//! | `non_answers` | per gene whose result the answer does not use: why (not given, not tested or not called, given but not understood, no row for the result), ` \| `-joined (`CYP2D6 *1/*44x: given but not understood (…)`) |
//! | `warnings` | the drug's warnings, ` \| `-joined (the same flag when the guideline reads a gene called from such a VCF) |
//! | `status` | `ok` or `failed` |
//! | `error` | why the sample failed |
//!
//! ```
//! use dosera::allele::CallOptions;
//! use dosera::report::tables;
//!
//! let engine = dosera::Engine::bundled()?;
//! let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
//!            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\t0/0\n";
//! let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
//! let outcomes = tables::cohort(&engine, &mut reader, &CallOptions::default(), &[], &[])?;
//! assert_eq!(outcomes.len(), 2);
//!
//! let genes = tables::genes_tsv(&outcomes);
//! let header = genes.lines().next().unwrap();
//! assert!(header.starts_with("sample\tgene\tsource\tdiplotypes"));
//! let per_sample = outcomes[0].report().unwrap().genes.len();
//! assert_eq!(genes.lines().count(), 1 + 2 * per_sample);
//! # Ok::<(), dosera::Error>(())
//! ```

mod cached;

use std::path::{Path, PathBuf};

use crate::allele::{CallOptions, CallSource, SampleCalls, SexSource};
use crate::input::vcf::VcfReader;
use crate::pack::words::Lang;
use crate::recommend::ResolvedOutside;
use crate::recommend::{DrugResult, Match, NonAnswer};
use crate::report::{build, GeneReport, Report};
use crate::{Engine, Error, Result, Source};

/// Columns of `genes.tsv`, in order.
pub const GENE_COLUMNS: [&str; 13] = [
    "sample",
    "gene",
    "source",
    "diplotypes",
    "phenotypes",
    "activity_scores",
    "lookup_keys",
    "missing_positions",
    "called",
    "no_call_reason",
    "warnings",
    "status",
    "error",
];

/// Columns of `drugs.tsv`, in order.
pub const DRUG_COLUMNS: [&str; 17] = [
    "sample",
    "drug",
    "source",
    "guideline_id",
    "actionable",
    "actions",
    "strengths",
    "dose_adjustments",
    "genes",
    "lookup_keys",
    "recommendation_ids",
    "matches",
    "candidates_agree",
    "non_answers",
    "warnings",
    "status",
    "error",
];

/// Separator of list items inside one field.
const LIST: &str = " | ";

/// What became of one sample of a cohort.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleOutcome {
    /// The sample's report.
    Report(Box<Report>),
    /// The sample could not be reported; the other samples were.
    Failed(Box<Failure>),
}

/// A sample that could not be reported, with the rows it should have had.
///
/// ```
/// use dosera::report::tables::{Failure, SampleOutcome};
/// let failed = SampleOutcome::Failed(Box::new(Failure {
///     sample: "S7".into(),
///     error: "internal error: example".into(),
///     genes: vec![],
///     drugs: vec![],
/// }));
/// assert_eq!(failed.sample(), "S7");
/// assert!(failed.report().is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Sample name.
    pub sample: String,
    /// What went wrong, in one line.
    pub error: String,
    /// The genes the other samples are reported for: gene and source.
    pub genes: Vec<(String, CallSource)>,
    /// The drugs and guidelines the other samples list.
    pub drugs: Vec<DrugSlot>,
}

/// One drug under one guideline of one source: a row of `drugs.tsv`.
///
/// ```
/// let slot = dosera::report::tables::DrugSlot {
///     drug: "clopidogrel".into(),
///     source: dosera::Source::Cpic,
///     guideline_id: "PA166104948".into(),
///     genes: vec!["CYP2C19".into()],
/// };
/// assert_eq!(slot.source.label(), "CPIC");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugSlot {
    /// Drug.
    pub drug: String,
    /// Source.
    pub source: Source,
    /// Guideline id.
    pub guideline_id: String,
    /// Genes the guideline uses.
    pub genes: Vec<String>,
}

impl SampleOutcome {
    /// The sample name.
    ///
    /// ```
    /// # use dosera::report::tables::{Failure, SampleOutcome};
    /// let f = SampleOutcome::Failed(Box::new(Failure {
    ///     sample: "S1".into(), error: "x".into(), genes: vec![], drugs: vec![],
    /// }));
    /// assert_eq!(f.sample(), "S1");
    /// ```
    pub fn sample(&self) -> &str {
        match self {
            SampleOutcome::Report(r) => &r.input.sample,
            SampleOutcome::Failed(f) => &f.sample,
        }
    }

    /// The report, unless the sample failed.
    ///
    /// ```
    /// # use dosera::report::tables::{Failure, SampleOutcome};
    /// let f = SampleOutcome::Failed(Box::new(Failure {
    ///     sample: "S1".into(), error: "x".into(), genes: vec![], drugs: vec![],
    /// }));
    /// assert!(f.report().is_none());
    /// ```
    pub fn report(&self) -> Option<&Report> {
        match self {
            SampleOutcome::Report(r) => Some(r),
            SampleOutcome::Failed(_) => None,
        }
    }
}

/// Reports every sample of a VCF (or the one `options.sample` names), in
/// header order, never dropping one.
///
/// `outside` and `drugs` are as for [`build`](crate::report::build) and
/// apply to every sample. `Err` only for problems with the file or the
/// request as a whole: an unreadable or malformed file, a build other than
/// GRCh38, no sample columns, an unknown sample, drug or outside-call gene.
/// A sample that cannot be reported is returned as
/// [`SampleOutcome::Failed`] with the reason.
///
/// ```
/// use dosera::allele::CallOptions;
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\t./.\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let drugs = ["clopidogrel".to_string()];
/// let outcomes = dosera::report::tables::cohort(
///     &engine, &mut reader, &CallOptions::default(), &[], &drugs,
/// )?;
/// let names: Vec<&str> = outcomes.iter().map(|o| o.sample()).collect();
/// assert_eq!(names, ["A", "B"]);
/// // B has no genotype at all: reported, with every gene uncalled.
/// let b = outcomes[1].report().unwrap();
/// assert!(b.gene("CYP2C19").unwrap().diplotypes.is_empty());
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn cohort(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
) -> Result<Vec<SampleOutcome>> {
    let mut outcomes = Vec::new();
    cohort_each(engine, reader, options, outside, drugs, &mut |o| {
        outcomes.push(o);
        Ok(())
    })?;
    Ok(outcomes)
}

/// Samples a worker takes at a time when reports are built.
const REPORT_CHUNK: usize = 8;

/// [`cohort`] without holding the reports: each sample's outcome is handed
/// to `each` in input order as soon as it and the samples before it are
/// done, so memory holds the genotypes at definition positions and a few
/// small chunks of reports, however many samples there are. Samples are
/// called and reported on every core, each core taking the next chunk as it
/// frees up.
/// Returns the number of samples; an error from `each` stops the run.
///
/// ```
/// use dosera::allele::CallOptions;
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let mut names = Vec::new();
/// let n = dosera::report::tables::cohort_each(
///     &engine, &mut reader, &CallOptions::default(), &[], &[],
///     &mut |o| { names.push(o.sample().to_string()); Ok(()) },
/// )?;
/// assert_eq!((n, names), (2, vec!["A".to_string(), "B".to_string()]));
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn cohort_each(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
    each: &mut dyn FnMut(SampleOutcome) -> Result<()>,
) -> Result<usize> {
    cohort_map(engine, reader, options, outside, drugs, &|o| o, each)
}

/// [`cohort_each`] with a step run on the worker threads: `map` turns each
/// sample's outcome into what `each` needs (formatted table rows, say), so
/// only `each` runs on the calling thread.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::tables::{cohort_map, TableWriter};
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let mut writer = TableWriter::new(Vec::new(), Vec::new())?;
/// let drugs = ["clopidogrel".to_string()];
/// cohort_map(&engine, &mut reader, &CallOptions::default(), &[], &drugs,
///     &TableWriter::<Vec<u8>>::rows, &mut |rows| writer.write_rows(&rows))?;
/// let (genes, _) = writer.finish()?;
/// let genes = String::from_utf8(genes).unwrap();
/// assert!(genes.lines().any(|l| l.starts_with("A\tCYP2C19\tvcf\t")));
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn cohort_map<T: Send>(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
    map: &(dyn Fn(SampleOutcome) -> T + Sync),
    each: &mut dyn FnMut(T) -> Result<()>,
) -> Result<usize> {
    let request = Request {
        engine,
        options,
        outside,
        drugs,
    };
    request.run(reader, &mut |cohort, chosen| {
        stream_map(
            chosen,
            threads(),
            REPORT_CHUNK,
            &|i| map(cohort.outcome(i)),
            each,
        )
    })
}

/// Samples a worker takes at a time when table rows are made (rows are
/// cheap, so more than reports).
const ROWS_CHUNK: usize = 64;

/// [`cohort_map`] with [`TableWriter::rows`], without building a report
/// per sample: each distinct genotype pattern of a gene, and each distinct
/// combination of gene results for a guideline, is worked out once and its
/// row text reused (bounded caches, so memory stays flat). The rows are
/// byte for byte those of `cohort_map` with `TableWriter::rows`. A sample
/// whose rows cannot be made this way (a bug caught as a panic) is
/// reported the ordinary way, so it is never lost.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::tables::{cohort_rows, TableWriter};
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let mut writer = TableWriter::new(Vec::new(), Vec::new())?;
/// let drugs = ["clopidogrel".to_string()];
/// let n = cohort_rows(&engine, &mut reader, &CallOptions::default(), &[], &drugs,
///     &mut |rows| writer.write_rows(&rows))?;
/// assert_eq!(n, 2);
/// let (_, drug_table) = writer.finish()?;
/// let drug_table = String::from_utf8(drug_table).unwrap();
/// assert!(drug_table.lines().any(|l| l.starts_with("B\tclopidogrel\tCPIC\t")));
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn cohort_rows(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
    each: &mut dyn FnMut(Rows) -> Result<()>,
) -> Result<usize> {
    let request = Request {
        engine,
        options,
        outside,
        drugs,
    };
    request.run(reader, &mut |cohort, chosen| {
        let maker = cached::RowMaker::new(
            engine,
            cohort.prepared,
            options,
            outside,
            drugs,
            cohort.template,
        )?;
        let one = |i: usize| -> Rows {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| maker.rows(i)))
                .unwrap_or_else(|_| TableWriter::<Vec<u8>>::rows(cohort.outcome(i)))
        };
        let done = stream_map(chosen, threads(), ROWS_CHUNK, &one, each);
        maker.release();
        done
    })
}

/// What a cohort run is asked for.
struct Request<'a> {
    engine: &'a Engine,
    options: &'a CallOptions,
    outside: &'a [ResolvedOutside],
    drugs: &'a [String],
}

impl Request<'_> {
    /// Reads the VCF, checks the request and prepares the sites, then runs
    /// `body` over the chosen samples; returns how many there were.
    fn run(
        &self,
        reader: &mut VcfReader,
        body: &mut dyn FnMut(&Cohort<'_>, &[usize]) -> Result<()>,
    ) -> Result<usize> {
        let sites = self.engine.read_sites(reader)?;
        let chosen = crate::allele::select_samples(&sites.samples, self.options.sample.as_deref())?;
        // The rows every sample has, from a sample with no genotype at all:
        // the genes and drugs do not depend on the genotypes. A request
        // problem (an unknown drug) shows here, once, rather than as every
        // sample failing.
        let template = template(self.engine, self.options, self.outside, self.drugs)?;
        let prepared = self.engine.prepare(&sites, self.options);
        let cohort = Cohort {
            engine: self.engine,
            prepared: &prepared,
            template: &template,
            file: reader.path().map(str::to_string),
            outside: self.outside,
            drugs: self.drugs,
        };
        body(&cohort, &chosen)?;
        Ok(chosen.len())
    }
}

/// The cores to use.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// What every sample of a cohort shares.
struct Cohort<'a> {
    engine: &'a Engine,
    prepared: &'a crate::allele::Prepared<'a>,
    template: &'a Report,
    file: Option<String>,
    outside: &'a [ResolvedOutside],
    drugs: &'a [String],
}

impl Cohort<'_> {
    /// Sample `i`'s report, or why it has none. Panics are caught.
    fn outcome(&self, i: usize) -> SampleOutcome {
        let name = self
            .prepared
            .sites()
            .samples
            .get(i)
            .cloned()
            .unwrap_or_default();
        let result = match self.prepared.call(i) {
            Ok(calls) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                build(self.engine, &calls, self.outside, self.drugs)
            }))
            .unwrap_or_else(|panic| Err(Error::Internal(panic_text(&*panic)))),
            Err(panic) => Err(Error::Internal(panic_text(&*panic))),
        };
        match result {
            Ok(mut report) => {
                report.input.file = self.file.clone();
                SampleOutcome::Report(Box::new(report))
            }
            Err(e) => SampleOutcome::Failed(Box::new(Failure {
                sample: name,
                error: e.to_string(),
                genes: self
                    .template
                    .genes
                    .iter()
                    .map(|g| (g.gene.clone(), g.source))
                    .collect(),
                drugs: self.template.drugs.iter().map(slot).collect(),
            })),
        }
    }
}

/// Chunks finished ahead of the one being written, at most, per thread:
/// a worker that gets this far ahead waits, so memory stays bounded.
const AHEAD_PER_THREAD: usize = 4;

/// `f` over `items` on up to `threads` worker threads, each taking the
/// next `chunk` items as it becomes free, with `each` run on the calling
/// thread in input order as results arrive (so writing overlaps the
/// work). An error from `each` stops the workers and is returned. `f`
/// catches its own panics; should a worker still stop, the items it did
/// not deliver are done on the calling thread, so none is lost. One thread
/// (or a platform without threads, such as WebAssembly) runs everything in
/// turn.
fn stream_map<T: Send>(
    items: &[usize],
    threads: usize,
    chunk: usize,
    f: &(dyn Fn(usize) -> T + Sync),
    each: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let chunk = chunk.max(1);
    let chunks = items.len().div_ceil(chunk);
    if threads <= 1 || chunks < 2 {
        for &i in items {
            each(f(i))?;
        }
        return Ok(());
    }
    let part = |c: usize| &items[c * chunk..((c + 1) * chunk).min(items.len())];
    let next = AtomicUsize::new(0);
    let written = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let ahead = AHEAD_PER_THREAD * threads;
    // A chunk that panicked arrives as `None` and is done again here.
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Option<Vec<T>>)>();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let tx = tx.clone();
                let (next, written, stop) = (&next, &written, &stop);
                scope.spawn(move || loop {
                    let c = next.fetch_add(1, Ordering::Relaxed);
                    if c >= chunks {
                        break;
                    }
                    // Too far ahead of the writer: wait for it.
                    while c >= written.load(Ordering::Acquire) + ahead
                        && !stop.load(Ordering::Relaxed)
                    {
                        std::thread::park_timeout(std::time::Duration::from_millis(1));
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        part(c).iter().map(|&i| f(i)).collect::<Vec<T>>()
                    }))
                    .ok();
                    if tx.send((c, out)).is_err() {
                        break;
                    }
                })
            })
            .collect();
        drop(tx);
        let mut pending: std::collections::BTreeMap<usize, Option<Vec<T>>> =
            std::collections::BTreeMap::new();
        let mut want = 0;
        let mut result = Ok(());
        'receive: for (c, out) in rx.iter() {
            pending.insert(c, out);
            while let Some(out) = pending.remove(&want) {
                let out = out.unwrap_or_else(|| part(want).iter().map(|&i| f(i)).collect());
                for t in out {
                    if let Err(e) = each(t) {
                        result = Err(e);
                        break 'receive;
                    }
                }
                want += 1;
                written.store(want, Ordering::Release);
            }
        }
        stop.store(true, Ordering::Relaxed);
        drop(rx);
        for w in workers {
            // Workers catch panics; any chunk still missing is done below.
            let _ = w.join();
        }
        result?;
        while want < chunks {
            let out = pending
                .remove(&want)
                .flatten()
                .unwrap_or_else(|| part(want).iter().map(|&i| f(i)).collect());
            for t in out {
                each(t)?;
            }
            want += 1;
        }
        Ok(())
    })
}

/// The report of a sample with no genotype anywhere.
fn template(
    engine: &Engine,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
) -> Result<Report> {
    let empty = crate::allele::VcfSites {
        samples: vec![String::new()],
        sites: Vec::new(),
        warnings: Vec::new(),
        coverage: None,
    };
    let mut calls: SampleCalls = engine.call_sites(&empty, 0, options);
    calls.sex_source = SexSource::Unknown;
    build(engine, &calls, outside, drugs)
}

fn slot(d: &DrugResult) -> DrugSlot {
    DrugSlot {
        drug: d.drug.clone(),
        source: d.source,
        guideline_id: d.guideline_id.clone(),
        genes: d.genes.clone(),
    }
}

/// A caught panic's message, for the sample's error.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    format!("the sample could not be reported ({text})")
}

/// `genes.tsv`: the header, then one row per sample and gene.
///
/// ```
/// let tsv = dosera::report::tables::genes_tsv(&[]);
/// assert_eq!(tsv, format!("{}\n", dosera::report::tables::GENE_COLUMNS.join("\t")));
/// ```
pub fn genes_tsv(outcomes: &[SampleOutcome]) -> String {
    let mut out = String::new();
    line(&mut out, GENE_COLUMNS.iter().map(|c| c.to_string()));
    for o in outcomes {
        gene_rows(&mut out, o);
    }
    out
}

/// Appends the `genes.tsv` rows of one sample.
fn gene_rows(out: &mut String, o: &SampleOutcome) {
    {
        match o {
            SampleOutcome::Report(r) => {
                for g in &r.genes {
                    line(out, gene_row(&r.input.sample, g));
                }
            }
            SampleOutcome::Failed(f) => {
                for (gene, source) in &f.genes {
                    let mut row = vec![String::new(); GENE_COLUMNS.len()];
                    row[0] = f.sample.clone();
                    row[1] = gene.clone();
                    row[2] = source_name(*source).to_string();
                    row[8] = "no".to_string();
                    row[11] = "failed".to_string();
                    row[12] = f.error.clone();
                    line(out, row);
                }
            }
        }
    }
}

fn gene_row(sample: &str, g: &GeneReport) -> Vec<String> {
    let lookup: Vec<String> = g
        .interpretation
        .iter()
        .flat_map(|r| &r.candidates)
        .map(|c| {
            c.calls
                .iter()
                .map(|s| format!("{}={}", s.source.label(), s.lookup_keys.join(" or ")))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    let no_call = g
        .call
        .as_ref()
        .and_then(|c| c.no_call_reason.clone())
        .unwrap_or_default();
    vec![
        sample.to_string(),
        g.gene.clone(),
        source_name(g.source).to_string(),
        g.diplotypes.join(LIST),
        g.phenotypes.join(LIST),
        g.activity_scores.join(LIST),
        lookup.join(LIST),
        g.missing_positions.len().to_string(),
        yes_no(g.interpretation.is_some()).to_string(),
        no_call,
        g.warnings.join(LIST),
        "ok".to_string(),
        String::new(),
    ]
}

/// `drugs.tsv`: the header, then one row per sample, drug and guideline.
///
/// ```
/// let tsv = dosera::report::tables::drugs_tsv(&[]);
/// assert!(tsv.starts_with("sample\tdrug\tsource\tguideline_id\tactionable"));
/// assert_eq!(tsv.lines().count(), 1);
/// ```
pub fn drugs_tsv(outcomes: &[SampleOutcome]) -> String {
    let mut out = String::new();
    line(&mut out, DRUG_COLUMNS.iter().map(|c| c.to_string()));
    for o in outcomes {
        drug_rows(&mut out, o);
    }
    out
}

/// Appends the `drugs.tsv` rows of one sample.
fn drug_rows(out: &mut String, o: &SampleOutcome) {
    {
        match o {
            SampleOutcome::Report(r) => {
                for d in &r.drugs {
                    line(out, drug_row(&r.input.sample, d));
                }
            }
            SampleOutcome::Failed(f) => {
                for d in &f.drugs {
                    let mut row = vec![String::new(); DRUG_COLUMNS.len()];
                    row[0] = f.sample.clone();
                    row[1] = d.drug.clone();
                    row[2] = d.source.label().to_string();
                    row[3] = d.guideline_id.clone();
                    row[4] = "no".to_string();
                    row[8] = d.genes.join(", ");
                    row[11] = "0".to_string();
                    row[15] = "failed".to_string();
                    row[16] = f.error.clone();
                    line(out, row);
                }
            }
        }
    }
}

fn drug_row(sample: &str, d: &DrugResult) -> Vec<String> {
    let each = |f: &dyn Fn(&Match) -> String| -> String {
        d.matches.iter().map(f).collect::<Vec<_>>().join(LIST)
    };
    vec![
        sample.to_string(),
        d.drug.clone(),
        d.source.label().to_string(),
        d.guideline_id.clone(),
        yes_no(d.actionable).to_string(),
        each(&|m| m.action.label().to_string()),
        each(&|m| m.strength.clone().unwrap_or_default()),
        each(&|m| m.dose_text(Lang::En).unwrap_or_default()),
        d.genes.join(", "),
        each(&|m| {
            m.lookup
                .iter()
                .map(|(g, k)| format!("{g}={k}"))
                .collect::<Vec<_>>()
                .join("; ")
        }),
        each(&|m| m.id.clone()),
        d.matches.len().to_string(),
        yes_no(d.candidates_agree).to_string(),
        d.non_answers
            .iter()
            .map(NonAnswer::describe)
            .collect::<Vec<_>>()
            .join(LIST),
        d.warnings.join(LIST),
        "ok".to_string(),
        String::new(),
    ]
}

fn source_name(s: CallSource) -> &'static str {
    match s {
        CallSource::Vcf => "vcf",
        CallSource::Outside => "outside",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Appends one row: fields cleaned of tabs and line breaks, tab-joined.
fn line(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        out.extend(f.chars().map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        }));
    }
    out.push('\n');
}

/// Options of a whole-VCF evaluation, in the JSON form the C API and the
/// WebAssembly package take (every field optional, unknown fields refused).
///
/// ```
/// use dosera::report::tables::VcfOptions;
/// let options: VcfOptions =
///     serde_json::from_str(r#"{"sample": "S1", "drugs": ["clopidogrel"]}"#).unwrap();
/// assert_eq!(options.sample.as_deref(), Some("S1"));
/// assert!(!options.assume_reference);
/// assert!(serde_json::from_str::<VcfOptions>(r#"{"smaple": "S1"}"#).is_err());
/// ```
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(default, deny_unknown_fields)]
pub struct VcfOptions {
    /// Sample name or 0-based index; every sample when absent.
    pub sample: Option<String>,
    /// Outside calls, as the text of an outside-call TSV.
    pub outside: Option<String>,
    /// Drugs; every drug using a reported gene when empty.
    pub drugs: Vec<String>,
    /// Genes to call; every VCF gene when empty.
    pub genes: Vec<String>,
    /// Treat positions absent from the VCF as reference (each call made so
    /// says it).
    pub assume_reference: bool,
    /// Keep every matching diplotype, not only the top-scoring ones.
    pub all_matches: bool,
    /// Research mode: combinations and leftover variants.
    pub combinations: bool,
    /// Research mode: call CYP2D6 from SNVs and small indels.
    pub cyp2d6: bool,
    /// Sex of the sample(s), when known.
    pub sex: Option<crate::allele::Sex>,
    /// Strict mode: a gene result given but not answered in any sample (a
    /// value not understood, a result the guideline has no row for) makes
    /// [`evaluate`] fail with [`Error::NonAnswer`] (code 112).
    pub strict: bool,
}

impl VcfOptions {
    /// The calling options these evaluation options stand for.
    ///
    /// ```
    /// let options = dosera::report::tables::VcfOptions::default();
    /// assert!(options.call_options().top_candidate_only);
    /// ```
    pub fn call_options(&self) -> CallOptions {
        CallOptions {
            assume_reference: self.assume_reference,
            top_candidate_only: !self.all_matches,
            combinations: self.combinations,
            cyp2d6: self.cyp2d6,
            sex: self.sex,
            sample: self.sample.clone(),
            genes: self.genes.clone(),
        }
    }
}

/// Evaluates a whole VCF under [`VcfOptions`]: outside calls read and
/// resolved, then [`cohort`]. What the C API and the WebAssembly package
/// run for a VCF.
///
/// ```
/// use dosera::report::tables::{evaluate, VcfOptions};
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let options = VcfOptions {
///     outside: Some("CYP2D6\t*1/*4\n".into()),
///     drugs: vec!["clopidogrel".into()],
///     ..VcfOptions::default()
/// };
/// let outcomes = evaluate(&engine, &mut reader, &options)?;
/// let report = outcomes[0].report().unwrap();
/// assert!(report.gene("CYP2D6").is_some());
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn evaluate(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &VcfOptions,
) -> Result<Vec<SampleOutcome>> {
    let resolved = match &options.outside {
        Some(text) => engine.resolve_outside(&crate::input::outside::parse(text)?)?,
        None => Vec::new(),
    };
    let outcomes = cohort(
        engine,
        reader,
        &options.call_options(),
        &resolved,
        &options.drugs,
    )?;
    if options.strict {
        check_strict(&outcomes)?;
    }
    Ok(outcomes)
}

/// `Err` ([`Error::NonAnswer`], code 112) when any reported sample has a
/// non-answer strict mode fails on ([`Report::check_strict`]), naming each
/// sample and non-answer; samples that could not be reported are left to
/// their own error.
///
/// ```
/// use dosera::report::tables::{check_strict, evaluate, VcfOptions};
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
/// let options = VcfOptions {
///     outside: Some("CYP2D6\t*1/*44x\n".into()),
///     drugs: vec!["codeine".into()],
///     ..VcfOptions::default()
/// };
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let outcomes = evaluate(&engine, &mut reader, &options)?;
/// let err = check_strict(&outcomes).unwrap_err();
/// assert_eq!(err.code(), dosera::ErrorCode::NonAnswer);
/// assert!(err.to_string().contains("sample A: CYP2D6 *1/*44x: given but not understood"), "{err}");
///
/// let strict = VcfOptions { strict: true, ..options };
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// assert_eq!(evaluate(&engine, &mut reader, &strict).unwrap_err().code(), dosera::ErrorCode::NonAnswer);
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn check_strict(outcomes: &[SampleOutcome]) -> Result<()> {
    let warnings: Vec<String> = outcomes
        .iter()
        .filter_map(SampleOutcome::report)
        .flat_map(sample_warnings)
        .collect();
    if warnings.is_empty() {
        return Ok(());
    }
    Err(Error::NonAnswer(warnings.join(" | ")))
}

/// A report's [`Report::strict_warnings`], each led by `sample NAME: `.
///
/// ```
/// let engine = dosera::Engine::bundled()?;
/// let calls = dosera::input::outside::parse("CYP2D6\t*1/*44x\n")?;
/// let resolved = engine.resolve_outside(&calls)?;
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &["codeine".into()])?;
/// let w = dosera::report::tables::sample_warnings(&report);
/// assert!(w[0].starts_with("sample S1: CYP2D6 *1/*44x: given but not understood"), "{w:?}");
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn sample_warnings(report: &Report) -> Vec<String> {
    prefixed(&report.input.sample, report.strict_warnings())
}

/// Warnings led by `sample NAME: `.
pub(crate) fn prefixed(sample: &str, warnings: Vec<String>) -> Vec<String> {
    warnings
        .into_iter()
        .map(|w| format!("sample {sample}: {w}"))
        .collect()
}

/// One sample's table rows, formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// Its `genes.tsv` lines.
    pub genes: String,
    /// Its `drugs.tsv` lines.
    pub drugs: String,
    /// Sample and error, when the sample could not be reported.
    pub failed: Option<(String, String)>,
    /// The file's coverage finding (the report's `input.coverage`), for
    /// a sample that was reported; its flag is in the rows' `warnings`.
    pub coverage: Option<crate::input::coverage::CoverageFinding>,
    /// The sample's non-answers that strict mode fails on, as warnings
    /// ([`sample_warnings`]).
    pub warnings: Vec<String>,
}

/// `genes.tsv` and `drugs.tsv` written one sample at a time, for cohorts
/// too large to hold as reports ([`cohort_each`]).
///
/// ```
/// use dosera::report::tables::TableWriter;
/// let mut w = TableWriter::new(Vec::new(), Vec::new())?;
/// let (genes, drugs) = w.finish()?;
/// assert_eq!(String::from_utf8(genes).unwrap().lines().count(), 1);
/// assert!(String::from_utf8(drugs).unwrap().starts_with("sample\tdrug"));
/// # Ok::<(), dosera::Error>(())
/// ```
pub struct TableWriter<W: std::io::Write> {
    genes: W,
    drugs: W,
    buf: String,
    samples: usize,
    failed: usize,
}

fn write_io(e: std::io::Error) -> Error {
    Error::Io {
        path: "cohort table".into(),
        source: e,
    }
}

impl<W: std::io::Write> TableWriter<W> {
    /// Writes both header lines.
    pub fn new(mut genes: W, mut drugs: W) -> Result<TableWriter<W>> {
        let mut buf = String::new();
        line(&mut buf, GENE_COLUMNS.iter().map(|c| c.to_string()));
        genes.write_all(buf.as_bytes()).map_err(write_io)?;
        buf.clear();
        line(&mut buf, DRUG_COLUMNS.iter().map(|c| c.to_string()));
        drugs.write_all(buf.as_bytes()).map_err(write_io)?;
        buf.clear();
        Ok(TableWriter {
            genes,
            drugs,
            buf,
            samples: 0,
            failed: 0,
        })
    }

    /// Writes one sample's rows to both tables.
    pub fn write(&mut self, outcome: &SampleOutcome) -> Result<()> {
        self.buf.clear();
        gene_rows(&mut self.buf, outcome);
        self.genes
            .write_all(self.buf.as_bytes())
            .map_err(write_io)?;
        self.buf.clear();
        drug_rows(&mut self.buf, outcome);
        self.drugs
            .write_all(self.buf.as_bytes())
            .map_err(write_io)?;
        self.samples += 1;
        if matches!(outcome, SampleOutcome::Failed(_)) {
            self.failed += 1;
        }
        Ok(())
    }

    /// One sample's rows, formatted (on any thread); see [`cohort_map`].
    pub fn rows(outcome: SampleOutcome) -> Rows {
        let mut genes = String::new();
        gene_rows(&mut genes, &outcome);
        let mut drugs = String::new();
        drug_rows(&mut drugs, &outcome);
        let (failed, coverage, warnings) = match outcome {
            SampleOutcome::Failed(f) => (Some((f.sample, f.error)), None, Vec::new()),
            SampleOutcome::Report(r) => {
                let warnings = sample_warnings(&r);
                (None, r.input.coverage, warnings)
            }
        };
        Rows {
            genes,
            drugs,
            failed,
            coverage,
            warnings,
        }
    }

    /// Writes rows made by [`TableWriter::rows`].
    pub fn write_rows(&mut self, rows: &Rows) -> Result<()> {
        self.genes
            .write_all(rows.genes.as_bytes())
            .map_err(write_io)?;
        self.drugs
            .write_all(rows.drugs.as_bytes())
            .map_err(write_io)?;
        self.samples += 1;
        if rows.failed.is_some() {
            self.failed += 1;
        }
        Ok(())
    }

    /// Samples written so far, and how many of them failed.
    pub fn summary(&self) -> Summary {
        Summary {
            samples: self.samples,
            failed: self.failed,
        }
    }

    /// Flushes and returns the two outputs (genes, drugs).
    pub fn finish(mut self) -> Result<(W, W)> {
        self.genes.flush().map_err(write_io)?;
        self.drugs.flush().map_err(write_io)?;
        Ok((self.genes, self.drugs))
    }
}

/// Writes `genes.tsv` and `drugs.tsv` into `dir` (created if absent) and
/// returns their paths, genes first.
///
/// ```no_run
/// use dosera::allele::CallOptions;
/// use dosera::report::tables;
/// let engine = dosera::Engine::bundled()?;
/// let mut reader = dosera::input::vcf::VcfReader::from_path("cohort.vcf.gz".as_ref())?;
/// let outcomes = tables::cohort(&engine, &mut reader, &CallOptions::default(), &[], &[])?;
/// let (genes, drugs) = tables::write_cohort("out".as_ref(), &outcomes)?;
/// println!("{} and {}", genes.display(), drugs.display());
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn write_cohort(dir: &Path, outcomes: &[SampleOutcome]) -> Result<(PathBuf, PathBuf)> {
    let io = |path: &Path| {
        let shown = path.display().to_string();
        move |source| Error::Io {
            path: shown,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let genes = dir.join("genes.tsv");
    let drugs = dir.join("drugs.tsv");
    std::fs::write(&genes, genes_tsv(outcomes)).map_err(io(&genes))?;
    std::fs::write(&drugs, drugs_tsv(outcomes)).map_err(io(&drugs))?;
    Ok((genes, drugs))
}

/// Counts of a cohort, for a summary line.
///
/// ```
/// let s = dosera::report::tables::summary(&[]);
/// assert_eq!((s.samples, s.failed), (0, 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Samples in the cohort.
    pub samples: usize,
    /// Samples that could not be reported.
    pub failed: usize,
}

/// Counts samples and failures.
///
/// ```
/// let s = dosera::report::tables::summary(&[]);
/// assert_eq!(s.samples, 0);
/// ```
pub fn summary(outcomes: &[SampleOutcome]) -> Summary {
    Summary {
        samples: outcomes.len(),
        failed: outcomes
            .iter()
            .filter(|o| matches!(o, SampleOutcome::Failed(_)))
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_map_keeps_order_and_loses_nothing() {
        let items: Vec<usize> = (0..1000).collect();
        for (threads, chunk) in [(1, 7), (2, 1), (2, 7), (3, 64), (2, 5000)] {
            let mut seen = Vec::new();
            stream_map(&items, threads, chunk, &|i| i * 2, &mut |v| {
                seen.push(v);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
        // A chunk whose work panics once is done again on the calling thread.
        let once = std::sync::atomic::AtomicBool::new(false);
        let mut seen = Vec::new();
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        stream_map(
            &items,
            2,
            8,
            &|i| {
                if i == 100 && !once.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    panic!("first try fails");
                }
                i
            },
            &mut |v| {
                seen.push(v);
                Ok(())
            },
        )
        .unwrap();
        std::panic::set_hook(hook);
        assert_eq!(seen, items);
        // An error from `each` stops the run and is returned.
        let mut count = 0;
        let err = stream_map(&items, 2, 8, &|i| i, &mut |_| {
            count += 1;
            if count == 50 {
                Err(Error::Usage("stop".into()))
            } else {
                Ok(())
            }
        });
        assert!(err.is_err());
        assert_eq!(count, 50);
    }

    #[test]
    fn cleaned_fields_keep_the_column_count() {
        let mut out = String::new();
        line(&mut out, ["a\tb".to_string(), "c\r\nd".to_string()]);
        assert_eq!(out, "a b\tc  d\n");
    }

    /// A cohort with corrupted cells in several samples and one sample that
    /// fails (a panic, injected in unit tests only): every sample is
    /// accounted for, in input order, on the report path and on the fast
    /// row path. The corrupted samples are reported with the position
    /// flagged as not used; the failing one is listed with its error and
    /// has a row for every gene; the tally counts one failure.
    #[test]
    fn corrupted_and_failing_samples_are_all_accounted_for() {
        use crate::genotype::MissingReason;
        let engine = Engine::bundled().unwrap();
        let names = [
            "ok1",
            "garbage",
            "beyond_alts",
            "empty",
            crate::PANICKING_SAMPLE,
            "triploid",
            "not_utf8",
            "ok2",
        ];
        let mut vcf = format!(
            "##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n\
             ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
             #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{}\n\
             chr10\t94761900\trs12248560\tC\tT\t.\tPASS\t.\tGT{}\n",
            names.join("\t"),
            "\t0/0".repeat(names.len()),
        )
        .into_bytes();
        vcf.extend_from_slice(
            b"chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\tx/y\t0/7\t\t0/1\t0/1/1\t0/\xff\t1/1\n",
        );
        let corrupted = ["garbage", "beyond_alts", "empty", "triploid", "not_utf8"];
        let options = CallOptions::default();

        let mut reader = VcfReader::from_bytes(vcf.clone()).unwrap();
        let outcomes = cohort(&engine, &mut reader, &options, &[], &[]).unwrap();
        let got: Vec<&str> = outcomes.iter().map(SampleOutcome::sample).collect();
        assert_eq!(got, names);
        assert_eq!(summary(&outcomes).failed, 1);
        for o in &outcomes {
            match o {
                SampleOutcome::Failed(f) => {
                    assert_eq!(f.sample, crate::PANICKING_SAMPLE);
                    assert!(f.error.contains("fault injected"), "{}", f.error);
                }
                SampleOutcome::Report(r) => {
                    let call = r.gene("CYP2C19").unwrap().call.as_ref().unwrap();
                    let flagged =
                        call.evidence.missing.iter().any(|m| {
                            m.position == 94_781_859 && m.reason != MissingReason::NotInVcf
                        });
                    assert_eq!(
                        flagged,
                        corrupted.contains(&r.input.sample.as_str()),
                        "{}: {:?}",
                        r.input.sample,
                        call.evidence.missing
                    );
                }
            }
        }
        let expected: Vec<Rows> = outcomes
            .into_iter()
            .map(TableWriter::<Vec<u8>>::rows)
            .collect();
        let failed = &expected[4];
        assert_eq!(
            failed.genes.lines().count(),
            expected[0].genes.lines().count(),
            "the failed sample has a row for every gene"
        );

        let mut fast = Vec::new();
        let mut reader = VcfReader::from_bytes(vcf).unwrap();
        let n = cohort_rows(&engine, &mut reader, &options, &[], &[], &mut |r| {
            fast.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(n, names.len());
        assert_eq!(fast, expected);
    }

    #[test]
    fn failed_rows_fill_every_column() {
        let f = SampleOutcome::Failed(Box::new(Failure {
            sample: "S".into(),
            error: "why\tnot".into(),
            genes: vec![("CYP2C19".into(), CallSource::Vcf)],
            drugs: vec![DrugSlot {
                drug: "clopidogrel".into(),
                source: Source::Cpic,
                guideline_id: "G".into(),
                genes: vec!["CYP2C19".into()],
            }],
        }));
        let genes = genes_tsv(std::slice::from_ref(&f));
        let row: Vec<&str> = genes
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split('\t')
            .collect();
        assert_eq!(row.len(), GENE_COLUMNS.len());
        assert_eq!(row[11], "failed");
        assert_eq!(row[12], "why not");
        let drugs = drugs_tsv(&[f]);
        let row: Vec<&str> = drugs
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split('\t')
            .collect();
        assert_eq!(row.len(), DRUG_COLUMNS.len());
        assert_eq!(DRUG_COLUMNS[15], "status");
        assert_eq!((row[15], row[16]), ("failed", "why not"));
    }
}
