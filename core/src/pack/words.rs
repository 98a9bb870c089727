//! The one formatter of clinical text: turns a recommendation's facts
//! ([`Advice`]), doses, actions, lookup keys, phenotypes, populations and
//! strengths into English or Swedish words. Every output (CLI text and
//! JSON, HTML, FHIR, TSV, the calculator and the C, Python and WebAssembly
//! APIs) takes its clinical sentences from here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::advice::{Advice, Amount, Condition, Direction, Dose, DoseBase, Phrase};
use super::{Action, LookupKey};

/// Language of clinical and fixed text.
///
/// ```
/// use dosera::pack::words::Lang;
/// assert_eq!("sv".parse::<Lang>().unwrap(), Lang::Sv);
/// assert_eq!(Lang::En.code(), "en");
/// assert!("de".parse::<Lang>().is_err());
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "Language of clinical and fixed text: `en` or `sv`.")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Swedish.
    Sv,
}

impl Lang {
    /// Every language, in a stable order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Sv];

    /// The language code (`en`, `sv`), as used in `<html lang>`.
    ///
    /// ```
    /// assert_eq!(dosera::pack::words::Lang::Sv.code(), "sv");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
        }
    }

    /// The phrase in this language.
    ///
    /// ```
    /// use dosera::pack::{words::Lang, Phrase};
    /// let p = Phrase { en: "blood counts".into(), sv: "blodstatus".into() };
    /// assert_eq!(Lang::Sv.pick(&p), "blodstatus");
    /// ```
    pub fn pick(self, p: &Phrase) -> &str {
        match self {
            Lang::En => &p.en,
            Lang::Sv => &p.sv,
        }
    }

    fn t(self, en: &'static str, sv: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Sv => sv,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code other than `en` or `sv`.
///
/// ```
/// let err = "fr".parse::<dosera::pack::words::Lang>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown report language `fr` (expected en or sv)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown report language `{}` (expected en or sv)",
            self.0
        )
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Parses `en` or `sv` (ASCII case and surrounding space ignored).
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        let code = s.trim();
        if code.eq_ignore_ascii_case("en") {
            Ok(Lang::En)
        } else if code.eq_ignore_ascii_case("sv") {
            Ok(Lang::Sv)
        } else {
            Err(UnknownLang(s.to_string()))
        }
    }
}

/// A number as written in `lang`: no trailing zeros, decimal comma in Swedish.
///
/// ```
/// use dosera::pack::words::{number, Lang};
/// assert_eq!(number(1.5, Lang::Sv), "1,5");
/// assert_eq!(number(50.0, Lang::En), "50");
/// ```
pub fn number(x: f64, lang: Lang) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e9 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    match lang {
        Lang::En => s,
        Lang::Sv => s.replace('.', ","),
    }
}

fn range(r: [f64; 2], lang: Lang) -> String {
    if r[0] == r[1] {
        number(r[0], lang)
    } else {
        format!("{}–{}", number(r[0], lang), number(r[1], lang))
    }
}

/// A share of a dose (`25–50%`, `25–50 %`).
///
/// ```
/// use dosera::pack::words::{percent, Lang};
/// assert_eq!(percent([25.0, 50.0], Lang::En), "25–50%");
/// assert_eq!(percent([12.5, 12.5], Lang::Sv), "12,5 %");
/// ```
pub fn percent(r: [f64; 2], lang: Lang) -> String {
    match lang {
        Lang::En => format!("{}%", range(r, lang)),
        Lang::Sv => format!("{} %", range(r, lang)),
    }
}

fn base(of: DoseBase, lang: Lang) -> &'static str {
    match of {
        DoseBase::Starting => lang.t("the usual starting dose", "den vanliga startdosen"),
        DoseBase::Usual => lang.t("the usual dose", "den vanliga dosen"),
        DoseBase::Maintenance => {
            lang.t("the usual maintenance dose", "den vanliga underhållsdosen")
        }
        DoseBase::Daily => lang.t("the usual daily dose", "den vanliga dygnsdosen"),
        DoseBase::Loading => lang.t("the usual loading dose", "den vanliga laddningsdosen"),
        DoseBase::Current => lang.t("the current dose", "den nuvarande dosen"),
        DoseBase::Initial => lang.t("the usual initial dose", "den vanliga initialdosen"),
        DoseBase::Total => lang.t("the usual total dose", "den vanliga totaldosen"),
    }
}

fn per(p: &str, lang: Lang) -> String {
    let w = match (p, lang) {
        ("day", Lang::En) => "per day",
        ("day", Lang::Sv) => "per dygn",
        ("week", Lang::En) => "per week",
        ("week", Lang::Sv) => "per vecka",
        ("dose", Lang::En) => "per dose",
        ("dose", Lang::Sv) => "per dos",
        ("kg/day", Lang::En) => "per kg per day",
        ("kg/day", Lang::Sv) => "per kg och dygn",
        ("kg", _) => "per kg",
        ("m2", _) => "per m²",
        (other, _) => return format!("per {other}"),
    };
    w.to_string()
}

fn amount(a: [f64; 2], unit: &str, per_what: Option<&str>, lang: Lang) -> String {
    let mut s = format!("{} {unit}", range(a, lang));
    if let Some(p) = per_what {
        s.push(' ');
        s.push_str(&per(p, lang));
    }
    s
}

fn cap(a: &Amount, lang: Lang) -> String {
    format!(
        "{} {}",
        lang.t("at most", "högst"),
        amount([a.amount, a.amount], &a.unit, a.per.as_deref(), lang)
    )
}

/// A dose in words: the share or amount, the schedule, the cap and the
/// titration, in that order.
///
/// ```
/// use dosera::pack::words::{dose_text, Lang};
/// let d: dosera::pack::Dose = serde_json::from_str(
///     r#"{"percent": [10, 10], "of": "starting",
///         "frequency": {"en": "three times a week", "sv": "tre gånger i veckan"}}"#).unwrap();
/// assert_eq!(dose_text(&d, Lang::En), "10% of the usual starting dose, three times a week");
/// assert_eq!(dose_text(&d, Lang::Sv), "10 % av den vanliga startdosen, tre gånger i veckan");
/// let cap: dosera::pack::Dose = serde_json::from_str(
///     r#"{"max": {"amount": 20, "unit": "mg"}, "of": "starting"}"#).unwrap();
/// assert_eq!(dose_text(&cap, Lang::En), "starting dose at most 20 mg");
/// assert_eq!(dose_text(&cap, Lang::Sv), "startdos högst 20 mg");
/// ```
pub fn dose_text(d: &Dose, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    let share = d.percent.map(|p| {
        format!(
            "{} {} {}",
            percent(p, lang),
            lang.t("of", "av"),
            base(d.of, lang)
        )
    });
    let abs = d
        .amount
        .map(|a| amount(a, d.unit.as_deref().unwrap_or(""), d.per.as_deref(), lang));
    let per_day = d.per.as_deref() == Some("day")
        || d.max
            .as_ref()
            .is_some_and(|m| m.per.as_deref() == Some("day"));
    let named = match (d.of, share.is_some()) {
        (_, true) | (DoseBase::Usual | DoseBase::Current | DoseBase::Total, false) => None,
        (DoseBase::Daily, _) if per_day => None,
        (DoseBase::Starting, _) => Some(lang.t("starting dose", "startdos")),
        (DoseBase::Maintenance, _) => Some(lang.t("maintenance dose", "underhållsdos")),
        (DoseBase::Daily, _) => Some(lang.t("daily dose", "dygnsdos")),
        (DoseBase::Loading, _) => Some(lang.t("loading dose", "laddningsdos")),
        (DoseBase::Initial, _) => Some(lang.t("initial dose", "initialdos")),
    };
    match (share, abs) {
        (Some(s), Some(a)) => parts.push(format!("{s} ({a})")),
        (Some(s), None) => parts.push(s),
        (None, Some(a)) => parts.push(a),
        (None, None) => {}
    }
    if let Some(f) = &d.frequency {
        parts.push(lang.pick(f).to_string());
    }
    if let Some(m) = &d.max {
        parts.push(cap(m, lang));
    }
    if let (Some(n), Some(first)) = (named, parts.first_mut()) {
        *first = format!("{n} {first}");
    }
    let mut s = parts.join(", ");
    if let Some(t) = &d.titration {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(lang.pick(t));
    }
    s
}

/// A short label of an action (`reduce dose`, `sänk dosen`).
///
/// ```
/// use dosera::pack::{words::{action_label, Lang}, Action};
/// assert_eq!(action_label(Action::Avoid, Lang::Sv), "undvik");
/// assert_eq!(action_label(Action::Avoid, Lang::En), Action::Avoid.label());
/// ```
pub fn action_label(action: Action, lang: Lang) -> &'static str {
    match lang {
        Lang::En => action.label(),
        Lang::Sv => match action {
            Action::StandardDosing => "standarddosering",
            Action::ReduceDose => "sänk dosen",
            Action::IncreaseDose => "höj dosen",
            Action::Avoid => "undvik",
            Action::UseAlternative => "använd ett annat läkemedel",
            Action::ConsiderAlternative => "överväg ett annat läkemedel",
            Action::Monitor => "följ upp noga",
            Action::NoRecommendation => "ingen rekommendation",
            Action::Other => "annan vägledning",
        },
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn sentence(s: &str) -> String {
    let s = capitalise(s.trim());
    if s.ends_with(['.', '!', '?']) {
        s
    } else {
        format!("{s}.")
    }
}

fn list(names: &[String], lang: Lang) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} {} {last}", head.join(", "), lang.t("or", "eller")),
    }
}

fn primary(drug: &str, a: &Advice, lang: Lang) -> String {
    let dose = a.dose.as_ref().map(|d| dose_text(d, lang));
    let with_dose = |lead: String| match &dose {
        Some(d) => format!("{lead}: {d}."),
        None => format!("{lead}."),
    };
    match a.action {
        Action::StandardDosing => match &dose {
            Some(d) => format!("{} {drug}: {d}.", lang.t("Use", "Använd")),
            None => match lang {
                Lang::En => format!("Use {drug} at the usual dose."),
                Lang::Sv => format!("Använd {drug} i vanlig dos."),
            },
        },
        Action::ReduceDose => with_dose(match lang {
            Lang::En => format!("Lower the {drug} dose"),
            Lang::Sv => format!("Sänk dosen av {drug}"),
        }),
        Action::IncreaseDose => with_dose(match lang {
            Lang::En => format!("Raise the {drug} dose"),
            Lang::Sv => format!("Höj dosen av {drug}"),
        }),
        Action::Avoid | Action::UseAlternative | Action::ConsiderAlternative => {
            let lead = match (a.action, lang) {
                (Action::Avoid, Lang::En) => format!("Avoid {drug}."),
                (Action::Avoid, Lang::Sv) => format!("Undvik {drug}."),
                (Action::UseAlternative, Lang::En) => format!("Choose a drug other than {drug}."),
                (Action::UseAlternative, Lang::Sv) => {
                    format!("Välj ett annat läkemedel än {drug}.")
                }
                (_, Lang::En) => format!("Consider a drug other than {drug}."),
                (_, Lang::Sv) => format!("Överväg ett annat läkemedel än {drug}."),
            };
            match &dose {
                Some(d) => format!(
                    "{lead} {}: {d}.",
                    lang.t(
                        "If it is still used, the guideline gives this dose",
                        "Om det ändå används anger riktlinjen denna dos"
                    )
                ),
                None => lead,
            }
        }
        Action::Monitor => with_dose(match lang {
            Lang::En => format!("Use {drug} with extra monitoring"),
            Lang::Sv => format!("Använd {drug} med extra uppföljning"),
        }),
        Action::NoRecommendation => match lang {
            Lang::En => {
                format!("The guideline gives no recommendation for {drug} with this result.")
            }
            Lang::Sv => {
                format!("Riktlinjen ger ingen rekommendation för {drug} vid detta resultat.")
            }
        },
        Action::Other => match (&dose, &a.detail) {
            (Some(d), _) => format!("{}: {d}.", capitalise(lang.t("dose", "dos"))),
            (None, Some(_)) => String::new(),
            (None, None) => match lang {
                Lang::En => format!("Follow the guideline's specific advice for {drug}."),
                Lang::Sv => format!("Följ riktlinjens särskilda råd för {drug}."),
            },
        },
    }
}

fn condition(c: &Condition, lang: Lang) -> String {
    let mut s = format!(
        "{}: {}",
        capitalise(lang.pick(&c.when)),
        action_label(c.action, lang)
    );
    if let Some(d) = &c.dose {
        s.push_str(&format!(" ({})", dose_text(d, lang)));
    }
    s.push('.');
    if let Some(d) = &c.detail {
        s.push(' ');
        s.push_str(&sentence(lang.pick(d)));
    }
    s
}

/// The recommendation in words: the primary action and dose, the extra
/// detail, every condition, the drugs named, monitoring, and what the
/// facts do not carry.
///
/// ```
/// use dosera::pack::words::{summary, Lang};
/// let a: dosera::pack::Advice = serde_json::from_str(r#"{
///   "action": "reduce_dose",
///   "dose": {"percent": [50, 50], "of": "starting"},
///   "monitoring": [{"en": "blood counts", "sv": "blodstatus"}],
///   "not_carried": [{"en": "dosing in children", "sv": "dosering till barn"}],
///   "implication": {"effect": "toxicity", "direction": "increased",
///                   "what": {"en": "risk of myelosuppression", "sv": "risk för benmärgshämning"}}
/// }"#).unwrap();
/// assert_eq!(summary("azathioprine", &a, Lang::En),
///   "Lower the azathioprine dose: 50% of the usual starting dose. Monitor: blood counts. \
///    See the guideline for: dosing in children.");
/// assert_eq!(summary("azathioprine", &a, Lang::Sv),
///   "Sänk dosen av azathioprine: 50 % av den vanliga startdosen. Följ upp: blodstatus. \
///    Se riktlinjen för: dosering till barn.");
/// ```
pub fn summary(drug: &str, a: &Advice, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    let p = primary(drug, a, lang);
    if !p.is_empty() {
        parts.push(p);
    }
    if let Some(d) = &a.detail {
        parts.push(sentence(lang.pick(d)));
    }
    for c in &a.conditions {
        parts.push(condition(c, lang));
    }
    if !a.alternatives.is_empty() || a.alternative_kind.is_some() {
        let mut s = lang
            .t(
                "Alternatives the guideline names: ",
                "Alternativ som riktlinjen nämner: ",
            )
            .to_string();
        let named = list(&a.alternatives, lang);
        match (&a.alternative_kind, named.is_empty()) {
            (Some(k), true) => s.push_str(lang.pick(k)),
            (Some(k), false) => s.push_str(&format!("{named} ({})", lang.pick(k))),
            (None, _) => s.push_str(&named),
        }
        parts.push(sentence(&s));
    }
    if !a.avoid_drugs.is_empty() {
        parts.push(format!(
            "{}{}.",
            lang.t("Also avoid: ", "Undvik också: "),
            a.avoid_drugs.join(", ")
        ));
    }
    if !a.also_affected.is_empty() {
        parts.push(format!(
            "{}{}.",
            lang.t(
                "The guideline names as affected by the same result: ",
                "Riktlinjen anger att samma resultat även påverkar: "
            ),
            a.also_affected.join(", ")
        ));
    }
    if !a.monitoring.is_empty() {
        let m: Vec<&str> = a.monitoring.iter().map(|p| lang.pick(p)).collect();
        parts.push(format!(
            "{}{}.",
            lang.t("Monitor: ", "Följ upp: "),
            m.join("; ")
        ));
    }
    if !a.not_carried.is_empty() {
        let m: Vec<&str> = a.not_carried.iter().map(|p| lang.pick(p)).collect();
        parts.push(format!(
            "{}{}.",
            lang.t("See the guideline for: ", "Se riktlinjen för: "),
            m.join("; ")
        ));
    }
    parts.join(" ")
}

/// Two sources advise differently for the same drug and result.
///
/// ```
/// use dosera::pack::{words::{disagreement, Lang}, Action};
/// let t = disagreement("codeine", "DPWG", &[Action::Other], "CPIC", &[Action::StandardDosing], Lang::Sv);
/// assert_eq!(t, "DPWG och CPIC ger olika råd för codeine vid detta resultat: DPWG anger annan vägledning; CPIC anger standarddosering. Läs båda raderna.");
/// ```
pub fn disagreement(
    drug: &str,
    this: &str,
    actions: &[Action],
    other: &str,
    other_actions: &[Action],
    lang: Lang,
) -> String {
    let labels = |a: &[Action]| {
        a.iter()
            .map(|x| action_label(*x, lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match lang {
        Lang::En => format!(
            "{this} and {other} advise differently for {drug} with this result: {this} says {}; {other} says {}. Read both rows.",
            labels(actions),
            labels(other_actions)
        ),
        Lang::Sv => format!(
            "{this} och {other} ger olika råd för {drug} vid detta resultat: {this} anger {}; {other} anger {}. Läs båda raderna.",
            labels(actions),
            labels(other_actions)
        ),
    }
}

/// The caveat beside an alternative whose own advice this patient's
/// results also change (through the same gene as the drug's, or through
/// another gene that the alternative's guideline reads).
///
/// ```
/// use dosera::pack::{words::{affected_alternative, Lang}, Action};
/// assert_eq!(affected_alternative("nortriptyline", &[Action::ReduceDose], Lang::En),
///   "Note: this patient's results also change the advice for nortriptyline (reduce dose); see its own recommendation.");
/// assert_eq!(affected_alternative("nortriptyline", &[Action::ReduceDose], Lang::Sv),
///   "Obs: patientens resultat ändrar också råden för nortriptyline (sänk dosen); se dess egen rekommendation.");
/// ```
pub fn affected_alternative(drug: &str, actions: &[Action], lang: Lang) -> String {
    let labels: Vec<&str> = actions.iter().map(|a| action_label(*a, lang)).collect();
    match lang {
        Lang::En => format!(
            "Note: this patient's results also change the advice for {drug} ({}); see its own recommendation.",
            labels.join(", ")
        ),
        Lang::Sv => format!(
            "Obs: patientens resultat ändrar också råden för {drug} ({}); se dess egen rekommendation.",
            labels.join(", ")
        ),
    }
}

/// A lookup key in words (`Poor Metabolizer`, `långsam metaboliserare`).
///
/// ```
/// use dosera::pack::words::{phenotype, Lang};
/// assert_eq!(phenotype("Poor Metabolizer", Lang::Sv), "långsam metaboliserare");
/// assert_eq!(phenotype("Poor Metabolizer", Lang::En), "Poor Metabolizer");
/// ```
pub fn phenotype(key: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return key.to_string();
    }
    let sv = match key {
        "Poor Metabolizer" => "långsam metaboliserare",
        "Likely Poor Metabolizer" => "trolig långsam metaboliserare",
        "Intermediate Metabolizer" => "intermediär metaboliserare",
        "Likely Intermediate Metabolizer" => "trolig intermediär metaboliserare",
        "Possible Intermediate Metabolizer" => "möjlig intermediär metaboliserare",
        "Normal Metabolizer" => "normal metaboliserare",
        "Rapid Metabolizer" => "snabb metaboliserare",
        "Ultrarapid Metabolizer" => "ultrasnabb metaboliserare",
        "Normal Function" => "normal funktion",
        "Decreased Function" => "nedsatt funktion",
        "Possible Decreased Function" => "möjligen nedsatt funktion",
        "Increased Function" => "ökad funktion",
        "Poor Function" => "låg funktion",
        "No Function" => "ingen funktion",
        "Normal" => "normal",
        "Deficient" => "brist",
        "Deficient with CNSHA" => "brist med kronisk icke-sfärocytär hemolytisk anemi",
        "Variable" => "variabel",
        "Indeterminate" => "obestämbar",
        "No Result" => "inget resultat",
        "n/a" => "kan inte anges",
        "Malignant Hyperthermia Susceptibility" => "känslighet för malign hypertermi",
        "Uncertain Susceptibility" => "osäker känslighet",
        "xN combinations" => "kombinationer med xN (kopietal krävs)",
        "increased risk of aminoglycoside-induced hearing loss" => {
            "ökad risk för aminoglykosidutlöst hörselnedsättning"
        }
        "normal risk of aminoglycoside-induced hearing loss" => {
            "normal risk för aminoglykosidutlöst hörselnedsättning"
        }
        "uncertain risk of aminoglycoside-induced hearing loss" => {
            "osäker risk för aminoglykosidutlöst hörselnedsättning"
        }
        "ivacaftor responsive in CF patients" => "svarar på ivacaftor (cystisk fibros)",
        "ivacaftor non-responsive in CF patients" => "svarar inte på ivacaftor (cystisk fibros)",
        "Favorable response genotype" => "genotyp med gynnsamt behandlingssvar",
        "Unfavorable response genotype" => "genotyp med ogynnsamt behandlingssvar",
        other => {
            if let Some(a) = other.strip_suffix(" positive") {
                return format!("{a} positiv");
            }
            if let Some(a) = other.strip_suffix(" negative") {
                return format!("{a} negativ");
            }
            if let Some((score, rest)) = other.split_once(" (") {
                if let Some(inner) = rest.strip_suffix(')') {
                    return format!("{score} ({})", phenotype(inner, lang));
                }
            }
            other
        }
    };
    sv.to_string()
}

/// How a lookup reads in a sentence (`CYP2D6 activity score 1.0 with
/// CYP2C19 Poor Metabolizer`, `CYP2D6 aktivitetspoäng 1.0 med …`).
///
/// ```
/// use dosera::pack::{words::{describe_lookup, Lang}, LookupKey};
/// let l = [("CYP2D6".to_string(), LookupKey::Key("0.0".into()))];
/// assert_eq!(describe_lookup(l.iter().map(|(g, k)| (g, k)), Lang::En), "CYP2D6 activity score 0.0");
/// assert_eq!(describe_lookup(l.iter().map(|(g, k)| (g, k)), Lang::Sv), "CYP2D6 aktivitetspoäng 0,0");
/// ```
pub fn describe_lookup<'a>(
    lookup: impl IntoIterator<Item = (&'a String, &'a LookupKey)>,
    lang: Lang,
) -> String {
    let parts: Vec<String> = lookup
        .into_iter()
        .map(|(gene, key)| match key {
            LookupKey::Diplotype { diplotype } => format!("{gene} {diplotype}"),
            LookupKey::Key(k) => describe_key(gene, k, lang),
        })
        .collect();
    if parts.is_empty() {
        return lang.t("This result", "Detta resultat").into();
    }
    parts.join(lang.t(" with ", " med "))
}

/// [`describe_lookup`] for keys held as text (a result's `lookup`).
///
/// ```
/// use dosera::pack::words::{describe_keys, Lang};
/// let l = std::collections::BTreeMap::from([("TPMT".to_string(), "Poor Metabolizer".to_string())]);
/// assert_eq!(describe_keys(&l, Lang::Sv), "TPMT långsam metaboliserare");
/// ```
pub fn describe_keys(lookup: &std::collections::BTreeMap<String, String>, lang: Lang) -> String {
    if lookup.is_empty() {
        return lang.t("This result", "Detta resultat").into();
    }
    lookup
        .iter()
        .map(|(g, k)| describe_key(g, k, lang))
        .collect::<Vec<_>>()
        .join(lang.t(" with ", " med "))
}

/// Whether a lookup key or result is an activity score (`1.5`, `≥3.0`).
fn is_score(k: &str) -> bool {
    k.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '≥')
}

/// An activity score as written in `lang`: a decimal comma in Swedish,
/// and a phenotype given beside it in words.
///
/// ```
/// use dosera::pack::words::{score, Lang};
/// assert_eq!(score("1.5", Lang::Sv), "1,5");
/// assert_eq!(score("≥3.0 (Ultrarapid Metabolizer)", Lang::Sv), "≥3,0 (ultrasnabb metaboliserare)");
/// assert_eq!(score("1.5", Lang::En), "1.5");
/// ```
pub fn score(k: &str, lang: Lang) -> String {
    match (lang, k.split_once(" (")) {
        (Lang::En, _) => k.to_string(),
        (Lang::Sv, Some((score, rest))) => format!(
            "{} ({})",
            score.replace('.', ","),
            phenotype(rest.trim_end_matches(')'), lang)
        ),
        (Lang::Sv, None) => k.replace('.', ","),
    }
}

/// A lookup key's value in words: an activity score as [`score`] writes
/// it, any other key as [`phenotype`] does.
///
/// ```
/// use dosera::pack::words::{key_value, Lang};
/// assert_eq!(key_value("2.0", Lang::Sv), "2,0");
/// assert_eq!(key_value("Poor Metabolizer", Lang::Sv), "långsam metaboliserare");
/// ```
pub fn key_value(k: &str, lang: Lang) -> String {
    if is_score(k) {
        score(k, lang)
    } else {
        phenotype(k, lang)
    }
}

/// One gene's key in words (see [`describe_lookup`]).
///
/// ```
/// use dosera::pack::words::{describe_key, Lang};
/// assert_eq!(describe_key("CYP2D6", "No Result", Lang::En), "no CYP2D6 result");
/// ```
pub fn describe_key(gene: &str, k: &str, lang: Lang) -> String {
    if is_score(k) {
        format!(
            "{gene} {} {}",
            lang.t("activity score", "aktivitetspoäng"),
            score(k, lang)
        )
    } else if k == "No Result" {
        match lang {
            Lang::En => format!("no {gene} result"),
            Lang::Sv => format!("inget {gene}-resultat"),
        }
    } else if k == "n/a" {
        match lang {
            Lang::En => format!("{gene} score not assignable"),
            Lang::Sv => format!("{gene}-poäng kan inte anges"),
        }
    } else {
        format!("{gene} {}", phenotype(k, lang))
    }
}

/// The implication in words: who, the effect with its direction, what it
/// is compared with, and any second effect.
///
/// ```
/// use dosera::pack::{words::{implication, Lang}, LookupKey};
/// let a: dosera::pack::Advice = serde_json::from_str(r#"{
///   "action": "reduce_dose",
///   "implication": {"effect": "toxicity", "direction": "increased",
///                   "what": {"en": "risk of myelosuppression", "sv": "risk för benmärgshämning"},
///                   "compared_to": {"en": "normal metabolizers", "sv": "normala metaboliserare"}}
/// }"#).unwrap();
/// let l = [("TPMT".to_string(), LookupKey::Key("Poor Metabolizer".into()))];
/// let who = || l.iter().map(|(g, k)| (g, k));
/// assert_eq!(implication(who(), &a, Lang::En),
///   "TPMT Poor Metabolizer: higher risk of myelosuppression (compared with normal metabolizers).");
/// assert_eq!(implication(who(), &a, Lang::Sv),
///   "TPMT långsam metaboliserare: högre risk för benmärgshämning (jämfört med normala metaboliserare).");
/// ```
pub fn implication<'a>(
    lookup: impl IntoIterator<Item = (&'a String, &'a LookupKey)>,
    a: &Advice,
    lang: Lang,
) -> String {
    implication_of(&describe_lookup(lookup, lang), a, lang)
}

/// [`implication`] for a lookup already in words (see [`describe_keys`]).
///
/// ```
/// use dosera::pack::words::{implication_of, Lang};
/// let a: dosera::pack::Advice = serde_json::from_str(r#"{"action": "standard_dosing",
///   "implication": {"effect": "toxicity", "direction": "normal",
///                   "what": {"en": "risk of myopathy", "sv": "risk för myopati"}}}"#).unwrap();
/// assert_eq!(implication_of("SLCO1B1 Normal Function", &a, Lang::En),
///            "SLCO1B1 Normal Function: normal risk of myopathy.");
/// ```
pub fn implication_of(who: &str, a: &Advice, lang: Lang) -> String {
    let imp = &a.implication;
    let what = lang.pick(&imp.what);
    let mut s = match imp.direction {
        Direction::Increased => format!("{} {what}", lang.t("higher", "högre")),
        Direction::Decreased => format!("{} {what}", lang.t("lower", "lägre")),
        Direction::Normal => format!("{} {what}", lang.t("normal", "normal")),
        Direction::Unknown => format!(
            "{what}: {}",
            lang.t(
                "cannot be predicted from this result",
                "kan inte förutsägas utifrån detta resultat"
            )
        ),
    };
    if let Some(c) = &imp.compared_to {
        s.push_str(&format!(
            " ({} {})",
            lang.t("compared with", "jämfört med"),
            lang.pick(c)
        ));
    }
    let mut out = sentence(&format!("{who}: {s}"));
    if let Some(d) = &imp.detail {
        out.push(' ');
        out.push_str(&sentence(lang.pick(d)));
    }
    out
}

/// A population code in words (`CVI ACS PCI` → `cardiovascular
/// indication: acute coronary syndrome or PCI`).
///
/// ```
/// use dosera::pack::words::{population, Lang};
/// assert_eq!(population("PHT naive", Lang::En), "not on phenytoin before");
/// assert_eq!(population("general", Lang::Sv), "alla");
/// ```
pub fn population(code: &str, lang: Lang) -> String {
    let (en, sv) = match code {
        "general" => ("everyone", "alla"),
        "adults" => ("adults", "vuxna"),
        "pediatrics" => ("children", "barn"),
        "PHT naive" => (
            "not on phenytoin before",
            "inte tidigare behandlad med fenytoin",
        ),
        "PHT use >3mos" => (
            "on phenytoin for more than 3 months",
            "behandlad med fenytoin i mer än 3 månader",
        ),
        "CBZ naive" => (
            "not on carbamazepine before",
            "inte tidigare behandlad med karbamazepin",
        ),
        "CBZ use >3mos" => (
            "on carbamazepine for more than 3 months",
            "behandlad med karbamazepin i mer än 3 månader",
        ),
        "CBZ-no alternatives" => (
            "carbamazepine with no alternative available",
            "karbamazepin när inget alternativ finns",
        ),
        "OXC naive" => (
            "not on oxcarbazepine before",
            "inte tidigare behandlad med oxkarbazepin",
        ),
        "OXC use >3 mos" => (
            "on oxcarbazepine for more than 3 months",
            "behandlad med oxkarbazepin i mer än 3 månader",
        ),
        "CVI ACS PCI" => (
            "cardiovascular indication: acute coronary syndrome or PCI",
            "kardiovaskulär indikation: akut koronarsyndrom eller PCI",
        ),
        "CVI non-ACS non-PCI" => (
            "cardiovascular indication other than acute coronary syndrome or PCI",
            "annan kardiovaskulär indikation än akut koronarsyndrom eller PCI",
        ),
        "NVI" => (
            "neurovascular indication (stroke or TIA)",
            "neurovaskulär indikation (stroke eller TIA)",
        ),
        "child >40kg_adult" => (
            "adults and children over 40 kg",
            "vuxna och barn över 40 kg",
        ),
        "<= 1g per day" => ("at most 1 g per day", "högst 1 g per dygn"),
        other => return other.to_string(),
    };
    lang.t(en, sv).to_string()
}

/// A strength / classification in words.
///
/// ```
/// use dosera::pack::words::{strength, Lang};
/// assert_eq!(strength("Strong", Lang::Sv), "stark");
/// ```
pub fn strength(s: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return s.to_string();
    }
    match s {
        "Strong" => "stark",
        "Moderate" => "måttlig",
        "Optional" => "valfri",
        "No recommendation" => "ingen rekommendation",
        other => other,
    }
    .to_string()
}

/// Fixed text of the text report (`dosera report`, `dosera recommend`), in
/// English and Swedish side by side.
///
/// ```
/// use dosera::pack::words::{Lang, TextLabel};
/// assert_eq!(TextLabel::NoAnswer.text(Lang::En), "no answer");
/// assert_eq!(TextLabel::NoAnswer.text(Lang::Sv), "inget svar");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextLabel {
    /// The one-line disclaimer under the header.
    Disclaimer,
    /// Heading: drugs whose recommendation calls for action.
    ActionHeading,
    /// Said under that heading when no drug calls for action.
    NoAction,
    /// Heading: genes a guideline needs with no result.
    NotTestedHeading,
    /// What the drugs under a gene not tested mean.
    NotTestedIntro,
    /// Heading: the gene table.
    GenesHeading,
    /// Heading: drugs with no recommendation, a result not used, or
    /// candidates that disagree.
    UnclearHeading,
    /// Heading: the drugs whose recommendation calls for no action.
    OtherHeading,
    /// Heading: notes on the request or input as a whole.
    NotesHeading,
    /// A drug with no matching recommendation.
    NoMatch,
    /// A gene result the answer does not use.
    NoAnswer,
    /// A note.
    Note,
    /// A warning.
    Warning,
    /// The drugs a line applies to.
    Drugs,
    /// The candidate combinations a row is for.
    For,
    /// Strength / classification.
    Strength,
    /// Population.
    Population,
    /// Lookup key.
    Key,
    /// Candidates leading to different advice.
    CandidatesDisagree,
    /// Sources with no guideline for the drugs listed.
    NoGuidelineFor,
    /// Why a gene was not called.
    WhyNoCall,
    /// Count of definition positions with no usable genotype.
    MissingPositions,
    /// Diplotypes that fit with a lower score.
    AlsoFits,
    /// Gene with no phenotype.
    NoResult,
    /// Gene table column: gene.
    GeneColumn,
    /// Gene table column: where the call came from.
    SourceColumn,
    /// Gene table column: diplotypes.
    DiplotypesColumn,
    /// Gene table column: phenotypes.
    PhenotypesColumn,
    /// Gene called with no diplotype.
    NoCall,
    /// Alleles found when no diplotype was called.
    Alleles,
    /// Genes that were not tested, in the line of a drug with no match.
    NotTested,
    /// Start of the line of a coverage warning.
    WarningCaps,
}

impl TextLabel {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (en, sv) = match self {
            TextLabel::Disclaimer => (
                "Decision support, not a diagnosis: read the linked guideline before prescribing.",
                "Beslutsstöd, inte en diagnos: läs den länkade riktlinjen innan du förskriver.",
            ),
            TextLabel::ActionHeading => (
                "Drugs that call for action",
                "Läkemedel som kräver en åtgärd",
            ),
            TextLabel::NoAction => (
                "No drug checked calls for a change from standard prescribing.",
                "Inget kontrollerat läkemedel kräver avsteg från standardförskrivning.",
            ),
            TextLabel::NotTestedHeading => (
                "Genes not tested or not called",
                "Gener som inte testats eller inte anropats",
            ),
            TextLabel::NotTestedIntro => (
                "Each drug listed was answered without this gene (looked up as No Result); a test of the gene may change its advice.",
                "Varje läkemedel i listan besvarades utan denna gen (slogs upp som No Result); ett test av genen kan ändra rådet.",
            ),
            TextLabel::GenesHeading => ("Gene results", "Genresultat"),
            TextLabel::UnclearHeading => (
                "Drugs without a clear answer",
                "Läkemedel utan tydligt svar",
            ),
            TextLabel::OtherHeading => (
                "Other drugs checked: no action called for",
                "Övriga kontrollerade läkemedel: ingen åtgärd krävs",
            ),
            TextLabel::NotesHeading => ("Notes", "Anmärkningar"),
            TextLabel::NoMatch => ("no matching recommendation", "ingen matchande rekommendation"),
            TextLabel::NoAnswer => ("no answer", "inget svar"),
            TextLabel::Note => ("note", "anmärkning"),
            TextLabel::Warning => ("warning", "varning"),
            TextLabel::Drugs => ("drugs", "läkemedel"),
            TextLabel::For => ("for", "för"),
            TextLabel::Strength => ("strength", "styrka"),
            TextLabel::Population => ("population", "population"),
            TextLabel::Key => ("key", "nyckel"),
            TextLabel::CandidatesDisagree => ("CANDIDATES DISAGREE", "KANDIDATERNA GÅR ISÄR"),
            TextLabel::NoGuidelineFor => ("has no guideline for", "har ingen riktlinje för"),
            TextLabel::WhyNoCall => ("why no call", "varför inget anrop"),
            TextLabel::MissingPositions => ("missing positions", "saknade positioner"),
            TextLabel::AlsoFits => ("also fits, lower score", "passar också, lägre poäng"),
            TextLabel::NoResult => ("No Result", "inget resultat"),
            TextLabel::GeneColumn => ("gene", "gen"),
            TextLabel::SourceColumn => ("source", "källa"),
            TextLabel::DiplotypesColumn => ("diplotype(s)", "diplotyp(er)"),
            TextLabel::PhenotypesColumn => ("phenotype(s)", "fenotyp(er)"),
            TextLabel::NoCall => ("no call", "inget anrop"),
            TextLabel::Alleles => ("alleles", "alleler"),
            TextLabel::NotTested => ("not tested", "inte testad"),
            TextLabel::WarningCaps => ("WARNING", "VARNING"),
        };
        lang.t(en, sv)
    }
}
