//! Fuzz target: One knowledge pack as JSON through the loader; an accepted pack must
//! give an engine that lists, recommends and reports without panicking.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let engine = dosera_conformance::fuzz::engine();
    dosera_conformance::fuzz::pack(engine, data);
});
