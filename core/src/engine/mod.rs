//! The engine: the one type a caller holds. It owns the loaded packs (with
//! their indexes) and the allele definitions prepared for matching, and its
//! methods run the stages: reading and calling a VCF (`call.rs`),
//! interpreting gene results and recommending (`recommend.rs`), resolving
//! outside calls (`outside.rs`), and listing what the packs know
//! (`info.rs`). Every `impl Engine` is in this folder.

mod call;
mod info;
mod outside;
mod recommend;

use std::sync::{Arc, LazyLock};

pub use info::{AlleleInfo, GeneChoices, GeneInfo, Releases};

use crate::allele::Definitions;
use crate::pack::{DrugLookup, Gene, Knowledge, Pack, PackSet, Source};
use crate::{Error, Result};

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
    knowledge: Knowledge,
    /// Allele definitions prepared for matching.
    definitions: Definitions,
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

    /// The engine over packs already loaded.
    ///
    /// ```
    /// let set = dosera::pack::PackSet::bundled().unwrap();
    /// let engine = dosera::Engine::new(set);
    /// assert_eq!(engine.packs().len(), 2);
    /// ```
    pub fn new(set: PackSet) -> Engine {
        let knowledge = Knowledge::new(set);
        let definitions = Definitions::new(
            Source::ALL
                .iter()
                .filter_map(|s| knowledge.pack(*s))
                .flat_map(|p| p.genes.iter()),
        );
        Engine {
            inner: Arc::new(Inner {
                knowledge,
                definitions,
            }),
        }
    }

    /// The packs and their indexes, for the stages.
    pub(crate) fn knowledge(&self) -> &Knowledge {
        &self.inner.knowledge
    }

    /// Allele definitions prepared for matching.
    pub(crate) fn definitions(&self) -> &Definitions {
        &self.inner.definitions
    }

    /// The loaded packs.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert!(engine.packs().iter().all(|p| !p.genes.is_empty()));
    /// ```
    pub fn packs(&self) -> &[Pack] {
        self.knowledge().packs()
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
        self.knowledge().pack_release()
    }

    /// The pack of `source`, when loaded.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert!(engine.pack(dosera::Source::Dpwg).is_some());
    /// ```
    pub fn pack(&self, source: Source) -> Option<&Pack> {
        self.knowledge().pack(source)
    }

    /// Canonical symbol for a gene name given in any letter case.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert_eq!(engine.gene_symbol("cyp2c19").unwrap(), "CYP2C19");
    /// assert!(engine.gene_symbol("NOPE1").is_err());
    /// ```
    pub fn gene_symbol(&self, name: &str) -> Result<&str> {
        self.knowledge().gene_symbol(name)
    }

    /// The gene of one source's pack.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert!(engine.gene(dosera::Source::Cpic, "CYP2C19").is_some());
    /// ```
    pub fn gene(&self, source: Source, symbol: &str) -> Option<&Gene> {
        self.knowledge().gene(source, symbol)
    }

    /// Canonical (lower-case) generic name of a drug a guideline covers,
    /// given by generic name, brand name, ATC code or RxNorm id
    /// (`rxnorm:32968` or `32968`); [`Error::NoGuideline`] for a known drug
    /// no guideline covers; [`Error::UnknownDrug`], with suggestions, for
    /// any other name.
    ///
    /// ```
    /// use dosera::ErrorCode;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// assert_eq!(engine.drug_name("Clopidogrel").unwrap(), "clopidogrel");
    /// assert_eq!(engine.drug_name("Plavix").unwrap(), "clopidogrel");
    /// assert_eq!(engine.drug_name("B01AC04").unwrap(), "clopidogrel");
    /// assert_eq!(engine.drug_name("rxnorm:32968").unwrap(), "clopidogrel");
    /// let e = engine.drug_name("clopidogrl").unwrap_err();
    /// assert_eq!(e.to_string(), "unknown drug `clopidogrl`; did you mean clopidogrel?");
    /// assert_eq!(engine.drug_name("metformin").unwrap_err().code(), ErrorCode::NoGuideline);
    /// ```
    pub fn drug_name(&self, name: &str) -> Result<String> {
        self.knowledge().drug_name(name)
    }

    /// Reads a drug name against the vocabulary of the loaded packs: the
    /// generic name it stands for, how it was recognised, and whether a
    /// guideline covers it (with the one-line answer when none does).
    /// [`Error::UnknownDrug`], with suggestions, for a name that is no drug.
    ///
    /// ```
    /// use dosera::pack::DrugVia;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let plavix = engine.find_drug("plavix").unwrap();
    /// assert_eq!((plavix.name.as_str(), plavix.via), ("clopidogrel", DrugVia::Brand));
    /// assert_eq!(plavix.reading().unwrap(), "plavix is clopidogrel (brand name)");
    /// let metformin = engine.find_drug("metformin").unwrap();
    /// assert!(!metformin.covered);
    /// assert!(metformin.note.unwrap().starts_with("metformin: no CPIC or DPWG guideline"));
    /// ```
    pub fn find_drug(&self, name: &str) -> Result<DrugLookup> {
        self.knowledge().find_drug(name)
    }
}
