//! The knowledge packs bundled with dosera.
//!
//! `data/` holds the packs in the project's schema as pretty JSON, one
//! folder per source, listed with their sha256 in `data/MANIFEST.toml`.
//! `build.rs` verifies every checksum and the schema version, assembles each
//! pack into one minified JSON document and embeds it here. A pack whose
//! files do not match the manifest fails the build.
//!
//! ```
//! // The release named in the bundled manifest, read at build time.
//! assert!(dosera_guidelines::MANIFEST.contains(dosera_guidelines::RELEASE));
//! // Each bundled pack is a JSON document with meta, drugs, genes, guidelines.
//! for (source, blob) in dosera_guidelines::BUNDLED {
//!     let v: serde_json::Value = serde_json::from_slice(blob).unwrap();
//!     assert_eq!(v["meta"]["source"], *source);
//! }
//! ```

pub mod assemble;

/// Schema version the bundled data was validated against.
pub use assemble::SCHEMA_VERSION;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
