//! Python bindings for dosera: the native module `dosera._native`.
//!
//! This file converts types and errors, nothing else. Every result crosses
//! the boundary as the core's own JSON (the same text the CLI writes), every
//! `dosera::Error` becomes the Python exception class of its code range, and
//! every call into the core runs inside [`guard`], so a panic surfaces as
//! `dosera.InternalError` (code 901), never as `PanicException`.
//!
//! The Python package (`python/dosera/`) adds the exception classes and the
//! optional pandas/polars tables; the stubs there describe this module.
//! Arguments are checked in `args.rs`.

mod args;

// mimalloc for the Rust side of the module, as in the command line: a
// cohort call makes and drops many small allocations on several threads.
// With the system allocator a cohort's tables from Python took about 1.7
// times the command line's CPU time, with mimalloc about 1.2 times (2
// cores, 2,000 and 4,000 samples). Python's own objects keep Python's
// allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use dosera::allele::{CallOptions, Sex};
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::html::Lang;
use dosera::report::parquet::{self as columns, Batches, ParquetWriter, Provenance};
use dosera::report::reanalyze::{self, Counts, Reanalysis, CHANGE_COLUMNS};
use dosera::report::tables::{self, Rows};
use dosera::report::SampleOutcome;
use dosera::report::{fhir, html, Report};
use dosera::ResolvedOutside;
use dosera::{Error, ErrorCode, GeneInput, Recommendations, Request, Source};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use args::{SampleArg, StoredArg};

// ---------------------------------------------------------------------------
// Errors

/// The Python exception class for an error code: one per code range
/// (core's `ErrorCode::range`, matched exhaustively).
fn class_name(code: ErrorCode) -> &'static str {
    match code.range() {
        dosera::ErrorRange::Input => "InputError",
        dosera::ErrorRange::Pack => "PackError",
        dosera::ErrorRange::Usage => "UsageError",
        dosera::ErrorRange::Internal => "InternalError",
    }
}

/// The `dosera.errors` module, imported once.
fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    ERRORS
        .get_or_try_init(py, || py.import("dosera.errors").map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// A Python exception of the class for `code`, as `Class(code, message)`.
fn raise(py: Python<'_>, code: ErrorCode, message: String) -> PyErr {
    let made = errors_module(py)
        .and_then(|m| m.getattr(class_name(code)))
        .and_then(|class| class.call1((code as u32, message)));
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// The Python exception of a core error. The message is the error followed
/// by each underlying cause, `: `-joined (what the CLI prints as "caused
/// by:" lines); an operating-system cause is also the exception's
/// `__cause__`, an `OSError` (`FileNotFoundError`, …) with its `errno` and
/// the file name.
fn py_err(py: Python<'_>, e: Error) -> PyErr {
    let message = full_message(&e);
    let mut cause = None;
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let (None, Some(io)) = (&cause, s.downcast_ref::<std::io::Error>()) {
            let path = match &e {
                Error::Io { path, .. } => Some(path.as_str()),
                _ => None,
            };
            cause = os_error(py, io, path).ok();
        }
        source = s.source();
    }
    let err = raise(py, e.code(), message);
    if cause.is_some() {
        err.set_cause(py, cause);
    }
    err
}

/// The error followed by each underlying cause, `: `-joined.
fn full_message(e: &Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// An `OSError` for an i/o error: `OSError(errno, strerror, filename)`
/// when the system gave an error number (Python picks the subclass, such as
/// `FileNotFoundError`), else `OSError(message)`.
fn os_error(py: Python<'_>, io: &std::io::Error, path: Option<&str>) -> PyResult<PyErr> {
    let class = py.import("builtins")?.getattr("OSError")?;
    let value = match io.raw_os_error() {
        Some(n) => {
            let text = py.import("os")?.call_method1("strerror", (n,))?;
            class.call1((n, text, path))?
        }
        None => class.call1((io.to_string(),))?,
    };
    Ok(PyErr::from_value(value))
}

/// Runs `f` with the GIL released, turning a panic into an internal error
/// and a core error into its Python exception.
fn guard<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T, Error> + Send) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(py_err(py, e)),
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_string());
            Err(raise(
                py,
                ErrorCode::Internal,
                format!("internal error: {text}"),
            ))
        }
    }
}

// ---------------------------------------------------------------------------
// Conversions

/// A serializable core value as plain Python objects (through JSON, so the
/// shape is exactly the one the CLI writes).
fn to_py<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let text = json_text(py, value, false)?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

fn json_text<T: serde::Serialize>(py: Python<'_>, value: &T, pretty: bool) -> PyResult<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.map_err(|e| {
        raise(
            py,
            ErrorCode::Internal,
            format!("internal error: JSON: {e}"),
        )
    })
}

fn parse_sex(py: Python<'_>, sex: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Sex>> {
    match sex.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(value) => match args::choice(py, "sex", &["male", "female"], value)? {
            "male" => Ok(Some(Sex::Male)),
            _ => Ok(Some(Sex::Female)),
        },
    }
}

/// The call options of `call_vcf` and `call_cohort`, as the CLI sets them.
#[allow(clippy::too_many_arguments)]
fn call_options(
    py: Python<'_>,
    assume_reference: bool,
    all_matches: bool,
    combinations: bool,
    cyp2d6: bool,
    sex: Option<&Bound<'_, PyAny>>,
    genes: Option<&Bound<'_, PyAny>>,
) -> PyResult<CallOptions> {
    Ok(dosera::VcfOptions {
        genes: args::names(py, "genes", "CYP2C19", genes)?.unwrap_or_default(),
        assume_reference,
        all_matches,
        combinations,
        cyp2d6,
        sex: parse_sex(py, sex)?,
        ..dosera::VcfOptions::default()
    }
    .call_options())
}

fn outside_calls(
    engine: &dosera::Engine,
    path: Option<&PathBuf>,
) -> Result<Vec<ResolvedOutside>, Error> {
    match path {
        Some(p) => engine.resolve_outside(&outside::read(p)?),
        None => Ok(Vec::new()),
    }
}

/// The name of the sample in 0-based column `index` of a VCF (a name the
/// header has twice cannot be chosen by its index: the core selects by name).
fn sample_at(path: &std::path::Path, index: usize) -> Result<String, Error> {
    let reader = VcfReader::from_path(path)?;
    let names = reader.samples();
    let name = names
        .get(index)
        .ok_or_else(|| Error::UnknownSample(index.to_string()))?;
    if names.iter().position(|n| n == name) != Some(index) {
        return Err(Error::Usage(format!(
            "sample index {index} is {name:?}, a name the VCF header has more than once"
        )));
    }
    Ok(name.clone())
}

/// Reports for the samples of a VCF (core names the input file in each).
fn run_cohort(
    engine: &dosera::Engine,
    vcf: &std::path::Path,
    options: &CallOptions,
    outside: Option<&PathBuf>,
    drugs: &[String],
) -> Result<Vec<SampleOutcome>, Error> {
    let resolved = outside_calls(engine, outside)?;
    let mut reader = VcfReader::from_path(vcf)?;
    dosera::report::cohort(engine, &mut reader, options, &resolved, drugs)
}

// ---------------------------------------------------------------------------
// Engine

/// The dosera engine: knowledge packs loaded once, then any number of calls.
///
/// ``Engine()`` uses the packs built into the package; ``Engine.from_path``
/// loads a pack release from a folder (a newer release without a new wheel).
/// An engine is immutable and may be shared between threads; the heavy calls
/// release the GIL.
///
/// >>> import dosera
/// >>> engine = dosera.Engine()
/// >>> "CYP2C19" in [g["symbol"] for g in engine.genes()]
/// True
#[pyclass(frozen, module = "dosera._native")]
struct Engine {
    inner: dosera::Engine,
}

#[pymethods]
impl Engine {
    #[new]
    fn new(py: Python<'_>) -> PyResult<Engine> {
        let inner = guard(py, dosera::Engine::bundled)?;
        Ok(Engine { inner })
    }

    /// Loads the knowledge packs from a folder (checksums and schema are
    /// checked: a damaged pack raises ``PackError``).
    ///
    /// >>> engine = dosera.Engine.from_path("guidelines/data")  # doctest: +SKIP
    #[classmethod]
    fn from_path(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
    ) -> PyResult<Engine> {
        let path = args::path(py, "path", path)?;
        let inner = guard(py, || dosera::Engine::from_dir(&path))?;
        Ok(Engine { inner })
    }

    /// Loads knowledge packs from bytes: one pack JSON document per source
    /// (the form a release ships and the library embeds). With no manifest,
    /// the release is the packs' own releases joined with ``+`` and the
    /// sha256 is taken over the bytes. A damaged pack raises ``PackError``.
    ///
    /// >>> blob = open("guidelines/data/cpic/pack.json", "rb").read()  # doctest: +SKIP
    #[classmethod]
    fn from_bytes(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        packs: Vec<Vec<u8>>,
    ) -> PyResult<Engine> {
        let inner = guard(py, move || {
            let blobs: Vec<&[u8]> = packs.iter().map(Vec::as_slice).collect();
            dosera::pack::PackSet::from_bytes(&blobs).map(dosera::Engine::new)
        })?;
        Ok(Engine { inner })
    }

    /// Calls one sample of a VCF and builds its report. With
    /// ``strict=True`` a gene result given but not answered (a value not
    /// understood, a result the guideline has no row for) raises
    /// ``InputError`` (code 112) instead of being a warning. ``sample`` is
    /// a name (``str``) or a 0-based index (``int``).
    #[pyo3(signature = (path, sample=None, outside=None, drugs=None, *, assume_reference=false, all_matches=false, combinations=false, cyp2d6=false, sex=None, genes=None, strict=false))]
    #[allow(clippy::too_many_arguments)]
    fn call_vcf(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        sample: Option<&Bound<'_, PyAny>>,
        outside: Option<&Bound<'_, PyAny>>,
        drugs: Option<&Bound<'_, PyAny>>,
        assume_reference: bool,
        all_matches: bool,
        combinations: bool,
        cyp2d6: bool,
        sex: Option<&Bound<'_, PyAny>>,
        genes: Option<&Bound<'_, PyAny>>,
        strict: bool,
    ) -> PyResult<PyReport> {
        let path = args::path(py, "path", path)?;
        let sample = args::sample(py, sample)?;
        let outside = args::optional_path(py, "outside", outside)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?.unwrap_or_default();
        let mut options = call_options(
            py,
            assume_reference,
            all_matches,
            combinations,
            cyp2d6,
            sex,
            genes,
        )?;
        let engine = &self.inner;
        let report = guard(py, || {
            options.sample = match sample {
                Some(SampleArg::Name(name)) => Some(name),
                Some(SampleArg::Index(i)) => Some(sample_at(&path, i)?),
                None => {
                    let n = VcfReader::from_path(&path)?.samples().len();
                    if n > 1 {
                        return Err(Error::Usage(format!(
                            "the VCF has {n} samples: give sample=NAME (or a 0-based index), \
                             or use call_cohort"
                        )));
                    }
                    None
                }
            };
            let outcomes = run_cohort(engine, &path, &options, outside.as_ref(), &drugs)?;
            match outcomes.into_iter().next() {
                Some(SampleOutcome::Report(r)) if strict => r.check_strict().map(|()| *r),
                Some(SampleOutcome::Report(r)) => Ok(*r),
                Some(SampleOutcome::Failed(f)) => Err(f.to_error()),
                None => Err(Error::Internal("no sample was reported".into())),
            }
        })?;
        Ok(PyReport { inner: report })
    }

    /// Calls every sample of a VCF (or the ones named) and builds a report
    /// for each. With ``strict=True`` a gene result given but not answered
    /// in any sample raises ``InputError`` (code 112) naming each.
    #[pyo3(signature = (path, samples=None, outside=None, drugs=None, *, assume_reference=false, all_matches=false, combinations=false, cyp2d6=false, sex=None, genes=None, strict=false))]
    #[allow(clippy::too_many_arguments)]
    fn call_cohort(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        samples: Option<&Bound<'_, PyAny>>,
        outside: Option<&Bound<'_, PyAny>>,
        drugs: Option<&Bound<'_, PyAny>>,
        assume_reference: bool,
        all_matches: bool,
        combinations: bool,
        cyp2d6: bool,
        sex: Option<&Bound<'_, PyAny>>,
        genes: Option<&Bound<'_, PyAny>>,
        strict: bool,
    ) -> PyResult<Cohort> {
        let path = args::path(py, "path", path)?;
        let samples = args::names(py, "samples", "NA12878", samples)?;
        let outside = args::optional_path(py, "outside", outside)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?.unwrap_or_default();
        let options = call_options(
            py,
            assume_reference,
            all_matches,
            combinations,
            cyp2d6,
            sex,
            genes,
        )?;
        let engine = &self.inner;
        let outcomes = guard(py, || {
            let all = run_cohort(engine, &path, &options, outside.as_ref(), &drugs)?;
            let chosen: Vec<SampleOutcome> = match samples {
                None => all,
                // The samples asked for, in the order asked.
                Some(wanted) => wanted
                    .iter()
                    .map(|name| {
                        all.iter()
                            .find(|o| o.sample() == name)
                            .cloned()
                            .ok_or_else(|| Error::UnknownSample(name.clone()))
                    })
                    .collect::<Result<_, _>>()?,
            };
            if strict {
                dosera::report::check_strict(&chosen)?;
            }
            Ok(chosen)
        })?;
        Ok(Cohort {
            outcomes,
            provenance: Provenance::of(&self.inner),
        })
    }

    /// The cohort tables of a VCF as two ``pyarrow.Table`` objects, genes
    /// and drugs: the rows of ``dosera report --format parquet`` (typed
    /// columns, the pack release in the schema metadata), made without a
    /// report per sample. ``start``/``stop`` choose samples by 0-based
    /// column (``stop`` excluded), so a large file can be worked on in
    /// parts, each read through its index; ``threads`` caps the threads
    /// used (default: every core). The GIL is released while it runs. A
    /// sample that fails has rows marked ``status == "failed"``. Needs
    /// pyarrow.
    #[pyo3(signature = (path, *, start=None, stop=None, outside=None, drugs=None, assume_reference=false, all_matches=false, combinations=false, cyp2d6=false, sex=None, genes=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn cohort_tables(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        start: Option<usize>,
        stop: Option<usize>,
        outside: Option<&Bound<'_, PyAny>>,
        drugs: Option<&Bound<'_, PyAny>>,
        assume_reference: bool,
        all_matches: bool,
        combinations: bool,
        cyp2d6: bool,
        sex: Option<&Bound<'_, PyAny>>,
        genes: Option<&Bound<'_, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let path = args::path(py, "path", path)?;
        let outside = args::optional_path(py, "outside", outside)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?.unwrap_or_default();
        let mut options = call_options(
            py,
            assume_reference,
            all_matches,
            combinations,
            cyp2d6,
            sex,
            genes,
        )?;
        let engine = &self.inner;
        let (genes_ipc, drugs_ipc) = guard(py, || {
            let resolved = outside_calls(engine, outside.as_ref())?;
            let mut reader = VcfReader::from_path(&path)?;
            if start.is_some() || stop.is_some() {
                // Only these columns are parsed (text VCF); a BCF is read
                // whole and the range chosen after.
                let n = reader.samples().len();
                let range = start.unwrap_or(0)..stop.unwrap_or(n);
                if !reader.keep_samples(range.clone())? {
                    options.sample_range = Some(range);
                }
            }
            let from = Provenance::of(engine);
            let mut g = Batches::new(columns::Table::Genes, &from);
            let mut d = Batches::new(columns::Table::Drugs, &from);
            let threads = threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });
            tables::cohort_rows_on(
                threads,
                engine,
                &mut reader,
                &options,
                &resolved,
                &drugs,
                &mut |rows| {
                    g.push(&rows.genes)?;
                    d.push(&rows.drugs)
                },
            )?;
            Ok((columns::ipc_stream(&mut g)?, columns::ipc_stream(&mut d)?))
        })?;
        Ok((arrow(py, genes_ipc)?, arrow(py, drugs_ipc)?))
    }

    /// The table rows of samples that could not be called at all (their
    /// file could not be read, the process working on them was lost):
    /// ``(genes, drugs)`` as ``pyarrow.Table`` objects with a row for every
    /// gene and drug a sample has under these options, each marked
    /// ``status == "failed"`` with ``error``. What ``dosera.dask`` reports
    /// for a part that keeps failing. Needs pyarrow.
    #[pyo3(signature = (samples, error, *, outside=None, drugs=None, assume_reference=false, all_matches=false, combinations=false, cyp2d6=false, sex=None, genes=None))]
    #[allow(clippy::too_many_arguments)]
    fn failed_tables(
        &self,
        py: Python<'_>,
        samples: Vec<String>,
        error: String,
        outside: Option<&Bound<'_, PyAny>>,
        drugs: Option<&Bound<'_, PyAny>>,
        assume_reference: bool,
        all_matches: bool,
        combinations: bool,
        cyp2d6: bool,
        sex: Option<&Bound<'_, PyAny>>,
        genes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let outside = args::optional_path(py, "outside", outside)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?.unwrap_or_default();
        let options = call_options(
            py,
            assume_reference,
            all_matches,
            combinations,
            cyp2d6,
            sex,
            genes,
        )?;
        let engine = &self.inner;
        let (genes_ipc, drugs_ipc) = guard(py, || {
            // An outside-call file that cannot be read is itself a reason
            // the samples failed: the rows then have the VCF genes only.
            let resolved = outside_calls(engine, outside.as_ref()).unwrap_or_default();
            let outcomes = dosera::report::failed_samples(
                engine,
                &options,
                &resolved,
                &drugs,
                &samples,
                &error,
                ErrorCode::Internal,
            )?;
            outcome_batches(&outcomes, &Provenance::of(engine))
        })?;
        Ok((arrow(py, genes_ipc)?, arrow(py, drugs_ipc)?))
    }

    /// Recommendations from gene results (diplotypes, phenotypes or
    /// activity scores), without a VCF. With ``strict=True`` a gene result
    /// given but not answered raises ``InputError`` (code 112). ``lang``
    /// (``"en"`` or ``"sv"``) is the language of the clinical text.
    #[pyo3(
        signature = (genes, drugs=None, sources=None, *, strict=false, lang=None),
        text_signature = "(self, genes, drugs=None, sources=None, *, strict=False, lang='en')"
    )]
    fn recommend(
        &self,
        py: Python<'_>,
        genes: &Bound<'_, PyAny>,
        drugs: Option<&Bound<'_, PyAny>>,
        sources: Option<&Bound<'_, PyAny>>,
        strict: bool,
        lang: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRecommendations> {
        let genes = args::gene_results(py, genes)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?;
        let sources = args::names(py, "sources", "cpic", sources)?;
        let lang = match lang {
            Some(value) => args::text(py, "lang", "en", value)?,
            None => "en".to_string(),
        };
        let engine = &self.inner;
        let result = guard(py, || {
            let lang: dosera::pack::words::Lang = lang
                .parse()
                .map_err(|e: dosera::pack::words::UnknownLang| Error::Usage(e.to_string()))?;
            let mut request = Request::new(genes.iter().map(|(g, v)| GeneInput::new(g, v)));
            request = request
                .drugs(drugs.unwrap_or_default())
                .strict(strict)
                .lang(lang);
            if let Some(names) = sources {
                let parsed = names
                    .iter()
                    .map(|s| s.parse::<Source>())
                    .collect::<Result<Vec<_>, _>>()?;
                request = request.sources(parsed);
            }
            engine.recommend(&request)
        })?;
        Ok(PyRecommendations { inner: result })
    }

    /// Reads stored JSON reports again with this engine's packs and
    /// returns what changed, as ``dosera reanalyze --format tsv`` does: a
    /// pandas DataFrame with the columns ``dosera.CHANGE_COLUMNS``, one row
    /// per change of each patient whose results or advice changed (needs
    /// pandas).
    ///
    /// ``report`` is a path to a report file (any schema version), a
    /// folder (every ``.json`` file under it), the report's JSON text, a
    /// dict, a ``Report``, or a list of any of these; files are read on
    /// ``threads`` threads (default: every core) with the GIL released.
    /// ``drugs`` as for ``dosera reanalyze -d``: by default the drugs each
    /// report lists and, for a report of every drug, any drug the packs now
    /// cover for its genes.
    ///
    /// ``frame.attrs["counts"]`` counts the reports (``reports``,
    /// ``changed``, ``re_identified``: new guideline versions or row ids
    /// only, ``unchanged``, ``failed``); ``frame.attrs["failed"]`` lists
    /// each report that could not be read or reanalysed as ``{"file",
    /// "input", "code", "error"}`` (``input``: its position in the list
    /// given; ``file`` is empty for a report given in memory), and the others
    /// are still in the frame; ``frame.attrs["new_release"]`` is this
    /// engine's pack release. One report given alone that cannot be read
    /// raises instead (``InputError``, code 111, for a malformed report).
    ///
    /// >>> changes = engine.reanalyze("reports/")  # doctest: +SKIP
    /// >>> changes.query("change == 'action'")[["sample", "drug", "before", "after"]]  # doctest: +SKIP
    #[pyo3(signature = (report, drugs=None, *, threads=None))]
    fn reanalyze(
        &self,
        py: Python<'_>,
        report: &Bound<'_, PyAny>,
        drugs: Option<&Bound<'_, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let (items, listed) = args::stored_reports(py, "report", report)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?.unwrap_or_default();
        let engine = &self.inner;
        let mut batch = guard(py, || {
            let drugs = drug_names(engine, &drugs)?;
            reanalyze_batch(engine, &items, &drugs, threads.unwrap_or(0))
        })?;
        // One report given alone: its error is raised.
        if !listed && !batch.folder && matches!(batch.results.as_slice(), [Err(_)]) {
            if let Some(Err(e)) = batch.results.pop() {
                return Err(py_err(py, e));
            }
        }
        let mut rows = Vec::new();
        let mut failed = Vec::new();
        for ((file, input), result) in batch.files.iter().zip(&batch.inputs).zip(&batch.results) {
            match result {
                Ok(r) if r.advice_changed() => rows.extend(r.rows(file)),
                Ok(_) => {}
                Err(e) => {
                    let item = PyDict::new(py);
                    item.set_item("file", file)?;
                    item.set_item("input", input)?;
                    item.set_item("code", e.code() as u32)?;
                    item.set_item("error", full_message(e))?;
                    failed.push(item);
                }
            }
        }
        let attrs = PyDict::new(py);
        attrs.set_item("counts", to_py(py, &Counts::of(&batch.results))?)?;
        attrs.set_item("failed", failed)?;
        attrs.set_item("new_release", self.inner.pack_release().0)?;
        Ok(py
            .import("dosera._tables")?
            .call_method1("changes_frame", (rows, CHANGE_COLUMNS.to_vec(), attrs))?
            .unbind())
    }

    /// Reads one stored report again with this engine's packs: what
    /// changed and the report as it reads now (``Reanalysis``, with
    /// ``report``, a ``Report``, to write or show). ``report`` is a path to
    /// a report file (any schema version), its JSON text, a dict or a
    /// ``Report``; ``drugs`` as for ``reanalyze``. A report that cannot be
    /// read raises ``InputError`` (code 111).
    ///
    /// >>> r = engine.reanalysis("tests/fixtures/reports/v1/outside-calls.json")  # doctest: +SKIP
    /// >>> r.old_release, r.new_release, r.advice_changed  # doctest: +SKIP
    /// ('2026.12.1', '2026.12.2', True)
    #[pyo3(signature = (report, drugs=None))]
    fn reanalysis(
        &self,
        py: Python<'_>,
        report: &Bound<'_, PyAny>,
        drugs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReanalysis> {
        let item = args::stored_report(py, "report", report)?;
        let drugs = args::names(py, "drugs", "clopidogrel", drugs)?.unwrap_or_default();
        let engine = &self.inner;
        let inner = guard(py, || {
            let drugs = drug_names(engine, &drugs)?;
            reanalyze::reanalyze(engine, &item.read()?, &drugs)
        })?;
        Ok(PyReanalysis { inner })
    }

    /// The genes the packs know, with sources, allele counts and drugs.
    fn genes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = guard(py, || Ok(self.inner.genes()))?;
        to_py(py, &list)
    }

    /// The named alleles of a gene and their function.
    fn alleles(&self, py: Python<'_>, gene: &str) -> PyResult<Py<PyAny>> {
        let list = guard(py, || self.inner.alleles(gene))?;
        to_py(py, &list)
    }

    /// The drugs with a guideline, with sources, genes and guideline ids.
    fn drugs(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = guard(py, || Ok(self.inner.drugs()))?;
        to_py(py, &list)
    }

    /// The engine version, the pack release and its sha256, and each pack.
    fn pack_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = self.inner.releases();
        let dict = PyDict::new(py);
        dict.set_item("engine_version", &r.engine_version)?;
        dict.set_item("release", &r.release)?;
        dict.set_item("sha256", &r.sha256)?;
        dict.set_item("packs", to_py(py, &r.packs)?)?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        let (release, _) = self.inner.pack_release();
        format!("Engine(packs={release:?})")
    }
}

/// Drug names as the packs spell them (what `dosera reanalyze -d` does).
fn drug_names(engine: &dosera::Engine, names: &[String]) -> Result<Vec<String>, Error> {
    names.iter().map(|d| engine.drug_name(d)).collect()
}

/// The outcome of reanalysing the reports of `Engine.reanalyze`, one entry
/// per report, in the order given (a folder's files in path order).
struct Batch {
    /// The report file (empty for a report given in memory).
    files: Vec<String>,
    /// Position of the argument item each report came from.
    inputs: Vec<usize>,
    /// The reanalyses, without their reports.
    results: Vec<Result<Reanalysis, Error>>,
    /// True when a folder was given.
    folder: bool,
}

/// Reanalyses every report of `items`: the files (and folders' files) with
/// the core's parallel `reanalyze_files`, the reports in memory one by
/// one; a report that fails keeps its error in its place.
fn reanalyze_batch(
    engine: &dosera::Engine,
    items: &[StoredArg],
    drugs: &[String],
    threads: usize,
) -> Result<Batch, Error> {
    let mut batch = Batch {
        files: Vec::new(),
        inputs: Vec::new(),
        results: Vec::new(),
        folder: false,
    };
    // `None`: the next result of `reanalyze_files`.
    let mut memory: Vec<Option<&StoredArg>> = Vec::new();
    let mut paths = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            StoredArg::Path(p) => {
                batch.folder |= p.is_dir();
                for file in reanalyze::report_paths(std::slice::from_ref(p))? {
                    batch.files.push(file.display().to_string());
                    batch.inputs.push(i);
                    memory.push(None);
                    paths.push(file);
                }
            }
            other => {
                batch.files.push(String::new());
                batch.inputs.push(i);
                memory.push(Some(other));
            }
        }
    }
    if memory.is_empty() {
        return Err(Error::Usage(
            "no reports: no .json reports found in the folders given".into(),
        ));
    }
    let mut from_files =
        reanalyze::reanalyze_files(engine, &paths, drugs, threads, &|| {}).into_iter();
    for item in memory {
        let result = match item {
            None => from_files
                .next()
                .unwrap_or_else(|| Err(Error::Internal("a report file was not reanalysed".into()))),
            Some(item) => catch_unwind(AssertUnwindSafe(|| {
                let mut r = reanalyze::reanalyze(engine, &item.read()?, drugs)?;
                r.report = None;
                Ok(r)
            }))
            .unwrap_or_else(|_| {
                Err(Error::Internal(
                    "reanalysing a report stopped on an internal error".into(),
                ))
            }),
        };
        batch.results.push(result);
    }
    Ok(batch)
}

// ---------------------------------------------------------------------------
// Report

/// The report of one sample: gene calls, phenotypes and recommendations.
///
/// Immutable. The fields are attributes (``report.genes`` is a list of
/// dicts shaped like the JSON report); ``to_dict``/``to_json`` give the
/// whole report exactly as ``dosera report --json`` writes it.
#[pyclass(frozen, eq, name = "Report", module = "dosera._native")]
#[derive(PartialEq)]
struct PyReport {
    inner: Report,
}

#[pymethods]
impl PyReport {
    /// Reads a report written by ``to_json`` (or the CLI); a malformed one,
    /// or one of another schema version, raises ``InputError`` (code 111).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<PyReport> {
        let inner = guard(py, || Report::from_json(text))?;
        Ok(PyReport { inner })
    }

    /// Version of the report's JSON schema.
    #[getter]
    fn schema_version(&self) -> u32 {
        self.inner.schema_version
    }

    /// Version of the engine that wrote the report.
    #[getter]
    fn engine_version(&self) -> &str {
        &self.inner.engine_version
    }

    /// Release of the knowledge packs used.
    #[getter]
    fn packs_release(&self) -> &str {
        &self.inner.packs_release
    }

    /// Sample name.
    #[getter]
    fn sample(&self) -> &str {
        &self.inner.input.sample
    }

    /// The input summary (file, sample, build, sex, assume_reference).
    #[getter]
    fn input(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.input)
    }

    /// One dict per gene.
    #[getter]
    fn genes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.genes)
    }

    /// One dict per drug and guideline.
    #[getter]
    fn drugs(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.drugs)
    }

    /// Report-wide warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }

    /// The entry of one gene (any letter case), or ``None``.
    fn gene(&self, py: Python<'_>, symbol: &str) -> PyResult<Option<Py<PyAny>>> {
        let found = self
            .inner
            .genes
            .iter()
            .find(|g| g.gene.eq_ignore_ascii_case(symbol));
        found.map(|g| to_py(py, g)).transpose()
    }

    /// The report as plain Python objects.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }

    /// The report as JSON text (indented like the CLI's, unless
    /// ``pretty=False``).
    #[pyo3(signature = (pretty=true))]
    fn to_json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        json_text(py, &self.inner, pretty)
    }

    /// The clinician's HTML page (``lang`` is ``"en"`` or ``"sv"``).
    /// With ``previous``, an earlier report of the patient (a path to a
    /// report file of any schema version, its JSON text, a dict or a
    /// ``Report``), the page opens with what changed since, as ``dosera
    /// report --previous`` does.
    ///
    /// >>> html = report.to_html(previous="reports/2026-01/patient.json")  # doctest: +SKIP
    #[pyo3(
        signature = (lang=None, *, previous=None),
        text_signature = "(self, lang='en', *, previous=None)"
    )]
    fn to_html(
        &self,
        py: Python<'_>,
        lang: Option<&Bound<'_, PyAny>>,
        previous: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let lang = match lang {
            Some(value) => args::text(py, "lang", "en", value)?,
            None => "en".to_string(),
        };
        let previous = previous
            .filter(|v| !v.is_none())
            .map(|v| args::stored_report(py, "previous", v))
            .transpose()?;
        let report = &self.inner;
        guard(py, || {
            let lang: Lang = lang
                .parse()
                .map_err(|e: html::UnknownLang| Error::Usage(e.to_string()))?;
            Ok(match previous {
                Some(earlier) => html::render_since(report, &earlier.read()?, lang),
                None => html::render(report, lang),
            })
        })
    }

    /// The report as an HL7 FHIR R4 Bundle (JSON text).
    fn to_fhir(&self, py: Python<'_>) -> PyResult<String> {
        let report = &self.inner;
        guard(py, || Ok(fhir::bundle_json(report)))
    }

    /// The ``genes.tsv`` table of this report (header and one row per gene).
    fn genes_tsv(&self, py: Python<'_>) -> PyResult<String> {
        let report = &self.inner;
        guard(py, || {
            Ok(tables::genes_tsv(&[SampleOutcome::Report(Box::new(
                report.clone(),
            ))]))
        })
    }

    /// The ``drugs.tsv`` table of this report.
    fn drugs_tsv(&self, py: Python<'_>) -> PyResult<String> {
        let report = &self.inner;
        guard(py, || {
            Ok(tables::drugs_tsv(&[SampleOutcome::Report(Box::new(
                report.clone(),
            ))]))
        })
    }

    /// One row per gene as a pandas DataFrame (needs pandas); the same as
    /// ``to_pandas("genes")``.
    fn genes_frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let tsv = self.genes_tsv(py)?;
        frame(py, "pandas_frame", tsv)
    }

    /// One row per drug and guideline as a pandas DataFrame (needs
    /// pandas); the same as ``to_pandas("drugs")``.
    fn drugs_frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let tsv = self.drugs_tsv(py)?;
        frame(py, "pandas_frame", tsv)
    }

    /// A table as a pandas DataFrame (``table`` is ``"genes"`` or
    /// ``"drugs"``; needs pandas).
    #[pyo3(signature = (table=None), text_signature = "(self, table='genes')")]
    fn to_pandas(&self, py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let tsv = match table_arg(py, table)? {
            Table::Genes => self.genes_tsv(py)?,
            Table::Drugs => self.drugs_tsv(py)?,
        };
        frame(py, "pandas_frame", tsv)
    }

    /// A table as a polars DataFrame (needs polars).
    #[pyo3(signature = (table=None), text_signature = "(self, table='genes')")]
    fn to_polars(&self, py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let tsv = match table_arg(py, table)? {
            Table::Genes => self.genes_tsv(py)?,
            Table::Drugs => self.drugs_tsv(py)?,
        };
        frame(py, "polars_frame", tsv)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(sample={:?}, genes={}, drugs={})",
            self.inner.input.sample,
            self.inner.genes.len(),
            self.inner.drugs.len()
        )
    }
}

/// Which table (`table=`).
enum Table {
    Genes,
    Drugs,
}

fn table_arg(py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<Table> {
    match table {
        None => Ok(Table::Genes),
        Some(value) => match args::choice(py, "table", &["genes", "drugs"], value)? {
            "genes" => Ok(Table::Genes),
            _ => Ok(Table::Drugs),
        },
    }
}

/// A table read by the pure-Python helpers in `dosera._tables`.
fn frame(py: Python<'_>, helper: &str, tsv: String) -> PyResult<Py<PyAny>> {
    Ok(py
        .import("dosera._tables")?
        .call_method1(helper, (tsv,))?
        .unbind())
}

// ---------------------------------------------------------------------------
// Cohort

/// Every sample of a VCF: a report per sample, or why it failed.
///
/// A sample that could not be reported keeps its rows in the tables,
/// marked ``status == "failed"``, so the genes table always has
/// samples × genes rows.
#[pyclass(frozen, module = "dosera._native")]
struct Cohort {
    outcomes: Vec<SampleOutcome>,
    provenance: Provenance,
}

#[pymethods]
impl Cohort {
    /// Sample names, in VCF header order (or the order asked for).
    #[getter]
    fn samples(&self) -> Vec<String> {
        self.outcomes
            .iter()
            .map(|o| o.sample().to_string())
            .collect()
    }

    /// ``(sample, error)`` for every sample that could not be reported.
    #[getter]
    fn failed(&self) -> Vec<(String, String)> {
        self.outcomes
            .iter()
            .filter_map(|o| match o {
                SampleOutcome::Failed(f) => Some((f.sample.clone(), f.error.clone())),
                SampleOutcome::Report(_) => None,
            })
            .collect()
    }

    /// The reports of the samples that were reported.
    fn reports(&self) -> Vec<PyReport> {
        self.outcomes
            .iter()
            .filter_map(SampleOutcome::report)
            .map(|r| PyReport { inner: r.clone() })
            .collect()
    }

    /// The report of one sample, or ``None`` when it failed or is absent.
    fn report(&self, sample: &str) -> Option<PyReport> {
        self.outcomes
            .iter()
            .find(|o| o.sample() == sample)
            .and_then(SampleOutcome::report)
            .map(|r| PyReport { inner: r.clone() })
    }

    /// ``genes.tsv``: one row per sample and gene.
    fn genes_tsv(&self, py: Python<'_>) -> PyResult<String> {
        let outcomes = &self.outcomes;
        guard(py, || Ok(tables::genes_tsv(outcomes)))
    }

    /// ``drugs.tsv``: one row per sample, drug and guideline.
    fn drugs_tsv(&self, py: Python<'_>) -> PyResult<String> {
        let outcomes = &self.outcomes;
        guard(py, || Ok(tables::drugs_tsv(outcomes)))
    }

    /// A table as a pandas DataFrame (``table`` is ``"genes"`` or
    /// ``"drugs"``; needs pandas).
    #[pyo3(signature = (table=None), text_signature = "(self, table='genes')")]
    fn to_pandas(&self, py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let tsv = self.table(py, table)?;
        frame(py, "pandas_frame", tsv)
    }

    /// A table as a polars DataFrame (needs polars).
    #[pyo3(signature = (table=None), text_signature = "(self, table='genes')")]
    fn to_polars(&self, py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let tsv = self.table(py, table)?;
        frame(py, "polars_frame", tsv)
    }

    /// A table as a ``pyarrow.Table``: typed columns (lists for
    /// candidates, nullable counts, flags and activity score), the schema
    /// of ``to_parquet`` and ``dosera report --format parquet``, with the
    /// pack release in its metadata (needs pyarrow).
    #[pyo3(signature = (table=None), text_signature = "(self, table='genes')")]
    fn to_arrow(&self, py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let which = table_arg(py, table)?;
        let (outcomes, from) = (&self.outcomes, &self.provenance);
        let (g, d) = guard(py, || outcome_batches(outcomes, from))?;
        match which {
            Table::Genes => arrow(py, g),
            Table::Drugs => arrow(py, d),
        }
    }

    /// Writes ``genes.parquet`` and ``drugs.parquet`` into ``directory``
    /// (created when absent; files of those names are replaced), as
    /// ``dosera report --format parquet`` does; returns both paths.
    fn to_parquet(
        &self,
        py: Python<'_>,
        directory: &Bound<'_, PyAny>,
    ) -> PyResult<(PathBuf, PathBuf)> {
        let dir = args::path(py, "directory", directory)?;
        let (outcomes, from) = (&self.outcomes, &self.provenance);
        guard(py, || {
            let mut w = ParquetWriter::create(&dir, from)?;
            for o in outcomes {
                w.write_rows(&Rows::of(o))?;
            }
            w.finish()
        })
    }

    fn __len__(&self) -> usize {
        self.outcomes.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Cohort(samples={}, failed={})",
            self.outcomes.len(),
            self.outcomes
                .iter()
                .filter(|o| o.report().is_none())
                .count()
        )
    }
}

/// Both tables of `outcomes` as Arrow IPC streams (genes, drugs).
fn outcome_batches(
    outcomes: &[SampleOutcome],
    from: &Provenance,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let mut g = Batches::new(columns::Table::Genes, from);
    let mut d = Batches::new(columns::Table::Drugs, from);
    for o in outcomes {
        let rows = Rows::of(o);
        g.push(&rows.genes)?;
        d.push(&rows.drugs)?;
    }
    Ok((columns::ipc_stream(&mut g)?, columns::ipc_stream(&mut d)?))
}

/// An Arrow IPC stream as a `pyarrow.Table` (read by `dosera._tables`).
fn arrow(py: Python<'_>, ipc: Vec<u8>) -> PyResult<Py<PyAny>> {
    let bytes = pyo3::types::PyBytes::new(py, &ipc);
    Ok(py
        .import("dosera._tables")?
        .call_method1("arrow_table", (bytes,))?
        .unbind())
}

impl Cohort {
    fn table(&self, py: Python<'_>, table: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        match table_arg(py, table)? {
            Table::Genes => self.genes_tsv(py),
            Table::Drugs => self.drugs_tsv(py),
        }
    }
}

// ---------------------------------------------------------------------------
// Recommendations

/// Recommendations for gene results given directly (``Engine.recommend``).
#[pyclass(frozen, name = "Recommendations", module = "dosera._native")]
struct PyRecommendations {
    inner: Recommendations,
}

#[pymethods]
impl PyRecommendations {
    /// Version of the engine.
    #[getter]
    fn engine_version(&self) -> &str {
        &self.inner.engine_version
    }

    /// Release of the knowledge packs used.
    #[getter]
    fn packs_release(&self) -> &str {
        &self.inner.packs_release
    }

    /// The packs used, with licence and attribution.
    #[getter]
    fn packs(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.packs)
    }

    /// How each gene input was read.
    #[getter]
    fn genes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.genes)
    }

    /// One dict per drug and guideline.
    #[getter]
    fn drugs(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.drugs)
    }

    /// Request-wide warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }

    /// The result as plain Python objects.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }

    /// The result as JSON text.
    #[pyo3(signature = (pretty=true))]
    fn to_json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        json_text(py, &self.inner, pretty)
    }

    fn __repr__(&self) -> String {
        format!(
            "Recommendations(genes={}, drugs={})",
            self.inner.genes.len(),
            self.inner.drugs.len()
        )
    }
}

// ---------------------------------------------------------------------------
// Reanalysis

/// One stored report read again with the engine's packs
/// (``Engine.reanalysis``): what changed for the patient, and the report
/// as it reads now.
///
/// Immutable. ``changes`` is a list of dicts (``kind``, ``before``,
/// ``after``, and ``drug``/``source`` with the guideline versions for a
/// drug's change or ``gene`` for a gene's); ``report`` is the new
/// ``Report`` (``report.to_json()`` writes it, ``report.to_html(previous=…)``
/// shows it with the changes).
#[pyclass(frozen, name = "Reanalysis", module = "dosera._native")]
struct PyReanalysis {
    inner: Reanalysis,
}

#[pymethods]
impl PyReanalysis {
    /// Sample name.
    #[getter]
    fn sample(&self) -> &str {
        &self.inner.sample
    }

    /// Schema version of the stored report.
    #[getter]
    fn old_schema_version(&self) -> u32 {
        self.inner.old_schema_version
    }

    /// dosera version that wrote the stored report.
    #[getter]
    fn old_engine_version(&self) -> &str {
        &self.inner.old_engine_version
    }

    /// Knowledge-pack release of the stored report.
    #[getter]
    fn old_release(&self) -> &str {
        &self.inner.old_release
    }

    /// Knowledge-pack release used now.
    #[getter]
    fn new_release(&self) -> &str {
        &self.inner.new_release
    }

    /// What changed, genes first: one dict per change.
    #[getter]
    fn changes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.changes)
    }

    /// True when any change alters the patient's results or advice (not
    /// only a guideline version or row id).
    #[getter]
    fn advice_changed(&self) -> bool {
        self.inner.advice_changed()
    }

    /// The report as it reads now.
    #[getter]
    fn report(&self, py: Python<'_>) -> PyResult<PyReport> {
        match &self.inner.report {
            Some(r) => Ok(PyReport { inner: r.clone() }),
            None => Err(raise(
                py,
                ErrorCode::Internal,
                "internal error: the reanalysis kept no report".into(),
            )),
        }
    }

    /// The change rows (``dosera.CHANGE_COLUMNS``), with ``file`` in the
    /// file column: the rows ``Engine.reanalyze`` lists for this report.
    #[pyo3(signature = (file=""))]
    fn rows(&self, file: &str) -> Vec<Vec<String>> {
        self.inner.rows(file)
    }

    /// The reanalysis as plain Python objects (``report`` as a dict).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }

    /// The reanalysis as JSON text.
    #[pyo3(signature = (pretty=true))]
    fn to_json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        json_text(py, &self.inner, pretty)
    }

    fn __repr__(&self) -> String {
        format!(
            "Reanalysis(sample={:?}, old_release={:?}, new_release={:?}, changes={})",
            self.inner.sample,
            self.inner.old_release,
            self.inner.new_release,
            self.inner.changes.len()
        )
    }
}

// ---------------------------------------------------------------------------
// Module

/// The JSON Schema of the report (a dict).
#[pyfunction]
fn report_schema(py: Python<'_>) -> PyResult<Py<PyAny>> {
    to_py(py, &dosera::report::json_schema())
}

/// ``(code, class name)`` for every error code of the core; the tests
/// check each class against the code's range.
#[pyfunction]
fn error_classes() -> Vec<(u32, &'static str)> {
    ErrorCode::ALL
        .iter()
        .map(|&c| (c as u32, class_name(c)))
        .collect()
}

/// Panics inside [`guard`], as a bug in the core would. It exists for the
/// boundary test (`tests/test_errors.py`), which checks that the panic
/// arrives as `dosera.InternalError` and that the interpreter and the
/// engine carry on.
#[pyfunction]
fn _panic_for_testing(py: Python<'_>, message: String) -> PyResult<()> {
    guard(py, move || -> Result<(), Error> { panic!("{message}") })
}

/// The sample names of a VCF or BCF, in column order (the header only is
/// read).
///
/// >>> dosera.vcf_samples("cohort.vcf.gz")  # doctest: +SKIP
/// ['S0000001', 'S0000002']
#[pyfunction]
fn vcf_samples(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let path = args::path(py, "path", path)?;
    guard(py, || Ok(VcfReader::from_path(&path)?.samples().to_vec()))
}

/// Checks that a Parquet file is a dosera table of the schema version this
/// package writes (metadata, and every column's name, type and
/// nullability); returns ``"genes"`` or ``"drugs"``. A file of another
/// shape raises ``InputError`` naming the first difference.
///
/// >>> dosera.check_parquet("tables/genes.parquet")  # doctest: +SKIP
/// 'genes'
#[pyfunction]
fn check_parquet(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<&'static str> {
    let path = args::path(py, "path", path)?;
    guard(py, || Ok(columns::check(&path)?.name()))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", dosera::ENGINE_VERSION)?;
    m.add_class::<Engine>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<Cohort>()?;
    m.add_class::<PyRecommendations>()?;
    m.add_class::<PyReanalysis>()?;
    m.add(
        "CHANGE_COLUMNS",
        pyo3::types::PyTuple::new(m.py(), CHANGE_COLUMNS)?,
    )?;
    m.add_function(wrap_pyfunction!(report_schema, m)?)?;
    m.add_function(wrap_pyfunction!(vcf_samples, m)?)?;
    m.add_function(wrap_pyfunction!(check_parquet, m)?)?;
    m.add_function(wrap_pyfunction!(error_classes, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_testing, m)?)?;
    Ok(())
}
