//! The report's JSON contract: the committed schema equals the one generated
//! from the types, and every report the test corpus produces validates
//! against it (issue 4, point 2). Reading checks the schema version.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use dosera::allele::{CallOptions, SampleCalls};
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::{build, json_schema, Report, REPORT_SCHEMA_VERSION};
use dosera::Engine;
use dosera_conformance::shared_dir;
use serde_json::Value;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/schema/report.schema.json")
}

fn committed_schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap()
}

/// Every report of every sample of a VCF, or none when the file is refused
/// (bad inputs are the reader tests' business).
fn reports_of(
    engine: &Engine,
    path: &Path,
    outside_calls: &[dosera::ResolvedOutside],
) -> Vec<Report> {
    let Ok(mut reader) = VcfReader::from_path(path) else {
        return Vec::new();
    };
    let Ok(calls) = engine.call_vcf(&mut reader, &CallOptions::default()) else {
        return Vec::new();
    };
    calls
        .iter()
        .map(|s| {
            let mut r = build(engine, s, outside_calls, &[]).unwrap();
            r.input.file = Some(path.display().to_string());
            r
        })
        .collect()
}

fn vcfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            vcfs_under(&p, out);
        } else if p.extension().is_some_and(|e| e == "vcf" || e == "bgz") {
            out.push(p);
        }
    }
}

#[test]
fn committed_schema_is_the_generated_one() {
    let generated = json_schema();
    let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("DOSERA_REGENERATE").is_some() {
        std::fs::write(schema_path(), &text).unwrap();
    }
    let committed = std::fs::read_to_string(schema_path()).unwrap_or_default();
    assert!(
        committed == text,
        "core/schema/report.schema.json differs from the schema generated from the types; \
         regenerate with DOSERA_REGENERATE=1 cargo test -p dosera-conformance --test report_schema"
    );
    assert!(text.contains(&format!("report-v{REPORT_SCHEMA_VERSION}.json")));
}

#[test]
fn every_corpus_report_validates() {
    let engine = Engine::bundled().unwrap();
    let validator = jsonschema::validator_for(&committed_schema()).unwrap();
    let mut reports: Vec<(String, Report)> = Vec::new();
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/example-patient.vcf");
    for r in reports_of(&engine, &example, &[]) {
        reports.push(("example-patient.vcf".into(), r));
    }
    // Outside calls only: several candidates, a no-call, an unknown allele.
    let text = "CYP2D6\t*1/*4\nCYP2D6\t*1/*10\nHLA-B\t*57:01/*08:01\nNAT2\t./.\nCYP2C9\t*1/*XXX\n";
    let resolved = engine
        .resolve_outside(&outside::parse(text).unwrap())
        .unwrap();
    reports.push((
        "outside only".into(),
        build(&engine, &SampleCalls::empty("S1"), &resolved, &[]).unwrap(),
    ));
    match shared_dir() {
        None => println!(
            "every_corpus_report_validates: ../shared is absent: the project's own corpus only"
        ),
        Some(shared) => {
            let unit = shared.join("conformance/pharmcat-unit-tests");
            let mut files = Vec::new();
            vcfs_under(&unit, &mut files);
            let d6 = engine
                .resolve_outside(&outside::read(&unit.join("PharmCATTest-cyp2d6.tsv")).unwrap())
                .unwrap();
            for (i, f) in files.iter().enumerate() {
                // Every other file also with the CYP2D6 outside call.
                let extra = if i % 2 == 0 { &d6[..] } else { &[][..] };
                for r in reports_of(&engine, f, extra) {
                    reports.push((f.display().to_string(), r));
                }
            }
        }
    }
    let mut failures = Vec::new();
    for (source, r) in &reports {
        let value = serde_json::to_value(r).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.push(format!(
                "{source} ({}): {}",
                r.input.sample,
                errors.join("; ")
            ));
        }
        // What is written reads back, version checked.
        let back = Report::from_json(&serde_json::to_string(r).unwrap()).unwrap();
        assert_eq!(&back, r, "{source}");
    }
    println!("{} reports validated against the schema", reports.len());
    assert!(reports.len() >= 2);
    assert!(
        failures.is_empty(),
        "{} invalid:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_schema_rejects_a_malformed_report() {
    let engine = Engine::bundled().unwrap();
    let validator = jsonschema::validator_for(&committed_schema()).unwrap();
    let resolved = engine
        .resolve_outside(&outside::parse("CYP2C19\t*2/*2\n").unwrap())
        .unwrap();
    let report = build(&engine, &SampleCalls::empty("S1"), &resolved, &[]).unwrap();
    let good = serde_json::to_value(&report).unwrap();
    assert!(validator.is_valid(&good));
    let mut wrong_type = good.clone();
    wrong_type["schema_version"] = Value::String("1".into());
    assert!(!validator.is_valid(&wrong_type));
    let mut missing = good.clone();
    missing["genes"][0].as_object_mut().unwrap().remove("gene");
    assert!(!validator.is_valid(&missing));
    let mut bad_enum = good;
    bad_enum["genes"][0]["source"] = Value::String("guess".into());
    assert!(!validator.is_valid(&bad_enum));
}

#[test]
fn reading_checks_the_schema_version() {
    let err = Report::from_json(r#"{"schema_version": 99}"#).unwrap_err();
    assert_eq!(err.code(), dosera::ErrorCode::MalformedReport);
    assert!(err.to_string().contains("99"), "{err}");
    let err = Report::from_json(r#"{"genes": []}"#).unwrap_err();
    assert!(err.to_string().contains("schema_version"), "{err}");
    let err = Report::from_json("not json").unwrap_err();
    assert_eq!(err.code(), dosera::ErrorCode::MalformedReport);
}
