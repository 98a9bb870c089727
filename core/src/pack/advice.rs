//! What one recommendation row says, as facts: the primary action and dose,
//! conditions with their own action and dose, drugs named (as alternatives,
//! also affected, to avoid, or otherwise), monitoring, the implication as an
//! effect and a direction, and what the facts do not carry.
//!
//! The facts are written by the project's reviewers after reading each
//! upstream row (see `guidelines/curation/`); the formatter in
//! [`crate::pack::words`] turns them into English or Swedish sentences.

use serde::{Deserialize, Serialize};

use super::Action;

/// A short text in the project's words, in English and Swedish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Phrase {
    /// English.
    pub en: String,
    /// Swedish.
    pub sv: String,
}

impl Phrase {
    /// A phrase with the same text in both languages (names, numbers).
    ///
    /// ```
    /// let p = dosera::pack::Phrase::same("INR");
    /// assert_eq!(p.sv, "INR");
    /// ```
    pub fn same(text: &str) -> Phrase {
        Phrase {
            en: text.to_string(),
            sv: text.to_string(),
        }
    }
}

/// Which dose a share or amount refers to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum DoseBase {
    /// The usual starting dose.
    Starting,
    /// The usual (standard) dose.
    #[default]
    Usual,
    /// The maintenance dose.
    Maintenance,
    /// The daily dose.
    Daily,
    /// The loading dose.
    Loading,
    /// The dose the patient takes now.
    Current,
    /// The initial dose.
    Initial,
    /// The total dose.
    Total,
}

/// An absolute amount (`75 mg` per `day`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Amount {
    /// The number.
    pub amount: f64,
    /// Unit (`mg`, `mg/kg`, `µg`).
    pub unit: String,
    /// Per what (`day`, `week`, `dose`), if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
}

/// A dose as the guideline states it: a share of a usual dose, or an
/// absolute amount, with frequency, cap and titration where given.
///
/// ```
/// let d: dosera::pack::Dose =
///     serde_json::from_str(r#"{"percent": [10, 10], "of": "starting"}"#).unwrap();
/// assert_eq!(d.percent, Some([10.0, 10.0]));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "A dose as the guideline states it: a share of a usual dose, or an absolute amount, with frequency, cap and titration where given."
)]
pub struct Dose {
    /// Share of the dose named by `of`, percent, `[min, max]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<[f64; 2]>,
    /// Absolute amount `[min, max]`, in `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<[f64; 2]>,
    /// Unit of `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `amount` per what (`day`, `week`, `dose`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    /// Which dose the share refers to.
    #[serde(default)]
    pub of: DoseBase,
    /// A changed schedule (three times a week instead of daily).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Phrase>,
    /// A cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Amount>,
    /// Titration or waiting time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub titration: Option<Phrase>,
}

/// Advice that holds only under a condition (an indication, a duration, a
/// population, an insufficient response, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Condition {
    /// When it applies.
    pub when: Phrase,
    /// What to do then.
    pub action: Action,
    /// Dose then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Dose>,
    /// More advice for this condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Phrase>,
}

/// What the implication is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Drug or active-metabolite levels.
    Exposure,
    /// How well the drug works.
    Efficacy,
    /// Risk of adverse effects.
    Toxicity,
    /// Treatment response.
    Response,
    /// No effect stated.
    None,
}

/// Which way the effect goes for this result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher.
    Increased,
    /// Lower.
    Decreased,
    /// As in people with typical gene function.
    Normal,
    /// Cannot be said from this result.
    Unknown,
}

/// The implication of the result for this drug.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Implication {
    /// What kind of effect.
    pub effect: Effect,
    /// Its direction.
    pub direction: Direction,
    /// The effect named precisely (`risk of myelosuppression`).
    pub what: Phrase,
    /// Compared with whom (`normal metabolizers`), when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared_to: Option<Phrase>,
    /// A second effect or figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Phrase>,
}

/// Everything one recommendation row says, as facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Advice {
    /// The primary action, without conditions.
    pub action: Action,
    /// The primary dose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Dose>,
    /// More advice the fields cannot hold (a full sentence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Phrase>,
    /// Advice under conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Drugs the guideline names as alternatives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// A kind of alternative the guideline names without naming a drug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_kind: Option<Phrase>,
    /// Drugs named as affected by the same result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_affected: Vec<String>,
    /// Drugs named as also to avoid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoid_drugs: Vec<String>,
    /// Drugs named otherwise (comparison, co-medication).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_drugs: Vec<String>,
    /// What to monitor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring: Vec<Phrase>,
    /// The implication.
    pub implication: Implication,
    /// What the guideline says that these facts do not carry: shown as
    /// "see the guideline for …".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_carried: Vec<Phrase>,
}

impl Advice {
    /// Every drug the facts name, with the role it is named in.
    ///
    /// ```
    /// let a: dosera::pack::Advice = serde_json::from_str(r#"{
    ///   "action": "use_alternative", "alternatives": ["prasugrel"],
    ///   "implication": {"effect": "efficacy", "direction": "decreased",
    ///                   "what": {"en": "effect", "sv": "effekt"}}}"#).unwrap();
    /// assert_eq!(a.named_drugs(), vec![("prasugrel", "alternative")]);
    /// ```
    pub fn named_drugs(&self) -> Vec<(&str, &'static str)> {
        let mut out = Vec::new();
        for (list, role) in [
            (&self.alternatives, "alternative"),
            (&self.also_affected, "also affected"),
            (&self.avoid_drugs, "to avoid"),
            (&self.other_drugs, "named"),
        ] {
            out.extend(list.iter().map(|d| (d.as_str(), role)));
        }
        out
    }
}
