//! WebAssembly build of dosera, for browsers and Node.js.
//!
//! A thin layer over the `dosera` crate, made for `wasm32-unknown-unknown`
//! and processed by the `wasm-bindgen` CLI (see `scripts/build-wasm`). It
//! converts types and errors and nothing else:
//!
//! - Values cross as plain JS objects with the same field names and shapes
//!   as the JSON the Rust API, the C API and the CLI write (snake_case), so
//!   one document describes all of them. TypeScript definitions for each are
//!   in `types.d.ts`, shipped with the package.
//! - Every failure is a JS `Error` whose `name` is `"DoseraError"`, with
//!   `code` (the stable number of `dosera::ErrorCode`, also exported as the
//!   `ErrorCode` enum) and `codeName` (`"UnknownGene"`).
//! - Nothing is fetched: the knowledge packs are inside the module, and a
//!   VCF is read from the bytes the page hands over.
//!
//! ```js
//! import init, { Engine, ErrorCode } from "dosera-wasm";
//! await init();
//! const engine = new Engine();
//! const result = engine.recommend({
//!   genes: [{ gene: "CYP2C19", value: "*2/*2" }],
//!   drugs: ["clopidogrel"],
//! });
//! console.log(result.drugs[0].matches[0].action); // "use_alternative"
//! try {
//!   engine.interpret("CYP2C19", "*2/*99");
//! } catch (e) {
//!   console.log(e.code === ErrorCode.UnknownAllele); // true
//! }
//! ```

use dosera::input::vcf::VcfReader;
use dosera::pack::{Action, DoseAdjustment, PackSet};
use dosera::report::changes::Change;
use dosera::report::html::{self, Lang};
use dosera::report::stored::StoredReport;
use dosera::report::{fhir, reanalyze, Report};
use dosera::report::{SampleOutcome, VcfOptions};
use dosera::{Error, GeneInput, Request};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(test)]
mod typescript;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

/// The stable error codes of dosera (`code` of every error thrown).
///
/// 1xx: the input could not be evaluated; 2xx: a knowledge-pack problem;
/// 3xx: usage (a bad argument); 9xx: a bug inside the library.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A gene symbol not in any loaded pack.
    UnknownGene = 101,
    /// An allele name the gene does not define.
    UnknownAllele = 102,
    /// A diplotype that could not be read.
    MalformedDiplotype = 103,
    /// A gene result that is none of the accepted forms.
    MalformedGeneResult = 104,
    /// A drug with no guideline in the loaded packs.
    UnknownDrug = 105,
    /// A source other than cpic or dpwg.
    UnknownSource = 106,
    /// A VCF that cannot be read.
    InvalidVcf = 107,
    /// Input on a genome build other than GRCh38.
    UnsupportedBuild = 108,
    /// A sample name or index not in the VCF.
    UnknownSample = 109,
    /// Outside calls that cannot be read.
    MalformedOutsideCall = 110,
    /// A report that cannot be read.
    MalformedReport = 111,
    /// Strict mode: a gene result given but not answered.
    NonAnswer = 112,
    /// A known drug that no guideline of the loaded packs covers.
    NoGuideline = 113,
    /// A pack whose sha256 differs from its manifest.
    ChecksumMismatch = 201,
    /// A pack written for another schema version.
    SchemaVersion = 202,
    /// A pack that could not be parsed or fails a structural check.
    InvalidPack = 203,
    /// Upstream input to the importer that could not be read.
    Import = 204,
    /// Reading or writing failed.
    Io = 301,
    /// A bad argument: wrong type, unknown option, bad language.
    Usage = 302,
    /// A bug inside the library.
    Internal = 901,
}

impl ErrorCode {
    /// The code exported for a core code.
    fn from_core(code: dosera::ErrorCode) -> ErrorCode {
        use dosera::ErrorCode as C;
        match code {
            C::UnknownGene => ErrorCode::UnknownGene,
            C::UnknownAllele => ErrorCode::UnknownAllele,
            C::MalformedDiplotype => ErrorCode::MalformedDiplotype,
            C::MalformedGeneResult => ErrorCode::MalformedGeneResult,
            C::UnknownDrug => ErrorCode::UnknownDrug,
            C::UnknownSource => ErrorCode::UnknownSource,
            C::InvalidVcf => ErrorCode::InvalidVcf,
            C::UnsupportedBuild => ErrorCode::UnsupportedBuild,
            C::UnknownSample => ErrorCode::UnknownSample,
            C::MalformedOutsideCall => ErrorCode::MalformedOutsideCall,
            C::MalformedReport => ErrorCode::MalformedReport,
            C::NonAnswer => ErrorCode::NonAnswer,
            C::NoGuideline => ErrorCode::NoGuideline,
            C::ChecksumMismatch => ErrorCode::ChecksumMismatch,
            C::SchemaVersion => ErrorCode::SchemaVersion,
            C::InvalidPack => ErrorCode::InvalidPack,
            C::Import => ErrorCode::Import,
            C::Io => ErrorCode::Io,
            C::Usage => ErrorCode::Usage,
            C::Internal => ErrorCode::Internal,
            // A code added to core but not here: the drift test fails first.
            _ => ErrorCode::Internal,
        }
    }
}

/// A `dosera::Error` as a JS `Error` with `code` and `codeName`.
fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("DoseraError");
    let code = ErrorCode::from_core(e.code());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &(code as u32).into());
    let _ = js_sys::Reflect::set(&err, &"codeName".into(), &format!("{code:?}").into());
    err.into()
}

type JsResult<T> = Result<T, JsValue>;

fn fail<T>(e: Error) -> JsResult<T> {
    Err(js_error(&e))
}

/// Set once a panic has been turned into an error: the module is then not
/// trusted again (see [`start`]).
static STOPPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Refuses every call once the module has stopped.
fn alive() -> JsResult<()> {
    if STOPPED.load(std::sync::atomic::Ordering::Relaxed) {
        return fail(Error::Internal(
            "an earlier internal error stopped the dosera module; reload it".into(),
        ));
    }
    Ok(())
}

/// Runs when the module is instantiated: a panic (a bug) becomes a
/// `DoseraError` with code 901 instead of a bare WebAssembly trap.
///
/// The module is built with `panic = "abort"` (there is no unwinding in
/// wasm32 on stable Rust), so a panic cannot be caught and the call cannot
/// be finished. The hook throws the error as a JS exception, which leaves
/// the module's frames without running their destructors; what they held
/// may be inconsistent. So the module stops: every later call throws the
/// same kind of error, asking for a reload, rather than run on state a
/// panic left behind.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        STOPPED.store(true, std::sync::atomic::Ordering::Relaxed);
        let what = info.payload_as_str().unwrap_or("unknown cause");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let error = Error::Internal(format!(
            "panic: {what}{place}; the dosera module stopped and must be reloaded"
        ));
        wasm_bindgen::throw_val(js_error(&error));
    }));
}

/// Panics, as a bug in the core would. It exists for the boundary test
/// (`tests/errors.test.mjs`), which checks that the panic arrives as a
/// `DoseraError` with code 901 and that later calls are refused cleanly.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__panicForTesting")]
pub fn panic_for_testing(message: String) -> JsResult<()> {
    alive()?;
    panic!("{message}");
}

/// A Rust value as the JS object its JSON describes.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| js_error(&Error::Internal(format!("JSON: {e}"))))?;
    js_sys::JSON::parse(&text)
}

/// A JS value read as `T` through its JSON form; anything else is a usage
/// error naming `what`.
fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> JsResult<T> {
    let usage = |detail: String| js_error(&Error::Usage(format!("{what}: {detail}")));
    if value.is_undefined() {
        return Err(usage("missing".into()));
    }
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|_| usage("cannot be written as JSON".into()))?
        .into();
    serde_json::from_str(&text).map_err(|e| usage(e.to_string()))
}

/// A JS string argument; anything else is a usage error naming `what`
/// (a `&str` parameter would leave a non-string to wasm-bindgen's glue,
/// which fails with a `TypeError` or a trap instead of a `DoseraError`).
fn string(value: &JsValue, what: &str) -> JsResult<String> {
    value
        .as_string()
        .ok_or_else(|| js_error(&Error::Usage(format!("{what}: expected a string"))))
}

fn lang(code: &JsValue) -> JsResult<Lang> {
    string(code, "language")?
        .parse()
        .map_err(|e: html::UnknownLang| js_error(&Error::Usage(e.to_string())))
}

/// Version of the dosera engine.
#[wasm_bindgen]
pub fn version() -> String {
    dosera::ENGINE_VERSION.to_string()
}

/// Every error code with its name, from the engine itself:
/// `{ UnknownGene: 101, … }`.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "Record<string, number>")]
pub fn error_codes() -> JsResult<JsValue> {
    alive()?;
    let map: serde_json::Map<String, serde_json::Value> = dosera::ErrorCode::ALL
        .iter()
        .map(|c| (format!("{c:?}"), serde_json::Value::from(*c as u32)))
        .collect();
    to_js(&map)
}

/// The action of a recommendation in words (`"avoid"` → `"undvik"` in
/// Swedish).
#[wasm_bindgen(js_name = actionText)]
pub fn action_text(
    #[wasm_bindgen(unchecked_param_type = "Action")] action: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang")] language: JsValue,
) -> JsResult<String> {
    alive()?;
    let action: Action = from_js(&action, "action")?;
    Ok(html::action_text(action, lang(&language)?).to_string())
}

/// Why a drug's answer does not use a gene result, in words (one entry of
/// a drug result's `non_answers`: `CYP2D6 *1/*44x: given but not
/// understood (…)`, in Swedish `… angiven men kunde inte tolkas (…)`).
#[wasm_bindgen(js_name = nonAnswerText)]
pub fn non_answer_text(
    #[wasm_bindgen(unchecked_param_type = "NonAnswer")] non_answer: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang")] language: JsValue,
) -> JsResult<String> {
    alive()?;
    let n: dosera::NonAnswer = from_js(&non_answer, "non_answer")?;
    Ok(html::non_answer_text(&n, lang(&language)?))
}

/// A dose adjustment in words (`50% of the usual starting dose`).
#[wasm_bindgen(js_name = doseText)]
pub fn dose_text(
    #[wasm_bindgen(unchecked_param_type = "DoseAdjustment")] dose: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang")] language: JsValue,
) -> JsResult<String> {
    alive()?;
    let dose: DoseAdjustment = from_js(&dose, "dose")?;
    Ok(html::dose_text(&dose, lang(&language)?))
}

/// The primary dose of a matched recommendation in words, from its facts
/// (`25–50% of the usual starting dose`, `84 mg per dose, once daily`), or
/// `undefined` when the row gives no dose: the words every output uses.
#[wasm_bindgen(js_name = matchDoseText)]
pub fn match_dose_text(
    #[wasm_bindgen(unchecked_param_type = "Match")] m: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang")] language: JsValue,
) -> JsResult<Option<String>> {
    alive()?;
    let m: dosera::Match = from_js(&m, "match")?;
    Ok(m.dose_text(lang(&language)?))
}

/// A recommendation's strength as published, in words (`Strong` →
/// `stark` in Swedish).
#[wasm_bindgen(js_name = strengthText)]
pub fn strength_text(
    value: String,
    #[wasm_bindgen(unchecked_param_type = "Lang")] language: JsValue,
) -> JsResult<String> {
    alive()?;
    Ok(dosera::pack::words::strength(&value, lang(&language)?))
}

/// The clinician's page for a report (self-contained HTML, no outside
/// loads), in `"en"` or `"sv"`. With `previous`, an earlier report of the
/// patient (any report schema version, as an object or its JSON text), the
/// page opens with what changed since (`dosera report --previous`).
#[wasm_bindgen(js_name = reportHtml)]
pub fn report_html(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang")] language: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | object")] previous: JsValue,
) -> JsResult<String> {
    alive()?;
    let report = read_report(&report)?;
    let language = lang(&language)?;
    if previous.is_undefined() || previous.is_null() {
        return Ok(html::render(&report, language));
    }
    let earlier = read_stored(&previous, "previous")?;
    Ok(html::render_since(&report, &earlier, language))
}

/// A stored report of any schema version, given as its JSON text or as an
/// object.
fn read_stored(value: &JsValue, what: &str) -> JsResult<StoredReport> {
    let text: String = if let Some(text) = value.as_string() {
        text
    } else if value.is_object() && !js_sys::Array::is_array(value) {
        js_sys::JSON::stringify(value)
            .map_err(|_| js_error(&Error::Usage(format!("{what}: cannot be written as JSON"))))?
            .into()
    } else if value.is_undefined() || value.is_null() {
        return fail(Error::Usage(format!("{what}: missing")));
    } else {
        return fail(Error::Usage(format!(
            "{what}: expected a stored report (an object or its JSON text)"
        )));
    };
    StoredReport::from_json(&text).map_err(|e| js_error(&e))
}

/// What `Engine.reanalyze` answers: the core's reanalysis without the new
/// report, with `advice_changed` (the object the C API's
/// `dosera_reanalyze_json` writes).
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct ReanalysisResult<'a> {
    /// The sample.
    sample: &'a str,
    /// Schema version of the stored report.
    old_schema_version: u32,
    /// dosera version that wrote the stored report.
    old_engine_version: &'a str,
    /// Knowledge-pack release of the stored report.
    old_release: &'a str,
    /// Knowledge-pack release used now.
    new_release: &'a str,
    /// True when any change alters the patient's results or advice (not
    /// only a guideline version or row id).
    advice_changed: bool,
    /// What changed, genes first.
    changes: &'a [Change],
}

/// A report as an HL7 FHIR R4 Bundle (JSON text).
#[wasm_bindgen(js_name = reportFhir)]
pub fn report_fhir(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
) -> JsResult<String> {
    alive()?;
    Ok(fhir::bundle_json(&read_report(&report)?))
}

fn read_report(value: &JsValue) -> JsResult<Report> {
    if value.is_undefined() || value.is_null() {
        return fail(Error::Usage("report: missing".into()));
    }
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|_| js_error(&Error::Usage("report: cannot be written as JSON".into())))?
        .into();
    Report::from_json(&text).map_err(|e| js_error(&e))
}

/// Loaded knowledge packs: the calculator's engine.
#[wasm_bindgen]
pub struct Engine {
    inner: dosera::Engine,
}

/// The outcome of a VCF evaluation: one entry per sample, in file order.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct VcfResult<'a> {
    /// Every sample evaluated.
    samples: Vec<SampleResult<'a>>,
}

/// One sample: its report, or the error that kept it from being reported.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct SampleResult<'a> {
    /// Sample name from the VCF header.
    sample: &'a str,
    /// The report; null when the sample failed.
    report: Option<&'a Report>,
    /// Why the sample has no report; null when it has one.
    error: Option<SampleError<'a>>,
}

/// Why one sample has no report.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct SampleError<'a> {
    /// Stable error code.
    code: u32,
    /// What went wrong, in one line.
    message: &'a str,
}

#[wasm_bindgen]
impl Engine {
    /// An engine over the knowledge packs built into the module.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsResult<Engine> {
        alive()?;
        dosera::Engine::bundled()
            .map(|inner| Engine { inner })
            .map_err(|e| js_error(&e))
    }

    /// An engine over knowledge packs given as bytes: one pack JSON
    /// document per source (the form the module embeds), e.g. a newer
    /// release fetched by the host page.
    #[wasm_bindgen(js_name = fromPacks)]
    pub fn from_packs(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] packs: Vec<JsValue>,
    ) -> JsResult<Engine> {
        alive()?;
        let mut blobs = Vec::with_capacity(packs.len());
        for (i, p) in packs.iter().enumerate() {
            match p.dyn_ref::<js_sys::Uint8Array>() {
                Some(bytes) => blobs.push(bytes.to_vec()),
                None => {
                    return fail(Error::Usage(format!("packs[{i}] is not a Uint8Array")));
                }
            }
        }
        let refs: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
        let set = PackSet::from_bytes(&refs).map_err(|e| js_error(&e))?;
        Ok(Engine {
            inner: dosera::Engine::new(set),
        })
    }

    /// Engine version and the release, sha256 and licence of each pack:
    /// what every result should be shown with.
    #[wasm_bindgen(unchecked_return_type = "PackReleases")]
    pub fn packs(&self) -> JsResult<JsValue> {
        alive()?;
        to_js(&self.inner.releases())
    }

    /// Every gene of the loaded packs (symbol, sources, methods, allele
    /// count, whether a VCF can call it, drugs using it).
    #[wasm_bindgen(unchecked_return_type = "GeneInfo[]")]
    pub fn genes(&self) -> JsResult<JsValue> {
        alive()?;
        to_js(&self.inner.genes())
    }

    /// The alleles of a gene with their function, for diplotype pickers.
    #[wasm_bindgen(unchecked_return_type = "AlleleInfo[]")]
    pub fn alleles(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] gene: JsValue,
    ) -> JsResult<JsValue> {
        alive()?;
        let gene = string(&gene, "gene")?;
        to_js(&self.inner.alleles(&gene).map_err(|e| js_error(&e))?)
    }

    /// What a result for a gene may be given as: phenotypes, activity
    /// scores, other lookup keys (carrier status, …).
    #[wasm_bindgen(unchecked_return_type = "GeneChoices")]
    pub fn choices(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] gene: JsValue,
    ) -> JsResult<JsValue> {
        alive()?;
        let gene = string(&gene, "gene")?;
        to_js(&self.inner.choices(&gene).map_err(|e| js_error(&e))?)
    }

    /// Every drug with a guideline (name, sources, genes, guideline ids).
    #[wasm_bindgen(unchecked_return_type = "DrugInfo[]")]
    pub fn drugs(&self) -> JsResult<JsValue> {
        alive()?;
        to_js(&self.inner.drugs())
    }

    /// One gene result read under each source's rules: a diplotype
    /// (`*1/*2`, candidates joined by `|`), a phenotype, an activity score
    /// or a carrier status becomes phenotype, activity score and lookup
    /// keys, with how they were derived.
    #[wasm_bindgen(unchecked_return_type = "GeneResult")]
    pub fn interpret(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] gene: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
    ) -> JsResult<JsValue> {
        alive()?;
        let input = GeneInput::new(string(&gene, "gene")?, string(&value, "value")?);
        let result = self.inner.interpret(&input).map_err(|e| js_error(&e))?;
        to_js(&result)
    }

    /// The calculator path: gene results (and optionally drugs and
    /// sources) in, the matching recommendations per drug and source out.
    /// Candidates of an ambiguous result are all shown, with whether their
    /// advice agrees.
    #[wasm_bindgen(unchecked_return_type = "Recommendations")]
    pub fn recommend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecommendRequest")] request: JsValue,
    ) -> JsResult<JsValue> {
        alive()?;
        let request: Request = from_js(&request, "request")?;
        to_js(&self.inner.recommend(&request).map_err(|e| js_error(&e))?)
    }

    /// Reads a stored JSON report (any report schema version: 1, 2 or 3;
    /// its text or the parsed object) again with this engine's knowledge
    /// packs and tells what changed for the patient, as `dosera reanalyze`
    /// does for one report. `drugs` (names) narrows the drugs looked at;
    /// by default the drugs the report lists and, for a report of every
    /// drug, any drug the packs now cover for its genes. A report that
    /// cannot be read throws code 111 (`ErrorCode.MalformedReport`).
    #[wasm_bindgen(unchecked_return_type = "Reanalysis")]
    pub fn reanalyze(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | object")] report: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string[]")] drugs: JsValue,
    ) -> JsResult<JsValue> {
        alive()?;
        let drugs: Vec<String> = if drugs.is_undefined() || drugs.is_null() {
            Vec::new()
        } else {
            from_js(&drugs, "drugs")?
        };
        let drugs = drugs
            .iter()
            .map(|d| self.inner.drug_name(d))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| js_error(&e))?;
        let stored = read_stored(&report, "report")?;
        let r = reanalyze::reanalyze(&self.inner, &stored, &drugs).map_err(|e| js_error(&e))?;
        to_js(&ReanalysisResult {
            sample: &r.sample,
            old_schema_version: r.old_schema_version,
            old_engine_version: &r.old_engine_version,
            old_release: &r.old_release,
            new_release: &r.new_release,
            advice_changed: r.advice_changed(),
            changes: &r.changes,
        })
    }

    /// Evaluates a VCF held in memory (plain, bgzip or BCF; GRCh38): one
    /// report per sample, in file order. A problem with the file as a whole
    /// throws; a sample that could not be reported carries its error and
    /// the other samples are kept. The bytes never leave the page.
    #[wasm_bindgen(js_name = evaluateVcf, unchecked_return_type = "VcfResult")]
    pub fn evaluate_vcf(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VcfOptions")] options: Option<js_sys::Object>,
    ) -> JsResult<JsValue> {
        alive()?;
        // Checked here rather than left to wasm-bindgen's glue, which reads
        // a string as zero bytes and fails on a missing argument with a
        // TypeError.
        let data = if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
            bytes.to_vec()
        } else if js_sys::Array::is_array(&data) {
            js_sys::Uint8Array::new(&data).to_vec()
        } else {
            return fail(Error::Usage(
                "data: expected a Uint8Array (or an array of byte values)".into(),
            ));
        };
        let options: VcfOptions = match options {
            None => VcfOptions::default(),
            Some(o) => from_js(&o.into(), "options")?,
        };
        let mut reader = VcfReader::from_bytes(data).map_err(|e| js_error(&e))?;
        let outcomes =
            dosera::evaluate(&self.inner, &mut reader, &options).map_err(|e| js_error(&e))?;
        let samples = outcomes
            .iter()
            .map(|o| match o {
                SampleOutcome::Report(r) => SampleResult {
                    sample: &r.input.sample,
                    report: Some(r),
                    error: None,
                },
                SampleOutcome::Failed(f) => SampleResult {
                    sample: &f.sample,
                    report: None,
                    error: Some(SampleError {
                        code: f.code as u32,
                        message: &f.error,
                    }),
                },
            })
            .collect();
        to_js(&VcfResult { samples })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_core_codes() {
        for code in dosera::ErrorCode::ALL {
            let ours = ErrorCode::from_core(code);
            assert_eq!(ours as u32, code as u32, "{code:?}");
            assert_eq!(format!("{ours:?}"), format!("{code:?}"));
        }
    }

    #[test]
    fn types_name_every_export() {
        for name in [
            "interface GeneInfo",
            "interface AlleleInfo",
            "interface GeneChoices",
            "interface DrugInfo",
            "interface GeneResult",
            "interface Recommendations",
            "interface RecommendRequest",
            "interface VcfOptions",
            "interface VcfResult",
            "interface Report",
            "interface PackReleases",
            "interface Reanalysis",
            "interface Change",
            "type ChangeKind",
            "type Action",
            "interface DoseAdjustment",
            "interface NonAnswer",
            "type Lang",
            "interface DoseraError",
        ] {
            assert!(
                include_str!("types.d.ts").contains(name),
                "types.d.ts lacks {name}"
            );
        }
    }
}
