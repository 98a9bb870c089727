//! Manifest parsing, checksum verification and pack assembly.
//!
//! Shared by `build.rs` (which embeds the bundled packs) and by the runtime
//! loader in `dosera` (which reads a pack folder a hospital supplies), so a
//! pack is checked the same way wherever it comes from.

/// The pack schema version this build reads and writes: the one
/// definition, shared by the build script, this crate and the core
/// (`dosera::pack::SCHEMA_VERSION`).
pub const SCHEMA_VERSION: u32 = 3;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// File name of the manifest at the root of a pack folder.
pub const MANIFEST_FILE: &str = "MANIFEST.toml";

/// The manifest: schema version, release, and per pack its files with sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema version of every pack listed.
    pub schema_version: u32,
    /// Release of this set of packs.
    pub release: String,
    /// One entry per source.
    pub packs: Vec<ManifestPack>,
}

/// One pack in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPack {
    /// `cpic` or `dpwg`.
    pub source: String,
    /// Pack release string.
    pub release: String,
    /// SPDX licence of the content.
    pub license: String,
    /// Licence and attribution file, relative to the manifest.
    pub license_file: String,
    /// Data files, relative to the manifest, with their sha256.
    pub files: Vec<ManifestFile>,
}

/// A data file and its checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path relative to the manifest (`cpic/genes/CYP2C19.json`).
    pub path: String,
    /// Lower-case hex sha256 of the file bytes.
    pub sha256: String,
}

/// What can go wrong while assembling a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssembleError {
    /// A file could not be read.
    Io {
        /// Path relative to the pack root.
        path: String,
        /// The cause.
        message: String,
    },
    /// The manifest could not be parsed or is inconsistent.
    Manifest(String),
    /// A file's sha256 differs from the manifest.
    Checksum {
        /// Path relative to the pack root.
        file: String,
        /// Checksum in the manifest.
        expected: String,
        /// Checksum of the bytes read.
        actual: String,
    },
    /// A data file is not the JSON the schema expects.
    Json {
        /// Path relative to the pack root.
        file: String,
        /// The cause.
        message: String,
    },
    /// A file written for another schema version.
    Schema {
        /// Version found.
        found: u32,
        /// Version supported.
        supported: u32,
    },
}

impl std::fmt::Display for AssembleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssembleError::Io { path, message } => write!(f, "cannot read `{path}`: {message}"),
            AssembleError::Manifest(m) => write!(f, "bad manifest: {m}"),
            AssembleError::Checksum {
                file,
                expected,
                actual,
            } => write!(
                f,
                "checksum mismatch for `{file}`: manifest has {expected}, file has {actual}"
            ),
            AssembleError::Json { file, message } => write!(f, "bad JSON in `{file}`: {message}"),
            AssembleError::Schema { found, supported } => {
                write!(f, "schema version {found} (supported: {supported})")
            }
        }
    }
}

impl std::error::Error for AssembleError {}

/// Lower-case hex sha256 of `bytes`.
///
/// ```
/// let h = dosera_guidelines::assemble::sha256_hex(b"");
/// assert!(h.starts_with("e3b0c442"));
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parses a manifest and checks its internal consistency.
///
/// ```
/// let text = "schema_version = 1\nrelease = \"r\"\npacks = []\n";
/// let m = dosera_guidelines::assemble::parse_manifest(text, 1).unwrap();
/// assert_eq!(m.release, "r");
/// ```
pub fn parse_manifest(text: &str, supported_schema: u32) -> Result<Manifest, AssembleError> {
    let manifest: Manifest =
        toml::from_str(text).map_err(|e| AssembleError::Manifest(e.to_string()))?;
    if manifest.schema_version != supported_schema {
        return Err(AssembleError::Schema {
            found: manifest.schema_version,
            supported: supported_schema,
        });
    }
    for pack in &manifest.packs {
        if !matches!(pack.source.as_str(), "cpic" | "dpwg") {
            return Err(AssembleError::Manifest(format!(
                "unknown source `{}`",
                pack.source
            )));
        }
        let prefix = format!("{}/", pack.source);
        for file in &pack.files {
            if !file.path.starts_with(&prefix) || file.path.contains("..") {
                return Err(AssembleError::Manifest(format!(
                    "file `{}` lies outside pack `{}`",
                    file.path, pack.source
                )));
            }
        }
    }
    Ok(manifest)
}

/// Reads every file of `pack` through `read`, checks each checksum and the
/// schema version, and returns the pack as one minified JSON document
/// `{"meta", "drugs", "genes", "guidelines"}`.
///
/// `read` receives paths relative to the manifest.
pub fn assemble_pack(
    pack: &ManifestPack,
    supported_schema: u32,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, AssembleError>,
) -> Result<Vec<u8>, AssembleError> {
    let mut index: Option<serde_json::Value> = None;
    let mut genes = Vec::new();
    let mut guidelines = Vec::new();
    let license_bytes = read(&pack.license_file)?;
    if license_bytes.is_empty() {
        return Err(AssembleError::Manifest(format!(
            "licence file `{}` is empty",
            pack.license_file
        )));
    }
    for file in &pack.files {
        let bytes = read(&file.path)?;
        let actual = sha256_hex(&bytes);
        if actual != file.sha256 {
            return Err(AssembleError::Checksum {
                file: file.path.clone(),
                expected: file.sha256.clone(),
                actual,
            });
        }
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| AssembleError::Json {
                file: file.path.clone(),
                message: e.to_string(),
            })?;
        let rel = &file.path[pack.source.len() + 1..];
        if rel == "pack.json" {
            index = Some(value);
        } else if rel.starts_with("genes/") {
            genes.push(value);
        } else if rel.starts_with("guidelines/") {
            guidelines.push(value);
        } else {
            return Err(AssembleError::Manifest(format!(
                "unexpected file `{}`",
                file.path
            )));
        }
    }
    let Some(serde_json::Value::Object(mut index)) = index else {
        return Err(AssembleError::Manifest(format!(
            "pack `{}` has no pack.json object",
            pack.source
        )));
    };
    let meta = index.remove("meta").ok_or_else(|| AssembleError::Json {
        file: format!("{}/pack.json", pack.source),
        message: "missing `meta`".into(),
    })?;
    let found = meta
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0) as u32;
    if found != supported_schema {
        return Err(AssembleError::Schema {
            found,
            supported: supported_schema,
        });
    }
    if meta.get("source").and_then(serde_json::Value::as_str) != Some(pack.source.as_str()) {
        return Err(AssembleError::Manifest(format!(
            "pack.json of `{}` names another source",
            pack.source
        )));
    }
    let drugs = index
        .remove("drugs")
        .unwrap_or(serde_json::Value::Array(Vec::new()));
    let mut out = serde_json::Map::new();
    out.insert("meta".into(), meta);
    out.insert("drugs".into(), drugs);
    out.insert("genes".into(), serde_json::Value::Array(genes));
    out.insert("guidelines".into(), serde_json::Value::Array(guidelines));
    serde_json::to_vec(&serde_json::Value::Object(out)).map_err(|e| AssembleError::Json {
        file: pack.source.clone(),
        message: e.to_string(),
    })
}

/// Reads a manifest and all its packs from a folder.
///
/// Returns the manifest text, and per source its assembled JSON.
pub fn assemble_dir(
    root: &std::path::Path,
    supported_schema: u32,
) -> Result<(String, BTreeMap<String, Vec<u8>>), AssembleError> {
    let manifest_path = root.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| AssembleError::Io {
        path: manifest_path.display().to_string(),
        message: e.to_string(),
    })?;
    let manifest = parse_manifest(&text, supported_schema)?;
    let mut out = BTreeMap::new();
    for pack in &manifest.packs {
        let mut read = |rel: &str| {
            std::fs::read(root.join(rel)).map_err(|e| AssembleError::Io {
                path: rel.to_string(),
                message: e.to_string(),
            })
        };
        let blob = assemble_pack(pack, supported_schema, &mut read)?;
        out.insert(pack.source.clone(), blob);
    }
    Ok((text, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_pack(sha: &str) -> ManifestPack {
        ManifestPack {
            source: "cpic".into(),
            release: "cpic-test".into(),
            license: "CC0-1.0".into(),
            license_file: "cpic/LICENSE.md".into(),
            files: vec![ManifestFile {
                path: "cpic/pack.json".into(),
                sha256: sha.into(),
            }],
        }
    }

    const INDEX: &[u8] = br#"{"meta":{"schema_version":1,"source":"cpic"},"drugs":[]}"#;

    fn reader(rel: &str) -> Result<Vec<u8>, AssembleError> {
        match rel {
            "cpic/pack.json" => Ok(INDEX.to_vec()),
            "cpic/LICENSE.md" => Ok(b"CC0".to_vec()),
            _ => Err(AssembleError::Io {
                path: rel.into(),
                message: "absent".into(),
            }),
        }
    }

    #[test]
    fn good_checksum_assembles() {
        let pack = one_pack(&sha256_hex(INDEX));
        let blob = assemble_pack(&pack, 1, &mut reader).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&blob).unwrap();
        assert_eq!(v["meta"]["source"], "cpic");
        assert!(v["genes"].as_array().unwrap().is_empty());
    }

    #[test]
    fn bad_checksum_is_reported_with_the_file() {
        let pack = one_pack(&"0".repeat(64));
        match assemble_pack(&pack, 1, &mut reader) {
            Err(AssembleError::Checksum { file, .. }) => assert_eq!(file, "cpic/pack.json"),
            other => panic!("expected checksum error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_schema_is_rejected() {
        let pack = one_pack(&sha256_hex(INDEX));
        assert!(matches!(
            assemble_pack(&pack, 2, &mut reader),
            Err(AssembleError::Schema {
                found: 1,
                supported: 2
            })
        ));
        let text = "schema_version = 9\nrelease = \"r\"\npacks = []\n";
        assert!(matches!(
            parse_manifest(text, 1),
            Err(AssembleError::Schema { .. })
        ));
    }

    #[test]
    fn paths_outside_the_pack_are_rejected() {
        let text = "schema_version = 1\nrelease = \"r\"\n[[packs]]\nsource = \"cpic\"\nrelease = \"x\"\nlicense = \"CC0-1.0\"\nlicense_file = \"cpic/LICENSE.md\"\nfiles = [{ path = \"dpwg/pack.json\", sha256 = \"00\" }]\n";
        assert!(matches!(
            parse_manifest(text, 1),
            Err(AssembleError::Manifest(_))
        ));
    }
}
