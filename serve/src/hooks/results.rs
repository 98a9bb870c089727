//! The patient's pharmacogenomic results as a hook request brings them:
//! the genotype and phenotype `Observation`s of the HL7 Genomics Reporting
//! profiles (as dosera's own FHIR bundle writes them, or a FHIR server's
//! search result), or a dosera report JSON.

use std::collections::BTreeMap;

use dosera::report::Report;
use dosera::{Engine, GeneInput, CANDIDATE_SEPARATOR};
use serde_json::Value;

use crate::Problem;

const LOINC: &str = "http://loinc.org";
/// LOINC "Genotype display name".
const GENOTYPE: &str = "84413-4";
/// LOINC "Genetic variation's effect on drug metabolism".
const METABOLISM: &str = "53040-2";
/// LOINC "Gene studied [ID]".
const GENE_STUDIED: &str = "48018-6";

/// The gene results read for one patient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientResults {
    /// One input per gene with a result, as the engine reads it.
    pub genes: Vec<GeneInput>,
    /// Genes on file without a result (a no-call): they count as not
    /// tested for the drugs that need them, and the cards say so.
    pub not_called: Vec<String>,
    /// Notes on what was read (several results for one gene, genes the
    /// packs do not know).
    pub notes: Vec<String>,
    /// Where the results came from (`FHIR`, `dosera report`).
    pub from: &'static str,
    /// Results on file the engine cannot read (gene, value, why): they
    /// count as not tested, and the cards say why.
    pub unreadable: Vec<(String, String, String)>,
    /// Why no results could be read at all (no prefetch and no FHIR
    /// server, the server failed): the cards say so instead of "not
    /// tested".
    pub unavailable: Option<String>,
}

impl PatientResults {
    /// No results, and why.
    ///
    /// ```
    /// let r = dosera_serve::hooks::results::PatientResults::unavailable("the FHIR server answered 401");
    /// assert!(r.genes.is_empty());
    /// assert_eq!(r.from, "nothing");
    /// ```
    pub fn unavailable(why: impl Into<String>) -> PatientResults {
        PatientResults {
            from: "nothing",
            unavailable: Some(why.into()),
            ..PatientResults::default()
        }
    }
}

/// Reads the patient's results from a prefetch value or a FHIR search
/// result: a FHIR `Bundle` (any type) of Observations, a single
/// `Observation`, or a dosera report JSON.
///
/// ```
/// use dosera_serve::hooks::results::read_results;
/// let engine = dosera::Engine::bundled().unwrap();
/// let obs = serde_json::json!({"resourceType": "Observation", "status": "final",
///     "code": {"coding": [{"system": "http://loinc.org", "code": "84413-4"}]},
///     "valueCodeableConcept": {"text": "*2/*2"},
///     "component": [{"code": {"coding": [{"system": "http://loinc.org", "code": "48018-6"}]},
///                    "valueCodeableConcept": {"text": "CYP2C19"}}]});
/// let r = read_results(&engine, &obs).unwrap();
/// assert_eq!(r.genes[0].to_string(), "CYP2C19=*2/*2");
/// ```
pub fn read_results(engine: &Engine, value: &Value) -> Result<PatientResults, Problem> {
    read_results_for(engine, value, None)
}

/// [`read_results`] for the patient of a hook request: an Observation
/// whose `subject` names another patient (`Patient/{other id}`, relative
/// or absolute) is not used, and a note on the cards says how many were
/// left out. A subject that names no `Patient/` id (dosera's own bundle
/// refers to a `urn:uuid:` placeholder) is read.
///
/// ```
/// use dosera_serve::hooks::results::read_results_for;
/// let engine = dosera::Engine::bundled().unwrap();
/// let obs = serde_json::json!({"resourceType": "Observation", "status": "final",
///     "subject": {"reference": "Patient/someone-else"},
///     "code": {"coding": [{"system": "http://loinc.org", "code": "84413-4"}]},
///     "valueCodeableConcept": {"text": "*2/*2"},
///     "component": [{"code": {"coding": [{"system": "http://loinc.org", "code": "48018-6"}]},
///                    "valueCodeableConcept": {"text": "CYP2C19"}}]});
/// let r = read_results_for(&engine, &obs, Some("p1")).unwrap();
/// assert!(r.genes.is_empty());
/// assert!(r.notes[0].contains("another patient"));
/// assert_eq!(read_results_for(&engine, &obs, Some("someone-else")).unwrap().genes.len(), 1);
/// ```
pub fn read_results_for(
    engine: &Engine,
    value: &Value,
    patient: Option<&str>,
) -> Result<PatientResults, Problem> {
    match value.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {
            let entries = match value.get("entry") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a.iter().filter_map(|e| e.get("resource")).collect(),
                Some(_) => return Err(Problem::bad_request("a Bundle's entry must be an array")),
            };
            Ok(from_observations(engine, &entries, patient))
        }
        Some("Observation") => Ok(from_observations(engine, &[value], patient)),
        Some(other) => Err(Problem::unprocessable(format!(
            "pharmacogenomic results must be a FHIR Bundle or Observation, or a dosera report; got a FHIR {other}"
        ))),
        None if value.get("schema_version").is_some() && value.get("genes").is_some() => {
            from_report(value)
        }
        None => Err(Problem::unprocessable(
            "pharmacogenomic results must be a FHIR Bundle or Observation, or a dosera report JSON",
        )),
    }
}

fn from_report(value: &Value) -> Result<PatientResults, Problem> {
    let report = Report::from_json(&value.to_string()).map_err(|e| Problem::from_error(&e))?;
    let mut r = PatientResults {
        from: "dosera report",
        ..PatientResults::default()
    };
    for g in &report.genes {
        match &g.recommendation_input {
            Some(v) => r.genes.push(GeneInput::new(&g.gene, v)),
            None => r.not_called.push(g.gene.clone()),
        }
    }
    Ok(r)
}

/// What one gene's observations said.
#[derive(Default)]
struct Said {
    genotypes: Vec<String>,
    activity: Vec<String>,
    phenotypes: Vec<String>,
    absent: bool,
}

/// True when the Observation's subject names a patient other than
/// `patient` (`Patient/{id}`, relative or at the end of an absolute URL).
fn about_another(o: &Value, patient: Option<&str>) -> bool {
    let Some(patient) = patient else {
        return false;
    };
    let Some(reference) = o
        .get("subject")
        .and_then(|s| s.get("reference"))
        .and_then(Value::as_str)
    else {
        return false;
    };
    match reference.rsplit_once("Patient/") {
        Some((before, id)) if before.is_empty() || before.ends_with('/') => {
            let id = id.split('/').next().unwrap_or(id);
            id != patient
        }
        _ => false,
    }
}

fn from_observations(
    engine: &Engine,
    resources: &[&Value],
    patient: Option<&str>,
) -> PatientResults {
    let mut by_gene: BTreeMap<String, Said> = BTreeMap::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut others = 0usize;
    for o in resources {
        if o.get("resourceType").and_then(Value::as_str) != Some("Observation") {
            continue;
        }
        if about_another(o, patient) {
            others += 1;
            continue;
        }
        if matches!(
            o.get("status").and_then(Value::as_str),
            Some("entered-in-error" | "cancelled")
        ) {
            continue;
        }
        let Some(gene_text) = gene_studied(o) else {
            continue;
        };
        let gene = match engine.gene_symbol(&gene_text) {
            Ok(g) => g.to_string(),
            Err(_) => {
                if !unknown.contains(&gene_text) {
                    unknown.push(gene_text);
                }
                continue;
            }
        };
        let said = by_gene.entry(gene.clone()).or_default();
        let value = concept_text(o.get("valueCodeableConcept"));
        if has_code(o, GENOTYPE) {
            match value {
                Some(v) => push_unique(&mut said.genotypes, candidates(&v)),
                None => said.absent = true,
            }
        } else if has_code(o, METABOLISM) || is_phenotype(o) {
            if let Some(v) = value {
                let v = v
                    .strip_prefix(&gene)
                    .map(str::trim_start)
                    .unwrap_or(&v)
                    .to_string();
                push_unique(&mut said.phenotypes, candidates(&v));
            }
            if let Some(a) = activity_score(o) {
                push_unique(&mut said.activity, candidates(&a));
            }
        }
    }
    let mut r = PatientResults {
        from: "FHIR",
        ..PatientResults::default()
    };
    if others > 0 {
        r.notes.push(format!(
            "{others} observation(s) about another patient than the one of the request were not used"
        ));
    }
    if !unknown.is_empty() {
        r.notes.push(format!(
            "results for genes the knowledge packs do not hold were not used: {}",
            unknown.join(", ")
        ));
    }
    for (gene, said) in by_gene {
        let tries = [&said.genotypes, &said.activity, &said.phenotypes];
        for t in tries.iter().filter(|t| t.len() > 1) {
            r.notes.push(format!(
                "{gene}: more than one result on file ({}); every one is shown as a candidate",
                t.join("; ")
            ));
        }
        let values: Vec<String> = tries
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| t.join(&CANDIDATE_SEPARATOR.to_string()))
            .collect();
        // The first form the engine reads; else the first given, so the
        // answer says it was given but not understood.
        let chosen = values
            .iter()
            .find(|v| engine.interpret(&GeneInput::new(&gene, v.as_str())).is_ok())
            .or_else(|| values.first());
        match chosen {
            Some(v) => r.genes.push(GeneInput::new(&gene, v.as_str())),
            None if said.absent => r.not_called.push(gene),
            None => {}
        }
    }
    r
}

fn push_unique(list: &mut Vec<String>, values: Vec<String>) {
    for v in values {
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

/// `*1/*2 or *1/*3` → [`*1/*2`, `*1/*3`].
fn candidates(text: &str) -> Vec<String> {
    text.split(" or ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn codings(concept: Option<&Value>) -> impl Iterator<Item = &Value> {
    concept
        .and_then(|c| c.get("coding"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn has_code(o: &Value, code: &str) -> bool {
    codings(o.get("code")).any(|c| {
        c.get("system").and_then(Value::as_str) == Some(LOINC)
            && c.get("code").and_then(Value::as_str) == Some(code)
    })
}

fn is_phenotype(o: &Value) -> bool {
    o.get("code")
        .and_then(|c| c.get("text"))
        .and_then(Value::as_str)
        .is_some_and(|t| t.to_ascii_lowercase().contains("phenotype"))
}

/// The text of a CodeableConcept: its text, else its first coding's display.
fn concept_text(concept: Option<&Value>) -> Option<String> {
    let text = concept
        .and_then(|c| c.get("text"))
        .and_then(Value::as_str)
        .or_else(|| codings(concept).find_map(|c| c.get("display").and_then(Value::as_str)))?;
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn components(o: &Value) -> impl Iterator<Item = &Value> {
    o.get("component")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn gene_studied(o: &Value) -> Option<String> {
    components(o)
        .find(|c| {
            codings(c.get("code"))
                .any(|x| x.get("code").and_then(Value::as_str) == Some(GENE_STUDIED))
        })
        .and_then(|c| concept_text(c.get("valueCodeableConcept")))
}

fn activity_score(o: &Value) -> Option<String> {
    components(o)
        .find(|c| {
            c.get("code")
                .and_then(|x| x.get("text"))
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("activity score"))
        })
        .and_then(|c| c.get("valueString").and_then(Value::as_str))
        .map(str::to_string)
}
