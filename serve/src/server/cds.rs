//! The CDS Hooks routes: discovery, the services and their feedback.

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use serde_json::{json, Value};

use super::fetch::fetch_results;
use super::guard::{blocking, read_body};
use super::{request_lang, Shared};
use crate::hooks::{self, results::PatientResults};
use crate::Problem;

/// Most feedback items read from one request.
const MAX_FEEDBACK: usize = 100;

/// `GET /cds-services`.
pub(crate) async fn discovery() -> Json<Value> {
    Json(hooks::discovery())
}

fn service(id: &str) -> Result<&'static hooks::Service, Problem> {
    hooks::service(id).ok_or_else(|| {
        let ids: Vec<&str> = hooks::SERVICES.iter().map(|s| s.id).collect();
        Problem::not_found(format!(
            "no CDS service `{}`; the services are {}",
            id.chars().take(64).collect::<String>(),
            ids.join(", ")
        ))
    })
}

/// The service of the path's id; an id the router cannot read as text
/// (percent-encoded bytes that are not UTF-8) names no service either.
fn service_of(
    path: Result<Path<String>, PathRejection>,
) -> Result<&'static hooks::Service, Problem> {
    match path {
        Ok(Path(id)) => service(&id),
        Err(_) => service("(an id that is not UTF-8)"),
    }
}

fn authorize(state: &Shared, headers: &HeaderMap, path: &str) -> Result<(), Problem> {
    match &state.config.jwt {
        None => Ok(()),
        Some(jwt) => jwt.verify(
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok()),
            path,
        ),
    }
}

/// What every service route does first: the service of the path, the
/// token when one is required (for the path `/cds-services/{id}` and
/// `suffix`), and the body within the limits.
async fn receive(
    state: &Shared,
    path: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
    body: Body,
    suffix: &str,
) -> Result<(&'static hooks::Service, axum::body::Bytes), Problem> {
    let service = service_of(path)?;
    authorize(
        state,
        headers,
        &format!("/cds-services/{}{suffix}", service.id),
    )?;
    Ok((service, read_body(state, body).await?))
}

/// `POST /cds-services/{id}`: the cards for the draft orders.
pub(crate) async fn call(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, Problem> {
    let (service, bytes) = receive(&state, path, &headers, body, "").await?;
    let request = hooks::parse_request(service, &bytes)?;
    let lang = request_lang(&headers, state.config.lang);
    let results: Result<Value, String> = match (&request.prefetch, &request.fhir_server) {
        (Some(v), _) if !v.is_null() && !is_outcome(v) => Ok(v.clone()),
        (_, Some(server)) => {
            fetch_results(&state, server, request.fhir_token.as_deref(), &request.patient).await
        }
        (Some(v), None) if is_outcome(v) => Err(
            "the client could not prefetch the pharmacogenomic results (an OperationOutcome came instead)"
                .into(),
        ),
        _ => Err(
            "the request carried no pharmacogenomic results (prefetch `pgx`) and no FHIR server to fetch them from"
                .into(),
        ),
    };
    let engine = state.engine.clone();
    let max_orders = state.config.max_orders;
    let reply = blocking(move || {
        let results = match results {
            Ok(v) => hooks::results::read_results_for(&engine, &v, Some(&request.patient))?,
            Err(why) => PatientResults::unavailable(why),
        };
        hooks::answer(&engine, &request, &results, lang, max_orders)
    })
    .await?;
    if let Some(cards) = reply.get("cards").and_then(Value::as_array) {
        for c in cards {
            state
                .metrics
                .card(c.get("indicator").and_then(Value::as_str).unwrap_or("none"));
        }
    }
    Ok(Json(reply))
}

fn is_outcome(v: &Value) -> bool {
    v.get("resourceType").and_then(Value::as_str) == Some("OperationOutcome")
}

/// `POST /cds-services/{id}/feedback`: each item is checked and counted
/// by outcome; nothing else is kept (the service is stateless).
pub(crate) async fn feedback(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, Problem> {
    let (_, bytes) = receive(&state, path, &headers, body, "/feedback").await?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Problem::bad_request(format!("the body is not JSON: {e}")))?;
    let items = value
        .get("feedback")
        .and_then(Value::as_array)
        .ok_or_else(|| Problem::bad_request("`feedback` must be an array"))?;
    if items.is_empty() || items.len() > MAX_FEEDBACK {
        return Err(Problem::unprocessable(format!(
            "`feedback` must hold 1 to {MAX_FEEDBACK} items; it holds {}",
            items.len()
        )));
    }
    let mut outcomes = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let card = item.get("card").and_then(Value::as_str).unwrap_or("");
        if card.is_empty() {
            return Err(Problem::bad_request(format!(
                "feedback[{n}].card must be a card uuid"
            )));
        }
        let outcome = match item.get("outcome").and_then(Value::as_str) {
            Some(o @ ("accepted" | "overridden")) => o,
            _ => {
                return Err(Problem::bad_request(format!(
                    "feedback[{n}].outcome must be `accepted` or `overridden`"
                )))
            }
        };
        if item
            .get("outcomeTimestamp")
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(Problem::bad_request(format!(
                "feedback[{n}].outcomeTimestamp is required"
            )));
        }
        let named = item
            .get("acceptedSuggestions")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if outcome == "accepted" && !named {
            return Err(Problem::bad_request(format!(
                "feedback[{n}]: an accepted card names its acceptedSuggestions"
            )));
        }
        outcomes.push(outcome);
    }
    for o in outcomes {
        state.metrics.feedback(o);
    }
    Ok(Json(json!({})))
}
