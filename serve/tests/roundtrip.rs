//! The patient's results as a hook request brings them give the same
//! recommendations as the report they came from: dosera's own FHIR bundle
//! (round trip) and the report JSON, over a synthetic cohort with outside
//! calls and the bundled example patient; and the same cards whether the
//! results are prefetched as FHIR, prefetched as a report, or fetched from
//! the FHIR server the request names.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use dosera::report::Report;
use dosera::simulate::{simulate, SimulateOptions};
use dosera::{DrugResult, Request, VcfOptions};
use dosera_serve::hooks::results::read_results;
use serde_json::{json, Value};

/// Every sample's report of a synthetic cohort, with outside calls for
/// CYP2D6 and HLA-B so phenotype-only and HLA results are in it too.
fn cohort_reports(samples: usize) -> Vec<Report> {
    let engine = engine();
    let mut vcf = Vec::new();
    let mut truth = Vec::new();
    let options = SimulateOptions {
        samples,
        seed: 22,
        ..SimulateOptions::default()
    };
    simulate(&engine, &options, &mut vcf, &mut truth).expect("simulate");
    let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf).expect("VCF");
    let options = VcfOptions {
        outside: Some("CYP2D6\t*1/*4\nHLA-B\t*57:01/*08:01\n".into()),
        ..VcfOptions::default()
    };
    dosera::evaluate(&engine, &mut reader, &options)
        .expect("evaluate")
        .into_iter()
        .filter_map(|o| o.report().cloned())
        .collect()
}

/// What a prescriber is told per drug and source: the rows matched (id,
/// action, candidates), whether candidates agree, and each non-answer.
fn told(drugs: &[DrugResult]) -> Vec<String> {
    let mut out: Vec<String> = drugs
        .iter()
        .map(|d| {
            let rows: Vec<String> = d
                .matches
                .iter()
                .map(|m| format!("{}:{:?}", m.id, m.action))
                .collect();
            let none: Vec<String> = d
                .non_answers
                .iter()
                .map(|n| format!("{}:{:?}", n.gene, n.reason))
                .collect();
            format!(
                "{} {} rows={} agree={} actionable={} none={}",
                d.drug,
                d.source,
                rows.join(","),
                d.candidates_agree,
                d.actionable,
                none.join(",")
            )
        })
        .collect();
    out.sort();
    out
}

fn recommend_from(value: &Value, drugs: Vec<String>) -> Vec<DrugResult> {
    let engine = engine();
    let results = read_results(&engine, value).expect("results read");
    let request = Request::new(results.genes).drugs(drugs);
    engine.recommend(&request).expect("recommend").drugs
}

#[test]
fn fhir_bundle_and_report_json_give_the_report_s_recommendations() {
    let reports = cohort_reports(150);
    assert_eq!(reports.len(), 150);
    let mut compared = 0;
    for report in &reports {
        let drugs: Vec<String> = {
            let mut d: Vec<String> = report.drugs.iter().map(|d| d.drug.clone()).collect();
            d.dedup();
            d
        };
        let want = told(&report.drugs);
        let bundle = dosera::report::fhir::bundle(report);
        assert_eq!(
            told(&recommend_from(&bundle, drugs.clone())),
            want,
            "FHIR round trip differs for sample {}",
            report.input.sample
        );
        let json = serde_json::to_value(report).expect("report JSON");
        assert_eq!(
            told(&recommend_from(&json, drugs)),
            want,
            "report JSON differs for sample {}",
            report.input.sample
        );
        compared += want.len();
    }
    assert!(compared > 150 * 20, "only {compared} drug answers compared");
}

fn example_report() -> Report {
    let vcf = std::fs::read(root().join("tests/corpus/example-patient.vcf")).expect("example VCF");
    let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf).expect("VCF");
    let options = VcfOptions {
        outside: Some("CYP2D6\t*4/*4\n".into()),
        ..VcfOptions::default()
    };
    let outcomes = dosera::evaluate(&engine(), &mut reader, &options).expect("evaluate");
    outcomes[0].report().expect("report").clone()
}

/// The mock FHIR server's state: the bundle it serves and the queries seen.
type FhirState = (Arc<Value>, Arc<Mutex<Vec<String>>>);

/// A FHIR server with one patient's genomics report, as the prefetch
/// template's query reads it, and a record of the queries it was sent.
async fn fhir_server(bundle: Value, token: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::extract::{Query, State};
    use axum::http::{HeaderMap, StatusCode};
    use std::collections::HashMap;
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let state = (Arc::new(bundle), seen.clone());
    let app = axum::Router::new()
        .route(
            "/fhir/DiagnosticReport",
            axum::routing::get(
                move |State((bundle, seen)): State<FhirState>,
                      Query(q): Query<HashMap<String, String>>,
                      headers: HeaderMap| async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if auth != format!("Bearer {token}") {
                        return Err(StatusCode::UNAUTHORIZED);
                    }
                    let mut keys: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    keys.sort();
                    seen.lock().unwrap().push(keys.join("&"));
                    if q.get("subject").map(String::as_str) != Some("patient-fhir-7") {
                        return Ok(axum::Json(
                            json!({"resourceType": "Bundle", "type": "searchset", "entry": []}),
                        ));
                    }
                    let entries: Vec<Value> = bundle["entry"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| json!({"resource": e["resource"].clone()}))
                        .collect();
                    Ok(axum::Json(
                        json!({"resourceType": "Bundle", "type": "searchset", "entry": entries}),
                    ))
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/fhir", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_cards_from_fhir_prefetch_report_prefetch_and_the_fhir_server() {
    let mut s = Server::start().await;
    s.secret("patient-fhir-7");
    s.secret("EXAMPLE-1");
    let report = example_report();
    let bundle = dosera::report::fhir::bundle(&report);
    let orders = draft_orders(
        "patient-fhir-7",
        &[
            ("", "", "clopidogrel"),
            ("", "", "codeine"),
            ("", "", "simvastatin"),
            ("", "", "abacavir"),
        ],
    );
    let path = service_path("order-sign");
    let by_fhir = s
        .post(
            &path,
            &hook_request(
                "order-sign",
                "patient-fhir-7",
                orders.clone(),
                Some(bundle.clone()),
            ),
        )
        .await;
    let by_report = s
        .post(
            &path,
            &hook_request(
                "order-sign",
                "patient-fhir-7",
                orders.clone(),
                Some(serde_json::to_value(&report).unwrap()),
            ),
        )
        .await;
    let (base, seen) = fhir_server(bundle, "token-abc").await;
    let mut req = hook_request("order-sign", "patient-fhir-7", orders, None);
    req["fhirServer"] = json!(base);
    req["fhirAuthorization"] = json!({
        "access_token": "token-abc", "token_type": "Bearer", "expires_in": 300,
        "scope": "patient/Observation.read patient/DiagnosticReport.read", "subject": "dosera"
    });
    let by_server = s.post(&path, &req).await;
    assert_eq!(by_fhir.0, 200, "{:#}", by_fhir.1);
    let summaries = |b: &Value| -> Vec<(String, String)> {
        b["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["summary"].as_str().unwrap().to_string(),
                    c["indicator"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let want = summaries(&by_fhir.1);
    assert!(
        want.iter().any(|(s, _)| s.starts_with("codeine (CPIC)")),
        "{want:#?}"
    );
    assert_eq!(summaries(&by_report.1), want);
    assert_eq!(summaries(&by_server.1), want);
    let queries = seen.lock().unwrap().clone();
    assert_eq!(
        queries,
        ["_include=DiagnosticReport:result&code=http://loinc.org|51969-4&subject=patient-fhir-7"]
    );
    // A FHIR server that refuses the token: the cards say the results
    // could not be read, and which genes the drugs need.
    req["fhirAuthorization"]["access_token"] = json!("wrong");
    let (status, refused) = s.post(&path, &req).await;
    assert_eq!(status, 200);
    let details: Vec<&str> = refused["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["detail"].as_str().unwrap())
        .collect();
    assert!(
        !details.is_empty() && details.iter().all(|d| d.contains("answered 401")),
        "{refused:#}"
    );
    s.stop().await;
}
