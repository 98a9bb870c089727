//! Exhaustive all-pairs conformance (issue 3, point 3): every unordered pair
//! of named alleles of every VCF gene, IUPAC codes expanded, written as
//! unphased genotypes, in exact mode and with a position dropped; G6PD also
//! hemizygous. The per-gene failures are compared with the list kept in
//! `tests/conformance/exhaustive-failures.md`: a new failure, or a listed one
//! that now passes, fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use dosera::allele::{CallOptions, Sex};
use dosera::input::vcf::VcfReader;
use dosera::pack::{AlleleDefinition, Source};
use dosera::Engine;
use dosera_conformance::exhaustive::{
    diploid_cases, haploid_cases, judge, write_vcf, Case, Mode, Verdict,
};

/// Samples per generated VCF.
const BATCH: usize = 4000;

#[derive(Default)]
struct Tally {
    cases: usize,
    exact: usize,
    equivalent: usize,
    failures: Vec<String>,
}

fn run(
    engine: &Engine,
    gene: &str,
    def: &AlleleDefinition,
    cases: &[Case],
    sex: Option<Sex>,
    mode: &str,
    tally: &mut Tally,
) {
    let options = CallOptions {
        top_candidate_only: true,
        genes: vec![gene.to_string()],
        sex,
        ..CallOptions::default()
    };
    for chunk in cases.chunks(BATCH) {
        let vcf = write_vcf(def, chunk);
        let mut reader = VcfReader::from_bytes(vcf.into_bytes()).unwrap();
        let calls = engine.call_vcf(&mut reader, &options).unwrap();
        assert_eq!(calls.len(), chunk.len());
        for (case, sample) in chunk.iter().zip(&calls) {
            let call = sample
                .gene(gene)
                .unwrap_or_else(|| panic!("{gene} not called"));
            tally.cases += 1;
            match judge(def, case, call) {
                Verdict::Exact | Verdict::NoCallExpected => tally.exact += 1,
                Verdict::Equivalent => tally.equivalent += 1,
                Verdict::Failed(why) => {
                    let dropped = case
                        .dropped
                        .map(|k| format!(" (dropped {})", def.positions[k].position))
                        .unwrap_or_default();
                    tally
                        .failures
                        .push(format!("{mode}\t{}{dropped}\t{why}", case.label()));
                }
            }
        }
    }
}

fn listed_failures() -> BTreeMap<String, Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("conformance/exhaustive-failures.md");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut gene = String::new();
    let body = text
        .split_once("\n## Failures")
        .map_or("", |(_, rest)| rest);
    for line in body.lines() {
        if let Some(g) = line.strip_prefix("### ") {
            gene = g.trim().to_string();
        } else if let Some(row) = line.strip_prefix("| ") {
            let cells: Vec<&str> = row
                .trim_end_matches('|')
                .split(" | ")
                .map(str::trim)
                .collect();
            if cells.len() >= 3 && cells[0] != "mode" && !cells[0].starts_with('-') {
                out.entry(gene.clone())
                    .or_default()
                    .push(format!("{}\t{}\t{}", cells[0], cells[1], cells[2]));
            }
        }
    }
    out
}

#[test]
fn all_pairs_of_named_alleles() {
    let engine = Engine::bundled().unwrap();
    let mut genes: Vec<(String, &AlleleDefinition)> = engine
        .genes()
        .into_iter()
        .filter_map(|g| {
            let def = engine.gene(Source::Cpic, &g.symbol)?.definition.as_ref()?;
            Some((g.symbol.clone(), def))
        })
        // CYP2D6 from a VCF is an opt-in research mode (no copy number).
        .filter(|(g, _)| g != "CYP2D6")
        .collect();
    genes.sort_by(|a, b| a.0.cmp(&b.0));
    genes.dedup_by(|a, b| a.0 == b.0);
    let only = std::env::var("DOSERA_EXHAUSTIVE_GENES").ok();
    let mut table =
        String::from("| Gene | Cases | Exact | Equivalent | Failed |\n|---|---|---|---|---|\n");
    let mut observed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pharmcat_genes_exact = 0;
    let (mut total, mut exact_mode_total, mut failed_total, mut exact_mode_failed) = (0, 0, 0, 0);
    for (gene, def) in &genes {
        if let Some(only) = &only {
            if !only.split(',').any(|g| g == gene) {
                continue;
            }
        }
        let chrx = def.positions.iter().any(|p| p.chromosome == "chrX");
        let sex = chrx.then_some(Sex::Female);
        let mut exact = Tally::default();
        run(
            &engine,
            gene,
            def,
            &diploid_cases(def, Mode::Exact),
            sex,
            "exact",
            &mut exact,
        );
        if chrx {
            run(
                &engine,
                gene,
                def,
                &haploid_cases(def),
                Some(Sex::Male),
                "exact",
                &mut exact,
            );
        }
        let mut dropped = Tally::default();
        run(
            &engine,
            gene,
            def,
            &diploid_cases(def, Mode::Dropped),
            sex,
            "dropped",
            &mut dropped,
        );
        for (mode, t) in [("exact", &exact), ("dropped", &dropped)] {
            writeln!(
                table,
                "| {gene} ({mode}) | {} | {} | {} | {} |",
                t.cases,
                t.exact,
                t.equivalent,
                t.failures.len()
            )
            .unwrap();
        }
        exact_mode_total += exact.cases;
        if gene != "RYR1" {
            // The genes PharmCAT's own exhaustive run covers.
            pharmcat_genes_exact += exact.cases;
        }
        exact_mode_failed += exact.failures.len();
        total += exact.cases + dropped.cases;
        failed_total += exact.failures.len() + dropped.failures.len();
        let mut f = exact.failures;
        f.extend(dropped.failures);
        observed.insert(gene.clone(), f);
    }
    println!("{table}");
    println!(
        "exhaustive: {total} cases ({exact_mode_total} exact mode), {failed_total} failed ({exact_mode_failed} in exact mode); exact-mode cases for the genes PharmCAT's run covers: {pharmcat_genes_exact}"
    );
    if std::env::var("DOSERA_EXHAUSTIVE_PRINT").is_ok() {
        for (gene, f) in &observed {
            for line in f {
                println!("{gene}\t{line}");
            }
        }
    }
    if only.is_some() {
        return;
    }
    assert!(
        pharmcat_genes_exact >= 37_728,
        "only {pharmcat_genes_exact} exact-mode cases for PharmCAT's genes"
    );
    assert!(
        exact_mode_failed < 159,
        "{exact_mode_failed} exact-mode failures"
    );
    let listed = listed_failures();
    let mut problems: Vec<String> = listed
        .keys()
        .filter(|g| !observed.contains_key(*g))
        .map(|g| format!("failures listed under {g}, which is not a tested gene"))
        .collect();
    for (gene, f) in &observed {
        let want = listed.get(gene).cloned().unwrap_or_default();
        for line in f {
            if !want.contains(line) {
                problems.push(format!("{gene}: unlisted failure {line}"));
            }
        }
        for line in &want {
            if !f.contains(line) {
                problems.push(format!("{gene}: listed failure now passes: {line}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The judge itself can fail: a wrong pair is a failure, the written pair in
/// either order passes, and an empty call is a failure with its reason.
#[test]
fn the_judge_rejects_wrong_calls() {
    let engine = Engine::bundled().unwrap();
    let def = engine
        .gene(Source::Cpic, "CYP2C19")
        .unwrap()
        .definition
        .as_ref()
        .unwrap();
    let case = diploid_cases(def, Mode::Exact)
        .into_iter()
        .find(|c| c.a == "*1" && c.b.as_deref() == Some("*2"))
        .unwrap();
    let vcf = write_vcf(def, std::slice::from_ref(&case));
    let mut reader = VcfReader::from_bytes(vcf.into_bytes()).unwrap();
    let options = CallOptions {
        top_candidate_only: true,
        ..CallOptions::default()
    };
    let calls = engine.call_vcf(&mut reader, &options).unwrap();
    let mut call = calls[0].gene("CYP2C19").unwrap().clone();
    assert_eq!(judge(def, &case, &call), Verdict::Exact);
    call.diplotypes[0].alleles = vec!["*2".into(), "*1".into()];
    assert_eq!(judge(def, &case, &call), Verdict::Exact);
    call.diplotypes[0].alleles = vec!["*1".into(), "*17".into()];
    call.diplotypes[0].name = "*1/*17".into();
    assert!(matches!(judge(def, &case, &call), Verdict::Failed(_)));
    call.diplotypes.clear();
    call.no_call_reason = Some("test".into());
    assert_eq!(
        judge(def, &case, &call),
        Verdict::Failed("no call: test".into())
    );
}
