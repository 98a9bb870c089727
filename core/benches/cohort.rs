//! The VCF path in process: one sample from bytes to report, and a
//! synthetic cohort from bytes to table rows (throughput in samples), both
//! as the CLI makes them (`cohort_rows`) and from a report per sample
//! (`cohort_map`).
//! Whole-process figures and the decompression limit are measured by
//! `scripts/bench-cohort`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dosera::allele::CallOptions;
use dosera::input::vcf::VcfReader;
use dosera::report::cohort_map;
use dosera::report::tables::{cohort_rows, TableWriter};
use dosera::simulate::{simulate, SimulateOptions};
use dosera::Engine;

/// A synthetic cohort as an uncompressed VCF in memory.
fn cohort(engine: &Engine, samples: usize) -> Vec<u8> {
    let options = SimulateOptions {
        samples,
        ..SimulateOptions::default()
    };
    let (mut vcf, mut truth) = (Vec::new(), Vec::new());
    simulate(engine, &options, &mut vcf, &mut truth).expect("simulate");
    vcf
}

/// Table rows for every sample, made once per genotype pattern (`rows`)
/// or from a full report per sample; returns the number of samples written.
fn run(engine: &Engine, vcf: &[u8], rows: bool) -> usize {
    let mut reader = VcfReader::from_bytes(vcf.to_vec()).expect("reader");
    let mut writer = TableWriter::new(Vec::new(), Vec::new()).expect("writer");
    let options = CallOptions::default();
    let n = if rows {
        cohort_rows(engine, &mut reader, &options, &[], &[], &mut |r| {
            writer.write_rows(&r)
        })
    } else {
        cohort_map(
            engine,
            &mut reader,
            &options,
            &[],
            &[],
            &TableWriter::<Vec<u8>>::rows,
            &mut |r| writer.write_rows(&r),
        )
    }
    .expect("cohort");
    let summary = writer.summary();
    assert_eq!(summary.failed, 0, "failed samples in a synthetic cohort");
    n
}

fn bench(c: &mut Criterion) {
    let engine = Engine::bundled().expect("bundled packs");

    let one = cohort(&engine, 1);
    c.bench_function("vcf_to_report_one_sample", |b| {
        b.iter(|| {
            let mut reader = VcfReader::from_bytes(one.clone()).expect("reader");
            let calls = engine
                .call_vcf(&mut reader, &CallOptions::default())
                .expect("calls");
            dosera::report::build(&engine, &calls[0], &[], &[]).expect("report")
        })
    });

    // A whole-genome-like single sample (200,000 records, ~1,000 of them at
    // definition positions), plain text in memory: the scan without
    // decompression.
    let wgs = {
        let options = SimulateOptions {
            samples: 1,
            filler: 200_000,
            ..SimulateOptions::default()
        };
        let (mut vcf, mut truth) = (Vec::new(), Vec::new());
        simulate(&engine, &options, &mut vcf, &mut truth).expect("simulate");
        vcf
    };
    let mut scan = c.benchmark_group("scan");
    scan.sample_size(10);
    scan.throughput(Throughput::Bytes(wgs.len() as u64));
    scan.bench_function("read_sites_200k_records", |b| {
        b.iter(|| {
            let mut reader = VcfReader::from_bytes(wgs.clone()).expect("reader");
            engine.read_sites(&mut reader).expect("sites").sites.len()
        })
    });
    scan.finish();

    for (name, rows) in [("cohort_tables", true), ("cohort_reports", false)] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for samples in [100usize, 1000] {
            let vcf = cohort(&engine, samples);
            // Fail loudly if the cohort stopped being called in full.
            assert_eq!(run(&engine, &vcf, rows), samples);
            group.throughput(Throughput::Elements(samples as u64));
            group.bench_function(format!("{samples}_samples"), |b| {
                b.iter(|| run(&engine, std::hint::black_box(&vcf), rows))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
