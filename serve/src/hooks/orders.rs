//! The drugs of a CDS Hooks `draftOrders` bundle: each FHIR R4
//! `MedicationRequest` read by its RxNorm or ATC coding, else by the names
//! in its coding displays and text.

use dosera::Engine;
use serde_json::Value;

use crate::Problem;

/// RxNorm's FHIR system URI.
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
/// The WHO ATC classification's FHIR system URI.
pub const ATC: &str = "http://www.whocc.no/atc";

/// One medication order of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// `MedicationRequest/{id}`, when the resource has an id.
    pub reference: Option<String>,
    /// What the order names, as dosera read it.
    pub drug: OrderedDrug,
}

/// What an order's medication was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderedDrug {
    /// A drug a guideline of the loaded packs covers (generic name), and
    /// what it was recognised by (`RxNorm 32968`, `ATC B01AC04`, `name Plavix`).
    Covered {
        /// Generic name.
        drug: String,
        /// How it was recognised.
        via: String,
    },
    /// A drug the vocabulary knows that no guideline covers.
    NoGuideline {
        /// Generic name.
        drug: String,
    },
    /// Nothing in the order names a drug dosera knows.
    Unknown,
}

/// Reads the orders of a `draftOrders` bundle. With `selections` (the
/// order-select hook), only the selected `MedicationRequest`s are read.
/// More than `max` entries is refused (422); a bundle of the wrong shape
/// is a 400.
///
/// ```
/// use dosera_serve::hooks::orders::{read_orders, OrderedDrug};
/// let engine = dosera::Engine::bundled().unwrap();
/// let bundle = serde_json::json!({"resourceType": "Bundle", "entry": [{"resource": {
///     "resourceType": "MedicationRequest", "id": "o1",
///     "medicationCodeableConcept": {"coding": [{
///         "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "32968"}]}}}]});
/// let orders = read_orders(&engine, &bundle, None, 100).unwrap();
/// assert_eq!(orders[0].reference.as_deref(), Some("MedicationRequest/o1"));
/// assert!(matches!(&orders[0].drug, OrderedDrug::Covered { drug, .. } if drug == "clopidogrel"));
/// ```
pub fn read_orders(
    engine: &Engine,
    bundle: &Value,
    selections: Option<&[String]>,
    max: usize,
) -> Result<Vec<Order>, Problem> {
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(Problem::bad_request(
            "context.draftOrders must be a FHIR Bundle (resourceType \"Bundle\")",
        ));
    }
    let entries = match bundle.get("entry") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(Problem::bad_request(
                "context.draftOrders.entry must be an array",
            ))
        }
    };
    if entries.len() > max {
        return Err(Problem::unprocessable(format!(
            "context.draftOrders has {} entries; this service reads at most {max}",
            entries.len()
        )));
    }
    let resources: Vec<&Value> = entries
        .iter()
        .filter_map(|e| e.get("resource"))
        .filter(|r| r.is_object())
        .collect();
    let mut orders = Vec::new();
    for r in &resources {
        if r.get("resourceType").and_then(Value::as_str) != Some("MedicationRequest") {
            continue;
        }
        let reference = r
            .get("id")
            .and_then(Value::as_str)
            .map(|id| format!("MedicationRequest/{id}"));
        if let Some(sel) = selections {
            if !reference.as_ref().is_some_and(|x| sel.contains(x)) {
                continue;
            }
        }
        let concept = medication_concept(r, &resources);
        let drug = match concept {
            Some(c) => identify(engine, c),
            None => OrderedDrug::Unknown,
        };
        orders.push(Order { reference, drug });
    }
    Ok(orders)
}

/// The medication's CodeableConcept: `medicationCodeableConcept` (R4),
/// `medication.concept` (R5), or the code of a referenced `Medication`
/// (contained, `#id`, or in the same bundle, `Medication/id`).
fn medication_concept<'a>(request: &'a Value, bundle: &[&'a Value]) -> Option<&'a Value> {
    if let Some(c) = request.get("medicationCodeableConcept") {
        return Some(c);
    }
    if let Some(c) = request.get("medication").and_then(|m| m.get("concept")) {
        return Some(c);
    }
    let reference = request
        .get("medicationReference")
        .or_else(|| request.get("medication").and_then(|m| m.get("reference")))
        .and_then(|r| r.get("reference"))
        .and_then(Value::as_str)?;
    let found = if let Some(local) = reference.strip_prefix('#') {
        request
            .get("contained")
            .and_then(Value::as_array)
            .and_then(|c| {
                c.iter()
                    .find(|m| m.get("id").and_then(Value::as_str) == Some(local))
            })
    } else {
        let id = reference.strip_prefix("Medication/")?;
        bundle.iter().copied().find(|m| {
            m.get("resourceType").and_then(Value::as_str) == Some("Medication")
                && m.get("id").and_then(Value::as_str) == Some(id)
        })
    };
    found.and_then(|m| m.get("code"))
}

/// Reads a CodeableConcept: codings first (RxNorm, ATC), then the names in
/// coding displays and the text, whole and word by word (`clopidogrel 75
/// MG Oral Tablet` names clopidogrel).
fn identify(engine: &Engine, concept: &Value) -> OrderedDrug {
    let codings: Vec<&Value> = concept
        .get("coding")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut known_without_guideline = None;
    for c in &codings {
        let system = c.get("system").and_then(Value::as_str).unwrap_or("");
        let Some(code) = c.get("code").and_then(Value::as_str) else {
            continue;
        };
        let label = match system {
            RXNORM if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) => "RxNorm",
            ATC if code.len() == 7 && code.is_ascii() => "ATC",
            _ => continue,
        };
        match look_up(engine, code) {
            Some(OrderedDrug::Covered { drug, .. }) => {
                return OrderedDrug::Covered {
                    drug,
                    via: format!("{label} {code}"),
                }
            }
            Some(other) => known_without_guideline = Some(other),
            None => {}
        }
    }
    let mut names: Vec<&str> = codings
        .iter()
        .filter_map(|c| c.get("display").and_then(Value::as_str))
        .collect();
    if let Some(t) = concept.get("text").and_then(Value::as_str) {
        names.push(t);
    }
    for name in names {
        let whole = std::iter::once(name.trim());
        let words = name
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| w.len() >= 3 && w.chars().any(char::is_alphabetic));
        for candidate in whole.chain(words) {
            match look_up(engine, candidate) {
                Some(OrderedDrug::Covered { drug, .. }) => {
                    return OrderedDrug::Covered {
                        drug,
                        via: format!("name {}", candidate),
                    }
                }
                Some(other) => {
                    known_without_guideline.get_or_insert(other);
                }
                None => {}
            }
        }
    }
    known_without_guideline.unwrap_or(OrderedDrug::Unknown)
}

fn look_up(engine: &Engine, name: &str) -> Option<OrderedDrug> {
    if name.is_empty() || name.len() > 200 {
        return None;
    }
    let found = engine.find_drug(name).ok()?;
    Some(if found.covered {
        OrderedDrug::Covered {
            drug: found.name,
            via: String::new(),
        }
    } else {
        OrderedDrug::NoGuideline { drug: found.name }
    })
}
