//! Rust-side tests: the status drift check and the golden corpus writer.

use std::path::{Path, PathBuf};

use super::*;

#[test]
fn statuses_are_the_error_codes() {
    // One enum of codes: every core code has the same number here, and
    // every status but OK is a core code.
    assert_eq!(DoseraStatus::ERRORS.len(), ErrorCode::ALL.len());
    for (status, code) in DoseraStatus::ERRORS.iter().zip(ErrorCode::ALL) {
        assert_eq!(*status as u32, code as u32, "{status:?} vs {code:?}");
        assert_eq!(DoseraStatus::from_code(code), *status);
    }
    assert_eq!(DoseraStatus::Ok as u32, 0);
}

#[test]
fn a_panic_becomes_a_status() {
    use dosera_conformance::panics::{quiet_planted, PLANTED};
    quiet_planted();
    let status = guard(|| panic!("{PLANTED}: boom"));
    assert_eq!(status, DoseraStatus::Internal);
    assert_eq!(dosera_last_error_code(), DoseraStatus::Internal);
    let message = dosera_last_error_message();
    // SAFETY: a fresh string from this library, freed once below.
    let text = unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: as above.
    unsafe { dosera_string_free(message) };
    assert_eq!(text, format!("internal error: panic: {PLANTED}: boom"));
    assert_eq!(guard(|| Ok(())), DoseraStatus::Ok);
    assert!(dosera_last_error_message().is_null());
}

#[test]
fn options_refuse_unknown_fields() {
    let err = parse_options(br#"{"smaple": "S1"}"#).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Usage);
    assert!(parse_options(b"").is_ok());
    assert!(parse_options(b"\xff").is_err());
}

fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/golden")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The expected answer of one golden case, computed with the Rust API.
fn golden_answer(engine: &Engine, case: &Path) -> String {
    let request = case.join("request.json");
    if request.exists() {
        let text = std::fs::read_to_string(&request).expect("request.json");
        let request: Request = serde_json::from_str(&text).expect("request JSON");
        return json(&engine.recommend(&request).expect("recommend")).expect("JSON");
    }
    let vcf = match std::fs::read_to_string(case.join("input.vcf.ref")) {
        Ok(rel) => std::fs::read(repo_root().join(rel.trim())).expect("referenced VCF"),
        Err(_) => std::fs::read(case.join("input.vcf")).expect("input.vcf"),
    };
    let options = std::fs::read(case.join("options.json")).unwrap_or_default();
    let options = parse_options(&options).expect("options.json");
    let reader = VcfReader::from_bytes(vcf).expect("VCF");
    let result = evaluate(engine, reader, options).expect("evaluate");
    let reports: Vec<&Report> = result
        .outcomes
        .iter()
        .map(|o| o.report().expect("every golden sample is reported"))
        .collect();
    match reports.as_slice() {
        [one] => json(one),
        many => json(many),
    }
    .expect("JSON")
}

/// `expected.json` of each golden case is what the Rust API answers; the C
/// runner replays the same inputs through the C ABI and compares text.
/// `DOSERA_UPDATE_GOLDEN=1` rewrites the files.
#[test]
fn golden_corpus() {
    let engine = Engine::bundled().expect("bundled packs");
    let update = std::env::var_os("DOSERA_UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(golden_root())
        .expect("tests/corpus/golden")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 3, "golden cases: {cases:?}");
    for case in cases {
        let answer = golden_answer(&engine, &case) + "\n";
        let expected_path = case.join("expected.json");
        if update {
            std::fs::write(&expected_path, &answer).expect("write expected.json");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert!(
            expected == answer,
            "{} differs from the Rust answer (DOSERA_UPDATE_GOLDEN=1 rewrites it on purpose)",
            expected_path.display()
        );
    }
}

/// The gold cases (`tests/conformance/gold-recommendations.json`) through
/// the C ABI (`dosera_evaluate_json`), in English and Swedish.
#[test]
fn gold_cases_through_the_c_abi() {
    use dosera_conformance::gold;
    let mut engine: *mut crate::DoseraEngine = std::ptr::null_mut();
    // SAFETY: `engine` is a valid place for one pointer.
    let status = unsafe { crate::dosera_engine_new(&mut engine) };
    assert_eq!(status, crate::DoseraStatus::Ok);
    let mut problems = Vec::new();
    for case in gold::cases() {
        for lang in ["en", "sv"] {
            let request = gold::request(&case, lang).to_string();
            let mut out: *mut std::os::raw::c_char = std::ptr::null_mut();
            // SAFETY: a live engine, `request.len()` readable bytes, a place for the answer.
            let status = unsafe {
                crate::dosera_evaluate_json(
                    engine,
                    request.as_ptr().cast(),
                    request.len(),
                    &mut out,
                )
            };
            assert_eq!(status, crate::DoseraStatus::Ok, "{request}");
            // SAFETY: `out` is a NUL-terminated string the call returned.
            let text = unsafe { std::ffi::CStr::from_ptr(out) }
                .to_str()
                .expect("UTF-8")
                .to_string();
            // SAFETY: `out` came from the library and is freed once.
            unsafe { crate::dosera_string_free(out) };
            let answer: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            problems.extend(gold::problems(&case, &gold::text(&case, &answer), lang));
        }
    }
    // SAFETY: the engine is live and freed once.
    unsafe { crate::dosera_engine_free(engine) };
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
