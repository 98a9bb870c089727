//! The REST routes and the OpenAPI description: the committed description
//! is the one the types give and lists exactly the routes; every route it
//! lists answers; `/v1/recommend` answers as the engine does for the same
//! request JSON; `/v1/report` writes JSON, FHIR, HTML and text by `Accept`;
//! packs, health and metrics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::*;
use dosera::{Request, VcfOptions};
use dosera_serve::server::{openapi_document, ROUTES};
use serde_json::{json, Value};

fn committed_openapi() -> Value {
    let text =
        std::fs::read_to_string(root().join("serve/openapi.json")).expect("serve/openapi.json");
    serde_json::from_str(&text).expect("openapi.json is JSON")
}

#[test]
fn committed_openapi_is_the_generated_one() {
    let generated = openapi_document();
    let path = root().join("serve/openapi.json");
    if std::env::var_os("DOSERA_REGENERATE").is_some() {
        let text = serde_json::to_string_pretty(&generated).expect("serialise") + "\n";
        std::fs::write(&path, text).expect("write serve/openapi.json");
    }
    assert_eq!(
        committed_openapi(),
        generated,
        "serve/openapi.json is stale: run DOSERA_REGENERATE=1 cargo test -p dosera-serve --test rest"
    );
}

#[test]
fn openapi_lists_exactly_the_routes() {
    let doc = committed_openapi();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let routes: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routes);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_documented_operation_answers_and_undocumented_ones_do_not() {
    let s = Server::start().await;
    let doc = committed_openapi();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", "dosera-pgx-order-sign");
        for method in ops.as_object().unwrap().keys() {
            let req = match method.as_str() {
                "get" => s.client.get(s.url(&concrete)),
                "post" => s
                    .client
                    .post(s.url(&concrete))
                    .header("content-type", "application/json")
                    .body("{}"),
                other => panic!("unexpected method {other}"),
            };
            let status = req.send().await.unwrap().status().as_u16();
            assert!(
                status != 404 && status != 405,
                "{method} {concrete}: {status}"
            );
        }
    }
    for (method, path) in [
        ("GET", "/v1/recommend"),
        ("POST", "/healthz"),
        ("GET", "/v2/recommend"),
    ] {
        let req = s.client.request(method.parse().unwrap(), s.url(path));
        let resp = req.send().await.unwrap();
        assert!(
            matches!(resp.status().as_u16(), 404 | 405),
            "{method} {path}"
        );
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
    }
    let (status, served) = s.get("/openapi.json").await;
    assert_eq!((status, served), (200, committed_openapi()));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recommend_answers_as_the_engine_does_for_the_same_json() {
    let mut s = Server::start().await;
    s.secret("*2/*17");
    let requests = [
        json!({"genes": [{"gene": "CYP2C19", "value": "*2/*17"}], "drugs": ["clopidogrel", "citalopram"]}),
        json!({"genes": [{"gene": "HLA-B", "value": "*57:01 positive"}], "drugs": ["abacavir"], "lang": "sv"}),
        json!({"genes": [{"gene": "CYP2D6", "value": "1.5"}, {"gene": "CYP2C19", "value": "*1/*1"}]}),
    ];
    for body in requests {
        let (status, got) = s.post("/v1/recommend", &body).await;
        assert_eq!(status, 200, "{got:#}");
        let request: Request = serde_json::from_value(body.clone()).unwrap();
        let want = serde_json::to_value(engine().recommend(&request).unwrap()).unwrap();
        assert_eq!(got, want, "{body}");
    }
    s.stop().await;
}

fn example_vcf() -> String {
    std::fs::read_to_string(root().join("tests/corpus/example-patient.vcf")).expect("example VCF")
}

#[tokio::test(flavor = "multi_thread")]
async fn report_writes_json_fhir_html_and_text_by_accept() {
    let mut s = Server::start().await;
    s.secret("EXAMPLE-1");
    let vcf = example_vcf();
    let options = VcfOptions {
        drugs: vec!["clopidogrel".into(), "simvastatin".into()],
        ..VcfOptions::default()
    };
    let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.clone().into_bytes()).unwrap();
    let want = dosera::evaluate(&engine(), &mut reader, &options).unwrap();
    let want = serde_json::to_value(want[0].report().unwrap()).unwrap();

    let post = |accept: &'static str, lang: &'static str| {
        s.client
            .post(s.url("/v1/report?drugs=clopidogrel,simvastatin"))
            .header("content-type", "text/plain")
            .header("accept", accept)
            .header("accept-language", lang)
            .body(vcf.clone())
            .send()
    };
    let resp = post("application/json", "en").await.unwrap();
    assert_eq!(resp.headers()["content-type"], "application/json");
    let (status, got) = read(resp).await;
    assert_eq!((status, &got), (200, &want));

    let resp = post("application/fhir+json", "en").await.unwrap();
    assert_eq!(resp.headers()["content-type"], "application/fhir+json");
    let (_, bundle) = read(resp).await;
    assert_eq!(bundle["resourceType"], "Bundle");

    let resp = post("text/html", "sv").await.unwrap();
    let html = resp.text().await.unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("lang=\"sv\""),
        "{}",
        &html[..200]
    );

    let resp = post("text/plain", "en").await.unwrap();
    let text = resp.text().await.unwrap();
    assert!(text.contains("clopidogrel · CPIC"), "{text}");

    // The JSON form: the VCF with the options of the C and WebAssembly APIs.
    let body = json!({"vcf": vcf, "drugs": ["clopidogrel", "simvastatin"]});
    let (status, got) = s.post("/v1/report", &body).await;
    assert_eq!((status, got), (200, want));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn packs_health_and_metrics() {
    let s = Server::start().await;
    let (status, packs) = s.get("/v1/packs").await;
    assert_eq!(status, 200);
    let engine = engine();
    let (release, sha) = engine.pack_release();
    assert_eq!(packs["packs_release"], release);
    assert_eq!(packs["packs_sha256"], sha);
    assert_eq!(
        packs["packs"].as_array().unwrap().len(),
        engine.packs().len()
    );
    let (status, health) = s.get("/healthz").await;
    assert_eq!((status, &health["status"]), (200, &json!("ok")));
    let _ = s.post("/v1/recommend", &json!({"genes": []})).await;
    let _ = s.post("/v1/recommend", &json!({"genes": 7})).await;
    let resp = s.client.get(s.url("/metrics")).send().await.unwrap();
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = resp.text().await.unwrap();
    for line in [
        "dosera_http_requests_total{method=\"POST\",route=\"/v1/recommend\",status=\"200\"} 1",
        "dosera_http_requests_total{method=\"POST\",route=\"/v1/recommend\",status=\"400\"} 1",
        "dosera_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
        "dosera_http_in_flight 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in\n{text}"
        );
    }
    s.stop().await;
}
