//! Gold cases (`tests/conformance/gold-recommendations.json`): what the
//! prescriber reads for results where a clinical review found the old
//! wording changed the advice, checked in English and Swedish through the
//! API (the JSON the C and WebAssembly APIs return) and every report format
//! (JSON, HTML, FHIR; TSV for the dose).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::CallOptions;
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::pack::words::Lang;
use dosera::report::{build, fhir, html, tables, Report};
use dosera::{DrugResult, Engine, Request, Source};
use dosera_conformance::gold::{self, cases};
use serde_json::Value;

fn source(case: &Value) -> Option<Source> {
    case["source"].as_str().map(|s| s.parse().unwrap())
}

/// The drug results a case is about.
fn results<'a>(case: &Value, drugs: &'a [DrugResult]) -> Vec<&'a DrugResult> {
    let drug = case["drug"].as_str().unwrap();
    drugs
        .iter()
        .filter(|d| d.drug == drug)
        .filter(|d| source(case).is_none_or(|s| d.source == s))
        .filter(|d| {
            case["gene_guideline"]
                .as_str()
                .is_none_or(|g| d.genes.iter().any(|x| x == g))
        })
        .collect()
}

/// Everything the reader is told about the drug: summaries,
/// implications, dose, warnings.
fn text_of(case: &Value, drugs: &[DrugResult], lang: Lang) -> String {
    let mut out = String::new();
    for d in results(case, drugs) {
        for m in &d.matches {
            if let Some(p) = case["population"].as_str() {
                if m.population.as_deref() != Some(p) {
                    continue;
                }
            }
            out.push_str(&m.summary);
            out.push('\n');
            out.push_str(&m.implication);
            out.push('\n');
            if let Some(dose) = m.dose_text(lang) {
                out.push_str(&dose);
                out.push('\n');
            }
        }
        for w in &d.warnings {
            out.push_str(w);
            out.push('\n');
        }
    }
    out
}

fn check_text(case: &Value, text: &str, lang: Lang, output: &str) {
    let problems = text_problems(case, text, lang, output);
    assert!(problems.is_empty(), "{}\nin:\n{text}", problems.join("\n"));
}

/// What a text lacks or says wrongly for a case, naming the output.
fn text_problems(case: &Value, text: &str, lang: Lang, output: &str) -> Vec<String> {
    gold::problems(case, text, lang.code())
        .into_iter()
        .map(|p| format!("[{output}] {p}"))
        .collect()
}

fn request(case: &Value, lang: Lang) -> Request {
    let genes = gold::strings(&case["genes"])
        .iter()
        .map(|g| g.parse().unwrap())
        .collect::<Vec<_>>();
    let mut r = Request::new(genes)
        .drugs([case["drug"].as_str().unwrap()])
        .lang(lang);
    if let Some(s) = source(case) {
        r = r.sources([s]);
    }
    r
}

#[test]
fn gold_cases_hold_through_the_api_in_english_and_swedish() {
    let engine = Engine::bundled().unwrap();
    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        for lang in Lang::ALL {
            let result = engine.recommend(&request(case, lang)).unwrap();
            let drugs = results(case, &result.drugs);
            assert!(!drugs.is_empty(), "{name}: no result");
            assert!(
                drugs.iter().any(|d| !d.matches.is_empty()),
                "{name}: no matching row"
            );
            let matches: Vec<_> = drugs
                .iter()
                .flat_map(|d| &d.matches)
                .filter(|m| {
                    case["population"]
                        .as_str()
                        .is_none_or(|p| m.population.as_deref() == Some(p))
                })
                .collect();
            if let Some(a) = case["action"].as_str() {
                for m in &matches {
                    assert_eq!(
                        serde_json::to_value(m.action).unwrap(),
                        Value::from(a),
                        "{name}: action"
                    );
                }
            }
            for alt in gold::strings(&case["not_alternatives"]) {
                for m in &matches {
                    assert!(
                        !m.facts.alternatives.contains(&alt) && !m.alternatives.contains(&alt),
                        "{name}: {alt} offered as an alternative"
                    );
                }
            }
            if let Some(dose) = case["dose"].as_object() {
                for m in &matches {
                    let d = m
                        .facts
                        .dose
                        .as_ref()
                        .unwrap_or_else(|| panic!("{name}: no dose"));
                    if let Some(p) = dose.get("percent") {
                        let p: Vec<f64> = serde_json::from_value(p.clone()).unwrap();
                        assert_eq!(d.percent, Some([p[0], p[1]]), "{name}: percent");
                    }
                    if let Some(a) = dose.get("amount") {
                        let a: Vec<f64> = serde_json::from_value(a.clone()).unwrap();
                        assert_eq!(d.amount, Some([a[0], a[1]]), "{name}: amount");
                    }
                    if let Some(x) = dose.get("max").and_then(Value::as_f64) {
                        assert_eq!(d.max.as_ref().map(|m| m.amount), Some(x), "{name}: max");
                    }
                }
            }
            check_text(case, &text_of(case, &result.drugs, lang), lang, "api");
            // The JSON the C and WebAssembly APIs return holds the same words.
            let json = serde_json::to_string(&result).unwrap();
            let back: dosera::Recommendations = serde_json::from_str(&json).unwrap();
            check_text(case, &text_of(case, &back.drugs, lang), lang, "json");
        }
    }
}

const VCF: &str =
    "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
     chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/0\n";

fn report(engine: &Engine, case: &Value) -> Report {
    let mut reader = VcfReader::from_bytes(VCF.as_bytes().to_vec()).unwrap();
    let calls = engine
        .call_vcf(&mut reader, &CallOptions::default())
        .unwrap();
    let lines: String = gold::strings(&case["genes"])
        .iter()
        .map(|g| {
            // Outside-call columns: gene, diplotype, phenotype, activity score.
            let (gene, value) = g.split_once('=').unwrap();
            if value.parse::<f64>().is_ok() {
                format!("{gene}\t\t\t{value}\n")
            } else if value.contains(' ') {
                format!("{gene}\t\t{value}\n")
            } else {
                format!("{gene}\t{value}\n")
            }
        })
        .collect();
    let resolved = engine
        .resolve_outside(&outside::parse(&lines).unwrap())
        .unwrap();
    build(
        engine,
        &calls[0],
        &resolved,
        &[case["drug"].as_str().unwrap().to_string()],
    )
    .unwrap()
}

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn gold_cases_hold_in_every_report_format_in_english_and_swedish() {
    let engine = Engine::bundled().unwrap();
    for case in &cases() {
        let name = case["name"].as_str().unwrap();
        // Reports of a VCF cover both sources; a case about one source is
        // checked on that source's rows.
        let base = report(&engine, case);
        for lang in Lang::ALL {
            let mut r = base.clone();
            r.localise(lang);
            check_text(case, &text_of(case, &r.drugs, lang), lang, "report");
            let json = serde_json::to_string(&r).unwrap();
            let back = Report::from_json(&json).unwrap();
            check_text(case, &text_of(case, &back.drugs, lang), lang, "report json");
            // The phrases are whole in the page and the bundle.
            let page = unescape(&html::render(&base, lang));
            let bundle = fhir::bundle_json(&r);
            let bundle: Value = serde_json::from_str(&bundle).unwrap();
            let bundle_text = collect_strings(&bundle);
            for phrase in gold::strings(&case[lang.code()]) {
                // A warning is shown in the page, not in the FHIR bundle.
                let warning = results(case, &r.drugs)
                    .iter()
                    .any(|d| d.warnings.iter().any(|w| w.contains(&phrase)));
                assert!(
                    page.contains(&phrase),
                    "{name} [html, {lang}]: missing «{phrase}»"
                );
                assert!(
                    warning || bundle_text.contains(&phrase),
                    "{name} [fhir, {lang}]: missing «{phrase}»"
                );
            }
            for phrase in gold::strings(&case["not"]) {
                assert!(
                    !page.contains(&phrase),
                    "{name} [html, {lang}]: says «{phrase}»"
                );
                assert!(
                    !bundle_text.contains(&phrase),
                    "{name} [fhir, {lang}]: says «{phrase}»"
                );
            }
        }
        // TSV (English): the dose column holds the formatter's dose.
        let tsv = tables::drugs_tsv(&[dosera::report::SampleOutcome::Report(Box::new(
            base.clone(),
        ))]);
        for d in results(case, &base.drugs) {
            for m in &d.matches {
                if let Some(dose) = m.dose_text(Lang::En) {
                    assert!(tsv.contains(&dose), "{name} [tsv]: missing dose «{dose}»");
                }
            }
        }
    }
}

fn collect_strings(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s}\n"),
        Value::Array(a) => a.iter().map(collect_strings).collect(),
        Value::Object(o) => o.values().map(collect_strings).collect(),
        _ => String::new(),
    }
}

#[test]
fn a_gold_case_can_fail() {
    // The harness catches a summary that drops the schedule, and one that
    // says what it must not.
    let case: Value = serde_json::json!({
        "name": "probe", "drug": "mercaptopurine",
        "en": ["three times a week"], "not": ["daily"]
    });
    let problems = text_problems(
        &case,
        "Lower the dose: 10% of the usual starting dose, daily.",
        Lang::En,
        "probe",
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}
