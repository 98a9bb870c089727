//! The core's shape: its stages only look back, and no files import each
//! other in a circle.
//!
//! The stages of `core/src`, in order, are input → genotype → allele →
//! phenotype → recommend → engine → report (and the synthetic-cohort writer
//! `simulate`, which uses them all), with the shared modules `names`,
//! `error` and `pack` underneath every stage. A module may use the modules
//! before it, never one after it. The test reads every `crate::` path of
//! `core/src` outside test code (grouped imports and root re-exports such
//! as `crate::Engine` included) and fails with the offending line.
//!
//! Inside a folder, the files other than `mod.rs` must not import each
//! other in a circle (through `super::x` or `crate::stage::x`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules of `core/src` in the order they may use each other: a
/// module may use any module listed before it.
const ORDER: &[&str] = &[
    "names",
    "error",
    "pack",
    "input",
    "genotype",
    "allele",
    "phenotype",
    "recommend",
    "engine",
    "report",
    "simulate",
];

/// A file of `core/src`: its path below `core/src` and its text.
struct File {
    path: String,
    text: String,
}

fn rank(module: &str) -> Option<usize> {
    ORDER.iter().position(|m| *m == module)
}

/// The text without comments and without `#[cfg(test)]` modules (inline
/// ones; files of test modules are left out by [`test_files`]), as lines
/// numbered from 1. String contents are kept; a `crate::` path inside a
/// string is rare enough to be worth a look if it shows up.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut skip_depth: Option<i64> = None;
    let mut pending_test = false;
    for (i, raw) in text.lines().enumerate() {
        let line = match raw.find("//") {
            Some(k) if !raw[..k].contains('"') => &raw[..k],
            _ => raw,
        };
        let trimmed = line.trim();
        if let Some(depth) = skip_depth.as_mut() {
            *depth += brace_balance(line);
            if *depth <= 0 {
                skip_depth = None;
            }
            continue;
        }
        if trimmed == "#[cfg(test)]" {
            pending_test = true;
            continue;
        }
        if pending_test {
            pending_test = false;
            if (trimmed.starts_with("mod ") || trimmed.starts_with("pub(crate) mod "))
                && trimmed.ends_with('{')
            {
                skip_depth = Some(brace_balance(line));
                continue;
            }
        }
        out.push((i + 1, line.to_string()));
    }
    out
}

fn brace_balance(line: &str) -> i64 {
    let mut n = 0;
    let mut in_str = false;
    let mut prev = ' ';
    for c in line.chars() {
        match c {
            '"' if prev != '\\' && prev != '\'' => in_str = !in_str,
            '{' if !in_str => n += 1,
            '}' if !in_str => n -= 1,
            _ => {}
        }
        prev = c;
    }
    n
}

/// Files that are test modules (`#[cfg(test)] mod x;`), by path.
fn test_files(files: &[File]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files {
        let lines: Vec<&str> = f.text.lines().map(str::trim).collect();
        for w in lines.windows(2) {
            if w[0] == "#[cfg(test)]" {
                if let Some(name) = w[1].strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                    let dir = module_dir(&f.path);
                    out.insert(format!("{dir}{name}.rs"));
                    out.insert(format!("{dir}{name}/mod.rs"));
                }
            }
        }
    }
    out
}

/// The folder that holds a file's child modules (`a/b.rs` → `a/b/`,
/// `a/mod.rs` → `a/`, `lib.rs` → ``).
fn module_dir(path: &str) -> String {
    if path == "lib.rs" {
        String::new()
    } else if let Some(dir) = path.strip_suffix("mod.rs") {
        dir.to_string()
    } else {
        format!("{}/", path.trim_end_matches(".rs"))
    }
}

/// The stage a file belongs to: the first part of its path.
fn stage_of(path: &str) -> Option<&str> {
    let first = path.split('/').next()?;
    let first = first.strip_suffix(".rs").unwrap_or(first);
    (first != "lib").then_some(first)
}

/// Root names (`crate::Engine`) and the module each comes from, read from
/// the `pub use` lines of `lib.rs`.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let flat = lib.replace('\n', " ");
    for stmt in flat.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = item.split(" as ").last().unwrap_or("").trim();
            let name = name.rsplit("::").next().unwrap_or(name);
            if !name.is_empty() {
                out.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    out
}

/// Lines with a `crate::{` group that spans several lines joined into one
/// (numbered by its first line), so the group's items are all read.
fn joined_groups(lines: Vec<(usize, String)>) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String, i64)> = None;
    for (n, line) in lines {
        if let Some((start, mut text, depth)) = open.take() {
            text.push(' ');
            text.push_str(line.trim());
            let depth = depth + brace_balance(&line);
            if depth <= 0 {
                out.push((start, text));
            } else {
                open = Some((start, text, depth));
            }
            continue;
        }
        if let Some(k) = line.find("crate::{") {
            let depth = brace_balance(&line[k..]);
            if depth > 0 {
                open = Some((n, line.trim_end().to_string(), depth));
                continue;
            }
        }
        out.push((n, line));
    }
    out.extend(open.map(|(n, text, _)| (n, text)));
    out
}

/// The first path segment of every `crate::` path in a line, with the
/// items of a group (`crate::{a::B, c}`) taken one by one.
fn crate_refs(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(k) = rest.find("crate::") {
        let before = rest[..k].chars().last();
        rest = &rest[k + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `dosera_crate::` or the like
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if c == ',' && depth == 1 {
                    items.push(std::mem::take(&mut item));
                } else {
                    item.push(c);
                }
            }
            items.push(item);
            out.extend(items.iter().map(|i| first_segment(i)));
        } else {
            out.push(first_segment(rest));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn first_segment(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every backward use, as `path:line: text (stage → later stage)`.
fn backward_uses(files: &[File]) -> Vec<String> {
    let roots = files
        .iter()
        .find(|f| f.path == "lib.rs")
        .map(|f| root_exports(&f.text))
        .unwrap_or_default();
    let tests = test_files(files);
    let mut out = Vec::new();
    for f in files {
        if tests.contains(&f.path) {
            continue;
        }
        let Some(stage) = stage_of(&f.path) else {
            continue;
        };
        let Some(own) = rank(stage) else {
            out.push(format!("{}: module `{stage}` is not in ORDER", f.path));
            continue;
        };
        for (n, line) in joined_groups(code_lines(&f.text)) {
            for seg in crate_refs(&line) {
                let target = match roots.get(&seg) {
                    Some(m) => m.clone(),
                    None => seg.clone(),
                };
                if target == stage {
                    continue;
                }
                // Items defined in lib.rs itself (a constant) sit under
                // every stage.
                let Some(r) = rank(&target) else {
                    continue;
                };
                if r > own {
                    out.push(format!(
                        "{}:{n}: {} ({stage} uses the later {target})",
                        f.path,
                        line.trim()
                    ));
                }
            }
        }
    }
    out
}

/// Circles among the files of one folder (not counting `mod.rs`), each as
/// `a.rs → b.rs → a.rs`.
fn file_circles(files: &[File]) -> Vec<String> {
    let tests = test_files(files);
    // folder → file stem → sibling stems it uses
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in files {
        if tests.contains(&f.path) || f.path.ends_with("mod.rs") || f.path == "lib.rs" {
            continue;
        }
        let (dir, stem) = match f.path.rsplit_once('/') {
            Some((d, s)) => (d.to_string(), s.trim_end_matches(".rs").to_string()),
            None => (String::new(), f.path.trim_end_matches(".rs").to_string()),
        };
        let module_path = dir.replace('/', "::");
        let entry = graph
            .entry(dir.clone())
            .or_default()
            .entry(stem.clone())
            .or_default();
        for (_, line) in code_lines(&f.text) {
            for prefix in ["super::".to_string(), format!("crate::{module_path}::")] {
                let mut rest = line.as_str();
                while let Some(k) = rest.find(&prefix) {
                    rest = &rest[k + prefix.len()..];
                    let groups: Vec<String> = match rest.strip_prefix('{') {
                        Some(g) => g
                            .split('}')
                            .next()
                            .unwrap_or("")
                            .split(',')
                            .map(first_segment)
                            .collect(),
                        None => vec![first_segment(rest)],
                    };
                    for g in groups {
                        if !g.is_empty() && g != stem {
                            entry.insert(g);
                        }
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for (dir, nodes) in &graph {
        let stems: BTreeSet<&String> = nodes.keys().collect();
        for start in nodes.keys() {
            // Depth-first search for a path back to `start` through siblings.
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = BTreeSet::new();
            while let Some((node, path)) = stack.pop() {
                for next in nodes.get(&node).into_iter().flatten() {
                    if !stems.contains(next) {
                        continue;
                    }
                    if next == start {
                        let smallest = path.iter().min() == Some(start);
                        if smallest {
                            let shown: Vec<String> = path
                                .iter()
                                .chain(std::iter::once(start))
                                .map(|s| format!("{dir}/{s}.rs"))
                                .collect();
                            out.push(shown.join(" → "));
                        }
                    } else if seen.insert(next.clone()) {
                        let mut p = path.clone();
                        p.push(next.clone());
                        stack.push((next.clone(), p));
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn core_files() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let path = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(File {
                    path,
                    text: std::fs::read_to_string(&p).unwrap(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[test]
fn stages_only_look_back() {
    let files = core_files();
    assert!(files.len() > 40, "core/src not found");
    let found = backward_uses(&files);
    assert!(
        found.is_empty(),
        "a stage uses a later one:\n{}",
        found.join("\n")
    );
    // Every top-level module of the core has a place in the order.
    let lib = files.iter().find(|f| f.path == "lib.rs").unwrap();
    for line in lib.text.lines() {
        let line = line.trim();
        let name = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
            .and_then(|r| r.strip_suffix(';'));
        if let Some(name) = name {
            assert!(rank(name).is_some(), "module `{name}` is not in ORDER");
        }
    }
}

#[test]
fn no_file_circles() {
    let found = file_circles(&core_files());
    assert!(
        found.is_empty(),
        "files import each other in a circle:\n{}",
        found.join("\n")
    );
}

fn planted(files: &[(&str, &str)]) -> Vec<File> {
    let mut out = vec![File {
        path: "lib.rs".into(),
        text: "pub mod allele;\npub mod report;\npub use engine::{Engine, GeneInfo};\n\
               pub use recommend::{\n    DrugResult, Match,\n};\n"
            .into(),
    }];
    out.extend(files.iter().map(|(p, t)| File {
        path: p.to_string(),
        text: t.to_string(),
    }));
    out
}

/// The checks find what they are meant to find: a planted backward import
/// (plain, grouped, through a root re-export, spread over lines), and a
/// planted circle; test code and comments are not counted.
#[test]
fn planted_faults_are_found() {
    let files = planted(&[
        (
            "allele/fine.rs",
            "use crate::pack::Gene;\nuse crate::genotype::Observation;\n",
        ),
        (
            "allele/late.rs",
            "use super::fine;\nuse crate::report::Report;\n",
        ),
        (
            "phenotype/grouped.rs",
            "use crate::{\n    pack::Gene,\n    recommend::Match,\n};\n",
        ),
        ("input/rooted.rs", "fn f(e: &crate::Engine) {}\n"),
        ("genotype/commented.rs", "// use crate::report::Report;\n"),
        (
            "pack/tested.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::Engine;\n}\n",
        ),
    ]);
    let found = backward_uses(&files);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("allele/late.rs:2: use crate::report::Report;"));
    assert!(found[0].ends_with("(allele uses the later report)"));
    assert!(found.iter().any(
        |f| f.starts_with("phenotype/grouped.rs:1:") && f.contains("uses the later recommend")
    ));
    assert!(found
        .iter()
        .any(|f| f.starts_with("input/rooted.rs:1:") && f.contains("uses the later engine")));

    let files = planted(&[
        ("allele/a.rs", "use super::b::B;\n"),
        ("allele/b.rs", "use crate::allele::{c::C, mod_item};\n"),
        ("allele/c.rs", "use super::a::A;\n"),
        ("allele/d.rs", "use super::a::A;\n"),
        ("allele/mod.rs", "use d::D;\n"),
    ]);
    assert_eq!(
        file_circles(&files),
        ["allele/a.rs → allele/b.rs → allele/c.rs → allele/a.rs"]
    );
}
