//! A gene result that leads to no recommendation says why, in every output
//! format: not given, given but not understood, or no row in the guideline.
//! Such warnings go to stderr too, and `--strict` turns the last two into
//! an error (code 112, exit code 1).

use std::path::{Path, PathBuf};
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn example_vcf() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/example-patient.vcf")
        .display()
        .to_string()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-nonanswer-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// An outside-call file in `dir`.
fn outside(dir: &Path, text: &str) -> String {
    let path = dir.join("outside.tsv");
    std::fs::write(&path, text).expect("write outside calls");
    path.display().to_string()
}

const TYPO: &str = "CYP2D6 *1/*44x: given but not understood (unknown allele `*44x` for CYP2D6; did you mean *44 or *4?)";
const NOT_GIVEN: &str = "HLA-A: not given, not tested or not called";
const NO_ROW: &str = "HLA-B *57:01 positive: the guideline has no recommendation for this result";

#[test]
fn an_outside_call_typo_is_given_but_not_understood() {
    let dir = temp_dir("typo");
    let tsv = outside(&dir, "CYP2D6\t*1/*44x\n");
    let args = ["report", &example_vcf(), "--outside", &tsv, "-d", "codeine"];
    let o = dosera(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "warning: sample EXAMPLE-1: {TYPO}; drugs: codeine (CPIC, DPWG)"
        )),
        "{err}"
    );
    let text = stdout(&o);
    let codeine: Vec<&str> = text
        .split("\n\n")
        .filter(|block| block.starts_with("codeine · "))
        .collect();
    assert_eq!(codeine.len(), 2, "{text}");
    for block in codeine {
        assert!(block.contains(&format!("no answer: {TYPO}")), "{block}");
        assert!(!block.contains("not given"), "{block}");
    }
    // The top-level warnings hold it too.
    let o = dosera(&[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(warnings.iter().any(|w| w.starts_with(TYPO)), "{warnings:?}");

    // --strict: an error naming the value, exit code 1, nothing written.
    let o = dosera(&[&args[..], &["--strict"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: not answered (strict): sample EXAMPLE-1: {TYPO}"
        )),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Codeine: CYP2D6 given but not understood; CPIC carbamazepine: HLA-A not
/// given and no row for the HLA-B status given.
fn three_kinds(dir: &Path) -> Vec<String> {
    let tsv = outside(dir, "CYP2D6\t*1/*44x\nHLA-B\t*57:01 positive\n");
    [
        "report",
        &example_vcf(),
        "--outside",
        &tsv,
        "-d",
        "codeine",
        "-d",
        "carbamazepine",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_ok(args: &[String], more: &[&str]) -> Output {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend(more);
    let o = dosera(&all);
    assert_eq!(o.status.code(), Some(0), "{all:?}: {}", stderr(&o));
    o
}

#[test]
fn the_three_kinds_in_json_and_text() {
    let dir = temp_dir("json-text");
    let args = three_kinds(&dir);
    let v: serde_json::Value =
        serde_json::from_slice(&run_ok(&args, &["--json"]).stdout).expect("json");
    let reasons = |drug: &str, source: &str| -> Vec<(String, String, serde_json::Value)> {
        v["drugs"]
            .as_array()
            .expect("drugs")
            .iter()
            .find(|d| d["drug"] == drug && d["source"] == source)
            .map(|d| {
                d["non_answers"]
                    .as_array()
                    .expect("non_answers")
                    .iter()
                    .map(|n| {
                        (
                            n["gene"].as_str().unwrap_or_default().to_string(),
                            n["reason"].as_str().unwrap_or_default().to_string(),
                            n["value"].clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        reasons("codeine", "cpic"),
        [(
            "CYP2D6".to_string(),
            "not_understood".to_string(),
            serde_json::json!("*1/*44x")
        )]
    );
    assert_eq!(
        reasons("carbamazepine", "cpic"),
        [
            (
                "HLA-A".to_string(),
                "not_given".to_string(),
                serde_json::Value::Null
            ),
            (
                "HLA-B".to_string(),
                "no_row".to_string(),
                serde_json::json!("*57:01 positive")
            ),
        ]
    );
    let o = run_ok(&args, &[]);
    let text = stdout(&o);
    for line in [TYPO, NOT_GIVEN, NO_ROW] {
        assert!(
            text.contains(&format!("  no answer: {line}\n")),
            "{line}\n{text}"
        );
    }
    // Stderr warns of the two kinds strict mode fails on, not of the gene
    // that was not given.
    let err = stderr(&o);
    assert!(err.contains(TYPO) && err.contains(NO_ROW), "{err}");
    assert!(!err.contains(NOT_GIVEN), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_three_kinds_in_html_en_and_sv() {
    let dir = temp_dir("html");
    let args = three_kinds(&dir);
    let en = stdout(&run_ok(&args, &["--format", "html", "--lang", "en"]));
    for line in [TYPO, NOT_GIVEN, NO_ROW] {
        let escaped = line.replace('`', "&#96;");
        assert!(
            en.contains(line) || en.contains(&escaped),
            "{line} not in the English page"
        );
    }
    let sv = stdout(&run_ok(&args, &["--format", "html", "--lang", "sv"]));
    for words in [
        "CYP2D6 *1/*44x: angiven men kunde inte tolkas",
        "HLA-A: inte angiven, inte testad eller inte anropad",
        "HLA-B *57:01 positive: riktlinjen har ingen rekommendation för detta resultat",
        "Genresultat som svaret inte bygger på",
    ] {
        assert!(sv.contains(words), "{words} not in the Swedish page");
    }
    assert!(!sv.contains("given but not understood"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_three_kinds_in_tsv_and_fhir() {
    let dir = temp_dir("tsv-fhir");
    let args = three_kinds(&dir);
    let tables = dir.join("tables");
    run_ok(
        &args,
        &["--format", "tsv", "--out", &tables.display().to_string()],
    );
    let drugs = std::fs::read_to_string(tables.join("drugs.tsv")).expect("drugs.tsv");
    let header: Vec<&str> = drugs
        .lines()
        .next()
        .unwrap_or_default()
        .split('\t')
        .collect();
    let col = header
        .iter()
        .position(|c| *c == "non_answers")
        .expect("non_answers column");
    let cell = |drug: &str, source: &str| -> String {
        drugs
            .lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|r| r[1] == drug && r[2] == source)
            .map(|r| r[col].to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell("codeine", "cpic"), TYPO);
    assert_eq!(
        cell("carbamazepine", "cpic"),
        format!("{NOT_GIVEN} | {NO_ROW}")
    );

    let fhir = stdout(&run_ok(&args, &["--format", "fhir"]));
    let v: serde_json::Value = serde_json::from_str(&fhir).expect("fhir json");
    let conclusion = v["entry"][0]["resource"]["conclusion"]
        .as_str()
        .expect("conclusion")
        .to_string();
    assert!(
        conclusion.contains(&format!("No recommendation for codeine (CPIC): {TYPO}.")),
        "{conclusion}"
    );
    assert!(
        conclusion.contains(&format!(
            "No recommendation for carbamazepine (CPIC): {NOT_GIVEN}; {NO_ROW}."
        )),
        "{conclusion}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn strict_tables_are_written_then_the_run_fails() {
    let dir = temp_dir("tsv-strict");
    let mut args = three_kinds(&dir);
    let tables = dir.join("tables");
    args.extend([
        "--format".to_string(),
        "tsv".to_string(),
        "--out".to_string(),
        tables.display().to_string(),
        "--strict".to_string(),
    ]);
    let all: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = dosera(&all);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("warning: sample EXAMPLE-1: {TYPO}")),
        "{err}"
    );
    assert!(
        err.contains("error: not answered (strict): sample EXAMPLE-1: "),
        "{err}"
    );
    assert!(tables.join("drugs.tsv").is_file());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn recommend_warns_and_strict_fails_but_not_for_a_gene_not_given() {
    let no_row = ["recommend", "-g", "CYP2D6=No Result", "-d", "codeine"];
    let o = dosera(&no_row);
    assert_eq!(o.status.code(), Some(0));
    let line = "CYP2D6 No Result: the guideline has no recommendation for this result";
    assert!(stdout(&o).contains(&format!("  no answer: {line}")));
    assert!(stderr(&o).contains(&format!("warning: {line}; drugs: codeine (CPIC, DPWG)")));
    let o = dosera(&[&no_row[..], &["--strict"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains(&format!("error: not answered (strict): {line}")));

    // A gene not given is the scope of the request, not an error.
    let o = dosera(&[
        "recommend",
        "-g",
        "CYP2C19=*1/*1",
        "-d",
        "codeine",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("  no answer: CYP2D6: not given, not tested or not called"));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}
