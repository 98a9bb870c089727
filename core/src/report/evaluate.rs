//! The one VCF entry point: a whole VCF (every sample, or the one named)
//! evaluated into one [`SampleOutcome`] per sample, on every core, in input
//! order. [`evaluate`] takes the options every binding and the command line
//! use ([`VcfOptions`]); [`cohort`], [`cohort_each`] and [`cohort_map`] are
//! the same run with outside calls already resolved, holding all reports,
//! streaming them, or mapping each on the worker threads.
//!
//! Only a problem with the file or the request as a whole is an `Err` (an
//! unreadable or malformed file, a build other than GRCh38, no sample
//! columns, an unknown sample or drug). Anything that goes wrong for one
//! sample becomes that sample's [`SampleOutcome::Failed`], with its
//! [`ErrorCode`], and the other samples are not touched. Bad data in one
//! sample's column (`./.` everywhere, haploid calls on autosomes, GT alleles
//! beyond the ALT alleles, unreadable GT values) is not a failure: those
//! positions are missing, with a reason, and the sample is called from what
//! is left, like any other sample.

use crate::allele::{CallOptions, CallSource, SampleCalls, SexSource};
use crate::input::vcf::VcfReader;
use crate::recommend::{DrugResult, ResolvedOutside};
use crate::report::{build, Report};
use crate::{Engine, Error, ErrorCode, Result, Source};

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
/// use dosera::{Failure, SampleOutcome};
/// let failed = SampleOutcome::Failed(Box::new(Failure {
///     sample: "S7".into(),
///     error: "internal error: example".into(),
///     code: dosera::ErrorCode::Internal,
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
    /// The error's code (the same codes as every other error of the
    /// library; a caught panic is [`ErrorCode::Internal`]).
    pub code: ErrorCode,
    /// The genes the other samples are reported for: gene and source.
    pub genes: Vec<(String, CallSource)>,
    /// The drugs and guidelines the other samples list.
    pub drugs: Vec<DrugSlot>,
}

/// One drug under one guideline of one source: a row of `drugs.tsv`.
///
/// ```
/// let slot = dosera::report::DrugSlot {
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

impl Failure {
    /// The sample's failure as an error that keeps its code.
    ///
    /// ```
    /// use dosera::{ErrorCode, Failure};
    /// let f = Failure {
    ///     sample: "S1".into(),
    ///     error: "unknown drug `x`".into(),
    ///     code: ErrorCode::UnknownDrug,
    ///     genes: vec![],
    ///     drugs: vec![],
    /// };
    /// let e = f.to_error();
    /// assert_eq!(e.code(), ErrorCode::UnknownDrug);
    /// assert_eq!(e.to_string(), "sample `S1` was not reported: unknown drug `x`");
    /// ```
    pub fn to_error(&self) -> Error {
        Error::SampleFailed {
            sample: self.sample.clone(),
            code: self.code,
            message: self.error.clone(),
        }
    }
}

impl SampleOutcome {
    /// The sample name.
    ///
    /// ```
    /// # use dosera::{Failure, SampleOutcome};
    /// let f = SampleOutcome::Failed(Box::new(Failure {
    ///     sample: "S1".into(), error: "x".into(), code: dosera::ErrorCode::Internal,
    ///     genes: vec![], drugs: vec![],
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
    /// # use dosera::{Failure, SampleOutcome};
    /// let f = SampleOutcome::Failed(Box::new(Failure {
    ///     sample: "S1".into(), error: "x".into(), code: dosera::ErrorCode::Internal,
    ///     genes: vec![], drugs: vec![],
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
/// let outcomes = dosera::report::cohort(
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
/// let n = dosera::report::cohort_each(
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
/// use dosera::report::cohort_map;
/// use dosera::report::tables::TableWriter;
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

/// What a cohort run is asked for.
pub(crate) struct Request<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) options: &'a CallOptions,
    pub(crate) outside: &'a [ResolvedOutside],
    pub(crate) drugs: &'a [String],
}

impl Request<'_> {
    /// Reads the VCF, checks the request and prepares the sites, then runs
    /// `body` over the chosen samples; returns how many there were.
    pub(crate) fn run(
        &self,
        reader: &mut VcfReader,
        body: &mut dyn FnMut(&Cohort<'_>, &[usize]) -> Result<()>,
    ) -> Result<usize> {
        let sites = self.engine.read_sites(reader)?;
        let chosen = crate::allele::chosen_samples(&sites.samples, self.options)?;
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
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// What every sample of a cohort shares.
pub(crate) struct Cohort<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) prepared: &'a crate::allele::Prepared<'a>,
    pub(crate) template: &'a Report,
    pub(crate) file: Option<String>,
    pub(crate) outside: &'a [ResolvedOutside],
    pub(crate) drugs: &'a [String],
}

impl Cohort<'_> {
    /// Sample `i`'s report, or why it has none. Panics are caught.
    pub(crate) fn outcome(&self, i: usize) -> SampleOutcome {
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
                code: e.code(),
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
pub(crate) fn stream_map<T: Send>(
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

/// Outcomes for samples that could not be called at all (their file
/// could not be read, the process working on them was lost): each
/// [`SampleOutcome::Failed`] with the `error` text and its `code`, and the
/// genes and drugs every
/// sample has under these options, so the tables keep a row for each.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::{failed_samples, tables};
/// let engine = dosera::Engine::bundled()?;
/// let why = "the file could not be read";
/// let code = dosera::ErrorCode::Io;
/// let out = failed_samples(&engine, &CallOptions::default(), &[], &[], &["S1".into()], why, code)?;
/// assert_eq!(out[0].sample(), "S1");
/// let genes = tables::genes_tsv(&out);
/// assert!(genes.lines().nth(1).unwrap().contains("\tfailed\t"));
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn failed_samples(
    engine: &Engine,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
    samples: &[String],
    error: &str,
    code: crate::ErrorCode,
) -> Result<Vec<SampleOutcome>> {
    let template = template(engine, options, outside, drugs)?;
    Ok(samples
        .iter()
        .map(|s| {
            SampleOutcome::Failed(Box::new(Failure {
                sample: s.clone(),
                error: error.to_string(),
                code,
                genes: template
                    .genes
                    .iter()
                    .map(|g| (g.gene.clone(), g.source))
                    .collect(),
                drugs: template.drugs.iter().map(slot).collect(),
            }))
        })
        .collect())
}

/// The report of a sample with no genotype anywhere.
pub(crate) fn template(
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

pub(crate) fn slot(d: &DrugResult) -> DrugSlot {
    DrugSlot {
        drug: d.drug.clone(),
        source: d.source,
        guideline_id: d.guideline_id.clone(),
        genes: d.genes.clone(),
    }
}

/// A caught panic's message, for the sample's error.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    format!("the sample could not be reported ({text})")
}

/// Options of a whole-VCF evaluation, in the JSON form the C API and the
/// WebAssembly package take (every field optional, unknown fields refused).
///
/// ```
/// use dosera::VcfOptions;
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
    /// let options = dosera::VcfOptions::default();
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
            sample_range: None,
            genes: self.genes.clone(),
        }
    }
}

/// Evaluates a whole VCF under [`VcfOptions`]: outside calls read and
/// resolved, then [`cohort`]. What the C API and the WebAssembly package
/// run for a VCF.
///
/// ```
/// use dosera::{evaluate, VcfOptions};
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
/// use dosera::report::check_strict;
/// use dosera::{evaluate, VcfOptions};
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
/// let w = dosera::report::sample_warnings(&report);
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
