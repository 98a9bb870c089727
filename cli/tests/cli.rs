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

/// The bundled example with its sample column repeated under other names.
fn multi_sample_vcf(dir: &std::path::Path, names: &[&str]) -> std::path::PathBuf {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/corpus/example-patient.vcf"),
    )
    .expect("example");
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("##") {
            out.push_str(line);
        } else {
            let mut fields: Vec<&str> = line.split('\t').collect();
            let last = fields.pop().expect("sample column");
            out.push_str(&fields.join("\t"));
            for n in names {
                out.push('\t');
                out.push_str(if line.starts_with('#') { n } else { last });
            }
        }
        out.push('\n');
    }
    let path = dir.join("multi.vcf");
    std::fs::write(&path, out).expect("write");
    path
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn example_vcf() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/example-patient.vcf")
        .display()
        .to_string()
}

#[test]
fn report_formats_html_fhir_json() {
    let dir = temp_dir("formats");
    let en = dir.join("en.html");
    let sv = dir.join("sv.html");
    for (lang, path) in [("en", &en), ("sv", &sv)] {
        let o = dosera(&[
            "report",
            &example_vcf(),
            "--format",
            "html",
            "--lang",
            lang,
            "--out",
            &path.display().to_string(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let en = std::fs::read_to_string(en).expect("en");
    let sv = std::fs::read_to_string(sv).expect("sv");
    assert!(
        en.starts_with("<!DOCTYPE html>"),
        "{}",
        &en[..40.min(en.len())]
    );
    assert!(en.contains("lang=\"en\"") && sv.contains("lang=\"sv\""));
    assert_ne!(en, sv);
    let o = dosera(&["report", &example_vcf(), "--format", "fhir"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("fhir json");
    assert_eq!(v["resourceType"], "Bundle");
    let o = dosera(&["report", &example_vcf(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["input"]["sample"], "EXAMPLE-1");
    let o = dosera(&["report", &example_vcf(), "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn report_cohort_tables_and_one_file_per_sample() {
    let dir = temp_dir("cohort");
    let vcf = multi_sample_vcf(&dir, &["A", "B", "C"]);
    let vcf = vcf.display().to_string();
    // Two tables need a folder.
    let o = dosera(&["report", &vcf, "--format", "tsv"]);
    assert_eq!(o.status.code(), Some(2));
    let out = dir.join("tables");
    let write_tables = || {
        let out = out.display().to_string();
        let o = dosera(&["report", &vcf, "--format", "tsv", "--out", &out]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    write_tables();
    let genes = std::fs::read_to_string(out.join("genes.tsv")).expect("genes.tsv");
    let drugs = std::fs::read_to_string(out.join("drugs.tsv")).expect("drugs.tsv");
    let gene_rows = genes.lines().count() - 1;
    let drug_rows = drugs.lines().count() - 1;
    assert!(gene_rows.is_multiple_of(3));
    assert_eq!(gene_rows / 3, 19, "{gene_rows}");
    assert!(drug_rows > 0 && drug_rows.is_multiple_of(3), "{drug_rows}");
    for s in ["A", "B", "C"] {
        assert_eq!(
            genes
                .lines()
                .filter(|l| l.starts_with(&format!("{s}\t")))
                .count(),
            19
        );
    }
    // Writing again into the same folder replaces the tables, even when
    // the old ones were longer.
    std::fs::write(out.join("drugs.tsv"), drugs.repeat(3)).expect("longer drugs.tsv");
    write_tables();
    assert_eq!(
        std::fs::read_to_string(out.join("genes.tsv")).expect("genes.tsv"),
        genes
    );
    assert_eq!(
        std::fs::read_to_string(out.join("drugs.tsv")).expect("drugs.tsv"),
        drugs
    );
    // Several samples: one HTML file each, or a clear usage error.
    let o = dosera(&["report", &vcf, "--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    let pages = dir.join("pages");
    let o = dosera(&[
        "report",
        &vcf,
        "--format",
        "html",
        "--out",
        &pages.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .expect("pages")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["A.html", "B.html", "C.html"]);
    std::fs::remove_dir_all(&dir).ok();
}

/// PharmCAT's documented outside-call example (`CYP2D6 *1/*3`,
/// `HLA-B *15:02/*57:01`, `MT-RNR1 1555A>G`, in PharmCAT's own spelling)
/// beside a VCF: the HLA-B and MT-RNR1 drugs get their rows.
#[test]
fn documented_outside_call_example_reaches_the_hla_and_mt_rnr1_rows() {
    let dir = std::env::temp_dir().join(format!("dosera-cli-documented-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let outside = dir.join("outside.tsv");
    std::fs::write(
        &outside,
        "CYP2D6\t*1/*3\nHLA-B\t*15:02/*57:01\nMT-RNR1\t1555A>G\n",
    )
    .expect("write outside calls");
    let vcf = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/corpus/example-patient.vcf"
    );
    let o = dosera(&[
        "report",
        vcf,
        "--outside",
        outside.to_str().expect("utf-8 path"),
        "--json",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let actions = |drug: &str, source: &str| -> Vec<String> {
        v["drugs"]
            .as_array()
            .expect("drugs")
            .iter()
            .filter(|d| d["drug"] == drug && d["source"] == source)
            .flat_map(|d| d["matches"].as_array().cloned().unwrap_or_default())
            .map(|m| m["action"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(actions("abacavir", "cpic"), ["avoid"]);
    assert_eq!(actions("abacavir", "dpwg"), ["avoid"]);
    for source in ["cpic", "dpwg"] {
        assert!(!actions("carbamazepine", source).is_empty(), "{source}");
        assert!(!actions("phenytoin", source).is_empty(), "{source}");
    }
    assert!(!actions("fosphenytoin", "cpic").is_empty());
    assert!(!actions("oxcarbazepine", "cpic").is_empty());
    for aminoglycoside in ["amikacin", "gentamicin", "tobramycin"] {
        assert_eq!(
            actions(aminoglycoside, "cpic"),
            ["avoid"],
            "{aminoglycoside}"
        );
    }
    // The MT-RNR1 name was read in the packs' spelling, and the report says so.
    let mt = v["genes"]
        .as_array()
        .expect("genes")
        .iter()
        .find(|g| g["gene"] == "MT-RNR1")
        .expect("MT-RNR1 reported");
    assert!(mt.to_string().contains("read as `m.1555A>G`"), "{}", mt);
}
