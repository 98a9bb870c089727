//! The gold cases (`tests/conformance/gold-recommendations.json`) through
//! the command line, in English and Swedish: the text `dosera recommend`
//! prints and its `--json` answer say what the guideline says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use dosera_conformance::gold;
use serde_json::Value;

fn run(args: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera");
    assert!(
        out.status.success(),
        "dosera {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn args(case: &Value, lang: &str) -> Vec<String> {
    let mut a = vec!["recommend".to_string(), "--lang".into(), lang.into()];
    for g in gold::strings(&case["genes"]) {
        a.push("--gene".into());
        a.push(g);
    }
    a.push("--drug".into());
    a.push(case["drug"].as_str().unwrap().into());
    if let Some(s) = case["source"].as_str() {
        a.push("--source".into());
        a.push(s.into());
    }
    a
}

#[test]
fn gold_cases_through_the_command_line() {
    let cases = gold::cases();
    assert!(cases.len() >= 25);
    let mut problems = Vec::new();
    for case in &cases {
        for lang in ["en", "sv"] {
            let mut a = args(case, lang);
            // Text: a case that names a population or a guideline is read
            // from the JSON below, where rows can be told apart.
            if case["population"].is_null() && case["gene_guideline"].is_null() {
                let text = run(&a);
                problems.extend(gold::problems(case, &text, lang));
            }
            a.push("--json".into());
            let answer: Value = serde_json::from_str(&run(&a)).expect("JSON");
            problems.extend(gold::problems(case, &gold::text(case, &answer), lang));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
