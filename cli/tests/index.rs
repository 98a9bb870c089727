//! `dosera index` and `dosera report` through the index it writes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn report_through_the_index_equals_the_full_scan() {
    let dir = temp_dir("index");
    let vcf = dir.join("wgs.vcf.gz");
    let vcf_arg = vcf.to_str().expect("utf-8 path");
    ok(dosera(&[
        "simulate",
        "--samples",
        "1",
        "--filler",
        "20000",
        "--out",
        vcf_arg,
    ]));
    let written = ok(dosera(&["index", vcf_arg]));
    let said = String::from_utf8_lossy(&written.stderr);
    assert!(said.contains("wgs.vcf.gz.tbi (tabix index of"), "{said}");
    assert!(dir.join("wgs.vcf.gz.tbi").is_file());
    let indexed = ok(dosera(&["report", vcf_arg, "--json"]));
    let full = ok(dosera(&["report", vcf_arg, "--json", "--no-index"]));
    assert!(!indexed.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&indexed.stdout),
        String::from_utf8_lossy(&full.stdout)
    );

    ok(dosera(&["index", "--csi", vcf_arg]));
    assert!(dir.join("wgs.vcf.gz.csi").is_file());

    // A plain text VCF cannot be indexed: input error, exit code 1.
    let plain = dir.join("plain.vcf");
    let plain_arg = plain.to_str().expect("utf-8 path");
    ok(dosera(&["simulate", "--samples", "1", "--out", plain_arg]));
    let refused = dosera(&["index", plain_arg]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("bgzip"));
    std::fs::remove_dir_all(&dir).expect("clean up");
}
