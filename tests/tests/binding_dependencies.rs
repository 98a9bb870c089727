//! The language bindings never compile the importer: walks the resolved
//! dependency graph of the workspace (`cargo metadata`, normal and build
//! dependencies, every target platform) from each binding crate and checks
//! that `dosera-import` is not reached. The CLI, which runs
//! `dosera pack import`, must reach it: that proves the walk follows edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const IMPORTER: &str = "dosera-import";
const BINDINGS: [&str; 3] = ["dosera-c", "dosera-python", "dosera-wasm"];

/// Package names and, per package, the packages it depends on through a
/// normal or build dependency (dev-dependencies are left out: they are
/// never compiled into the crate itself).
struct Graph {
    names: BTreeMap<String, String>,
    edges: BTreeMap<String, Vec<String>>,
}

fn metadata() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

fn graph(meta: &Value) -> Graph {
    let mut names = BTreeMap::new();
    for package in meta["packages"].as_array().expect("packages") {
        let id = package["id"].as_str().expect("package id");
        let name = package["name"].as_str().expect("package name");
        names.insert(id.to_string(), name.to_string());
    }
    let mut edges = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().expect("resolve nodes") {
        let id = node["id"].as_str().expect("node id");
        let mut to = Vec::new();
        for dep in node["deps"].as_array().expect("node deps") {
            let compiled = dep["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if compiled {
                to.push(dep["pkg"].as_str().expect("dep pkg").to_string());
            }
        }
        edges.insert(id.to_string(), to);
    }
    Graph { names, edges }
}

/// Names of every package reached from the package named `from`, itself
/// included.
fn reached(graph: &Graph, from: &str) -> BTreeSet<String> {
    let start: Vec<&String> = graph
        .names
        .iter()
        .filter(|(_, name)| name.as_str() == from)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(start.len(), 1, "exactly one package named {from}");
    let mut seen = BTreeSet::new();
    let mut todo = vec![start[0].clone()];
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        for next in graph.edges.get(&id).into_iter().flatten() {
            todo.push(next.clone());
        }
    }
    seen.iter().map(|id| graph.names[id].clone()).collect()
}

#[test]
fn bindings_do_not_reach_the_importer_and_the_cli_does() {
    let graph = graph(&metadata());
    for binding in BINDINGS {
        let names = reached(&graph, binding);
        // The walk went through the engine (so an empty walk cannot pass).
        assert!(names.contains("dosera"), "{binding} reaches dosera");
        assert!(
            names.contains("dosera-guidelines"),
            "{binding} reaches dosera-guidelines"
        );
        assert!(
            !names.contains(IMPORTER),
            "{binding} depends on {IMPORTER}, directly or through {:?}",
            names
                .iter()
                .filter(|n| n.starts_with("dosera"))
                .collect::<Vec<_>>()
        );
    }
    let cli = reached(&graph, "dosera-cli");
    assert!(cli.contains(IMPORTER), "dosera-cli reaches {IMPORTER}");
}

#[test]
fn the_walk_skips_dev_dependencies_only() {
    // A made-up graph: a → b (normal), b → c (build), a → d (dev only).
    let meta = serde_json::json!({
        "packages": [
            {"id": "a#1", "name": "a"}, {"id": "b#1", "name": "b"},
            {"id": "c#1", "name": "c"}, {"id": "d#1", "name": "d"}
        ],
        "resolve": {"nodes": [
            {"id": "a#1", "deps": [
                {"pkg": "b#1", "dep_kinds": [{"kind": null, "target": null}]},
                {"pkg": "d#1", "dep_kinds": [{"kind": "dev", "target": null}]}
            ]},
            {"id": "b#1", "deps": [
                {"pkg": "c#1", "dep_kinds": [{"kind": "build", "target": null}]}
            ]},
            {"id": "c#1", "deps": []},
            {"id": "d#1", "deps": []}
        ]}
    });
    let names = reached(&graph(&meta), "a");
    let want: BTreeSet<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    assert_eq!(names, want);
}
