//! The bodies of the fuzz targets in `fuzz/`. Each takes arbitrary bytes
//! and drives one input surface the way a caller would, then checks what
//! the library promises about the result. A target returns normally when
//! the input was rejected with an error or read into a result that holds
//! together; it panics when a promise is broken (or when the library itself
//! panics), which is what the fuzzer reports as a crash.
//!
//! The same functions replay the saved corpus and every past crasher as an
//! ordinary test (`tests/tests/fuzz_corpus.rs`), so a fix stays fixed.
//!
//! ```
//! let engine = dosera_conformance::fuzz::engine();
//! dosera_conformance::fuzz::outside(engine, b"CYP2C19\t*1/*2\n");
//! dosera_conformance::fuzz::request(engine, br#"{"genes":[{"gene":"CYP2C19","value":"*1/*2"}]}"#);
//! dosera_conformance::fuzz::cds_request(engine, br#"{"hook":"order-sign"}"#);
//! ```

use std::sync::LazyLock;

use dosera::allele::CallOptions;
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::pack::words::Lang;
use dosera::pack::PackSet;
use dosera::report::tables::{self, Rows, TableWriter};
use dosera::report::SampleOutcome;
use dosera::ResolvedOutside;
use dosera::{Engine, GeneInput, Request};
use dosera_serve::hooks::{self, results::PatientResults};
use dosera_serve::Problem;
use serde_json::Value;

/// A target: bytes in, panics only on a broken promise.
pub type Target = fn(&Engine, &[u8]);

/// Every target by the name its folder has under `fuzz/corpus/`.
pub const TARGETS: [(&str, Target); 5] = [
    ("vcf", vcf),
    ("outside", outside),
    ("request", request),
    ("pack", pack),
    ("cds_request", cds_request),
];

/// The bundled engine, built once per process.
///
/// ```
/// assert_eq!(dosera_conformance::fuzz::engine().packs().len(), 2);
/// ```
pub fn engine() -> &'static Engine {
    static ENGINE: LazyLock<Engine> = LazyLock::new(|| match Engine::bundled() {
        Ok(engine) => engine,
        Err(e) => panic!("the bundled packs do not load: {e}"),
    });
    &ENGINE
}

/// One sample with CYP2C19 *1/*2: the VCF the outside-call and pack
/// targets report against.
const SMALL_VCF: &str = "##fileformat=VCFv4.2\n\
    ##contig=<ID=chr10,length=133797422>\n\
    ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";

/// VCF, BCF, gzip or BGZF bytes through the reader, the matcher and the
/// report builder, for every sample. Promises checked:
/// - every sample that reads gets a report naming the pack release, and the
///   report serialises to JSON;
/// - the fast table path (`cohort_rows`, rows reused per genotype pattern)
///   writes exactly the rows the per-sample reports give, sample by sample.
///
/// ```
/// let engine = dosera_conformance::fuzz::engine();
/// dosera_conformance::fuzz::vcf(engine, b"not a VCF");
/// ```
pub fn vcf(engine: &Engine, data: &[u8]) {
    cohort_agrees(engine, data, &[]);
}

/// Outside-call text (gene, diplotype, phenotype, activity score per line)
/// parsed and resolved against the packs; what resolves is reported beside a
/// one-sample VCF. Promises: a resolved call names a gene the packs know,
/// and both table paths agree (as in [`vcf`]).
///
/// ```
/// let engine = dosera_conformance::fuzz::engine();
/// dosera_conformance::fuzz::outside(engine, b"NOTAGENE\t*1/*1\n");
/// ```
pub fn outside(engine: &Engine, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(calls) = outside::parse(text) else {
        return;
    };
    let Ok(resolved) = engine.resolve_outside(&calls) else {
        return;
    };
    for r in &resolved {
        assert!(
            engine.gene_symbol(&r.gene).is_ok(),
            "resolved outside call for unknown gene {:?}",
            r.gene
        );
    }
    cohort_agrees(engine, SMALL_VCF.as_bytes(), &resolved);
}

/// The gene-results request JSON that the C and WebAssembly bindings take.
/// Promises: an answer names the pack release, has one interpreted result
/// per gene asked about, and serialises back to JSON.
///
/// ```
/// let engine = dosera_conformance::fuzz::engine();
/// dosera_conformance::fuzz::request(engine, b"{\"genes\":[]}");
/// ```
pub fn request(engine: &Engine, data: &[u8]) {
    let Ok(request) = serde_json::from_slice::<Request>(data) else {
        return;
    };
    let Ok(answer) = engine.recommend(&request) else {
        return;
    };
    assert!(!answer.packs_release.is_empty(), "answer without a release");
    assert_eq!(
        answer.genes.len(),
        request.genes.len(),
        "one interpreted result per gene input"
    );
    if let Err(e) = serde_json::to_string(&answer) {
        panic!("answer does not serialise: {e}");
    }
}

/// A knowledge pack as one JSON document. Promises: a pack the loader
/// accepts can be used: an engine over it lists its genes, alleles, choices
/// and drugs, answers a request with each gene's first phenotype and first
/// allele pair, and reports a one-sample VCF, all without panicking.
///
/// ```
/// let engine = dosera_conformance::fuzz::engine();
/// dosera_conformance::fuzz::pack(engine, b"{\"meta\":{}}");
/// ```
pub fn pack(_bundled: &Engine, data: &[u8]) {
    let Ok(set) = PackSet::from_bytes(&[data]) else {
        return;
    };
    let engine = Engine::new(set);
    let _ = engine.drugs();
    let mut inputs = Vec::new();
    for gene in engine.genes() {
        let symbol = gene.symbol.clone();
        if let Ok(choices) = engine.choices(&symbol) {
            if let Some(p) = choices.phenotypes.first() {
                inputs.push(GeneInput {
                    gene: symbol.clone(),
                    value: p.clone(),
                });
            }
        }
        if let Ok(alleles) = engine.alleles(&symbol) {
            if let (Some(a), Some(b)) = (alleles.first(), alleles.last()) {
                inputs.push(GeneInput {
                    gene: symbol.clone(),
                    value: format!("{}/{}", a.name, b.name),
                });
            }
        }
    }
    for input in inputs {
        let _ = engine.recommend(&Request::new([input]));
    }
    cohort_agrees(&engine, SMALL_VCF.as_bytes(), &[]);
}

/// A CDS Hooks call body (`POST /cds-services/{id}` of `dosera serve`),
/// read by each service of [`hooks::SERVICES`] the way the server reads
/// it, without the HTTP: the request parsed, the prefetched results read
/// (no results when there is no prefetch, or when the client sent an
/// `OperationOutcome` for it), the cards built in English and in Swedish.
/// Promises:
/// - a refused body, or refused results, is a problem with a 4xx status
///   (never a 5xx: the input is the caller's fault, not the service's);
/// - an answer is `{"cards": [...]}` where every card has a summary of
///   fewer than 140 characters, an indicator of `info`, `warning` or
///   `critical`, a uuid and a source with a label.
///
/// ```
/// let engine = dosera_conformance::fuzz::engine();
/// dosera_conformance::fuzz::cds_request(engine, b"{\"hook\": 7}");
/// ```
pub fn cds_request(engine: &Engine, data: &[u8]) {
    for service in &hooks::SERVICES {
        let request = match hooks::parse_request(service, data) {
            Ok(r) => r,
            Err(p) => {
                client_problem(&p, "parse_request");
                continue;
            }
        };
        let results = match &request.prefetch {
            Some(v) if !v.is_null() && !is_outcome(v) => {
                match hooks::results::read_results(engine, v) {
                    Ok(r) => r,
                    Err(p) => {
                        client_problem(&p, "read_results");
                        continue;
                    }
                }
            }
            _ => PatientResults::unavailable("no pharmacogenomic results in the request"),
        };
        for lang in [Lang::En, Lang::Sv] {
            match hooks::answer(engine, &request, &results, lang, 100) {
                Ok(reply) => cards_hold_together(&reply),
                Err(p) => client_problem(&p, "answer"),
            }
        }
    }
}

fn is_outcome(v: &Value) -> bool {
    v.get("resourceType").and_then(Value::as_str) == Some("OperationOutcome")
}

/// Panics unless `p` is a 4xx problem whose body says the same status.
fn client_problem(p: &Problem, step: &str) {
    assert!(
        (400..500).contains(&p.status),
        "{step}: a {} problem for the caller's input: {p}",
        p.status
    );
    let body = p.to_json();
    assert_eq!(
        body["status"].as_u64(),
        Some(u64::from(p.status)),
        "{step}: problem body with another status: {body}"
    );
    assert!(
        body["code"].as_u64().is_some(),
        "{step}: problem body without a code: {body}"
    );
}

/// Panics unless `reply` is a CDS Hooks answer whose cards hold together.
fn cards_hold_together(reply: &Value) {
    let Some(cards) = reply.get("cards").and_then(Value::as_array) else {
        panic!("an answer without a `cards` array: {reply}");
    };
    for card in cards {
        let summary = card.get("summary").and_then(Value::as_str).unwrap_or("");
        assert!(
            !summary.is_empty() && summary.chars().count() < 140,
            "a card summary empty or of 140 characters or more: {card}"
        );
        assert!(
            matches!(
                card.get("indicator").and_then(Value::as_str),
                Some("info" | "warning" | "critical")
            ),
            "a card with another indicator: {card}"
        );
        assert!(
            card.get("uuid").and_then(Value::as_str).is_some(),
            "a card without a uuid: {card}"
        );
        let label = card
            .get("source")
            .and_then(|s| s.get("label"))
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(!label.is_empty(), "a card without a source label: {card}");
    }
}

/// Reads `data` as a cohort twice (reports, and the fast row path) and
/// panics unless both hold together and agree.
fn cohort_agrees(engine: &Engine, data: &[u8], outside: &[ResolvedOutside]) {
    let options = CallOptions::default();
    let Ok(mut reader) = VcfReader::from_bytes(data.to_vec()) else {
        return;
    };
    let mut slow: Vec<Rows> = Vec::new();
    let check_and_row = |o: SampleOutcome| {
        if let SampleOutcome::Report(report) = &o {
            assert!(!report.packs_release.is_empty(), "report without a release");
            if let Err(e) = serde_json::to_string(report) {
                panic!("report does not serialise: {e}");
            }
        }
        TableWriter::<Vec<u8>>::rows(o)
    };
    let read = dosera::report::cohort_map(
        engine,
        &mut reader,
        &options,
        outside,
        &[],
        &check_and_row,
        &mut |r| {
            slow.push(r);
            Ok(())
        },
    );
    let Ok(count) = read else {
        return;
    };
    assert_eq!(count, slow.len(), "sample count against outcomes");
    let mut fast: Vec<Rows> = Vec::new();
    let again = VcfReader::from_bytes(data.to_vec()).and_then(|mut reader| {
        tables::cohort_rows(engine, &mut reader, &options, outside, &[], &mut |r| {
            fast.push(r);
            Ok(())
        })
    });
    match again {
        Ok(n) => assert_eq!(n, count, "the fast path counts other samples"),
        Err(e) => panic!("the fast path fails where the report path read: {e}"),
    }
    crate::cohort::assert_same_rows(&fast, &slow);
}
