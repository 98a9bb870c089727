//! Shared helpers for the conformance tests: where `../shared` is, and small
//! readers for the upstream files the tests compare against.

use std::path::PathBuf;

pub mod builder;
pub mod cohort;
pub mod deviations;
pub mod exhaustive;
pub mod fuzz;
pub mod gold;
pub mod java_cases;
pub mod panics;
pub mod report_cases;
pub mod truth;

/// `../shared` beside the checkout, when present.
///
/// ```
/// // Either the folder exists, or tests print that they skipped.
/// let _ = dosera_conformance::shared_dir();
/// ```
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.join("reference").is_dir().then_some(dir)
}

/// `../shared/reference`, or `None` after printing that the caller skipped.
pub fn reference_or_skip(test: &str) -> Option<PathBuf> {
    match shared_dir() {
        Some(d) => Some(d.join("reference")),
        None => {
            println!("{test}: skipped: ../shared is absent");
            None
        }
    }
}

/// Canonical text of an activity-score key: `0` → `0.0`, `≥4` → `≥4.0`,
/// `1.25` unchanged. Written independently of the engine's formatter.
///
/// ```
/// use dosera_conformance::canonical_score;
/// assert_eq!(canonical_score("0").as_deref(), Some("0.0"));
/// assert_eq!(canonical_score("≥3").as_deref(), Some("≥3.0"));
/// assert_eq!(canonical_score("0.25").as_deref(), Some("0.25"));
/// assert_eq!(canonical_score("n/a"), None);
/// ```
pub fn canonical_score(key: &str) -> Option<String> {
    let (prefix, num) = match key.strip_prefix('≥') {
        Some(rest) => ("≥", rest),
        None => ("", key),
    };
    let value: f64 = num.trim().parse().ok()?;
    let hundredths = (value * 100.0).round() as i64;
    let text = if hundredths % 10 == 0 {
        format!("{:.1}", value)
    } else {
        format!("{:.2}", value)
    };
    Some(format!("{prefix}{text}"))
}

/// Genes whose lookup keys are activity scores.
pub const SCORE_GENES: [&str; 3] = ["CYP2D6", "CYP2C9", "DPYD"];

/// The documentation pages, so that their `rust` blocks run as doc tests
/// (`cli/tests/docs.rs` checks that every page with one is included here).
#[cfg(doctest)]
pub mod docs {
    #[doc = include_str!("../../README.md")]
    pub struct Readme;
    #[doc = include_str!("../../CONTRIBUTING.md")]
    pub struct Contributing;
    #[doc = include_str!("../../docs/command-line.md")]
    pub struct CommandLine;
    #[doc = include_str!("../../docs/knowledge-packs.md")]
    pub struct KnowledgePacks;
    #[doc = include_str!("../../docs/c-api.md")]
    pub struct CApi;
    #[doc = include_str!("../../docs/python.md")]
    pub struct Python;
    #[doc = include_str!("../../docs/calculator.md")]
    pub struct Calculator;
}
