//! The 2026 thiopurine update, patient by patient: a synthetic cohort of
//! 1,000 is reported with a pack built without the 2026 TPMT/NUDT15
//! update (`pack import --leave-out thiopurines-2026`, from
//! ../shared/reference), and those stored reports are reanalysed with the
//! bundled packs. The patients listed, and what they are told changed,
//! must be exactly what a comparison of the two releases' reports, made
//! here from their JSON alone, finds; no other patient may be listed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use dosera::pack::Action;
use serde_json::Value;

const DRUGS: [&str; 5] = [
    "azathioprine",
    "mercaptopurine",
    "thioguanine",
    "clopidogrel",
    "codeine",
];

fn dosera() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
}

fn reference() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("reanalyze_thiopurines: skipped, ../shared/reference is absent");
        None
    }
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("run dosera");
    assert!(
        out.status.success(),
        "{:?}: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Per sample, what the prescriber reads: each gene's phenotypes and
/// activity scores, and per drug and source the actions, doses,
/// strengths, alternatives and gene results of the matched rows.
type Reading = BTreeMap<(String, String, String), String>;

/// Per (subject, source, kind): the value before and after.
type Differences = BTreeMap<(String, String, String), (String, String)>;

fn reading(report: &Value) -> Reading {
    let mut out = Reading::new();
    for g in report["genes"].as_array().expect("genes") {
        let gene = g["gene"].as_str().expect("gene").to_string();
        for (field, kind) in [
            ("phenotypes", "phenotype"),
            ("activity_scores", "activity_score"),
        ] {
            let values: Vec<&str> = g[field]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.insert(
                (gene.clone(), String::new(), kind.into()),
                values.join(" or "),
            );
        }
    }
    for d in report["drugs"].as_array().expect("drugs") {
        // One source may have a guideline per gene for a drug.
        let mut genes: Vec<&str> = d["genes"]
            .as_array()
            .expect("genes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        genes.sort_unstable();
        let key = |kind: &str| {
            (
                format!("{} {}", d["drug"].as_str().expect("drug"), genes.join("+")),
                d["source"].as_str().expect("source").to_string(),
                kind.to_string(),
            )
        };
        let matches = d["matches"].as_array().expect("matches");
        let set = |f: &dyn Fn(&Value) -> String| -> String {
            if matches.is_empty() {
                return "no matching row".into();
            }
            let values: BTreeSet<String> = matches
                .iter()
                .map(f)
                .map(|v| if v.is_empty() { "none".into() } else { v })
                .collect();
            values.into_iter().collect::<Vec<_>>().join(" | ")
        };
        out.insert(
            key("action"),
            set(&|m| {
                let a: Action = serde_json::from_value(m["action"].clone()).expect("action");
                a.label().to_string()
            }),
        );
        out.insert(
            key("strength"),
            set(&|m| m["strength"].as_str().unwrap_or_default().to_string()),
        );
        out.insert(
            key("alternatives"),
            set(&|m| {
                m["alternatives"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            }),
        );
        out.insert(
            key("dose"),
            set(&|m| m["dose"].to_string().replace("null", "")),
        );
        out.insert(
            key("summary"),
            set(&|m| m["summary"].as_str().unwrap_or_default().to_string()),
        );
        out.insert(
            key("result"),
            set(&|m| {
                m["lookup"]
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(g, k)| format!("{g}: {}", k.as_str().unwrap_or_default()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            }),
        );
    }
    out
}

/// TPMT (chr6) and NUDT15 (chr13) records with the genotype of every
/// sample whose index ends in 0-6 set to homozygous reference.
fn mask_thiopurine_genes(vcf: &str) -> String {
    let mut out = String::with_capacity(vcf.len());
    let mut masked = 0;
    for line in vcf.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let pos: u64 = cols.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        let in_gene = !line.starts_with('#')
            && ((cols[0] == "chr6" && (18_100_000..18_200_000).contains(&pos))
                || (cols[0] == "chr13" && (48_000_000..48_100_000).contains(&pos)));
        if !in_gene {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        masked += 1;
        let cells: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i >= 9 && (i - 9) % 10 < 7 {
                    let rest = c.find(':').map_or("", |k| &c[k..]);
                    let sep = if c.contains('|') { "|" } else { "/" };
                    format!("0{sep}0{rest}")
                } else {
                    c.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    assert!(masked >= 20, "{masked} TPMT/NUDT15 records");
    out
}

fn reports_in(dir: &Path) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("reports") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("report");
        let v: Value = serde_json::from_str(&text).expect("json");
        out.insert(
            v["input"]["sample"].as_str().expect("sample").to_string(),
            v,
        );
    }
    out
}

#[test]
fn thiopurine_update_lists_exactly_the_patients_whose_advice_changed() {
    let Some(reference) = reference() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dosera-thiopurines-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["old", "new"] {
        std::fs::create_dir_all(dir.join(sub)).expect("dir");
    }
    let old_pack = dir.join("pack-pre2026");
    run(dosera()
        .args([
            "pack",
            "import",
            "--leave-out",
            "thiopurines-2026",
            "--release",
            "test-pre2026",
        ])
        .arg("--reference")
        .arg(&reference)
        .arg("--out")
        .arg(&old_pack));
    let drawn = dir.join("drawn.vcf");
    run(dosera()
        .args(["simulate", "--samples", "1000", "--seed", "2026", "--out"])
        .arg(&drawn));
    // The simulator draws every defined allele about equally often, rare
    // ones included; most real patients carry none. Seven samples in ten
    // are made TPMT and NUDT15 reference here, so the cohort has
    // patients the update leaves alone as well as ones it reaches.
    let vcf = dir.join("cohort.vcf");
    let masked = mask_thiopurine_genes(&std::fs::read_to_string(&drawn).expect("vcf"));
    std::fs::write(&vcf, masked).expect("write vcf");
    let drugs: Vec<String> = DRUGS
        .iter()
        .flat_map(|d| ["-d".to_string(), d.to_string()])
        .collect();
    // The stored reports, written with the pre-2026 pack; and, for the
    // comparison, the same cohort reported with the bundled packs.
    run(dosera()
        .arg("--packs")
        .arg(&old_pack)
        .arg("report")
        .arg(&vcf)
        .args(&drugs)
        .args(["--format", "json", "--out"])
        .arg(dir.join("old")));
    run(dosera()
        .arg("report")
        .arg(&vcf)
        .args(&drugs)
        .args(["--format", "json", "--out"])
        .arg(dir.join("new")));
    let old = reports_in(&dir.join("old"));
    let new = reports_in(&dir.join("new"));
    assert_eq!(old.len(), 1000);
    assert_eq!(new.len(), 1000);

    // Independent: what differs between the two reports of each sample.
    let mut expected: BTreeMap<String, Differences> = BTreeMap::new();
    for (sample, before) in &old {
        let (a, b) = (reading(before), reading(&new[sample]));
        let keys: BTreeSet<_> = a.keys().chain(b.keys()).cloned().collect();
        let mut differ = BTreeMap::new();
        for k in keys {
            let (x, y) = (
                a.get(&k).cloned().unwrap_or_default(),
                b.get(&k).cloned().unwrap_or_default(),
            );
            if x != y {
                differ.insert(k, (x, y));
            }
        }
        // Where the matched rows' action, dose, strength, alternatives
        // and gene results are the same, a different summary (written
        // from the reviewed facts) is a change of the advice's details.
        let summaries: Vec<_> = differ
            .keys()
            .filter(|k| k.2 == "summary")
            .cloned()
            .collect();
        for k in summaries {
            let (x, y) = differ.remove(&k).expect("summary");
            let others = ["result", "action", "dose", "strength", "alternatives"]
                .iter()
                .any(|f| differ.contains_key(&(k.0.clone(), k.1.clone(), f.to_string())));
            if !others {
                differ.insert((k.0, k.1, "advice".to_string()), (x, y));
            }
        }
        if !differ.is_empty() {
            expected.insert(sample.clone(), differ);
        }
    }
    // The update reaches part of the cohort, and only through the
    // thiopurines and their genes.
    // Nearly every patient reads other thiopurine advice: besides the
    // update itself, the 2024 rows carry no reviewed facts (the importer
    // marks their advice "not reviewed"), so even a normal metabolizer's
    // advice text changes. The controls below show patients whose advice
    // does not change are not listed.
    assert!(expected.len() >= 100, "{} patients changed", expected.len());
    for (sample, changes) in &expected {
        for (subject, source, _) in changes.keys() {
            let first = subject.split(' ').next().unwrap_or_default();
            let thiopurine = [
                "azathioprine",
                "mercaptopurine",
                "thioguanine",
                "TPMT",
                "NUDT15",
            ]
            .contains(&first);
            assert!(thiopurine, "{sample}: {subject} {source} changed");
        }
    }

    let out = run(dosera()
        .args(["reanalyze", "--format", "json"])
        .arg(dir.join("old")));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["counts"]["reports"], 1000);
    assert_eq!(v["counts"]["failed"], 0);
    let listed: BTreeMap<String, &Value> = v["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .map(|p| (p["sample"].as_str().expect("sample").to_string(), p))
        .collect();
    let listed_samples: BTreeSet<&String> = listed.keys().collect();
    let expected_samples: BTreeSet<&String> = expected.keys().collect();
    assert_eq!(listed_samples, expected_samples, "patients listed");
    assert_eq!(v["counts"]["changed"], expected.len());
    println!(
        "thiopurine update: {} of 1000 patients listed, counts {}",
        expected.len(),
        v["counts"]
    );

    // Each listed patient: every advice change with the right before and
    // after, and the releases and guideline versions named.
    let mut checked = 0;
    for (sample, want) in &expected {
        let p = listed[sample];
        assert_eq!(p["old_release"], "test-pre2026");
        let mut got = BTreeMap::new();
        for c in p["changes"].as_array().expect("changes") {
            let kind = c["kind"].as_str().expect("kind");
            if kind == "guideline_version" || kind == "recommendation" {
                assert_ne!(c["old_guideline_version"], c["new_guideline_version"]);
                continue;
            }
            let (subject, source) = match c["drug"].as_str() {
                None => (c["gene"].as_str().expect("gene").to_string(), String::new()),
                Some(drug) => (
                    format!("{drug} {}", c["gene"].as_str().unwrap_or_default()),
                    c["source"].as_str().expect("source").to_string(),
                ),
            };
            if kind == "dose" {
                // Doses are compared as data above and as text here: the
                // change is listed where the data differs.
                got.insert((subject, source, kind.to_string()), None);
                continue;
            }
            got.insert(
                (subject, source, kind.to_string()),
                Some((
                    c["before"].as_str().expect("before").to_string(),
                    c["after"].as_str().expect("after").to_string(),
                )),
            );
        }
        let want_keys: BTreeSet<_> = want.keys().collect();
        let got_keys: BTreeSet<_> = got.keys().collect();
        assert_eq!(got_keys, want_keys, "{sample}: what changed");
        for (k, (before, after)) in want {
            if let Some(Some((b, a))) = got.get(k) {
                assert_eq!((b, a), (before, after), "{sample} {k:?}");
                checked += 1;
            }
        }
    }
    assert!(
        checked >= expected.len(),
        "{checked} before/after pairs checked"
    );

    // Controls: the same knowledge lists nobody, and a mixed folder lists
    // only the reports written with the older pack.
    for (packs, reports) in [(Some(&old_pack), "old"), (None, "new")] {
        let mut cmd = dosera();
        if let Some(p) = packs {
            cmd.arg("--packs").arg(p);
        }
        let out = run(cmd
            .args(["reanalyze", "--format", "json"])
            .arg(dir.join(reports)));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["counts"]["unchanged"], 1000, "{reports}: {}", v["counts"]);
        assert_eq!(v["patients"].as_array().map(Vec::len), Some(0));
    }
    let mixed = dir.join("mixed");
    std::fs::create_dir_all(&mixed).expect("dir");
    for (i, (sample, _)) in old.iter().enumerate().take(200) {
        let from = if i % 2 == 0 { "old" } else { "new" };
        let name = format!("{sample}.json");
        std::fs::copy(dir.join(from).join(&name), mixed.join(&name)).expect("copy");
    }
    let out = run(dosera().args(["reanalyze", "--format", "json"]).arg(&mixed));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let listed: BTreeSet<String> = v["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .map(|p| p["sample"].as_str().expect("sample").to_string())
        .collect();
    let want: BTreeSet<String> = old
        .keys()
        .take(200)
        .enumerate()
        .filter(|(i, s)| i % 2 == 0 && expected.contains_key(*s))
        .map(|(_, s)| s.clone())
        .collect();
    assert_eq!(listed, want, "mixed folder");
    assert_eq!(v["counts"]["unchanged"], 100, "{}", v["counts"]);
    std::fs::remove_dir_all(&dir).ok();
}
