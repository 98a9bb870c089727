//! Fuzz target: The gene-results request JSON of the C and WebAssembly bindings.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let engine = dosera_conformance::fuzz::engine();
    dosera_conformance::fuzz::request(engine, data);
});
