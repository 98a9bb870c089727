//! The FHIR resources of hook requests and responses validate with the
//! project's FHIR validator (`tests/fhir/validate.py`, the `fhir.resources`
//! R4B models, in the `.venv` that `scripts/setup-python` makes): the
//! draftOrders bundles, the prefetched results (test-made Observations and
//! dosera's own report bundle) and every resource the cards suggest.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::{json, Value};

fn python() -> PathBuf {
    let python = root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python (it creates .venv with fhir.resources)",
        python.display()
    );
    python
}

fn validate(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(python())
        .arg(root().join("tests/fhir/validate.py"))
        .args(files)
        .output()
        .expect("run the FHIR validator");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

fn collection(resources: Vec<Value>) -> Value {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| json!({ "resource": r }))
        .collect();
    json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}

#[tokio::test(flavor = "multi_thread")]
async fn request_and_response_resources_validate() {
    let s = Server::start().await;
    let dir = root().join("target/artifacts/serve-fhir");
    std::fs::create_dir_all(&dir).unwrap();
    let vcf = std::fs::read(root().join("tests/corpus/example-patient.vcf")).unwrap();
    let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf).unwrap();
    let outcomes =
        dosera::evaluate(&engine(), &mut reader, &dosera::VcfOptions::default()).unwrap();
    let example = dosera::report::fhir::bundle(outcomes[0].report().unwrap());
    let cases = [
        ("clopidogrel", searchset(vec![genotype("CYP2C19", "*2/*2")])),
        (
            "abacavir",
            searchset(vec![genotype("HLA-B", "*57:01/*08:01")]),
        ),
        ("codeine", searchset(vec![genotype("CYP2D6", "*4/*4")])),
        ("simvastatin", example.clone()),
        ("clopidogrel", example),
    ];
    let mut files = Vec::new();
    let mut suggested = Vec::new();
    for (n, (drug, results)) in cases.into_iter().enumerate() {
        let orders = draft_orders("p-fhir", &[("", "", drug)]);
        let req = hook_request(
            "order-sign",
            "p-fhir",
            orders.clone(),
            Some(results.clone()),
        );
        let (status, body) = s.post(&service_path("order-sign"), &req).await;
        assert_eq!(status, 200, "{body:#}");
        files.push(write(
            &dir,
            &format!("request-{n}-draft-orders.json"),
            &orders,
        ));
        files.push(write(&dir, &format!("request-{n}-prefetch.json"), &results));
        for card in body["cards"].as_array().unwrap() {
            for s in card["suggestions"].as_array().into_iter().flatten() {
                for a in s["actions"].as_array().into_iter().flatten() {
                    if let Some(r) = a.get("resource") {
                        suggested.push(r.clone());
                    }
                }
            }
        }
    }
    assert!(!suggested.is_empty(), "no card suggested a resource");
    // An error, for a client that asks for FHIR, is an OperationOutcome.
    let resp = s
        .client
        .post(s.url("/cds-services/no-such-service"))
        .header("accept", "application/fhir+json")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(resp.headers()["content-type"], "application/fhir+json");
    let (_, outcome) = read(resp).await;
    assert_eq!(outcome["resourceType"], "OperationOutcome", "{outcome:#}");
    assert_eq!(outcome["issue"][0]["code"], "not-found", "{outcome:#}");
    files.push(write(
        &dir,
        "response-error.json",
        &collection(vec![outcome]),
    ));
    files.push(write(
        &dir,
        "response-suggested-resources.json",
        &collection(suggested.clone()),
    ));
    let (ok, out) = validate(&files);
    assert!(ok, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok: ")).count(),
        files.len(),
        "{out}"
    );

    // The validator is not a rubber stamp: a suggested order without its
    // intent, and an Observation without its status, are refused.
    let mut broken = suggested[0].clone();
    broken.as_object_mut().unwrap().remove("intent");
    let mut obs = genotype("CYP2C19", "*1/*1");
    obs.as_object_mut().unwrap().remove("status");
    let bad = write(&dir, "refused.json", &collection(vec![broken, obs]));
    let (ok, out) = validate(&[bad]);
    assert!(!ok, "{out}");
    assert!(out.contains("intent") && out.contains("status"), "{out}");
    s.stop().await;
}
