//! Reports as they were stored: a JSON report of any schema version the
//! project has written (1, 2 or 3), read into one version-neutral shape.
//!
//! What changed between versions, and how each is read:
//!
//! | version | written by | what differs from the current shape |
//! |---|---|---|
//! | 1 | 0.1 (November 2026) | drug results have no `non_answers`; no `input.coverage`; matches have no `facts` |
//! | 2 | 0.1 (early December 2026) | matches have no `facts` (the reviewed advice) |
//! | 3 | current | — |
//!
//! The gene entries (calls, evidence, outside-call lines, interpretations)
//! have the same shape in every version, so they are read as
//! [`GeneReport`]s. Drug results are read into [`StoredDrug`], which keeps
//! what every version has (guideline, version, matched rows with their
//! action, dose, strength, alternatives and lookup keys) and the reviewed
//! [`Advice`] where the report holds it (version 3). A version this build
//! does not know is refused, never half-read.

use serde::{Deserialize, Serialize};

use super::{GeneReport, InputSummary, Report, REPORT_SCHEMA_VERSION};
use crate::pack::advice::Advice;
use crate::pack::{Action, DoseAdjustment};
use crate::recommend::NonAnswer;
use crate::{Error, Result, Source};

/// The report schema versions this build reads.
pub const READABLE_SCHEMA_VERSIONS: [u32; 3] = [1, 2, 3];

/// A stored report of any readable schema version, in one shape.
///
/// ```
/// use dosera::report::stored::StoredReport;
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
/// let resolved = engine.resolve_outside(&calls).unwrap();
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap();
/// let stored = StoredReport::from_json(&serde_json::to_string(&report).unwrap()).unwrap();
/// assert_eq!(stored.schema_version, 3);
/// assert_eq!(stored.sample(), "S1");
/// assert_eq!(stored.drugs[0].drug, "clopidogrel");
/// assert!(stored.drugs[0].matches[0].facts.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredReport {
    /// The schema version the report was written in.
    pub schema_version: u32,
    /// dosera version that wrote it.
    pub engine_version: String,
    /// Knowledge-pack release it was written with.
    pub packs_release: String,
    /// SHA-256 over those pack files.
    pub packs_sha256: String,
    /// What was read.
    pub input: InputSummary,
    /// The gene entries, as written.
    pub genes: Vec<GeneReport>,
    /// The drug results, in the version-neutral shape.
    pub drugs: Vec<StoredDrug>,
    /// The report's warnings, as written.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One drug result of a stored report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDrug {
    /// Drug.
    pub drug: String,
    /// Guideline source.
    pub source: Source,
    /// Pack release the guideline came from.
    pub release: String,
    /// Guideline id.
    pub guideline_id: String,
    /// Guideline name.
    #[serde(default)]
    pub guideline_name: String,
    /// Guideline version as published.
    pub guideline_version: String,
    /// Where to read the guideline.
    #[serde(default)]
    pub url: String,
    /// Genes the guideline uses.
    #[serde(default)]
    pub genes: Vec<String>,
    /// The matched rows.
    pub matches: Vec<StoredMatch>,
    /// True when any matched row departs from standard prescribing.
    #[serde(default)]
    pub actionable: bool,
    /// Why a gene result was not used (empty in version 1, which did not
    /// record it).
    #[serde(default)]
    pub non_answers: Vec<NonAnswer>,
}

/// One matched recommendation row of a stored report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMatch {
    /// Recommendation id.
    pub id: String,
    /// Population, when given.
    #[serde(default)]
    pub population: Option<String>,
    /// Strength as published.
    #[serde(default)]
    pub strength: Option<String>,
    /// The action.
    pub action: Action,
    /// Dose change as a share of the usual dose.
    #[serde(default)]
    pub dose: Option<DoseAdjustment>,
    /// Named alternative drugs.
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// Gene → lookup key the row matched.
    #[serde(default)]
    pub lookup: std::collections::BTreeMap<String, String>,
    /// The summary as written.
    #[serde(default)]
    pub summary: String,
    /// The reviewed advice (version 3 reports only).
    #[serde(default)]
    pub facts: Option<Advice>,
    /// The diplotype candidates the row matched for.
    #[serde(default)]
    pub candidates: Vec<String>,
}

impl StoredDrug {
    /// The stored view of a current drug result.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let r = engine.recommend(&dosera::Request::new(vec!["CYP2C19=*2/*2".parse().unwrap()])
    ///     .drugs(["clopidogrel"])).unwrap();
    /// let d = dosera::report::stored::StoredDrug::of(&r.drugs[0]);
    /// assert_eq!(d.drug, "clopidogrel");
    /// assert_eq!(d.matches.len(), r.drugs[0].matches.len());
    /// ```
    pub fn of(d: &crate::recommend::DrugResult) -> StoredDrug {
        StoredDrug {
            drug: d.drug.clone(),
            source: d.source,
            release: d.release.clone(),
            guideline_id: d.guideline_id.clone(),
            guideline_name: d.guideline_name.clone(),
            guideline_version: d.guideline_version.clone(),
            url: d.url.clone(),
            genes: d.genes.clone(),
            matches: d
                .matches
                .iter()
                .map(|m| StoredMatch {
                    id: m.id.clone(),
                    population: m.population.clone(),
                    strength: m.strength.clone(),
                    action: m.action,
                    dose: m.dose.clone(),
                    alternatives: m.alternatives.clone(),
                    lookup: m.lookup.clone(),
                    summary: m.summary.clone(),
                    facts: Some(m.facts.clone()),
                    candidates: m.candidates.clone(),
                })
                .collect(),
            actionable: d.actionable,
            non_answers: d.non_answers.clone(),
        }
    }
}

/// A report schema version this build reads, or why not.
pub(crate) fn readable(v: u64) -> Result<u32> {
    match READABLE_SCHEMA_VERSIONS
        .iter()
        .find(|r| u64::from(**r) == v)
    {
        Some(r) => Ok(*r),
        None => Err(Error::MalformedReport(format!(
            "report schema version {v}; this build reads versions {}",
            READABLE_SCHEMA_VERSIONS.map(|r| r.to_string()).join(", ")
        ))),
    }
}

impl StoredReport {
    /// Reads a stored JSON report of any [`READABLE_SCHEMA_VERSIONS`].
    ///
    /// Errors ([`Error::MalformedReport`], code 111): not JSON, no
    /// `schema_version` (not a dosera report), a version this build does
    /// not read, or a field missing or of the wrong type for its version.
    ///
    /// ```
    /// use dosera::report::stored::StoredReport;
    /// let err = StoredReport::from_json(r#"{"schema_version": 9}"#).unwrap_err();
    /// assert_eq!(err.code(), dosera::ErrorCode::MalformedReport);
    /// assert!(err.to_string().contains("schema version 9"), "{err}");
    /// assert!(StoredReport::from_json("{}").unwrap_err().to_string().contains("not a dosera report"));
    /// ```
    pub fn from_json(text: &str) -> Result<StoredReport> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::MalformedReport(format!("not JSON: {e}")))?;
        StoredReport::from_value(value)
    }

    /// [`StoredReport::from_json`] on JSON already parsed.
    ///
    /// ```
    /// use dosera::report::stored::StoredReport;
    /// let v = serde_json::json!({"schema_version": 1, "engine_version": "0.1.0"});
    /// let err = StoredReport::from_value(v).unwrap_err();
    /// assert!(err.to_string().contains("version 1 report"), "{err}");
    /// let many = StoredReport::from_value(serde_json::json!([{}, {}])).unwrap_err();
    /// assert!(many.to_string().contains("a list of 2 reports"), "{many}");
    /// ```
    pub fn from_value(value: serde_json::Value) -> Result<StoredReport> {
        if let Some(many) = value.as_array() {
            return Err(Error::MalformedReport(format!(
                "a list of {} reports; give one report per file \
                 (`dosera report --format json --out FOLDER` writes them so)",
                many.len()
            )));
        }
        let version = match value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) => readable(v)?,
            None => {
                return Err(Error::MalformedReport(
                    "no schema_version: not a dosera report".into(),
                ))
            }
        };
        // Every readable version has the fields StoredReport reads; the
        // ones a version lacks have defaults (see the module table).
        serde_json::from_value(value)
            .map_err(|e| Error::MalformedReport(format!("version {version} report: {e}")))
    }

    /// The stored view of a report of the current version.
    ///
    /// ```
    /// use dosera::report::stored::StoredReport;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let empty = dosera::allele::SampleCalls::empty("S1");
    /// let report = dosera::report::build(&engine, &empty, &[], &[]).unwrap();
    /// assert_eq!(StoredReport::of(&report).schema_version, report.schema_version);
    /// ```
    pub fn of(report: &Report) -> StoredReport {
        let drugs = report.drugs.iter().map(StoredDrug::of).collect();
        StoredReport {
            schema_version: REPORT_SCHEMA_VERSION,
            engine_version: report.engine_version.clone(),
            packs_release: report.packs_release.clone(),
            packs_sha256: report.packs_sha256.clone(),
            input: report.input.clone(),
            genes: report.genes.clone(),
            drugs,
            warnings: report.warnings.clone(),
        }
    }

    /// The sample the report is about.
    pub fn sample(&self) -> &str {
        &self.input.sample
    }
}
