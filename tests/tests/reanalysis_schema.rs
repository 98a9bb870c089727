//! The JSON contract of a batch reanalysis (`dosera reanalyze --format
//! json`): the committed schema equals the one generated from the types,
//! and the batch of every kept report fixture, with a report that cannot be
//! read, validates against it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use dosera::report::reanalyze::{batch_schema, reanalyze_files, report_paths, Batch};
use dosera::Engine;
use serde_json::Value;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/schema/reanalysis.schema.json")
}

#[test]
fn committed_schema_is_the_generated_one() {
    let text = serde_json::to_string_pretty(&batch_schema()).unwrap() + "\n";
    if dosera_conformance::deviations::regenerate_requested() {
        std::fs::write(schema_path(), &text).unwrap();
    }
    let committed = std::fs::read_to_string(schema_path()).unwrap_or_default();
    assert!(
        committed == text,
        "core/schema/reanalysis.schema.json differs from the schema generated from the types; \
         regenerate with DOSERA_REGENERATE=1 cargo test -p dosera-conformance --test reanalysis_schema"
    );
}

#[test]
fn every_fixture_batch_validates_and_a_malformed_one_does_not() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let engine = Engine::bundled().unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/reports");
    let dir = std::env::temp_dir().join(format!("dosera-batch-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"schema_version\": 7}").unwrap();
    let mut paths = report_paths(&["v1", "v2", "v3"].map(|v| fixtures.join(v))).expect("fixtures");
    paths.push(broken);
    let results = reanalyze_files(&engine, &paths, &[], 0, &|| {});
    let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let batch = Batch::of(engine.pack_release().0, &files, &results);
    std::fs::remove_dir_all(&dir).ok();
    // The earlier release's reports list changes; the broken one failed.
    assert!(
        batch.patients.len() >= 10,
        "{} listed",
        batch.patients.len()
    );
    assert!(batch.patients.iter().all(|p| !p.changes.is_empty()));
    assert_eq!(batch.failed.len(), 1);
    assert_eq!(batch.counts.reports, paths.len());
    let value = serde_json::to_value(&batch).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(3)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("; "));
    // It reads back as it was written.
    let back: Batch = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(back, batch);

    let mut bad_kind = value.clone();
    bad_kind["patients"][0]["changes"][0]["kind"] = Value::String("mood".into());
    assert!(!validator.is_valid(&bad_kind));
    let mut no_counts = value.clone();
    no_counts.as_object_mut().unwrap().remove("counts");
    assert!(!validator.is_valid(&no_counts));
    let mut bad_code = value;
    bad_code["failed"][0]["code"] = Value::String("111".into());
    assert!(!validator.is_valid(&bad_code));
}
