//! The shared golden corpus (`tests/corpus/golden/*/`) through the command
//! line: the recommendations `dosera` prints as JSON are the ones in
//! `expected.json`, which the Rust API wrote and the C, Python and
//! WebAssembly tests replay too.
//!
//! - `request.json`: `dosera recommend --gene … --drug … --source … --json`
//!   must print exactly `expected.json`;
//! - a VCF case (`input.vcf`, or the file named in `input.vcf.ref`, with
//!   `options.json`): `dosera report VCF --json` per sample, with the
//!   options as flags (`outside` through a file given to `--outside`),
//!   must give the same drug results and the same calls for the genes
//!   `expected.json` reports (the command line has no gene filter, so it
//!   reports more genes; with a filter, the drug results that use only the
//!   genes kept are compared).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(args: &[String]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera");
    assert!(
        out.status.success(),
        "dosera {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn recommend_args(request: &Value) -> Vec<String> {
    let mut args = vec!["recommend".to_string(), "--json".to_string()];
    for g in request["genes"].as_array().into_iter().flatten() {
        args.push("--gene".into());
        args.push(format!(
            "{}={}",
            g["gene"].as_str().unwrap_or_default(),
            g["value"].as_str().unwrap_or_default()
        ));
    }
    for d in strings(&request["drugs"]) {
        args.push("--drug".into());
        args.push(d);
    }
    for s in strings(&request["sources"]) {
        args.push("--source".into());
        args.push(s);
    }
    args
}

fn report_args(vcf: &Path, options: &Value, outside: Option<&Path>, sample: &str) -> Vec<String> {
    let mut args = vec![
        "report".to_string(),
        vcf.display().to_string(),
        "--json".to_string(),
        "--sample".to_string(),
        sample.to_string(),
    ];
    for d in strings(&options["drugs"]) {
        args.push("--drug".into());
        args.push(d);
    }
    if let Some(path) = outside {
        args.push("--outside".into());
        args.push(path.display().to_string());
    }
    for (flag, option) in [
        ("--assume-reference", "assume_reference"),
        ("--all-matches", "all_matches"),
        ("--combinations", "combinations"),
        ("--cyp2d6", "cyp2d6"),
    ] {
        if options[option].as_bool() == Some(true) {
            args.push(flag.into());
        }
    }
    if let Some(sex) = options["sex"].as_str() {
        args.push("--sex".into());
        args.push(sex.into());
    }
    args
}

/// A gene's call as reports give it, for comparison.
fn calls(report: &Value) -> Vec<(String, Value, Value)> {
    report["genes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g["gene"].as_str().unwrap_or_default().to_string(),
                g["diplotypes"].clone(),
                g["phenotypes"].clone(),
            )
        })
        .collect()
}

#[test]
fn golden_corpus_through_the_command_line() {
    let golden = root().join("tests/corpus/golden");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&golden)
        .expect("tests/corpus/golden")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "golden cases: {cases:?}");
    let scratch = std::env::temp_dir().join(format!("dosera-cli-golden-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let expected = read_json(&case.join("expected.json"));
        let request = case.join("request.json");
        if request.exists() {
            let got = run(&recommend_args(&read_json(&request)));
            assert_eq!(got, expected, "{name}");
            continue;
        }
        let vcf = match std::fs::read_to_string(case.join("input.vcf.ref")) {
            Ok(rel) => root().join(rel.trim()),
            Err(_) => case.join("input.vcf"),
        };
        let options = if case.join("options.json").exists() {
            read_json(&case.join("options.json"))
        } else {
            Value::Null
        };
        let outside = options["outside"].as_str().map(|text| {
            let path = scratch.join(format!("{name}.outside.tsv"));
            std::fs::write(&path, text).expect("outside file");
            path
        });
        let reports: Vec<Value> = match expected {
            Value::Array(many) => many,
            one => vec![one],
        };
        for want in reports {
            let sample = want["input"]["sample"].as_str().expect("sample name");
            let got = run(&report_args(&vcf, &options, outside.as_deref(), sample));
            // With a gene filter, the API matches the genes left out as not
            // given; compare the drug results that use only genes it kept.
            let kept = strings(&options["genes"]);
            let comparable = |d: &&Value| {
                kept.is_empty() || strings(&d["genes"]).iter().all(|g| kept.contains(g))
            };
            let pick = |r: &Value| -> Vec<Value> {
                r["drugs"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(comparable)
                    .cloned()
                    .collect()
            };
            let (got_drugs, want_drugs) = (pick(&got), pick(&want));
            assert!(!want_drugs.is_empty(), "{name} {sample}: no drug compared");
            assert_eq!(got_drugs.len(), want_drugs.len(), "{name} {sample}");
            for (g, w) in got_drugs.iter().zip(&want_drugs) {
                assert_eq!(g, w, "{name} {sample}: {} {}", w["drug"], w["source"]);
            }
            if kept.is_empty() {
                assert_eq!(
                    got["warnings"], want["warnings"],
                    "{name} {sample}: warnings"
                );
            }
            let got_calls = calls(&got);
            for call in calls(&want) {
                assert!(
                    got_calls.contains(&call),
                    "{name} {sample}: {} differs: {got_calls:?}",
                    call.0
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
