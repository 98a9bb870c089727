//! Every allele name, diplotype and phenotype PharmCAT writes in its
//! phenotype files (`reference/phenotypes/`), given as an outside call the
//! way PharmCAT's outside-call files write them, is accepted and reaches
//! the gene's result: allele names and diplotypes in the diplotype column,
//! phenotypes in the phenotype column, MT-RNR1 variants with and without
//! their `m.` prefix. A name read in another spelling is said in the notes.
//!
//! Skipped (with a message) when `../shared/reference` is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use dosera::input::outside;
use dosera::Engine;
use dosera_conformance::reference_or_skip;
use serde_json::Value;

/// One outside-call line's result: `Ok(notes)` when it resolved to a gene
/// input that the engine interprets, else why not.
fn accepted(engine: &Engine, line: &str) -> Result<Vec<String>, String> {
    let calls = outside::parse(line).map_err(|e| e.to_string())?;
    let resolved = engine.resolve_outside(&calls).map_err(|e| e.to_string())?;
    let r = resolved.first().ok_or("nothing resolved")?;
    let input = r
        .input
        .as_ref()
        .ok_or_else(|| format!("no usable result: {:?}", r.warnings))?;
    let result = engine.interpret(input).map_err(|e| e.to_string())?;
    let mut notes = r.warnings.clone();
    notes.extend(result.notes);
    Ok(notes)
}

fn files(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            out.push(serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap());
        }
    }
    out
}

#[test]
fn pharmcat_spellings_are_accepted() {
    let Some(reference) = reference_or_skip("pharmcat_spellings_are_accepted") else {
        return;
    };
    let engine = Engine::bundled().unwrap();
    let mut checked = 0usize;
    let mut failures: Vec<String> = Vec::new();
    let mut dirs = vec![reference.join("phenotypes/pharmcat-3.1.1")];
    dirs.push(reference.join("phenotypes/cpic-latest-cyp2d6-g6pd-ryr1"));
    for dir in dirs {
        for file in files(&dir) {
            let gene = file["gene"].as_str().unwrap().to_string();
            let mut lines: Vec<String> = Vec::new();
            for d in file["diplotypes"].as_array().into_iter().flatten() {
                if let Some(dip) = d["diplotype"].as_str() {
                    lines.push(format!("{gene}\t{dip}"));
                }
                for field in ["generesult", "phenotype"] {
                    if let Some(p) = d[field].as_str().filter(|p| !p.is_empty()) {
                        lines.push(format!("{gene}\t\t{p}"));
                    }
                }
            }
            lines.sort();
            lines.dedup();
            for line in lines {
                checked += 1;
                if let Err(e) = accepted(&engine, &line) {
                    failures.push(format!("{}: {e}", line.replace('\t', " | ")));
                }
            }
        }
    }
    println!(
        "PharmCAT spellings: {}/{checked} accepted",
        checked - failures.len()
    );
    for f in failures.iter().take(40) {
        println!("NOT ACCEPTED {f}");
    }
    assert!(checked > 1000, "only {checked} spellings found");
    assert!(
        failures.is_empty(),
        "{} spellings not accepted",
        failures.len()
    );
}

#[test]
fn mt_rnr1_variants_with_and_without_prefix() {
    let engine = Engine::bundled().unwrap();
    for (line, normalised) in [("MT-RNR1\tm.1555A>G", false), ("MT-RNR1\t1555A>G", true)] {
        let notes = accepted(&engine, line).unwrap();
        assert_eq!(
            notes.iter().any(|n| n.contains("read as `m.1555A>G`")),
            normalised,
            "{line}: {notes:?}"
        );
        let calls = outside::parse(line).unwrap();
        let resolved = engine.resolve_outside(&calls).unwrap();
        let r = engine
            .interpret(resolved[0].input.as_ref().unwrap())
            .unwrap();
        let cpic = &r.candidates[0].calls[0];
        assert_eq!(
            cpic.phenotype.as_deref(),
            Some("increased risk of aminoglycoside-induced hearing loss"),
            "{line}"
        );
    }
    assert!(accepted(&engine, "MT-RNR1\t9999A>G").is_err());
}
