//! Combination mode keeps undocumented alleles of genes that otherwise read
//! them as reference, and names them as leftover variants.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::{CallOptions, GeneCall, SampleCalls};
use dosera::input::vcf::VcfReader;
use dosera::Engine;
use dosera_conformance::builder::{build_vcf, Op};

fn calls(ops: &[Op], genes: &[&str], combinations: bool) -> SampleCalls {
    let engine = Engine::bundled().unwrap();
    let vcf = build_vcf(&engine, ops, "S1").unwrap();
    let mut reader = VcfReader::from_bytes(vcf.into_bytes()).unwrap();
    let options = CallOptions {
        genes: genes.iter().map(|g| g.to_string()).collect(),
        combinations,
        ..Default::default()
    };
    engine.call_vcf(&mut reader, &options).unwrap().remove(0)
}

fn call(ops: &[Op], gene: &str, combinations: bool) -> GeneCall {
    calls(ops, &[gene], combinations)
        .gene(gene)
        .unwrap()
        .clone()
}

fn var(gene: &str, rs: &str, a: &str, b: &str) -> Op {
    Op::Variation(gene.into(), rs.into(), a.into(), b.into())
}

fn names(call: &GeneCall) -> Vec<&str> {
    call.diplotypes.iter().map(|d| d.name.as_str()).collect()
}

/// TPMT rs1800462 written C/T: T is not an allele the definitions list.
fn tpmt_and_ryr1() -> Vec<Op> {
    vec![
        Op::AllowUnknown,
        var("TPMT", "rs1800462", "C", "T"),
        var("RYR1", "rs193922753", "G", "C"),
    ]
}

#[test]
fn combination_mode_names_an_undocumented_allele() {
    let c = call(&tpmt_and_ryr1(), "TPMT", true);
    assert_eq!(names(&c), ["*1/g.18143724C>T"]);
    assert_eq!(c.diplotypes[0].alleles, ["*1", "g.18143724C>T"]);
    let u = &c.evidence.undocumented;
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].allele, "T");
    assert!(!u[0].treated_as_reference);
    let used = c
        .evidence
        .positions_used
        .iter()
        .find(|p| p.rsid.as_deref() == Some("rs1800462"))
        .unwrap();
    assert_eq!(used.genotype, "C/T");
}

#[test]
fn default_mode_still_reads_it_as_reference() {
    let c = call(&tpmt_and_ryr1(), "TPMT", false);
    assert_eq!(names(&c), ["*1/*1"]);
    assert!(c.evidence.undocumented[0].treated_as_reference);
}

#[test]
fn lowest_function_genes_read_it_as_reference_in_combination_mode() {
    for combinations in [false, true] {
        let c = call(&tpmt_and_ryr1(), "RYR1", combinations);
        assert!(c.evidence.undocumented[0].treated_as_reference);
        assert!(c.no_call_reason.is_none());
        assert!(
            !c.diplotypes.iter().any(|d| d.name.contains("g.")),
            "{:?}",
            c.diplotypes
        );
    }
}

/// A strand with a named allele and the undocumented variant: both named.
#[test]
fn undocumented_allele_beside_a_named_one_on_its_strand() {
    let ops = vec![
        Op::AllowUnknown,
        Op::Phased,
        // *3B (rs1800460 c.460G>A; genomic C>T) on the second strand.
        var("TPMT", "rs1800460", "C", "T"),
        var("TPMT", "rs1800462", "C", "T"),
    ];
    let c = call(&ops, "TPMT", true);
    assert_eq!(names(&c).len(), 1, "{:?}", c.notes);
    let name = names(&c)[0];
    assert!(name.starts_with("*1/["), "{name}");
    assert!(name.contains(" + g.18143724C>T]"), "{name}");
}

/// A diplotype with a leftover variant has no phenotype: the report gives
/// none of the gene's phenotypes.
#[test]
fn no_phenotype_for_a_partial_call() {
    let engine = Engine::bundled().unwrap();
    let sample = calls(&tpmt_and_ryr1(), &["TPMT", "RYR1"], true);
    let report = dosera::report::build(&engine, &sample, &[], &[]).unwrap();
    let g = report.gene("TPMT").unwrap();
    assert_eq!(g.diplotypes, ["*1/g.18143724C>T"]);
    assert!(g.phenotypes.is_empty(), "{:?}", g.phenotypes);
    assert_eq!(g.recommendation_input, None);
}
