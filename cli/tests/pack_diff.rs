//! `dosera pack diff OLD NEW`: a synthetic release with known changes is
//! diffed exactly, and (with `../shared/reference`) a pack built without
//! the 2026 thiopurine update is compared with the bundled packs against a
//! comparison computed here, on the packs' JSON files, without the diff
//! module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dosera::pack::diff::{DiffCounts, PackDiff, RowChange, RowKey, RuleKind, SourceDiff};
use dosera::pack::{write_dir, Action, LookupKey, PackSet};
use dosera::Source;
use serde_json::Value;

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

fn ok_stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-pack-diff-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn diff_json(old: &Path, new: &Path) -> PackDiff {
    let o = dosera(&[
        "pack",
        "diff",
        &old.display().to_string(),
        &new.display().to_string(),
        "--json",
    ]);
    serde_json::from_str(&ok_stdout(&o)).expect("diff JSON")
}

fn diff_text(old: &Path, new: &Path) -> String {
    ok_stdout(&dosera(&[
        "pack",
        "diff",
        &old.display().to_string(),
        &new.display().to_string(),
    ]))
}

fn source(diff: &PackDiff, source: Source) -> &SourceDiff {
    diff.sources
        .iter()
        .find(|s| s.source == source)
        .expect("source in the diff")
}

/// Index of the guideline of `source` covering `drug` (first such).
fn guideline(set: &PackSet, source: Source, drug: &str) -> (usize, usize) {
    let p = set
        .packs
        .iter()
        .position(|p| p.meta.source == source)
        .expect("pack");
    let g = set.packs[p]
        .guidelines
        .iter()
        .position(|g| g.drugs.iter().any(|d| d == drug) && !g.recommendations.is_empty())
        .unwrap_or_else(|| panic!("{source} guideline for {drug}"));
    (p, g)
}

fn gene_index(set: &PackSet, source: Source, symbol: &str) -> (usize, usize) {
    let p = set
        .packs
        .iter()
        .position(|p| p.meta.source == source)
        .expect("pack");
    let g = set.packs[p]
        .genes
        .iter()
        .position(|g| g.symbol == symbol)
        .unwrap_or_else(|| panic!("{source} gene {symbol}"));
    (p, g)
}

/// A row change with nothing but its key, ids and the fields set below.
fn only(c: &RowChange) -> RowChange {
    RowChange {
        key: c.key.clone(),
        id: c.id.clone(),
        guideline: c.guideline.clone(),
        previous_id: None,
        population: None,
        previous_guideline: None,
        action: None,
        dose: None,
        strength: None,
        alternatives: None,
        flags: None,
        details: None,
        implication: None,
    }
}

#[test]
fn a_synthetic_release_is_diffed_exactly() {
    let old = PackSet::bundled().expect("bundled packs");
    let mut new = old.clone();

    // 1. CPIC clopidogrel: a new guideline version.
    let (p, g) = guideline(&new, Source::Cpic, "clopidogrel");
    let reversioned = new.packs[p].guidelines[g].id.clone();
    let old_version = new.packs[p].guidelines[g].version.clone();
    new.packs[p].guidelines[g].version = format!("{old_version}.1");

    // 2. CPIC codeine: one row's action.
    let (p, g) = guideline(&new, Source::Cpic, "codeine");
    let row = &mut new.packs[p].guidelines[g].recommendations[0];
    let action_before = row.action;
    let action_after = if row.action == Action::Avoid {
        Action::Monitor
    } else {
        Action::Avoid
    };
    row.action = action_after;
    let action_key = RowKey::of(row);

    // 3. DPWG tacrolimus: one row's dose.
    let (p, g) = guideline(&new, Source::Dpwg, "tacrolimus");
    let row = new.packs[p].guidelines[g]
        .recommendations
        .iter_mut()
        .find(|r| r.dose.is_some())
        .expect("a tacrolimus row with a dose");
    let dose_before = row.dose.clone();
    if let Some(d) = &mut row.dose {
        d.percent_min -= 5.0;
    }
    let dose_after = row.dose.clone();
    let dose_key = RowKey::of(row);

    // 4. CPIC simvastatin: one row removed.
    let (p, g) = guideline(&new, Source::Cpic, "simvastatin");
    let gone = new.packs[p].guidelines[g]
        .recommendations
        .pop()
        .expect("a row");
    let gone_key = RowKey::of(&gone);

    // 5. CPIC atorvastatin: one row added with a lookup key no row had.
    let (p, g) = guideline(&new, Source::Cpic, "atorvastatin");
    let mut added = new.packs[p].guidelines[g].recommendations[0].clone();
    added.id = "TEST-ROW-1".into();
    added.lookup = [(
        "SLCO1B1".to_string(),
        LookupKey::Key("Hypothetical Function".into()),
    )]
    .into_iter()
    .collect();
    let added_key = RowKey::of(&added);
    new.packs[p].guidelines[g].recommendations.push(added);

    // 6. CPIC CYP2C19: one allele function.
    let (p, g) = gene_index(&new, Source::Cpic, "CYP2C19");
    let allele = new.packs[p].genes[g]
        .phenotyping
        .alleles
        .iter_mut()
        .find(|a| a.name == "*2")
        .expect("CYP2C19 *2");
    let function_before = allele.function.clone();
    allele.function = Some("Decreased function".into());
    assert_ne!(function_before, allele.function);

    // 7. CPIC CYP2D6: one phenotype rule (an activity-score bin's phenotype).
    let (p, g) = gene_index(&new, Source::Cpic, "CYP2D6");
    let bin = new.packs[p].genes[g]
        .phenotyping
        .activity_bins
        .iter_mut()
        .find(|b| b.min == 0.25)
        .expect("CYP2D6 bin from 0.25");
    let bin_before = bin.phenotype.clone();
    bin.phenotype = "Hypothetical Metabolizer".into();

    // 8. DPWG quetiapine: a guideline removed.
    let (p, g) = guideline(&new, Source::Dpwg, "quetiapine");
    let removed = new.packs[p].guidelines.remove(g);
    let removed_keys: BTreeSet<RowKey> = removed.recommendations.iter().map(RowKey::of).collect();

    let dir = temp_dir("synthetic");
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    write_dir(&old.packs, &old.release, &old_dir).expect("write old");
    write_dir(&new.packs, "synthetic", &new_dir).expect("write new");

    let diff = diff_json(&old_dir, &new_dir);
    assert_eq!(diff.new.release, "synthetic");
    assert_eq!(
        diff.counts(),
        DiffCounts {
            guidelines_changed: 1,
            guidelines_removed: 1,
            genes_changed: 2,
            allele_functions_changed: 1,
            rules_changed: 1,
            rows_added: 1,
            rows_removed: 1 + removed_keys.len(),
            rows_changed: 2,
            ..DiffCounts::default()
        },
        "{}",
        diff.text()
    );
    let (cpic, dpwg) = (source(&diff, Source::Cpic), source(&diff, Source::Dpwg));

    // Guidelines: the version alone, and the removed one.
    let g = &cpic.guidelines.changed[0];
    assert_eq!(g.id, reversioned);
    let v = g.version.as_ref().expect("version change");
    assert_eq!(
        (v.before.as_str(), v.after.as_str()),
        (old_version.as_str(), &*format!("{old_version}.1"))
    );
    assert!(g.date.is_none() && g.url.is_none() && g.renamed.is_none());
    assert!(g.pmids.is_none() && g.genes.is_none());
    assert_eq!(dpwg.guidelines.removed[0].id, removed.id);
    assert_eq!(
        dpwg.guidelines.removed[0].rows,
        removed.recommendations.len()
    );

    // Genes: one allele function, one rule.
    let cyp2c19 = cpic
        .genes
        .changed
        .iter()
        .find(|g| g.symbol == "CYP2C19")
        .expect("CYP2C19 changed");
    assert_eq!(cyp2c19.alleles.changed.len(), 1);
    let a = &cyp2c19.alleles.changed[0];
    assert_eq!(a.allele, "*2");
    let f = a.function.as_ref().expect("function change");
    assert_eq!(f.before, function_before);
    assert_eq!(f.after.as_deref(), Some("Decreased function"));
    assert!(a.activity.is_none());
    assert!(cyp2c19.rules.is_empty() && cyp2c19.method.is_none());
    let cyp2d6 = cpic
        .genes
        .changed
        .iter()
        .find(|g| g.symbol == "CYP2D6")
        .expect("CYP2D6 changed");
    assert_eq!(cyp2d6.rules.len(), 1);
    let r = &cyp2d6.rules[0];
    assert_eq!(r.kind, RuleKind::ActivityBin);
    assert!(r.input.starts_with("0.25–"), "{}", r.input);
    assert_eq!(r.before.as_deref(), Some(bin_before.as_str()));
    assert_eq!(r.after.as_deref(), Some("Hypothetical Metabolizer"));
    assert_eq!(cyp2d6.alleles, Default::default());

    // Rows: one action, one dose, each alone; one added; one removed plus
    // the removed guideline's.
    let action = cpic
        .recommendations
        .changed
        .iter()
        .find(|c| c.key == action_key)
        .expect("action row");
    let mut expected = only(action);
    expected.action = Some(dosera::pack::diff::Change {
        before: action_before,
        after: action_after,
    });
    assert_eq!(action, &expected);
    let dose = &dpwg.recommendations.changed[0];
    assert_eq!(dose.key, dose_key);
    let mut expected = only(dose);
    expected.dose = Some(dosera::pack::diff::Change {
        before: dose_before,
        after: dose_after,
    });
    assert_eq!(dose, &expected);
    assert_eq!(cpic.recommendations.added[0].key, added_key);
    assert_eq!(cpic.recommendations.added[0].id, "TEST-ROW-1");
    assert_eq!(cpic.recommendations.removed[0].key, gone_key);
    assert_eq!(cpic.recommendations.removed[0].id, gone.id);
    let dpwg_removed: BTreeSet<RowKey> = dpwg
        .recommendations
        .removed
        .iter()
        .map(|r| r.key.clone())
        .collect();
    assert_eq!(dpwg_removed, removed_keys);
    assert!(cpic.recommendations.reidentified.is_empty());
    assert!(dpwg.recommendations.reidentified.is_empty());

    // The text names each change.
    let text = diff_text(&old_dir, &new_dir);
    for needle in [
        format!("CPIC {reversioned} "),
        format!("version {old_version} → {old_version}.1"),
        format!("DPWG {} ", removed.id),
        "CPIC CYP2C19: allele *2 function".to_string(),
        "→ Decreased function".to_string(),
        "CPIC CYP2D6: activity score rule 0.25–".to_string(),
        format!("{bin_before} → Hypothetical Metabolizer"),
        format!(
            "CPIC {}: action {} → {}",
            action_key.label(),
            action_before.label(),
            action_after.label()
        ),
        format!("DPWG {}: dose ", dose_key.label()),
        format!("CPIC {}: added: ", added_key.label()),
        format!("CPIC {}: removed: ", gone_key.label()),
    ] {
        assert!(text.contains(&needle), "`{needle}` not in:\n{text}");
    }
    for section in ["\nGuidelines\n", "\nGenes\n", "\nRecommendations\n"] {
        assert!(text.contains(section), "{section:?} not in:\n{text}");
    }
    assert!(!text.contains("\nDrugs\n"), "{text}");
    // Deterministic.
    assert_eq!(text, diff_text(&old_dir, &new_dir));

    // A set against itself: no changes.
    let same = diff_json(&new_dir, &new_dir);
    assert!(same.is_empty(), "{}", same.text());
    assert!(diff_text(&new_dir, &new_dir).ends_with("no changes\n"));
    let bundled = ok_stdout(&dosera(&["pack", "diff", "bundled", "bundled"]));
    assert!(bundled.ends_with("no changes\n"), "{bundled}");
    // The folder written from the bundled packs says what the bundled packs say.
    assert!(diff_json(&old_dir, Path::new("bundled")).is_empty());

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_that_is_no_pack_is_refused() {
    let o = dosera(&["pack", "diff", "bundled", "/nonexistent/dosera-packs"]);
    assert!(!o.status.success());
}

// ---------------------------------------------------------------------------
// Against an independent comparison of the JSON files

/// (source, drug, gene → lookup key as JSON, population as JSON).
type Key = (String, String, BTreeMap<String, String>, String);

/// One row as read from a guideline file.
struct JsonRow {
    id: String,
    guideline: String,
    value: Value,
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Every row of a pack folder, by key.
fn json_rows(root: &Path) -> BTreeMap<Key, JsonRow> {
    let mut rows = BTreeMap::new();
    for source in ["cpic", "dpwg"] {
        for file in files(&root.join(source).join("guidelines")) {
            let g = read_json(&file);
            for r in g["recommendations"].as_array().expect("rows") {
                let lookup = r["lookup"]
                    .as_object()
                    .expect("lookup")
                    .iter()
                    .map(|(gene, k)| (gene.clone(), k.to_string()))
                    .collect();
                let key = (
                    source.to_string(),
                    r["drug"].as_str().expect("drug").to_string(),
                    lookup,
                    r.get("population").unwrap_or(&Value::Null).to_string(),
                );
                let row = JsonRow {
                    id: r["id"].as_str().expect("id").to_string(),
                    guideline: g["id"].as_str().expect("guideline id").to_string(),
                    value: r.clone(),
                };
                assert!(rows.insert(key, row).is_none(), "two rows share a key");
            }
        }
    }
    rows
}

fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get(name).unwrap_or(&Value::Null)
}

fn key_of(source: Source, k: &RowKey) -> Key {
    (
        source.as_str().to_string(),
        k.drug.clone(),
        k.lookup
            .iter()
            .map(|(gene, key)| (gene.clone(), serde_json::to_string(key).expect("key")))
            .collect(),
        serde_json::to_string(&k.population).expect("population"),
    )
}

/// Allele → (function, activity) of each gene of a pack folder, by (source, gene).
type Alleles = BTreeMap<(String, String), BTreeMap<String, (Value, Value)>>;

fn json_alleles(root: &Path) -> Alleles {
    let mut out = Alleles::new();
    for source in ["cpic", "dpwg"] {
        for file in files(&root.join(source).join("genes")) {
            let g = read_json(&file);
            let alleles = g["phenotyping"]
                .get("alleles")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|a| {
                            (
                                a["name"].as_str().expect("name").to_string(),
                                (field(a, "function").clone(), field(a, "activity").clone()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let symbol = g["symbol"].as_str().expect("symbol").to_string();
            out.insert((source.to_string(), symbol), alleles);
        }
    }
    out
}

/// (source, id) → (version, drugs) of every guideline of a pack folder.
fn json_guidelines(root: &Path) -> BTreeMap<(String, String), (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    for source in ["cpic", "dpwg"] {
        for file in files(&root.join(source).join("guidelines")) {
            let g = read_json(&file);
            let drugs = g["drugs"]
                .as_array()
                .expect("drugs")
                .iter()
                .map(|d| d.as_str().expect("drug").to_string())
                .collect();
            out.insert(
                (
                    source.to_string(),
                    g["id"].as_str().expect("id").to_string(),
                ),
                (g["version"].as_str().expect("version").to_string(), drugs),
            );
        }
    }
    out
}

fn keys<'a>(rows: impl Iterator<Item = (Source, &'a RowKey)>) -> BTreeSet<Key> {
    rows.map(|(s, k)| key_of(s, k)).collect()
}

#[test]
fn the_2026_thiopurine_update_matches_an_independent_comparison() {
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    if !reference.is_dir() {
        println!(
            "skipped: {} is absent (the upstream files are not part of the repository)",
            reference.display()
        );
        return;
    }
    let dir = temp_dir("pre2026");
    let old = dir.join("packs");
    let o = dosera(&[
        "pack",
        "import",
        "--reference",
        &reference.display().to_string(),
        "--leave-out",
        "thiopurines-2026",
        "--release",
        "test-pre2026",
        "--out",
        &old.display().to_string(),
    ]);
    ok_stdout(&o);
    let new = root().join("guidelines/data");
    let diff = diff_json(&old, &new);
    // The committed folder and the packs built into the binary are the same.
    let with_bundled = diff_json(&old, Path::new("bundled"));
    assert_eq!(with_bundled.sources, diff.sources);
    println!("pre-2026 → bundled:\n{}", diff_text(&old, &new));

    // Recommendation rows, compared here on the JSON.
    let (a, b) = (json_rows(&old), json_rows(&new));
    let mut expected_added: BTreeSet<Key> =
        b.keys().filter(|k| !a.contains_key(*k)).cloned().collect();
    let mut expected_removed: BTreeSet<Key> =
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect();
    // A row whose population one pack gives and the other does not, the
    // only one left of its source, drug and lookup keys on each side, is
    // the same row (keyed as in the new pack).
    let group = |k: &Key| (k.0.clone(), k.1.clone(), k.2.clone());
    let mut old_key: BTreeMap<Key, Key> = BTreeMap::new();
    for r in &expected_removed {
        let gone = expected_removed.iter().filter(|x| group(x) == group(r));
        let came: Vec<&Key> = expected_added
            .iter()
            .filter(|x| group(x) == group(r))
            .collect();
        if gone.count() == 1 && came.len() == 1 && ((r.3 == "null") != (came[0].3 == "null")) {
            old_key.insert(came[0].clone(), r.clone());
        }
    }
    for (new_key, old) in &old_key {
        expected_added.remove(new_key);
        expected_removed.remove(old);
    }
    let mut expected_changed = BTreeSet::new();
    let mut expected_other = BTreeSet::new();
    let mut expected_reidentified = BTreeSet::new();
    let pairs = a
        .keys()
        .filter(|k| b.contains_key(*k))
        .map(|k| (k.clone(), k.clone()))
        .chain(old_key.iter().map(|(n, o)| (o.clone(), n.clone())));
    for (ko, k) in pairs {
        let (x, y) = (&a[&ko], &b[&k]);
        let differ = |f: &str| field(&x.value, f) != field(&y.value, f);
        if ["action", "dose", "strength", "alternatives"]
            .iter()
            .any(|f| differ(f))
        {
            expected_changed.insert(k.clone());
        } else if ["population", "flags", "facts", "summary", "implication"]
            .iter()
            .any(|f| differ(f))
        {
            expected_other.insert(k.clone());
        } else if x.id != y.id || x.guideline != y.guideline {
            expected_reidentified.insert(k.clone());
        }
    }
    let all = |f: fn(&SourceDiff) -> Vec<&RowKey>| -> BTreeSet<Key> {
        keys(
            diff.sources
                .iter()
                .flat_map(|s| f(s).into_iter().map(move |k| (s.source, k))),
        )
    };
    let added = all(|s| s.recommendations.added.iter().map(|r| &r.key).collect());
    let removed = all(|s| s.recommendations.removed.iter().map(|r| &r.key).collect());
    let changed = all(|s| {
        s.recommendations
            .changed
            .iter()
            .filter(|c| {
                c.action.is_some()
                    || c.dose.is_some()
                    || c.strength.is_some()
                    || c.alternatives.is_some()
            })
            .map(|c| &c.key)
            .collect()
    });
    let other = all(|s| {
        s.recommendations
            .changed
            .iter()
            .filter(|c| {
                c.action.is_none()
                    && c.dose.is_none()
                    && c.strength.is_none()
                    && c.alternatives.is_none()
            })
            .map(|c| &c.key)
            .collect()
    });
    let reidentified = all(|s| {
        s.recommendations
            .reidentified
            .iter()
            .map(|c| &c.key)
            .collect()
    });
    assert_eq!(added, expected_added, "added rows");
    assert_eq!(removed, expected_removed, "removed rows");
    assert_eq!(changed, expected_changed, "changed rows");
    assert_eq!(other, expected_other, "rows with other changes");
    assert_eq!(reidentified, expected_reidentified, "re-identified rows");
    // Not vacuous: rows changed, and rows re-keyed by their population
    // (the 2024 rows give `general`, most 2026 rows none).
    assert!(!changed.is_empty() && !old_key.is_empty());
    // Every changed field the diff reports differs in the JSON, and back.
    for s in &diff.sources {
        for c in &s.recommendations.changed {
            let k = key_of(s.source, &c.key);
            let ko = old_key.get(&k).unwrap_or(&k);
            let (x, y) = (&a[ko].value, &b[&k].value);
            assert_eq!(
                c.population.is_some(),
                field(x, "population") != field(y, "population")
            );
            assert_eq!(c.action.is_some(), field(x, "action") != field(y, "action"));
            assert_eq!(c.dose.is_some(), field(x, "dose") != field(y, "dose"));
            assert_eq!(
                c.strength.is_some(),
                field(x, "strength") != field(y, "strength")
            );
            assert_eq!(
                c.alternatives.is_some(),
                field(x, "alternatives") != field(y, "alternatives")
            );
            assert_eq!(c.previous_id.is_some(), a[ko].id != b[&k].id);
        }
    }

    // Guideline versions.
    let (ga, gb) = (json_guidelines(&old), json_guidelines(&new));
    let expected_versions: BTreeSet<(String, String)> = ga
        .iter()
        .filter(|(id, (v, _))| gb.get(*id).is_some_and(|(w, _)| w != v))
        .map(|(id, _)| id.clone())
        .collect();
    let versions: BTreeSet<(String, String)> = diff
        .sources
        .iter()
        .flat_map(|s| {
            s.guidelines
                .changed
                .iter()
                .filter(|g| g.version.is_some())
                .map(move |g| (s.source.as_str().to_string(), g.id.clone()))
        })
        .collect();
    assert_eq!(versions, expected_versions, "re-versioned guidelines");
    for drug in ["azathioprine", "mercaptopurine", "thioguanine"] {
        let id = gb
            .iter()
            .find(|((s, _), (_, drugs))| s == "cpic" && drugs.iter().any(|d| d == drug))
            .map(|((_, id), _)| id.clone())
            .unwrap_or_else(|| panic!("CPIC {drug} guideline"));
        assert!(
            versions.contains(&("cpic".to_string(), id.clone())),
            "CPIC {drug} ({id}) is not re-versioned"
        );
    }

    // Allele functions, compared here on the JSON.
    let (aa, ab) = (json_alleles(&old), json_alleles(&new));
    let mut expected_functions: BTreeMap<(String, String), [BTreeSet<String>; 3]> = BTreeMap::new();
    for (gene, x) in &aa {
        let Some(y) = ab.get(gene) else { continue };
        let sets = [
            y.keys().filter(|n| !x.contains_key(*n)).cloned().collect(),
            x.keys().filter(|n| !y.contains_key(*n)).cloned().collect(),
            x.iter()
                .filter(|(n, v)| y.get(*n).is_some_and(|w| w != *v))
                .map(|(n, _)| n.clone())
                .collect(),
        ];
        if sets.iter().any(|s: &BTreeSet<String>| !s.is_empty()) {
            expected_functions.insert(gene.clone(), sets);
        }
    }
    let mut functions: BTreeMap<(String, String), [BTreeSet<String>; 3]> = BTreeMap::new();
    for s in &diff.sources {
        for g in &s.genes.changed {
            let sets = [
                g.alleles.added.iter().map(|a| a.allele.clone()).collect(),
                g.alleles.removed.iter().map(|a| a.allele.clone()).collect(),
                g.alleles.changed.iter().map(|a| a.allele.clone()).collect(),
            ];
            if sets.iter().any(|s: &BTreeSet<String>| !s.is_empty()) {
                functions.insert((s.source.as_str().to_string(), g.symbol.clone()), sets);
            }
        }
    }
    assert_eq!(functions, expected_functions, "allele function changes");
    for gene in ["TPMT", "NUDT15"] {
        assert!(
            functions.contains_key(&("cpic".to_string(), gene.to_string())),
            "no {gene} function change"
        );
    }
    println!("counts: {:?}", diff.counts());
    let _ = std::fs::remove_dir_all(&dir);
}
