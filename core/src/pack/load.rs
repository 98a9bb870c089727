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
    /// let json = br#"{"meta":{"schema_version":3,"source":"cpic","release":"t",
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
        // Checked as UTF-8 once, so the parser need not check each string.
        let parsed = match std::str::from_utf8(bytes) {
            Ok(text) => serde_json::from_str::<Pack>(text),
            Err(_) => serde_json::from_slice::<Pack>(bytes),
        };
        match parsed {
            Ok(pack) if pack.meta.schema_version == SCHEMA_VERSION => {
                check_position_indexes(&pack)?;
                Ok(pack)
            }
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

/// Every named allele sets only positions its definition has.
fn check_position_indexes(pack: &Pack) -> Result<()> {
    for gene in &pack.genes {
        let Some(def) = &gene.definition else {
            continue;
        };
        for a in &def.alleles {
            if let Some((&last, _)) = a.alleles.last_key_value() {
                if last >= def.positions.len() {
                    return Err(Error::InvalidPack(format!(
                        "{} allele {}: position index {last} beyond the {} positions",
                        gene.symbol,
                        a.name,
                        def.positions.len()
                    )));
                }
            }
        }
    }
    Ok(())
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
        // The build script verified the manifest (checksums, schema) and
        // read its release; the schema is the one this build reads (one
        // constant, `dosera_guidelines::SCHEMA_VERSION`).
        Ok(PackSet::new(
            packs,
            dosera_guidelines::RELEASE.to_string(),
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

    /// Loads packs held in memory, each one pack as a single JSON document
    /// (the form `dosera-guidelines` embeds). There is no manifest to check
    /// against: the release is the packs' own releases joined with `+`, and
    /// the sha256 is taken over the blobs in the order given.
    ///
    /// ```
    /// let blobs: Vec<&[u8]> = dosera_guidelines::BUNDLED.iter().map(|(_, b)| *b).collect();
    /// let set = dosera::pack::PackSet::from_bytes(&blobs)?;
    /// assert_eq!(set.packs.len(), 2);
    /// assert!(dosera::pack::PackSet::from_bytes(&[b"{}"]).is_err());
    /// assert!(dosera::pack::PackSet::from_bytes(&[]).is_err());
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn from_bytes(blobs: &[&[u8]]) -> Result<PackSet> {
        if blobs.is_empty() {
            return Err(Error::InvalidPack("no pack given".into()));
        }
        let mut packs = Vec::new();
        let mut all = Vec::new();
        for blob in blobs {
            let pack = Pack::from_json(blob)?;
            if packs
                .iter()
                .any(|p: &Pack| p.meta.source == pack.meta.source)
            {
                return Err(Error::InvalidPack(format!(
                    "two packs for source {}",
                    pack.meta.source
                )));
            }
            packs.push(pack);
            all.extend_from_slice(blob);
        }
        let release = packs
            .iter()
            .map(|p| p.meta.release.as_str())
            .collect::<Vec<_>>()
            .join("+");
        Ok(PackSet::new(packs, release, assemble::sha256_hex(&all)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pack_with_alleles(alleles: &str) -> Vec<u8> {
        format!(
            r#"{{"meta":{{"schema_version":{SCHEMA_VERSION},"source":"cpic","release":"t",
            "license":"CC0-1.0","attribution":"CPIC","upstream":[]}},"drugs":[],
            "genes":[{{"symbol":"G1","definition":{{"version":"1","genome_build":"b38",
            "refseq_chromosome":"NC","positions":[{{"chromosome":"chr1","position":10,
            "hgvs":"g.10A>G","ref":"A","alts":["G"],"cpic_alleles":["A","G"],
            "cpic_to_vcf":{{}}}}],"alleles":[{{"name":"*1","reference":true,
            "alleles":{alleles}}}],"exemptions":{{}}}},
            "phenotyping":{{"version":"1","method":"function_pair"}}}}],"guidelines":[]}}"#
        )
        .into_bytes()
    }

    #[test]
    fn sparse_alleles_are_read_strictly() {
        let pack = Pack::from_json(&pack_with_alleles(r#"{"0":"A"}"#)).unwrap();
        let def = pack.genes[0].definition.as_ref().unwrap();
        assert_eq!(def.alleles[0].allele_at(0), Some("A"));
        for bad in [
            r#"{"1":"A"}"#,
            r#"{"0":"A","0":"G"}"#,
            r#"["A"]"#,
            r#"{"x":"A"}"#,
        ] {
            let err = Pack::from_json(&pack_with_alleles(bad)).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidPack, "{bad}: {err}");
        }
    }
}
