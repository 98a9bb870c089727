//! Knowledge packs: the typed schema, loading (bundled, bytes, folder) and
//! the importer that builds packs from upstream files.

pub mod import;
mod model;

pub use model::*;
