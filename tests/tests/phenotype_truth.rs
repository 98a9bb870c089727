//! Acceptance test of the phenotype engine against the upstream truth
//! tables: every row of `reference/derived/diplotype_phenotype/*.tsv`
//! (CPIC genes), the 2026 thiopurine supplements (TPMT, NUDT15) and every
//! diplotype row of the DPWG phenotype files.
//!
//! The expectation side is read here, independently of the importer.
//! Skipped (with a message) when `../shared/reference` is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dosera::pack::Gene;
use dosera::phenotype::{from_alleles, parse_diplotype};
use dosera_conformance::truth::{self, tsv};
use dosera_import::import_genes;

/// RYR1 rows that follow the 2026 allele functions instead of the 2023
/// truth table. The 2026 CPIC RYR1 function table
/// (`supplements-2026/RYR1_allele_function.2026.tsv`) moved these four
/// alleles from "Malignant Hyperthermia associated" (2023-12-19 file, which
/// the truth table was built from) to "Uncertain function". The pack follows
/// the newer table, so diplotypes pairing one of them with a non-MHS allele
/// change from Malignant Hyperthermia Susceptibility to Uncertain
/// Susceptibility. For these rows the test checks the 2026 expectation
/// (2026 functions through the function-pair rules of the truth table).
const RYR1_REASSIGNED_2026: [&str; 4] = ["c.1209C>G", "c.7522C>G", "c.14387A>G", "c.14693T>C"];

#[derive(Default)]
struct Count {
    checked: usize,
    matched: usize,
    superseded: usize,
    exceptions: usize,
}

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn get(row: &[String], i: usize) -> String {
    row.get(i).cloned().unwrap_or_default()
}

/// What the 2026 thiopurine supplement says: allele → function, sorted
/// function pair → (phenotype, lookup key), removed alleles, and the
/// explicit diplotype rows (NUDT15).
struct Thiopurine2026 {
    functions: BTreeMap<String, String>,
    pairs: BTreeMap<(String, String), (String, String)>,
    removed: BTreeSet<String>,
    diplotypes: Vec<(String, String, String)>,
}

fn sorted_pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

fn thiopurine_2026(path: &Path) -> Thiopurine2026 {
    let (h, rows) = tsv(&read(path));
    let (rt, k1, k2, p, l) = (
        col(&h, "record_type"),
        col(&h, "key1"),
        col(&h, "key2"),
        col(&h, "phenotype"),
        col(&h, "lookupkey"),
    );
    let mut t = Thiopurine2026 {
        functions: BTreeMap::new(),
        pairs: BTreeMap::new(),
        removed: BTreeSet::new(),
        diplotypes: Vec::new(),
    };
    for r in &rows {
        match get(r, rt).as_str() {
            "allele_function" => {
                t.functions.insert(get(r, k1), get(r, k2));
            }
            "allele_function_removed" => {
                t.removed.insert(get(r, k1));
            }
            "function_pair" => {
                t.pairs.insert(
                    sorted_pair(&get(r, k1), &get(r, k2)),
                    (get(r, p), get(r, l)),
                );
            }
            "diplotype" => t.diplotypes.push((get(r, k1), get(r, p), get(r, l))),
            other => panic!("{}: record type {other}", path.display()),
        }
    }
    t
}

/// 2026 expectation for two alleles; NUDT15 `*2` counts as `*3`.
fn expect_2026(t: &Thiopurine2026, gene: &str, alleles: &[String]) -> Option<(String, String)> {
    let f: Vec<&String> = alleles
        .iter()
        .map(|a| {
            let a = if gene == "NUDT15" && a == "*2" && t.removed.contains("*2") {
                "*3"
            } else {
                a.as_str()
            };
            t.functions.get(a)
        })
        .collect::<Option<Vec<_>>>()?;
    match f.as_slice() {
        [a, b] => t.pairs.get(&sorted_pair(a, b)).cloned(),
        _ => None,
    }
}

struct Checker<'a> {
    mismatches: Vec<String>,
    genes: &'a BTreeMap<String, Gene>,
}

impl Checker<'_> {
    /// Parse and phenotype `diplotype`; compare with the expectation.
    fn check(
        &mut self,
        label: &str,
        gene: &str,
        diplotype: &str,
        want: (&str, &str, Option<&str>),
    ) -> bool {
        let Some(g) = self.genes.get(gene) else {
            self.mismatches
                .push(format!("{label} {gene}: gene not imported"));
            return false;
        };
        let alleles = match parse_diplotype(g, diplotype) {
            Ok(a) => a,
            Err(e) => {
                self.mismatches
                    .push(format!("{label} {gene} {diplotype}: parse error: {e}"));
                return false;
            }
        };
        let got = match from_alleles(g, &alleles) {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.mismatches
                    .push(format!("{label} {gene} {diplotype}: no phenotype"));
                return false;
            }
            Err(e) => {
                self.mismatches
                    .push(format!("{label} {gene} {diplotype}: error: {e}"));
                return false;
            }
        };
        let got_t = (
            got.phenotype.as_str(),
            got.lookup_key.as_str(),
            got.activity_score.as_deref(),
        );
        if got_t != want {
            self.mismatches.push(format!(
                "{label} {gene} {diplotype}: got {got_t:?}, want {want:?}"
            ));
            return false;
        }
        true
    }
}

#[test]
fn phenotypes_match_the_truth_tables() {
    let reference = reference();
    if !reference.is_dir() {
        println!("skipped: ../shared absent");
        return;
    }
    let import = import_genes(&reference).expect("gene import");
    let again = import_genes(&reference).expect("gene import");
    assert!(import == again, "gene import is not deterministic");
    for u in &import.upstream {
        println!("upstream: {} {} — {}", u.name, u.version, u.used_for);
    }
    for g in import.cpic.iter().chain(&import.dpwg) {
        let ph = &g.phenotyping;
        println!(
            "gene {:<8} {:?} alleles={} aliases={:?} pairs={} bins={} single={} rows={} status={:?} definition={}",
            g.symbol,
            ph.method,
            ph.alleles.len(),
            ph.aliases,
            ph.function_pairs.len(),
            ph.activity_bins.len(),
            ph.single_allele.len(),
            ph.diplotypes.len(),
            ph.status_alleles,
            g.definition.as_ref().map_or(0, |d| d.alleles.len()),
        );
    }
    let cpic: BTreeMap<String, Gene> = import
        .cpic
        .iter()
        .map(|g| (g.symbol.clone(), g.clone()))
        .collect();
    let dpwg: BTreeMap<String, Gene> = import
        .dpwg
        .iter()
        .map(|g| (g.symbol.clone(), g.clone()))
        .collect();

    let supplements = reference.join("supplements-2026");
    let thio: BTreeMap<&str, Thiopurine2026> = ["TPMT", "NUDT15"]
        .into_iter()
        .map(|g| {
            (
                g,
                thiopurine_2026(&supplements.join(format!("{g}_phenotype_2026.tsv"))),
            )
        })
        .collect();
    assert!(
        thio.get("NUDT15").is_some_and(|t| t.removed.contains("*2")),
        "NUDT15 *2 should be listed as removed in 2026"
    );

    // RYR1 2026 functions, for the documented exception rows.
    let (h, rows) = tsv(&read(&supplements.join("RYR1_allele_function.2026.tsv")));
    let (ai, fi) = (col(&h, "allele"), col(&h, "function"));
    let ryr1_2026: BTreeMap<String, String> =
        rows.iter().map(|r| (get(r, ai), get(r, fi))).collect();

    let files = truth::files(&reference);

    let mut counts: BTreeMap<String, Count> = BTreeMap::new();
    let mut checker = Checker {
        mismatches: Vec::new(),
        genes: &cpic,
    };
    let mut total = 0;
    let mut ryr1_exception_rows = Vec::new();
    // RYR1 function pair → result, from the truth rows the 2026 change does not touch.
    let mut ryr1_pairs: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for file in &files {
        for row in truth::parse(&read(file)) {
            let gene = row.gene.clone();
            total += 1;
            let c = counts.entry(gene.clone()).or_default();
            c.checked += 1;
            let mut want = (
                row.phenotype.clone(),
                row.lookup_key.clone(),
                row.activity_score.clone(),
            );
            if let Some(t) = thio.get(gene.as_str()) {
                match expect_2026(t, &gene, &row.alleles) {
                    Some((p, k)) => {
                        if (p.as_str(), k.as_str()) != (want.0.as_str(), want.1.as_str()) {
                            c.superseded += 1;
                        }
                        want = (p, k, None);
                    }
                    None => {
                        checker
                            .mismatches
                            .push(format!("{gene} {}: no 2026 expectation", row.diplotype));
                        continue;
                    }
                }
            }
            if gene == "RYR1" {
                let fs: Option<Vec<&String>> =
                    row.alleles.iter().map(|a| ryr1_2026.get(a)).collect();
                if row
                    .alleles
                    .iter()
                    .any(|a| RYR1_REASSIGNED_2026.contains(&a.as_str()))
                {
                    c.exceptions += 1;
                    ryr1_exception_rows.push(row);
                    continue;
                }
                if let Some([a, b]) = fs.as_deref() {
                    ryr1_pairs.insert(sorted_pair(a, b), (want.0.clone(), want.1.clone()));
                }
            }
            let ok = checker.check(
                "truth",
                &gene,
                &row.diplotype,
                (&want.0, &want.1, want.2.as_deref()),
            );
            if ok {
                c.matched += 1;
            }
        }
    }
    // The documented RYR1 exceptions: 2026 functions, truth-table pair rules.
    let mut ryr1_changed = 0;
    for row in &ryr1_exception_rows {
        let fs: Option<Vec<&String>> = row.alleles.iter().map(|a| ryr1_2026.get(a)).collect();
        let want = match fs.as_deref() {
            Some([a, b]) => ryr1_pairs.get(&sorted_pair(a, b)).cloned(),
            _ => None,
        };
        let Some(want) = want else {
            checker
                .mismatches
                .push(format!("RYR1 {}: no 2026 expectation", row.diplotype));
            continue;
        };
        if (want.0.as_str(), want.1.as_str()) != (row.phenotype.as_str(), row.lookup_key.as_str()) {
            ryr1_changed += 1;
            println!(
                "  RYR1 exception {}: 2023 truth {} -> 2026 {}",
                row.diplotype, row.phenotype, want.0
            );
        }
        if checker.check(
            "ryr1-2026",
            "RYR1",
            &row.diplotype,
            (&want.0, &want.1, None),
        ) {
            if let Some(c) = counts.get_mut("RYR1") {
                c.matched += 1;
            }
        }
    }

    println!("CPIC truth tables: {total} rows");
    println!(
        "  {:<8} {:>7} {:>7} {:>10} {:>10}",
        "gene", "checked", "matched", "superseded", "exceptions"
    );
    for (gene, c) in &counts {
        println!(
            "  {gene:<8} {:>7} {:>7} {:>10} {:>10}",
            c.checked, c.matched, c.superseded, c.exceptions
        );
    }
    println!(
        "  RYR1: {} rows involve the 4 reassigned alleles, {ryr1_changed} of them change phenotype in 2026",
        ryr1_exception_rows.len()
    );

    // NUDT15: every 2026 diplotype row directly.
    let mut nudt15_rows = 0;
    let mut nudt15_ok = 0;
    if let Some(t) = thio.get("NUDT15") {
        for (d, p, k) in &t.diplotypes {
            nudt15_rows += 1;
            if checker.check("nudt15-2026", "NUDT15", d, (p, k, None)) {
                nudt15_ok += 1;
            }
        }
    }
    println!("NUDT15 2026 diplotype rows: {nudt15_rows} checked, {nudt15_ok} matched");
    assert_eq!(nudt15_rows, 210);

    // DPWG: every diplotype row of the DPWG phenotype files.
    let dpwg_dir = reference.join("phenotypes/split-cpic-dpwg-2025-10-03/dpwg");
    let mut dpwg_files: Vec<PathBuf> = std::fs::read_dir(&dpwg_dir)
        .expect("dpwg phenotypes")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    dpwg_files.sort();
    let mut dpwg_checker = Checker {
        mismatches: Vec::new(),
        genes: &dpwg,
    };
    println!("DPWG phenotype files:");
    let mut dpwg_total = 0;
    for file in &dpwg_files {
        let v: serde_json::Value = serde_json::from_str(&read(file)).expect("DPWG phenotype JSON");
        let gene = v["gene"].as_str().unwrap_or_default().to_string();
        let rows = v["diplotypes"].as_array().cloned().unwrap_or_default();
        let mut ok = 0;
        for r in &rows {
            let d = r["diplotype"].as_str().unwrap_or_default();
            let p = r["phenotype"]
                .as_str()
                .or_else(|| r["generesult"].as_str())
                .unwrap_or_default();
            let k = r["lookupkey"].as_str().unwrap_or_default();
            let s = r["activityScore"].as_str();
            if dpwg_checker.check("dpwg", &gene, d, (p, k, s)) {
                ok += 1;
            }
        }
        dpwg_total += rows.len();
        println!("  {gene:<8} {:>5} checked {ok:>5} matched", rows.len());
    }
    println!("  total {dpwg_total}");
    assert!(dpwg_files.len() >= 13, "expected 13 DPWG genes");

    let mut all = checker.mismatches;
    all.extend(dpwg_checker.mismatches);
    for m in all.iter().take(30) {
        println!("MISMATCH {m}");
    }
    assert!(all.is_empty(), "{} mismatches", all.len());
    assert_eq!(total, 51_107, "truth-table row count changed");
}
