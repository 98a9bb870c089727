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

/// Calls `dosera_reanalyze_json`; the answer text, or the status.
fn reanalyze_call(
    engine: *const DoseraEngine,
    report: &str,
    drugs: Option<&str>,
) -> Result<String, DoseraStatus> {
    let (drugs_ptr, drugs_len) = drugs.map_or((std::ptr::null(), 0), |d| (d.as_ptr(), d.len()));
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live engine, strings of the lengths given, a place for the answer.
    let status = unsafe {
        dosera_reanalyze_json(
            engine,
            report.as_ptr().cast(),
            report.len(),
            drugs_ptr.cast(),
            drugs_len,
            &mut out,
        )
    };
    if status != DoseraStatus::Ok {
        assert!(out.is_null(), "out written on failure");
        return Err(status);
    }
    // SAFETY: `out` is a NUL-terminated string the call returned.
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("UTF-8")
        .to_string();
    // SAFETY: `out` came from the library and is freed once.
    unsafe { dosera_string_free(out) };
    Ok(text)
}

/// Every stored report of every schema version (tests/fixtures/reports)
/// through the C ABI: the answer is the core's reanalysis, without the
/// report, with `advice_changed`; old versions list changes, v3 none.
#[test]
fn reanalyze_every_fixture_through_the_c_abi() {
    let mut engine: *mut DoseraEngine = std::ptr::null_mut();
    // SAFETY: `engine` is a valid place for one pointer.
    assert_eq!(unsafe { dosera_engine_new(&mut engine) }, DoseraStatus::Ok);
    let core = Engine::bundled().expect("bundled packs");
    let fixtures = repo_root().join("tests/fixtures/reports");
    let mut seen = 0;
    for version in ["v1", "v2", "v3"] {
        let paths =
            dosera::report::reanalyze::report_paths(&[fixtures.join(version)]).expect("fixtures");
        assert!(paths.len() >= 7, "{version}: {paths:?}");
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("fixture");
            let answer: serde_json::Value =
                serde_json::from_str(&reanalyze_call(engine, &text, None).expect("reanalysed"))
                    .expect("JSON");
            let stored = StoredReport::from_json(&text).expect("stored report");
            let want = reanalyze::reanalyze(&core, &stored, &[]).expect("core reanalysis");
            assert_eq!(answer["sample"], want.sample.as_str());
            assert_eq!(answer["old_schema_version"], want.old_schema_version);
            assert_eq!(answer["old_engine_version"], "0.1.0");
            assert_eq!(answer["old_release"], want.old_release.as_str());
            assert_eq!(answer["new_release"], "2026.12.2");
            assert_eq!(answer["advice_changed"], want.advice_changed());
            assert_eq!(
                answer["changes"],
                serde_json::to_value(&want.changes).expect("JSON")
            );
            assert!(answer.get("report").is_none());
            let changes = answer["changes"].as_array().expect("changes").len();
            if version == "v3" {
                assert_eq!(changes, 0, "{}", path.display());
            } else if path.ends_with("example-patient.json") {
                assert_eq!(answer["old_release"], "2026.12.1");
                assert!(changes > 0 && want.advice_changed(), "{}", path.display());
            }
            seen += 1;
        }
    }
    assert!(seen >= 22);
    // SAFETY: the engine is live and freed once.
    unsafe { dosera_engine_free(engine) };
}

#[test]
fn reanalyze_errors() {
    let mut engine: *mut DoseraEngine = std::ptr::null_mut();
    // SAFETY: `engine` is a valid place for one pointer.
    assert_eq!(unsafe { dosera_engine_new(&mut engine) }, DoseraStatus::Ok);
    let report =
        std::fs::read_to_string(repo_root().join("tests/fixtures/reports/v1/outside-calls.json"))
            .expect("fixture");
    // Drugs: by name (any spelling the packs know), or not at all.
    let one: serde_json::Value = serde_json::from_str(
        &reanalyze_call(engine, &report, Some(r#"["Plavix"]"#)).expect("reanalysed"),
    )
    .expect("JSON");
    let changes = one["changes"].as_array().expect("changes");
    assert!(changes
        .iter()
        .any(|c| c["drug"] == "clopidogrel" && c["kind"] == "action"));
    assert!(reanalyze_call(engine, &report, Some("")).is_ok());
    for (bad, status, words) in [
        ("{", DoseraStatus::MalformedReport, "not JSON"),
        (
            r#"{"schema_version": 9}"#,
            DoseraStatus::MalformedReport,
            "schema version 9",
        ),
        (
            r#"{"hello": 1}"#,
            DoseraStatus::MalformedReport,
            "not a dosera report",
        ),
    ] {
        assert_eq!(reanalyze_call(engine, bad, None), Err(status), "{bad}");
        let message = dosera_last_error_message();
        // SAFETY: a fresh string from this library, freed once below.
        let text = unsafe { CStr::from_ptr(message) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: as above.
        unsafe { dosera_string_free(message) };
        assert!(text.contains(words), "{text}");
    }
    assert_eq!(
        reanalyze_call(engine, &report, Some(r#"["notadrug"]"#)),
        Err(DoseraStatus::UnknownDrug)
    );
    assert_eq!(
        reanalyze_call(engine, &report, Some("clopidogrel")),
        Err(DoseraStatus::Usage)
    );
    assert_eq!(
        reanalyze_call(std::ptr::null(), &report, None),
        Err(DoseraStatus::Usage)
    );
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: NULL report with length 0; a place for the answer.
    let status = unsafe {
        dosera_reanalyze_json(engine, std::ptr::null(), 0, std::ptr::null(), 0, &mut out)
    };
    assert_eq!(status, DoseraStatus::Usage);
    assert!(out.is_null());
    // SAFETY: the engine is live and freed once.
    unsafe { dosera_engine_free(engine) };
}

/// The HTML page with the changes since an earlier report is the core's
/// `render_since`.
#[test]
fn html_since_is_render_since() {
    let engine = Engine::bundled().expect("bundled packs");
    let vcf = std::fs::read(repo_root().join("tests/corpus/example-patient.vcf")).expect("VCF");
    let result = evaluate(
        &engine,
        VcfReader::from_bytes(vcf).expect("VCF"),
        VcfOptions::default(),
    )
    .expect("evaluate");
    let previous =
        std::fs::read_to_string(repo_root().join("tests/fixtures/reports/v1/example-patient.json"))
            .expect("fixture");
    let html = |lang: &str, previous: &str| -> Result<String, DoseraStatus> {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: a live result, strings of the lengths given, a place for the answer.
        let status = unsafe {
            dosera_result_sample_html_since(
                &result,
                0,
                lang.as_ptr().cast(),
                lang.len(),
                previous.as_ptr().cast(),
                previous.len(),
                &mut out,
            )
        };
        if status != DoseraStatus::Ok {
            return Err(status);
        }
        // SAFETY: `out` is a NUL-terminated string the call returned.
        let text = unsafe { CStr::from_ptr(out) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: `out` came from the library and is freed once.
        unsafe { dosera_string_free(out) };
        Ok(text)
    };
    let report = result.outcomes[0].report().expect("reported");
    let earlier = StoredReport::from_json(&previous).expect("stored");
    assert_eq!(
        html("sv", &previous),
        Ok(html::render_since(report, &earlier, Lang::Sv))
    );
    assert_ne!(html("en", &previous), Ok(html::render(report, Lang::En)));
    assert_eq!(html("en", "{"), Err(DoseraStatus::MalformedReport));
    assert_eq!(html("de", &previous), Err(DoseraStatus::Usage));
}
