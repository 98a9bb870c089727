//! C API of dosera.
//!
//! A thin layer over the `dosera` crate: it converts types and errors and
//! nothing else. The header `include/dosera.h` is generated from this file
//! by cbindgen (see `build.rs`).
//!
//! Conventions, the same for every function:
//!
//! - Handles are opaque (`dosera_engine`, `dosera_result`); their `*_free`
//!   functions accept NULL.
//! - Every fallible call returns a `dosera_status` (`DOSERA_STATUS_OK` = 0)
//!   and writes its answer through the out-parameter, which is left untouched
//!   on failure. The status values are the stable `dosera::ErrorCode` numbers.
//! - The last failure on the calling thread is kept: `dosera_last_error_code`
//!   and `dosera_last_error_message`. Each call into the library clears it
//!   first.
//! - NULL arguments and invalid UTF-8 return `DOSERA_STATUS_USAGE`; a panic
//!   inside the library returns `DOSERA_STATUS_INTERNAL`. Nothing aborts the
//!   host process.
//! - Strings go in as (pointer, length) UTF-8, not NUL-terminated. Strings
//!   come out NUL-terminated and are freed only by `dosera_string_free`.
//!
//! Thread safety: a `dosera_engine` is immutable once made and may be used
//! from any number of threads at once. A `dosera_result` is immutable too and
//! may be read from several threads; free each handle once, after every
//! thread is done with it.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use dosera::input::vcf::VcfReader;
use dosera::pack::PackSet;
use dosera::report::changes::Change;
use dosera::report::html::Lang;
use dosera::report::stored::StoredReport;
use dosera::report::{fhir, html, reanalyze, Report};
use dosera::report::{SampleOutcome, VcfOptions};
use dosera::{Engine, Error, ErrorCode, Request};
use serde::Serialize;

/// Version of the C ABI. It changes whenever a function, type or status is
/// removed or changes meaning; the shared library's SONAME is
/// `libdosera.so.<DOSERA_ABI_VERSION>`.
pub const DOSERA_ABI_VERSION: u32 = 1;

/// Outcome of a call: `DOSERA_STATUS_OK` (0) or the stable error code of
/// `dosera::ErrorCode` (1xx input, 2xx knowledge pack, 3xx usage, 9xx
/// internal). NULL arguments and invalid UTF-8 are `DOSERA_STATUS_USAGE`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseraStatus {
    /// Success.
    Ok = 0,
    /// A gene symbol not in any loaded pack.
    UnknownGene = 101,
    /// An allele name the gene does not define.
    UnknownAllele = 102,
    /// A diplotype that could not be read.
    MalformedDiplotype = 103,
    /// A gene result that is none of the accepted forms.
    MalformedGeneResult = 104,
    /// A name that is no drug, brand name, ATC code or RxNorm id of the
    /// loaded packs (the message suggests close names).
    UnknownDrug = 105,
    /// A source other than cpic or dpwg.
    UnknownSource = 106,
    /// A VCF that cannot be read.
    InvalidVcf = 107,
    /// Input on a genome build other than GRCh38.
    UnsupportedBuild = 108,
    /// A sample name or index not in the VCF.
    UnknownSample = 109,
    /// An outside-call line that cannot be read.
    MalformedOutsideCall = 110,
    /// A report that cannot be read.
    MalformedReport = 111,
    /// Strict mode: a gene result given but not answered (a value not
    /// understood, a result the guideline has no row for).
    NonAnswer = 112,
    /// A known drug that no guideline of the loaded packs covers (looked up
    /// directly; a request naming one gets a warning instead).
    NoGuideline = 113,
    /// A pack file whose sha256 differs from its manifest.
    ChecksumMismatch = 201,
    /// A pack written for another schema version.
    SchemaVersion = 202,
    /// A pack that could not be parsed or fails a structural check.
    InvalidPack = 203,
    /// Upstream input to the importer that could not be read.
    Import = 204,
    /// Reading or writing a file failed.
    Io = 301,
    /// An invalid request: NULL argument, invalid UTF-8, bad options JSON,
    /// sample index out of range.
    Usage = 302,
    /// A bug inside the library (including a caught panic).
    Internal = 901,
}

impl DoseraStatus {
    /// Every status but `Ok`, for the drift test against `ErrorCode::ALL`.
    #[cfg(test)]
    const ERRORS: [DoseraStatus; 20] = [
        DoseraStatus::UnknownGene,
        DoseraStatus::UnknownAllele,
        DoseraStatus::MalformedDiplotype,
        DoseraStatus::MalformedGeneResult,
        DoseraStatus::UnknownDrug,
        DoseraStatus::UnknownSource,
        DoseraStatus::InvalidVcf,
        DoseraStatus::UnsupportedBuild,
        DoseraStatus::UnknownSample,
        DoseraStatus::MalformedOutsideCall,
        DoseraStatus::MalformedReport,
        DoseraStatus::NonAnswer,
        DoseraStatus::NoGuideline,
        DoseraStatus::ChecksumMismatch,
        DoseraStatus::SchemaVersion,
        DoseraStatus::InvalidPack,
        DoseraStatus::Import,
        DoseraStatus::Io,
        DoseraStatus::Usage,
        DoseraStatus::Internal,
    ];

    fn from_code(code: ErrorCode) -> DoseraStatus {
        match code {
            ErrorCode::UnknownGene => DoseraStatus::UnknownGene,
            ErrorCode::UnknownAllele => DoseraStatus::UnknownAllele,
            ErrorCode::MalformedDiplotype => DoseraStatus::MalformedDiplotype,
            ErrorCode::MalformedGeneResult => DoseraStatus::MalformedGeneResult,
            ErrorCode::UnknownDrug => DoseraStatus::UnknownDrug,
            ErrorCode::UnknownSource => DoseraStatus::UnknownSource,
            ErrorCode::InvalidVcf => DoseraStatus::InvalidVcf,
            ErrorCode::UnsupportedBuild => DoseraStatus::UnsupportedBuild,
            ErrorCode::UnknownSample => DoseraStatus::UnknownSample,
            ErrorCode::MalformedOutsideCall => DoseraStatus::MalformedOutsideCall,
            ErrorCode::MalformedReport => DoseraStatus::MalformedReport,
            ErrorCode::NonAnswer => DoseraStatus::NonAnswer,
            ErrorCode::NoGuideline => DoseraStatus::NoGuideline,
            ErrorCode::ChecksumMismatch => DoseraStatus::ChecksumMismatch,
            ErrorCode::SchemaVersion => DoseraStatus::SchemaVersion,
            ErrorCode::InvalidPack => DoseraStatus::InvalidPack,
            ErrorCode::Import => DoseraStatus::Import,
            ErrorCode::Io => DoseraStatus::Io,
            ErrorCode::Usage => DoseraStatus::Usage,
            ErrorCode::Internal => DoseraStatus::Internal,
            // A code added to core but not here: the drift test fails first.
            _ => DoseraStatus::Internal,
        }
    }
}

/// Loaded knowledge packs. Immutable; safe to share across threads.
pub struct DoseraEngine {
    engine: Engine,
}

/// The reports of one VCF evaluation, one per sample (in VCF order).
/// Immutable; safe to read from several threads.
pub struct DoseraResult {
    outcomes: Vec<SampleOutcome>,
}

// The handles cross threads in C: keep them Send + Sync by construction.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<DoseraEngine>();
    shareable::<DoseraResult>();
};

thread_local! {
    static LAST_ERROR: RefCell<Option<(DoseraStatus, String)>> = const { RefCell::new(None) };
}

/// Runs `f`, catching panics, and records a failure as the thread's last
/// error. Out-parameters are written by `f` only after everything else has
/// succeeded.
fn guard(f: impl FnOnce() -> Result<(), Error>) -> DoseraStatus {
    LAST_ERROR.with(|e| e.borrow_mut().take());
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        Err(Error::Internal(format!("panic: {text}")))
    });
    match outcome {
        Ok(()) => DoseraStatus::Ok,
        Err(e) => {
            let status = DoseraStatus::from_code(e.code());
            LAST_ERROR.with(|last| *last.borrow_mut() = Some((status, e.to_string())));
            status
        }
    }
}

fn null(name: &str) -> Error {
    Error::Usage(format!("argument `{name}` is NULL"))
}

/// The bytes at (`ptr`, `len`); NULL is accepted only with `len` 0.
///
/// # Safety
///
/// When not NULL, `ptr` must point to `len` readable bytes that stay
/// unchanged for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &str) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(name)) };
    }
    // SAFETY: not NULL, and the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The UTF-8 text at (`ptr`, `len`); NULL is an error.
///
/// # Safety
///
/// As for [`bytes`].
unsafe fn text<'a>(ptr: *const c_char, len: usize, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(null(name));
    }
    // SAFETY: forwarded from this function's contract.
    let raw = unsafe { bytes(ptr.cast(), len, name) }?;
    std::str::from_utf8(raw)
        .map_err(|e| Error::Usage(format!("argument `{name}` is not valid UTF-8: {e}")))
}

/// The handle behind `ptr`.
///
/// # Safety
///
/// `ptr` is NULL or a live handle made by this library.
unsafe fn handle<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller promises a live handle or NULL; `as_ref` checks NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(name))
}

/// Checks an out-parameter before any work is done.
fn out_ptr<T>(ptr: *mut T, name: &str) -> Result<*mut T, Error> {
    if ptr.is_null() {
        Err(null(name))
    } else {
        Ok(ptr)
    }
}

/// Writes `value` through a checked out-parameter.
///
/// # Safety
///
/// `out` is not NULL and is valid for a write of `T`.
unsafe fn put<T>(out: *mut T, value: T) {
    // SAFETY: the caller promises a writable, non-NULL pointer.
    unsafe { out.write(value) }
}

/// A Rust string as a C string owned by the caller (freed with
/// `dosera_string_free`).
fn c_string(s: String) -> Result<*mut c_char, Error> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| Error::Internal("output text holds a NUL byte".into()))
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Internal(format!("JSON: {e}")))
}

/// Returns the ABI version this library was built with; compare it with
/// `DOSERA_ABI_VERSION` from the header the program was compiled against.
///
/// # Safety
///
/// Always safe to call.
#[no_mangle]
pub extern "C" fn dosera_abi_version() -> u32 {
    DOSERA_ABI_VERSION
}

/// Version of the dosera engine, as a static NUL-terminated string.
///
/// \warning The string is static: do not free it.
///
/// # Safety
///
/// Always safe to call; the returned pointer is valid for the life of the
/// process and must not be freed.
#[no_mangle]
pub extern "C" fn dosera_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// Status of the last failed call on this thread, or `DOSERA_STATUS_OK`
/// when the last call succeeded.
///
/// # Safety
///
/// Always safe to call.
#[no_mangle]
pub extern "C" fn dosera_last_error_code() -> DoseraStatus {
    LAST_ERROR.with(|e| e.borrow().as_ref().map_or(DoseraStatus::Ok, |(s, _)| *s))
}

/// Message of the last failed call on this thread (lower-case, one line),
/// or NULL when the last call succeeded.
///
/// \warning The string is the caller's: free it with `dosera_string_free`.
///
/// # Safety
///
/// Always safe to call.
#[no_mangle]
pub extern "C" fn dosera_last_error_message() -> *mut c_char {
    let message = LAST_ERROR.with(|e| e.borrow().as_ref().map(|(_, m)| m.clone()));
    match message {
        Some(m) => CString::new(m.replace('\0', " "))
            .map(CString::into_raw)
            .unwrap_or(std::ptr::null_mut()),
        None => std::ptr::null_mut(),
    }
}

/// Frees a string returned by this library. NULL is accepted.
///
/// \pre `s` is NULL or a string from this library, not yet freed.
/// \warning Only strings this library returned may be passed here, once.
///
/// # Safety
///
/// `s` must be NULL or a pointer returned by a dosera function that hands
/// out strings, not freed before.
#[no_mangle]
pub unsafe extern "C" fn dosera_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: the caller promises `s` came from `CString::into_raw` here.
    drop(unsafe { CString::from_raw(s) });
}

fn give_engine(out: *mut *mut DoseraEngine, engine: Engine) {
    let handle = Box::into_raw(Box::new(DoseraEngine { engine }));
    // SAFETY: every caller checked `out` with `out_ptr` first.
    unsafe { put(out, handle) };
}

/// Makes an engine over the knowledge packs bundled in this library.
///
/// \pre `out` is not NULL.
/// \warning Free the engine with `dosera_engine_free`.
///
/// # Safety
///
/// `out` must be NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_new(out: *mut *mut DoseraEngine) -> DoseraStatus {
    guard(|| {
        let out = out_ptr(out, "out")?;
        give_engine(out, Engine::bundled()?);
        Ok(())
    })
}

/// Makes an engine over a pack folder holding `MANIFEST.toml` (e.g. a newer
/// release). Every file's sha256 is checked: a changed file gives
/// `DOSERA_STATUS_CHECKSUM_MISMATCH`.
///
/// \pre `path` points to `path_len` bytes of UTF-8; `out` is not NULL.
/// \warning Free the engine with `dosera_engine_free`.
///
/// # Safety
///
/// `path` must be NULL or point to `path_len` readable bytes; `out` must be
/// NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_from_dir(
    path: *const c_char,
    path_len: usize,
    out: *mut *mut DoseraEngine,
) -> DoseraStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let path = unsafe { text(path, path_len, "path") }?;
        let out = out_ptr(out, "out")?;
        give_engine(out, Engine::from_dir(Path::new(path))?);
        Ok(())
    })
}

/// Makes an engine over one knowledge pack held in memory, as a single JSON
/// document (the form the library embeds). There is no manifest: the engine
/// reports the pack's own release and the sha256 of these bytes.
///
/// \pre `data` points to `data_len` bytes; `out` is not NULL.
/// \warning Free the engine with `dosera_engine_free`. The bytes are not
/// kept: they may be freed once this returns.
///
/// # Safety
///
/// `data` must be NULL or point to `data_len` readable bytes; `out` must be
/// NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_from_pack_bytes(
    data: *const u8,
    data_len: usize,
    out: *mut *mut DoseraEngine,
) -> DoseraStatus {
    guard(|| {
        if data.is_null() {
            return Err(null("data"));
        }
        // SAFETY: forwarded from this function's contract.
        let data = unsafe { bytes(data, data_len, "data") }?;
        let out = out_ptr(out, "out")?;
        give_engine(out, Engine::new(PackSet::from_bytes(&[data])?));
        Ok(())
    })
}

/// Frees an engine. NULL is accepted.
///
/// \pre No other thread is using the engine.
/// \warning Results made with the engine stay valid after it is freed.
///
/// # Safety
///
/// `engine` must be NULL or a handle from a `dosera_engine_*` constructor,
/// not freed before and not in use on another thread.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_free(engine: *mut DoseraEngine) {
    if engine.is_null() {
        return;
    }
    // SAFETY: the caller hands back a live handle from `Box::into_raw`.
    drop(unsafe { Box::from_raw(engine) });
}

/// Writes one string answer made by `f` from the engine.
///
/// # Safety
///
/// `engine` is NULL or a live engine; `out` is NULL or writable.
unsafe fn engine_text(
    engine: *const DoseraEngine,
    out: *mut *mut c_char,
    f: impl FnOnce(&Engine) -> Result<String, Error>,
) -> DoseraStatus {
    guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let engine = unsafe { handle(engine, "engine") }?;
        let out = out_ptr(out, "out")?;
        let s = c_string(f(&engine.engine)?)?;
        // SAFETY: `out` was checked above and is writable by contract.
        unsafe { put(out, s) };
        Ok(())
    })
}

/// The genes of the loaded packs, as a JSON array (symbol, sources,
/// phenotyping methods, allele count, drugs).
///
/// \pre `engine` and `out` are not NULL.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_genes_json(
    engine: *const DoseraEngine,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { engine_text(engine, out, |e| json(&e.genes())) }
}

/// The drugs with a guideline in the loaded packs, as a JSON array.
///
/// \pre `engine` and `out` are not NULL.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_drugs_json(
    engine: *const DoseraEngine,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { engine_text(engine, out, |e| json(&e.drugs())) }
}

/// The pack releases of the engine, as a JSON object: `engine_version`,
/// `release`, `sha256` and `packs` (`source`, `release`, `license`,
/// `attribution` each): `dosera::Engine::releases`.
///
/// \pre `engine` and `out` are not NULL.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_engine_pack_releases_json(
    engine: *const DoseraEngine,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { engine_text(engine, out, |e| json(&e.releases())) }
}

/// The calculator path: gene results in, matching recommendations out.
///
/// The request is the JSON form of `dosera::Request`:
/// `{"genes": [{"gene": "CYP2C19", "value": "Poor Metabolizer"}], "drugs": ["clopidogrel"],
/// "sources": ["cpic"], "strict": false, "lang": "en"}` (`drugs`, `sources`,
/// `strict` and `lang` optional; empty means all; `lang` is `en` or `sv`,
/// the language of the clinical text). The answer is the JSON of
/// `dosera::Recommendations`; each drug lists its `non_answers` (genes whose
/// result the answer does not use, and why). With `"strict": true` a gene
/// result given but not answered fails with `DOSERA_STATUS_NON_ANSWER`.
///
/// \pre `engine`, `request` and `out` are not NULL; `request` is UTF-8.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `request` must be NULL or point
/// to `request_len` readable bytes; `out` must be NULL or valid for writing
/// one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_evaluate_json(
    engine: *const DoseraEngine,
    request: *const c_char,
    request_len: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: `request` is forwarded from this function's contract.
    let request = unsafe { text(request, request_len, "request") };
    // SAFETY: forwarded from this function's contract.
    unsafe {
        engine_text(engine, out, |e| {
            let request: Request = serde_json::from_str(request?)
                .map_err(|err| Error::Usage(format!("request JSON: {err}")))?;
            json(&e.recommend(&request)?)
        })
    }
}

/// What `dosera_reanalyze_json` answers: `dosera::report::reanalyze::Reanalysis`
/// without the new report, with `advice_changed`.
#[derive(Serialize)]
struct ReanalysisAnswer<'a> {
    sample: &'a str,
    old_schema_version: u32,
    old_engine_version: &'a str,
    old_release: &'a str,
    new_release: &'a str,
    advice_changed: bool,
    changes: &'a [Change],
}

/// The drug names of a JSON array (`["clopidogrel"]`), as the packs spell
/// them; empty bytes: none (the default drugs).
fn parse_drugs(engine: &Engine, raw: &[u8]) -> Result<Vec<String>, Error> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let text = std::str::from_utf8(raw)
        .map_err(|e| Error::Usage(format!("argument `drugs` is not valid UTF-8: {e}")))?;
    let names: Vec<String> = serde_json::from_str(text)
        .map_err(|e| Error::Usage(format!("drugs JSON (an array of names): {e}")))?;
    names.iter().map(|d| engine.drug_name(d)).collect()
}

/// Reads a stored JSON report (any report schema version: 1, 2 or 3) again
/// with the engine's knowledge packs and answers what changed for the
/// patient, as `dosera reanalyze` does for one report.
///
/// `drugs` is a JSON array of drug names (`["clopidogrel"]`), or NULL with
/// length 0 for the default: the drugs the report lists and, for a report
/// of every drug, any drug the packs now cover for its genes. The answer is
/// a JSON object: `sample`, `old_schema_version`, `old_engine_version`,
/// `old_release` (the stored report's pack release), `new_release` (the
/// engine's), `advice_changed` (true when a change alters the patient's
/// results or advice, not only a guideline version or row id) and
/// `changes`: one object per change, genes first, with the fields of
/// `dosera::report::changes::Change` (`kind`, what changed: `phenotype`,
/// `action`, `dose`, `guideline_added`, …; `before` and `after`; `gene`;
/// and for a drug's change `drug`, `source`, `old_guideline_version` and
/// `new_guideline_version`), each left out where it does not apply. The new report itself is not
/// included. A report that cannot be read gives
/// `DOSERA_STATUS_MALFORMED_REPORT`; an unknown drug
/// `DOSERA_STATUS_UNKNOWN_DRUG`.
///
/// \pre `engine`, `report` and `out` are not NULL; strings are UTF-8.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `report` and `drugs` must be NULL
/// or point to as many readable bytes as their lengths say; `out` must be
/// NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_reanalyze_json(
    engine: *const DoseraEngine,
    report: *const c_char,
    report_len: usize,
    drugs: *const c_char,
    drugs_len: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    let report = unsafe { text(report, report_len, "report") };
    // SAFETY: forwarded from this function's contract.
    let drugs = unsafe { bytes(drugs.cast(), drugs_len, "drugs") };
    // SAFETY: forwarded from this function's contract.
    unsafe {
        engine_text(engine, out, |e| {
            let drugs = parse_drugs(e, drugs?)?;
            let stored = StoredReport::from_json(report?)?;
            let r = reanalyze::reanalyze(e, &stored, &drugs)?;
            json(&ReanalysisAnswer {
                sample: &r.sample,
                old_schema_version: r.old_schema_version,
                old_engine_version: &r.old_engine_version,
                old_release: &r.old_release,
                new_release: &r.new_release,
                advice_changed: r.advice_changed(),
                changes: &r.changes,
            })
        })
    }
}

fn parse_options(raw: &[u8]) -> Result<VcfOptions, Error> {
    if raw.is_empty() {
        return Ok(VcfOptions::default());
    }
    let text = std::str::from_utf8(raw)
        .map_err(|e| Error::Usage(format!("argument `options` is not valid UTF-8: {e}")))?;
    serde_json::from_str(text).map_err(|e| Error::Usage(format!("options JSON: {e}")))
}

fn evaluate(
    engine: &Engine,
    mut reader: VcfReader,
    options: VcfOptions,
) -> Result<DoseraResult, Error> {
    let outcomes = dosera::evaluate(engine, &mut reader, &options)?;
    Ok(DoseraResult { outcomes })
}

/// Evaluates a VCF file (plain, bgzip or BCF; GRCh38): gene calls,
/// phenotypes and recommendations for each sample.
///
/// `options` is JSON, or NULL with length 0 for the defaults:
/// `{"sample": "NAME or index", "outside": "outside-call TSV text",
/// "drugs": [...], "genes": [...], "assume_reference": false,
/// "all_matches": false, "combinations": false, "cyp2d6": false,
/// "sex": "male" | "female", "strict": false}`. With `"strict": true`, a gene
/// result given but not answered in any sample (a value not understood, a
/// result the guideline has no row for) fails the call with
/// `DOSERA_STATUS_NON_ANSWER`, naming each sample and non-answer.
///
/// \pre `engine`, `path` and `out` are not NULL; strings are UTF-8.
/// \warning Free the result with `dosera_result_free`. A sample that could
/// not be reported is kept in the result; its getters return its error.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `path` and `options` must be
/// NULL or point to as many readable bytes as their lengths say; `out` must
/// be NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_evaluate_vcf_path(
    engine: *const DoseraEngine,
    path: *const c_char,
    path_len: usize,
    options: *const c_char,
    options_len: usize,
    out: *mut *mut DoseraResult,
) -> DoseraStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let engine = unsafe { handle(engine, "engine") }?;
        // SAFETY: forwarded from this function's contract.
        let path = unsafe { text(path, path_len, "path") }?;
        // SAFETY: forwarded from this function's contract.
        let options = parse_options(unsafe { bytes(options.cast(), options_len, "options") }?)?;
        let out = out_ptr(out, "out")?;
        let reader = VcfReader::from_path(Path::new(path))?;
        let result = evaluate(&engine.engine, reader, options)?;
        // SAFETY: `out` was checked above and is writable by contract.
        unsafe { put(out, Box::into_raw(Box::new(result))) };
        Ok(())
    })
}

/// Evaluates a VCF held in memory (plain, bgzip or BCF; GRCh38). Options as
/// for `dosera_evaluate_vcf_path`.
///
/// \pre `engine`, `data` and `out` are not NULL.
/// \warning Free the result with `dosera_result_free`. The bytes are copied:
/// they may be freed once this returns.
///
/// # Safety
///
/// `engine` must be NULL or a live engine; `data` and `options` must be NULL
/// or point to as many readable bytes as their lengths say; `out` must be
/// NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_evaluate_vcf_bytes(
    engine: *const DoseraEngine,
    data: *const u8,
    data_len: usize,
    options: *const c_char,
    options_len: usize,
    out: *mut *mut DoseraResult,
) -> DoseraStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let engine = unsafe { handle(engine, "engine") }?;
        if data.is_null() {
            return Err(null("data"));
        }
        // SAFETY: forwarded from this function's contract.
        let data = unsafe { bytes(data, data_len, "data") }?;
        // SAFETY: forwarded from this function's contract.
        let options = parse_options(unsafe { bytes(options.cast(), options_len, "options") }?)?;
        let out = out_ptr(out, "out")?;
        let reader = VcfReader::from_bytes(data.to_vec())?;
        let result = evaluate(&engine.engine, reader, options)?;
        // SAFETY: `out` was checked above and is writable by contract.
        unsafe { put(out, Box::into_raw(Box::new(result))) };
        Ok(())
    })
}

/// Frees a result. NULL is accepted.
///
/// \pre No other thread is reading the result.
///
/// # Safety
///
/// `result` must be NULL or a handle from `dosera_evaluate_vcf_*`, not freed
/// before and not in use on another thread.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_free(result: *mut DoseraResult) {
    if result.is_null() {
        return;
    }
    // SAFETY: the caller hands back a live handle from `Box::into_raw`.
    drop(unsafe { Box::from_raw(result) });
}

/// Number of samples in a result.
///
/// \pre `result` and `out` are not NULL.
///
/// # Safety
///
/// `result` must be NULL or a live result; `out` must be NULL or valid for
/// writing one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_sample_count(
    result: *const DoseraResult,
    out: *mut usize,
) -> DoseraStatus {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let result = unsafe { handle(result, "result") }?;
        let out = out_ptr(out, "out")?;
        // SAFETY: `out` was checked above and is writable by contract.
        unsafe { put(out, result.outcomes.len()) };
        Ok(())
    })
}

/// The report of sample `index`, or its error when it could not be reported.
fn report(result: &DoseraResult, index: usize) -> Result<&Report, Error> {
    match result.outcomes.get(index) {
        None => Err(Error::Usage(format!(
            "sample index {index} is out of range (the result has {})",
            result.outcomes.len()
        ))),
        Some(SampleOutcome::Report(r)) => Ok(r),
        Some(SampleOutcome::Failed(f)) => Err(f.to_error()),
    }
}

/// Writes one string answer made by `f` from the result.
///
/// # Safety
///
/// `result` is NULL or a live result; `out` is NULL or writable.
unsafe fn result_text(
    result: *const DoseraResult,
    out: *mut *mut c_char,
    f: impl FnOnce(&DoseraResult) -> Result<String, Error>,
) -> DoseraStatus {
    guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let result = unsafe { handle(result, "result") }?;
        let out = out_ptr(out, "out")?;
        let s = c_string(f(result)?)?;
        // SAFETY: `out` was checked above and is writable by contract.
        unsafe { put(out, s) };
        Ok(())
    })
}

/// Name of sample `index` (also for a sample that could not be reported).
///
/// \pre `result` and `out` are not NULL; `index` < the sample count.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `result` must be NULL or a live result; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_sample_name(
    result: *const DoseraResult,
    index: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        result_text(result, out, |r| match r.outcomes.get(index) {
            Some(o) => Ok(o.sample().to_string()),
            None => report(r, index).map(|_| String::new()),
        })
    }
}

/// Every report of the result as JSON: one object for a single sample, an
/// array for several (the same text as `dosera report --format json`).
///
/// \pre `result` and `out` are not NULL.
/// \warning Free `*out` with `dosera_string_free`. Fails with
/// `DOSERA_STATUS_INTERNAL` when a sample could not be reported; its own
/// getters still work for the other samples.
///
/// # Safety
///
/// `result` must be NULL or a live result; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_json(
    result: *const DoseraResult,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        result_text(result, out, |r| {
            let reports = (0..r.outcomes.len())
                .map(|i| report(r, i))
                .collect::<Result<Vec<_>, _>>()?;
            match reports.as_slice() {
                [one] => json(one),
                many => json(many),
            }
        })
    }
}

/// The report of sample `index` as JSON (one object).
///
/// \pre `result` and `out` are not NULL; `index` < the sample count.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `result` must be NULL or a live result; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_sample_json(
    result: *const DoseraResult,
    index: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { result_text(result, out, |r| json(report(r, index)?)) }
}

/// The clinician's HTML page for sample `index` (self-contained), in
/// language `lang` (`"en"` or `"sv"`, as (pointer, length) UTF-8).
///
/// \pre `result`, `lang` and `out` are not NULL; `index` < the sample count.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `result` must be NULL or a live result; `lang` must be NULL or point to
/// `lang_len` readable bytes; `out` must be NULL or valid for writing one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_sample_html(
    result: *const DoseraResult,
    index: usize,
    lang: *const c_char,
    lang_len: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    let lang = unsafe { text(lang, lang_len, "lang") };
    // SAFETY: forwarded from this function's contract.
    unsafe {
        result_text(result, out, |r| {
            let lang: Lang = lang?
                .parse()
                .map_err(|e: html::UnknownLang| Error::Usage(e.to_string()))?;
            Ok(html::render(report(r, index)?, lang))
        })
    }
}

/// The clinician's HTML page for sample `index`, as
/// `dosera_result_sample_html`, opening with what changed since an earlier
/// report of the patient: `previous` is that report's JSON (any report
/// schema version), as `dosera report --previous` takes it. An earlier
/// report that cannot be read gives `DOSERA_STATUS_MALFORMED_REPORT`.
///
/// \pre `result`, `lang`, `previous` and `out` are not NULL; `index` < the
/// sample count.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `result` must be NULL or a live result; `lang` and `previous` must be
/// NULL or point to as many readable bytes as their lengths say; `out` must
/// be NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_sample_html_since(
    result: *const DoseraResult,
    index: usize,
    lang: *const c_char,
    lang_len: usize,
    previous: *const c_char,
    previous_len: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    let lang = unsafe { text(lang, lang_len, "lang") };
    // SAFETY: forwarded from this function's contract.
    let previous = unsafe { text(previous, previous_len, "previous") };
    // SAFETY: forwarded from this function's contract.
    unsafe {
        result_text(result, out, |r| {
            let lang: Lang = lang?
                .parse()
                .map_err(|e: html::UnknownLang| Error::Usage(e.to_string()))?;
            let earlier = StoredReport::from_json(previous?)?;
            Ok(html::render_since(report(r, index)?, &earlier, lang))
        })
    }
}

/// The report of sample `index` as an HL7 FHIR R4 Bundle (JSON).
///
/// \pre `result` and `out` are not NULL; `index` < the sample count.
/// \warning Free `*out` with `dosera_string_free`.
///
/// # Safety
///
/// `result` must be NULL or a live result; `out` must be NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn dosera_result_sample_fhir(
    result: *const DoseraResult,
    index: usize,
    out: *mut *mut c_char,
) -> DoseraStatus {
    // SAFETY: forwarded from this function's contract.
    unsafe { result_text(result, out, |r| Ok(fhir::bundle_json(report(r, index)?))) }
}

#[cfg(test)]
mod tests;
