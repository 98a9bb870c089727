//! Reanalysis of stored reports: every report schema version the project
//! has written is read and reanalysed (fixtures in
//! tests/fixtures/reports, written by the old builds themselves), and the
//! `dosera reanalyze` command's outputs and failures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use dosera::report::reanalyze::{reanalyze, rebuild};
use dosera::report::stored::{StoredReport, READABLE_SCHEMA_VERSIONS};
use dosera::report::Report;
use dosera::Engine;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/reports")
}

fn dosera() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
}

fn cases(version: u32) -> BTreeMap<String, String> {
    let dir = fixtures().join(format!("v{version}"));
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("fixture folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .to_string();
            out.insert(name, std::fs::read_to_string(&path).expect("fixture"));
        }
    }
    out
}

/// A fixture case's report as this build writes it: the fixtures' README
/// command for the case, run from the repository root with its relative
/// paths (a report records the path as given). The fixtures themselves
/// stay as their version wrote them, so wording this build has changed
/// since is compared with this, not with them.
fn written_now(name: &str) -> String {
    const DRUGS: [&str; 10] = [
        "azathioprine",
        "mercaptopurine",
        "thioguanine",
        "clopidogrel",
        "codeine",
        "abacavir",
        "carbamazepine",
        "warfarin",
        "fluorouracil",
        "simvastatin",
    ];
    let inputs = "tests/fixtures/reports/inputs";
    let outside = |tsv: &str| {
        vec![
            format!("{inputs}/no-records.vcf"),
            "--outside".to_string(),
            format!("{inputs}/{tsv}.tsv"),
        ]
    };
    let mut args: Vec<String> = match name {
        "example-patient" => vec!["tests/corpus/example-patient.vcf".into()],
        "example-patient-sv" => ["tests/corpus/example-patient.vcf", "--lang", "sv"]
            .map(String::from)
            .to_vec(),
        "outside-calls" | "outside-ambiguous" | "outside-not-understood" => outside(name),
        "tpmt-nudt15-het" | "cyp2c19-one-record" | "other-build" => {
            vec![format!("{inputs}/{name}.vcf")]
        }
        other => panic!("fixture case {other} has no command here: add the README's"),
    };
    for d in DRUGS {
        args.extend(["-d".to_string(), d.to_string()]);
    }
    args.extend(["--format", "json"].map(String::from));
    let out = dosera()
        .arg("report")
        .args(&args)
        .current_dir(fixtures().join("../../.."))
        .output()
        .expect("run dosera report");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The drugs a stored report lists (the fixtures were written for a few).
fn drugs_of(stored: &StoredReport) -> Vec<String> {
    let mut seen = BTreeSet::new();
    stored
        .drugs
        .iter()
        .filter(|d| seen.insert(d.drug.clone()))
        .map(|d| d.drug.clone())
        .collect()
}

#[test]
fn every_schema_version_is_read_and_reanalysed() {
    let engine = Engine::bundled().expect("packs");
    let mut read = 0;
    for version in READABLE_SCHEMA_VERSIONS {
        let cases = cases(version);
        assert!(cases.len() >= 7, "v{version}: {} fixtures", cases.len());
        for (name, text) in &cases {
            let raw: Value = serde_json::from_str(text).expect("JSON");
            assert_eq!(raw["schema_version"], version, "{name}");
            let stored =
                StoredReport::from_json(text).unwrap_or_else(|e| panic!("v{version} {name}: {e}"));
            assert_eq!(stored.schema_version, version);
            assert_eq!(
                stored.drugs.len(),
                raw["drugs"].as_array().expect("drugs").len()
            );
            assert_eq!(
                stored.genes.len(),
                raw["genes"].as_array().expect("genes").len()
            );
            let r = reanalyze(&engine, &stored, &[])
                .unwrap_or_else(|e| panic!("v{version} {name}: {e}"));
            assert_eq!(r.old_schema_version, version);
            assert_eq!(
                r.old_release,
                raw["packs_release"].as_str().expect("release")
            );
            // A report written for a few drugs is reanalysed for those.
            let now: BTreeSet<&str> = r
                .report
                .as_ref()
                .expect("report")
                .drugs
                .iter()
                .map(|d| d.drug.as_str())
                .collect();
            let before: BTreeSet<&str> = stored.drugs.iter().map(|d| d.drug.as_str()).collect();
            assert_eq!(now, before, "v{version} {name}");
            read += 1;
        }
    }
    assert!(read >= 22, "{read} fixtures read");
}

/// The current version's reports, written with the bundled packs' release,
/// read back and rebuilt give the report this build writes of the same
/// inputs, equal as JSON: the rebuild loses nothing a report holds.
/// Wording this build or a corrected pack of the same release has changed
/// since the fixtures were written shows in the rebuild too. And this
/// build's report, reanalysed with the packs that wrote it, lists no
/// change.
#[test]
fn current_reports_rebuild_to_themselves() {
    let engine = Engine::bundled().expect("packs");
    let mut rebuilt = 0;
    for (name, text) in cases(3) {
        let fixture: Report = Report::from_json(&text).expect("v3 report");
        if fixture.packs_release != engine.pack_release().0 {
            eprintln!(
                "skipped {name}: written with another pack release ({})",
                fixture.packs_release
            );
            continue;
        }
        let now = written_now(&name);
        let written: Report = Report::from_json(&now).expect("report now");
        let stored = StoredReport::from_json(&text).expect("stored");
        let mut again = rebuild(&engine, &stored, &drugs_of(&stored)).expect("rebuild");
        again.localise(written.lang);
        assert_eq!(
            serde_json::to_value(&again).expect("json"),
            serde_json::to_value(&written).expect("json"),
            "{name}"
        );
        let r = reanalyze(
            &engine,
            &StoredReport::from_json(&now).expect("stored"),
            &[],
        )
        .expect("reanalyse");
        assert!(r.changes.is_empty(), "{name}: {:?}", r.changes);
        rebuilt += 1;
    }
    assert!(rebuilt >= 8, "{rebuilt} fixtures rebuilt");
}

/// An earlier version's report of the same input, reanalysed with the
/// bundled packs, reads as this build's report of it; and the changes
/// listed are exactly the differences between the two, found here from
/// their JSON alone.
#[test]
fn earlier_reports_reanalyse_to_the_current_report() {
    let engine = Engine::bundled().expect("packs");
    let current: BTreeMap<String, String> = cases(3)
        .into_keys()
        .map(|name| {
            let text = written_now(&name);
            (name, text)
        })
        .collect();
    let mut compared = 0;
    for version in [1, 2] {
        for (name, text) in cases(version) {
            let Some(now_text) = current.get(&name) else {
                continue;
            };
            let now: Report = Report::from_json(now_text).expect("this build's report");
            let stored = StoredReport::from_json(&text).expect("stored");
            let r = reanalyze(&engine, &stored, &[]).expect("reanalyse");
            let again = r.report.as_ref().expect("report");
            // Same genes and drug results as the current build wrote.
            assert_eq!(
                serde_json::to_value(&again.genes).expect("json"),
                serde_json::to_value(&now.genes).expect("json"),
                "v{version} {name}: genes"
            );
            assert_eq!(
                serde_json::to_value(&again.drugs).expect("json"),
                serde_json::to_value(&now.drugs).expect("json"),
                "v{version} {name}: drugs"
            );
            // The actions, strengths and row ids listed as changed are the
            // ones that differ between the two files.
            let old: Value = serde_json::from_str(&text).expect("json");
            let new: Value = serde_json::from_str(now_text).expect("json");
            // Keyed by drug, source and the guideline's genes (a source may
            // have one guideline per gene for a drug).
            let field_sets = |report: &Value,
                              field: &str|
             -> BTreeMap<(String, String, String), BTreeSet<String>> {
                let mut out = BTreeMap::new();
                for d in report["drugs"].as_array().expect("drugs") {
                    let mut genes: Vec<&str> = d["genes"]
                        .as_array()
                        .expect("genes")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    genes.sort_unstable();
                    let key = (
                        d["drug"].as_str().expect("drug").to_string(),
                        d["source"].as_str().expect("source").to_string(),
                        genes.join("+"),
                    );
                    let values: BTreeSet<String> = d["matches"]
                        .as_array()
                        .expect("matches")
                        .iter()
                        .map(|m| m[field].to_string())
                        .collect();
                    out.insert(key, values);
                }
                out
            };
            for (field, kind) in [
                ("action", "action"),
                ("strength", "strength"),
                ("alternatives", "alternatives"),
                ("dose", "dose"),
            ] {
                let (a, b) = (field_sets(&old, field), field_sets(&new, field));
                let expected: BTreeSet<(String, String, String)> = a
                    .iter()
                    .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
                    .map(|(k, _)| k.clone())
                    .collect();
                let listed: BTreeSet<(String, String, String)> = r
                    .changes
                    .iter()
                    .filter(|c| c.kind.as_str() == kind)
                    .map(|c| {
                        (
                            c.drug.clone().expect("drug"),
                            c.source.expect("source").as_str().to_string(),
                            c.gene.clone().expect("guideline genes"),
                        )
                    })
                    .collect();
                assert_eq!(listed, expected, "v{version} {name}: {field}");
            }
            compared += 1;
        }
    }
    assert!(compared >= 12, "{compared} pairs compared");
}

#[test]
fn command_lists_changed_patients_counts_the_rest_and_keeps_going_past_bad_files() {
    let dir = std::env::temp_dir().join(format!("dosera-reanalyze-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("batch")).expect("dir");
    // The earlier release's reports, and this build's reports of the same
    // inputs (written with the bundled packs, so nothing changes for them).
    for (name, text) in cases(1) {
        std::fs::write(dir.join("batch").join(format!("v1-{name}.json")), text).expect("write");
    }
    for name in cases(3).keys() {
        std::fs::write(
            dir.join("batch").join(format!("v3-{name}.json")),
            written_now(name),
        )
        .expect("write");
    }
    std::fs::write(dir.join("batch/broken.json"), "{\"schema_version\": 7}").expect("write");
    std::fs::write(dir.join("batch/readme.txt"), "not a report").expect("write");

    let tsv = dir.join("changes.tsv");
    let out = dosera()
        .args(["reanalyze", "--format", "tsv", "--out"])
        .arg(&tsv)
        .arg(dir.join("batch"))
        .output()
        .expect("run");
    // One report could not be read: exit 1, after writing the others.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json: cannot read report: report schema version 7"),
        "{err}"
    );
    assert!(err.contains("reanalysed 16 reports"), "{err}");
    let table = std::fs::read_to_string(&tsv).expect("table");
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some("sample\tfile\tdrug\tsource\tgene\tchange\tbefore\tafter\told_release\tnew_release\told_guideline_version\tnew_guideline_version")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 12));
    // Only the earlier release's reports changed; the current ones are
    // counted, not listed.
    let files: BTreeSet<&str> = rows.iter().map(|r| r[1]).collect();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f.contains("/v1-")), "{files:?}");
    assert!(rows
        .iter()
        .all(|r| r[8] == "2026.12.1" && r[9] == "2026.12.2"));

    let json = dosera()
        .args(["reanalyze", "--format", "json"])
        .arg(dir.join("batch"))
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    // The documented shape (core/schema/reanalysis.schema.json).
    let batch: dosera::report::reanalyze::Batch =
        serde_json::from_value(v.clone()).expect("a batch");
    assert_eq!(batch.failed.len(), 1);
    assert_eq!(v["counts"]["reports"], 16);
    assert_eq!(v["counts"]["failed"], 1);
    let changed = v["counts"]["changed"].as_u64().expect("count") as usize;
    assert_eq!(changed, files.len());
    assert_eq!(
        v["counts"]["unchanged"].as_u64().expect("count") as usize
            + v["counts"]["re_identified"].as_u64().expect("count") as usize,
        15 - changed
    );
    assert_eq!(v["patients"].as_array().expect("patients").len(), changed);
    assert_eq!(v["failed"][0]["code"], 111);

    let text = dosera()
        .arg("reanalyze")
        .arg(fixtures().join("v1/outside-calls.json"))
        .output()
        .expect("run");
    assert!(text.status.success());
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(
        shown.contains("packs 2026.12.1 → 2026.12.2 (report schema 1)"),
        "{shown}"
    );
    assert!(
        shown.contains("  codeine (DPWG, CYP2D6): action: increase dose → other guidance"),
        "{shown}"
    );

    let none = dosera()
        .arg("reanalyze")
        .arg(dir.join("nothing-here"))
        .output()
        .expect("run");
    assert_eq!(
        none.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `dosera report` of the outside-call fixture as an HTML page in `lang`,
/// with the v1 report of the same input as the earlier one.
fn since_page(lang: &str) -> Command {
    let mut command = dosera();
    command
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .args([
            "report",
            "tests/fixtures/reports/inputs/no-records.vcf",
            "--outside",
            "tests/fixtures/reports/inputs/outside-calls.tsv",
            "-d",
            "codeine",
            "-d",
            "clopidogrel",
            "--format",
            "html",
            "--lang",
            lang,
            "--previous",
        ])
        .arg(fixtures().join("v1/outside-calls.json"));
    command
}

#[test]
fn html_report_says_what_changed_since_an_earlier_report() {
    let dir = std::env::temp_dir().join(format!("dosera-reanalyze-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let page = dir.join("page.html");
    let out = since_page("en")
        .arg("--out")
        .arg(&page)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("page");
    let since = html.find("<section id=\"since\">").expect("section");
    // Right after the header, before the drugs to act on.
    let actionable = html
        .find("<section id=\"actionable\"")
        .expect("actionable section");
    assert!(since < actionable);
    assert!(html.contains("Changed since your last report"));
    assert!(
        html.contains("Earlier report: 2026.12.1"),
        "earlier release named"
    );
    assert!(html.contains("codeine (DPWG, CYP2D6): action: increase dose → other guidance"));
    // Drugs the earlier report had and this one was not asked for are not
    // said to be removed.
    assert!(
        !html.contains("guideline removed"),
        "only the drugs of this report are compared"
    );
    // In Swedish, the values too: the same change, in Swedish words.
    let out = since_page("sv").output().expect("run");
    assert!(out.status.success());
    let html = String::from_utf8_lossy(&out.stdout);
    let start = html.find("<section id=\"since\">").expect("section");
    let since = &html[start..start + html[start..].find("</section>").expect("end")];
    assert!(
        since.contains("codeine (DPWG, CYP2D6): åtgärd: höj dosen → annan vägledning"),
        "{since}"
    );
    for english in ["increase dose", "other guidance", "Metabolizer", " or "] {
        assert!(!since.contains(english), "{english} in: {since}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The batch reader (shared caches, reports read for the comparison
/// only) lists the same changes as the one-report reanalysis, report by
/// report, over every fixture of every version.
#[test]
fn the_batch_lists_what_one_report_reanalysis_lists() {
    let engine = Engine::bundled().expect("packs");
    let mut paths = Vec::new();
    for version in READABLE_SCHEMA_VERSIONS {
        let dir = fixtures().join(format!("v{version}"));
        paths.extend(dosera::report::reanalyze::report_paths(&[dir]).expect("paths"));
    }
    // Each twice, so the second reading of each comes from the caches.
    let twice: Vec<PathBuf> = paths.iter().chain(paths.iter()).cloned().collect();
    for drugs in [
        vec![],
        vec!["codeine".to_string(), "azathioprine".to_string()],
    ] {
        let batch = dosera::report::reanalyze::reanalyze_files(&engine, &twice, &drugs, 2, &|| {});
        for (path, got) in twice.iter().zip(&batch) {
            let stored = StoredReport::from_json(&std::fs::read_to_string(path).expect("read"))
                .expect("stored");
            let mut want = reanalyze(&engine, &stored, &drugs).expect("reanalyse");
            want.report = None;
            // With drugs named, the report's other drugs are not said to
            // be removed.
            if !drugs.is_empty() {
                for c in &want.changes {
                    assert!(
                        c.drug.as_ref().is_none_or(|d| drugs.contains(d)),
                        "{}: {c:?}",
                        path.display()
                    );
                }
            }
            assert_eq!(got.as_ref().expect("batch"), &want, "{}", path.display());
        }
    }
}
