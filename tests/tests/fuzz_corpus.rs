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

use dosera::pack::words::Lang;
use dosera::pack::Pack;
use dosera::simulate::{simulate, SimulateOptions};
use dosera::Engine;
use dosera_conformance::fuzz::{engine, TARGETS};
use dosera_serve::hooks::{self, results::PatientResults};
use serde_json::{json, Value};

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

#[test]
fn cds_request_corpus_and_crashers_replay() {
    replay("cds_request");
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
    assert_eq!(names, ["vcf", "outside", "request", "pack", "cds_request"]);
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
                // Past the JSON reader to the field checks; how far each
                // seed gets is checked by `cds_request_seeds_reach_the_cards`.
                "cds_request" => {
                    serde_json::from_slice::<Value>(&data).is_ok_and(|v| v.is_object())
                }
                other => panic!("no seed check for target {other}"),
            };
            assert!(reads, "seed {} is rejected", path.display());
        }
    }
}

/// The CDS Hooks seeds go as far as they are meant to: a well-formed call
/// gets cards from the service of its hook; a `seed-malformed-*` one is
/// refused by every service (by the request reader, the results reader or
/// the order reader), so the fuzzer starts from both sides of each check.
#[test]
fn cds_request_seeds_reach_the_cards() {
    let engine = engine();
    let seeds: Vec<PathBuf> = files(&fuzz_dir().join("corpus/cds_request"))
        .into_iter()
        .filter(|p| is_seed(p))
        .collect();
    assert!(seeds.len() >= 8, "{} cds_request seeds", seeds.len());
    for path in seeds {
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let answers: Vec<Result<Value, dosera_serve::Problem>> = hooks::SERVICES
            .iter()
            .map(|service| {
                let request = hooks::parse_request(service, &data)?;
                let results = match &request.prefetch {
                    Some(v) if !v.is_null() && v["resourceType"] != "OperationOutcome" => {
                        hooks::results::read_results(engine, v)?
                    }
                    _ => PatientResults::unavailable("no results in the request"),
                };
                hooks::answer(engine, &request, &results, Lang::En, 100)
            })
            .collect();
        if name.starts_with("seed-malformed-") {
            for a in &answers {
                let status = a.as_ref().err().map(|p| p.status);
                assert!(
                    status.is_some_and(|s| (400..500).contains(&s)),
                    "{name} is answered: {a:?}"
                );
            }
        } else {
            let cards: Vec<&Value> = answers
                .iter()
                .filter_map(|a| a.as_ref().ok())
                .filter_map(|r| r["cards"].as_array())
                .flatten()
                .collect();
            assert!(!cards.is_empty(), "{name} gets no card: {answers:?}");
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

    // CDS Hooks calls: both hooks, results as a FHIR bundle, a single
    // Observation and a dosera report, none, an OperationOutcome; and a
    // few of the wrong shape.
    for (name, call) in cds_calls(&engine) {
        seeds.push(("cds_request", name, serde_json::to_vec(&call).unwrap()));
    }

    for (target, name, bytes) in seeds {
        let dir = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
const ATC: &str = "http://www.whocc.no/atc";
const LOINC: &str = "http://loinc.org";

/// A genotype Observation of the Genomics Reporting profile.
fn genotype_observation(gene: &str, genotype: &str) -> Value {
    json!({
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "84413-4"}]},
        "valueCodeableConcept": {"text": genotype},
        "component": [{
            "code": {"coding": [{"system": LOINC, "code": "48018-6"}]},
            "valueCodeableConcept": {"text": gene},
        }],
    })
}

fn with_status(mut observation: Value, status: &str) -> Value {
    observation["status"] = json!(status);
    observation
}

/// A phenotype Observation with an activity score.
fn phenotype_observation(gene: &str, phenotype: &str, score: &str) -> Value {
    json!({
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "53040-2"}], "text": "phenotype"},
        "valueCodeableConcept": {"text": format!("{gene} {phenotype}")},
        "component": [
            {"code": {"coding": [{"system": LOINC, "code": "48018-6"}]},
             "valueCodeableConcept": {"coding": [{"display": gene}]}},
            {"code": {"text": "Activity score"}, "valueString": score},
        ],
    })
}

/// A draft MedicationRequest with this medication.
fn order(id: &str, medication: Value) -> Value {
    let mut r = json!({
        "resourceType": "MedicationRequest",
        "id": id,
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/seed-patient"},
    });
    if let (Some(r), Value::Object(m)) = (r.as_object_mut(), medication) {
        r.extend(m);
    }
    r
}

fn bundle(resources: Vec<Value>) -> Value {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| json!({"resource": r}))
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

fn call(hook: &str, orders: Value, prefetch: Option<Value>) -> Value {
    let mut c = json!({
        "hook": hook,
        "hookInstance": "2f6a3c1e-8a9b-4c55-9d0e-7b1f0c2d3e4f",
        "fhirServer": null,
        "context": {
            "userId": "Practitioner/seed",
            "patientId": "seed-patient",
            "draftOrders": orders,
        },
    });
    if let Some(p) = prefetch {
        c["prefetch"] = json!({ "pgx": p });
    }
    c
}

/// The CDS Hooks seeds, by file name.
fn cds_calls(engine: &Engine) -> Vec<(String, Value)> {
    let sign_orders = bundle(vec![
        order(
            "o1",
            json!({"medicationCodeableConcept": {"coding": [
                {"system": RXNORM, "code": "32968", "display": "clopidogrel"}]}}),
        ),
        order(
            "o2",
            json!({"medicationCodeableConcept": {"text": "abacavir 300 MG Oral Tablet"}}),
        ),
        order(
            "o3",
            json!({"medicationCodeableConcept": {"coding": [
                {"system": ATC, "code": "R05DA04", "display": "codeine"}]}}),
        ),
        order(
            "o4",
            json!({"medicationReference": {"reference": "Medication/m1"}}),
        ),
        json!({"resourceType": "Medication", "id": "m1",
               "code": {"coding": [{"system": RXNORM, "code": "11289", "display": "warfarin"}]}}),
    ]);
    let fhir = json!({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": genotype_observation("CYP2C19", "*2/*2")},
        {"resource": genotype_observation("HLA-B", "*57:01/*08:01")},
        {"resource": genotype_observation("CYP2C9", "*1/*2 or *1/*3")},
        {"resource": phenotype_observation("CYP2D6", "Intermediate Metabolizer", "1.0")},
        {"resource": genotype_observation("TPMT", "*1/*3A")},
        // A value no allele definition knows: set aside, its drugs say why.
        {"resource": genotype_observation("VKORC1", "-1639G>A variant carrier")},
        // Skipped: entered in error, and a gene the packs do not hold.
        {"resource": with_status(genotype_observation("CYP2C19", "*17/*17"), "entered-in-error")},
        {"resource": genotype_observation("NOTAGENE1", "*1/*1")},
    ]});
    let select_orders = bundle(vec![
        order(
            "s1",
            json!({
                "contained": [{"resourceType": "Medication", "id": "med",
                               "code": {"coding": [{"system": ATC, "code": "B01AC04"}]}}],
                "medicationReference": {"reference": "#med"},
            }),
        ),
        order(
            "s2",
            json!({"medicationCodeableConcept": {"text": "abacavir"}}),
        ),
    ]);
    let mut select = call(
        "order-select",
        select_orders,
        Some(genotype_observation("CYP2C19", "*2/*17")),
    );
    select["context"]["selections"] = json!(["MedicationRequest/s1"]);

    let clopidogrel = bundle(vec![order(
        "r1",
        json!({"medicationCodeableConcept": {"text": "Plavix"}}),
    )]);
    let outcome = json!({"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "timeout"}]});

    let mut malformed_hook = call("order-sign", clopidogrel.clone(), None);
    malformed_hook["hook"] = json!(7);
    let mut malformed_entry = call("order-sign", clopidogrel.clone(), None);
    malformed_entry["context"]["draftOrders"]["entry"] = json!({"resource": {}});
    let mut malformed_selections = select.clone();
    malformed_selections["context"]["selections"] = json!([1, 2]);
    let mut too_many = call("order-sign", clopidogrel.clone(), None);
    too_many["context"]["draftOrders"]["entry"] = json!(vec![json!({}); 101]);

    vec![
        (
            "order-sign-fhir.json".into(),
            call("order-sign", sign_orders.clone(), Some(fhir)),
        ),
        ("order-select-observation.json".into(), select),
        (
            "order-sign-report.json".into(),
            call("order-sign", sign_orders, Some(report_json(engine))),
        ),
        (
            "order-sign-no-results.json".into(),
            call("order-sign", clopidogrel.clone(), None),
        ),
        (
            "order-sign-outcome.json".into(),
            call("order-sign", clopidogrel.clone(), Some(outcome)),
        ),
        ("malformed-hook-number.json".into(), malformed_hook),
        ("malformed-entry-object.json".into(), malformed_entry),
        (
            "malformed-selections-numbers.json".into(),
            malformed_selections,
        ),
        ("malformed-too-many-orders.json".into(), too_many),
        (
            "malformed-prefetch-patient.json".into(),
            call(
                "order-sign",
                clopidogrel,
                Some(json!({"resourceType": "Patient", "id": "seed-patient"})),
            ),
        ),
    ]
}

/// A dosera report (JSON) for one sample with CYP2C19 *1/*2 from a VCF
/// and HLA-B *57:01 from an outside call. Its drug section is left empty:
/// the service reads only the gene results of a report, and the seed
/// stays small and free of recommendation text.
fn report_json(engine: &Engine) -> Value {
    let vcf = "##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n\
        ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
        chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
    let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
    let options = dosera::VcfOptions {
        outside: Some("HLA-B\t*57:01/*08:01\n".into()),
        genes: vec!["CYP2C19".into(), "HLA-B".into()],
        drugs: vec!["clopidogrel".into(), "abacavir".into()],
        ..dosera::VcfOptions::default()
    };
    let outcomes = dosera::evaluate(engine, &mut reader, &options).unwrap();
    match outcomes.into_iter().next() {
        Some(dosera::SampleOutcome::Report(mut r)) => {
            r.drugs.clear();
            r.warnings.clear();
            serde_json::to_value(&*r).unwrap()
        }
        other => panic!("no report for the seed: {other:?}"),
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
