//! Loading packs: bundled, from a folder with a manifest, or from bytes.

use std::path::Path;

use dosera_guidelines::assemble::{self, AssembleError};

use super::model::{Pack, Source, SCHEMA_VERSION};
use crate::{Error, Result};

/// A set of loaded packs (at most one per source) and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct PackSet {
    /// The packs, in [`Source::ALL`] order.
    pub packs: Vec<Pack>,
    /// Release string of the set (from the manifest).
    pub release: String,
    /// sha256 of the manifest, which lists the sha256 of every file.
    pub sha256: String,
}

impl Pack {
    /// Parses one assembled pack (the JSON document `{"meta", "drugs",
    /// "genes", "guidelines"}`) and checks its schema version.
    ///
    /// ```
    /// let json = br#"{"meta":{"schema_version":1,"source":"cpic","release":"t",
    ///   "license":"CC0-1.0","attribution":"CPIC","upstream":[]},
    ///   "drugs":[],"genes":[],"guidelines":[]}"#;
    /// let pack = dosera::pack::Pack::from_json(json).unwrap();
    /// assert_eq!(pack.meta.source, dosera::Source::Cpic);
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Pack> {
        // One full parse on the happy path; when it fails or the version is
        // not ours, a metadata-only probe gives a version error rather than a
        // confusing field error.
        #[derive(serde::Deserialize)]
        struct Probe {
            meta: ProbeMeta,
        }
        #[derive(serde::Deserialize)]
        struct ProbeMeta {
            schema_version: u32,
        }
        let version_error = |found: u32| Error::SchemaVersion {
            found,
            supported: SCHEMA_VERSION,
        };
        match serde_json::from_slice::<Pack>(bytes) {
            Ok(pack) if pack.meta.schema_version == SCHEMA_VERSION => Ok(pack),
            Ok(pack) => Err(version_error(pack.meta.schema_version)),
            Err(full) => {
                let probe: Probe = serde_json::from_slice(bytes)
                    .map_err(|e| Error::InvalidPack(format!("no readable pack metadata: {e}")))?;
                if probe.meta.schema_version != SCHEMA_VERSION {
                    return Err(version_error(probe.meta.schema_version));
                }
                Err(Error::InvalidPack(full.to_string()))
            }
        }
    }
}

impl PackSet {
    /// The packs embedded in this build (`dosera-guidelines`).
    ///
    /// ```
    /// let set = dosera::pack::PackSet::bundled().unwrap();
    /// assert_eq!(set.packs.len(), 2);
    /// ```
    pub fn bundled() -> Result<PackSet> {
        let mut packs = Vec::new();
        for (source, blob) in dosera_guidelines::BUNDLED {
            let pack = Pack::from_json(blob)?;
            if pack.meta.source.as_str() != *source {
                return Err(Error::InvalidPack(format!(
                    "bundled pack `{source}` names source {}",
                    pack.meta.source
                )));
            }
            packs.push(pack);
        }
        if packs.is_empty() {
            return Err(Error::InvalidPack("this build has no bundled packs".into()));
        }
        let manifest =
            assemble::parse_manifest(dosera_guidelines::MANIFEST, SCHEMA_VERSION).map_err(map)?;
        Ok(PackSet::new(
            packs,
            manifest.release,
            dosera_guidelines::PACKS_SHA256.to_string(),
        ))
    }

    /// Loads the packs of a folder holding `MANIFEST.toml`, verifying every
    /// file's sha256 and the schema version.
    ///
    /// ```no_run
    /// let set = dosera::pack::PackSet::from_dir("guidelines/data".as_ref()).unwrap();
    /// println!("{}", set.release);
    /// ```
    pub fn from_dir(root: &Path) -> Result<PackSet> {
        let (text, blobs) = assemble::assemble_dir(root, SCHEMA_VERSION).map_err(map)?;
        let manifest = assemble::parse_manifest(&text, SCHEMA_VERSION).map_err(map)?;
        let mut packs = Vec::new();
        for blob in blobs.values() {
            packs.push(Pack::from_json(blob)?);
        }
        if packs.is_empty() {
            return Err(Error::InvalidPack(format!(
                "{} lists no packs",
                root.display()
            )));
        }
        Ok(PackSet::new(
            packs,
            manifest.release,
            assemble::sha256_hex(text.as_bytes()),
        ))
    }

    /// Builds a set from packs already in memory (e.g. fresh from the importer).
    pub fn new(mut packs: Vec<Pack>, release: String, sha256: String) -> PackSet {
        packs.sort_by_key(|p| p.meta.source);
        PackSet {
            packs,
            release,
            sha256,
        }
    }

    /// The pack of one source, if loaded.
    pub fn pack(&self, source: Source) -> Option<&Pack> {
        self.packs.iter().find(|p| p.meta.source == source)
    }
}

fn map(e: AssembleError) -> Error {
    match e {
        AssembleError::Checksum {
            file,
            expected,
            actual,
        } => Error::ChecksumMismatch {
            file,
            expected,
            actual,
        },
        AssembleError::Schema { found, supported } => Error::SchemaVersion { found, supported },
        AssembleError::Io { path, message } => Error::Io {
            path,
            source: std::io::Error::other(message),
        },
        other => Error::InvalidPack(other.to_string()),
    }
}
