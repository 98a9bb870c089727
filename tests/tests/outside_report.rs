//! Outside calls in the report: several lines for one gene (an ambiguous
//! result), no-call dots, and alleles the definitions do not know.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::{CallOptions, CallSource};
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::{build, Report};
use dosera::Engine;

const VCF: &str =
    "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
                   chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";

fn report(outside_text: &str) -> Report {
    let engine = Engine::bundled().unwrap();
    let mut reader = VcfReader::from_bytes(VCF.as_bytes().to_vec()).unwrap();
    let calls = engine
        .call_vcf(&mut reader, &CallOptions::default())
        .unwrap();
    let resolved = engine
        .resolve_outside(&outside::parse(outside_text).unwrap())
        .unwrap();
    build(&engine, &calls[0], &resolved, &[]).unwrap()
}

#[test]
fn several_lines_are_the_candidates_of_one_ambiguous_result() {
    let r = report("CYP2D6\t*1/*4\nCYP2D6\t*1/*1\n");
    let g = r.gene("CYP2D6").unwrap();
    assert_eq!(g.source, CallSource::Outside);
    // Candidates in allele-name order, whatever the file order.
    assert_eq!(g.diplotypes, ["*1/*1", "*1/*4"]);
    assert_eq!(g.outside.len(), 2);
    assert_eq!(g.recommendation_input.as_deref(), Some("*1/*1|*1/*4"));
    // One phenotype per candidate, and the ambiguity is said.
    assert_eq!(g.phenotypes.len(), 2, "{:?}", g.phenotypes);
    assert_ne!(g.phenotypes[0], g.phenotypes[1]);
    assert!(
        g.warnings.iter().any(|w| w.contains("lines 1, 2")),
        "{:?}",
        g.warnings
    );
}

#[test]
fn a_no_call_line_reports_the_gene_as_not_called() {
    let r = report("CYP2C19\t./.\nHLA-B\t.\n");
    for gene in ["CYP2C19", "HLA-B"] {
        let g = r.gene(gene).unwrap();
        assert_eq!(g.source, CallSource::Outside, "{gene}");
        assert!(g.diplotypes.is_empty(), "{gene}: {:?}", g.diplotypes);
        assert!(g.recommendation_input.is_none(), "{gene}");
        assert!(g.phenotypes.is_empty(), "{gene}");
        assert!(
            g.warnings.iter().any(|w| w.contains("not called")),
            "{gene}: {:?}",
            g.warnings
        );
    }
    // The VCF call CYP2C19 had is set aside, and the report says so.
    let g = r.gene("CYP2C19").unwrap();
    assert!(g.call.as_ref().unwrap().is_called());
    assert!(
        g.warnings
            .iter()
            .any(|w| w.contains("differs from the VCF call")),
        "{:?}",
        g.warnings
    );
}

#[test]
fn an_unknown_allele_is_shown_and_flagged_with_no_phenotype() {
    let r = report("CYP2D6\t*1/*XXX\n");
    let g = r.gene("CYP2D6").unwrap();
    assert_eq!(g.diplotypes, ["*1/*XXX"]);
    assert!(g.recommendation_input.is_none());
    assert!(g.phenotypes.is_empty());
    assert!(
        g.warnings
            .iter()
            .any(|w| w.contains("unknown allele `*XXX`") && w.contains("function is unknown")),
        "{:?}",
        g.warnings
    );
}
