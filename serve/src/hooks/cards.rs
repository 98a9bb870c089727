//! CDS Hooks cards from the engine's answer: one card per actionable drug
//! and source, one per drug whose answer is unclear, and one per ordered
//! drug whose guideline needs a gene with no result on file. Drugs with
//! standard advice get no card.
//!
//! The card's short texts (summary, suggestion labels) are written here;
//! the detail is the text report's block for the drug, in Markdown
//! ([`dosera::report::text::drug_markdown`]).

use dosera::pack::words::{self, Lang};
use dosera::pack::Action;
use dosera::{DrugResult, Engine, NonAnswerReason, Recommendations, Source};
use serde_json::{json, Value};

use super::orders::{Order, OrderedDrug, RXNORM};
use super::results::PatientResults;

/// The most a card summary may hold (CDS Hooks: under 140 characters).
pub const SUMMARY_MAX: usize = 139;

/// What the cards are built from.
pub struct CardInput<'a> {
    /// The engine (for the alternatives' RxNorm codes).
    pub engine: &'a Engine,
    /// The engine's answer for the ordered drugs.
    pub answer: &'a Recommendations,
    /// The orders, in request order.
    pub orders: &'a [Order],
    /// The results the answer was made from.
    pub results: &'a PatientResults,
    /// The patient id of the hook context (for suggested orders).
    pub patient: &'a str,
    /// The hook instance (seeds the card ids).
    pub instance: &'a str,
    /// Language of the text.
    pub lang: Lang,
}

/// How urgent a card is, from the actions of its matched rows:
/// `critical` when some candidate result is told only to avoid the drug
/// (every row it matches, in every population, says avoid); `warning` for
/// any other change to the order (a dose change, another drug, avoid in
/// some populations only); `info` otherwise.
///
/// Each item is one candidate's matched actions.
///
/// ```
/// use dosera::pack::Action;
/// use dosera_serve::hooks::cards::indicator;
/// assert_eq!(indicator(&[vec![Action::Avoid]]), "critical");
/// assert_eq!(indicator(&[vec![Action::UseAlternative, Action::Avoid]]), "warning");
/// assert_eq!(indicator(&[vec![Action::Monitor]]), "info");
/// assert_eq!(indicator(&[vec![Action::StandardDosing], vec![Action::Avoid]]), "critical");
/// ```
pub fn indicator(per_candidate: &[Vec<Action>]) -> &'static str {
    if per_candidate
        .iter()
        .any(|a| !a.is_empty() && a.iter().all(|x| *x == Action::Avoid))
    {
        "critical"
    } else if per_candidate.iter().flatten().any(|a| {
        matches!(
            a,
            Action::Avoid
                | Action::ReduceDose
                | Action::IncreaseDose
                | Action::UseAlternative
                | Action::ConsiderAlternative
        )
    }) {
        "warning"
    } else {
        "info"
    }
}

/// The actions of the matched rows, per candidate ([`row_actions`]).
fn per_candidate(d: &DrugResult) -> Vec<Vec<Action>> {
    let mut by: Vec<(&str, Vec<Action>)> = Vec::new();
    for m in &d.matches {
        let keys: Vec<&str> = if m.candidates.is_empty() {
            vec![""]
        } else {
            m.candidates.iter().map(String::as_str).collect()
        };
        for c in keys {
            match by.iter_mut().find(|(k, _)| *k == c) {
                Some((_, a)) => a.extend(row_actions(m)),
                None => by.push((c, row_actions(m))),
            }
        }
    }
    by.into_iter().map(|(_, a)| a).collect()
}

/// The cards for the orders.
///
/// ```
/// use dosera::pack::words::Lang;
/// use dosera_serve::hooks::cards::{cards, CardInput};
/// use dosera_serve::hooks::orders::{Order, OrderedDrug};
/// use dosera_serve::hooks::results::PatientResults;
/// let engine = dosera::Engine::bundled().unwrap();
/// let answer = engine
///     .recommend(&dosera::Request::new(["HLA-B=*57:01 positive".parse().unwrap()]).drugs(["abacavir"]))
///     .unwrap();
/// let orders = [Order {
///     reference: Some("MedicationRequest/o1".into()),
///     drug: OrderedDrug::Covered { drug: "abacavir".into(), via: "name abacavir".into() },
/// }];
/// let results = PatientResults { from: "FHIR", ..PatientResults::default() };
/// let out = cards(&CardInput {
///     engine: &engine, answer: &answer, orders: &orders, results: &results,
///     patient: "p1", instance: "i1", lang: Lang::En,
/// });
/// assert!(out.iter().all(|c| c["indicator"] == "critical"));
/// ```
pub fn cards(input: &CardInput<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for order in input.orders {
        let OrderedDrug::Covered { drug, .. } = &order.drug else {
            continue;
        };
        if seen.contains(&drug.as_str()) {
            continue;
        }
        seen.push(drug);
        let results: Vec<&DrugResult> = input
            .answer
            .drugs
            .iter()
            .filter(|d| &d.drug == drug)
            .collect();
        let mut missing: Vec<&DrugResult> = Vec::new();
        for d in &results {
            let not_given = d
                .non_answers
                .iter()
                .any(|n| n.reason == NonAnswerReason::NotGiven);
            if d.actionable {
                out.push(advice_card(input, order, d));
            } else if not_given {
                missing.push(d);
            } else if unclear(d) {
                out.push(unclear_card(input, d));
            }
        }
        if !missing.is_empty() {
            out.push(missing_card(input, drug, &missing));
        }
    }
    out
}

fn unclear(d: &DrugResult) -> bool {
    d.matches.is_empty()
        || !d.candidates_agree
        || d.non_answers
            .iter()
            .any(|n| n.reason != NonAnswerReason::NotGiven)
}

/// What a matched row tells to do: its primary action, or, when the row
/// says "other guidance" and gives advice under conditions (for pain, for
/// cough; for PCI, stroke or TIA), the actions of those conditions.
fn row_actions(m: &dosera::Match) -> Vec<Action> {
    let conditional = matches!(m.action, Action::Other | Action::NoRecommendation)
        && !m.facts.conditions.is_empty();
    if conditional {
        m.facts.conditions.iter().map(|c| c.action).collect()
    } else {
        vec![m.action]
    }
}

fn actions(d: &DrugResult) -> Vec<Action> {
    let mut a: Vec<Action> = Vec::new();
    for m in &d.matches {
        for x in row_actions(m) {
            if !a.contains(&x) {
                a.push(x);
            }
        }
    }
    a
}

/// True when a matched row's advice depends on conditions the service
/// cannot see (the indication, the response so far).
fn conditional(d: &DrugResult) -> bool {
    d.matches.iter().any(|m| !m.facts.conditions.is_empty())
}

/// A stable card or suggestion id.
fn uuid(parts: &[&str]) -> String {
    let mut all = vec!["dosera-card"];
    all.extend_from_slice(parts);
    dosera::report::fhir::stable_uuid(&all)
}

/// `text`, cut at a word to at most `max` characters with an ellipsis.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

/// The summary: drug, source, action(s) and, when it fits, the result.
fn summary(d: &DrugResult, lang: Lang) -> String {
    let acts: Vec<&str> = actions(d)
        .iter()
        .map(|a| words::action_label(*a, lang))
        .collect();
    let mut head = format!("{} ({}): {}", d.drug, d.source.label(), acts.join(" / "));
    let by_population =
        acts.len() > 1 && d.matches.iter().filter(|m| m.population.is_some()).count() > 1;
    if acts.len() > 1 && conditional(d) {
        head.push_str(match lang {
            Lang::Sv => " beroende på situation",
            _ => " by condition",
        });
    } else if by_population {
        head.push_str(match lang {
            Lang::Sv => " beroende på indikation",
            _ => " by indication",
        });
    }
    if !d.candidates_agree {
        head.push_str(match lang {
            Lang::Sv => " (kandidaterna ger olika råd)",
            _ => " (candidates disagree)",
        });
    }
    let keys = d
        .matches
        .first()
        .map(|m| words::describe_keys(&m.lookup, lang))
        .unwrap_or_default();
    let full = if keys.is_empty() {
        head.clone()
    } else {
        format!("{head} · {keys}")
    };
    if full.chars().count() <= SUMMARY_MAX {
        full
    } else {
        fit(&head, SUMMARY_MAX)
    }
}

fn source(d: &DrugResult) -> Value {
    json!({
        "label": format!("{} · {} · dosera packs {}", d.source.label(), d.guideline_name, d.release),
        "url": d.url,
        "topic": {
            "system": "urn:dosera:guideline-source",
            "code": match d.source { Source::Cpic => "cpic", Source::Dpwg => "dpwg" },
            "display": format!("{} {}", d.source.label(), d.guideline_id),
        },
    })
}

fn detail(input: &CardInput<'_>, d: &DrugResult) -> String {
    let mut md = dosera::report::text::drug_markdown(d, input.lang);
    footer(input, &mut md);
    md
}

fn footer(input: &CardInput<'_>, md: &mut String) {
    for n in &input.results.notes {
        md.push_str("\n- ");
        md.push_str(&escape(n));
    }
    for (gene, _, why) in &input.results.unreadable {
        md.push_str(&match input.lang {
            Lang::Sv => format!("\n- {gene}: resultatet kunde inte läsas: {}", escape(why)),
            _ => format!(
                "\n- {gene}: the result on file could not be read: {}",
                escape(why)
            ),
        });
    }
    md.push_str(&format!(
        "\n\n{} · dosera {} · packs {} · {}\n",
        escape(words::TextLabel::Disclaimer.text(input.lang)),
        input.answer.engine_version,
        input.answer.packs_release,
        match input.lang {
            Lang::Sv => format!("resultat från {}", input.results.from),
            _ => format!("results from {}", input.results.from),
        }
    ));
}

fn escape(text: &str) -> String {
    dosera::report::text::markdown_escape(text)
}

fn advice_card(input: &CardInput<'_>, order: &Order, d: &DrugResult) -> Value {
    let mut card = json!({
        "uuid": uuid(&[input.instance, &d.drug, d.source.label(), &d.guideline_id, "advice"]),
        "summary": summary(d, input.lang),
        "indicator": indicator(&per_candidate(d)),
        "detail": detail(input, d),
        "source": source(d),
    });
    let suggestions = suggestions(input, order, d);
    if !suggestions.is_empty() {
        card["suggestions"] = Value::Array(suggestions);
        card["selectionBehavior"] = json!("at-most-one");
    }
    card
}

fn unclear_card(input: &CardInput<'_>, d: &DrugResult) -> Value {
    let summary = if d.matches.is_empty() {
        // No row: say for which gene result, else the guideline's own note
        // (a guideline with no lookup table, such as a dosing algorithm).
        let why = d
            .non_answers
            .first()
            .map(|n| format!("{}: {}", n.gene, n.reason.label()))
            .or_else(|| d.warnings.first().cloned())
            .unwrap_or_else(|| match input.lang {
                Lang::Sv => "se riktlinjen".into(),
                _ => "see the guideline".into(),
            });
        fit(
            &match input.lang {
                Lang::Sv => format!(
                    "{} ({}): ingen rad passar resultatet · {why}",
                    d.drug,
                    d.source.label()
                ),
                _ => format!(
                    "{} ({}): no guideline row fits the result · {why}",
                    d.drug,
                    d.source.label()
                ),
            },
            SUMMARY_MAX,
        )
    } else {
        summary(d, input.lang)
    };
    let indicator = if !d.candidates_agree {
        // Candidates that lead to different advice: at least a warning.
        match indicator(&per_candidate(d)) {
            "critical" => "critical",
            _ => "warning",
        }
    } else {
        "info"
    };
    json!({
        "uuid": uuid(&[input.instance, &d.drug, d.source.label(), &d.guideline_id, "unclear"]),
        "summary": summary,
        "indicator": indicator,
        "detail": detail(input, d),
        "source": source(d),
    })
}

fn missing_card(input: &CardInput<'_>, drug: &str, results: &[&DrugResult]) -> Value {
    let mut genes: Vec<&str> = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    for d in results {
        for n in &d.non_answers {
            if n.reason == NonAnswerReason::NotGiven && !genes.contains(&n.gene.as_str()) {
                genes.push(&n.gene);
            }
        }
        if !sources.contains(&d.source.label()) {
            sources.push(d.source.label());
        }
    }
    let g = genes.join(", ");
    let s = sources.join(", ");
    let unreadable: Vec<&(String, String, String)> = input
        .results
        .unreadable
        .iter()
        .filter(|(gene, _, _)| genes.contains(&gene.as_str()))
        .collect();
    let summary = fit(
        &match (input.lang, &input.results.unavailable) {
            (Lang::Sv, None) if !unreadable.is_empty() => {
                format!("{drug}: {g}-resultatet kunde inte läsas; {s} ger råd efter {g}-resultat")
            }
            (_, None) if !unreadable.is_empty() => {
                format!(
                    "{drug}: the {g} result on file could not be read; {s} advice depends on it"
                )
            }
            (Lang::Sv, None) => {
                format!("{drug}: inget {g}-resultat finns; {s} ger råd efter {g}-resultat")
            }
            (_, None) => format!("{drug}: no {g} result on file; {s} advice depends on it"),
            (Lang::Sv, Some(_)) => {
                format!("{drug}: farmakogenetiska resultat kunde inte läsas; {s} ger råd efter {g}")
            }
            (_, Some(_)) => {
                format!(
                    "{drug}: pharmacogenomic results could not be read; {s} advice depends on {g}"
                )
            }
        },
        SUMMARY_MAX,
    );
    let mut md = String::new();
    if let Some(why) = &input.results.unavailable {
        md.push_str(&format!("**{}**\n\n", escape(why)));
    }
    for (gene, value, why) in &unreadable {
        let value = value.replace('`', "'");
        md.push_str(&match input.lang {
            Lang::Sv => format!(
                "**{gene}: resultatet `{value}` kunde inte läsas: {}**\n\n",
                escape(why)
            ),
            _ => format!(
                "**{gene}: the result `{value}` on file could not be read: {}**\n\n",
                escape(why)
            ),
        });
    }
    for d in results {
        md.push_str(&dosera::report::text::drug_markdown(d, input.lang));
        md.push('\n');
    }
    let called: Vec<&str> = genes
        .iter()
        .copied()
        .filter(|x| input.results.not_called.iter().any(|n| n == x))
        .collect();
    if !called.is_empty() {
        md.push_str(&match input.lang {
            Lang::Sv => format!("- {}: resultat finns men utan anrop\n", called.join(", ")),
            _ => format!("- {}: on file, but with no call\n", called.join(", ")),
        });
    }
    footer(input, &mut md);
    let first = results[0];
    json!({
        "uuid": uuid(&[input.instance, drug, &g, "not-tested"]),
        "summary": summary,
        // A test on file that cannot be read is a result the prescriber
        // must look at; a gene never tested is information.
        "indicator": if unreadable.is_empty() { "info" } else { "warning" },
        "detail": md,
        "source": source(first),
    })
}

/// One suggestion per alternative that every matched row names (the
/// rows of several populations may name different ones; the service does
/// not know the indication) when the candidates agree and no row's advice
/// depends on conditions (DPWG's "for pain" / "for cough"; its
/// alternatives are for one condition only): replace the draft
/// order with a draft order for the alternative. An alternative any row
/// tells to avoid, or whose own advice the patient's results change, is
/// never suggested (the detail says what the rows say of it).
fn suggestions(input: &CardInput<'_>, order: &Order, d: &DrugResult) -> Vec<Value> {
    if !d.candidates_agree || d.matches.is_empty() || conditional(d) {
        return Vec::new();
    }
    let avoided = |a: &String| {
        d.matches.iter().any(|m| {
            m.facts.avoid_drugs.contains(a) || m.affected_alternatives.iter().any(|f| &f.drug == a)
        })
    };
    let names: Vec<&str> = d.matches[0]
        .alternatives
        .iter()
        .filter(|a| *a != &d.drug)
        .filter(|a| d.matches.iter().all(|m| m.alternatives.contains(a)))
        .filter(|a| !avoided(a))
        .map(String::as_str)
        .collect();
    let vocabulary = input.engine.drug_vocabulary();
    names
        .into_iter()
        .map(|alt| {
            let rxnorm = vocabulary
                .iter()
                .find(|v| v.name == alt)
                .and_then(|v| v.rxnorm.clone());
            let mut coding = json!({ "display": alt });
            if let Some(code) = &rxnorm {
                coding = json!({ "system": RXNORM, "code": code, "display": alt });
            }
            let resource = json!({
                "resourceType": "MedicationRequest",
                "status": "draft",
                "intent": "proposal",
                "subject": { "reference": format!("Patient/{}", input.patient) },
                "medicationCodeableConcept": { "coding": [coding], "text": alt },
            });
            let mut actions = Vec::new();
            if let Some(r) = &order.reference {
                actions.push(json!({
                    "type": "delete",
                    "description": match input.lang {
                        Lang::Sv => format!("Ta bort utkastet till ordination av {}", d.drug),
                        _ => format!("Remove the draft order for {}", d.drug),
                    },
                    "resourceId": r,
                }));
            }
            actions.push(json!({
                "type": "create",
                "description": match input.lang {
                    Lang::Sv => format!("Skapa ett utkast till ordination av {alt}"),
                    _ => format!("Draft an order for {alt}"),
                },
                "resource": resource,
            }));
            json!({
                "label": match input.lang {
                    Lang::Sv => format!("Byt {} mot {alt} ({} nämner det som alternativ)", d.drug, d.source.label()),
                    _ => format!("Replace {} with {alt} (an alternative {} names)", d.drug, d.source.label()),
                },
                "uuid": uuid(&[input.instance, &d.drug, d.source.label(), alt, "suggestion"]),
                "actions": actions,
            })
        })
        .collect()
}
