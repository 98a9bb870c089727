//! The gold cases of `tests/conformance/gold-recommendations.json`, read
//! and checked against a recommendations answer in its JSON form, so that
//! every API that answers in JSON (the command line, the C ABI) is checked
//! the same way.

use serde_json::Value;

use crate::deviations::conformance_file;

/// The gold cases.
///
/// ```
/// let cases = dosera_conformance::gold::cases();
/// assert!(cases.iter().all(|c| c["drug"].is_string()));
/// ```
pub fn cases() -> Vec<Value> {
    let path = conformance_file("gold-recommendations.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    v["cases"].as_array().cloned().unwrap_or_default()
}

/// A list of strings of a case field.
///
/// ```
/// let v = serde_json::json!({"en": ["a", "b"]});
/// assert_eq!(dosera_conformance::gold::strings(&v["en"]), ["a", "b"]);
/// ```
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The request JSON (as the C and WebAssembly APIs take it) of a case.
///
/// ```
/// let case = serde_json::json!({"genes": ["DPYD=0"], "drug": "fluorouracil", "source": "dpwg"});
/// let r = dosera_conformance::gold::request(&case, "sv");
/// assert_eq!(r["genes"][0]["value"], "0");
/// assert_eq!(r["lang"], "sv");
/// ```
pub fn request(case: &Value, lang: &str) -> Value {
    let genes: Vec<Value> = strings(&case["genes"])
        .iter()
        .filter_map(|g| g.split_once('='))
        .map(|(g, v)| serde_json::json!({"gene": g, "value": v}))
        .collect();
    let mut r = serde_json::json!({
        "genes": genes,
        "drugs": [case["drug"].clone()],
        "lang": lang,
    });
    if let Some(s) = case["source"].as_str() {
        r["sources"] = serde_json::json!([s]);
    }
    r
}

/// What the reader of `answer` (the JSON of a recommendations answer) is
/// told about the case's drug: summaries, implications, warnings.
pub fn text(case: &Value, answer: &Value) -> String {
    let drug = case["drug"].as_str().unwrap_or_default();
    let mut out = String::new();
    for d in answer["drugs"].as_array().into_iter().flatten() {
        if d["drug"] != drug {
            continue;
        }
        if let Some(s) = case["source"].as_str() {
            if d["source"] != s {
                continue;
            }
        }
        if let Some(g) = case["gene_guideline"].as_str() {
            if !strings(&d["genes"]).iter().any(|x| x == g) {
                continue;
            }
        }
        for m in d["matches"].as_array().into_iter().flatten() {
            if let Some(p) = case["population"].as_str() {
                if m["population"] != p {
                    continue;
                }
            }
            for k in ["summary", "implication"] {
                out.push_str(m[k].as_str().unwrap_or_default());
                out.push('\n');
            }
        }
        for w in strings(&d["warnings"]) {
            out.push_str(&w);
            out.push('\n');
        }
    }
    out
}

/// What `text` lacks or says wrongly for the case in `lang` (`en`, `sv`).
///
/// ```
/// let case = serde_json::json!({"name": "n", "en": ["three times a week"], "not": ["daily"]});
/// let p = dosera_conformance::gold::problems(&case, "10% of the dose, daily", "en");
/// assert_eq!(p.len(), 2);
/// ```
pub fn problems(case: &Value, text: &str, lang: &str) -> Vec<String> {
    let name = case["name"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    for phrase in strings(&case[lang]) {
        if !text.contains(&phrase) {
            out.push(format!("{name} [{lang}]: missing «{phrase}»"));
        }
    }
    for phrase in strings(&case["not"]) {
        if text.contains(&phrase) {
            out.push(format!("{name} [{lang}]: must not say «{phrase}»"));
        }
    }
    out
}
