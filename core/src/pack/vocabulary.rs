//! The drug vocabulary of the loaded packs: every drug by generic name,
//! brand name, ATC code and RxNorm id, and how a name given is read.
//!
//! A name is read, in this order, as a generic name (any letter case), a
//! brand name (any letter case), an ATC code (`B01AC04`, any letter case) or
//! an RxNorm id (`rxnorm:32968`, or the digits alone). A name that is none of
//! these is [`Error::UnknownDrug`] with the close generic and brand names as
//! suggestions.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{Drug, PackSet};
use crate::names::{suggest, Suggestions};
use crate::{Error, Result};

/// How a drug name given was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrugVia {
    /// The generic name (`clopidogrel`, `Clopidogrel`).
    Generic,
    /// A brand name (`Plavix`).
    Brand,
    /// An ATC code (`B01AC04`).
    Atc,
    /// An RxNorm id (`rxnorm:32968` or `32968`).
    Rxnorm,
}

impl DrugVia {
    /// What the name given was, in words (`brand name`).
    ///
    /// ```
    /// assert_eq!(dosera::pack::DrugVia::Atc.label(), "ATC code");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            DrugVia::Generic => "generic name",
            DrugVia::Brand => "brand name",
            DrugVia::Atc => "ATC code",
            DrugVia::Rxnorm => "RxNorm id",
        }
    }
}

/// A drug name read against the vocabulary ([`crate::Engine::find_drug`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrugLookup {
    /// The name as given.
    pub given: String,
    /// The generic name it stands for (lower case).
    pub name: String,
    /// What the name given was.
    pub via: DrugVia,
    /// True when a guideline of the loaded packs covers the drug.
    pub covered: bool,
    /// For a drug no guideline covers: the one-line answer
    /// ([`Drug::no_guideline_note`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl DrugLookup {
    /// The line that says how a name other than the generic name was read
    /// (`Plavix is clopidogrel (brand name)`); `None` for a generic name.
    ///
    /// ```
    /// use dosera::pack::{DrugLookup, DrugVia};
    /// let l = DrugLookup {
    ///     given: "Plavix".into(),
    ///     name: "clopidogrel".into(),
    ///     via: DrugVia::Brand,
    ///     covered: true,
    ///     note: None,
    /// };
    /// assert_eq!(l.reading().unwrap(), "Plavix is clopidogrel (brand name)");
    /// ```
    pub fn reading(&self) -> Option<String> {
        (self.via != DrugVia::Generic)
            .then(|| format!("{} is {} ({})", self.given, self.name, self.via.label()))
    }
}

/// Every drug of the loaded packs, merged across sources, and the other
/// names they are known by.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Lower-case generic name → the drug, merged across packs.
    drugs: BTreeMap<String, Drug>,
    /// Lower-case brand name, ATC code or `rxnorm:ID` → the generic names
    /// it stands for and how.
    aliases: HashMap<String, Vec<(String, DrugVia)>>,
}

impl Vocabulary {
    /// Gathers the drug lists of every pack.
    pub(crate) fn new(set: &PackSet) -> Vocabulary {
        let mut drugs: BTreeMap<String, Drug> = BTreeMap::new();
        for pack in &set.packs {
            for d in &pack.drugs {
                let key = d.name.to_lowercase();
                match drugs.get_mut(&key) {
                    None => {
                        drugs.insert(key, d.clone());
                    }
                    Some(m) => merge(m, d),
                }
            }
        }
        let mut aliases: HashMap<String, Vec<(String, DrugVia)>> = HashMap::new();
        let mut add = |key: String, name: &str, via: DrugVia| {
            let e = aliases.entry(key).or_default();
            if !e.iter().any(|(n, _)| n == name) {
                e.push((name.to_string(), via));
            }
        };
        for (name, d) in &drugs {
            for b in &d.brands {
                add(b.name.to_lowercase(), name, DrugVia::Brand);
            }
            for code in &d.atc {
                add(code.to_lowercase(), name, DrugVia::Atc);
            }
            if let Some(id) = d.ids.get("rxnorm") {
                add(format!("rxnorm:{id}"), name, DrugVia::Rxnorm);
            }
        }
        Vocabulary { drugs, aliases }
    }

    /// Every drug, by lower-case generic name.
    pub(crate) fn drugs(&self) -> &BTreeMap<String, Drug> {
        &self.drugs
    }

    /// The drug of a lower-case generic name.
    pub(crate) fn drug(&self, name: &str) -> Option<&Drug> {
        self.drugs.get(name)
    }

    /// Reads a name given: the generic name and how it was recognised, or
    /// [`Error::UnknownDrug`] with suggestions. `covered` says whether a
    /// guideline covers a generic name.
    pub(crate) fn find(&self, given: &str, covered: &dyn Fn(&str) -> bool) -> Result<DrugLookup> {
        match self.read(given, covered) {
            Ok(found) => Ok(found),
            Err(several) => Err(Error::UnknownDrug {
                drug: given.trim().to_string(),
                suggestions: match several {
                    Some(names) => Suggestions::new(names),
                    None => self.suggestions(given.trim()),
                },
            }),
        }
    }

    /// As [`Vocabulary::find`], for a caller that has no use for the error
    /// (and its suggestions, which take longest to make): `None` when the
    /// name is not one drug.
    pub(crate) fn find_known(
        &self,
        given: &str,
        covered: &dyn Fn(&str) -> bool,
    ) -> Option<DrugLookup> {
        self.read(given, covered).ok()
    }

    /// The lookup of a name, or the drugs it could be (`Some`, for a name
    /// of several) or none (`None`).
    fn read(
        &self,
        given: &str,
        covered: &dyn Fn(&str) -> bool,
    ) -> std::result::Result<DrugLookup, Option<Vec<String>>> {
        let given = given.trim();
        let lower = given.to_lowercase();
        let lookup = |name: &str, via: DrugVia| {
            let covered = covered(name);
            DrugLookup {
                given: given.to_string(),
                name: name.to_string(),
                via,
                covered,
                note: if covered {
                    None
                } else {
                    self.drugs.get(name).map(Drug::no_guideline_note)
                },
            }
        };
        if self.drugs.contains_key(&lower) || covered(&lower) {
            return Ok(lookup(&lower, DrugVia::Generic));
        }
        let key = match rxnorm_key(&lower) {
            Some(k) => k,
            None => lower.clone(),
        };
        match self.aliases.get(&key).map(Vec::as_slice) {
            Some([(name, via)]) => Ok(lookup(name, *via)),
            Some(several) => Err(Some(several.iter().map(|(n, _)| n.clone()).collect())),
            None => Err(None),
        }
    }

    /// Close generic and brand names for a name that is not known.
    fn suggestions(&self, given: &str) -> Suggestions {
        let brands = self
            .drugs
            .values()
            .flat_map(|d| d.brands.iter().map(|b| b.name.as_str()));
        suggest(given, self.drugs.keys().map(String::as_str).chain(brands))
    }
}

/// `rxnorm:ID` (any letter case, spaces allowed after the colon) or the
/// digits alone, as the key the aliases use.
fn rxnorm_key(lower: &str) -> Option<String> {
    let id = match lower.strip_prefix("rxnorm:") {
        Some(rest) => rest.trim(),
        None => lower,
    };
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| format!("rxnorm:{id}"))
}

/// Adds what `other` knows of the same drug to `into`.
fn merge(into: &mut Drug, other: &Drug) {
    for (k, v) in &other.ids {
        into.ids.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for (list, more) in [
        (&mut into.guidelines, &other.guidelines),
        (&mut into.genes, &other.genes),
        (&mut into.atc, &other.atc),
    ] {
        for x in more {
            if !list.contains(x) {
                list.push(x.clone());
            }
        }
    }
    for b in &other.brands {
        if !into.brands.contains(b) {
            into.brands.push(b.clone());
        }
    }
    for l in &other.cpic_levels {
        if !into.cpic_levels.contains(l) {
            into.cpic_levels.push(l.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rxnorm_forms() {
        assert_eq!(rxnorm_key("32968").as_deref(), Some("rxnorm:32968"));
        assert_eq!(rxnorm_key("rxnorm: 32968").as_deref(), Some("rxnorm:32968"));
        assert_eq!(rxnorm_key("rxnorm:"), None);
        assert_eq!(rxnorm_key("b01ac04"), None);
    }
}
