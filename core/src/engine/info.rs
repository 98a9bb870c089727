//! What the loaded packs know, listed for pickers and catalogues: genes,
//! alleles with their function, the values a gene result may take, drugs.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Engine;
use crate::pack::{DrugInfo, PhenotypeMethod, Source};
use crate::{PackInfo, Result, ENGINE_VERSION};

impl Engine {
    /// The engine version and the release, sha256, licence and attribution
    /// of each loaded pack: what every result is shown with. The C, Python
    /// and WebAssembly bindings return exactly this.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let r = engine.releases();
    /// assert_eq!(r.engine_version, dosera::ENGINE_VERSION);
    /// assert_eq!((r.release.as_str(), r.sha256.as_str()), engine.pack_release());
    /// assert_eq!(r.packs.len(), 2);
    /// ```
    pub fn releases(&self) -> Releases {
        let (release, sha256) = self.pack_release();
        Releases {
            engine_version: ENGINE_VERSION.to_string(),
            release: release.to_string(),
            sha256: sha256.to_string(),
            packs: self.packs().iter().map(PackInfo::of).collect(),
        }
    }

    /// Every gene known to the loaded packs.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let genes = engine.genes();
    /// assert!(genes.iter().any(|g| g.symbol == "HLA-B"));
    /// ```
    pub fn genes(&self) -> Vec<GeneInfo> {
        let mut out: BTreeMap<String, GeneInfo> = BTreeMap::new();
        for symbol in self.knowledge().gene_symbols() {
            let mut info = GeneInfo {
                symbol: symbol.clone(),
                sources: Vec::new(),
                methods: Vec::new(),
                alleles: 0,
                vcf_definition: false,
                drugs: Vec::new(),
            };
            for source in Source::ALL {
                let Some(pack) = self.pack(source) else {
                    continue;
                };
                let gene = self.gene(source, symbol);
                let used = pack.guidelines.iter().any(|g| g.genes.contains(symbol));
                if gene.is_some() || used {
                    info.sources.push(source);
                }
                if let Some(gene) = gene {
                    if !info.methods.contains(&gene.phenotyping.method) {
                        info.methods.push(gene.phenotyping.method);
                    }
                    info.alleles = info.alleles.max(crate::pack::allele_names(gene).len());
                    info.vcf_definition |= gene.definition.is_some();
                }
            }
            for (drug, entries) in self.knowledge().drug_entries() {
                let uses = entries.iter().any(|e| {
                    self.knowledge()
                        .guideline(e.source, e.guideline)
                        .is_some_and(|g| g.genes.contains(symbol))
                });
                if uses {
                    info.drugs.push(drug.clone());
                }
            }
            out.insert(symbol.clone(), info);
        }
        out.into_values().collect()
    }

    /// Alleles of a gene with their function and activity value (CPIC pack
    /// first, then DPWG for genes only it describes).
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let alleles = engine.alleles("CYP2C19").unwrap();
    /// let star2 = alleles.iter().find(|a| a.name == "*2").unwrap();
    /// assert_eq!(star2.function.as_deref(), Some("No function"));
    /// ```
    pub fn alleles(&self, gene: &str) -> Result<Vec<AlleleInfo>> {
        let symbol = self.gene_symbol(gene)?.to_string();
        let mut out: BTreeMap<String, AlleleInfo> = BTreeMap::new();
        for source in Source::ALL {
            let Some(g) = self.gene(source, &symbol) else {
                continue;
            };
            for a in &g.phenotyping.alleles {
                out.entry(a.name.clone()).or_insert_with(|| AlleleInfo {
                    name: a.name.clone(),
                    function: a.function.clone(),
                    activity: a.activity.clone(),
                    source,
                });
            }
            if let Some(def) = &g.definition {
                for a in &def.alleles {
                    out.entry(a.name.clone()).or_insert_with(|| AlleleInfo {
                        name: a.name.clone(),
                        function: None,
                        activity: None,
                        source,
                    });
                }
            }
            for a in &g.phenotyping.status_alleles {
                out.entry(a.clone()).or_insert_with(|| AlleleInfo {
                    name: a.clone(),
                    function: None,
                    activity: None,
                    source,
                });
            }
        }
        let mut v: Vec<AlleleInfo> = out.into_values().collect();
        v.sort_by(|a, b| crate::names::natural_cmp(&a.name, &b.name));
        Ok(v)
    }

    /// What a result for `gene` may be given as, for pickers: the
    /// phenotypes its rules assign, the activity scores and the other lookup
    /// keys (carrier status, `No Result`, …) its recommendations use. Every
    /// value listed is accepted by [`Engine::interpret`]; diplotypes are
    /// built from [`Engine::alleles`].
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let c = engine.choices("cyp2c19").unwrap();
    /// assert_eq!(c.symbol, "CYP2C19");
    /// assert!(c.phenotypes.iter().any(|p| p == "Poor Metabolizer"));
    /// let d6 = engine.choices("CYP2D6").unwrap();
    /// assert!(d6.activity_scores.iter().any(|s| s == "1.0"));
    /// assert!(engine.choices("NOTAGENE").is_err());
    /// ```
    pub fn choices(&self, gene: &str) -> Result<GeneChoices> {
        let symbol = self.gene_symbol(gene)?.to_string();
        let mut phenotypes = BTreeSet::new();
        let mut keys = BTreeSet::new();
        for source in Source::ALL {
            if let Some(g) = self.gene(source, &symbol) {
                let p = &g.phenotyping;
                phenotypes.extend(p.function_pairs.iter().map(|r| r.phenotype.clone()));
                phenotypes.extend(p.activity_bins.iter().map(|r| r.phenotype.clone()));
                phenotypes.extend(p.single_allele.iter().map(|r| r.phenotype.clone()));
                phenotypes.extend(p.diplotypes.iter().map(|r| r.phenotype.clone()));
            }
            if let Some(v) = self.knowledge().vocabulary(source, &symbol) {
                keys.extend(v.iter().cloned());
            }
        }
        let mut activity_scores = Vec::new();
        let mut other_keys = Vec::new();
        for key in keys {
            // `n/a` marks a gene a guideline row does not use: not a result.
            if phenotypes.contains(&key) || key.eq_ignore_ascii_case("n/a") {
                continue;
            }
            match crate::phenotype::parse_score(&key) {
                Some(_) => activity_scores.push(key),
                None => other_keys.push(key),
            }
        }
        activity_scores.sort_by(|a, b| {
            let (x, y) = (
                crate::phenotype::parse_score(a).map_or(0.0, |s| s.0),
                crate::phenotype::parse_score(b).map_or(0.0, |s| s.0),
            );
            x.total_cmp(&y).then_with(|| a.cmp(b))
        });
        Ok(GeneChoices {
            symbol,
            phenotypes: phenotypes.into_iter().collect(),
            activity_scores,
            other_keys,
        })
    }

    /// Every drug with a guideline in the loaded packs.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let codeine = engine.drugs().into_iter().find(|d| d.name == "codeine").unwrap();
    /// assert!(codeine.genes.contains(&"CYP2D6".to_string()));
    /// ```
    pub fn drugs(&self) -> Vec<DrugInfo> {
        self.knowledge().drug_list().to_vec()
    }

    /// The whole drug vocabulary: every drug with a guideline and every
    /// known drug no guideline covers (no sources, with the CPIC levels
    /// upstream gives), each with its brand names, ATC codes and RxNorm id.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let all = engine.drug_vocabulary();
    /// assert!(all.len() > engine.drugs().len());
    /// let metformin = all.iter().find(|d| d.name == "metformin").unwrap();
    /// assert!(metformin.sources.is_empty() && !metformin.cpic_levels.is_empty());
    /// let clopidogrel = all.iter().find(|d| d.name == "clopidogrel").unwrap();
    /// assert!(clopidogrel.brands.iter().any(|b| b.name == "Plavix"));
    /// ```
    pub fn drug_vocabulary(&self) -> Vec<DrugInfo> {
        self.knowledge().drug_vocabulary()
    }
}

/// Engine version and the knowledge-pack releases behind every result
/// ([`Engine::releases`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Releases {
    /// Engine version.
    pub engine_version: String,
    /// Release of the pack set.
    pub release: String,
    /// sha256 of the pack set.
    pub sha256: String,
    /// Each source's pack.
    pub packs: Vec<PackInfo>,
}

/// A gene and what the packs hold for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeneInfo {
    /// HGNC symbol.
    pub symbol: String,
    /// Sources with rules or guidelines for this gene.
    pub sources: Vec<Source>,
    /// Phenotype methods used (per source).
    pub methods: Vec<PhenotypeMethod>,
    /// Number of named alleles.
    pub alleles: usize,
    /// True when the gene has GRCh38 definitions (callable from a VCF).
    pub vcf_definition: bool,
    /// Drugs whose guidelines use this gene.
    pub drugs: Vec<String>,
}

/// An allele and its function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlleleInfo {
    /// Allele name.
    pub name: String,
    /// Clinical function, when assigned.
    pub function: Option<String>,
    /// Activity value, for activity-score genes.
    pub activity: Option<String>,
    /// Pack the function comes from.
    pub source: Source,
}

/// The values a gene result may take, for pickers ([`Engine::choices`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GeneChoices {
    /// HGNC symbol.
    pub symbol: String,
    /// Phenotypes the gene's rules assign, alphabetical.
    pub phenotypes: Vec<String>,
    /// Activity scores the recommendations use, lowest first.
    pub activity_scores: Vec<String>,
    /// Other lookup keys the recommendations use (carrier status, …).
    pub other_keys: Vec<String>,
}

#[cfg(test)]
mod choice_tests {
    use super::*;

    /// Every value offered to a picker is read back by `interpret`, for
    /// every gene of the bundled packs.
    #[test]
    fn every_choice_is_accepted() {
        let engine = Engine::bundled().expect("bundled packs");
        let mut offered = 0;
        for gene in engine.genes() {
            let c = engine.choices(&gene.symbol).expect("choices");
            for value in c
                .phenotypes
                .iter()
                .chain(&c.activity_scores)
                .chain(&c.other_keys)
            {
                let input = crate::GeneInput::new(&gene.symbol, value);
                if let Err(e) = engine.interpret(&input) {
                    panic!("{input} offered but refused: {e}");
                }
                offered += 1;
            }
        }
        assert!(offered > 50, "only {offered} values offered");
    }
}
