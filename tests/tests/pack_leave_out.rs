//! Leaving out the 2026 thiopurine supplement (`leave_out =
//! ["thiopurines-2026"]`) builds the pre-2026 thiopurine pack: TPMT and
//! NUDT15 and the CPIC azathioprine, mercaptopurine and thioguanine
//! guidelines as the older upstream files have them, everything else as in
//! the default import.
//!
//! The expectations are read here from the upstream files, independently of
//! the importer. Skipped (with a message) when `../shared/reference` is
//! absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dosera::pack::{write_dir, Gene, Guideline, Pack, PackSet, Source};
use dosera::phenotype::{from_alleles, parse_diplotype};
use dosera::ErrorCode;
use dosera_conformance::reference_or_skip;
use dosera_import::{import, ImportOptions, Imported, SUPPLEMENT_GROUPS};
use serde_json::Value;

const GROUP: &str = "thiopurines-2026";
const GENES: [&str; 2] = ["NUDT15", "TPMT"];
const DRUGS: [&str; 3] = ["azathioprine", "mercaptopurine", "thioguanine"];
/// The thiopurine guideline files: 2024-03-25 set, 2026 supplement.
const GUIDELINE_FILES: [(&str, &str); 3] = [
    (
        "recommendations/cpic-2024-03-25/CPIC_azathioprine_and_NUDT15_TPMT.json",
        "supplements-2026/CPIC_azathioprine_2026.json",
    ),
    (
        "recommendations/cpic-2024-03-25/CPIC_mercaptopurine_and_NUDT15_TPMT.json",
        "supplements-2026/CPIC_mercaptopurine_2026.json",
    ),
    (
        "recommendations/cpic-2024-03-25/CPIC_thioguanine_and_NUDT15_TPMT.json",
        "supplements-2026/CPIC_thioguanine_2026.json",
    ),
];

fn options(release: &str, leave_out: &[&str]) -> ImportOptions {
    ImportOptions {
        release: release.into(),
        verbatim: false,
        leave_out: leave_out.iter().map(|s| s.to_string()).collect(),
    }
}

/// The reference folder and both imports (default, pre-2026), made once.
fn imports() -> Option<&'static (PathBuf, Imported, Imported)> {
    static IMPORTS: OnceLock<Option<(PathBuf, Imported, Imported)>> = OnceLock::new();
    IMPORTS
        .get_or_init(|| {
            let reference = reference_or_skip("pack_leave_out")?;
            let started = std::time::Instant::now();
            let new = import(&reference, &options("test-default", &[])).expect("default import");
            let default_time = started.elapsed();
            let started = std::time::Instant::now();
            let old = import(&reference, &options("test-pre2026", &[GROUP])).expect("old import");
            println!(
                "pack_leave_out: default import {default_time:.1?}, pre-2026 import {:.1?}",
                started.elapsed()
            );
            Some((reference, new, old))
        })
        .as_ref()
}

fn cpic(imported: &Imported) -> &Pack {
    imported
        .packs
        .iter()
        .find(|p| p.meta.source == Source::Cpic)
        .expect("CPIC pack")
}

fn gene<'a>(pack: &'a Pack, symbol: &str) -> &'a Gene {
    pack.genes
        .iter()
        .find(|g| g.symbol == symbol)
        .unwrap_or_else(|| panic!("{symbol} in the pack"))
}

fn guideline<'a>(pack: &'a Pack, id: &str) -> &'a Guideline {
    pack.guidelines
        .iter()
        .find(|g| g.id == id)
        .unwrap_or_else(|| panic!("guideline {id} in the pack"))
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Allele → function of a gene in the pack.
fn pack_functions(gene: &Gene) -> BTreeMap<String, String> {
    gene.phenotyping
        .alleles
        .iter()
        .filter_map(|a| Some((a.name.clone(), a.function.clone()?)))
        .collect()
}

/// Allele → function in the PharmCAT 3.1.1 phenotype file.
fn functions_3_1_1(reference: &Path, symbol: &str) -> BTreeMap<String, String> {
    let v = json(&reference.join(format!("phenotypes/pharmcat-3.1.1/{symbol}.json")));
    v["namedAlleles"]
        .as_array()
        .expect("namedAlleles")
        .iter()
        .map(|a| {
            (
                a["name"].as_str().expect("name").to_string(),
                a["functionValue"]
                    .as_str()
                    .expect("functionValue")
                    .to_string(),
            )
        })
        .collect()
}

/// Allele → function in the 2026 supplement's function table.
fn functions_2026(reference: &Path, symbol: &str) -> BTreeMap<String, String> {
    let path = reference.join(format!(
        "supplements-2026/{symbol}_allele_function.2026.tsv"
    ));
    let text = std::fs::read_to_string(&path).expect("2026 function table");
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    assert_eq!(lines.next(), Some("gene\tallele\tfunction"));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            assert_eq!(cells.len(), 3, "{l}");
            assert_eq!(cells[0], symbol, "{l}");
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn the_pre_2026_pack_loads_and_passes_the_reference_checks() {
    let Some((_, _, old)) = imports() else { return };
    let dir = std::env::temp_dir().join(format!("dosera-leave-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_dir(&old.packs, "test-pre2026", &dir).expect("write");
    let set = PackSet::from_dir(&dir).expect("the pre-2026 packs load");
    assert_eq!(set.release, "test-pre2026");
    let problems = dosera::pack::check_references(&set);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{problems:#?}");
    // The operator is told, and the metadata says which data was used.
    assert!(
        old.report
            .iter()
            .any(|n| n.contains(GROUP) && n.contains("left out")),
        "{:#?}",
        old.report
    );
    let meta = &cpic(old).meta.upstream;
    assert!(!meta
        .iter()
        .any(|u| u.name == "cpic-2026-thiopurine-phenotypes"));
    let phenotypes = meta
        .iter()
        .find(|u| u.name == "pharmcat-phenotypes")
        .expect("pharmcat-phenotypes");
    assert!(phenotypes.used_for.contains("TPMT"), "{phenotypes:?}");
    assert!(phenotypes.used_for.contains("left out"), "{phenotypes:?}");
    let supplements = meta
        .iter()
        .find(|u| u.name == "clinpgx-supplements-2026")
        .expect("clinpgx-supplements-2026");
    for drug in DRUGS {
        assert!(!supplements.used_for.contains(drug), "{supplements:?}");
    }
}

#[test]
fn tpmt_and_nudt15_follow_their_source() {
    let Some((reference, new, old)) = imports() else {
        return;
    };
    let mut changed_total = 0;
    for symbol in GENES {
        let older = functions_3_1_1(reference, symbol);
        let newer = functions_2026(reference, symbol);
        let (old_gene, new_gene) = (gene(cpic(old), symbol), gene(cpic(new), symbol));
        assert_eq!(pack_functions(old_gene), older, "{symbol}: pre-2026 pack");
        assert_eq!(pack_functions(new_gene), newer, "{symbol}: default pack");
        // Alleles whose function the 2026 update changed, added or removed.
        let changed: BTreeSet<&String> = older
            .keys()
            .chain(newer.keys())
            .filter(|a| older.get(*a) != newer.get(*a))
            .collect();
        assert!(!changed.is_empty(), "{symbol}: the sources do not differ");
        for a in &changed {
            assert_eq!(
                pack_functions(old_gene).get(*a),
                older.get(*a),
                "{symbol} {a}"
            );
            assert_eq!(
                pack_functions(new_gene).get(*a),
                newer.get(*a),
                "{symbol} {a}"
            );
        }
        println!(
            "pack_leave_out: {symbol}: {} alleles differ between PharmCAT 3.1.1 and 2026",
            changed.len()
        );
        changed_total += changed.len();

        // Every diplotype row of the older file gives its phenotype in the
        // pre-2026 pack.
        let v = json(&reference.join(format!("phenotypes/pharmcat-3.1.1/{symbol}.json")));
        let rows = v["diplotypes"].as_array().expect("diplotypes");
        assert!(!rows.is_empty());
        for row in rows {
            let diplotype = row["diplotype"].as_str().expect("diplotype");
            let alleles = parse_diplotype(old_gene, diplotype).expect("diplotype parses");
            let p = from_alleles(old_gene, &alleles)
                .expect("phenotype")
                .expect("a phenotype");
            assert_eq!(
                p.lookup_key,
                row["lookupkey"].as_str().expect("lookupkey"),
                "{symbol} {diplotype}"
            );
            assert_eq!(
                p.phenotype,
                row["phenotype"].as_str().expect("phenotype"),
                "{symbol} {diplotype}"
            );
        }
    }
    assert!(changed_total > 0);

    // NUDT15 *2: its own allele in the older data, folded into *3 in 2026.
    let (old_nudt15, new_nudt15) = (gene(cpic(old), "NUDT15"), gene(cpic(new), "NUDT15"));
    assert!(old_nudt15.phenotyping.aliases.is_empty());
    assert_eq!(
        pack_functions(old_nudt15).get("*2").map(String::as_str),
        Some("No function")
    );
    assert_eq!(
        new_nudt15.phenotyping.aliases.get("*2").map(String::as_str),
        Some("*3")
    );
    assert!(!pack_functions(new_nudt15).contains_key("*2"));
}

#[test]
fn the_thiopurine_guidelines_are_the_2024_ones() {
    let Some((reference, new, old)) = imports() else {
        return;
    };
    for (file_2024, file_2026) in GUIDELINE_FILES {
        let (v2024, v2026) = (
            json(&reference.join(file_2024)),
            json(&reference.join(file_2026)),
        );
        let id = v2024["guideline"]["id"].as_str().expect("id");
        assert_eq!(v2026["guideline"]["id"].as_str(), Some(id));
        let version = |v: &Value| match &v["guideline"]["version"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let (old_g, new_g) = (guideline(cpic(old), id), guideline(cpic(new), id));
        assert_eq!(old_g.version, version(&v2024), "{id}");
        assert_eq!(new_g.version, version(&v2026), "{id}");
        assert_ne!(old_g.version, new_g.version, "{id}");
        assert_eq!(old_g.date, "2024-03-25", "{id}");
        assert!(old_g.release.contains("2024-03-25"), "{}", old_g.release);
        assert!(new_g.release.contains("2026"), "{}", new_g.release);
        // One pack row per upstream row (each has one drug and one key).
        let upstream_ids = |v: &Value| -> BTreeSet<String> {
            v["recommendations"]
                .as_array()
                .expect("recommendations")
                .iter()
                .map(|r| match &r["id"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        };
        let pack_ids = |g: &Guideline| -> BTreeSet<String> {
            g.recommendations.iter().map(|r| r.id.clone()).collect()
        };
        assert_eq!(pack_ids(old_g), upstream_ids(&v2024), "{id}");
        assert_eq!(pack_ids(new_g), upstream_ids(&v2026), "{id}");
        // The older rows are keyed by phenotypes the older genes give.
        for r in &old_g.recommendations {
            for (symbol, key) in &r.lookup {
                assert!(GENES.contains(&symbol.as_str()), "{}: {symbol}", r.id);
                let key = key.as_str();
                let known = ["No Result", "Indeterminate"].contains(&key)
                    || gene(cpic(old), symbol)
                        .phenotyping
                        .function_pairs
                        .iter()
                        .any(|p| p.lookup_key == key);
                assert!(known, "{}: {symbol} key {key}", r.id);
            }
        }
        println!(
            "pack_leave_out: {id} ({}): version {} with {} rows pre-2026, version {} with {} rows by default",
            old_g.drugs.join(", "),
            old_g.version,
            old_g.recommendations.len(),
            new_g.version,
            new_g.recommendations.len()
        );
    }
}

#[test]
fn everything_else_is_the_same() {
    let Some((_, new, old)) = imports() else {
        return;
    };
    assert_eq!(new.packs.len(), old.packs.len());
    let thiopurine = |g: &Guideline| g.drugs.iter().any(|d| DRUGS.contains(&d.as_str()));
    let mut compared = (0, 0, 0);
    for (n, o) in new.packs.iter().zip(&old.packs) {
        assert_eq!(n.meta.source, o.meta.source);
        let cpic = n.meta.source == Source::Cpic;
        let genes = |p: &Pack| -> Vec<Gene> {
            p.genes
                .iter()
                .filter(|g| !(cpic && GENES.contains(&g.symbol.as_str())))
                .cloned()
                .collect()
        };
        assert_eq!(genes(n), genes(o), "{}: genes", n.meta.source);
        let names =
            |p: &Pack| -> Vec<String> { p.genes.iter().map(|g| g.symbol.clone()).collect() };
        assert_eq!(names(n), names(o), "{}: gene list", n.meta.source);
        // DPWG keeps its own thiopurine guidelines.
        let guidelines = |p: &Pack| -> Vec<Guideline> {
            p.guidelines
                .iter()
                .filter(|g| !(cpic && thiopurine(g)))
                .cloned()
                .collect()
        };
        assert_eq!(
            guidelines(n),
            guidelines(o),
            "{}: guidelines",
            n.meta.source
        );
        let ids = |p: &Pack| -> Vec<String> { p.guidelines.iter().map(|g| g.id.clone()).collect() };
        assert_eq!(ids(n), ids(o), "{}: guideline ids", n.meta.source);
        let drugs = |p: &Pack| {
            p.drugs
                .iter()
                .filter(|d| !(cpic && DRUGS.contains(&d.name.as_str())))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(drugs(n), drugs(o), "{}: drugs", n.meta.source);
        compared.0 += genes(n).len();
        compared.1 += guidelines(n).len();
        compared.2 += drugs(n).len();
    }
    println!(
        "pack_leave_out: identical in both imports: {} genes, {} guidelines, {} drugs",
        compared.0, compared.1, compared.2
    );
}

#[test]
fn an_unknown_group_is_refused_with_the_known_names() {
    assert_eq!(SUPPLEMENT_GROUPS, &[GROUP]);
    // The name is checked before any file is read.
    let err = import(
        Path::new("/nonexistent/reference"),
        &options("x", &["thiopurines-2025"]),
    )
    .expect_err("unknown group");
    assert_eq!(err.code(), ErrorCode::Usage, "{err}");
    let text = err.to_string();
    assert!(text.contains("thiopurines-2025"), "{text}");
    assert!(text.contains(GROUP), "{text}");
    let Some((reference, _, _)) = imports() else {
        return;
    };
    let err = import(reference, &options("x", &[GROUP, "cyp2d6"])).expect_err("unknown group");
    assert!(err.to_string().contains(GROUP), "{err}");
}
