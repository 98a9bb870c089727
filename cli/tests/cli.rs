//! The `dosera` binary: outputs, JSON shape and exit codes.

use std::process::{Command, Output};

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn recommend_json_has_the_documented_fields() {
    let o = dosera(&[
        "recommend",
        "--gene",
        "CYP2C19=*2/*2",
        "--drug",
        "clopidogrel",
        "--source",
        "cpic",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["packs_release"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(v["packs"][0]["source"], "cpic");
    let drug = &v["drugs"][0];
    assert_eq!(drug["drug"], "clopidogrel");
    assert_eq!(drug["source"], "cpic");
    let m = &drug["matches"][0];
    for field in [
        "strength",
        "action",
        "dose",
        "lookup",
        "summary",
        "implication",
        "id",
    ] {
        assert!(m.get(field).is_some(), "missing {field}: {m}");
    }
    assert_eq!(m["lookup"]["CYP2C19"], "Poor Metabolizer");
    assert_eq!(m["action"], "use_alternative");
}

#[test]
fn recommend_table_names_the_pack_release_and_the_guideline() {
    let o = dosera(&[
        "recommend",
        "-g",
        "CYP2D6=Poor Metabolizer",
        "-d",
        "codeine",
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("cpic-"), "{text}");
    assert!(text.contains("codeine · CPIC"), "{text}");
    assert!(text.contains("avoid"), "{text}");
}

#[test]
fn dose_adjustments_are_shown() {
    let o = dosera(&[
        "recommend",
        "-g",
        "DPYD=Reference/c.1905+1G>A (*2A)",
        "-d",
        "fluorouracil",
        "-s",
        "cpic",
        "--json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let m = &v["drugs"][0]["matches"][0];
    assert_eq!(m["lookup"]["DPYD"], "1.0");
    assert_eq!(m["action"], "reduce_dose");
    assert_eq!(m["dose"]["percent_min"], 50.0);
}

#[test]
fn phenotype_and_listings() {
    let o = dosera(&["phenotype", "CYP2D6", "*1/*4", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["candidates"][0]["calls"][0]["activity_score"], "1.0");
    assert_eq!(
        v["candidates"][0]["calls"][0]["phenotype"],
        "Intermediate Metabolizer"
    );
    assert!(stdout(&dosera(&["genes"])).contains("CYP2C19"));
    assert!(stdout(&dosera(&["alleles", "NUDT15"])).contains("*3"));
    assert!(stdout(&dosera(&["drugs"])).contains("siponimod"));
    let info = dosera(&["pack", "info", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).expect("json");
    assert_eq!(v["packs"].as_array().map(Vec::len), Some(2));
    assert!(dosera(&["pack", "verify"]).status.success());
}

#[test]
fn bad_input_exits_one_with_the_token_named() {
    for (args, token) in [
        (vec!["recommend", "-g", "CYP2C19=*2/*77"], "*77"),
        (vec!["recommend", "-g", "FOO1=*1/*1"], "FOO1"),
        (
            vec!["recommend", "-g", "CYP2C19=*2/*2", "-d", "notadrug"],
            "notadrug",
        ),
        (vec!["recommend", "-g", "CYP2C19"], "CYP2C19"),
        (vec!["phenotype", "CYP2C19", "*1/"], "*1/"),
    ] {
        let o = dosera(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(token), "{args:?}: {err}");
    }
}

#[test]
fn usage_and_pack_errors_have_their_own_codes() {
    assert_eq!(dosera(&["recommend"]).status.code(), Some(2));
    assert_eq!(
        dosera(&["recommend", "-g", "CYP2C19=*1/*1", "-s", "fda"])
            .status
            .code(),
        Some(1)
    );
    let missing = std::env::temp_dir().join("dosera-no-such-pack-dir");
    let o = dosera(&["--packs", missing.to_str().expect("utf-8 path"), "drugs"]);
    assert_ne!(o.status.code(), Some(0));
}
