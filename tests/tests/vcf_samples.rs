//! Whole-sample VCF conformance: Sample_1 against PharmCAT's matcher output,
//! and multi-sample files called in one pass equal to one sample at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::CallOptions;
use dosera::input::vcf::VcfReader;
use dosera::Engine;
use dosera_conformance::shared_dir;

#[test]
fn sample_1_matches_pharmcat_calls() {
    let Some(shared) = shared_dir() else {
        println!("sample_1_matches_pharmcat_calls: skipped: ../shared is absent");
        return;
    };
    let dir = shared.join("conformance/pharmcat-unit-tests");
    let engine = Engine::bundled().unwrap();
    let mut reader = VcfReader::from_path(&dir.join("Sample_1.preprocessed.vcf")).unwrap();
    let calls = engine
        .call_vcf(&mut reader, &CallOptions::default())
        .unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("Sample_1.match.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for result in expected["results"].as_array().unwrap() {
        let gene = result["gene"].as_str().unwrap();
        let want: Vec<&str> = result["diplotypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        let call = calls[0]
            .gene(gene)
            .unwrap_or_else(|| panic!("{gene} not called"));
        let got = call.diplotype_names();
        checked += 1;
        println!("{gene:<8} expected {want:?} got {got:?}");
        if got != want {
            failures.push(format!("{gene}: expected {want:?}, got {got:?}"));
        }
    }
    println!(
        "Sample_1: {}/{checked} genes match",
        checked - failures.len()
    );
    assert!(checked >= 18, "only {checked} genes in the expected output");
    assert!(failures.is_empty(), "{failures:#?}");
}

fn one_pass_equals_single(file: &str) {
    let Some(shared) = shared_dir() else {
        println!("{file}: skipped: ../shared is absent");
        return;
    };
    let path = shared.join("conformance/pharmcat-unit-tests").join(file);
    let engine = Engine::bundled().unwrap();
    let mut reader = VcfReader::from_path(&path).unwrap();
    let all = engine
        .call_vcf(&mut reader, &CallOptions::default())
        .unwrap();
    assert!(!all.is_empty());
    let mut compared = 0;
    for (i, sample) in all.iter().enumerate() {
        let opts = CallOptions {
            sample: Some(sample.sample.clone()),
            ..CallOptions::default()
        };
        let mut reader = VcfReader::from_path(&path).unwrap();
        let alone = engine.call_vcf(&mut reader, &opts).unwrap();
        assert_eq!(alone.len(), 1);
        assert_eq!(&alone[0], sample, "sample {i} ({}) differs", sample.sample);
        compared += 1;
    }
    let called: usize = all
        .iter()
        .map(|s| s.genes.iter().filter(|g| g.is_called()).count())
        .sum();
    println!("{file}: {compared} samples, one pass equals one at a time; {called} gene calls made");
    assert!(called > 0, "no gene was called in {file}");
}

#[test]
fn hundred_samples_one_pass_equals_single() {
    one_pass_equals_single("100samples.vcf.bgz");
}

#[test]
fn multisample_one_pass_equals_single() {
    one_pass_equals_single("multisample.vcf.bgz");
}
