//! The fuzz targets (`fuzz/`, bodies in `dosera_conformance::fuzz`) replayed
//! over their saved corpus and every past crasher, as an ordinary test: a
//! crash the fuzzer once found fails here until it is fixed, and stays
//! fixed. The corpus holds the hand-made seeds (`seed-*`, written by this
//! file with `DOSERA_REGENERATE=1`) and the inputs the fuzzer kept for new
//! coverage (minimised with `cargo fuzz cmin`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{bgzip, gzip, to_bcf};

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use dosera::pack::Pack;
use dosera::simulate::{simulate, SimulateOptions};
use dosera::Engine;
use dosera_conformance::fuzz::{engine, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Files of one folder, sorted; none when the folder is absent.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

/// Replays one target over its corpus and crashers; panics listing every
/// input that broke a promise.
fn replay(name: &str) {
    let Some((_, target)) = TARGETS.iter().find(|(n, _)| *n == name) else {
        panic!("no fuzz target {name}");
    };
    let engine = engine();
    let corpus = files(&fuzz_dir().join("corpus").join(name));
    let crashers = files(&fuzz_dir().join("crashers").join(name));
    let seeds = corpus.iter().filter(|p| is_seed(p)).count();
    assert!(seeds > 0, "fuzz/corpus/{name} has no seed-* files");
    let mut failures = Vec::new();
    for path in corpus.iter().chain(&crashers) {
        let data = std::fs::read(path).unwrap();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(engine, &data))) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    println!(
        "fuzz target {name}: {} corpus inputs ({seeds} seeds), {} past crashers replayed",
        corpus.len(),
        crashers.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vcf_corpus_and_crashers_replay() {
    replay("vcf");
}

#[test]
fn outside_corpus_and_crashers_replay() {
    replay("outside");
}

#[test]
fn request_corpus_and_crashers_replay() {
    replay("request");
}

#[test]
fn pack_corpus_and_crashers_replay() {
    replay("pack");
}

/// With `DOSERA_REGENERATE` set, writes the seeds (run this test alone:
/// `cargo test --test fuzz_corpus write_seeds`); otherwise does nothing.
#[test]
fn write_seeds_when_asked() {
    if std::env::var_os("DOSERA_REGENERATE").is_some() {
        write_seeds();
    }
}

/// Every target has its replay test above.
#[test]
fn every_target_is_replayed() {
    let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["vcf", "outside", "request", "pack"]);
}

fn is_seed(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("seed-"))
}

/// The targets must be able to fail: a promise broken on purpose is caught.
#[test]
fn a_broken_promise_is_reported() {
    use dosera_conformance::panics::{quiet_planted, PLANTED};
    quiet_planted();
    let broken: dosera_conformance::fuzz::Target =
        |_, data| assert!(data.is_empty(), "{PLANTED}: a promise broken on purpose");
    let result = catch_unwind(AssertUnwindSafe(|| broken(engine(), b"x")));
    assert!(result.is_err());
}

/// Every seed reads (no seed is rejected outright), so the fuzzer starts
/// from inputs that reach the matcher, the resolver, the recommender and the
/// pack checks rather than the first parse error.
#[test]
fn seeds_reach_past_the_first_parser() {
    let engine = engine();
    for (name, _) in TARGETS {
        for path in files(&fuzz_dir().join("corpus").join(name)) {
            if !is_seed(&path) {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let reads = match name {
                "vcf" => dosera::input::vcf::VcfReader::from_bytes(data).is_ok(),
                "outside" => std::str::from_utf8(&data).is_ok_and(|t| {
                    dosera::input::outside::parse(t)
                        .and_then(|c| engine.resolve_outside(&c))
                        .is_ok()
                }),
                "request" => serde_json::from_slice::<dosera::Request>(&data)
                    .is_ok_and(|r| engine.recommend(&r).is_ok()),
                "pack" => dosera::pack::PackSet::from_bytes(&[&data]).is_ok(),
                other => panic!("no seed check for target {other}"),
            };
            assert!(reads, "seed {} is rejected", path.display());
        }
    }
}

/// Writes the hand-made seeds into `fuzz/corpus/<target>/seed-*`.
fn write_seeds() {
    let engine = Engine::bundled().unwrap();
    let mut seeds: Vec<(&str, String, Vec<u8>)> = Vec::new();

    // VCF: a slice of a simulated cohort (CYP2C19 and CYP2C9 on chr10), in
    // every container the reader takes, and small odd shapes.
    for (label, phased) in [("unphased", false), ("phased", true)] {
        let text = chr10_slice(&engine, phased);
        seeds.push(("vcf", format!("sim-{label}.vcf"), text.clone().into_bytes()));
        if !phased {
            seeds.push(("vcf", "sim.vcf.gz".into(), gzip(text.as_bytes())));
            seeds.push(("vcf", "sim.vcf.bgz".into(), bgzip(text.as_bytes())));
            seeds.push(("vcf", "sim.bcf".into(), to_bcf(&text, true)));
            seeds.push(("vcf", "sim-raw.bcf".into(), to_bcf(&text, false)));
        }
    }
    let head = "##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n\
        ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n";
    for (label, body) in [
        (
            "odd-gt",
            "chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t.|1\t1\n",
        ),
        (
            "multi-alt",
            "chr10\t94781859\t.\tG\tA,C,<NON_REF>\t.\tPASS\t.\tGT\t1/2\t0/3\n",
        ),
        (
            "duplicate",
            "chr10\t94781859\t.\tG\tA\t.\tPASS\t.\tGT\t0/1\t1/1\n\
             chr10\t94781859\t.\tG\tA\t.\tPASS\t.\tGT\t1/1\t1/1\n",
        ),
        (
            "ref-mismatch",
            "chr10\t94761900\t.\tT\tC\t.\tPASS\t.\tGT:DP\t0/1:3\t0/0:.\n",
        ),
    ] {
        seeds.push((
            "vcf",
            format!("{label}.vcf"),
            format!("{head}{body}").into_bytes(),
        ));
    }

    // Outside calls.
    for (label, text) in [
        ("diplotype", "CYP2D6\t*1/*4\n"),
        ("phenotype", "# lab\nCYP2C9\t\tIntermediate Metabolizer\n"),
        ("activity", "CYP2D6\t\t\t1.25\n"),
        ("hla", "HLA-B\t*57:01/*44:02\nHLA-A\t*31:01/*02:01\n"),
        (
            "several",
            "CYP2C19\t*1/*17\nCYP2C19\t*2/*17\nDPYD\tc.1905+1G>A/Reference\n",
        ),
    ] {
        seeds.push(("outside", format!("{label}.tsv"), text.as_bytes().to_vec()));
    }

    // Gene-results requests.
    for (label, json) in [
        (
            "diplotype",
            r#"{"genes":[{"gene":"CYP2C19","value":"*2/*2"}]}"#,
        ),
        (
            "phenotype-drugs",
            r#"{"genes":[{"gene":"CYP2D6","value":"Poor Metabolizer"}],"drugs":["codeine"],"sources":["cpic"]}"#,
        ),
        (
            "activity",
            r#"{"genes":[{"gene":"CYP2D6","value":"1.5"}],"sources":["dpwg"]}"#,
        ),
        (
            "several",
            r#"{"genes":[{"gene":"HLA-B","value":"*57:01 positive"},{"gene":"TPMT","value":"*1/*3A"},{"gene":"NUDT15","value":"*1/*3"}]}"#,
        ),
        (
            "ambiguous",
            r#"{"genes":[{"gene":"CYP2C19","value":"*1/*2|*2/*38"}]}"#,
        ),
    ] {
        seeds.push(("request", format!("{label}.json"), json.as_bytes().to_vec()));
    }

    // Packs: each bundled pack cut down to one or two genes, so an input
    // stays small enough to mutate quickly.
    for (source, genes) in [
        (dosera::Source::Cpic, &["CYP2C19"][..]),
        (dosera::Source::Cpic, &["TPMT", "NUDT15"][..]),
        (dosera::Source::Cpic, &["HLA-B"][..]),
        (dosera::Source::Dpwg, &["SLCO1B1"][..]),
    ] {
        let pack = engine.pack(source).unwrap();
        let cut = cut_pack(pack, genes);
        seeds.push((
            "pack",
            format!("{source}-{}.json", genes.join("-")),
            serde_json::to_vec(&cut).unwrap(),
        ));
    }

    for (target, name, bytes) in seeds {
        let dir = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}

/// Header and chr10 records of a three-sample simulated cohort.
fn chr10_slice(engine: &Engine, phased: bool) -> String {
    let mut vcf = Vec::new();
    let options = SimulateOptions {
        samples: 3,
        seed: 11,
        phased,
        filler: 0,
        ..SimulateOptions::default()
    };
    simulate(engine, &options, &mut vcf, &mut Vec::new()).unwrap();
    let text = String::from_utf8(vcf).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let keep = if line.starts_with("##contig") {
            line.contains("ID=chr10,")
        } else {
            line.starts_with('#') || line.starts_with("chr10\t")
        };
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `pack` with only `genes`, the guidelines that use nothing else, and the
/// drugs of those guidelines.
fn cut_pack(pack: &Pack, genes: &[&str]) -> Pack {
    let keep: BTreeSet<&str> = genes.iter().copied().collect();
    let mut cut = pack.clone();
    cut.genes.retain(|g| keep.contains(g.symbol.as_str()));
    cut.guidelines
        .retain(|g| g.genes.iter().all(|s| keep.contains(s.as_str())));
    let ids: BTreeSet<String> = cut.guidelines.iter().map(|g| g.id.clone()).collect();
    cut.drugs.retain_mut(|d| {
        d.guidelines.retain(|g| ids.contains(g));
        d.genes.retain(|s| keep.contains(s.as_str()));
        !d.guidelines.is_empty()
    });
    cut
}
