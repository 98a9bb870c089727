//! The importer: reads upstream files as published and writes packs in the
//! project's schema.
//!
//! It is a crate of its own so that only the tools that build packs (the
//! `dosera pack import` command and the conformance tests) compile it; the
//! engine and the language bindings read packs and never import them.
//!
//! ```no_run
//! use dosera_import::{import, ImportOptions};
//! let options = ImportOptions {
//!     release: "2026.12.2".into(),
//!     verbatim: false,
//!     leave_out: Vec::new(),
//! };
//! let imported = import("../shared/reference".as_ref(), &options)?;
//! dosera::pack::write_dir(&imported.packs, &options.release, "/tmp/packs".as_ref())?;
//! # Ok::<(), dosera::Error>(())
//! ```

mod curation;
mod facts;
mod genes;
mod notes;
mod packs;
mod recommendations;
mod supplements;
mod vocabulary;

pub use curation::text_sha256;
pub use genes::{import_genes, GeneImport};
pub use packs::{import, ImportOptions, Imported};
pub use recommendations::{import_guidelines, GuidelineImport};
pub use supplements::SUPPLEMENT_GROUPS;
