//! Engine behaviour a prescriber relies on: candidates, agreement, missing
//! genes, multi-gene drugs, ordering, provenance.

use dosera::{Engine, GeneInput, Request, Source};

fn run(genes: &[&str], drugs: &[&str], sources: &[Source]) -> dosera::Recommendations {
    let engine = Engine::bundled().expect("bundled packs");
    let inputs: Vec<GeneInput> = genes.iter().map(|g| g.parse().expect("input")).collect();
    let request = Request::new(inputs)
        .drugs(drugs.iter().copied())
        .sources(sources.iter().copied());
    engine.recommend(&request).expect("evaluates")
}

#[test]
fn candidates_with_the_same_advice_agree() {
    // *1/*2 and *1/*3 are both CYP2C19 intermediate metabolizers.
    let r = run(&["CYP2C19=*1/*2|*1/*3"], &["clopidogrel"], &[Source::Cpic]);
    let d = &r.drugs[0];
    assert!(d.candidates_agree);
    assert_eq!(r.genes[0].candidates.len(), 2);
    assert!(d.matches.iter().all(|m| m.candidates.len() == 2));
}

#[test]
fn candidates_with_different_advice_are_all_shown_and_flagged() {
    // *1/*1 (normal) against *2/*2 (poor): different advice.
    let r = run(&["CYP2C19=*1/*1|*2/*2"], &["clopidogrel"], &[Source::Cpic]);
    let d = &r.drugs[0];
    assert!(!d.candidates_agree);
    let keys: std::collections::BTreeSet<&str> = d
        .matches
        .iter()
        .map(|m| m.lookup["CYP2C19"].as_str())
        .collect();
    assert!(keys.contains("Normal Metabolizer") && keys.contains("Poor Metabolizer"));
}

#[test]
fn a_gene_not_given_is_matched_as_no_result_and_said_so() {
    let r = run(&["CYP2C19=*2/*2"], &["amitriptyline"], &[Source::Cpic]);
    let d = &r.drugs[0];
    assert!(d.warnings.iter().any(|w| w.contains("CYP2D6 not given")));
    assert!(d.matches.iter().all(|m| m.lookup["CYP2D6"] == "No Result"));
    assert!(!d.matches.is_empty());
}

#[test]
fn multi_gene_drugs_use_every_gene() {
    let r = run(
        &["CYP2C9=*1/*2", "HLA-B=*15:02 negative"],
        &["phenytoin"],
        &[Source::Cpic],
    );
    let m = &r.drugs[0].matches[0];
    assert_eq!(m.lookup["CYP2C9"], "1.5");
    assert_eq!(m.lookup["HLA-B"], "*15:02 negative");

    let r = run(
        &["TPMT=*1/*3A", "NUDT15=*1/*2"],
        &["mercaptopurine"],
        &[Source::Cpic],
    );
    let m = &r.drugs[0].matches[0];
    // NUDT15 *2 is read as *3 after 2026: one no-function allele.
    assert_eq!(m.lookup["NUDT15"], "Intermediate Metabolizer");
    assert_eq!(m.lookup["TPMT"], "Intermediate Metabolizer");
}

#[test]
fn dpwg_diplotype_keys_match_the_diplotype_in_any_order() {
    let r = run(&["CYP2C9=*3/*1"], &["siponimod"], &[Source::Dpwg]);
    let m = &r.drugs[0].matches;
    assert!(
        m.iter().any(|m| m.lookup["CYP2C9"] == "*1/*3"),
        "{:?}",
        r.drugs[0]
    );
}

#[test]
fn actionable_drugs_come_first_and_results_name_their_packs() {
    let r = run(&["CYP2C19=*2/*2"], &[], &[]);
    assert!(r.drugs.len() > 5);
    let first_standard = r.drugs.iter().position(|d| !d.actionable);
    if let Some(i) = first_standard {
        assert!(r.drugs[i..].iter().all(|d| !d.actionable));
    }
    assert_eq!(r.packs.len(), 2);
    assert!(r
        .drugs
        .iter()
        .all(|d| d.release.starts_with(d.source.as_str())));
    assert_eq!(r.packs_sha256.len(), 64);
}

#[test]
fn source_choice_is_respected() {
    let r = run(&["CYP2C19=*2/*2"], &["clopidogrel"], &[Source::Dpwg]);
    assert!(r.drugs.iter().all(|d| d.source == Source::Dpwg));
    assert!(!r.drugs.is_empty());
}

#[test]
fn phenotype_and_score_inputs_reach_the_same_advice_as_diplotypes() {
    let by_dip = run(&["CYP2D6=*4/*4"], &["codeine"], &[Source::Cpic]);
    let by_ph = run(&["CYP2D6=Poor Metabolizer"], &["codeine"], &[Source::Cpic]);
    let by_score = run(&["CYP2D6=0"], &["codeine"], &[Source::Cpic]);
    let id = |r: &dosera::Recommendations| r.drugs[0].matches[0].id.clone();
    assert_eq!(id(&by_dip), id(&by_ph));
    assert_eq!(id(&by_dip), id(&by_score));
}
