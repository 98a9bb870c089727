//! Acceptance: the curated call notes of `positions/messages.json` reach the
//! bundled CPIC pack as facts, every gene-level ambiguity with a diplotype
//! list carries at least one alternative, and no note repeats upstream text.

use std::collections::{BTreeMap, BTreeSet};

use dosera::pack::{applicable_notes, CallNoteKind, PackSet};
use dosera::Source;
use dosera_conformance::reference_or_skip;
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Lower-case word runs of length `n` in `text`.
fn word_runs(text: &str, n: usize) -> BTreeSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '*')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(n).map(|w| w.join(" ")).collect()
}

#[test]
fn ambiguity_notes_reach_the_bundled_pack_with_alternatives() {
    let Some(reference) = reference_or_skip("call_notes") else {
        return;
    };
    let text =
        std::fs::read_to_string(reference.join("positions/messages.json")).expect("messages.json");
    let messages: Vec<Value> = serde_json::from_str(&text).expect("JSON list");
    let set = PackSet::bundled().expect("bundled packs");
    let cpic = set
        .packs
        .iter()
        .find(|p| p.meta.source == Source::Cpic)
        .expect("CPIC pack");
    let genes: BTreeMap<&str, _> = cpic.genes.iter().map(|g| (g.symbol.as_str(), g)).collect();

    let mut checked = 0;
    let mut alternatives = 0;
    let mut problems = Vec::new();
    for m in &messages {
        let rule = m["rule_name"].as_str().expect("rule_name");
        let matches = &m["matches"];
        let dips = strings(&matches["dips"]);
        let Some(gene) = matches["gene"].as_str() else {
            continue;
        };
        if m["exception_type"].as_str() != Some("ambiguity") || dips.is_empty() {
            continue;
        }
        checked += 1;
        let Some(g) = genes.get(gene) else {
            problems.push(format!("{rule}: gene {gene} not in the CPIC pack"));
            continue;
        };
        let Some(note) = g.call_notes.iter().find(|n| n.rule == rule) else {
            problems.push(format!("{rule}: no call note in {gene}"));
            continue;
        };
        if note.kind != CallNoteKind::Ambiguity {
            problems.push(format!("{rule}: kind {:?}", note.kind));
        }
        if note.alternatives.is_empty() {
            problems.push(format!("{rule}: no alternative"));
        }
        alternatives += note.alternatives.len();
        if note.diplotypes.len() != dips.len() {
            problems.push(format!("{rule}: diplotypes {:?}", note.diplotypes));
        }
        if note.variants != strings(&matches["variant"]) {
            problems.push(format!("{rule}: variants {:?}", note.variants));
        }
        // The note applies to its own diplotype once its variants are
        // heterozygous, and the reversed pair is the same call.
        let reversed: Vec<String> = note
            .diplotypes
            .iter()
            .map(|d| {
                let (a, b) = d.split_once('/').expect("pair");
                format!("{b}/{a}")
            })
            .collect();
        let hit = applicable_notes(g, &reversed, &note.variants, &[], &[]);
        if !hit.iter().any(|n| n.rule == rule) {
            problems.push(format!("{rule}: does not apply to {reversed:?}"));
        }
    }

    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for g in &cpic.genes {
        for n in &g.call_notes {
            *kinds.entry(format!("{:?}", n.kind)).or_default() += 1;
        }
    }
    println!(
        "call_notes: {} upstream notes, {checked} gene-level ambiguities with diplotypes \
         checked, {alternatives} alternatives; bundled CPIC notes by kind: {kinds:?}",
        messages.len()
    );
    for p in &problems {
        println!("  {p}");
    }
    assert!(checked > 0, "no ambiguity notes found upstream");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn call_notes_are_worded_by_the_project() {
    let Some(reference) = reference_or_skip("call_notes") else {
        return;
    };
    let text =
        std::fs::read_to_string(reference.join("positions/messages.json")).expect("messages.json");
    let messages: Vec<Value> = serde_json::from_str(&text).expect("JSON list");
    let mut upstream_runs = BTreeSet::new();
    for m in &messages {
        if let Some(message) = m["message"].as_str() {
            upstream_runs.extend(word_runs(message, 6));
        }
    }
    let set = PackSet::bundled().expect("bundled packs");
    let mut notes = 0;
    let mut copied = Vec::new();
    for pack in &set.packs {
        for g in &pack.genes {
            if pack.meta.source == Source::Dpwg {
                assert!(g.call_notes.is_empty(), "DPWG {} has call notes", g.symbol);
            }
            for n in &g.call_notes {
                notes += 1;
                assert!(!n.text.is_empty(), "{}: empty text", n.rule);
                for run in word_runs(&n.text, 6) {
                    if upstream_runs.contains(&run) {
                        copied.push(format!("{} `{}`: {run}", g.symbol, n.rule));
                    }
                }
            }
        }
    }
    println!(
        "call_notes: {notes} bundled notes, {} six-word runs shared with upstream",
        copied.len()
    );
    assert!(notes > 0);
    assert!(copied.is_empty(), "{copied:#?}");
}
