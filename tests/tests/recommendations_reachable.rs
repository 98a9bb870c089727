//! Acceptance: every upstream CPIC and DPWG recommendation kept by the
//! newest-wins rule (drug × lookup key × population) is reached through the
//! engine from gene results producing that key, and resolves to exactly one
//! bundled recommendation with the same strength.
//!
//! The upstream side is read here, independently of the importer.

#![allow(clippy::unwrap_used, clippy::type_complexity)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use dosera::{Engine, GeneInput, Request, Source};
use dosera_conformance::{canonical_score, reference_or_skip, SCORE_GENES};
use serde_json::Value;

/// One upstream recommendation row after expansion.
#[derive(Debug, Clone)]
struct Upstream {
    source: Source,
    file: String,
    drug: String,
    population: Option<String>,
    strength: Option<String>,
    /// gene → key; diplotype keys as sorted "a/b".
    lookup: BTreeMap<String, Key>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Text(String),
    Diplotype(Vec<String>),
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_files(dir: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with(prefix) && n.ends_with(".json")
        })
        .collect();
    v.sort();
    v
}

fn key_of(gene: &str, v: &Value) -> Key {
    match v {
        Value::String(s) => {
            if SCORE_GENES.contains(&gene) {
                if let Some(c) = canonical_score(s) {
                    return Key::Text(c);
                }
            }
            Key::Text(s.clone())
        }
        Value::Object(counts) => {
            let mut alleles = Vec::new();
            for (allele, n) in counts {
                let n = n.as_f64().unwrap_or(0.0).round() as usize;
                for _ in 0..n {
                    alleles.push(allele.clone());
                }
            }
            alleles.sort();
            Key::Diplotype(alleles)
        }
        other => panic!("unexpected lookup value {other}"),
    }
}

fn strength_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("term").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    s.filter(|s| !s.is_empty() && s != "N/A")
}

fn population_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty() && s != "None")
}

/// Guideline-annotation shaped files (2024 sets and 2026 supplements).
fn annotation_rows(source: Source, path: &Path) -> (BTreeSet<String>, Vec<Upstream>) {
    let doc = read(path);
    let file = path.file_name().unwrap().to_string_lossy().to_string();
    let mut drugs = BTreeSet::new();
    for c in doc["guideline"]["relatedChemicals"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(n) = c["name"].as_str() {
            drugs.insert(n.to_lowercase());
        }
    }
    let mut rows = Vec::new();
    for rec in doc["recommendations"].as_array().into_iter().flatten() {
        let mut rec_drugs: Vec<String> = rec["relatedChemicals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_lowercase))
            .collect();
        if rec_drugs.is_empty() {
            if let Some(d) = rec["drug"].as_str() {
                rec_drugs.push(d.to_lowercase());
            } else {
                rec_drugs.extend(drugs.iter().cloned());
            }
        }
        let lookups: Vec<&Value> = match &rec["lookupKey"] {
            Value::Array(list) => list.iter().collect(),
            other => vec![other],
        };
        for drug in &rec_drugs {
            for lk in &lookups {
                let lookup: BTreeMap<String, Key> = lk
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(g, v)| (g.clone(), key_of(g, v)))
                    .collect();
                rows.push(Upstream {
                    source,
                    file: file.clone(),
                    drug: drug.clone(),
                    population: population_of(rec.get("population")),
                    strength: strength_of(&rec["classification"]),
                    lookup,
                });
            }
        }
    }
    (drugs, rows)
}

fn upstream_rows(reference: &Path) -> Vec<Upstream> {
    // CPIC: 2026 supplements supersede the 2024 set for the same drugs.
    let mut newest_drugs = BTreeSet::new();
    let mut rows = Vec::new();
    for path in json_files(&reference.join("supplements-2026"), "CPIC_") {
        let (drugs, r) = annotation_rows(Source::Cpic, &path);
        newest_drugs.extend(drugs);
        rows.extend(r);
    }
    let mut cpic_2024_drugs = BTreeSet::new();
    for path in json_files(&reference.join("recommendations/cpic-2024-03-25"), "CPIC_") {
        let (drugs, r) = annotation_rows(Source::Cpic, &path);
        cpic_2024_drugs.extend(drugs);
        rows.extend(r.into_iter().filter(|u| !newest_drugs.contains(&u.drug)));
    }
    // CPIC API 2022: only drugs absent from both newer sets.
    let api = read(&reference.join("recommendations/cpic-api-2022-09-15/drugs.json"));
    for drug in api.as_array().into_iter().flatten() {
        let name = drug["drugname"].as_str().unwrap_or_default().to_lowercase();
        if newest_drugs.contains(&name) || cpic_2024_drugs.contains(&name) {
            continue;
        }
        for rec in drug["recommendations"].as_array().into_iter().flatten() {
            let lookup: BTreeMap<String, Key> = rec["lookupkey"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(g, v)| (g.clone(), key_of(g, v)))
                .collect();
            rows.push(Upstream {
                source: Source::Cpic,
                file: "drugs.json".into(),
                drug: name.clone(),
                population: population_of(rec.get("population")),
                strength: strength_of(&rec["classification"]),
                lookup,
            });
        }
    }
    for path in json_files(&reference.join("recommendations/dpwg-2024-03-25"), "DPWG_") {
        rows.extend(annotation_rows(Source::Dpwg, &path).1);
    }
    rows
}

/// Diplotypes producing each lookup key, from the upstream phenotype tables
/// (the published truth, not the engine).
fn diplotype_sources(reference: &Path) -> BTreeMap<(Source, String, String), Vec<String>> {
    let mut out = BTreeMap::new();
    let truth = reference.join("derived/diplotype_phenotype");
    for entry in std::fs::read_dir(&truth).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 7 || f[0] == "TPMT" || f[0] == "NUDT15" {
                continue; // thiopurine genes changed in 2026: use phenotype input
            }
            if f[1].contains("≥") || f[2].contains('x') && f[0] == "CYP2D6" {
                continue; // copy-number diplotypes: keep the simplest producer
            }
            let key = if SCORE_GENES.contains(&f[0]) {
                canonical_score(f[6]).unwrap_or_else(|| f[6].to_string())
            } else {
                f[6].to_string()
            };
            out.entry((Source::Cpic, f[0].to_string(), key))
                .or_insert_with(Vec::new)
                .push(f[1].to_string());
        }
    }
    let dpwg = reference.join("phenotypes/split-cpic-dpwg-2025-10-03/dpwg");
    for entry in std::fs::read_dir(&dpwg).unwrap().flatten() {
        let doc = read(&entry.path());
        let gene = doc["gene"].as_str().unwrap_or_default().to_string();
        for d in doc["diplotypes"].as_array().into_iter().flatten() {
            let (Some(dip), Some(key)) = (d["diplotype"].as_str(), d["lookupkey"].as_str()) else {
                continue;
            };
            let key = if SCORE_GENES.contains(&gene.as_str()) {
                canonical_score(key).unwrap_or_else(|| key.to_string())
            } else {
                key.to_string()
            };
            out.entry((Source::Dpwg, gene.clone(), key))
                .or_insert_with(Vec::new)
                .push(dip.to_string());
        }
    }
    out
}

#[test]
fn every_kept_upstream_recommendation_is_reachable() {
    let Some(reference) = reference_or_skip("recommendations_reachable") else {
        return;
    };
    let engine = Engine::bundled().expect("bundled packs");
    let rows = upstream_rows(&reference);
    let producers = diplotype_sources(&reference);

    // Upstream may repeat a drug × key × population; count each once.
    let mut unique: BTreeMap<(Source, String, BTreeMap<String, Key>, Option<String>), Upstream> =
        BTreeMap::new();
    for r in rows {
        unique
            .entry((
                r.source,
                r.drug.clone(),
                r.lookup.clone(),
                r.population.clone(),
            ))
            .or_insert(r);
    }
    // Diplotypes some row keys by themselves (DPWG siponimod CYP2C9 *1/*2):
    // such a diplotype reaches its own row in place of the phenotype row,
    // so it does not stand for its phenotype here.
    let keyed: BTreeSet<(Source, String, String)> = unique
        .keys()
        .flat_map(|(source, _, lookup, _)| {
            lookup.iter().filter_map(move |(gene, key)| match key {
                Key::Diplotype(alleles) => {
                    let mut a = alleles.clone();
                    a.sort();
                    Some((*source, gene.clone(), a.join("/")))
                }
                Key::Text(_) => None,
            })
        })
        .collect();
    let producer = |source: Source, gene: &str, key: &str| -> Option<String> {
        producers
            .get(&(source, gene.to_string(), key.to_string()))?
            .iter()
            .find(|dip| {
                let mut a: Vec<&str> = dip.split('/').collect();
                a.sort();
                !keyed.contains(&(source, gene.to_string(), a.join("/")))
            })
            .cloned()
    };
    let mut checked: BTreeMap<Source, (usize, usize)> = BTreeMap::new();
    let mut via: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for ((source, drug, lookup, population), up) in &unique {
        let mut inputs = Vec::new();
        for (gene, key) in lookup {
            let value = match key {
                Key::Text(k) if k == "No Result" => {
                    *via.entry("omitted (No Result)").or_default() += 1;
                    continue;
                }
                Key::Diplotype(alleles) => {
                    *via.entry("diplotype key").or_default() += 1;
                    alleles.join("/")
                }
                Key::Text(k) => match producer(*source, gene, k) {
                    Some(dip) => {
                        *via.entry("diplotype").or_default() += 1;
                        dip
                    }
                    None if SCORE_GENES.contains(&gene.as_str())
                        && canonical_score(k).is_some() =>
                    {
                        *via.entry("activity score").or_default() += 1;
                        k.clone()
                    }
                    None => {
                        *via.entry("phenotype, status or key").or_default() += 1;
                        k.clone()
                    }
                },
            };
            inputs.push(GeneInput::new(gene.clone(), value));
        }
        let entry = checked.entry(*source).or_default();
        entry.0 += 1;
        let request = Request::new(inputs.clone())
            .drugs([drug.clone()])
            .sources([*source]);
        let result = match engine.recommend(&request) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!(
                    "{source} {drug} {lookup:?}: error {e} (inputs {inputs:?})"
                ));
                continue;
            }
        };
        let want: BTreeMap<String, Key> = lookup.clone();
        let hits: Vec<_> = result
            .drugs
            .iter()
            .flat_map(|d| d.matches.iter())
            .filter(|m| {
                let got: BTreeMap<String, Key> = m
                    .lookup
                    .iter()
                    .map(|(g, k)| {
                        let key = match want.get(g) {
                            Some(Key::Diplotype(_)) => {
                                let mut a: Vec<String> = k.split('/').map(str::to_string).collect();
                                a.sort();
                                Key::Diplotype(a)
                            }
                            _ => Key::Text(k.clone()),
                        };
                        (g.clone(), key)
                    })
                    .collect();
                got == want && m.population.as_ref().filter(|p| *p != "N/A") == population.as_ref()
            })
            .collect();
        match hits.as_slice() {
            [one] if one.strength.as_ref().filter(|s| *s != "N/A") == up.strength.as_ref() => {
                entry.1 += 1;
            }
            [one] => failures.push(format!(
                "{source} {drug} {lookup:?} {population:?}: strength {:?}, upstream {:?} ({})",
                one.strength, up.strength, up.file
            )),
            other => failures.push(format!(
                "{source} {drug} {lookup:?} {population:?}: {} matches (inputs {inputs:?}; {})",
                other.len(),
                up.file
            )),
        }
    }
    for (source, (n, ok)) in &checked {
        println!("{source}: {ok}/{n} upstream recommendations reached with the same strength");
    }
    println!("gene results used: {via:?}");
    for f in failures.iter().take(40) {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} recommendations not reached",
        failures.len()
    );
    assert!(checked.get(&Source::Cpic).is_some_and(|c| c.0 > 1000));
    assert!(checked.get(&Source::Dpwg).is_some_and(|c| c.0 > 400));
}
