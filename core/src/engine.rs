//! The engine: loaded packs plus the indexes that make lookups cheap.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};

use crate::pack::{
    Gene, Guideline, LookupKey, Pack, PackSet, PhenotypeMethod, Recommendation, Source,
};
use crate::{Error, Result};

/// Version of this engine, recorded in every result.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Loaded knowledge packs and their indexes. Cheap to clone (shared), and
/// safe to use from several threads at once.
///
/// ```
/// let engine = dosera::Engine::bundled().unwrap();
/// assert!(engine.drugs().iter().any(|d| d.name == "clopidogrel"));
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    set: PackSet,
    /// Upper-case symbol → canonical symbol.
    gene_names: HashMap<String, String>,
    /// (source, symbol) → index into that pack's genes.
    genes: HashMap<(Source, String), usize>,
    /// Lower-case drug → (source, guideline index, recommendation indexes).
    pub(crate) drug_recs: BTreeMap<String, Vec<DrugGuideline>>,
    /// (source, gene) → every lookup key the recommendations use.
    pub(crate) vocabulary: HashMap<(Source, String), BTreeSet<String>>,
    /// The drug listing, built once.
    drug_list: Vec<DrugInfo>,
    /// Allele definitions prepared for matching.
    definitions: crate::allele::Definitions,
}

#[derive(Debug, Clone)]
pub(crate) struct DrugGuideline {
    pub(crate) source: Source,
    pub(crate) guideline: usize,
    pub(crate) recs: Vec<usize>,
}

static BUNDLED: LazyLock<std::result::Result<Engine, String>> = LazyLock::new(|| {
    PackSet::bundled()
        .map(Engine::new)
        .map_err(|e| e.to_string())
});

impl Engine {
    /// The engine over the packs bundled in this build (parsed once).
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert_eq!(engine.packs().len(), 2);
    /// ```
    pub fn bundled() -> Result<Engine> {
        BUNDLED.clone().map_err(Error::InvalidPack)
    }

    /// The engine over a pack folder (with `MANIFEST.toml`), e.g. a newer
    /// release a hospital built with `dosera pack import`.
    ///
    /// ```no_run
    /// let engine = dosera::Engine::from_dir("guidelines/data".as_ref()).unwrap();
    /// ```
    pub fn from_dir(path: &std::path::Path) -> Result<Engine> {
        PackSet::from_dir(path).map(Engine::new)
    }

    /// Allele definitions prepared for matching.
    pub(crate) fn definitions(&self) -> &crate::allele::Definitions {
        &self.inner.definitions
    }

    /// The engine over packs already loaded.
    pub fn new(set: PackSet) -> Engine {
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
        let mut inner = Inner {
            set,
            gene_names,
            genes,
            drug_recs,
            vocabulary,
            drug_list: Vec::new(),
            definitions: crate::allele::Definitions::default(),
        };
        let defs = crate::allele::Definitions::new(
            Source::ALL
                .iter()
                .filter_map(|s| inner.set.packs.iter().find(|p| p.meta.source == *s))
                .flat_map(|p| p.genes.iter()),
        );
        inner.definitions = defs;
        inner.drug_list = drug_list(&inner);
        Engine {
            inner: Arc::new(inner),
        }
    }

    /// The loaded packs.
    pub fn packs(&self) -> &[Pack] {
        &self.inner.set.packs
    }

    /// Release string and sha256 of the loaded pack set.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let (release, sha) = engine.pack_release();
    /// assert!(!release.is_empty());
    /// assert_eq!(sha.len(), 64);
    /// ```
    pub fn pack_release(&self) -> (&str, &str) {
        (&self.inner.set.release, &self.inner.set.sha256)
    }

    /// The pack of `source`, when loaded.
    pub fn pack(&self, source: Source) -> Option<&Pack> {
        self.inner.set.pack(source)
    }

    /// Canonical symbol for a gene name given in any letter case.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert_eq!(engine.gene_symbol("cyp2c19").unwrap(), "CYP2C19");
    /// assert!(engine.gene_symbol("NOPE1").is_err());
    /// ```
    pub fn gene_symbol(&self, name: &str) -> Result<&str> {
        self.inner
            .gene_names
            .get(&name.trim().to_ascii_uppercase())
            .map(String::as_str)
            .ok_or_else(|| Error::UnknownGene(name.trim().to_string()))
    }

    /// The gene of one source's pack.
    pub fn gene(&self, source: Source, symbol: &str) -> Option<&Gene> {
        let i = *self.inner.genes.get(&(source, symbol.to_string()))?;
        self.pack(source)?.genes.get(i)
    }

    /// Guideline `index` of `source`'s pack.
    pub(crate) fn guideline(&self, source: Source, index: usize) -> Option<&Guideline> {
        self.pack(source)?.guidelines.get(index)
    }

    /// Lookup keys the recommendations of `source` use for `gene`.
    pub(crate) fn vocabulary(&self, source: Source, gene: &str) -> Option<&BTreeSet<String>> {
        self.inner.vocabulary.get(&(source, gene.to_string()))
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
        for symbol in self.inner.gene_names.values() {
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
                    info.alleles = info.alleles.max(allele_names(gene).len());
                    info.vcf_definition |= gene.definition.is_some();
                }
            }
            for (drug, entries) in &self.inner.drug_recs {
                let uses = entries.iter().any(|e| {
                    self.guideline(e.source, e.guideline)
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
        v.sort_by(|a, b| crate::phenotype::natural_cmp(&a.name, &b.name));
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
            if let Some(v) = self.vocabulary(source, &symbol) {
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
        self.inner.drug_list.clone()
    }

    /// The drug listing without copying it.
    pub(crate) fn drug_list(&self) -> &[DrugInfo] {
        &self.inner.drug_list
    }

    /// Canonical (lower-case) drug name, or [`Error::UnknownDrug`].
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert_eq!(engine.drug_name("Clopidogrel").unwrap(), "clopidogrel");
    /// assert!(engine.drug_name("notadrug").is_err());
    /// ```
    pub fn drug_name(&self, name: &str) -> Result<String> {
        let lower = name.trim().to_lowercase();
        if self.inner.drug_recs.contains_key(&lower) {
            Ok(lower)
        } else {
            Err(Error::UnknownDrug(name.trim().to_string()))
        }
    }

    pub(crate) fn drug_guidelines(&self, drug: &str) -> &[DrugGuideline] {
        self.inner
            .drug_recs
            .get(drug)
            .map(Vec::as_slice)
            .unwrap_or(&[])
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

fn drug_list(inner: &Inner) -> Vec<DrugInfo> {
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
        out.push(DrugInfo {
            name: drug.clone(),
            sources: sources.into_iter().collect(),
            genes: genes.into_iter().collect(),
            guidelines,
        });
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

/// A drug and its guidelines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrugInfo {
    /// Lower-case generic name.
    pub name: String,
    /// Sources with a guideline.
    pub sources: Vec<Source>,
    /// Genes used.
    pub genes: Vec<String>,
    /// Guideline ids.
    pub guidelines: Vec<String>,
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
