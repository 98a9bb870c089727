//! Fuzz target: VCF, BCF, gzip or BGZF bytes through the reader, matcher and reports;
//! the fast table path must agree with the per-sample reports.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let engine = dosera_conformance::fuzz::engine();
    dosera_conformance::fuzz::vcf(engine, data);
});
