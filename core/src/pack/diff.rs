//! What one pack set changes against another: the release notes a lab
//! reads before it switches to a new pack release.
//!
//! [`PackDiff::between`] compares two [`PackSet`]s source by source:
//!
//! - guidelines added, removed, and re-versioned (or with a new date, URL,
//!   name, PMIDs or genes), by upstream id;
//! - genes added and removed; for each gene in both, allele functions and
//!   activity values added, removed and changed, phenotype rules changed
//!   (function pairs, activity-score bins, single-allele rules, diplotype
//!   rows, carrier-status alleles, aliases), each keyed by the rule's input,
//!   and defined (VCF-callable) alleles added, removed or redefined;
//! - the drug vocabulary: drugs added and removed;
//! - recommendation rows keyed by drug, lookup keys and population:
//!   added, removed, changed (action, dose, strength, alternatives, flags,
//!   the other facts as the summary before and after, the implication), and
//!   re-identified: rows that say the same but under another upstream id or
//!   in another guideline.
//!
//! The result is plain data (its JSON is its serde form) and
//! [`PackDiff::text`] writes it as sorted, one-change-a-line notes.
//!
//! ```
//! use dosera::pack::{diff::PackDiff, Action, PackSet};
//! let old = PackSet::bundled()?;
//! let mut new = old.clone();
//! let row = &mut new.packs[0].guidelines[0].recommendations[0];
//! row.action = if row.action == Action::Avoid { Action::Monitor } else { Action::Avoid };
//! let diff = PackDiff::between(&old, &new);
//! assert_eq!(diff.counts().rows_changed, 1);
//! assert!(diff.text().contains("action"));
//! # Ok::<(), dosera::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::words::Lang;
use super::{
    Action, Advice, DoseAdjustment, Gene, Guideline, LookupKey, Pack, PackSet, PhenotypeMethod,
    Phenotyping, Recommendation, Source,
};

/// A value before and after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change<T> {
    /// In the old pack.
    pub before: T,
    /// In the new pack.
    pub after: T,
}

impl<T: PartialEq> Change<T> {
    /// The change from `before` to `after`, or `None` when they are equal.
    ///
    /// ```
    /// use dosera::pack::diff::Change;
    /// assert_eq!(Change::of(1, 1), None);
    /// assert_eq!(Change::of(1, 2), Some(Change { before: 1, after: 2 }));
    /// ```
    pub fn of(before: T, after: T) -> Option<Change<T>> {
        (before != after).then_some(Change { before, after })
    }
}

/// Release and checksum of one side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetInfo {
    /// Release string of the pack set (from its manifest).
    pub release: String,
    /// sha256 of the manifest.
    pub sha256: String,
}

/// Everything a pack set changes against another, source by source.
///
/// ```
/// use dosera::pack::{diff::PackDiff, PackSet};
/// let packs = PackSet::bundled()?;
/// let diff = PackDiff::between(&packs, &packs);
/// assert!(diff.is_empty());
/// assert!(diff.text().ends_with("no changes\n"));
/// let json = serde_json::to_string(&diff).unwrap();
/// assert_eq!(serde_json::from_str::<PackDiff>(&json).unwrap(), diff);
/// # Ok::<(), dosera::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackDiff {
    /// The pack set compared against.
    pub old: SetInfo,
    /// The pack set compared.
    pub new: SetInfo,
    /// One entry per source either set has, in [`Source::ALL`] order.
    pub sources: Vec<SourceDiff>,
}

/// The changes of one source's pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDiff {
    /// The source.
    pub source: Source,
    /// Release of the old pack of this source; `None` when the old set has none.
    pub old_release: Option<String>,
    /// Release of the new pack of this source; `None` when the new set has none.
    pub new_release: Option<String>,
    /// Guidelines added, removed and changed.
    pub guidelines: GuidelineDiff,
    /// Genes added, removed and changed.
    pub genes: GeneDiff,
    /// Drugs added to and removed from the pack's vocabulary.
    pub drugs: DrugDiff,
    /// Recommendation rows added, removed, changed and re-identified.
    pub recommendations: RowDiff,
}

/// Guideline changes of one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GuidelineDiff {
    /// Guidelines only the new pack has, by id.
    pub added: Vec<GuidelineRef>,
    /// Guidelines only the old pack has, by id.
    pub removed: Vec<GuidelineRef>,
    /// Guidelines in both whose version, date, URL, name, PMIDs or genes differ.
    pub changed: Vec<GuidelineChange>,
}

/// A guideline as it is named in the notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidelineRef {
    /// Upstream id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Upstream version.
    pub version: String,
    /// Date of the upstream data set.
    pub date: String,
    /// Drugs covered.
    pub drugs: Vec<String>,
    /// Number of recommendation rows.
    pub rows: usize,
}

/// A guideline in both packs that differs in its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidelineChange {
    /// Upstream id.
    pub id: String,
    /// Name in the new pack.
    pub name: String,
    /// The version, when it changed.
    pub version: Option<Change<String>>,
    /// The date, when it changed.
    pub date: Option<Change<String>>,
    /// The URL, when it changed.
    pub url: Option<Change<String>>,
    /// The name, when it changed.
    pub renamed: Option<Change<String>>,
    /// The PubMed ids, when they changed.
    pub pmids: Option<Change<Vec<String>>>,
    /// The genes, when they changed.
    pub genes: Option<Change<Vec<String>>>,
}

/// Gene changes of one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GeneDiff {
    /// Symbols of the genes only the new pack has.
    pub added: Vec<String>,
    /// Symbols of the genes only the old pack has.
    pub removed: Vec<String>,
    /// Genes in both that differ.
    pub changed: Vec<GeneChange>,
}

/// How one gene differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneChange {
    /// Gene symbol.
    pub symbol: String,
    /// The phenotype method, when it changed.
    pub method: Option<Change<PhenotypeMethod>>,
    /// The upstream version of the phenotype data, when it changed.
    pub phenotype_version: Option<Change<String>>,
    /// Allele functions and activity values added, removed and changed.
    pub alleles: AlleleDiff,
    /// Phenotype rules added, removed and changed, sorted by kind and input.
    pub rules: Vec<RuleChange>,
    /// Allele definitions (VCF calling) added, removed and redefined.
    pub definitions: DefinitionDiff,
}

/// Allele function changes of one gene.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlleleDiff {
    /// Alleles only the new pack assigns a function or value to.
    pub added: Vec<AlleleValue>,
    /// Alleles only the old pack assigns a function or value to.
    pub removed: Vec<AlleleValue>,
    /// Alleles in both whose function or activity value differs.
    pub changed: Vec<AlleleChange>,
}

/// An allele with its function and activity value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlleleValue {
    /// Allele name.
    pub allele: String,
    /// Clinical function, when assigned.
    pub function: Option<String>,
    /// Activity value, when assigned.
    pub activity: Option<String>,
}

/// An allele whose function or activity value changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlleleChange {
    /// Allele name.
    pub allele: String,
    /// The function, when it changed.
    pub function: Option<Change<Option<String>>>,
    /// The activity value, when it changed.
    pub activity: Option<Change<Option<String>>>,
}

/// The kinds of phenotype rule a gene can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A pair of allele functions gives a phenotype.
    FunctionPair,
    /// A range of activity scores gives a phenotype.
    ActivityBin,
    /// The function of a single allele gives a phenotype.
    SingleAllele,
    /// A row of an explicit diplotype table.
    Diplotype,
    /// An allele reported as carrier status.
    StatusAllele,
    /// An old allele name read as a current one.
    Alias,
}

impl RuleKind {
    /// How the notes name the kind.
    ///
    /// ```
    /// use dosera::pack::diff::RuleKind;
    /// assert_eq!(RuleKind::ActivityBin.label(), "activity score");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::FunctionPair => "function pair",
            RuleKind::ActivityBin => "activity score",
            RuleKind::SingleAllele => "single allele",
            RuleKind::Diplotype => "diplotype",
            RuleKind::StatusAllele => "carrier-status allele",
            RuleKind::Alias => "alias",
        }
    }
}

/// One phenotype rule added, removed or changed, keyed by its input.
///
/// The input and outcome are written out: a function pair as
/// `Decreased function + No function`, a bin as `0.25–1.0` (`≥ 2.5` when
/// open), a diplotype as `*1/*3`; the outcome is the phenotype, with the
/// lookup key when it differs and the activity score a diplotype row gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChange {
    /// Which kind of rule.
    pub kind: RuleKind,
    /// The rule's input.
    pub input: String,
    /// Outcome in the old pack; `None` when the rule is new.
    pub before: Option<String>,
    /// Outcome in the new pack; `None` when the rule was removed.
    pub after: Option<String>,
}

/// Allele definition changes of one gene.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionDiff {
    /// The definition data version, when it changed (`None`: no definitions).
    pub version: Option<Change<Option<String>>>,
    /// Alleles only the new definitions have.
    pub added: Vec<String>,
    /// Alleles only the old definitions have.
    pub removed: Vec<String>,
    /// Alleles in both defined by other positions or bases.
    pub redefined: Vec<String>,
}

/// Drug vocabulary changes of one source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugDiff {
    /// Drugs only the new pack lists.
    pub added: Vec<String>,
    /// Drugs only the old pack lists.
    pub removed: Vec<String>,
}

/// What identifies a recommendation row across releases: drug, lookup key
/// per gene and population (the source is that of the [`SourceDiff`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RowKey {
    /// Drug.
    pub drug: String,
    /// Gene → lookup key.
    pub lookup: BTreeMap<String, LookupKey>,
    /// Population, when given.
    pub population: Option<String>,
}

impl RowKey {
    /// The key of a recommendation.
    ///
    /// ```
    /// use dosera::pack::{diff::RowKey, PackSet};
    /// let packs = PackSet::bundled()?;
    /// let row = &packs.packs[0].guidelines[0].recommendations[0];
    /// assert_eq!(RowKey::of(row).drug, row.drug);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn of(r: &Recommendation) -> RowKey {
        RowKey {
            drug: r.drug.clone(),
            lookup: r
                .lookup
                .iter()
                .map(|(g, k)| (g.clone(), k.clone()))
                .collect(),
            population: r.population.clone(),
        }
    }

    /// The key as the notes write it: drug, `GENE=key` pairs, population.
    ///
    /// ```
    /// use dosera::pack::{diff::RowKey, LookupKey};
    /// let key = RowKey {
    ///     drug: "warfarin".into(),
    ///     lookup: [
    ///         ("CYP2C9".to_string(), LookupKey::Diplotype { diplotype: "*1/*3".into() }),
    ///         ("VKORC1".to_string(), LookupKey::Key("-1639 AG".into())),
    ///     ]
    ///     .into(),
    ///     population: Some("adults".into()),
    /// };
    /// assert_eq!(key.label(), "warfarin CYP2C9=*1/*3 (diplotype), VKORC1=-1639 AG [adults]");
    /// ```
    pub fn label(&self) -> String {
        let lookup: Vec<String> = self
            .lookup
            .iter()
            .map(|(gene, key)| match key {
                LookupKey::Key(k) => format!("{gene}={k}"),
                LookupKey::Diplotype { diplotype } => format!("{gene}={diplotype} (diplotype)"),
            })
            .collect();
        let mut s = format!("{} {}", self.drug, lookup.join(", "));
        if let Some(p) = &self.population {
            let _ = write!(s, " [{p}]");
        }
        s
    }
}

/// A recommendation row added or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Drug, lookup keys and population.
    pub key: RowKey,
    /// Upstream id.
    pub id: String,
    /// Id of the guideline holding the row.
    pub guideline: String,
    /// The action.
    pub action: Action,
    /// The dose change, if any.
    pub dose: Option<DoseAdjustment>,
    /// The strength, if given.
    pub strength: Option<String>,
    /// Named alternatives.
    pub alternatives: Vec<String>,
    /// The recommendation in the project's words.
    pub summary: String,
}

/// A recommendation row in both packs that differs.
///
/// In [`RowDiff::changed`] at least one of the content fields (`action` to
/// `implication`) is set; in [`RowDiff::reidentified`] none is, and
/// `previous_id` or `previous_guideline` is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowChange {
    /// Drug, lookup keys and population.
    pub key: RowKey,
    /// Upstream id in the new pack.
    pub id: String,
    /// Guideline holding the row in the new pack.
    pub guideline: String,
    /// Upstream id in the old pack, when it differs.
    pub previous_id: Option<String>,
    /// The population, when one release gives it and the other does not
    /// (rows of one drug and lookup keys, one only in each pack, are then
    /// the same row): before and after.
    #[serde(default)]
    pub population: Option<Change<Option<String>>>,
    /// Guideline holding the row in the old pack, when it differs.
    pub previous_guideline: Option<String>,
    /// The action, when it changed.
    pub action: Option<Change<Action>>,
    /// The dose change, when it changed.
    pub dose: Option<Change<Option<DoseAdjustment>>>,
    /// The strength, when it changed.
    pub strength: Option<Change<Option<String>>>,
    /// The named alternatives, when they changed.
    pub alternatives: Option<Change<Vec<String>>>,
    /// The upstream flags, when they changed.
    pub flags: Option<Change<Vec<String>>>,
    /// When the other facts of the advice (dose details, conditions,
    /// monitoring, drugs named, …) or the summary written from them
    /// changed: the summary before and after.
    pub details: Option<Change<String>>,
    /// When the implication (its facts or its text) changed: the text
    /// before and after.
    pub implication: Option<Change<String>>,
}

impl RowChange {
    /// True when what the row says changed (not only its id or guideline).
    ///
    /// ```
    /// use dosera::pack::diff::{Change, RowChange, RowKey};
    /// let mut c = RowChange {
    ///     key: RowKey { drug: "x".into(), lookup: Default::default(), population: None },
    ///     id: "B".into(),
    ///     guideline: "G".into(),
    ///     previous_id: Some("A".into()),
    ///     population: None,
    ///     previous_guideline: None,
    ///     action: None, dose: None, strength: None, alternatives: None,
    ///     flags: None, details: None, implication: None,
    /// };
    /// assert!(!c.changes_content());
    /// c.strength = Change::of(Some("Strong".into()), Some("Moderate".into()));
    /// assert!(c.changes_content());
    /// ```
    pub fn changes_content(&self) -> bool {
        self.population.is_some()
            || self.action.is_some()
            || self.dose.is_some()
            || self.strength.is_some()
            || self.alternatives.is_some()
            || self.flags.is_some()
            || self.details.is_some()
            || self.implication.is_some()
    }
}

/// Recommendation row changes of one source, each list sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowDiff {
    /// Rows only the new pack has.
    pub added: Vec<Row>,
    /// Rows only the old pack has.
    pub removed: Vec<Row>,
    /// Rows in both whose content differs.
    pub changed: Vec<RowChange>,
    /// Rows in both that say the same under another id or guideline.
    pub reidentified: Vec<RowChange>,
}

/// How many changes of each kind a diff holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffCounts {
    /// Guidelines added.
    pub guidelines_added: usize,
    /// Guidelines removed.
    pub guidelines_removed: usize,
    /// Guidelines re-versioned or otherwise changed.
    pub guidelines_changed: usize,
    /// Genes added.
    pub genes_added: usize,
    /// Genes removed.
    pub genes_removed: usize,
    /// Genes with any change.
    pub genes_changed: usize,
    /// Allele functions added.
    pub allele_functions_added: usize,
    /// Allele functions removed.
    pub allele_functions_removed: usize,
    /// Allele functions changed.
    pub allele_functions_changed: usize,
    /// Phenotype rules added, removed or changed.
    pub rules_changed: usize,
    /// Defined alleles added, removed or redefined.
    pub definitions_changed: usize,
    /// Drugs added to the vocabulary.
    pub drugs_added: usize,
    /// Drugs removed from the vocabulary.
    pub drugs_removed: usize,
    /// Recommendation rows added.
    pub rows_added: usize,
    /// Recommendation rows removed.
    pub rows_removed: usize,
    /// Recommendation rows changed.
    pub rows_changed: usize,
    /// Recommendation rows re-identified.
    pub rows_reidentified: usize,
}

impl DiffCounts {
    /// The sum of the counts of `self` and `other`.
    ///
    /// ```
    /// use dosera::pack::diff::DiffCounts;
    /// let a = DiffCounts { rows_added: 2, ..Default::default() };
    /// assert_eq!(a.plus(&a).rows_added, 4);
    /// ```
    pub fn plus(&self, other: &DiffCounts) -> DiffCounts {
        DiffCounts {
            guidelines_added: self.guidelines_added + other.guidelines_added,
            guidelines_removed: self.guidelines_removed + other.guidelines_removed,
            guidelines_changed: self.guidelines_changed + other.guidelines_changed,
            genes_added: self.genes_added + other.genes_added,
            genes_removed: self.genes_removed + other.genes_removed,
            genes_changed: self.genes_changed + other.genes_changed,
            allele_functions_added: self.allele_functions_added + other.allele_functions_added,
            allele_functions_removed: self.allele_functions_removed
                + other.allele_functions_removed,
            allele_functions_changed: self.allele_functions_changed
                + other.allele_functions_changed,
            rules_changed: self.rules_changed + other.rules_changed,
            definitions_changed: self.definitions_changed + other.definitions_changed,
            drugs_added: self.drugs_added + other.drugs_added,
            drugs_removed: self.drugs_removed + other.drugs_removed,
            rows_added: self.rows_added + other.rows_added,
            rows_removed: self.rows_removed + other.rows_removed,
            rows_changed: self.rows_changed + other.rows_changed,
            rows_reidentified: self.rows_reidentified + other.rows_reidentified,
        }
    }

    /// The counts as `name value` pairs, in a fixed order.
    ///
    /// ```
    /// use dosera::pack::diff::DiffCounts;
    /// let c = DiffCounts { rows_changed: 3, ..Default::default() };
    /// assert!(c.pairs().contains(&("rows changed", 3)));
    /// assert_eq!(c.pairs().len(), 17);
    /// ```
    pub fn pairs(&self) -> [(&'static str, usize); 17] {
        [
            ("guidelines added", self.guidelines_added),
            ("guidelines removed", self.guidelines_removed),
            ("guidelines changed", self.guidelines_changed),
            ("genes added", self.genes_added),
            ("genes removed", self.genes_removed),
            ("genes changed", self.genes_changed),
            ("allele functions added", self.allele_functions_added),
            ("allele functions removed", self.allele_functions_removed),
            ("allele functions changed", self.allele_functions_changed),
            ("phenotype rules changed", self.rules_changed),
            ("allele definitions changed", self.definitions_changed),
            ("drugs added", self.drugs_added),
            ("drugs removed", self.drugs_removed),
            ("rows added", self.rows_added),
            ("rows removed", self.rows_removed),
            ("rows changed", self.rows_changed),
            ("rows re-identified", self.rows_reidentified),
        ]
    }

    /// True when every count is zero.
    ///
    /// ```
    /// assert!(dosera::pack::diff::DiffCounts::default().is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        self.pairs().iter().all(|(_, n)| *n == 0)
    }
}

impl SourceDiff {
    /// How many changes of each kind this source has.
    ///
    /// ```
    /// use dosera::pack::{diff::PackDiff, PackSet};
    /// let packs = PackSet::bundled()?;
    /// let diff = PackDiff::between(&packs, &packs);
    /// assert!(diff.sources.iter().all(|s| s.counts().is_zero()));
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn counts(&self) -> DiffCounts {
        let genes = &self.genes.changed;
        let sum = |f: fn(&GeneChange) -> usize| genes.iter().map(f).sum::<usize>();
        DiffCounts {
            guidelines_added: self.guidelines.added.len(),
            guidelines_removed: self.guidelines.removed.len(),
            guidelines_changed: self.guidelines.changed.len(),
            genes_added: self.genes.added.len(),
            genes_removed: self.genes.removed.len(),
            genes_changed: genes.len(),
            allele_functions_added: sum(|g| g.alleles.added.len()),
            allele_functions_removed: sum(|g| g.alleles.removed.len()),
            allele_functions_changed: sum(|g| g.alleles.changed.len()),
            rules_changed: sum(|g| g.rules.len()),
            definitions_changed: sum(|g| {
                g.definitions.added.len()
                    + g.definitions.removed.len()
                    + g.definitions.redefined.len()
            }),
            drugs_added: self.drugs.added.len(),
            drugs_removed: self.drugs.removed.len(),
            rows_added: self.recommendations.added.len(),
            rows_removed: self.recommendations.removed.len(),
            rows_changed: self.recommendations.changed.len(),
            rows_reidentified: self.recommendations.reidentified.len(),
        }
    }
}

impl PackDiff {
    /// Compares `new` against `old`.
    ///
    /// Guidelines are matched by id, genes by symbol, alleles by name,
    /// rules by input, drugs by name and recommendation rows by drug,
    /// lookup keys and population (rows sharing one key within a pack are
    /// paired in order of id). Pack and set releases are reported but are
    /// not changes of their own.
    ///
    /// ```
    /// use dosera::pack::{diff::PackDiff, PackSet};
    /// let old = PackSet::bundled()?;
    /// let mut new = old.clone();
    /// let gone = new.packs[1].guidelines.pop().unwrap();
    /// let diff = PackDiff::between(&old, &new);
    /// assert_eq!(diff.sources[1].guidelines.removed[0].id, gone.id);
    /// assert_eq!(diff.counts().rows_removed, gone.recommendations.len());
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn between(old: &PackSet, new: &PackSet) -> PackDiff {
        let sources = Source::ALL
            .into_iter()
            .filter_map(|source| {
                let (o, n) = (old.pack(source), new.pack(source));
                (o.is_some() || n.is_some()).then(|| source_diff(source, o, n))
            })
            .collect();
        PackDiff {
            old: SetInfo {
                release: old.release.clone(),
                sha256: old.sha256.clone(),
            },
            new: SetInfo {
                release: new.release.clone(),
                sha256: new.sha256.clone(),
            },
            sources,
        }
    }

    /// How many changes of each kind, over every source.
    ///
    /// ```
    /// use dosera::pack::{diff::PackDiff, PackSet};
    /// let packs = PackSet::bundled()?;
    /// assert_eq!(PackDiff::between(&packs, &packs).counts().rows_added, 0);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn counts(&self) -> DiffCounts {
        self.sources
            .iter()
            .fold(DiffCounts::default(), |acc, s| acc.plus(&s.counts()))
    }

    /// True when the content of the two sets is the same (releases and
    /// checksums may differ).
    ///
    /// ```
    /// use dosera::pack::{diff::PackDiff, PackSet};
    /// let old = PackSet::bundled()?;
    /// let mut new = old.clone();
    /// new.release = "another".into();
    /// assert!(PackDiff::between(&old, &new).is_empty());
    /// new.packs[0].drugs.pop();
    /// assert!(!PackDiff::between(&old, &new).is_empty());
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.counts().is_zero()
    }

    /// The diff as plain release notes: a header with both releases, the
    /// non-zero counts, then the sections Guidelines, Genes, Drugs and
    /// Recommendations, one sorted line per change (`no changes` when
    /// empty). The same diff always gives the same text.
    ///
    /// ```
    /// use dosera::pack::{diff::PackDiff, PackSet};
    /// let old = PackSet::bundled()?;
    /// let mut new = old.clone();
    /// new.packs[0].guidelines[0].version.push_str(".1");
    /// let text = PackDiff::between(&old, &new).text();
    /// assert!(text.contains("\nGuidelines\n"));
    /// assert!(text.contains(&format!("version {} → {}",
    ///     old.packs[0].guidelines[0].version, new.packs[0].guidelines[0].version)));
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn text(&self) -> String {
        let mut out = format!(
            "pack diff: {} (sha256 {}) → {} (sha256 {})\n",
            self.old.release, self.old.sha256, self.new.release, self.new.sha256
        );
        for s in &self.sources {
            if s.old_release != s.new_release {
                let _ = writeln!(
                    out,
                    "{} pack: {} → {}",
                    s.source.label(),
                    s.old_release.as_deref().unwrap_or("none"),
                    s.new_release.as_deref().unwrap_or("none")
                );
            }
        }
        let counts = self.counts();
        if counts.is_zero() {
            out.push_str("no changes\n");
            return out;
        }
        let listed: Vec<String> = counts
            .pairs()
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        let _ = writeln!(out, "{}", listed.join(", "));
        let sections: [(&str, SectionLines); 4] = [
            ("Guidelines", guideline_lines),
            ("Genes", gene_lines),
            ("Drugs", drug_lines),
            ("Recommendations", row_lines),
        ];
        for (title, lines) in sections {
            let lines: Vec<String> = self.sources.iter().flat_map(lines).collect();
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Comparison

/// Writes the lines of one section of the notes for one source.
type SectionLines = fn(&SourceDiff) -> Vec<String>;

fn guidelines_of(p: Option<&Pack>) -> &[Guideline] {
    p.map(|p| p.guidelines.as_slice()).unwrap_or_default()
}

fn genes_of(p: Option<&Pack>) -> &[Gene] {
    p.map(|p| p.genes.as_slice()).unwrap_or_default()
}

fn drugs_of(p: Option<&Pack>) -> BTreeSet<&str> {
    p.map(|p| p.drugs.iter().map(|d| d.name.as_str()).collect())
        .unwrap_or_default()
}

fn source_diff(source: Source, old: Option<&Pack>, new: Option<&Pack>) -> SourceDiff {
    let (old_drugs, new_drugs) = (drugs_of(old), drugs_of(new));
    SourceDiff {
        source,
        old_release: old.map(|p| p.meta.release.clone()),
        new_release: new.map(|p| p.meta.release.clone()),
        guidelines: guideline_diff(guidelines_of(old), guidelines_of(new)),
        genes: gene_diff(genes_of(old), genes_of(new)),
        drugs: DrugDiff {
            added: owned(new_drugs.difference(&old_drugs)),
            removed: owned(old_drugs.difference(&new_drugs)),
        },
        recommendations: row_diff(guidelines_of(old), guidelines_of(new)),
    }
}

fn owned<'a>(items: impl Iterator<Item = &'a &'a str>) -> Vec<String> {
    items.map(|s| s.to_string()).collect()
}

fn guideline_ref(g: &Guideline) -> GuidelineRef {
    GuidelineRef {
        id: g.id.clone(),
        name: g.name.clone(),
        version: g.version.clone(),
        date: g.date.clone(),
        drugs: g.drugs.clone(),
        rows: g.recommendations.len(),
    }
}

fn guideline_diff(old: &[Guideline], new: &[Guideline]) -> GuidelineDiff {
    let by_id = |gs: &'_ [Guideline]| -> BTreeMap<String, usize> {
        gs.iter()
            .enumerate()
            .map(|(i, g)| (g.id.clone(), i))
            .collect()
    };
    let (o, n) = (by_id(old), by_id(new));
    let mut diff = GuidelineDiff::default();
    for (id, &i) in &o {
        if !n.contains_key(id) {
            diff.removed.push(guideline_ref(&old[i]));
        }
    }
    for (id, &j) in &n {
        let b = &new[j];
        let Some(&i) = o.get(id) else {
            diff.added.push(guideline_ref(b));
            continue;
        };
        let a = &old[i];
        let change = GuidelineChange {
            id: id.clone(),
            name: b.name.clone(),
            version: Change::of(a.version.clone(), b.version.clone()),
            date: Change::of(a.date.clone(), b.date.clone()),
            url: Change::of(a.url.clone(), b.url.clone()),
            renamed: Change::of(a.name.clone(), b.name.clone()),
            pmids: Change::of(a.pmids.clone(), b.pmids.clone()),
            genes: Change::of(a.genes.clone(), b.genes.clone()),
        };
        if change.version.is_some()
            || change.date.is_some()
            || change.url.is_some()
            || change.renamed.is_some()
            || change.pmids.is_some()
            || change.genes.is_some()
        {
            diff.changed.push(change);
        }
    }
    diff
}

fn gene_diff(old: &[Gene], new: &[Gene]) -> GeneDiff {
    let by_symbol = |gs: &'_ [Gene]| -> BTreeMap<String, usize> {
        gs.iter()
            .enumerate()
            .map(|(i, g)| (g.symbol.clone(), i))
            .collect()
    };
    let (o, n) = (by_symbol(old), by_symbol(new));
    let mut diff = GeneDiff {
        added: n.keys().filter(|s| !o.contains_key(*s)).cloned().collect(),
        removed: o.keys().filter(|s| !n.contains_key(*s)).cloned().collect(),
        changed: Vec::new(),
    };
    for (symbol, &i) in &o {
        let Some(&j) = n.get(symbol) else {
            continue;
        };
        let (a, b) = (&old[i], &new[j]);
        let change = GeneChange {
            symbol: symbol.clone(),
            method: Change::of(a.phenotyping.method, b.phenotyping.method),
            phenotype_version: Change::of(
                a.phenotyping.version.clone(),
                b.phenotyping.version.clone(),
            ),
            alleles: allele_diff(&a.phenotyping, &b.phenotyping),
            rules: rule_diff(&a.phenotyping, &b.phenotyping),
            definitions: definition_diff(a, b),
        };
        let unchanged = change.method.is_none()
            && change.phenotype_version.is_none()
            && change.alleles == AlleleDiff::default()
            && change.rules.is_empty()
            && change.definitions == DefinitionDiff::default();
        if !unchanged {
            diff.changed.push(change);
        }
    }
    diff
}

fn allele_diff(old: &Phenotyping, new: &Phenotyping) -> AlleleDiff {
    type Value = (Option<String>, Option<String>);
    let by_name = |p: &Phenotyping| -> BTreeMap<String, Value> {
        p.alleles
            .iter()
            .map(|a| (a.name.clone(), (a.function.clone(), a.activity.clone())))
            .collect()
    };
    let value = |allele: &str, v: &Value| AlleleValue {
        allele: allele.to_string(),
        function: v.0.clone(),
        activity: v.1.clone(),
    };
    let (o, n) = (by_name(old), by_name(new));
    let mut diff = AlleleDiff::default();
    for (name, a) in &o {
        match n.get(name) {
            None => diff.removed.push(value(name, a)),
            Some(b) if a != b => diff.changed.push(AlleleChange {
                allele: name.clone(),
                function: Change::of(a.0.clone(), b.0.clone()),
                activity: Change::of(a.1.clone(), b.1.clone()),
            }),
            Some(_) => {}
        }
    }
    for (name, b) in &n {
        if !o.contains_key(name) {
            diff.added.push(value(name, b));
        }
    }
    diff.added.sort_by(|a, b| natural(&a.allele, &b.allele));
    diff.removed.sort_by(|a, b| natural(&a.allele, &b.allele));
    diff.changed.sort_by(|a, b| natural(&a.allele, &b.allele));
    diff
}

/// Orders names with their numbers compared as numbers (`*2` before
/// `*10`), then as plain text.
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (x, y) = (chunks(a), chunks(b));
    for (p, q) in x.iter().zip(&y) {
        let order = match (p, q) {
            ((true, m), (true, n)) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            ((_, m), (_, n)) => m.cmp(n),
        };
        if order.is_ne() {
            return order;
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

/// A score as the notes write it: at least one decimal (`1.0`, `0.25`).
fn score(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

fn outcome(phenotype: &str, key: &str) -> String {
    if key == phenotype {
        phenotype.to_string()
    } else {
        format!("{phenotype} (lookup key {key})")
    }
}

/// Every rule of a gene, by kind and input; rules sharing an input have
/// their outcomes joined with ` | `.
fn rules(p: &Phenotyping) -> BTreeMap<(RuleKind, String), String> {
    let mut all: BTreeMap<(RuleKind, String), BTreeSet<String>> = BTreeMap::new();
    let mut put = |kind: RuleKind, input: String, out: String| {
        all.entry((kind, input)).or_default().insert(out);
    };
    for r in &p.function_pairs {
        let mut f = r.functions.clone();
        f.sort();
        put(
            RuleKind::FunctionPair,
            format!("{} + {}", f[0], f[1]),
            outcome(&r.phenotype, &r.lookup_key),
        );
    }
    for b in &p.activity_bins {
        let input = match b.max {
            Some(max) if max == b.min => score(b.min),
            Some(max) => format!("{}–{}", score(b.min), score(max)),
            None => format!("≥ {}", score(b.min)),
        };
        put(RuleKind::ActivityBin, input, b.phenotype.clone());
    }
    for r in &p.single_allele {
        put(
            RuleKind::SingleAllele,
            r.function.clone(),
            outcome(&r.phenotype, &r.lookup_key),
        );
    }
    for r in &p.diplotypes {
        let mut out = outcome(&r.phenotype, &r.lookup_key);
        if let Some(s) = &r.activity_score {
            let _ = write!(out, ", activity score {s}");
        }
        put(RuleKind::Diplotype, r.alleles.join("/"), out);
    }
    for a in &p.status_alleles {
        put(RuleKind::StatusAllele, a.clone(), "carrier status".into());
    }
    for (old, current) in &p.aliases {
        put(RuleKind::Alias, old.clone(), current.clone());
    }
    all.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect::<Vec<_>>().join(" | ")))
        .collect()
}

fn rule_diff(old: &Phenotyping, new: &Phenotyping) -> Vec<RuleChange> {
    let (o, n) = (rules(old), rules(new));
    let inputs: BTreeSet<&(RuleKind, String)> = o.keys().chain(n.keys()).collect();
    let mut changes: Vec<RuleChange> = inputs
        .into_iter()
        .filter_map(|k| {
            let (before, after) = (o.get(k).cloned(), n.get(k).cloned());
            (before != after).then(|| RuleChange {
                kind: k.0,
                input: k.1.clone(),
                before,
                after,
            })
        })
        .collect();
    changes.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| natural(&a.input, &b.input))
    });
    changes
}

fn definition_diff(old: &Gene, new: &Gene) -> DefinitionDiff {
    // Each allele as the set of (chromosome, position, base) it requires.
    type Sites = BTreeSet<(String, u64, String)>;
    let alleles = |g: &Gene| -> BTreeMap<String, Sites> {
        let Some(def) = &g.definition else {
            return BTreeMap::new();
        };
        def.alleles
            .iter()
            .map(|a| {
                let sites = a
                    .alleles
                    .iter()
                    .filter_map(|(&i, base)| {
                        def.positions
                            .get(i)
                            .map(|p| (p.chromosome.clone(), p.position, base.clone()))
                    })
                    .collect();
                (a.name.clone(), sites)
            })
            .collect()
    };
    let version = |g: &Gene| g.definition.as_ref().map(|d| d.version.clone());
    let (o, n) = (alleles(old), alleles(new));
    let sorted = |mut names: Vec<String>| {
        names.sort_by(|a, b| natural(a, b));
        names
    };
    DefinitionDiff {
        version: Change::of(version(old), version(new)),
        added: sorted(n.keys().filter(|a| !o.contains_key(*a)).cloned().collect()),
        removed: sorted(o.keys().filter(|a| !n.contains_key(*a)).cloned().collect()),
        redefined: sorted(
            o.iter()
                .filter(|(a, sites)| n.get(*a).is_some_and(|s| s != *sites))
                .map(|(a, _)| a.clone())
                .collect(),
        ),
    }
}

/// The rows of a pack by key, each key's rows in order of id.
fn rows_by_key(guidelines: &[Guideline]) -> BTreeMap<RowKey, Vec<(&Guideline, &Recommendation)>> {
    let mut rows: BTreeMap<RowKey, Vec<(&Guideline, &Recommendation)>> = BTreeMap::new();
    for g in guidelines {
        for r in &g.recommendations {
            rows.entry(RowKey::of(r)).or_default().push((g, r));
        }
    }
    for list in rows.values_mut() {
        list.sort_by(|a, b| (&a.1.id, &a.0.id).cmp(&(&b.1.id, &b.0.id)));
    }
    rows
}

fn row(key: &RowKey, g: &Guideline, r: &Recommendation) -> Row {
    Row {
        key: key.clone(),
        id: r.id.clone(),
        guideline: g.id.clone(),
        action: r.action,
        dose: r.dose.clone(),
        strength: r.strength.clone(),
        alternatives: r.alternatives.clone(),
        summary: r.summary.clone(),
    }
}

/// The facts other than those a row change reports on its own (action,
/// alternatives, implication).
fn other_facts(a: &Advice) -> Advice {
    let mut rest = a.clone();
    rest.action = Action::Other;
    rest.alternatives.clear();
    rest.implication.detail = None;
    rest.implication.compared_to = None;
    rest.implication.what = super::Phrase::same("");
    rest.implication.effect = super::Effect::None;
    rest.implication.direction = super::Direction::Unknown;
    rest
}

fn row_change(
    key: &RowKey,
    (ga, a): (&Guideline, &Recommendation),
    (gb, b): (&Guideline, &Recommendation),
) -> RowChange {
    let details = other_facts(&a.facts) != other_facts(&b.facts) || a.summary != b.summary;
    let implication = a.facts.implication != b.facts.implication || a.implication != b.implication;
    RowChange {
        key: key.clone(),
        id: b.id.clone(),
        guideline: gb.id.clone(),
        previous_id: (a.id != b.id).then(|| a.id.clone()),
        population: Change::of(a.population.clone(), b.population.clone()),
        previous_guideline: (ga.id != gb.id).then(|| ga.id.clone()),
        action: Change::of(a.action, b.action),
        dose: Change::of(a.dose.clone(), b.dose.clone()),
        strength: Change::of(a.strength.clone(), b.strength.clone()),
        alternatives: Change::of(a.alternatives.clone(), b.alternatives.clone()),
        flags: Change::of(a.flags.clone(), b.flags.clone()),
        details: details.then(|| Change {
            before: a.summary.clone(),
            after: b.summary.clone(),
        }),
        implication: implication.then(|| Change {
            before: a.implication.clone(),
            after: b.implication.clone(),
        }),
    }
}

fn row_diff(old: &[Guideline], new: &[Guideline]) -> RowDiff {
    let (o, n) = (rows_by_key(old), rows_by_key(new));
    let keys: BTreeSet<&RowKey> = o.keys().chain(n.keys()).collect();
    let mut diff = RowDiff::default();
    let paired = |diff: &mut RowDiff, key: &RowKey, x, y| {
        let change = row_change(key, x, y);
        if change.changes_content() {
            diff.changed.push(change);
        } else if change.previous_id.is_some() || change.previous_guideline.is_some() {
            diff.reidentified.push(change);
        }
    };
    type Left<'a> = Vec<(&'a RowKey, (&'a Guideline, &'a Recommendation))>;
    let (mut gone, mut came): (Left<'_>, Left<'_>) = (Vec::new(), Vec::new());
    for key in keys {
        let (a, b) = (
            o.get(key).map(Vec::as_slice).unwrap_or_default(),
            n.get(key).map(Vec::as_slice).unwrap_or_default(),
        );
        for (x, y) in a.iter().zip(b) {
            paired(&mut diff, key, *x, *y);
        }
        gone.extend(a.iter().skip(b.len()).map(|x| (key, *x)));
        came.extend(b.iter().skip(a.len()).map(|y| (key, *y)));
    }
    // A row whose population one release gives and the other does not is
    // the same row when it is the only one left of its drug and lookup
    // keys on each side.
    let group = |k: &RowKey| (k.drug.clone(), k.lookup.clone());
    let count =
        |left: &Left<'_>, k: &RowKey| left.iter().filter(|(x, _)| group(x) == group(k)).count();
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for (i, (kx, _)) in gone.iter().enumerate() {
        let Some(j) = came.iter().position(|(ky, _)| group(ky) == group(kx)) else {
            continue;
        };
        let ky = came[j].0;
        let one_given = kx.population.is_some() != ky.population.is_some();
        if one_given && count(&gone, kx) == 1 && count(&came, ky) == 1 {
            matched.push((i, j));
        }
    }
    for &(i, j) in &matched {
        paired(&mut diff, came[j].0, gone[i].1, came[j].1);
    }
    for (i, (key, (g, r))) in gone.iter().enumerate() {
        if !matched.iter().any(|m| m.0 == i) {
            diff.removed.push(row(key, g, r));
        }
    }
    for (j, (key, (g, r))) in came.iter().enumerate() {
        if !matched.iter().any(|m| m.1 == j) {
            diff.added.push(row(key, g, r));
        }
    }
    diff.changed.sort_by(|a, b| a.key.cmp(&b.key));
    diff.reidentified.sort_by(|a, b| a.key.cmp(&b.key));
    diff
}

// ---------------------------------------------------------------------------
// Text

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("none")
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn dose(d: &Option<DoseAdjustment>) -> String {
    match d {
        Some(d) => super::words::dose_text(&d.dose(), Lang::En),
        None => "none".to_string(),
    }
}

/// A guideline's name without the `SOURCE: ` prefix the line already gives.
fn short_name(source: Source, name: &str) -> String {
    name.strip_prefix(&format!("{}: ", source.label()))
        .unwrap_or(name)
        .to_string()
}

fn guideline_lines(s: &SourceDiff) -> Vec<String> {
    let label = s.source.label();
    let mut lines: Vec<(String, String)> = Vec::new();
    for (g, what) in s
        .guidelines
        .removed
        .iter()
        .map(|g| (g, "removed"))
        .chain(s.guidelines.added.iter().map(|g| (g, "added")))
    {
        let name = short_name(s.source, &g.name);
        lines.push((
            name.clone(),
            format!(
                "{label} {} {name}: {what} (version {}, {}, {} rows)",
                g.id, g.version, g.date, g.rows
            ),
        ));
    }
    for c in &s.guidelines.changed {
        let name = short_name(s.source, &c.name);
        let mut parts = Vec::new();
        if let Some(v) = &c.version {
            parts.push(format!("version {} → {}", v.before, v.after));
        }
        if let Some(v) = &c.date {
            parts.push(format!("date {} → {}", v.before, v.after));
        }
        if let Some(v) = &c.url {
            parts.push(format!("URL {} → {}", v.before, v.after));
        }
        if let Some(v) = &c.renamed {
            parts.push(format!("name {} → {}", v.before, v.after));
        }
        if let Some(v) = &c.pmids {
            parts.push(format!("PMIDs {} → {}", list(&v.before), list(&v.after)));
        }
        if let Some(v) = &c.genes {
            parts.push(format!("genes {} → {}", list(&v.before), list(&v.after)));
        }
        lines.push((
            name.clone(),
            format!("{label} {} {name}: {}", c.id, parts.join("; ")),
        ));
    }
    lines.sort();
    lines.into_iter().map(|(_, l)| l).collect()
}

fn allele_value(function: &Option<String>, activity: &Option<String>) -> String {
    match (function, activity) {
        (Some(f), Some(a)) => format!("{f}, activity {a}"),
        (Some(f), None) => f.clone(),
        (None, Some(a)) => format!("activity {a}"),
        (None, None) => "no function assigned".to_string(),
    }
}

fn gene_lines(s: &SourceDiff) -> Vec<String> {
    let label = s.source.label();
    let mut lines: Vec<(String, String)> = Vec::new();
    for g in &s.genes.removed {
        lines.push((g.clone(), format!("{label} {g}: gene removed")));
    }
    for g in &s.genes.added {
        lines.push((g.clone(), format!("{label} {g}: gene added")));
    }
    for g in &s.genes.changed {
        let at = format!("{label} {}:", g.symbol);
        let mut mine = Vec::new();
        if let Some(m) = &g.method {
            mine.push(format!(
                "{at} phenotype method {} → {}",
                method(m.before),
                method(m.after)
            ));
        }
        if let Some(v) = &g.phenotype_version {
            mine.push(format!(
                "{at} phenotype data version {} → {}",
                v.before, v.after
            ));
        }
        for a in &g.alleles.removed {
            mine.push(format!(
                "{at} allele {} removed (was {})",
                a.allele,
                allele_value(&a.function, &a.activity)
            ));
        }
        for a in &g.alleles.added {
            mine.push(format!(
                "{at} allele {} added: {}",
                a.allele,
                allele_value(&a.function, &a.activity)
            ));
        }
        for a in &g.alleles.changed {
            let mut parts = Vec::new();
            if let Some(f) = &a.function {
                parts.push(format!("function {} → {}", opt(&f.before), opt(&f.after)));
            }
            if let Some(v) = &a.activity {
                parts.push(format!("activity {} → {}", opt(&v.before), opt(&v.after)));
            }
            mine.push(format!("{at} allele {} {}", a.allele, parts.join("; ")));
        }
        for r in &g.rules {
            let rule = format!("{at} {} rule {}", r.kind.label(), r.input);
            mine.push(match (&r.before, &r.after) {
                (Some(b), Some(a)) => format!("{rule}: {b} → {a}"),
                (None, Some(a)) => format!("{rule} added: {a}"),
                (Some(b), None) => format!("{rule} removed (was {b})"),
                (None, None) => rule,
            });
        }
        let d = &g.definitions;
        if let Some(v) = &d.version {
            mine.push(format!(
                "{at} allele definitions version {} → {}",
                opt(&v.before),
                opt(&v.after)
            ));
        }
        for (names, what) in [
            (&d.removed, "removed"),
            (&d.added, "added"),
            (&d.redefined, "redefined"),
        ] {
            if !names.is_empty() {
                mine.push(format!("{at} defined alleles {what}: {}", names.join(", ")));
            }
        }
        lines.extend(mine.into_iter().map(|l| (g.symbol.clone(), l)));
    }
    // Sorted by gene; each gene's lines keep their order.
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines.into_iter().map(|(_, l)| l).collect()
}

fn method(m: PhenotypeMethod) -> &'static str {
    match m {
        PhenotypeMethod::FunctionPair => "function pair",
        PhenotypeMethod::ActivityScore => "activity score",
        PhenotypeMethod::AlleleStatus => "allele status",
        PhenotypeMethod::DiplotypeTable => "diplotype table",
    }
}

fn drug_lines(s: &SourceDiff) -> Vec<String> {
    let label = s.source.label();
    let mut lines: Vec<(String, String)> = s
        .drugs
        .removed
        .iter()
        .map(|d| {
            (
                d.clone(),
                format!("{label} {d}: removed from the drug list"),
            )
        })
        .chain(
            s.drugs
                .added
                .iter()
                .map(|d| (d.clone(), format!("{label} {d}: added to the drug list"))),
        )
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, l)| l).collect()
}

fn row_summary(r: &Row) -> String {
    let mut s = r.action.label().to_string();
    if r.dose.is_some() {
        let _ = write!(s, "; dose {}", dose(&r.dose));
    }
    if let Some(st) = &r.strength {
        let _ = write!(s, "; strength {st}");
    }
    if !r.alternatives.is_empty() {
        let _ = write!(s, "; alternatives {}", r.alternatives.join(", "));
    }
    let _ = write!(s, "; row {} of {}", r.id, r.guideline);
    s
}

fn row_change_parts(c: &RowChange) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(v) = &c.population {
        parts.push(format!(
            "population {} → {}",
            v.before.as_deref().unwrap_or("not given"),
            v.after.as_deref().unwrap_or("not given")
        ));
    }
    if let Some(v) = &c.action {
        parts.push(format!("action {} → {}", v.before.label(), v.after.label()));
    }
    if let Some(v) = &c.dose {
        parts.push(format!("dose {} → {}", dose(&v.before), dose(&v.after)));
    }
    if let Some(v) = &c.strength {
        parts.push(format!("strength {} → {}", opt(&v.before), opt(&v.after)));
    }
    if let Some(v) = &c.alternatives {
        parts.push(format!(
            "alternatives {} → {}",
            list(&v.before),
            list(&v.after)
        ));
    }
    if let Some(v) = &c.flags {
        parts.push(format!("flags {} → {}", list(&v.before), list(&v.after)));
    }
    if let Some(v) = &c.details {
        parts.push(format!("advice details \"{}\" → \"{}\"", v.before, v.after));
    }
    if let Some(v) = &c.implication {
        parts.push(format!("implication \"{}\" → \"{}\"", v.before, v.after));
    }
    if let Some(id) = &c.previous_id {
        parts.push(format!("id {id} → {}", c.id));
    }
    if let Some(g) = &c.previous_guideline {
        parts.push(format!("guideline {g} → {}", c.guideline));
    }
    parts
}

fn row_lines(s: &SourceDiff) -> Vec<String> {
    let label = s.source.label();
    let rows = &s.recommendations;
    // (key, order within a key, line)
    let mut lines: Vec<(&RowKey, u8, String)> = Vec::new();
    for r in &rows.removed {
        lines.push((
            &r.key,
            0,
            format!("{label} {}: removed: {}", r.key.label(), row_summary(r)),
        ));
    }
    for r in &rows.added {
        lines.push((
            &r.key,
            1,
            format!("{label} {}: added: {}", r.key.label(), row_summary(r)),
        ));
    }
    for c in &rows.changed {
        lines.push((
            &c.key,
            2,
            format!(
                "{label} {}: {}",
                c.key.label(),
                row_change_parts(c).join("; ")
            ),
        ));
    }
    for c in &rows.reidentified {
        lines.push((
            &c.key,
            3,
            format!(
                "{label} {}: re-identified, advice unchanged: {}",
                c.key.label(),
                row_change_parts(c).join("; ")
            ),
        ));
    }
    lines.sort();
    lines.into_iter().map(|(_, _, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::ActivityBin;

    #[test]
    fn names_sort_with_their_numbers_as_numbers() {
        let mut names = vec!["*10", "*2", "*1A", "*1", "*3B", "*3A", "Reference", "*02"];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(
            names,
            ["*1", "*1A", "*02", "*2", "*3A", "*3B", "*10", "Reference"]
        );
    }

    #[test]
    fn bins_are_keyed_by_their_range() {
        let p = Phenotyping {
            version: "1".into(),
            method: PhenotypeMethod::ActivityScore,
            alleles: vec![],
            aliases: Default::default(),
            function_pairs: vec![],
            activity_bins: vec![
                ActivityBin {
                    min: 0.0,
                    max: Some(0.0),
                    phenotype: "Poor Metabolizer".into(),
                },
                ActivityBin {
                    min: 0.25,
                    max: Some(1.0),
                    phenotype: "Intermediate Metabolizer".into(),
                },
                ActivityBin {
                    min: 2.5,
                    max: None,
                    phenotype: "Ultrarapid Metabolizer".into(),
                },
            ],
            single_allele: vec![],
            diplotypes: vec![],
            status_alleles: vec![],
        };
        let inputs: Vec<String> = rules(&p).into_keys().map(|(_, i)| i).collect();
        assert_eq!(inputs, ["0.0", "0.25–1.0", "≥ 2.5"]);
        let mut q = p.clone();
        q.activity_bins[1].max = Some(1.25);
        let changes = rule_diff(&p, &q);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].input, "0.25–1.0");
        assert_eq!(changes[0].after, None);
        assert_eq!(changes[1].input, "0.25–1.25");
        assert_eq!(changes[1].before, None);
    }

    /// A row that loses its population is the same row, changed, when it
    /// is the only one of its drug and lookup keys left on each side; with
    /// two left on a side, the rows are removed and added.
    #[test]
    fn a_population_given_on_one_side_only_pairs_the_row() {
        let old = PackSet::bundled().unwrap();
        let mut new = old.clone();
        let g = new.packs[0]
            .guidelines
            .iter()
            .position(|g| g.recommendations.iter().any(|r| r.population.is_some()))
            .unwrap();
        let r = new.packs[0].guidelines[g]
            .recommendations
            .iter()
            .position(|r| r.population.is_some())
            .unwrap();
        let was = new.packs[0].guidelines[g].recommendations[r]
            .population
            .take();
        let diff = PackDiff::between(&old, &new);
        let rows = &diff.sources[0].recommendations;
        assert!(rows.added.is_empty() && rows.removed.is_empty(), "{rows:?}");
        assert_eq!(rows.changed.len(), 1);
        assert_eq!(
            rows.changed[0].population,
            Some(Change {
                before: was.clone(),
                after: None
            })
        );
        assert!(diff.text().contains("population "));
        // Two rows left on the new side: no pairing.
        let mut twin = new.packs[0].guidelines[g].recommendations[r].clone();
        twin.id.push_str("-twin");
        twin.population = Some("another".into());
        new.packs[0].guidelines[g].recommendations.push(twin);
        let rows = PackDiff::between(&old, &new).sources[0]
            .recommendations
            .clone();
        assert_eq!((rows.added.len(), rows.removed.len()), (2, 1));
    }
}
