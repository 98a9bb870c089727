//! `dosera pack import --leave-out GROUP`: builds an older pack set that the
//! other commands load with `--packs`. Skipped (with a message) when
//! `../shared/reference` is absent.

use std::path::Path;
use std::process::{Command, Output};

use dosera_conformance::reference_or_skip;

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn an_unknown_group_is_a_usage_error() {
    // The name is checked before the reference folder is read.
    let out = std::env::temp_dir().join(format!("dosera-cli-leave-out-x-{}", std::process::id()));
    let o = dosera(&[
        "pack",
        "import",
        "--reference",
        "/nonexistent/reference",
        "--leave-out",
        "thiopurines-2025",
        "--release",
        "x",
        "--out",
        path(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("thiopurines-2026"), "{err}");
    assert!(!out.exists());
}

#[test]
fn the_pre_2026_pack_is_built_and_loaded() {
    let Some(reference) = reference_or_skip("pack_leave_out (cli)") else {
        return;
    };
    let out = std::env::temp_dir().join(format!("dosera-cli-leave-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = dosera(&[
        "pack",
        "import",
        "--reference",
        path(&reference),
        "--leave-out",
        "thiopurines-2026",
        "--release",
        "test-pre2026",
        "--out",
        path(&out),
    ]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("thiopurines-2026 left out"), "{err}");

    let o = dosera(&["--packs", path(&out), "pack", "info", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["release"], "test-pre2026");
    let cpic = v["packs"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["source"] == "cpic"))
        .expect("CPIC pack");
    let upstream = cpic["upstream"].as_array().expect("upstream");
    assert!(!upstream
        .iter()
        .any(|u| u["name"] == "cpic-2026-thiopurine-phenotypes"));

    // The older NUDT15 data names *2 itself; a call with it is answered
    // from the 2024 mercaptopurine guideline.
    let o = dosera(&[
        "--packs",
        path(&out),
        "recommend",
        "--gene",
        "NUDT15=*1/*2",
        "--gene",
        "TPMT=*1/*1",
        "--drug",
        "mercaptopurine",
        "--source",
        "cpic",
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let m = &v["drugs"][0]["matches"][0];
    assert_eq!(m["lookup"]["NUDT15"], "Intermediate Metabolizer", "{m:#}");
    let _ = std::fs::remove_dir_all(&out);
}
