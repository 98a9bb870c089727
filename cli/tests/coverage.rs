//! `dosera report` on a VCF that looks like another genome build (or covers
//! no pharmacogene position): every format says so, stderr says so once,
//! and the exit code stays 0 (a flagged result, not a failed request).

use std::path::PathBuf;
use std::process::{Command, Output};

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("dosera-cli-coverage-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// CYP2C19*2 and *17 at their GRCh37 positions, under a header that names
/// no build.
const GRCH37: &str = "##fileformat=VCFv4.2\n\
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    chr10\t96521657\trs12248560\tC\tT\t.\tPASS\t.\tGT\t0/1\n\
    chr10\t96541616\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";

const OTHER_BUILD: &str = "this VCF looks like another genome build than GRCh38";

#[test]
fn every_format_and_stderr_say_it_and_the_exit_code_is_zero() {
    let dir = temp_dir("grch37");
    let vcf = dir.join("grch37.vcf");
    std::fs::write(&vcf, GRCH37).expect("write");
    let vcf = vcf.display().to_string();
    let warning = format!("warning: {vcf}: {OTHER_BUILD}");
    let once = |o: &Output| {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert_eq!(
            text(&o.stderr).matches(&warning).count(),
            1,
            "{}",
            text(&o.stderr)
        );
    };

    let o = dosera(&["report", &vcf]);
    once(&o);
    let out = text(&o.stdout);
    assert!(out.contains(&format!("WARNING: {OTHER_BUILD}")), "{out}");
    assert!(out.contains("warning: unreliable: the VCF looks like another genome build"));

    let o = dosera(&["report", &vcf, "--format", "json"]);
    once(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["input"]["coverage"]["kind"], "other_build");
    assert_eq!(v["input"]["coverage"]["signs"][0], "near_but_not_on");
    assert_eq!(v["input"]["coverage"]["counts"]["records"], 2);
    assert!(v["warnings"][0].as_str().unwrap().starts_with(OTHER_BUILD));

    for (lang, banner) in [
        (
            "en",
            "Warning: the VCF looks like another genome build than GRCh38",
        ),
        (
            "sv",
            "Varning: VCF-filen ser ut att vara från en annan genomversion än GRCh38",
        ),
    ] {
        let o = dosera(&["report", &vcf, "--format", "html", "--lang", lang]);
        once(&o);
        assert!(text(&o.stdout).contains(banner), "{lang}");
    }

    let o = dosera(&["report", &vcf, "--format", "fhir"]);
    once(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("fhir");
    let conclusion = v["entry"][0]["resource"]["conclusion"].as_str().unwrap();
    assert!(
        conclusion.starts_with(&format!("Warning: {OTHER_BUILD}")),
        "{conclusion}"
    );

    let tables = dir.join("tables");
    let o = dosera(&[
        "report",
        &vcf,
        "--format",
        "tsv",
        "--out",
        &tables.display().to_string(),
    ]);
    once(&o);
    let genes = std::fs::read_to_string(tables.join("genes.tsv")).expect("genes.tsv");
    assert!(genes
        .lines()
        .skip(1)
        .all(|l| l.contains("unreliable: the VCF looks like another genome build")));
    let drugs = std::fs::read_to_string(tables.join("drugs.tsv")).expect("drugs.tsv");
    assert!(drugs.contains("unreliable: the VCF looks like another genome build"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn records_far_from_the_pharmacogenes_cover_no_pharmacogene_position() {
    let dir = temp_dir("elsewhere");
    let vcf = dir.join("elsewhere.vcf");
    std::fs::write(
        &vcf,
        GRCH37
            .replace("chr10\t9652", "chr3\t9652")
            .replace("chr10\t9654", "chr3\t9654"),
    )
    .expect("write");
    let o = dosera(&["report", &vcf.display().to_string()]);
    assert_eq!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    assert!(
        err.contains("this VCF covers no pharmacogene position"),
        "{err}"
    );
    assert!(text(&o.stdout).contains("WARNING: this VCF covers no pharmacogene position"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_ordinary_grch38_file_gives_no_such_warning() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/example-patient.vcf")
        .display()
        .to_string();
    for format in ["text", "tsv"] {
        let dir = temp_dir("example");
        let out = dir.display().to_string();
        let mut args = vec!["report", example.as_str(), "--format", format];
        if format == "tsv" {
            args.extend(["--out", out.as_str()]);
        }
        let o = dosera(&args);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            !err.contains("genome build") && !err.contains("covers no"),
            "{err}"
        );
        assert!(!text(&o.stdout).contains("WARNING"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
