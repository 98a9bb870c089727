//! The importer: reads upstream files as published and writes packs in the
//! project's schema.

mod curation;
mod facts;
mod genes;
mod notes;
mod packs;
mod recommendations;

pub use curation::text_sha256;
pub use genes::{import_genes, GeneImport};
pub use packs::{import, ImportOptions, Imported};
pub use recommendations::{import_guidelines, GuidelineImport};
