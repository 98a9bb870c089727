//! CDS Hooks over HTTP: discovery, order-select and order-sign for the
//! golden cases, drugs coded by RxNorm, ATC or name, results from a FHIR
//! bundle (dosera's own, round trip), a dosera report, a FHIR server, and
//! no results at all; Swedish; every body checked against the CDS Hooks
//! schemas in `serve/schema/cds-hooks/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

fn schema(name: &str) -> jsonschema::Validator {
    let path = root().join("serve/schema/cds-hooks").join(name);
    let text = std::fs::read_to_string(&path).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(schema_name: &str, body: &Value) {
    let v = schema(schema_name);
    let errors: Vec<String> = v
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema_name}: {errors:#?}\n{body:#}");
}

fn cards(body: &Value) -> &Vec<Value> {
    body["cards"].as_array().expect("cards array")
}

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
const ATC: &str = "http://www.whocc.no/atc";

#[tokio::test(flavor = "multi_thread")]
async fn discovery_lists_both_hooks_with_a_prefetch_template() {
    let s = Server::start().await;
    let (status, body) = s.get("/cds-services").await;
    assert_eq!(status, 200);
    assert_valid("discovery-response.schema.json", &body);
    let hooks: Vec<&str> = body["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["hook"].as_str().unwrap())
        .collect();
    assert_eq!(hooks, ["order-select", "order-sign"]);
    for svc in body["services"].as_array().unwrap() {
        assert!(svc["prefetch"]["pgx"]
            .as_str()
            .unwrap()
            .contains("{{context.patientId}}"));
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn abacavir_with_hla_b_57_01_is_a_critical_card_on_both_hooks() {
    let mut s = Server::start().await;
    s.secret("patient-abacavir-1");
    for hook in ["order-select", "order-sign"] {
        let orders = draft_orders("patient-abacavir-1", &[(RXNORM, "190521", "abacavir")]);
        let results = searchset(vec![genotype("HLA-B", "*57:01/*08:01")]);
        let req = hook_request(hook, "patient-abacavir-1", orders, Some(results));
        assert_valid("request.schema.json", &req);
        let (status, body) = s.post(&service_path(hook), &req).await;
        assert_eq!(status, 200, "{body:#}");
        assert_valid("response.schema.json", &body);
        let c = cards(&body);
        assert!(!c.is_empty(), "{body:#}");
        for card in c {
            assert_eq!(card["indicator"], "critical", "{card:#}");
            assert!(
                card["summary"].as_str().unwrap().starts_with("abacavir ("),
                "{card:#}"
            );
            assert!(
                card["detail"].as_str().unwrap().contains("57:01"),
                "{card:#}"
            );
            let label = card["source"]["label"].as_str().unwrap();
            assert!(label.contains("dosera packs"), "{label}");
            assert!(card["source"]["url"]
                .as_str()
                .unwrap()
                .starts_with("https://"));
        }
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn clopidogrel_for_a_cyp2c19_poor_metabolizer_is_a_warning_with_alternatives() {
    let mut s = Server::start().await;
    s.secret("*2/*2");
    for hook in ["order-select", "order-sign"] {
        let orders = draft_orders("p2", &[(RXNORM, "32968", "clopidogrel")]);
        let req = hook_request(
            hook,
            "p2",
            orders,
            Some(searchset(vec![genotype("CYP2C19", "*2/*2")])),
        );
        let (status, body) = s.post(&service_path(hook), &req).await;
        assert_eq!(status, 200, "{body:#}");
        assert_valid("response.schema.json", &body);
        let cpic = cards(&body)
            .iter()
            .find(|c| c["source"]["topic"]["code"] == "cpic")
            .expect("a CPIC card");
        assert_eq!(cpic["indicator"], "warning", "{cpic:#}");
        let summary = cpic["summary"].as_str().unwrap();
        assert!(summary.chars().count() < 140, "{summary}");
        assert!(summary.contains("Poor Metabolizer"), "{summary}");
        let suggestions = cpic["suggestions"].as_array().expect("suggestions");
        assert_eq!(cpic["selectionBehavior"], "at-most-one");
        let labels: Vec<&str> = suggestions
            .iter()
            .map(|x| x["label"].as_str().unwrap())
            .collect();
        // Every population row names ticagrelor; the neurovascular row tells
        // to avoid prasugrel, so it is never suggested.
        assert!(
            labels.iter().any(|l| l.contains("ticagrelor")),
            "{labels:?}"
        );
        assert!(
            !labels.iter().any(|l| l.contains("prasugrel")),
            "{labels:?}"
        );
        let create = &suggestions[0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["type"] == "create")
            .unwrap()["resource"];
        assert_eq!(create["resourceType"], "MedicationRequest");
        assert_eq!(create["subject"]["reference"], "Patient/p2");
        let delete = suggestions[0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["type"] == "delete")
            .unwrap();
        assert_eq!(delete["resourceId"], "MedicationRequest/order-0");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn drugs_are_read_by_rxnorm_atc_name_and_clinical_drug_text() {
    let s = Server::start().await;
    let results = searchset(vec![genotype("CYP2C19", "*2/*2")]);
    for (system, code, display) in [
        (RXNORM, "32968", "clopidogrel"),
        (ATC, "B01AC04", "Clopidogrel"),
        ("", "", "Plavix"),
        ("", "", "clopidogrel 75 MG Oral Tablet"),
        ("http://example.org/local-codes", "X1", "clopidogrel 75 mg"),
    ] {
        let orders = draft_orders("p3", &[(system, code, display)]);
        let req = hook_request("order-select", "p3", orders, Some(results.clone()));
        let (status, body) = s.post(&service_path("order-select"), &req).await;
        assert_eq!(status, 200, "{body:#}");
        assert!(
            cards(&body).iter().any(|c| c["summary"]
                .as_str()
                .unwrap()
                .starts_with("clopidogrel (CPIC)")),
            "{system} {code} {display}: {body:#}"
        );
    }
    // A drug dosera does not know gets no card, and no error.
    let orders = draft_orders("p3", &[(RXNORM, "999999999", "not a drug")]);
    let req = hook_request("order-sign", "p3", orders, Some(results));
    let (status, body) = s.post(&service_path("order-sign"), &req).await;
    assert_eq!((status, cards(&body).len()), (200, 0), "{body:#}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn order_select_answers_only_for_the_selected_orders() {
    let s = Server::start().await;
    let orders = draft_orders(
        "p4",
        &[(RXNORM, "32968", "clopidogrel"), ("", "", "abacavir")],
    );
    let mut req = hook_request(
        "order-select",
        "p4",
        orders,
        Some(searchset(vec![
            genotype("CYP2C19", "*2/*2"),
            genotype("HLA-B", "*57:01/*57:01"),
        ])),
    );
    req["context"]["selections"] = json!(["MedicationRequest/order-1"]);
    let (_, body) = s.post(&service_path("order-select"), &req).await;
    let drugs: Vec<&str> = cards(&body)
        .iter()
        .map(|c| c["summary"].as_str().unwrap().split(' ').next().unwrap())
        .collect();
    assert!(
        !drugs.is_empty() && drugs.iter().all(|d| *d == "abacavir"),
        "{drugs:?}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gene_with_no_result_gets_a_card_that_names_it() {
    let s = Server::start().await;
    let orders = draft_orders("p5", &[("", "", "clopidogrel")]);
    // Results on file, but none for CYP2C19.
    let req = hook_request(
        "order-sign",
        "p5",
        orders.clone(),
        Some(searchset(vec![genotype("TPMT", "*1/*1")])),
    );
    let (status, body) = s.post(&service_path("order-sign"), &req).await;
    assert_eq!(status, 200);
    assert_valid("response.schema.json", &body);
    let c = cards(&body);
    assert_eq!(c.len(), 1, "{body:#}");
    assert_eq!(c[0]["indicator"], "info");
    assert!(
        c[0]["summary"]
            .as_str()
            .unwrap()
            .contains("no CYP2C19 result on file"),
        "{:#}",
        c[0]
    );
    // No results and no FHIR server: the card says results could not be read.
    let req = hook_request("order-sign", "p5", orders, None);
    let (_, body) = s.post(&service_path("order-sign"), &req).await;
    let c = cards(&body);
    assert_eq!(c.len(), 1, "{body:#}");
    assert!(
        c[0]["summary"]
            .as_str()
            .unwrap()
            .contains("could not be read"),
        "{:#}",
        c[0]
    );
    assert!(
        c[0]["detail"].as_str().unwrap().contains("no FHIR server"),
        "{:#}",
        c[0]
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn swedish_by_accept_language_and_by_setting() {
    let s = Server::start().await;
    let orders = draft_orders("p6", &[("", "", "clopidogrel")]);
    let req = hook_request(
        "order-sign",
        "p6",
        orders.clone(),
        Some(searchset(vec![genotype("CYP2C19", "*2/*2")])),
    );
    let (_, en) = s.post(&service_path("order-sign"), &req).await;
    let (_, sv) = s
        .post_with(
            &service_path("order-sign"),
            &req,
            &[("accept-language", "sv-SE,sv;q=0.9,en;q=0.5")],
        )
        .await;
    let en_summary = cards(&en)[0]["summary"].as_str().unwrap().to_string();
    let sv_summary = cards(&sv)[0]["summary"].as_str().unwrap().to_string();
    assert_ne!(en_summary, sv_summary);
    assert!(
        sv_summary.contains("använd ett annat läkemedel"),
        "{sv_summary}"
    );
    assert!(
        cards(&sv)[0]["detail"]
            .as_str()
            .unwrap()
            .contains("Beslutsstöd")
            || cards(&sv)[0]["detail"]
                .as_str()
                .unwrap()
                .contains("beslutsstöd"),
        "{:#}",
        cards(&sv)[0]
    );
    s.stop().await;
    let s = Server::with(|c| c.lang = dosera::pack::words::Lang::Sv).await;
    let (_, by_setting) = s.post(&service_path("order-sign"), &req).await;
    assert_eq!(
        cards(&by_setting)[0]["summary"].as_str().unwrap(),
        sv_summary
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn feedback_is_checked_and_counted() {
    let s = Server::start().await;
    let orders = draft_orders("p7", &[("", "", "abacavir")]);
    let req = hook_request(
        "order-sign",
        "p7",
        orders,
        Some(searchset(vec![genotype("HLA-B", "*57:01/*08:01")])),
    );
    let (_, body) = s.post(&service_path("order-sign"), &req).await;
    let card = cards(&body)[0]["uuid"].as_str().unwrap().to_string();
    let critical = cards(&body)
        .iter()
        .filter(|c| c["indicator"] == "critical")
        .count();
    assert!(critical >= 1, "{body:#}");
    let feedback = json!({ "feedback": [{
        "card": card,
        "outcome": "overridden",
        "overrideReason": { "userComment": "patient tolerated it before" },
        "outcomeTimestamp": "2026-12-06T10:00:00Z"
    }]});
    assert_valid("feedback.schema.json", &feedback);
    let path = format!("{}/feedback", service_path("order-sign"));
    let (status, reply) = s.post(&path, &feedback).await;
    assert_eq!((status, reply), (200, json!({})));
    let mut accepted_without_suggestions = feedback.clone();
    accepted_without_suggestions["feedback"][0]["outcome"] = json!("accepted");
    let (status, problem) = s.post(&path, &accepted_without_suggestions).await;
    assert_eq!(status, 400, "{problem:#}");
    let metrics = s
        .client
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l == "dosera_cds_feedback_total{outcome=\"overridden\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l == format!("dosera_cds_cards_total{{indicator=\"critical\"}} {critical}")),
        "{metrics}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn conditional_rows_unreadable_results_and_rowless_guidelines_are_said() {
    let s = Server::start().await;
    let post = |drug: &'static str, gene: &'static str, value: &'static str| {
        let orders = draft_orders("p8", &[("", "", drug)]);
        let req = hook_request(
            "order-sign",
            "p8",
            orders,
            Some(searchset(vec![genotype(gene, value)])),
        );
        let s = &s;
        async move {
            let (status, body) = s.post(&service_path("order-sign"), &req).await;
            assert_eq!(status, 200, "{body:#}");
            assert_valid("response.schema.json", &body);
            body
        }
    };
    // DPWG's codeine row for a poor metabolizer depends on the indication
    // (pain or cough): its condition actions decide the indicator, and no
    // alternative is suggested.
    let body = post("codeine", "CYP2D6", "*4/*4").await;
    let dpwg = cards(&body)
        .iter()
        .find(|c| c["source"]["topic"]["code"] == "dpwg")
        .expect("DPWG card");
    assert_eq!(dpwg["indicator"], "warning", "{dpwg:#}");
    assert!(
        dpwg["summary"].as_str().unwrap().contains("by condition"),
        "{dpwg:#}"
    );
    assert!(dpwg.get("suggestions").is_none(), "{dpwg:#}");
    let cpic = cards(&body)
        .iter()
        .find(|c| c["source"]["topic"]["code"] == "cpic")
        .expect("CPIC card");
    assert_eq!(cpic["indicator"], "critical", "{cpic:#}");
    // A result on file the engine cannot read: a warning naming it, and
    // the request still answered.
    let body = post("codeine", "CYP2D6", "*1/*1xN").await;
    let c = cards(&body);
    assert_eq!(c.len(), 1, "{body:#}");
    assert_eq!(c[0]["indicator"], "warning");
    assert!(
        c[0]["summary"]
            .as_str()
            .unwrap()
            .contains("could not be read"),
        "{:#}",
        c[0]
    );
    assert!(
        c[0]["detail"].as_str().unwrap().contains("*1/*1xN"),
        "{:#}",
        c[0]
    );
    // CPIC's warfarin guideline has no lookup table: the card says why.
    let body = post("warfarin", "CYP2C9", "*3/*3").await;
    let cpic = cards(&body)
        .iter()
        .find(|c| c["source"]["topic"]["code"] == "cpic")
        .expect("CPIC card");
    let summary = cpic["summary"].as_str().unwrap();
    assert!(
        summary.contains("no guideline row fits") && !summary.ends_with("· "),
        "{summary}"
    );
    assert!(summary.chars().count() < 140, "{summary}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn results_about_another_patient_are_not_used() {
    let s = Server::start().await;
    let about = |patient: &str| {
        let mut o = genotype("CYP2C19", "*2/*2");
        o["subject"] = json!({ "reference": format!("Patient/{patient}") });
        o
    };
    let orders = draft_orders("p9", &[("", "", "clopidogrel")]);
    // Another patient's poor-metabolizer result: not used, and said.
    let req = hook_request(
        "order-sign",
        "p9",
        orders.clone(),
        Some(searchset(vec![about("p10")])),
    );
    let (status, body) = s.post(&service_path("order-sign"), &req).await;
    assert_eq!(status, 200, "{body:#}");
    let c = cards(&body);
    assert_eq!(c.len(), 1, "{body:#}");
    assert!(
        c[0]["summary"]
            .as_str()
            .unwrap()
            .contains("no CYP2C19 result on file"),
        "{:#}",
        c[0]
    );
    assert!(
        c[0]["detail"].as_str().unwrap().contains("another patient"),
        "{:#}",
        c[0]
    );
    // The same result about this patient (relative or absolute reference) is used.
    for reference in ["Patient/p9", "https://ehr.example.org/fhir/Patient/p9"] {
        let mut o = about("p9");
        o["subject"]["reference"] = json!(reference);
        let req = hook_request("order-sign", "p9", orders.clone(), Some(searchset(vec![o])));
        let (_, body) = s.post(&service_path("order-sign"), &req).await;
        assert!(
            cards(&body).iter().any(|c| c["indicator"] == "warning"
                && c["summary"].as_str().unwrap().contains("Poor Metabolizer")),
            "{reference}: {body:#}"
        );
    }
    s.stop().await;
}
