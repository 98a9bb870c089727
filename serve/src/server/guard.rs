//! What every request passes through: the size, time and concurrency
//! limits, the access log and the metrics; and the problem bodies of the
//! routes that do not exist.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dosera::ErrorCode;
use http_body_util::BodyExt as _;

use super::Shared;
use crate::{Problem, PROBLEM_JSON};

/// The problem a response carries, for the log, the metrics and the
/// FHIR form of the body.
#[derive(Clone)]
pub(crate) struct ProblemOf(pub Problem);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, self.to_json().to_string()).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        r.extensions_mut().insert(ProblemOf(self));
        r
    }
}

/// The guard around every route.
pub(crate) async fn guard(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let wants_fhir = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/fhir+json"));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let max = state.config.max_body_bytes;
    let response = if declared.is_some_and(|n| n > max as u64) {
        too_large(max).into_response()
    } else {
        match state.limiter.clone().try_acquire_owned() {
            Err(_) => {
                state.metrics.busy();
                let mut r = Problem::new(
                    503,
                    "Busy",
                    format!(
                        "{} requests are being answered; try again shortly",
                        state.config.max_in_flight
                    ),
                    ErrorCode::Usage,
                )
                .into_response();
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                r
            }
            Ok(_permit) => {
                match tokio::time::timeout(state.config.request_timeout, next.run(req)).await {
                    Ok(r) => r,
                    Err(_) => Problem::new(
                        503,
                        "Timed out",
                        format!(
                            "the request was not answered within {} s",
                            state.config.request_timeout.as_secs_f64()
                        ),
                        ErrorCode::Internal,
                    )
                    .into_response(),
                }
            }
        }
    };
    let response = if wants_fhir {
        as_operation_outcome(response)
    } else {
        response
    };
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let code = response
        .extensions()
        .get::<ProblemOf>()
        .map(|p| (p.0.code as u32).to_string())
        .unwrap_or_else(|| "-".into());
    state.metrics.request(&method, &route, status, elapsed);
    state.config.log.line(&format!(
        "method={method} route={route} status={status} ms={:.2} code={code}",
        elapsed.as_secs_f64() * 1000.0
    ));
    response
}

/// A problem response rewritten as a FHIR `OperationOutcome`
/// (`application/fhir+json`), for a client that asks for FHIR (CDS Hooks
/// 3.0 asks services for an OperationOutcome on errors): the same status,
/// the detail as `diagnostics`, the dosera error code as a coding.
fn as_operation_outcome(response: Response) -> Response {
    let Some(ProblemOf(p)) = response.extensions().get::<ProblemOf>().cloned() else {
        return response;
    };
    let code = match p.status {
        401 => "login",
        404 => "not-found",
        408 | 503 => "timeout",
        413 => "too-long",
        405 | 406 => "not-supported",
        400 | 422 => "invalid",
        _ => "exception",
    };
    let body = serde_json::json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "error",
            "code": code,
            "details": {
                "coding": [{
                    "system": "urn:dosera:error-code",
                    "code": (p.code as u32).to_string(),
                    "display": format!("{:?}", p.code),
                }],
                "text": p.title,
            },
            "diagnostics": p.detail,
        }]
    });
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body.to_string()))
}

fn too_large(max: usize) -> Problem {
    Problem::new(
        413,
        "Request too large",
        format!("the body is larger than this service's limit of {max} bytes"),
        ErrorCode::Usage,
    )
}

/// Reads a request body within the size and time limits: 413 when it is
/// too large, 408 when it arrives too slowly.
pub(crate) async fn read_body(state: &Shared, body: Body) -> Result<Bytes, Problem> {
    let max = state.config.max_body_bytes;
    let read = async move {
        let mut body = body;
        let mut out: Vec<u8> = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| Problem::bad_request(format!("cannot read the body: {e}")))?;
            if let Ok(data) = frame.into_data() {
                if out.len() + data.len() > max {
                    return Err(too_large(max));
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(Bytes::from(out))
    };
    match tokio::time::timeout(state.config.body_timeout, read).await {
        Ok(r) => r,
        Err(_) => Err(Problem::new(
            408,
            "Request timeout",
            format!(
                "the body did not arrive within {} s",
                state.config.body_timeout.as_secs_f64()
            ),
            ErrorCode::Usage,
        )),
    }
}

/// Runs engine work off the async threads; a panic becomes a 500.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    match tokio::task::spawn_blocking(work).await {
        Ok(r) => r,
        Err(_) => Err(Problem::new(
            500,
            "Internal error",
            "the request failed inside the engine; it has been counted, and the service goes on",
            ErrorCode::Internal,
        )),
    }
}

pub(crate) async fn not_found() -> Problem {
    Problem::not_found("no such route; GET /openapi.json lists the routes")
}

pub(crate) async fn method_not_allowed() -> Problem {
    Problem::new(
        405,
        "Method not allowed",
        "this route does not take that method; GET /openapi.json lists the routes",
        ErrorCode::Usage,
    )
}
