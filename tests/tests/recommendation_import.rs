//! Acceptance test of the guideline importer against the upstream reference
//! folder (`../shared/reference` beside the checkout). Skipped, with a
//! message, when that folder is absent.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use dosera::pack::{Action, Guideline};
use dosera_import::{import_guidelines, GuidelineImport};
use serde_json::Value;

fn reference() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    if p.join("recommendations").is_dir() {
        Some(p)
    } else {
        println!(
            "skipped: upstream reference folder {} is absent",
            p.display()
        );
        None
    }
}

fn import(reference: &Path, verbatim: bool) -> GuidelineImport {
    match import_guidelines(reference, verbatim) {
        Ok(i) => i,
        Err(e) => panic!("import failed: {e}"),
    }
}

fn all_recs(gs: &[Guideline]) -> impl Iterator<Item = &dosera::pack::Recommendation> {
    gs.iter().flat_map(|g| g.recommendations.iter())
}

#[test]
fn guideline_import_follows_the_rules() {
    let Some(reference) = reference() else { return };
    let imp = import(&reference, false);
    for line in &imp.report {
        println!("{line}");
    }
    let count = |gs: &[Guideline]| gs.iter().map(|g| g.recommendations.len()).sum::<usize>();
    println!(
        "CPIC: {} guidelines, {} recommendations, {} drugs",
        imp.cpic.len(),
        count(&imp.cpic),
        imp.cpic_drugs.len()
    );
    println!(
        "DPWG: {} guidelines, {} recommendations, {} drugs",
        imp.dpwg.len(),
        count(&imp.dpwg),
        imp.dpwg_drugs.len()
    );
    assert!(count(&imp.cpic) > 1500);
    assert!(count(&imp.dpwg) > 400);

    // Newest wins: no thiopurine recommendation from the 2024 set.
    for g in &imp.cpic {
        if g.drugs
            .iter()
            .any(|d| ["azathioprine", "mercaptopurine", "thioguanine"].contains(&d.as_str()))
        {
            assert!(
                g.release.contains("2026"),
                "{} comes from {}",
                g.id,
                g.release
            );
        }
    }
    let cpic_drugs: BTreeSet<&str> = imp.cpic_drugs.iter().map(|d| d.name.as_str()).collect();
    for d in ["metoprolol", "hydralazine", "azathioprine", "warfarin"] {
        assert!(cpic_drugs.contains(d), "{d} missing");
    }
    for d in ["metoprolol", "hydralazine"] {
        assert!(
            all_recs(&imp.cpic).any(|r| r.drug == d),
            "no recommendation for {d}"
        );
    }

    // Every drug only in the CPIC API set is present.
    let api: Value = serde_json::from_str(
        &std::fs::read_to_string(reference.join("recommendations/cpic-api-2022-09-15/drugs.json"))
            .unwrap_or_default(),
    )
    .unwrap_or(Value::Null);
    let mut newer: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(reference.join("recommendations/cpic-2024-03-25"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap_or_default())
                .unwrap_or(Value::Null);
        for c in v["guideline"]["relatedChemicals"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(n) = c["name"].as_str() {
                newer.insert(n.to_lowercase());
            }
        }
    }
    newer.extend(["metoprolol", "hydralazine"].map(String::from));
    let mut api_only = 0;
    for row in api.as_array().into_iter().flatten() {
        let name = row["drugname"].as_str().unwrap_or_default().to_lowercase();
        if !newer.contains(&name) {
            api_only += 1;
            assert!(
                cpic_drugs.contains(name.as_str()),
                "API-only drug {name} missing"
            );
            assert!(
                all_recs(&imp.cpic).any(|r| r.drug == name),
                "API-only drug {name} has no recommendation"
            );
        }
    }
    println!("API-only drugs present: {api_only}");
    assert!(api_only > 0);

    // Warfarin: kept, no rows, a note.
    let warfarin = imp
        .cpic
        .iter()
        .find(|g| g.drugs == ["warfarin"])
        .map(|g| (g.recommendations.len(), g.note.is_some()));
    assert_eq!(warfarin, Some((0, true)));

    for (label, gs) in [("CPIC", &imp.cpic), ("DPWG", &imp.dpwg)] {
        // One recommendation per drug × lookup × population.
        let mut seen = HashSet::new();
        for r in all_recs(gs) {
            let key = (
                r.drug.clone(),
                format!("{:?}", r.lookup),
                r.population.clone().unwrap_or_else(|| "general".into()),
            );
            assert!(seen.insert(key), "{label}: duplicate result for {}", r.id);
            assert!(!r.summary.trim().is_empty(), "{}: empty summary", r.id);
            assert!(
                !r.implication.trim().is_empty(),
                "{}: empty implication",
                r.id
            );
            assert!(
                r.verbatim.is_none(),
                "{}: verbatim text in a bundled import",
                r.id
            );
            assert!(!r.lookup.is_empty(), "{}: no lookup", r.id);
        }
        // Sorted and unique ids.
        let ids: Vec<&str> = gs.iter().map(|g| g.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted, "{label}: guidelines not sorted by id");
        let mut dist: BTreeMap<Action, usize> = BTreeMap::new();
        for r in all_recs(gs) {
            *dist.entry(r.action).or_default() += 1;
        }
        println!("{label} actions: {dist:?}");
        let other = dist.get(&Action::Other).copied().unwrap_or(0);
        assert!(
            other * 10 < count(gs),
            "{label}: too many `other` actions ({other})"
        );
    }

    // Activity scores are canonical.
    for r in all_recs(&imp.cpic).chain(all_recs(&imp.dpwg)) {
        for (gene, key) in &r.lookup {
            let k = key.as_str();
            if ["CYP2D6", "CYP2C9", "DPYD"].contains(&gene.as_str())
                && k.trim_start_matches('≥')
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.')
            {
                assert!(k.contains('.'), "{}: score key {k} not canonical", r.id);
            }
        }
    }

    // Deterministic.
    let again = import(&reference, false);
    assert_eq!(imp.cpic, again.cpic);
    assert_eq!(imp.dpwg, again.dpwg);
    assert_eq!(imp.report, again.report);
}

#[test]
fn verbatim_import_keeps_upstream_text() {
    let Some(reference) = reference() else { return };
    let imp = import(&reference, true);
    let with_text = all_recs(&imp.cpic)
        .chain(all_recs(&imp.dpwg))
        .filter(|r| {
            r.verbatim
                .as_ref()
                .is_some_and(|v| !v.recommendation.is_empty())
        })
        .count();
    let total = all_recs(&imp.cpic).chain(all_recs(&imp.dpwg)).count();
    println!("verbatim text on {with_text} of {total} recommendations");
    assert!(with_text * 10 >= total * 9);
    assert!(all_recs(&imp.cpic)
        .filter_map(|r| r.verbatim.as_ref())
        .all(|v| !v.recommendation.contains("<p>")));
}

// ---- prose check: the same shingles as /work/shared/tools/prose-scan ----

const PROSE_KEYS: &[&str] = &[
    "html",
    "implications",
    "drugrecommendation",
    "comments",
    "message",
    "text",
    "recommendation",
    "implication",
    "notesonusage",
];
const SKIP_KEYS: &[&str] = &[
    "citations",
    "title",
    "name",
    "authors",
    "guidelinename",
    "journal",
];
const N: usize = 8;

fn is_word_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || "%.<>=≥≤".contains(c)
}

/// Words as prose-scan reads them: tags replaced by spaces, lowercase,
/// runs of `[a-z0-9%.<>=≥≤]`, dots trimmed at both ends.
fn words(text: &str) -> Vec<String> {
    let mut no_tags = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '<' {
            // A tag is `<` followed by at least one non-`>` char and `>`.
            if let Some(end) = chars[i + 1..].iter().position(|&x| x == '>') {
                if end > 0 {
                    no_tags.push(' ');
                    i += end + 2;
                    continue;
                }
            }
        }
        no_tags.push(c);
        i += 1;
    }
    let lower = no_tags.to_lowercase();
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in lower.chars() {
        if is_word_char(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|w| w.trim_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

fn prose_strings(v: &Value, in_prose: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if !SKIP_KEYS.contains(&k.as_str()) {
                    prose_strings(x, in_prose || PROSE_KEYS.contains(&k.as_str()), out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| prose_strings(x, in_prose, out)),
        Value::String(s) if in_prose => out.push(s.clone()),
        _ => {}
    }
}

fn upstream_shingles(reference: &Path) -> HashSet<String> {
    let mut files = Vec::new();
    let mut dirs = vec![reference.join("recommendations")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    for e in std::fs::read_dir(reference.join("supplements-2026"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if e.path().extension().is_some_and(|x| x == "json") {
            files.push(e.path());
        }
    }
    files.push(reference.join("positions/messages.json"));
    let mut shingles = HashSet::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let mut strings = Vec::new();
        prose_strings(&v, false, &mut strings);
        for s in strings {
            let w = words(&s);
            for win in w.windows(N) {
                shingles.insert(win.join(" "));
            }
        }
    }
    shingles
}

#[test]
fn bundled_import_holds_no_upstream_prose() {
    let Some(reference) = reference() else { return };
    let shingles = upstream_shingles(&reference);
    assert!(
        shingles.len() > 10_000,
        "too few upstream shingles: {}",
        shingles.len()
    );
    let imp = import(&reference, false);
    let mut texts: Vec<(String, String)> = Vec::new();
    for g in imp.cpic.iter().chain(imp.dpwg.iter()) {
        texts.push((g.id.clone(), g.name.clone()));
        if let Some(n) = &g.note {
            texts.push((g.id.clone(), n.clone()));
        }
        for r in &g.recommendations {
            texts.push((r.id.clone(), r.summary.clone()));
            texts.push((r.id.clone(), r.implication.clone()));
        }
    }
    // The pack is written as JSON files; check each text and the texts of a
    // guideline run together as well.
    let mut hits = BTreeSet::new();
    let joined: Vec<(String, String)> = imp
        .cpic
        .iter()
        .chain(imp.dpwg.iter())
        .map(|g| {
            let mut s = format!("{} {}", g.name, g.note.clone().unwrap_or_default());
            for r in &g.recommendations {
                s.push_str(&format!(" {} {}", r.summary, r.implication));
            }
            (g.id.clone(), s)
        })
        .collect();
    for (id, t) in texts.iter().chain(joined.iter()) {
        for win in words(t).windows(N) {
            let s = win.join(" ");
            if shingles.contains(&s) {
                hits.insert(format!("{id}: \"{s}\""));
            }
        }
    }
    println!(
        "{} upstream shingles checked, {} hits",
        shingles.len(),
        hits.len()
    );
    let shown: Vec<&String> = hits.iter().take(40).collect();
    assert!(
        hits.is_empty(),
        "upstream prose in the bundled import:\n{shown:#?}"
    );
}
