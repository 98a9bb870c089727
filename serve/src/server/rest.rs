//! The REST routes: recommendations for gene results (the request JSON of
//! the C and WebAssembly APIs), a report for a VCF, the packs, health,
//! metrics and the OpenAPI description.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dosera::input::vcf::VcfReader;
use dosera::report::Report;
use dosera::{PackInfo, Request, SampleOutcome, VcfOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use super::guard::{blocking, read_body};
use super::{request_lang, Shared};
use crate::Problem;

/// `POST /v1/recommend`: a [`Request`] in, [`dosera::Recommendations`] out.
pub(crate) async fn recommend(
    State(state): State<Shared>,
    body: Body,
) -> Result<Response, Problem> {
    let bytes = read_body(&state, body).await?;
    let request: Request = serde_json::from_slice(&bytes).map_err(|e| {
        Problem::bad_request(format!("the body is not a recommendation request: {e}"))
    })?;
    let engine = state.engine.clone();
    let answer = blocking(move || engine.recommend(&request).map_err(Problem::from)).await?;
    Ok(Json(answer).into_response())
}

/// Query parameters of `POST /v1/report` with a VCF body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportQuery {
    sample: Option<String>,
    /// Comma-separated drugs.
    drugs: Option<String>,
    /// Comma-separated genes.
    genes: Option<String>,
    assume_reference: Option<bool>,
}

/// The JSON form of `POST /v1/report`: the VCF text with the evaluation
/// options of the C and WebAssembly APIs.
#[derive(Debug, Deserialize)]
pub(crate) struct ReportBody {
    vcf: String,
    #[serde(flatten)]
    options: VcfOptions,
}

/// The formats `POST /v1/report` answers in, chosen by `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Html,
    Fhir,
    Text,
}

fn format(headers: &HeaderMap) -> Result<Format, Problem> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    for part in accept.split(',') {
        let media = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/json" | "*/*" | "application/*" | "" => return Ok(Format::Json),
            "application/fhir+json" => return Ok(Format::Fhir),
            "text/html" => return Ok(Format::Html),
            "text/plain" => return Ok(Format::Text),
            _ => {}
        }
    }
    Err(Problem::new(
        406,
        "Not acceptable",
        format!("cannot answer in `{accept}`; this route writes application/json, application/fhir+json, text/html or text/plain"),
        dosera::ErrorCode::Usage,
    ))
}

fn list(s: Option<String>) -> Vec<String> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// `POST /v1/report`: one sample's report for a VCF body (plain text, or
/// JSON with the VCF and options), as JSON, FHIR, HTML or text.
pub(crate) async fn report(
    State(state): State<Shared>,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let format = format(&headers)?;
    let lang = request_lang(&headers, state.config.lang);
    let Query(query) = query.map_err(|e| Problem::bad_request(format!("bad query: {e}")))?;
    let bytes = read_body(&state, body).await?;
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (vcf, options) = if json_body {
        let b: ReportBody = serde_json::from_slice(&bytes)
            .map_err(|e| Problem::bad_request(format!("the body is not a report request: {e}")))?;
        (b.vcf.into_bytes(), b.options)
    } else {
        let options = VcfOptions {
            sample: query.sample,
            drugs: list(query.drugs),
            genes: list(query.genes),
            assume_reference: query.assume_reference.unwrap_or(false),
            ..VcfOptions::default()
        };
        (bytes.to_vec(), options)
    };
    let engine = state.engine.clone();
    let mut report: Report = blocking(move || {
        let mut reader = VcfReader::from_bytes(vcf)?;
        let samples = reader.samples().len();
        if samples > 1 && options.sample.is_none() {
            return Err(Problem::unprocessable(format!(
                "the VCF holds {samples} samples; name one with `sample`"
            )));
        }
        let outcomes = dosera::evaluate(&engine, &mut reader, &options)?;
        match outcomes.into_iter().next() {
            Some(SampleOutcome::Report(r)) => Ok(*r),
            Some(SampleOutcome::Failed(f)) => Err(Problem::new(
                422,
                "Request cannot be evaluated",
                format!("sample {}: {}", f.sample, f.error),
                f.code,
            )),
            None => Err(Problem::unprocessable("the VCF holds no sample")),
        }
    })
    .await?;
    if report.lang != lang {
        report.localise(lang);
    }
    let (media, text) = match format {
        Format::Json => (
            "application/json",
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        ),
        Format::Fhir => (
            "application/fhir+json",
            dosera::report::fhir::bundle_json(&report),
        ),
        Format::Html => (
            "text/html; charset=utf-8",
            dosera::report::html::render(&report, lang),
        ),
        Format::Text => (
            "text/plain; charset=utf-8",
            dosera::report::text::report_text(&report, lang),
        ),
    };
    let mut r = text.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    Ok(r)
}

/// `GET /v1/packs`: the loaded packs and their releases.
pub(crate) async fn packs(State(state): State<Shared>) -> Json<Value> {
    let (release, sha) = state.engine.pack_release();
    let packs: Vec<PackInfo> = state.engine.packs().iter().map(PackInfo::of).collect();
    Json(json!({
        "engine_version": dosera::ENGINE_VERSION,
        "packs_release": release,
        "packs_sha256": sha,
        "releases": state.engine.releases(),
        "packs": packs,
    }))
}

/// `GET /healthz`: the process is up and its packs are loaded.
pub(crate) async fn healthz(State(state): State<Shared>) -> Json<Value> {
    let (release, _) = state.engine.pack_release();
    Json(json!({
        "status": "ok",
        "engine_version": dosera::ENGINE_VERSION,
        "packs_release": release,
    }))
}

/// `GET /metrics`: Prometheus text.
pub(crate) async fn metrics(State(state): State<Shared>) -> Response {
    let in_flight = state
        .config
        .max_in_flight
        .saturating_sub(state.limiter.available_permits());
    let mut r = state.metrics.render(in_flight).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// `GET /openapi.json`.
pub(crate) async fn openapi() -> Response {
    let mut r = super::OPENAPI.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
