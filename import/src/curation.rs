//! Reviewed facts: the project's reviewers read every upstream
//! recommendation text and wrote what it says as [`Advice`]
//! (`guidelines/curation/facts.json`). The importer applies them by the
//! sha256 of the upstream text, so a re-import keeps every correction and a
//! changed upstream text falls back to the keyword classifier, reported as
//! unreviewed.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::facts::{Effect as Seen, Facts};
use dosera::pack::{Advice, Direction, Dose, DoseBase, Effect, Implication, Phrase, Source};

const FACTS: &str = include_str!("../../guidelines/curation/facts.json");

/// One reviewed upstream text.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Reviewed {
    /// sha256 of the text read ([`text_sha256`]).
    pub sha256: String,
    /// `ok` (the classifier was right) or `corrected`.
    #[allow(dead_code)]
    pub verdict: String,
    /// The facts.
    #[serde(flatten)]
    pub advice: Advice,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(flatten)]
    reviewed: Reviewed,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

static REVIEWED: LazyLock<Result<BTreeMap<String, Reviewed>, String>> = LazyLock::new(|| {
    let entries: Vec<Entry> =
        serde_json::from_str(FACTS).map_err(|e| format!("guidelines/curation/facts.json: {e}"))?;
    Ok(entries
        .into_iter()
        .map(|e| (e.reviewed.sha256.clone(), e.reviewed))
        .collect())
});

/// The reviewed facts by text sha256.
pub(crate) fn reviewed() -> Result<&'static BTreeMap<String, Reviewed>, String> {
    REVIEWED.as_ref().map_err(Clone::clone)
}

/// The sha256 a review is keyed by: source, drug, population, the
/// recommendation text and the implication texts, separated by control
/// characters.
///
/// ```
/// use dosera_import::text_sha256;
/// let a = text_sha256(dosera::Source::Cpic, "codeine", None, "t", &[]);
/// assert_eq!(a.len(), 64);
/// assert_ne!(a, text_sha256(dosera::Source::Dpwg, "codeine", None, "t", &[]));
/// ```
pub fn text_sha256(
    source: Source,
    drug: &str,
    population: Option<&str>,
    text: &str,
    implications: &[String],
) -> String {
    let joined = [
        source.as_str(),
        drug,
        population.unwrap_or(""),
        text,
        &implications.join("\u{1e}"),
    ]
    .join("\u{1f}");
    let digest = Sha256::digest(joined.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Facts from the keyword classifier, for a text no reviewer has read.
pub(crate) fn unreviewed(f: &Facts, seen: &Seen) -> Advice {
    let p = |en: &str, sv: &str| Phrase {
        en: en.into(),
        sv: sv.into(),
    };
    let (effect, direction, what) = match seen {
        Seen::Unknown => (
            Effect::None,
            Direction::Unknown,
            p("the effect on this drug", "effekten på läkemedlet"),
        ),
        Seen::Risk(event) => (
            Effect::Toxicity,
            Direction::Increased,
            p(&format!("risk of {event}"), "risk för biverkningar"),
        ),
        Seen::ReducedEfficacy => (
            Effect::Efficacy,
            Direction::Decreased,
            p("efficacy", "effekt"),
        ),
        Seen::HigherExposure => (
            Effect::Exposure,
            Direction::Increased,
            p("exposure", "exponering"),
        ),
        Seen::LowerExposure => (
            Effect::Exposure,
            Direction::Decreased,
            p("exposure", "exponering"),
        ),
        Seen::Typical => (Effect::None, Direction::Normal, p("response", "svar")),
        Seen::Unclassified => (
            Effect::None,
            Direction::Unknown,
            p("the effect on this drug", "effekten på läkemedlet"),
        ),
    };
    Advice {
        action: f.action,
        dose: f.dose.as_ref().map(|d| Dose {
            percent: Some([d.percent_min, d.percent_max]),
            amount: None,
            unit: None,
            per: None,
            of: match d.of.as_str() {
                "starting dose" | "lowest starting dose" => DoseBase::Starting,
                "maintenance dose" => DoseBase::Maintenance,
                _ => DoseBase::Usual,
            },
            frequency: None,
            max: None,
            titration: None,
        }),
        detail: None,
        conditions: Vec::new(),
        alternatives: f.alternatives.clone(),
        alternative_kind: None,
        also_affected: Vec::new(),
        avoid_drugs: Vec::new(),
        other_drugs: Vec::new(),
        monitoring: Vec::new(),
        implication: Implication {
            effect,
            direction,
            what,
            compared_to: None,
            detail: None,
        },
        not_carried: vec![p(
            "the full advice (this text has not been reviewed)",
            "hela rådet (texten är inte granskad)",
        )],
    }
}
