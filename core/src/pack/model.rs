//! The knowledge-pack schema: the project's own encoding of allele
//! definitions, allele function, phenotype rules and guideline
//! recommendations.
//!
//! A pack is one source (CPIC or DPWG). On disk it is a folder of pretty
//! JSON files listed in `MANIFEST.toml` with their sha256:
//!
//! ```text
//! <source>/pack.json                  PackMeta + drugs
//! <source>/genes/<SYMBOL>.json        Gene
//! <source>/guidelines/<id>.json       Guideline (with its recommendations)
//! <source>/LICENSE.md                 licence and attribution
//! ```
//!
//! In memory (and in the blob embedded by `dosera-guidelines`) it is one
//! [`Pack`] value. Every struct here round-trips through serde unchanged, so
//! an import followed by a write is byte-for-byte reproducible.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SortedMap;

/// The schema version written into every pack and checked on load (one
/// definition, in the bundled-packs crate, whose build checks the data).
///
/// ```
/// assert_eq!(dosera::pack::SCHEMA_VERSION, 3);
/// ```
pub use dosera_guidelines::SCHEMA_VERSION;

/// Who published the guideline content of a pack.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Clinical Pharmacogenetics Implementation Consortium (CC0).
    Cpic,
    /// Dutch Pharmacogenetics Working Group, via PharmGKB/ClinPGx (CC BY-SA 4.0).
    Dpwg,
}

impl Source {
    /// Every source, in report order.
    pub const ALL: [Source; 2] = [Source::Cpic, Source::Dpwg];

    /// Lower-case name used in file paths and on the command line.
    ///
    /// ```
    /// assert_eq!(dosera::Source::Dpwg.as_str(), "dpwg");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cpic => "cpic",
            Source::Dpwg => "dpwg",
        }
    }

    /// Display label (`CPIC`, `DPWG`).
    ///
    /// ```
    /// assert_eq!(dosera::Source::Cpic.label(), "CPIC");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Source::Cpic => "CPIC",
            Source::Dpwg => "DPWG",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for Source {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "cpic" => Ok(Source::Cpic),
            "dpwg" => Ok(Source::Dpwg),
            _ => Err(crate::Error::UnknownSource(s.to_string())),
        }
    }
}

/// A whole knowledge pack for one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    /// Metadata: schema version, release, licence, upstream releases.
    pub meta: PackMeta,
    /// Drugs with at least one guideline in this pack.
    pub drugs: Vec<Drug>,
    /// Genes: definitions (CPIC only), allele function and phenotype rules.
    pub genes: Vec<Gene>,
    /// Guidelines with their recommendations.
    pub guidelines: Vec<Guideline>,
}

/// Pack metadata (`pack.json`, together with the drug list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackMeta {
    /// Always [`SCHEMA_VERSION`] for packs this build can read.
    pub schema_version: u32,
    /// Publisher of the content.
    pub source: Source,
    /// Release string of this pack, e.g. `cpic-2026.11.1`.
    pub release: String,
    /// SPDX licence identifier of the content.
    pub license: String,
    /// Attribution to show wherever results from this pack are shown.
    pub attribution: String,
    /// True when the pack holds verbatim upstream text (never for bundled packs).
    #[serde(default)]
    pub verbatim: bool,
    /// Upstream data sets the pack was built from, newest-wins order applied.
    pub upstream: Vec<UpstreamRelease>,
}

/// One upstream data set that went into a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamRelease {
    /// Short name, e.g. `pharmgkb-guideline-annotations`.
    pub name: String,
    /// Upstream version or date string.
    pub version: String,
    /// What the pack took from it.
    pub used_for: String,
}

/// `pack.json` on disk: metadata plus the drug list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackIndex {
    /// Pack metadata.
    pub meta: PackMeta,
    /// Drugs.
    pub drugs: Vec<Drug>,
}

/// A drug of the pack's vocabulary: one with a guideline in the pack, or
/// (with no guidelines) one upstream lists with a gene but no bundled
/// guideline covers, so that its name is known and answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drug {
    /// Lower-case generic name, the key used everywhere (`clopidogrel`).
    pub name: String,
    /// External identifiers, e.g. `{"pharmgkb": "PA449053", "rxnorm": "32968"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ids: BTreeMap<String, String>,
    /// Ids of the guidelines covering this drug; empty for a known drug
    /// without a guideline.
    pub guidelines: Vec<String>,
    /// Genes any of those guidelines use.
    pub genes: Vec<String>,
    /// ATC codes (WHO Anatomical Therapeutic Chemical classification),
    /// where the upstream data gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub atc: Vec<String>,
    /// Common brand names (project-curated, `guidelines/curation/brands.tsv`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brands: Vec<Brand>,
    /// For a drug without a guideline: the genes CPIC lists it with and
    /// their CPIC level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpic_levels: Vec<CpicLevel>,
}

/// A brand name of a drug and where it is sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Brand {
    /// Brand name as written (`Plavix`).
    pub name: String,
    /// Where it is sold (`US`, `EU, SE`).
    pub region: String,
}

/// A gene–drug pair as CPIC levels it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CpicLevel {
    /// Gene symbol.
    pub gene: String,
    /// CPIC level (`A`, `B`, `C`, `D`, `A/B`, `B/C`, `C/D`).
    pub level: String,
    /// `Final` or `Provisional`.
    pub status: String,
}

impl Drug {
    /// The one-line answer for a drug no guideline covers: that it is
    /// known, that no guideline covers it, and what CPIC says of it.
    ///
    /// ```
    /// use dosera::pack::{CpicLevel, Drug};
    /// let drug = Drug {
    ///     name: "metformin".into(),
    ///     ids: Default::default(),
    ///     guidelines: vec![],
    ///     genes: vec![],
    ///     atc: vec!["A10BA02".into()],
    ///     brands: vec![],
    ///     cpic_levels: vec![CpicLevel {
    ///         gene: "SLC22A1".into(),
    ///         level: "C".into(),
    ///         status: "Final".into(),
    ///     }],
    /// };
    /// assert_eq!(
    ///     drug.no_guideline_note(),
    ///     "metformin: no CPIC or DPWG guideline in the loaded packs covers it \
    ///      (CPIC lists it with SLC22A1 at level C; at levels C and D CPIC \
    ///      recommends no prescribing action)"
    /// );
    /// ```
    pub fn no_guideline_note(&self) -> String {
        let mut note = format!(
            "{}: no CPIC or DPWG guideline in the loaded packs covers it",
            self.name
        );
        if !self.cpic_levels.is_empty() {
            let pairs: Vec<String> = self
                .cpic_levels
                .iter()
                .map(|l| {
                    let provisional = if l.status.eq_ignore_ascii_case("provisional") {
                        ", provisional"
                    } else {
                        ""
                    };
                    format!("{} at level {}{provisional}", l.gene, l.level)
                })
                .collect();
            let no_action = self
                .cpic_levels
                .iter()
                .all(|l| matches!(l.level.as_str(), "C" | "D" | "C/D"));
            note.push_str(&format!(
                " (CPIC lists it with {}{})",
                join_and(&pairs),
                if no_action {
                    "; at levels C and D CPIC recommends no prescribing action"
                } else {
                    ""
                }
            ));
        }
        note
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A gene: how to call it and how to turn a call into a phenotype.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gene {
    /// HGNC symbol (`CYP2C19`, `HLA-B`, `MT-RNR1`).
    pub symbol: String,
    /// Chromosome (`chr10`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromosome: Option<String>,
    /// GRCh38 allele definitions, for genes callable from a VCF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<AlleleDefinition>,
    /// Allele function and phenotype rules.
    pub phenotyping: Phenotyping,
    /// Curated notes on calls of this gene (unphased ambiguities, missing
    /// positions, strand), stored as facts with the project's own wording.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_notes: Vec<CallNote>,
}

/// What a [`CallNote`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallNoteKind {
    /// Unphased data fit the called diplotype and at least one other.
    Ambiguity,
    /// A position the call depends on was not genotyped.
    MissingPosition,
    /// The gene lies on the minus strand; bases are reported on the plus strand.
    Strand,
    /// Any other curated note; kept by rule name only.
    Other,
}

/// A curated note attached to gene calls, stored as facts.
///
/// The facts (rule identifier, diplotypes, alleles, rsIDs, drugs) come from
/// the reference tool's curated list; `text` is generated by the importer
/// from those facts, never copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallNote {
    /// Upstream rule name, kept as an identifier.
    pub rule: String,
    /// What the note is about.
    pub kind: CallNoteKind,
    /// Diplotypes the note is about (allele names as in the definitions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diplotypes: Vec<String>,
    /// For ambiguities: the diplotypes unphased data cannot rule out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// The note applies only when one of these haplotypes was called.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub haplotypes_called: Vec<String>,
    /// Haplotypes the call may have missed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub haplotypes_missing: Vec<String>,
    /// rsIDs whose absence from the input triggers the note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants_missing: Vec<String>,
    /// rsIDs that must be heterozygous for the note to apply (ambiguities),
    /// or that the note is about (other kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<String>,
    /// Drugs the upstream note is shown with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drugs: Vec<String>,
    /// The note in the project's own words, generated from the facts above.
    pub text: String,
}

/// Star-allele (or named-allele) definitions on GRCh38.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlleleDefinition {
    /// Upstream definition data version.
    pub version: String,
    /// Genome build, e.g. `GRCh38.p14`.
    pub genome_build: String,
    /// RefSeq accession of the chromosome.
    pub refseq_chromosome: String,
    /// Definition positions in genomic order; the alleles' position indexes
    /// point into this.
    pub positions: Vec<DefinitionPosition>,
    /// Named alleles.
    pub alleles: Vec<NamedAllele>,
    /// Matcher exemptions for this gene.
    pub exemptions: Exemptions,
}

/// One position used by the allele definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionPosition {
    /// Chromosome as written in GRCh38 VCFs with `chr` prefix.
    pub chromosome: String,
    /// 1-based VCF position.
    pub position: u64,
    /// dbSNP id, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsid: Option<String>,
    /// Genomic HGVS name (`g.94761900C>T`).
    pub hgvs: String,
    /// Reference allele in VCF notation.
    #[serde(rename = "ref")]
    pub ref_allele: String,
    /// Alternate alleles in VCF notation.
    pub alts: Vec<String>,
    /// Alleles as written by CPIC (may include IUPAC codes).
    pub cpic_alleles: Vec<String>,
    /// CPIC notation to VCF notation.
    pub cpic_to_vcf: SortedMap<String, String>,
}

/// A named allele: the expected allele at each definition position its
/// definition sets (positions it leaves out are not part of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedAllele {
    /// Allele name (`*2`, `c.1905+1G>A (*2A)`, `Reference`).
    pub name: String,
    /// Upstream identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// True for the gene's reference allele.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reference: bool,
    /// True for structural variants (not callable from SNVs alone).
    #[serde(default, skip_serializing_if = "is_false")]
    pub structural_variant: bool,
    /// Position index (into [`AlleleDefinition::positions`]) → the VCF
    /// allele required there or an IUPAC code. Positions not listed are not
    /// part of this allele's definition. Stored sparsely (most alleles set
    /// a few of many positions); on disk a JSON object with the indexes as
    /// keys, each at most once.
    pub alleles: SortedMap<usize, String>,
}

impl NamedAllele {
    /// The allele the definition requires at position `index`, if it sets
    /// that position.
    ///
    /// ```
    /// use dosera::pack::NamedAllele;
    /// let a = NamedAllele {
    ///     name: "*2".into(),
    ///     id: None,
    ///     reference: false,
    ///     structural_variant: false,
    ///     alleles: [(1, "T".to_string())].into(),
    /// };
    /// assert_eq!(a.allele_at(1), Some("T"));
    /// assert_eq!(a.allele_at(0), None);
    /// ```
    pub fn allele_at(&self, index: usize) -> Option<&str> {
        self.alleles.get(&index).map(String::as_str)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Per-gene matcher rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemptions {
    /// Positions that must be present for any call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_positions: Vec<u64>,
    /// Definition positions the matcher ignores (an exemption entry naming
    /// a variant that is not in the definitions ignores nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_positions: Vec<u64>,
    /// Positions reported but not used for calling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_positions: Vec<DefinitionPosition>,
    /// Alleles the matcher never calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_alleles: Vec<String>,
    /// Preferred diplotypes when unphased data cannot tell two apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unphased_priorities: Vec<String>,
    /// AMP tier-1 alleles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amp_tier1_alleles: Vec<String>,
    /// AMP tier-1 positions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amp_tier1_positions: Vec<u64>,
}

/// How a gene's result becomes a phenotype and a lookup key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhenotypeMethod {
    /// A sorted pair of allele functions maps to a phenotype (CYP2C19, TPMT…).
    FunctionPair,
    /// Sum of allele activity values, binned (CYP2D6, CYP2C9, DPYD).
    ActivityScore,
    /// Carrier status of specific alleles (`*57:01 positive`), HLA genes.
    AlleleStatus,
    /// An explicit diplotype table (DPWG genes).
    DiplotypeTable,
}

/// Allele function, activity values and the phenotype rules of a gene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phenotyping {
    /// Upstream version of the phenotype data.
    pub version: String,
    /// Which rule family applies.
    pub method: PhenotypeMethod,
    /// Allele → function / activity value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alleles: Vec<AlleleFunction>,
    /// Old allele names still accepted, mapped to the current name
    /// (NUDT15 `*2` → `*3` after 2026).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, String>,
    /// Function pair → phenotype (method `function_pair`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function_pairs: Vec<FunctionPairRule>,
    /// Activity score → phenotype (method `activity_score`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activity_bins: Vec<ActivityBin>,
    /// One allele only (G6PD in males, MT-RNR1): function → phenotype.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub single_allele: Vec<SingleAlleleRule>,
    /// Explicit diplotype table (method `diplotype_table`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diplotypes: Vec<DiplotypeRule>,
    /// Alleles reported as carrier status (method `allele_status`), e.g. `*57:01`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_alleles: Vec<String>,
}

/// Function and activity value of one allele.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlleleFunction {
    /// Allele name.
    pub name: String,
    /// Clinical function (`No function`), when assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Activity value as published (`0.5`, `≥3.0`, `n/a`), for activity genes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
}

/// An unordered pair of functions and the phenotype it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionPairRule {
    /// The two functions, sorted.
    pub functions: [String; 2],
    /// Phenotype.
    pub phenotype: String,
    /// Lookup key used by the guidelines.
    pub lookup_key: String,
}

/// Activity scores in `[min, max]` (max open when absent) give `phenotype`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityBin {
    /// Lowest score in the bin.
    pub min: f64,
    /// Highest score in the bin; `None` means no upper limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Phenotype.
    pub phenotype: String,
}

/// Single-allele genes: function → phenotype and key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleAlleleRule {
    /// Allele function.
    pub function: String,
    /// Phenotype.
    pub phenotype: String,
    /// Lookup key.
    pub lookup_key: String,
}

/// One row of an explicit diplotype table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiplotypeRule {
    /// The alleles (one for single-allele results), sorted as published.
    pub alleles: Vec<String>,
    /// Phenotype.
    pub phenotype: String,
    /// Lookup key.
    pub lookup_key: String,
    /// Activity score, when the table gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_score: Option<String>,
}

/// A guideline: one publication covering one or more drugs and genes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guideline {
    /// Upstream identifier (PharmGKB/ClinPGx guideline annotation id).
    pub id: String,
    /// Short name in the project's words: `CPIC: clopidogrel and CYP2C19`.
    pub name: String,
    /// Publisher.
    pub source: Source,
    /// Upstream version of the annotation.
    pub version: String,
    /// Date of the upstream data set the guideline was taken from.
    pub date: String,
    /// Upstream data set (`pharmgkb-guideline-annotations 2024-03-25`, …).
    pub release: String,
    /// Where a clinician reads the original.
    pub url: String,
    /// PubMed ids of the guideline publications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pmids: Vec<String>,
    /// Drugs covered.
    pub drugs: Vec<String>,
    /// Genes used by the recommendations.
    pub genes: Vec<String>,
    /// A note in the project's words (e.g. dosing by algorithm, no table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Recommendations.
    pub recommendations: Vec<Recommendation>,
}

/// The lookup value a recommendation expects for one gene.
///
/// Written as a string, or as `{"diplotype": "*1/*3"}`; read without
/// buffering (the packs hold thousands of keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum LookupKey {
    /// A phenotype, activity score, allele status or `No Result`.
    Key(String),
    /// A specific diplotype (DPWG CYP2C9 and UGT1A1 tables), e.g. `*1/*3`.
    Diplotype {
        /// Alleles joined with `/`, sorted as published.
        diplotype: String,
    },
}

impl<'de> Deserialize<'de> for LookupKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = LookupKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a lookup key string or {\"diplotype\": \"...\"}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LookupKey, E> {
                Ok(LookupKey::Key(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<LookupKey, E> {
                Ok(LookupKey::Key(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<LookupKey, A::Error> {
                let mut diplotype: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "diplotype" && diplotype.is_none() {
                        diplotype = Some(map.next_value()?);
                    } else {
                        return Err(serde::de::Error::unknown_field(&key, &["diplotype"]));
                    }
                }
                diplotype
                    .map(|diplotype| LookupKey::Diplotype { diplotype })
                    .ok_or_else(|| serde::de::Error::missing_field("diplotype"))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

impl LookupKey {
    /// The key text (`Poor Metabolizer`, `*1/*3`).
    ///
    /// ```
    /// use dosera::pack::LookupKey;
    /// assert_eq!(LookupKey::Key("1.0".into()).as_str(), "1.0");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            LookupKey::Key(k) => k,
            LookupKey::Diplotype { diplotype } => diplotype,
        }
    }
}

/// What the prescriber is asked to do, as a fact.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Use the drug at the usual dose.
    StandardDosing,
    /// Lower dose (or slower titration, lower maximum).
    ReduceDose,
    /// Higher dose.
    IncreaseDose,
    /// Do not use the drug.
    Avoid,
    /// Use another drug.
    UseAlternative,
    /// Think about another drug.
    ConsiderAlternative,
    /// Use with extra monitoring (levels, effect, adverse events).
    Monitor,
    /// Guideline makes no recommendation for this result.
    NoRecommendation,
    /// Other guidance that fits none of the above (e.g. see dosing algorithm).
    Other,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 9] = [
        Action::StandardDosing,
        Action::ReduceDose,
        Action::IncreaseDose,
        Action::Avoid,
        Action::UseAlternative,
        Action::ConsiderAlternative,
        Action::Monitor,
        Action::NoRecommendation,
        Action::Other,
    ];

    /// Short label for tables (`reduce dose`).
    ///
    /// ```
    /// assert_eq!(dosera::pack::Action::ReduceDose.label(), "reduce dose");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Action::StandardDosing => "standard dosing",
            Action::ReduceDose => "reduce dose",
            Action::IncreaseDose => "increase dose",
            Action::Avoid => "avoid",
            Action::UseAlternative => "use an alternative",
            Action::ConsiderAlternative => "consider an alternative",
            Action::Monitor => "monitor",
            Action::NoRecommendation => "no recommendation",
            Action::Other => "other guidance",
        }
    }

    /// True when the action departs from standard prescribing.
    ///
    /// ```
    /// use dosera::pack::Action;
    /// assert!(Action::Avoid.is_actionable());
    /// assert!(!Action::StandardDosing.is_actionable());
    /// ```
    pub fn is_actionable(self) -> bool {
        !matches!(self, Action::StandardDosing | Action::NoRecommendation)
    }
}

/// A dose change stated as a share of the usual dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoseAdjustment {
    /// Lower bound, percent of the usual dose (e.g. `50`).
    pub percent_min: f64,
    /// Upper bound, percent of the usual dose (equal to `percent_min` for a single value).
    pub percent_max: f64,
    /// Which dose it applies to (`starting dose`, `standard dose`, `maintenance dose`).
    pub of: String,
}

impl DoseAdjustment {
    /// The same share as a [`super::Dose`], whose words
    /// ([`super::words::dose_text`]) every output uses: `of` names the
    /// dose (`starting dose`, `maintenance dose`, …; another name, the
    /// usual dose).
    ///
    /// ```
    /// use dosera::pack::{words::{dose_text, Lang}, DoseAdjustment};
    /// let d = DoseAdjustment { percent_min: 50.0, percent_max: 50.0, of: "starting dose".into() };
    /// assert_eq!(dose_text(&d.dose(), Lang::En), "50% of the usual starting dose");
    /// assert_eq!(dose_text(&d.dose(), Lang::Sv), "50 % av den vanliga startdosen");
    /// ```
    pub fn dose(&self) -> super::Dose {
        use super::DoseBase;
        let of = match self.of.as_str() {
            "starting dose" | "lowest starting dose" => DoseBase::Starting,
            "maintenance dose" => DoseBase::Maintenance,
            "daily dose" => DoseBase::Daily,
            "loading dose" => DoseBase::Loading,
            "current dose" => DoseBase::Current,
            "initial dose" => DoseBase::Initial,
            "total dose" => DoseBase::Total,
            _ => DoseBase::Usual,
        };
        super::Dose {
            percent: Some([self.percent_min, self.percent_max]),
            amount: None,
            unit: None,
            per: None,
            of,
            frequency: None,
            max: None,
            titration: None,
        }
    }
}

/// One recommendation: a lookup key per gene and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Upstream identifier (or a stable id made by the importer when upstream has none).
    pub id: String,
    /// Drug this recommendation is for.
    pub drug: String,
    /// Population (`general`, `adults`, `pediatrics`, …), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// Strength / classification as published (`Strong`, `Moderate`, `Optional`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<String>,
    /// Gene → expected lookup value. Every gene must match.
    pub lookup: SortedMap<String, LookupKey>,
    /// The action.
    pub action: Action,
    /// Dose change, where the guideline gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<DoseAdjustment>,
    /// Named alternative drugs, where given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// Upstream flags: dosing information, alternate drug, other guidance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// What the row says, as reviewed facts; the summary and implication
    /// are written from them by [`crate::pack::words`].
    pub facts: super::advice::Advice,
    /// Recommendation in the project's own words (English, from `facts`).
    pub summary: String,
    /// Implication in the project's own words.
    pub implication: String,
    /// Upstream text, only in packs built with the importer's verbatim mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbatim: Option<VerbatimText>,
}

/// Upstream wording, kept only in user-built verbatim packs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerbatimText {
    /// Recommendation text.
    pub recommendation: String,
    /// Implication texts.
    pub implications: Vec<String>,
}
