//! Fuzz target: Outside-call text through the parser and resolver, reported beside a
//! one-sample VCF.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let engine = dosera_conformance::fuzz::engine();
    dosera_conformance::fuzz::outside(engine, data);
});
