//! Byte identity of what the command line writes: a 1,000-sample synthetic
//! cohort's tables, a phased 200-sample cohort with CYP2D6 (research mode),
//! the bundled example patient's report in every format and language, and
//! two `recommend` answers. Each output's sha256 must equal the one in
//! `cli/tests/outputs.sha256`.
//!
//! This guards refactoring: moving code must not change a byte of what a
//! user reads. A deliberate change of output (new pack release, new wording,
//! new field) regenerates the digests with
//! `DOSERA_REGENERATE=1 cargo test -p dosera-cli --test outputs_digest`,
//! and the commit says why they changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `dosera` in `dir`; returns stdout. Fails the test on a non-zero exit.
fn dosera(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run dosera");
    assert!(
        out.status.success(),
        "dosera {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every output, by a stable name, with its sha256.
fn outputs(dir: &Path) -> BTreeMap<String, String> {
    // Copied into the run's folder and named relatively: the report records
    // the path it was given, which must not depend on the checkout's place.
    let example = "example-patient.vcf";
    std::fs::copy(root().join("tests/corpus").join(example), dir.join(example)).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    dosera(
        dir,
        &[
            "simulate",
            "--samples",
            "1000",
            "--seed",
            "7",
            "--out",
            "cohort.vcf.gz",
        ],
    );
    dosera(
        dir,
        &[
            "report",
            "cohort.vcf.gz",
            "--format",
            "tsv",
            "--out",
            "cohort",
        ],
    );
    dosera(
        dir,
        &[
            "simulate",
            "--samples",
            "200",
            "--seed",
            "8",
            "--phased",
            "--cyp2d6",
            "--out",
            "phased.vcf.gz",
        ],
    );
    dosera(
        dir,
        &[
            "report",
            "phased.vcf.gz",
            "--cyp2d6",
            "--format",
            "tsv",
            "--out",
            "phased",
        ],
    );
    for name in [
        "cohort/genes.tsv",
        "cohort/drugs.tsv",
        "phased/genes.tsv",
        "phased/drugs.tsv",
    ] {
        files.push((name.to_string(), std::fs::read(dir.join(name)).unwrap()));
    }
    let one = dosera(dir, &["report", "cohort.vcf.gz", "--sample", "3", "--json"]);
    files.push(("cohort sample 3 json".into(), one));
    let one = dosera(
        dir,
        &[
            "report",
            "cohort.vcf.gz",
            "--sample",
            "5",
            "--assume-reference",
            "--all-matches",
            "--json",
        ],
    );
    files.push((
        "cohort sample 5 json (assume reference, all matches)".into(),
        one,
    ));

    for format in ["text", "json", "html", "fhir"] {
        for lang in ["en", "sv"] {
            let out = dosera(
                dir,
                &["report", example, "--format", format, "--lang", lang],
            );
            files.push((format!("example {format} {lang}"), out));
        }
    }
    dosera(
        dir,
        &["report", example, "--format", "tsv", "--out", "example"],
    );
    for name in ["example/genes.tsv", "example/drugs.tsv"] {
        files.push((name.to_string(), std::fs::read(dir.join(name)).unwrap()));
    }
    let genes = [
        "--gene",
        "CYP2C19=*2/*2",
        "--gene",
        "CYP2D6=1.0",
        "--gene",
        "HLA-B=*57:01",
    ];
    let mut args = vec!["recommend", "--json"];
    args.extend(genes);
    files.push(("recommend json".into(), dosera(dir, &args)));
    let mut args = vec!["recommend", "--lang", "sv", "--gene", "TPMT=*1/*3A"];
    args.extend(genes);
    files.push(("recommend text sv".into(), dosera(dir, &args)));

    files
        .into_iter()
        .map(|(name, bytes)| (name, sha256(&bytes)))
        .collect()
}

#[test]
fn outputs_are_byte_identical() {
    let dir = std::env::temp_dir().join(format!("dosera-outputs-digest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let got = outputs(&dir);
    let _ = std::fs::remove_dir_all(&dir);

    let path = root().join("cli/tests/outputs.sha256");
    let text: String = got.iter().map(|(n, h)| format!("{h}  {n}\n")).collect();
    if std::env::var_os("DOSERA_REGENERATE").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want: BTreeMap<String, String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(h, n)| (n.to_string(), h.to_string()))
        .collect();
    let changed: std::collections::BTreeSet<&String> = got
        .keys()
        .chain(want.keys())
        .filter(|n| got.get(*n) != want.get(*n))
        .collect();
    assert!(
        changed.is_empty(),
        "outputs changed (regenerate only for a deliberate change, see the file's doc): {changed:?}"
    );
}
