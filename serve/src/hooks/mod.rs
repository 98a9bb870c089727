//! CDS Hooks without the HTTP: the services this crate offers, reading a
//! hook request, and answering it with cards. Pure functions over the
//! engine, so the fuzz target and the tests drive them directly.

pub mod cards;
pub mod orders;
pub mod results;

use dosera::pack::words::Lang;
use dosera::{Engine, ErrorRange, GeneInput, Request};
use serde_json::{json, Map, Value};

use crate::Problem;
use results::PatientResults;

/// The prefetch key under which a service asks for the patient's
/// pharmacogenomic results.
pub const PREFETCH_KEY: &str = "pgx";

/// The prefetch template: the patient's genomics reports (LOINC 51969-4)
/// with the observations they list, as dosera's own FHIR bundle writes
/// them.
pub const PREFETCH_TEMPLATE: &str = "DiagnosticReport?subject={{context.patientId}}&code=http://loinc.org|51969-4&_include=DiagnosticReport:result";

/// One CDS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The service id (the path segment after `/cds-services/`).
    pub id: &'static str,
    /// The hook it answers.
    pub hook: &'static str,
    /// Short title.
    pub title: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// The services: one per hook.
///
/// ```
/// let ids: Vec<&str> = dosera_serve::hooks::SERVICES.iter().map(|s| s.id).collect();
/// assert_eq!(ids, ["dosera-pgx-order-select", "dosera-pgx-order-sign"]);
/// ```
pub const SERVICES: [Service; 2] = [
    Service {
        id: "dosera-pgx-order-select",
        hook: "order-select",
        title: "Pharmacogenomic advice when a drug is selected",
        description: "Checks each selected medication order against the patient's pharmacogenomic results and the CPIC and DPWG guidelines of the loaded knowledge packs.",
    },
    Service {
        id: "dosera-pgx-order-sign",
        hook: "order-sign",
        title: "Pharmacogenomic advice before orders are signed",
        description: "Checks every draft medication order against the patient's pharmacogenomic results and the CPIC and DPWG guidelines of the loaded knowledge packs.",
    },
];

/// The service of an id.
///
/// ```
/// assert!(dosera_serve::hooks::service("dosera-pgx-order-sign").is_some());
/// assert!(dosera_serve::hooks::service("patient-view").is_none());
/// ```
pub fn service(id: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.id == id)
}

/// The discovery document (`GET /cds-services`).
///
/// ```
/// let d = dosera_serve::hooks::discovery();
/// assert_eq!(d["services"][0]["hook"], "order-select");
/// assert!(d["services"][0]["prefetch"]["pgx"].as_str().unwrap().contains("{{context.patientId}}"));
/// ```
pub fn discovery() -> Value {
    let services: Vec<Value> = SERVICES
        .iter()
        .map(|s| {
            json!({
                "hook": s.hook,
                "id": s.id,
                // CDS Hooks 3.0 adds the release a service implements;
                // 2.0 (STU2) is this service's baseline.
                "version": "STU2",
                "title": s.title,
                "description": s.description,
                "prefetch": { PREFETCH_KEY: PREFETCH_TEMPLATE },
            })
        })
        .collect();
    json!({ "services": services })
}

/// A hook request as this service reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct HookRequest {
    /// The hook.
    pub hook: String,
    /// The hook instance id.
    pub instance: String,
    /// `context.patientId`.
    pub patient: String,
    /// `context.selections` (order-select).
    pub selections: Option<Vec<String>>,
    /// `context.draftOrders`.
    pub draft_orders: Value,
    /// `fhirServer`, when given.
    pub fhir_server: Option<String>,
    /// The bearer token of `fhirAuthorization`, when given.
    pub fhir_token: Option<String>,
    /// `prefetch.pgx`: `None` when absent, `Some(Null)` when the client
    /// could not fetch it.
    pub prefetch: Option<Value>,
}

/// Reads a hook request body for a service: valid JSON, the service's
/// hook, the context fields the hook requires. Every problem is a 400
/// naming the field.
///
/// ```
/// use dosera_serve::hooks::{parse_request, service};
/// let s = service("dosera-pgx-order-sign").unwrap();
/// let body = br#"{"hook": "order-sign", "hookInstance": "d1577c69",
///   "context": {"userId": "Practitioner/1", "patientId": "p1",
///               "draftOrders": {"resourceType": "Bundle", "entry": []}}}"#;
/// let r = parse_request(s, body).unwrap();
/// assert_eq!(r.patient, "p1");
/// let err = parse_request(s, br#"{"hook": "order-sign"}"#).unwrap_err();
/// assert_eq!(err.status, 400);
/// ```
pub fn parse_request(service: &Service, body: &[u8]) -> Result<HookRequest, Problem> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Problem::bad_request(format!("the body is not JSON: {e}")))?;
    let Value::Object(top) = value else {
        return Err(Problem::bad_request("the body must be a JSON object"));
    };
    let hook = string(&top, "hook", "")?;
    if hook != service.hook {
        return Err(Problem::bad_request(format!(
            "hook `{hook}` sent to service `{}`, which answers `{}`",
            service.id, service.hook
        )));
    }
    let instance = string(&top, "hookInstance", "")?;
    let Some(Value::Object(context)) = top.get("context") else {
        return Err(Problem::bad_request("`context` must be an object"));
    };
    string(context, "userId", "context.")?;
    let patient = string(context, "patientId", "context.")?;
    let draft_orders = match context.get("draftOrders") {
        Some(v @ Value::Object(_)) => v.clone(),
        _ => {
            return Err(Problem::bad_request(
                "`context.draftOrders` must be a FHIR Bundle object",
            ))
        }
    };
    let selections = if hook == "order-select" {
        match context.get("selections") {
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|v| {
                        v.as_str().map(str::to_string).ok_or_else(|| {
                            Problem::bad_request("`context.selections` must hold strings")
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            _ => {
                return Err(Problem::bad_request(
                    "`context.selections` must be an array of strings",
                ))
            }
        }
    } else {
        None
    };
    let fhir_server = match top.get("fhirServer") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.starts_with("https://") || s.starts_with("http://") => {
            Some(s.trim_end_matches('/').to_string())
        }
        Some(_) => return Err(Problem::bad_request("`fhirServer` must be an http(s) URL")),
    };
    let fhir_token = match top.get("fhirAuthorization") {
        None | Some(Value::Null) => None,
        Some(Value::Object(a)) => Some(string(a, "access_token", "fhirAuthorization.")?),
        Some(_) => {
            return Err(Problem::bad_request(
                "`fhirAuthorization` must be an object",
            ))
        }
    };
    let prefetch = match top.get("prefetch") {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => p.get(PREFETCH_KEY).cloned(),
        Some(_) => return Err(Problem::bad_request("`prefetch` must be an object")),
    };
    Ok(HookRequest {
        hook,
        instance,
        patient,
        selections,
        draft_orders,
        fhir_server,
        fhir_token,
        prefetch,
    })
}

fn string(map: &Map<String, Value>, key: &str, at: &str) -> Result<String, Problem> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 1024 => Ok(s.clone()),
        Some(Value::String(_)) => Err(Problem::bad_request(format!(
            "`{at}{key}` must be a non-empty string of at most 1024 characters"
        ))),
        Some(_) => Err(Problem::bad_request(format!(
            "`{at}{key}` must be a string"
        ))),
        None => Err(Problem::bad_request(format!("`{at}{key}` is required"))),
    }
}

/// Answers a hook request from the patient's results: the cards for the
/// ordered drugs (`{"cards": [...]}`).
///
/// ```
/// use dosera_serve::hooks::{answer, parse_request, results::read_results, service};
/// let engine = dosera::Engine::bundled().unwrap();
/// let body = br#"{"hook": "order-sign", "hookInstance": "i1",
///   "context": {"userId": "Practitioner/1", "patientId": "p1",
///     "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": {
///       "resourceType": "MedicationRequest", "id": "o1", "status": "draft", "intent": "order",
///       "subject": {"reference": "Patient/p1"},
///       "medicationCodeableConcept": {"text": "abacavir"}}}]}}}"#;
/// let r = parse_request(&dosera_serve::hooks::SERVICES[1], body).unwrap();
/// let results = read_results(&engine, &serde_json::json!({"resourceType": "Bundle", "type": "collection"})).unwrap();
/// let reply = answer(&engine, &r, &results, dosera::pack::words::Lang::En, 100).unwrap();
/// let card = &reply["cards"][0];
/// assert!(card["summary"].as_str().unwrap().contains("HLA-B"), "{card}");
/// ```
pub fn answer(
    engine: &Engine,
    request: &HookRequest,
    results: &PatientResults,
    lang: Lang,
    max_orders: usize,
) -> Result<Value, Problem> {
    let orders = orders::read_orders(
        engine,
        &request.draft_orders,
        request.selections.as_deref(),
        max_orders,
    )?;
    let mut drugs: Vec<String> = Vec::new();
    for o in &orders {
        if let orders::OrderedDrug::Covered { drug, .. } = &o.drug {
            if !drugs.contains(drug) {
                drugs.push(drug.clone());
            }
        }
    }
    if drugs.is_empty() {
        return Ok(json!({ "cards": [] }));
    }
    let mut results = results.clone();
    let answer = loop {
        let req = Request::new(results.genes.clone())
            .drugs(drugs.clone())
            .lang(lang);
        match engine.recommend(&req) {
            Ok(a) => break a,
            Err(e) if e.code().range() == ErrorRange::Input => {
                // A result on file the engine cannot read (an allele no
                // definition knows) must not silence the other genes: it
                // is set aside, and the cards of its drugs say why.
                let alone = |g: &GeneInput| {
                    engine
                        .recommend(&Request::new([g.clone()]).drugs(drugs.clone()))
                        .err()
                };
                let before = results.unreadable.len();
                let mut good = Vec::new();
                for g in std::mem::take(&mut results.genes) {
                    match alone(&g) {
                        Some(why) => results.unreadable.push((g.gene, g.value, why.to_string())),
                        None => good.push(g),
                    }
                }
                if results.unreadable.len() == before {
                    return Err(Problem::from_error(&e));
                }
                results.genes = good;
            }
            Err(e) => return Err(Problem::from_error(&e)),
        }
    };
    let cards = cards::cards(&cards::CardInput {
        engine,
        answer: &answer,
        orders: &orders,
        results: &results,
        patient: &request.patient,
        instance: &request.instance,
        lang,
    });
    Ok(json!({ "cards": cards }))
}
