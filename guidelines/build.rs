//! Validates `data/` against its manifest and embeds each pack as one
//! minified JSON blob.

#[path = "src/assemble.rs"]
#[allow(dead_code)]
mod assemble;

use std::path::PathBuf;

use assemble::SCHEMA_VERSION;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let data = manifest_dir.join("data");
    println!("cargo:rerun-if-changed=data");
    let mut code = String::new();
    let manifest_path = data.join(assemble::MANIFEST_FILE);
    if !manifest_path.exists() {
        // Only while bootstrapping a new schema: the importer itself lives in
        // the CLI, which needs this crate to build before any pack exists.
        println!(
            "cargo:warning=no bundled packs: {} is absent",
            manifest_path.display()
        );
        code.push_str("/// Text of the bundled manifest.\npub const MANIFEST: &str = \"\";\n");
        code.push_str("/// sha256 of the bundled manifest (covers every file).\npub const PACKS_SHA256: &str = \"\";\n");
        code.push_str("/// Each bundled pack: (source, assembled JSON).\npub static BUNDLED: &[(&str, &[u8])] = &[];\n");
        code.push_str(
            "/// Release string of the bundled manifest.\npub const RELEASE: &str = \"\";\n",
        );
    } else {
        let (text, packs) = match assemble::assemble_dir(&data, SCHEMA_VERSION) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("bundled knowledge packs are invalid: {e}");
                std::process::exit(1);
            }
        };
        let manifest_copy = out_dir.join("MANIFEST.toml");
        write(&manifest_copy, text.as_bytes());
        code.push_str(&format!(
            "/// Text of the bundled manifest.\npub const MANIFEST: &str = include_str!({:?});\n",
            manifest_copy.display().to_string()
        ));
        code.push_str(&format!(
            "/// sha256 of the bundled manifest (covers every file).\npub const PACKS_SHA256: &str = {:?};\n",
            assemble::sha256_hex(text.as_bytes())
        ));
        // Read here, where the manifest is verified, so loading the bundled
        // packs need not parse it again.
        let release = match assemble::parse_manifest(&text, SCHEMA_VERSION) {
            Ok(m) => m.release,
            Err(e) => {
                eprintln!("bundled knowledge packs are invalid: {e}");
                std::process::exit(1);
            }
        };
        code.push_str(&format!(
            "/// Release string of the bundled manifest.\npub const RELEASE: &str = {release:?};\n"
        ));
        code.push_str("/// Each bundled pack: (source, assembled JSON).\npub static BUNDLED: &[(&str, &[u8])] = &[\n");
        for (source, blob) in &packs {
            let path = out_dir.join(format!("{source}.json"));
            write(&path, blob);
            code.push_str(&format!(
                "    ({source:?}, include_bytes!({:?})),\n",
                path.display().to_string()
            ));
        }
        code.push_str("];\n");
    }
    write(&out_dir.join("bundled.rs"), code.as_bytes());
}

fn write(path: &std::path::Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}
