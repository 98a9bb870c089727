//! Snapshots of the readable (terminal) output for a few corpus cases; a
//! change to them has to be accepted deliberately (`cargo insta review`, or
//! `INSTA_UPDATE=always` and a look at the diff).

use std::path::PathBuf;
use std::process::Command;

fn run(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/example-patient.vcf")
        .display()
        .to_string()
}

#[test]
fn report_of_the_bundled_example() {
    insta::assert_snapshot!(run(&["report", &example()]));
}

#[test]
fn report_with_outside_calls_for_two_drugs() {
    let dir = std::env::temp_dir().join(format!("dosera-readable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tsv = dir.join("outside.tsv");
    std::fs::write(
        &tsv,
        "CYP2D6\t*1/*4\nCYP2D6\t*1/*10\nHLA-B\t*57:01/*08:01\n",
    )
    .expect("write");
    let out = run(&[
        "report",
        &example(),
        "--outside",
        &tsv.display().to_string(),
        "--drug",
        "codeine",
        "--drug",
        "abacavir",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    insta::assert_snapshot!(out);
}

#[test]
fn recommend_for_a_poor_metabolizer() {
    insta::assert_snapshot!(run(&[
        "recommend",
        "--gene",
        "CYP2C19=*2/*2",
        "--drug",
        "clopidogrel"
    ]));
}
