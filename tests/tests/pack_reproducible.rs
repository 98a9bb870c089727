//! Acceptance: the committed packs are byte-identical to a fresh import of
//! `../shared/reference`, and a corrupted pack file gives a checksum error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dosera::pack::{write_dir, PackSet};
use dosera::ErrorCode;
use dosera_conformance::reference_or_skip;
use dosera_import::{import, ImportOptions};

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../guidelines/data")
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("inside root")
                    .to_string_lossy()
                    .to_string();
                out.insert(rel, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn committed_packs_equal_a_fresh_import() {
    let Some(reference) = reference_or_skip("pack_reproducible") else {
        return;
    };
    let set = PackSet::from_dir(&committed()).expect("committed packs load");
    // The committed manifest names the release it was built with.
    let options = ImportOptions {
        release: set.release.clone(),
        verbatim: false,
        leave_out: Vec::new(),
    };
    let imported = import(&reference, &options).expect("import");
    let out = temp("reimport");
    write_dir(&imported.packs, &set.release, &out).expect("write");
    let fresh = files(&out);
    let have = files(&committed());
    let mut differences = Vec::new();
    for (path, bytes) in &fresh {
        match have.get(path) {
            None => differences.push(format!("missing from the committed packs: {path}")),
            Some(b) if b != bytes => differences.push(format!("differs: {path}")),
            Some(_) => {}
        }
    }
    for path in have.keys() {
        if !fresh.contains_key(path) {
            differences.push(format!("not produced by the import: {path}"));
        }
    }
    println!(
        "pack_reproducible: {} files compared, {} differences",
        fresh.len(),
        differences.len()
    );
    for d in differences.iter().take(20) {
        println!("  {d}");
    }
    let _ = std::fs::remove_dir_all(&out);
    assert!(differences.is_empty());
}

#[test]
fn bundled_packs_are_the_committed_packs() {
    let bundled = PackSet::bundled().expect("bundled");
    let folder = PackSet::from_dir(&committed()).expect("folder");
    assert_eq!(bundled.sha256, folder.sha256);
    assert_eq!(bundled, folder);
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in files(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

#[test]
fn a_corrupted_pack_file_gives_a_checksum_error() {
    let dir = temp("corrupt");
    copy_dir(&committed(), &dir);
    let target = dir.join("cpic/genes/CYP2C19.json");
    let mut bytes = std::fs::read(&target).expect("read");
    // Flip one function: a plausible-looking but wrong edit.
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let edited = text.replacen("No function", "Normal function", 1);
    assert_ne!(edited, text);
    bytes = edited.into_bytes();
    std::fs::write(&target, bytes).expect("write");
    let err = PackSet::from_dir(&dir).expect_err("corruption must be detected");
    assert_eq!(err.code(), ErrorCode::ChecksumMismatch);
    assert!(err.to_string().contains("cpic/genes/CYP2C19.json"), "{err}");

    // A pack for another schema version is refused with its own error.
    copy_dir(&committed(), &dir);
    let manifest = dir.join("MANIFEST.toml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    std::fs::write(
        &manifest,
        text.replace("schema_version = 3", "schema_version = 99"),
    )
    .expect("write");
    let err = PackSet::from_dir(&dir).expect_err("schema");
    assert_eq!(err.code(), ErrorCode::SchemaVersion, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_committed_packs_pass_the_reference_checks() {
    let set = PackSet::from_dir(&committed()).expect("load");
    let problems = dosera::pack::check_references(&set);
    assert!(problems.is_empty(), "{problems:#?}");
}
