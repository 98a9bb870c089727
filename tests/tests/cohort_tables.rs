//! Cohort tables: every sample of a multi-sample VCF in `genes.tsv` and
//! `drugs.tsv`, rows equal to what each sample's own report says, and one
//! sample's bad data touching only that sample.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Read;

use dosera::allele::CallOptions;
use dosera::input::vcf::VcfReader;
use dosera::report::tables::{self, DRUG_COLUMNS, GENE_COLUMNS};
use dosera::report::SampleOutcome;
use dosera::Engine;
use dosera_conformance::shared_dir;

/// Checks the header and that every line has the header's field count;
/// returns the rows split into fields.
fn rows(tsv: &str, columns: &[&str]) -> Vec<Vec<String>> {
    assert!(tsv.ends_with('\n'));
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header, columns);
    lines
        .enumerate()
        .map(|(i, l)| {
            let fields: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert_eq!(fields.len(), columns.len(), "line {}: {l}", i + 2);
            fields
        })
        .collect()
}

/// The rows of one sample, without the header.
fn sample_lines<'a>(tsv: &'a str, sample: &str) -> Vec<&'a str> {
    tsv.lines()
        .skip(1)
        .filter(|l| l.split('\t').next() == Some(sample))
        .collect()
}

/// One sample's report from a reader, alone.
fn single(engine: &Engine, vcf: Vec<u8>, sample: &str) -> SampleOutcome {
    let mut reader = VcfReader::from_bytes(vcf).unwrap();
    let options = CallOptions {
        sample: Some(sample.to_string()),
        ..CallOptions::default()
    };
    let calls = engine.call_vcf(&mut reader, &options).unwrap();
    assert_eq!(calls.len(), 1);
    let report = dosera::report::build(engine, &calls[0], &[], &[]).unwrap();
    SampleOutcome::Report(Box::new(report))
}

/// The drug rows a report has: (drug, source, guideline).
fn drug_keys(r: &dosera::report::Report) -> BTreeSet<(String, String, String)> {
    r.drugs
        .iter()
        .map(|d| {
            (
                d.drug.clone(),
                d.source.as_str().to_string(),
                d.guideline_id.clone(),
            )
        })
        .collect()
}

fn hundred_samples_vcf() -> Option<Vec<u8>> {
    let shared = shared_dir()?;
    let path = shared.join("conformance/pharmcat-unit-tests/100samples.vcf.bgz");
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut text)
        .unwrap();
    Some(text)
}

#[test]
fn hundred_samples() {
    let Some(vcf) = hundred_samples_vcf() else {
        println!("hundred_samples: skipped: ../shared is absent");
        return;
    };
    let engine = Engine::bundled().unwrap();
    let path = shared_dir()
        .unwrap()
        .join("conformance/pharmcat-unit-tests/100samples.vcf.bgz");
    let mut reader = VcfReader::from_path(&path).unwrap();
    let outcomes =
        dosera::report::cohort(&engine, &mut reader, &CallOptions::default(), &[], &[]).unwrap();
    assert_eq!(outcomes.len(), 100);
    let names: Vec<&str> = outcomes.iter().map(SampleOutcome::sample).collect();
    let want: Vec<String> = (1..=100).map(|i| format!("s{i}")).collect();
    assert_eq!(names, want);
    assert_eq!(tables::summary(&outcomes).failed, 0);

    // Every sample has the same genes and the same drugs and guidelines.
    let first = outcomes[0].report().unwrap();
    let genes: Vec<&str> = first.genes.iter().map(|g| g.gene.as_str()).collect();
    let drugs = drug_keys(first);
    for o in &outcomes {
        let r = o.report().unwrap();
        let g: Vec<&str> = r.genes.iter().map(|g| g.gene.as_str()).collect();
        assert_eq!(g, genes, "{}", o.sample());
        assert_eq!(drug_keys(r), drugs, "{}", o.sample());
    }
    // The genes are those the VCF definitions give under the default options.
    let mut one = VcfReader::from_path(&path).unwrap();
    let calls = engine
        .call_vcf(
            &mut one,
            &CallOptions {
                sample: Some("s1".into()),
                ..CallOptions::default()
            },
        )
        .unwrap();
    let called: Vec<&str> = calls[0].genes.iter().map(|g| g.gene.as_str()).collect();
    assert_eq!(called, genes);

    let genes_tsv = tables::genes_tsv(&outcomes);
    let drugs_tsv = tables::drugs_tsv(&outcomes);
    let gene_rows = rows(&genes_tsv, &GENE_COLUMNS);
    let drug_rows = rows(&drugs_tsv, &DRUG_COLUMNS);
    println!(
        "100samples: {} genes, {} (drug, guideline) pairs per sample; {} gene rows, {} drug rows",
        genes.len(),
        drugs.len(),
        gene_rows.len(),
        drug_rows.len()
    );
    assert_eq!(gene_rows.len(), 100 * genes.len());
    assert_eq!(drug_rows.len(), 100 * drugs.len());
    let present: BTreeSet<&str> = gene_rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(present.len(), 100);
    let present: BTreeSet<&str> = drug_rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(present.len(), 100);
    assert!(gene_rows.iter().all(|r| r[11] == "ok" && r[12].is_empty()));
    assert_eq!((DRUG_COLUMNS[15], DRUG_COLUMNS[16]), ("status", "error"));
    assert!(drug_rows.iter().all(|r| r[15] == "ok" && r[16].is_empty()));
    assert!(gene_rows.iter().any(|r| r[8] == "yes"));
    assert!(drug_rows.iter().any(|r| r[4] == "yes"));

    // A few samples alone give the same rows.
    for sample in ["s1", "s2", "s50", "s100"] {
        let alone = [single(&engine, vcf.clone(), sample)];
        assert_eq!(
            sample_lines(&genes_tsv, sample),
            sample_lines(&tables::genes_tsv(&alone), sample),
            "{sample} genes"
        );
        assert_eq!(
            sample_lines(&drugs_tsv, sample),
            sample_lines(&tables::drugs_tsv(&alone), sample),
            "{sample} drugs"
        );
    }

    // Written to a folder.
    let dir = std::env::temp_dir().join(format!("dosera-cohort-{}", std::process::id()));
    let (g, d) = tables::write_cohort(&dir, &outcomes).unwrap();
    assert_eq!(std::fs::read_to_string(&g).unwrap(), genes_tsv);
    assert_eq!(std::fs::read_to_string(&d).unwrap(), drugs_tsv);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A VCF of the records of `100samples` with three samples: `s1`, a sample
/// written by `bad` from the record's line number and s1's GT, and `s2`.
fn three_samples(vcf: &[u8], bad: &dyn Fn(usize, &str) -> Vec<u8>) -> Vec<u8> {
    let text = std::str::from_utf8(vcf).unwrap();
    let mut out = Vec::new();
    let mut record = 0;
    for line in text.lines() {
        if line.starts_with("##") {
            out.extend_from_slice(line.as_bytes());
        } else {
            let f: Vec<&str> = line.split('\t').collect();
            out.extend_from_slice(f[..9].join("\t").as_bytes());
            if line.starts_with('#') {
                out.extend_from_slice(b"\ts1\tBAD\ts2");
            } else {
                record += 1;
                out.extend_from_slice(format!("\t{}\t", f[9]).as_bytes());
                out.extend_from_slice(&bad(record, f[9]));
                out.extend_from_slice(format!("\t{}", f[10]).as_bytes());
            }
        }
        out.push(b'\n');
    }
    out
}

/// The good samples equal their reports from a file holding only them, the
/// bad one is present with every row, and every row is well formed.
fn check_bad_sample(name: &str, bad: &dyn Fn(usize, &str) -> Vec<u8>) -> Vec<Vec<String>> {
    let vcf = hundred_samples_vcf().unwrap();
    let engine = Engine::bundled().unwrap();
    let file = three_samples(&vcf, bad);
    let mut reader = VcfReader::from_bytes(file).unwrap();
    let outcomes = dosera::report::cohort(&engine, &mut reader, &CallOptions::default(), &[], &[])
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let names: Vec<&str> = outcomes.iter().map(SampleOutcome::sample).collect();
    assert_eq!(names, ["s1", "BAD", "s2"], "{name}");
    let genes_tsv = tables::genes_tsv(&outcomes);
    let drugs_tsv = tables::drugs_tsv(&outcomes);
    let gene_rows = rows(&genes_tsv, &GENE_COLUMNS);
    let drug_rows = rows(&drugs_tsv, &DRUG_COLUMNS);
    let first = outcomes[0].report().unwrap();
    assert_eq!(gene_rows.len(), 3 * first.genes.len(), "{name}");
    assert_eq!(drug_rows.len(), 3 * first.drugs.len(), "{name}");
    for good in ["s1", "s2"] {
        let alone = [single(&engine, vcf.clone(), good)];
        assert_eq!(
            sample_lines(&genes_tsv, good),
            sample_lines(&tables::genes_tsv(&alone), good),
            "{name}: {good} genes"
        );
        assert_eq!(
            sample_lines(&drugs_tsv, good),
            sample_lines(&tables::drugs_tsv(&alone), good),
            "{name}: {good} drugs"
        );
    }
    println!(
        "{name}: {} gene rows, {} drug rows, BAD {}",
        gene_rows.len(),
        drug_rows.len(),
        match &outcomes[1] {
            SampleOutcome::Report(_) => "reported",
            SampleOutcome::Failed(_) => "failed",
        }
    );
    let bad_rows: Vec<Vec<String>> = gene_rows.into_iter().filter(|r| r[0] == "BAD").collect();
    assert_eq!(bad_rows.len(), first.genes.len());
    bad_rows
}

/// Every gene of the bad sample is uncalled, and says why.
fn all_uncalled(rows: &[Vec<String>]) {
    for r in rows {
        assert_eq!(r[8], "no", "{r:?}");
        assert_eq!(r[11], "ok", "{r:?}");
        assert!(r[3].is_empty(), "{r:?}");
        assert!(!r[9].is_empty(), "{r:?}");
        assert_ne!(r[7], "0", "{r:?}");
    }
}

#[test]
fn a_sample_with_no_genotype_anywhere() {
    if shared_dir().is_none() {
        println!("a_sample_with_no_genotype_anywhere: skipped: ../shared is absent");
        return;
    }
    let rows = check_bad_sample("./.", &|_, _| b"./.".to_vec());
    all_uncalled(&rows);
}

#[test]
fn a_sample_with_garbage_genotypes() {
    if shared_dir().is_none() {
        println!("a_sample_with_garbage_genotypes: skipped: ../shared is absent");
        return;
    }
    // Haploid calls on autosomes, GT alleles beyond the ALT alleles,
    // unreadable values, bytes that are not UTF-8, an empty field, a
    // half-written FORMAT.
    let garbage = |record: usize, _: &str| -> Vec<u8> {
        match record % 7 {
            6 => b"\xff/\xfe".to_vec(),
            0 => b"1".to_vec(),
            1 => b"0/7".to_vec(),
            2 => b"x/y".to_vec(),
            3 => Vec::new(),
            4 => b"0/1:junk".to_vec(),
            _ => b"9|9".to_vec(),
        }
    };
    let rows = check_bad_sample("garbage", &garbage);
    all_uncalled(&rows);
}

#[test]
fn a_sample_with_some_bad_genotypes_is_called_from_the_rest() {
    if shared_dir().is_none() {
        println!("a_sample_with_some_bad_genotypes: skipped: ../shared is absent");
        return;
    }
    // s1's genotypes, except every fifth record is haploid.
    let rows = check_bad_sample("partly haploid", &|record, gt| {
        if record % 5 == 0 {
            b"1".to_vec()
        } else {
            gt.as_bytes().to_vec()
        }
    });
    assert!(rows.iter().all(|r| r[11] == "ok"));
    assert!(rows.iter().any(|r| r[7] != "0"));
}
