//! NAT2's curated unphased priorities, as PharmCAT's matcher tests
//! (`NamedAlleleMatcherTest.unphasedPriority*`) and its exhaustive test
//! show them: with every fitting pair listed, a priority group is marked;
//! in the call (top candidates only) the curated pick replaces the group,
//! even when it scores lower than the pair it is preferred over.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::{CallOptions, GeneCall};
use dosera::input::vcf::VcfReader;
use dosera::Engine;
use dosera_conformance::builder::{build_vcf, Op};

fn call(variations: &[(&str, &str, &str)], top_only: bool) -> GeneCall {
    let engine = Engine::bundled().unwrap();
    let mut ops = vec![Op::Reference("NAT2".into())];
    for (rs, a, b) in variations {
        ops.push(Op::Variation(
            "NAT2".into(),
            rs.to_string(),
            a.to_string(),
            b.to_string(),
        ));
    }
    let vcf = build_vcf(&engine, &ops, "S1").unwrap();
    let mut reader = VcfReader::from_bytes(vcf.into_bytes()).unwrap();
    let options = CallOptions {
        genes: vec!["NAT2".into()],
        top_candidate_only: top_only,
        ..Default::default()
    };
    let calls = engine.call_vcf(&mut reader, &options).unwrap();
    calls[0].gene("NAT2").unwrap().clone()
}

fn names(call: &GeneCall) -> Vec<&str> {
    call.diplotypes.iter().map(|d| d.name.as_str()).collect()
}

fn preferred(call: &GeneCall) -> Vec<&str> {
    call.diplotypes
        .iter()
        .filter(|d| d.preferred)
        .map(|d| d.name.as_str())
        .collect()
}

#[test]
fn same_score_the_pick_is_the_call() {
    let hets = [
        ("rs1799930", "G", "A"),
        ("rs1208", "G", "A"),
        ("rs1799931", "G", "A"),
    ];
    let all = call(&hets, false);
    assert_eq!(names(&all), ["*6/*40", "*7/*34"]);
    assert_eq!(preferred(&all), ["*7/*34"]);
    let top = call(&hets, true);
    assert_eq!(names(&top), ["*7/*34"]);
    assert_eq!(preferred(&top), ["*7/*34"]);
    assert_eq!(top.evidence.lower_scoring, ["*6/*40"]);
    assert!(top
        .notes
        .iter()
        .any(|n| n.contains("curated preferred pick")));
}

#[test]
fn different_score_the_higher_pick_is_the_call() {
    let hets = [("rs1799930", "G", "A"), ("rs1208", "G", "A")];
    let all = call(&hets, false);
    assert_eq!(names(&all), ["*1/*6", "*4/*34"]);
    let top = call(&hets, true);
    assert_eq!(names(&top), ["*1/*6"]);
    assert!(top
        .notes
        .iter()
        .any(|n| n.contains("curated preferred pick")));
}

#[test]
fn a_lower_scoring_pick_still_wins() {
    // *1/*16 scores 49 and *4/*5 scores 2 on the same genotypes; the curated
    // pick is *4/*5.
    let hets = [("rs1801280", "T", "C"), ("rs1208", "G", "A")];
    let all = call(&hets, false);
    assert_eq!(names(&all), ["*1/*16", "*4/*5"]);
    assert_eq!(preferred(&all), ["*4/*5"]);
    let top = call(&hets, true);
    assert_eq!(names(&top), ["*4/*5"]);
    assert_eq!(top.evidence.lower_scoring, ["*1/*16"]);
}
