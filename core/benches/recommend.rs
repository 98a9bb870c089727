//! Recommendations for every drug for one patient (goal: below 50 µs).

use criterion::{criterion_group, criterion_main, Criterion};
use dosera::{Engine, GeneInput, Request};

fn patient() -> Vec<GeneInput> {
    [
        "CYP2C19=*1/*2",
        "CYP2D6=*1/*4",
        "CYP2C9=*1/*3",
        "CYP3A5=*3/*3",
        "SLCO1B1=*1/*5",
        "DPYD=Reference/c.1905+1G>A (*2A)",
        "TPMT=*1/*3A",
        "NUDT15=*1/*1",
        "UGT1A1=*1/*28",
        "VKORC1=-1639 AG",
        "CYP2B6=*1/*6",
        "HLA-B=*57:01 negative",
        "HLA-A=*31:01 negative",
    ]
    .iter()
    .filter_map(|s| s.parse().ok())
    .collect()
}

fn bench(c: &mut Criterion) {
    let engine = Engine::bundled().expect("bundled packs");
    let request = Request::new(patient());
    // Fail loudly if the patient stopped being valid: a benchmark of errors
    // would measure nothing.
    let result = engine.recommend(&request).expect("valid patient");
    assert!(
        result.drugs.len() > 50,
        "only {} drug results",
        result.drugs.len()
    );
    c.bench_function("recommend_all_drugs_one_patient", |b| {
        b.iter(|| engine.recommend(std::hint::black_box(&request)))
    });
    let one = Request::new(["CYP2C19=*2/*2".parse().expect("input")]).drugs(["clopidogrel"]);
    c.bench_function("recommend_one_drug", |b| {
        b.iter(|| engine.recommend(std::hint::black_box(&one)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
