//! The cohort path against the single-sample path and against the truth.
//!
//! A 1,000-sample synthetic cohort (`dosera::simulate`, fixed seed, made in
//! memory) is called once with the cohort path (`Engine::call_vcf` over
//! every sample), and:
//!
//! 1. every sample's calls equal, as a whole `SampleCalls` (name, sex and
//!    how it was known, every gene call with its evidence and notes,
//!    warnings), the calls made from a VCF holding only that sample's
//!    column; with the default options and with `top_candidate_only` (the
//!    options reports use);
//! 2. every (sample, gene) call of the `top_candidate_only` run is judged
//!    against the generator's truth by the exhaustive test's independent
//!    judge (`tests/src/exhaustive.rs`): the pair drawn (*exact*), another
//!    pair giving the same unphased genotypes (*equivalent*), or anything
//!    else (*other*, which fails the test). The per-gene counts and every
//!    equivalent pair are written to `tests/conformance/cohort-synthetic.md`;
//!    the test fails when that file differs from what it generates
//!    (regenerate with `DOSERA_REGENERATE=1`).
//!
//! `100samples.vcf.bgz` from `../shared/conformance` gets the same
//! one-column comparison (skipped when `../shared` is absent). The test
//! `hundred_samples_one_pass_equals_single` in `vcf_samples.rs` checks that
//! file too, but selects each sample with `CallOptions::sample` from the
//! whole file, so the other samples' columns are still read; here each
//! sample's VCF holds its own column only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::PathBuf;
use std::time::Instant;

use dosera::allele::{CallOptions, GeneCall, SampleCalls, Sex, SexSource};
use dosera::input::vcf::VcfReader;
use dosera::pack::AlleleDefinition;
use dosera::simulate::{sample_name, simulate, SimulateOptions};
use dosera::Engine;
use dosera_conformance::cohort::{
    case_from_genotypes, differences, read_truth, simulated_definitions, ColumnVcf, TruthRow,
};
use dosera_conformance::exhaustive::{judge, Verdict};
use dosera_conformance::shared_dir;

/// Samples in the synthetic cohort.
const SAMPLES: usize = 1000;
/// Seed of the synthetic cohort (any fixed value: the summary file is
/// generated from it).
const SEED: u64 = 20_261_127;

fn summary_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("conformance/cohort-synthetic.md")
}

fn top_only() -> CallOptions {
    CallOptions {
        top_candidate_only: true,
        ..CallOptions::default()
    }
}

/// The cohort's VCF text and truth TSV.
fn generate(engine: &Engine, samples: usize) -> (String, String) {
    let mut vcf = Vec::new();
    let mut truth = Vec::new();
    let options = SimulateOptions {
        samples,
        seed: SEED,
        ..SimulateOptions::default()
    };
    simulate(engine, &options, &mut vcf, &mut truth).unwrap();
    (
        String::from_utf8(vcf).unwrap(),
        String::from_utf8(truth).unwrap(),
    )
}

/// The cohort path: every sample of `text` in one call.
fn call_cohort(engine: &Engine, text: &str, options: &CallOptions) -> Vec<SampleCalls> {
    let mut reader = VcfReader::from_bytes(text.as_bytes().to_vec()).unwrap();
    engine.call_vcf(&mut reader, options).unwrap()
}

/// Calls each sample from a VCF holding its column only, and lists where
/// the result differs from the cohort call (`sample: difference`). Samples
/// are shared out over the machine's cores.
fn single_sample_differences(
    engine: &Engine,
    vcf: &ColumnVcf<'_>,
    cohort: &[SampleCalls],
    options: &CallOptions,
) -> Vec<String> {
    assert_eq!(vcf.samples.len(), cohort.len());
    let indexes: Vec<usize> = (0..cohort.len()).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(indexes.len())
        .max(1);
    let chunk = indexes.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = indexes
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for &i in part {
                        let mut reader = VcfReader::from_bytes(vcf.single(i).into_bytes()).unwrap();
                        let alone = engine.call_vcf(&mut reader, options).unwrap();
                        assert_eq!(alone.len(), 1, "{}", vcf.samples[i]);
                        for d in differences(&cohort[i], &alone[0]) {
                            out.push(format!("{}: {d}", cohort[i].sample));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

fn assert_no_differences(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} differences between the cohort and single-sample calls, e.g.\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// What a call shows, for listing: its diplotypes, or its allele matches.
fn shown(call: &GeneCall) -> String {
    if call.diplotypes.is_empty() && !call.allele_matches.is_empty() {
        format!("alleles {}", call.allele_matches.join(", "))
    } else if call.diplotypes.is_empty() {
        format!(
            "no call ({})",
            call.no_call_reason.as_deref().unwrap_or("no reason")
        )
    } else {
        call.diplotype_names().join(", ")
    }
}

/// The pair drawn, in a fixed order so that `*2/*1` and `*1/*2` group.
fn written(row: &TruthRow) -> String {
    match &row.b {
        Some(b) if dosera::phenotype::natural_cmp(b, &row.a).is_lt() => format!("{b}/{}", row.a),
        Some(b) => format!("{}/{b}", row.a),
        None => row.a.clone(),
    }
}

#[derive(Default)]
struct Tally {
    samples: usize,
    exact: usize,
    equivalent: usize,
    other: usize,
    /// (pair written, call) → samples, for equivalent calls.
    equivalents: BTreeMap<(String, String), usize>,
    /// Mismatches: `sample: written → call (reason)`.
    mismatches: Vec<String>,
}

/// Judges every truth row against the cohort's calls.
fn judge_cohort(
    defs: &BTreeMap<String, &AlleleDefinition>,
    vcf: &ColumnVcf<'_>,
    truth: &[TruthRow],
    calls: &[SampleCalls],
) -> BTreeMap<String, Tally> {
    let index: BTreeMap<&str, usize> = vcf
        .samples
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i))
        .collect();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in truth {
        let i = index[row.sample.as_str()];
        let def = defs
            .get(&row.gene)
            .unwrap_or_else(|| panic!("{}: no definition", row.gene));
        let call = calls[i]
            .gene(&row.gene)
            .unwrap_or_else(|| panic!("{}: {} not called", row.sample, row.gene));
        let case = case_from_genotypes(def, vcf, i, &row.a, row.b.as_deref());
        let t = tallies.entry(row.gene.clone()).or_default();
        t.samples += 1;
        match judge(def, &case, call) {
            Verdict::Exact => t.exact += 1,
            Verdict::Equivalent => {
                t.equivalent += 1;
                *t.equivalents
                    .entry((written(row), shown(call)))
                    .or_default() += 1;
            }
            // Only a dropped position makes no call the right answer, and
            // the cohort drops none.
            Verdict::NoCallExpected => unreachable!("no position is dropped"),
            Verdict::Failed(why) => {
                t.other += 1;
                t.mismatches.push(format!(
                    "{}: {} written, {} called ({why})",
                    row.sample,
                    written(row),
                    shown(call)
                ));
            }
        }
    }
    tallies
}

/// Sex as called against the sex drawn: (drawn, called) → samples.
fn sex_table(truth: &[TruthRow], calls: &[SampleCalls]) -> BTreeMap<(String, String), usize> {
    let drawn: BTreeMap<&str, &str> = truth
        .iter()
        .map(|r| (r.sample.as_str(), r.sex.as_str()))
        .collect();
    let mut out = BTreeMap::new();
    for c in calls {
        let called = match (c.sex, c.sex_source) {
            (Some(Sex::Male), SexSource::Inferred) => "male (inferred)",
            (Some(Sex::Female), SexSource::Inferred) => "female (inferred)",
            (None, SexSource::Unknown) => "unknown",
            other => panic!("{}: unexpected sex {other:?}", c.sample),
        };
        *out.entry((drawn[c.sample.as_str()].to_string(), called.to_string()))
            .or_default() += 1;
    }
    out
}

fn summary(
    records: usize,
    tallies: &BTreeMap<String, Tally>,
    sexes: &BTreeMap<(String, String), usize>,
) -> String {
    let mut s = String::new();
    s.push_str("# Synthetic cohort: the cohort path against the truth\n\n");
    s.push_str(
        "Generated by `tests/tests/cohort_synthetic.rs`; the test fails when this\n\
         file differs from what it generates. Regenerate with\n\
         `DOSERA_REGENERATE=1 cargo test -p dosera-conformance --test cohort_synthetic`.\n\n",
    );
    s.push_str("## How the cohort is made and judged\n\n");
    writeln!(
        s,
        "- `dosera::simulate` (as `dosera simulate --samples {SAMPLES} --seed {SEED}`):\n  \
         {SAMPLES} samples, {records} records (every definition position of every\n  \
         gene with definitions, CYP2D6 left out), unphased genotypes. Per sample\n  \
         and gene, two callable alleles drawn at random (one for G6PD in a male\n  \
         sample, written haploid); IUPAC codes resolved to a base at random."
    )
    .unwrap();
    s.push_str(
        "- The cohort path calls all samples in one `Engine::call_vcf`, with\n  \
         `top_candidate_only` (the options reports use). The test also calls\n  \
         each sample from a VCF holding only its column, with these options and\n  \
         with the default ones: every sample's `SampleCalls` is identical to the\n  \
         cohort's (the test fails otherwise).\n\
         - Each (sample, gene) call is judged by the exhaustive test's judge\n  \
         (`tests/src/exhaustive.rs`), with the haplotypes read back from the\n  \
         genotypes written (the IUPAC bases the generator chose):\n  \
         - *Exact*: a returned diplotype is the pair drawn (a sub-allele drawn may\n    \
         be named by its parent, SLCO1B1 `*45`); for DPYD on unphased data,\n    \
         every non-reference allele drawn is among the allele matches listed,\n    \
         and every listed allele is carried by the genotypes.\n  \
         - *Equivalent*: the pair drawn is not returned, but a returned pair\n    \
         gives the same genotypes at every position: unphased data cannot tell\n    \
         them apart (for NAT2 the curated unphased priorities pick one). Every\n    \
         such pair is listed below.\n  \
         - *Other*: anything else. The test fails on any.\n\n",
    );
    s.push_str("## Result\n\n");
    s.push_str("| Gene | Samples | Exact | Equivalent | Other |\n|---|---|---|---|---|\n");
    let (mut n, mut e, mut q, mut o) = (0, 0, 0, 0);
    for (gene, t) in tallies {
        writeln!(
            s,
            "| {gene} | {} | {} | {} | {} |",
            t.samples, t.exact, t.equivalent, t.other
        )
        .unwrap();
        n += t.samples;
        e += t.exact;
        q += t.equivalent;
        o += t.other;
    }
    writeln!(s, "| All | {n} | {e} | {q} | {o} |\n").unwrap();
    s.push_str(
        "Sex, drawn against called (inferred from the chrX genotypes: haploid\n\
         calls mean male, a heterozygous call female; a female sample\n\
         homozygous at every G6PD position cannot be told apart and is called\n\
         as two X chromosomes with the sex unknown):\n\n\
         | Drawn | Called | Samples |\n|---|---|---|\n",
    );
    for ((drawn, called), k) in sexes {
        writeln!(s, "| {drawn} | {called} | {k} |").unwrap();
    }
    s.push_str("\n## Equivalent pairs (indistinguishable unphased)\n\n");
    s.push_str("Pair drawn, the call made instead, and how many samples.\n");
    for (gene, t) in tallies {
        if t.equivalents.is_empty() {
            continue;
        }
        writeln!(
            s,
            "\n### {gene}\n\n| Drawn | Called | Samples |\n|---|---|---|"
        )
        .unwrap();
        for ((w, c), k) in &t.equivalents {
            writeln!(s, "| {w} | {c} | {k} |").unwrap();
        }
    }
    s.push_str("\n## Other\n\n");
    if o == 0 {
        s.push_str("None.\n");
    }
    for (gene, t) in tallies {
        if t.mismatches.is_empty() {
            continue;
        }
        writeln!(s, "\n### {gene}\n").unwrap();
        for m in &t.mismatches {
            writeln!(s, "- {m}").unwrap();
        }
    }
    s
}

#[test]
fn synthetic_cohort_equals_single_sample_calls_and_truth() {
    let start = Instant::now();
    let engine = Engine::bundled().unwrap();
    let defs = simulated_definitions(&engine);
    let (text, truth_text) = generate(&engine, SAMPLES);
    let truth = read_truth(&truth_text);
    let vcf = ColumnVcf::parse(&text);
    assert_eq!(vcf.samples.len(), SAMPLES);
    for (i, s) in vcf.samples.iter().enumerate() {
        assert_eq!(*s, sample_name(i));
    }
    assert_eq!(
        truth.len(),
        SAMPLES * defs.len(),
        "a truth row per sample and gene"
    );
    let generated = start.elapsed();

    // 1. The cohort path equals the single-sample path, sample by sample.
    let t = Instant::now();
    let default_calls = call_cohort(&engine, &text, &CallOptions::default());
    let top_calls = call_cohort(&engine, &text, &top_only());
    let cohort_time = t.elapsed() / 2;
    assert_eq!(default_calls.len(), SAMPLES);
    assert_eq!(top_calls.len(), SAMPLES);
    let t = Instant::now();
    assert_no_differences(
        "default options",
        &single_sample_differences(&engine, &vcf, &default_calls, &CallOptions::default()),
    );
    assert_no_differences(
        "top_candidate_only",
        &single_sample_differences(&engine, &vcf, &top_calls, &top_only()),
    );
    let single_time = t.elapsed();
    // The two runs agree: the top candidates are among all the candidates.
    for (d, c) in default_calls.iter().zip(&top_calls) {
        for (g, h) in d.genes.iter().zip(&c.genes) {
            let all = g.diplotype_names();
            for name in h.diplotype_names() {
                assert!(
                    all.contains(&name),
                    "{} {}: top candidate {name} not among {all:?}",
                    d.sample,
                    g.gene
                );
            }
            assert_eq!(
                g.allele_matches, h.allele_matches,
                "{} {}",
                d.sample, g.gene
            );
        }
    }
    drop(default_calls);

    // 2. The calls against the truth.
    let t = Instant::now();
    let tallies = judge_cohort(&defs, &vcf, &truth, &top_calls);
    let sexes = sex_table(&truth, &top_calls);
    let judge_time = t.elapsed();
    for ((drawn, called), k) in &sexes {
        assert!(
            (drawn == "male" && called == "male (inferred)")
                || (drawn == "female" && called != "male (inferred)"),
            "{k} samples drawn {drawn} called {called}"
        );
    }
    let text = summary(vcf.records.len(), &tallies, &sexes);
    println!("{text}");
    println!(
        "synthetic cohort of {SAMPLES}: generated and split in {:.2}s; cohort call {:.2}s \
         per run; {} single-sample calls in {:.2}s; judged in {:.2}s; total {:.2}s",
        generated.as_secs_f64(),
        cohort_time.as_secs_f64(),
        2 * SAMPLES,
        single_time.as_secs_f64(),
        judge_time.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    if std::env::var_os("DOSERA_REGENERATE").is_some() {
        std::fs::write(summary_path(), &text).unwrap();
    }
    let others: Vec<&String> = tallies.values().flat_map(|t| &t.mismatches).collect();
    assert!(
        others.is_empty(),
        "{} calls are neither the pair drawn nor an equivalent one:\n{}",
        others.len(),
        others
            .iter()
            .take(40)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (gene, t) in &tallies {
        assert_eq!(t.samples, SAMPLES, "{gene}");
        assert!(t.exact > t.equivalent, "{gene}: {} exact", t.exact);
    }
    let committed = std::fs::read_to_string(summary_path()).unwrap_or_default();
    assert!(
        committed == text,
        "tests/conformance/cohort-synthetic.md differs from the generated summary; \
         regenerate with DOSERA_REGENERATE=1 cargo test -p dosera-conformance --test cohort_synthetic"
    );
}

/// 100samples.vcf.bgz: every sample called with the cohort path equals the
/// same sample called from a VCF of its column alone.
#[test]
fn hundred_samples_cohort_equals_one_column_files() {
    let Some(shared) = shared_dir() else {
        println!("hundred_samples_cohort_equals_one_column_files: skipped: ../shared is absent");
        return;
    };
    let path = shared.join("conformance/pharmcat-unit-tests/100samples.vcf.bgz");
    let start = Instant::now();
    let engine = Engine::bundled().unwrap();
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let vcf = ColumnVcf::parse(&text);
    for options in [CallOptions::default(), top_only()] {
        // The cohort path reads the file as it is (bgzipped).
        let mut reader = VcfReader::from_path(&path).unwrap();
        let calls = engine.call_vcf(&mut reader, &options).unwrap();
        assert_eq!(calls.len(), vcf.samples.len());
        assert!(calls.len() >= 100, "{} samples", calls.len());
        assert_no_differences(
            "100samples.vcf.bgz",
            &single_sample_differences(&engine, &vcf, &calls, &options),
        );
        let called: usize = calls
            .iter()
            .map(|s| s.genes.iter().filter(|g| g.is_called()).count())
            .sum();
        println!(
            "100samples.vcf.bgz (top_candidate_only {}): {} samples equal to their one-column \
             files; {called} gene calls made",
            options.top_candidate_only,
            calls.len()
        );
        assert!(called > 0);
    }
    println!("in {:.2}s", start.elapsed().as_secs_f64());
}

/// The comparisons can fail: an altered call differs from the single-sample
/// call, and a wrong pair is judged a mismatch.
#[test]
fn altered_calls_are_caught() {
    let engine = Engine::bundled().unwrap();
    let defs = simulated_definitions(&engine);
    let (text, truth_text) = generate(&engine, 12);
    let truth = read_truth(&truth_text);
    let vcf = ColumnVcf::parse(&text);
    let calls = call_cohort(&engine, &text, &top_only());
    assert!(single_sample_differences(&engine, &vcf, &calls, &top_only()).is_empty());
    let tallies = judge_cohort(&defs, &vcf, &truth, &calls);
    assert!(tallies.values().all(|t| t.other == 0));

    // One diplotype renamed in one sample: a difference from its own file,
    // and a mismatch with the truth.
    let row = truth
        .iter()
        .find(|r| r.gene == "CYP2C19" && r.b.is_some())
        .unwrap();
    let i = vcf.samples.iter().position(|s| *s == row.sample).unwrap();
    let mut altered = calls.clone();
    let call = altered[i]
        .genes
        .iter_mut()
        .find(|g| g.gene == "CYP2C19")
        .unwrap();
    // A pair no CYP2C19 genotype written as `row`'s could give: *2 on both
    // strands (or *3 on both, when the drawn pair is *2/*2).
    let wrong = if row.a == "*2" && row.b.as_deref() == Some("*2") {
        "*3"
    } else {
        "*2"
    };
    call.diplotypes.truncate(1);
    call.diplotypes[0].alleles = vec![wrong.into(), wrong.into()];
    call.diplotypes[0].name = format!("{wrong}/{wrong}");
    let problems = single_sample_differences(&engine, &vcf, &altered, &top_only());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("CYP2C19: diplotypes"), "{problems:?}");
    let tallies = judge_cohort(&defs, &vcf, &truth, &altered);
    assert_eq!(tallies["CYP2C19"].other, 1);
    assert!(
        tallies["CYP2C19"].mismatches[0].starts_with(&row.sample),
        "{:?}",
        tallies["CYP2C19"].mismatches
    );

    // The sex changed: a difference.
    let mut altered = calls.clone();
    altered[0].sex = match altered[0].sex {
        Some(Sex::Male) => Some(Sex::Female),
        _ => Some(Sex::Male),
    };
    let problems = single_sample_differences(&engine, &vcf, &altered, &top_only());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("sex"), "{problems:?}");

    // One evidence genotype changed: a difference.
    let mut altered = calls;
    let g = &mut altered[1].genes[0];
    g.evidence.positions_used[0].genotype.push('?');
    let gene = g.gene.clone();
    let problems = single_sample_differences(&engine, &vcf, &altered, &top_only());
    assert_eq!(
        problems,
        [format!("{}: {gene}: evidence", altered[1].sample)]
    );
}
