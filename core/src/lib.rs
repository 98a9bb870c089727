//! dosera: pharmacogenomics clinical decision support.
//!
//! dosera turns a patient's gene results into phenotypes and the matching
//! recommendations of the CPIC and DPWG guidelines, from knowledge packs
//! bundled with the library (or loaded from a folder). Its output supports a
//! prescriber's decision; it is not a diagnosis.
//!
//! The pipeline runs one way:
//!
//! 1. **pack**: typed knowledge packs ([`pack::Pack`]): allele definitions,
//!    allele function, phenotype rules, guidelines and recommendations.
//! 2. **phenotype**: a diplotype (or activity score) becomes a phenotype and a
//!    guideline lookup key, by the rules of each source ([`phenotype`]).
//! 3. **recommend**: gene results become the matching recommendations per
//!    drug and source, with every candidate shown ([`Engine::recommend`]).
//!
//! ```
//! use dosera::{Engine, Request, Source};
//!
//! let engine = Engine::bundled()?;
//! let request = Request::new([
//!     "CYP2C19=*2/*2".parse()?,
//!     "CYP2D6=1.0".parse()?,
//! ])
//! .drugs(["amitriptyline", "clopidogrel"]);
//! let result = engine.recommend(&request)?;
//!
//! // Every result names the pack release it came from.
//! assert!(result.packs.iter().any(|p| p.source == Source::Cpic));
//! for drug in &result.drugs {
//!     for m in &drug.matches {
//!         println!("{} ({}): {} — {}", drug.drug, drug.source, m.action.label(), m.summary);
//!     }
//! }
//! # Ok::<(), dosera::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod allele;
mod engine;
pub mod error;
pub mod genotype;
pub mod input;
pub mod names;
pub mod pack;
pub mod phenotype;
mod recommend;
pub mod report;
pub mod simulate;

pub use engine::{AlleleInfo, Engine, GeneChoices, GeneInfo, Releases};
pub use pack::DrugInfo;
pub use report::evaluate::{evaluate, Failure, SampleOutcome, VcfOptions};

/// Version of this engine, recorded in every result.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
pub use error::{Error, ErrorCode, ErrorRange, Result};
pub use pack::Source;
pub use recommend::{
    AffectedAlternative, Candidate, DrugResult, GeneInput, GeneResult, InputKind, Match, NonAnswer,
    NonAnswerReason, PackInfo, Recommendations, Request, ResolvedOutside, SourceCall,
    SourceDisagreement, CANDIDATE_SEPARATOR, MAX_COMBINATIONS,
};

/// In core's own unit tests only: a sample of this name panics while it is
/// called or its rows are made, standing in for a bug, so the tests can
/// check that a failing sample is reported as failed and the rest kept.
#[cfg(test)]
pub(crate) const PANICKING_SAMPLE: &str = "__panics_in_core_unit_tests__";

/// In core's own unit tests only: the message every panic planted by a test
/// starts with. [`quiet_planted_panics`] keeps such panics off the test
/// output; any other panic is printed as usual.
#[cfg(test)]
pub(crate) const PLANTED_PANIC: &str = "fault injected by a unit test";

/// In core's own unit tests only: installs (once per process) a panic hook
/// that stays silent for panics whose message starts with [`PLANTED_PANIC`]
/// and hands every other panic to the hook that was there before.
#[cfg(test)]
pub(crate) fn quiet_planted_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !text.is_some_and(|t| t.starts_with(PLANTED_PANIC)) {
                previous(info);
            }
        }));
    });
}
