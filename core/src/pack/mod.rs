//! Knowledge packs: the typed schema, loading (bundled, bytes, folder) and
//! writing. The importer that builds packs from upstream files is the
//! `dosera-import` crate.

pub mod advice;
mod check;
pub mod diff;
mod index;
mod load;
mod model;
mod notes;
mod sorted_map;
mod vocabulary;
pub mod words;
mod write;

pub use advice::{
    Advice, Amount, Condition, Direction, Dose, DoseBase, Effect, Implication, Phrase,
};
pub use check::check_references;
pub use diff::PackDiff;
pub use index::DrugInfo;
pub(crate) use index::{allele_names, DrugGuideline, Knowledge};
pub use load::PackSet;
pub use model::*;
pub use notes::applicable_notes;
pub use sorted_map::{Iter as SortedMapIter, SortedMap};
pub use vocabulary::{DrugLookup, DrugVia};
pub use write::write_dir;
