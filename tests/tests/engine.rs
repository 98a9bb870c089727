//! Engine behaviour a prescriber relies on: candidates, agreement, missing
//! genes, multi-gene drugs, ordering, provenance.

use dosera::{Engine, GeneInput, NonAnswerReason, Request, Source};

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
    assert_eq!(d.non_answers.len(), 1, "{:?}", d.non_answers);
    let n = &d.non_answers[0];
    assert_eq!(
        (n.gene.as_str(), n.reason),
        ("CYP2D6", NonAnswerReason::NotGiven)
    );
    assert_eq!(n.value, None);
    assert!(d.matches.iter().all(|m| m.lookup["CYP2D6"] == "No Result"));
    assert!(!d.matches.is_empty());
    // Not given is the request's scope, not a strict failure.
    assert!(r.check_strict().is_ok());
}

/// A result the guideline has no row for says so, names the value and the
/// keys looked for, and is what strict mode refuses.
#[test]
fn a_result_with_no_row_is_said_and_fails_strict() {
    let r = run(&["CYP2D6=No Result"], &["codeine"], &[]);
    assert_eq!(r.drugs.len(), 2);
    for d in &r.drugs {
        assert!(d.matches.is_empty());
        let n = &d.non_answers[0];
        assert_eq!(
            (n.gene.as_str(), n.reason, n.value.as_deref()),
            ("CYP2D6", NonAnswerReason::NoRow, Some("No Result"))
        );
        assert_eq!(n.lookup_keys, ["No Result"]);
    }
    assert_eq!(
        r.warnings,
        ["CYP2D6 No Result: the guideline has no recommendation for this result; drugs: codeine (CPIC, DPWG)"]
    );
    let err = r.check_strict().expect_err("strict fails");
    assert_eq!(err.code(), dosera::ErrorCode::NonAnswer);
    let engine = Engine::bundled().expect("bundled packs");
    let request = Request::new(["CYP2D6=No Result".parse().expect("input")])
        .drugs(["codeine"])
        .strict(true);
    assert_eq!(
        engine
            .recommend(&request)
            .expect_err("strict fails")
            .to_string(),
        format!("not answered (strict): {}", r.warnings[0])
    );
}

/// In a multi-gene guideline, only the gene no row accepts is named.
#[test]
fn the_gene_no_row_accepts_is_the_one_named() {
    // CPIC phenytoin: CYP2C9 and HLA-B; its rows know HLA-B *15:02 only.
    let r = run(
        &["CYP2C9=*1/*1", "HLA-B=*57:01 positive"],
        &["phenytoin"],
        &[Source::Cpic],
    );
    let d = &r.drugs[0];
    let named: Vec<(&str, NonAnswerReason)> = d
        .non_answers
        .iter()
        .map(|n| (n.gene.as_str(), n.reason))
        .collect();
    assert_eq!(named, [("HLA-B", NonAnswerReason::NoRow)]);
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
