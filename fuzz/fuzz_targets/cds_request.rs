//! Fuzz target: a CDS Hooks call body read by each `dosera serve` service, its
//! prefetched results read and its cards built; a refusal must be a 4xx problem
//! and every card must hold together.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let engine = dosera_conformance::fuzz::engine();
    dosera_conformance::fuzz::cds_request(engine, data);
});
