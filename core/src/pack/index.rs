//! The loaded packs with the indexes that make lookups cheap: a gene's
//! symbol in any letter case, a gene of one source, a drug's guidelines and
//! rows, and the lookup keys each gene's rows use. Every stage that reads
//! the packs reads them through this index.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::vocabulary::{DrugLookup, Vocabulary};
use super::{
    Brand, CpicLevel, Drug, Gene, Guideline, LookupKey, Pack, PackSet, Recommendation, Source,
};
use crate::names::suggest;
use crate::{Error, Result};

/// Loaded packs and their indexes.
#[derive(Debug)]
pub(crate) struct Knowledge {
    set: PackSet,
    /// Upper-case symbol → canonical symbol.
    gene_names: HashMap<String, String>,
    /// (source, symbol) → index into that pack's genes.
    genes: HashMap<(Source, String), usize>,
    /// Lower-case drug → (source, guideline index, recommendation indexes).
    drug_recs: BTreeMap<String, Vec<DrugGuideline>>,
    /// (source, gene) → every lookup key the recommendations use.
    vocabulary: HashMap<(Source, String), BTreeSet<String>>,
    /// The drug listing, built once.
    drug_list: Vec<DrugInfo>,
    /// Every drug by generic name, brand name, ATC code and RxNorm id.
    drugs: Vocabulary,
}

/// The rows of one guideline that name a drug.
#[derive(Debug, Clone)]
pub(crate) struct DrugGuideline {
    pub(crate) source: Source,
    pub(crate) guideline: usize,
    pub(crate) recs: Vec<usize>,
}

/// A drug, its guidelines and the other names it is known by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrugInfo {
    /// Lower-case generic name.
    pub name: String,
    /// Sources with a guideline (empty for a known drug no guideline covers).
    pub sources: Vec<Source>,
    /// Genes used.
    pub genes: Vec<String>,
    /// Guideline ids.
    pub guidelines: Vec<String>,
    /// Common brand names.
    #[serde(default)]
    pub brands: Vec<Brand>,
    /// ATC codes, where the upstream data gives them.
    #[serde(default)]
    pub atc: Vec<String>,
    /// RxNorm id, where the upstream data gives one.
    #[serde(default)]
    pub rxnorm: Option<String>,
    /// For a drug no guideline covers: the genes CPIC lists it with and
    /// their level.
    #[serde(default)]
    pub cpic_levels: Vec<CpicLevel>,
}

impl DrugInfo {
    fn new(name: &str, drug: Option<&Drug>) -> DrugInfo {
        DrugInfo {
            name: name.to_string(),
            sources: Vec::new(),
            genes: Vec::new(),
            guidelines: Vec::new(),
            brands: drug.map(|d| d.brands.clone()).unwrap_or_default(),
            atc: drug.map(|d| d.atc.clone()).unwrap_or_default(),
            rxnorm: drug.and_then(|d| d.ids.get("rxnorm").cloned()),
            cpic_levels: drug.map(|d| d.cpic_levels.clone()).unwrap_or_default(),
        }
    }
}

impl Knowledge {
    /// Indexes packs already loaded.
    pub(crate) fn new(set: PackSet) -> Knowledge {
        let mut gene_names = HashMap::new();
        let mut genes = HashMap::new();
        let mut drug_recs: BTreeMap<String, Vec<DrugGuideline>> = BTreeMap::new();
        // Gathered borrowed, owned once per distinct entry after the loop.
        let mut vocab: HashMap<(Source, &str), BTreeSet<&str>> = HashMap::new();
        for pack in &set.packs {
            let source = pack.meta.source;
            for (i, gene) in pack.genes.iter().enumerate() {
                gene_names.insert(gene.symbol.to_ascii_uppercase(), gene.symbol.clone());
                genes.insert((source, gene.symbol.clone()), i);
            }
            for (gi, guideline) in pack.guidelines.iter().enumerate() {
                for g in &guideline.genes {
                    gene_names
                        .entry(g.to_ascii_uppercase())
                        .or_insert_with(|| g.clone());
                }
                let mut per_drug: BTreeMap<String, Vec<usize>> = BTreeMap::new();
                for d in &guideline.drugs {
                    per_drug.entry(d.to_lowercase()).or_default();
                }
                for (ri, rec) in guideline.recommendations.iter().enumerate() {
                    // Drug names are nearly always lower-case ASCII already.
                    let drug = &rec.drug;
                    if drug
                        .bytes()
                        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
                    {
                        match per_drug.get_mut(drug.as_str()) {
                            Some(recs) => recs.push(ri),
                            None => {
                                per_drug.insert(drug.clone(), vec![ri]);
                            }
                        }
                    } else {
                        per_drug.entry(drug.to_lowercase()).or_default().push(ri);
                    }
                    for (gene, key) in &rec.lookup {
                        if let LookupKey::Key(k) = key {
                            vocab
                                .entry((source, gene.as_str()))
                                .or_default()
                                .insert(k.as_str());
                        }
                    }
                }
                for (drug, recs) in per_drug {
                    drug_recs.entry(drug).or_default().push(DrugGuideline {
                        source,
                        guideline: gi,
                        recs,
                    });
                }
            }
        }
        let vocabulary: HashMap<(Source, String), BTreeSet<String>> = vocab
            .into_iter()
            .map(|((source, gene), keys)| {
                let keys = keys.into_iter().map(str::to_string).collect();
                ((source, gene.to_string()), keys)
            })
            .collect();
        let drugs = Vocabulary::new(&set);
        let mut knowledge = Knowledge {
            set,
            gene_names,
            genes,
            drug_recs,
            vocabulary,
            drug_list: Vec::new(),
            drugs,
        };
        knowledge.drug_list = drug_list(&knowledge);
        knowledge
    }

    /// The loaded packs.
    pub(crate) fn packs(&self) -> &[Pack] {
        &self.set.packs
    }

    /// Release string and sha256 of the loaded pack set.
    pub(crate) fn pack_release(&self) -> (&str, &str) {
        (&self.set.release, &self.set.sha256)
    }

    /// The pack of `source`, when loaded.
    pub(crate) fn pack(&self, source: Source) -> Option<&Pack> {
        self.set.pack(source)
    }

    /// The sources whose pack is loaded, in [`Source::ALL`] order.
    pub(crate) fn loaded_sources(&self) -> Vec<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| self.pack(*s).is_some())
            .collect()
    }

    /// Canonical symbol for a gene name given in any letter case, or
    /// [`Error::UnknownGene`] with the close symbols.
    pub(crate) fn gene_symbol(&self, name: &str) -> Result<&str> {
        let name = name.trim();
        self.gene_names
            .get(&name.to_ascii_uppercase())
            .map(String::as_str)
            .ok_or_else(|| {
                let mut known: Vec<&str> = self.gene_names.values().map(String::as_str).collect();
                known.sort_unstable();
                known.dedup();
                Error::UnknownGene {
                    gene: name.to_string(),
                    suggestions: suggest(name, known),
                }
            })
    }

    /// Every canonical gene symbol, in no particular order.
    pub(crate) fn gene_symbols(&self) -> impl Iterator<Item = &String> {
        self.gene_names.values()
    }

    /// The gene of one source's pack.
    pub(crate) fn gene(&self, source: Source, symbol: &str) -> Option<&Gene> {
        let i = *self.genes.get(&(source, symbol.to_string()))?;
        self.pack(source)?.genes.get(i)
    }

    /// Guideline `index` of `source`'s pack.
    pub(crate) fn guideline(&self, source: Source, index: usize) -> Option<&Guideline> {
        self.pack(source)?.guidelines.get(index)
    }

    /// Lookup keys the recommendations of `source` use for `gene`.
    pub(crate) fn vocabulary(&self, source: Source, gene: &str) -> Option<&BTreeSet<String>> {
        self.vocabulary.get(&(source, gene.to_string()))
    }

    /// Every drug with its guidelines, by lower-case name.
    pub(crate) fn drug_entries(&self) -> impl Iterator<Item = (&String, &Vec<DrugGuideline>)> {
        self.drug_recs.iter()
    }

    /// The drug listing.
    pub(crate) fn drug_list(&self) -> &[DrugInfo] {
        &self.drug_list
    }

    /// Canonical (lower-case) generic name of a drug a guideline covers,
    /// given by generic name, brand name, ATC code or RxNorm id;
    /// [`Error::NoGuideline`] for a known drug no guideline covers,
    /// [`Error::UnknownDrug`] (with suggestions) for any other name.
    pub(crate) fn drug_name(&self, name: &str) -> Result<String> {
        let found = self.find_drug(name)?;
        match found.note {
            Some(note) if !found.covered => Err(Error::NoGuideline {
                drug: found.name,
                note,
            }),
            _ => Ok(found.name),
        }
    }

    /// A drug name read against the vocabulary; [`Error::UnknownDrug`]
    /// (with suggestions) for a name that is no drug.
    pub(crate) fn find_drug(&self, name: &str) -> Result<DrugLookup> {
        self.drugs.find(name, &|n| self.drug_recs.contains_key(n))
    }

    /// As [`Knowledge::find_drug`], without the error: `None` when the name
    /// is not one drug.
    pub(crate) fn find_known_drug(&self, name: &str) -> Option<DrugLookup> {
        self.drugs
            .find_known(name, &|n| self.drug_recs.contains_key(n))
    }

    /// Every drug of the vocabulary: those a guideline covers and the
    /// known drugs no guideline covers, by generic name.
    pub(crate) fn drug_vocabulary(&self) -> Vec<DrugInfo> {
        let mut out: BTreeMap<&str, DrugInfo> = self
            .drug_list
            .iter()
            .map(|d| (d.name.as_str(), d.clone()))
            .collect();
        for (name, drug) in self.drugs.drugs() {
            out.entry(name.as_str())
                .or_insert_with(|| DrugInfo::new(name, Some(drug)));
        }
        out.into_values().collect()
    }

    /// The guidelines (and their rows) that name `drug` (lower case).
    pub(crate) fn drug_guidelines(&self, drug: &str) -> &[DrugGuideline] {
        self.drug_recs.get(drug).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Recommendation `rec` of guideline `guideline` of `source`.
    pub(crate) fn recommendation(
        &self,
        source: Source,
        guideline: usize,
        rec: usize,
    ) -> Option<&Recommendation> {
        self.guideline(source, guideline)?.recommendations.get(rec)
    }
}

fn drug_list(inner: &Knowledge) -> Vec<DrugInfo> {
    let mut out = Vec::new();
    for (drug, entries) in &inner.drug_recs {
        let mut sources = BTreeSet::new();
        let mut genes = BTreeSet::new();
        let mut guidelines = Vec::new();
        for e in entries {
            if let Some(g) = inner
                .set
                .pack(e.source)
                .and_then(|p| p.guidelines.get(e.guideline))
            {
                sources.insert(e.source);
                genes.extend(g.genes.iter().cloned());
                guidelines.push(g.id.clone());
            }
        }
        let mut info = DrugInfo::new(drug, inner.drugs.drug(drug));
        info.sources = sources.into_iter().collect();
        info.genes = genes.into_iter().collect();
        info.guidelines = guidelines;
        out.push(info);
    }
    out
}

/// Names of every allele a gene knows (functions, definitions, aliases).
pub(crate) fn allele_names(gene: &Gene) -> BTreeSet<&str> {
    let mut names: BTreeSet<&str> = gene
        .phenotyping
        .alleles
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    if let Some(def) = &gene.definition {
        names.extend(def.alleles.iter().map(|a| a.name.as_str()));
    }
    names.extend(gene.phenotyping.aliases.keys().map(String::as_str));
    names
}
