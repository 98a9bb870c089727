//! The FHIR R4 bundle of a report (`dosera::report::fhir`): its shape,
//! a snapshot of the bundled example's bundle, and a structural check with
//! a real FHIR model library (`fhir.resources`, R4B models) run through
//! `tests/fhir/validate.py` in the repository's `.venv`
//! (made by `scripts/setup-python`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use dosera::allele::{CallOptions, SampleCalls, SexSource};
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::{build, fhir, Report};
use dosera::Engine;
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits inside the repository")
        .to_path_buf()
}

fn example_report() -> Report {
    let engine = Engine::bundled().unwrap();
    let path = repo_root().join("tests/corpus/example-patient.vcf");
    let mut reader = VcfReader::from_path(&path).unwrap();
    let calls = engine
        .call_vcf(&mut reader, &CallOptions::default())
        .unwrap();
    build(&engine, &calls[0], &[], &[]).unwrap()
}

/// A report made from outside calls only (no VCF call at all): an
/// ambiguous CYP2D6 result, an HLA-B result and a no-call line.
fn outside_only_report() -> Report {
    let engine = Engine::bundled().unwrap();
    let calls = SampleCalls {
        sample: "OUTSIDE-1".into(),
        sex: None,
        sex_source: SexSource::Unknown,
        genes: Vec::new(),
        warnings: Vec::new(),
        coverage: None,
    };
    let text = "CYP2D6\t*1/*4\nCYP2D6\t*1/*1\nHLA-B\t*57:01 positive\nCYP2C19\t./.\n";
    let resolved = engine
        .resolve_outside(&outside::parse(text).unwrap())
        .unwrap();
    build(&engine, &calls, &resolved, &[]).unwrap()
}

fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect()
}

fn with_code<'a>(bundle: &'a Value, code: &str) -> Vec<&'a Value> {
    resources(bundle)
        .into_iter()
        .filter(|r| {
            r["code"]["coding"]
                .as_array()
                .is_some_and(|c| c.iter().any(|x| x["code"] == code))
        })
        .collect()
}

fn gene_of(observation: &Value) -> String {
    observation["component"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"]["coding"][0]["code"] == "48018-6")
        .map(|c| {
            c["valueCodeableConcept"]["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap()
}

fn references(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("reference", Value::String(s)) => out.push(s.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Runs the Python validator on a bundle; Ok(stdout) or Err(stderr).
fn validate(bundle: &Value, name: &str) -> Result<String, String> {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python (it creates .venv with fhir.resources)",
        python.display()
    );
    let file = std::env::temp_dir().join(format!("dosera-fhir-{}-{name}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string_pretty(bundle).unwrap()).unwrap();
    let out = Command::new(&python)
        .arg(root.join("tests/fhir/validate.py"))
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!("{}\n{stderr}", out.status))
    }
}

#[test]
fn every_gene_of_the_example_has_a_genotype_observation() {
    let report = example_report();
    let bundle = fhir::bundle(&report);
    let genotypes = with_code(&bundle, "84413-4");
    let genes: Vec<String> = genotypes.iter().map(|o| gene_of(o)).collect();
    let expected: Vec<String> = report.genes.iter().map(|g| g.gene.clone()).collect();
    assert_eq!(genes, expected);
    for o in &genotypes {
        assert_eq!(o["meta"]["profile"][0], fhir::GENOTYPE_PROFILE);
        assert_eq!(o["status"], "final");
    }
    let cyp2c19 = genotypes.iter().find(|o| gene_of(o) == "CYP2C19").unwrap();
    assert_eq!(cyp2c19["valueCodeableConcept"]["text"], "*2/*2");
    // Metabolizer phenotypes carry LOINC 53040-2 and point at their genotype.
    let phenotype = with_code(&bundle, "53040-2")
        .into_iter()
        .find(|o| o["resourceType"] == "Observation" && gene_of(o) == "CYP2C19")
        .unwrap();
    assert_eq!(
        phenotype["valueCodeableConcept"]["text"],
        "CYP2C19 Poor Metabolizer"
    );
    assert_eq!(
        phenotype["derivedFrom"][0]["reference"],
        format!("urn:uuid:{}", cyp2c19["id"].as_str().unwrap())
    );
}

#[test]
fn references_resolve_and_ids_are_unique() {
    for report in [example_report(), outside_only_report()] {
        let bundle = fhir::bundle(&report);
        let entries = bundle["entry"].as_array().unwrap();
        let urls: Vec<&str> = entries
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap())
            .collect();
        let unique: BTreeSet<&str> = urls.iter().copied().collect();
        assert_eq!(unique.len(), urls.len(), "duplicate fullUrl");
        let ids: BTreeSet<&str> = entries
            .iter()
            .map(|e| e["resource"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), entries.len(), "duplicate resource id");
        for e in entries {
            assert_eq!(
                e["fullUrl"].as_str().unwrap(),
                format!("urn:uuid:{}", e["resource"]["id"].as_str().unwrap())
            );
        }
        let mut refs = Vec::new();
        references(&bundle, &mut refs);
        assert!(!refs.is_empty());
        for r in &refs {
            assert!(unique.contains(r.as_str()), "unresolved reference {r}");
        }
        // The report lists every observation, and only those.
        let diagnostic = &entries[0]["resource"];
        assert_eq!(diagnostic["resourceType"], "DiagnosticReport");
        assert_eq!(diagnostic["code"]["coding"][0]["code"], "51969-4");
        let results: BTreeSet<&str> = diagnostic["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["reference"].as_str().unwrap())
            .collect();
        let observations: BTreeSet<&str> = entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == "Observation")
            .map(|e| e["fullUrl"].as_str().unwrap())
            .collect();
        assert_eq!(results, observations);
        // The pack release and hash are recorded.
        let conclusion = diagnostic["conclusion"].as_str().unwrap();
        assert!(conclusion.contains(&report.packs_release));
        assert!(conclusion.contains(&report.packs_sha256));
    }
}

#[test]
fn every_drug_with_a_match_has_a_therapeutic_implication() {
    let report = example_report();
    let bundle = fhir::bundle(&report);
    let implications = with_code(&bundle, "therapeutic-implication");
    let with_matches = report.drugs.iter().filter(|d| !d.matches.is_empty());
    assert_eq!(implications.len(), with_matches.clone().count());
    for (o, d) in implications.iter().zip(with_matches) {
        assert_eq!(
            o["meta"]["profile"][0],
            fhir::THERAPEUTIC_IMPLICATION_PROFILE
        );
        assert_eq!(o["component"][0]["code"]["coding"][0]["code"], "51963-7");
        assert_eq!(o["component"][0]["valueCodeableConcept"]["text"], d.drug);
        let notes: Vec<&str> = o["note"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap())
            .collect();
        for m in &d.matches {
            assert!(
                notes.iter().any(|n| n.contains(&m.id)),
                "{}: {}",
                d.drug,
                m.id
            );
        }
        assert!(notes.iter().any(|n| n.contains(&d.url)), "{}", d.drug);
        assert!(o["derivedFrom"].as_array().is_some_and(|v| !v.is_empty()));
    }
}

#[test]
fn outside_calls_and_no_calls() {
    let report = outside_only_report();
    let bundle = fhir::bundle(&report);
    let genotypes = with_code(&bundle, "84413-4");
    assert_eq!(genotypes.len(), report.genes.len());
    let by_gene = |g: &str| *genotypes.iter().find(|o| gene_of(o) == g).unwrap();
    let cyp2d6 = by_gene("CYP2D6");
    assert_eq!(cyp2d6["valueCodeableConcept"]["text"], "*1/*1 or *1/*4");
    assert!(cyp2d6["method"]["text"]
        .as_str()
        .unwrap()
        .starts_with("outside call"));
    // A no-call line: no value, a reason instead, and no phenotype.
    let cyp2c19 = by_gene("CYP2C19");
    assert!(cyp2c19.get("valueCodeableConcept").is_none());
    assert_eq!(cyp2c19["dataAbsentReason"]["coding"][0]["code"], "unknown");
    let about_cyp2c19 = resources(&bundle)
        .into_iter()
        .filter(|r| {
            r["component"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|x| x["code"]["coding"][0]["code"] == "48018-6")
            }) && gene_of(r) == "CYP2C19"
        })
        .count();
    assert_eq!(about_cyp2c19, 1, "only the genotype observation");
    // HLA-B is coded with its HGNC id (confirmed by the guide's example).
    let hla = by_gene("HLA-B");
    assert_eq!(
        hla["component"][0]["valueCodeableConcept"]["coding"][0]["code"],
        "HGNC:4932"
    );
}

#[test]
fn the_same_report_gives_the_same_bundle() {
    let report = example_report();
    assert_eq!(fhir::bundle_json(&report), fhir::bundle_json(&report));
}

#[test]
fn the_example_bundle_snapshot() {
    let report = example_report();
    let mut bundle = fhir::bundle(&report);
    // The engine version changes with every release; the rest is the contract.
    let version = report.engine_version.clone();
    let text = serde_json::to_string_pretty(&bundle)
        .unwrap()
        .replace(&version, "[engine-version]");
    bundle = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!("example_patient_bundle", bundle);
}

#[test]
fn fhir_resources_accepts_the_bundles() {
    let out = validate(&fhir::bundle(&example_report()), "example").unwrap();
    assert!(out.starts_with("ok: "), "{out}");
    let out = validate(&fhir::bundle(&outside_only_report()), "outside").unwrap();
    assert!(out.starts_with("ok: "), "{out}");
    // A VCF that looks like another build: the warning leaves the bundle
    // valid.
    let engine = Engine::bundled().unwrap();
    let grch37 =
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
                  chr10\t96541616\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
    let mut reader = VcfReader::from_bytes(grch37.as_bytes().to_vec()).unwrap();
    let calls = engine
        .call_vcf(&mut reader, &CallOptions::default())
        .unwrap();
    let report = build(&engine, &calls[0], &[], &[]).unwrap();
    assert!(report.input.coverage.is_some());
    let out = validate(&fhir::bundle(&report), "grch37").unwrap();
    assert!(out.starts_with("ok: "), "{out}");
}

#[test]
fn fhir_resources_rejects_a_structural_error() {
    let mut bundle = fhir::bundle(&example_report());
    // `status` is a code string; an object there is a structural error.
    bundle["entry"][2]["resource"]["status"] = serde_json::json!({ "value": "final" });
    let err = validate(&bundle, "corrupt").unwrap_err();
    assert!(err.contains("entry 2"), "{err}");
    assert!(err.contains("status"), "{err}");
}

#[test]
fn the_outside_only_bundle_snapshot() {
    let report = outside_only_report();
    let version = report.engine_version.clone();
    let text = fhir::bundle_json(&report).replace(&version, "[engine-version]");
    let bundle: Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!("outside_only_bundle", bundle);
}
