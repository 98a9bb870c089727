//! `tables::cohort_rows` (rows made once per genotype pattern and reused)
//! against `dosera::report::cohort_map` with `TableWriter::rows` (a full report per
//! sample): the two must write the same bytes for every sample, whatever
//! the options, outside calls, drug list and odd genotypes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read as _;

use dosera::allele::{CallOptions, Sex};
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::tables::{self, Rows, TableWriter};
use dosera::simulate::{simulate, SimulateOptions};
use dosera::Engine;
use dosera::ResolvedOutside;
use dosera_conformance::cohort::assert_same_rows;
use dosera_conformance::shared_dir;

fn synthetic(engine: &Engine, samples: usize, seed: u64, phased: bool) -> Vec<u8> {
    let mut vcf = Vec::new();
    let mut truth = Vec::new();
    let options = SimulateOptions {
        samples,
        seed,
        phased,
        ..SimulateOptions::default()
    };
    simulate(engine, &options, &mut vcf, &mut truth).unwrap();
    vcf
}

/// Rows both ways; panics with the first differing sample.
fn same_rows(
    engine: &Engine,
    vcf: &[u8],
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
) -> usize {
    let mut fast: Vec<Rows> = Vec::new();
    let mut reader = VcfReader::from_bytes(vcf.to_vec()).unwrap();
    let n = tables::cohort_rows(engine, &mut reader, options, outside, drugs, &mut |r| {
        fast.push(r);
        Ok(())
    })
    .unwrap();
    let mut slow: Vec<Rows> = Vec::new();
    let mut reader = VcfReader::from_bytes(vcf.to_vec()).unwrap();
    dosera::report::cohort_map(
        engine,
        &mut reader,
        options,
        outside,
        drugs,
        &TableWriter::<Vec<u8>>::rows,
        &mut |r| {
            slow.push(r);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(n, slow.len());
    for (i, s) in slow.iter().enumerate() {
        assert!(!s.genes.is_empty(), "sample {i} has no gene rows");
    }
    assert_same_rows(&fast, &slow);
    n
}

fn resolved(engine: &Engine, text: &str) -> Vec<ResolvedOutside> {
    engine
        .resolve_outside(&outside::parse(text).unwrap())
        .unwrap()
}

#[test]
fn synthetic_cohort_default_options() {
    let engine = Engine::bundled().unwrap();
    let vcf = synthetic(&engine, 300, 7, false);
    assert_eq!(
        same_rows(&engine, &vcf, &CallOptions::default(), &[], &[]),
        300
    );
}

#[test]
fn synthetic_phased_cohort_with_outside_calls_and_drugs() {
    let engine = Engine::bundled().unwrap();
    let vcf = synthetic(&engine, 200, 8, true);
    // CYP2D6 only from outside; CYP2C19 replaced (and disagreeing with
    // most samples); CYP2C9 an ambiguous two-line result.
    let outside = resolved(
        &engine,
        "CYP2D6\t*1/*4\nCYP2C19\t*2/*2\nCYP2C9\t*1/*3\nCYP2C9\t*2/*2\n",
    );
    assert_eq!(
        same_rows(&engine, &vcf, &CallOptions::default(), &outside, &[]),
        200
    );
    let drugs: Vec<String> = ["warfarin", "clopidogrel", "codeine", "fluorouracil"]
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        same_rows(&engine, &vcf, &CallOptions::default(), &outside, &drugs),
        200
    );
}

/// Genes with no result for different reasons (a value not understood, an
/// outside no-call, VCF no-calls) read differently in the drug rows, and
/// the fast path keeps them apart as the reports do, warnings included.
#[test]
fn genes_not_understood_and_not_called() {
    let engine = Engine::bundled().unwrap();
    let vcf = synthetic(&engine, 120, 11, false);
    let outside = resolved(&engine, "CYP2D6\t*1/*44x\nCYP2C19\t*1/*99\nCYP2C9\t./.\n");
    let drugs: Vec<String> = ["codeine", "clopidogrel", "celecoxib", "simvastatin"]
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        same_rows(&engine, &vcf, &CallOptions::default(), &outside, &drugs),
        120
    );
    let mut reader = VcfReader::from_bytes(vcf.clone()).unwrap();
    let mut first: Option<Rows> = None;
    tables::cohort_rows(
        &engine,
        &mut reader,
        &CallOptions::default(),
        &outside,
        &drugs,
        &mut |r| {
            first.get_or_insert(r);
            Ok(())
        },
    )
    .unwrap();
    let first = first.unwrap();
    let sample = first.drugs.split('\t').next().unwrap().to_string();
    // The rows as the TSV table has them (list items ` | `-joined).
    let mut tsv = Vec::new();
    tables::write_tsv(&mut tsv, &first.drugs).unwrap();
    let drugs = String::from_utf8(tsv).unwrap();
    let cell = |drug: &str, source: &str| -> String {
        drugs
            .lines()
            .find(|l| l.starts_with(&format!("{sample}\t{drug}\t{source}\t")))
            .map(|l| l.split('\t').nth(13).unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(tables::DRUG_COLUMNS[13], "non_answers");
    assert_eq!(
        cell("codeine", "cpic"),
        "CYP2D6 *1/*44x: given but not understood (unknown allele `*44x` for CYP2D6; did you mean *44 or *4?)"
    );
    assert!(cell("clopidogrel", "cpic").starts_with("CYP2C19 *1/*99: given but not understood"));
    assert!(cell("celecoxib", "cpic").starts_with("CYP2C9: not given, not tested or not called"));
    assert!(first.warnings.iter().any(|w| w.starts_with(&format!(
        "sample {sample}: CYP2D6 *1/*44x: given but not understood"
    ))));
    assert!(!first.warnings.iter().any(|w| w.contains("CYP2C9")));
}

#[test]
fn synthetic_cohort_under_other_options() {
    let engine = Engine::bundled().unwrap();
    let vcf = synthetic(&engine, 150, 9, false);
    let options = [
        CallOptions {
            sex: Some(Sex::Male),
            assume_reference: true,
            ..CallOptions::default()
        },
        CallOptions {
            sex: Some(Sex::Female),
            top_candidate_only: false,
            genes: vec!["G6PD".into(), "CYP2C19".into(), "DPYD".into()],
            ..CallOptions::default()
        },
        CallOptions {
            cyp2d6: true,
            combinations: true,
            ..CallOptions::default()
        },
        CallOptions {
            sample: Some("S0000042".into()),
            ..CallOptions::default()
        },
    ];
    for o in &options {
        let expect = if o.sample.is_some() { 1 } else { 150 };
        assert_eq!(same_rows(&engine, &vcf, o, &[], &[]), expect, "{o:?}");
    }
}

/// Calls that do not pack (a PS value, three GT alleles), AD that
/// contradicts a heterozygous GT, half calls, haploid autosomes, haploid
/// and heterozygous chrX (sex inferred both ways), an index past the ALTs,
/// two records at one position; G and H differ only in AD (H's
/// heterozygous call has no reads for its ALT, so its position is missing).
#[test]
fn odd_genotypes() {
    let engine = Engine::bundled().unwrap();
    let header = "##fileformat=VCFv4.2\n\
        ##contig=<ID=chr10,length=133797422>\n##contig=<ID=chrX,length=156040895>\n\
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC\tD\tE\tF\tG\tH\n";
    let body = [
        "chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT:AD:PS\t0|1:5,5:100\t1/1:0,9:.\t0/1:9,0:.\t1/.:.:.\t1:.:.\t0/1/1:.:.\t0/1:4,4:.\t0/1:4,0:.",
        "chr10\t94781859\trs4244285\tG\tA,C\t.\tPASS\t.\tGT\t0/0\t0/2\t./.\t0/1\t1/1\t0/3\t./.\t./.",
        "chr10\t94842866\trs3758581\tA\tG\t.\tPASS\t.\tGT:AD\t1/1:0,3\t0/1:3,3\t0/0:3,0\t./.:.\t1/1:0,7\t0/1:.\t1/1:0,5\t1/1:0,5",
        "chrX\t154535277\trs5030868\tG\tA\t.\tPASS\t.\tGT\t0\t1\t0/1\t1/1\t0\t.\t0/0\t0/0",
        "chrX\t154536002\trs5030869\tC\tT\t.\tPASS\t.\tGT\t0\t0\t0/0\t0|1\t1\t./.\t0/0\t0/0",
    ];
    let mut vcf = header.to_string();
    for l in body {
        vcf.push_str(l);
        vcf.push('\n');
    }
    for options in [
        CallOptions::default(),
        CallOptions {
            assume_reference: true,
            ..CallOptions::default()
        },
    ] {
        assert_eq!(same_rows(&engine, vcf.as_bytes(), &options, &[], &[]), 8);
    }
}

#[test]
fn hundred_samples() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let path = shared.join("conformance/pharmcat-unit-tests/100samples.vcf.bgz");
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut text)
        .unwrap();
    let engine = Engine::bundled().unwrap();
    assert_eq!(
        same_rows(&engine, &text, &CallOptions::default(), &[], &[]),
        100
    );
    let outside = resolved(&engine, "CYP2D6\t*4/*10\n");
    assert_eq!(
        same_rows(&engine, &text, &CallOptions::default(), &outside, &[]),
        100
    );
}
