//! The diplotype matcher: candidate pairs checked directly against the
//! genotypes with one bitset per position and allele.
//!
//! - `call`: the entry points, reported names and curated notes;
//! - `matching`: `match_gene` as a sequence of named steps;
//! - `reading`: observations into usable genotypes, half-calls and evidence;
//! - `scoring`: candidate pairs that fit, their scores and priority picks;
//! - `phase`: phase state, half-calls and phase-set orientation;
//! - `hapb3`, `lowest_function`, `slco1b1`: gene special cases.

mod call;
mod hapb3;
mod lowest_function;
mod matching;
mod phase;
mod reading;
mod scoring;
mod slco1b1;

pub(crate) use call::{call_gene, call_gene_lean};
