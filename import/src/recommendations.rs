//! Guideline import: CPIC and DPWG recommendations from the upstream
//! reference folder, newest wins, encoded as facts.
//!
//! Sources (relative to the reference folder):
//!
//! * `recommendations/cpic-2024-03-25/CPIC_*.json`: the CPIC base set;
//! * `supplements-2026/CPIC_*.json`: newer CPIC guidelines; they replace the
//!   base set for the drugs they cover (unless their group is left out, see
//!   [`crate::ImportOptions::leave_out`]; the base set's guidelines then stay);
//! * `recommendations/cpic-api-2022-09-15/drugs.json`: CPIC API rows; only
//!   drugs found in neither of the above are taken from it (plus RxNorm ids);
//! * `recommendations/dpwg-2024-03-25/DPWG_*.json`: the DPWG set.
//!
//! Every recommendation becomes an [`Action`], a dose share, named
//! alternatives, flags and two short sentences generated from those facts;
//! upstream wording is kept only when `verbatim` is requested.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::curation;
use super::facts::{self, Detail};
use super::supplements::{
    Supplements, THIOPURINES_2026, THIOPURINE_DRUGS, THIOPURINE_GUIDELINE_FILES,
};
use dosera::pack::words::{self, Lang};
use dosera::pack::{
    Action, Dose, DoseAdjustment, DoseBase, Drug, Guideline, LookupKey, Recommendation, SortedMap,
    Source, UpstreamRelease, VerbatimText,
};
use dosera::{Error, Result};

/// Drug names accepted as named alternatives beyond the drugs with a
/// guideline in the data.
const EXTRA_DRUGS: &[&str] = &[
    "prasugrel",
    "ticagrelor",
    "granisetron",
    "posaconazole",
    "isavuconazole",
    "amphotericin b",
    "febuxostat",
    "anastrozole",
    "letrozole",
    "exemestane",
    "bisoprolol",
    "carvedilol",
    "clonidine",
    "duloxetine",
    "mirtazapine",
    "flupentixol",
    "penfluridol",
    "olanzapine",
    "clozapine",
    "sotalol",
    "disopyramide",
    "morphine",
    "oxycodone",
    "buprenorphine",
    "hydromorphone",
    "fentanyl",
    "levetiracetam",
    "valproic acid",
    "bupropion",
    "vilazodone",
    "desvenlafaxine",
    "esomeprazole",
    "rabeprazole",
    "dexamethasone",
    "isoniazid",
];

/// Everything the guideline import produces, per source.
#[derive(Debug, Clone, Default)]
pub struct GuidelineImport {
    /// CPIC guidelines, sorted by id.
    pub cpic: Vec<Guideline>,
    /// DPWG guidelines, sorted by id.
    pub dpwg: Vec<Guideline>,
    /// Drugs with a CPIC guideline, sorted by name.
    pub cpic_drugs: Vec<Drug>,
    /// Drugs with a DPWG guideline, sorted by name.
    pub dpwg_drugs: Vec<Drug>,
    /// Upstream data sets the CPIC guidelines came from.
    pub upstream_cpic: Vec<UpstreamRelease>,
    /// Upstream data sets the DPWG guidelines came from.
    pub upstream_dpwg: Vec<UpstreamRelease>,
    /// Notes on anything merged, dropped or odd, and the counts.
    pub report: Vec<String>,
}

/// Import all CPIC and DPWG guidelines from the reference folder.
///
/// `verbatim` keeps the upstream recommendation and implication text (HTML
/// removed) in every recommendation; bundled packs are built without it.
///
/// ```no_run
/// let imp = dosera_import::import_guidelines(
///     std::path::Path::new("../shared/reference"),
///     false,
/// )?;
/// for line in &imp.report {
///     println!("{line}");
/// }
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn import_guidelines(reference: &Path, verbatim: bool) -> Result<GuidelineImport> {
    import_guidelines_with(reference, verbatim, Supplements::ALL)
}

/// [`import_guidelines`] with only the supplement groups `groups` keeps.
pub(crate) fn import_guidelines_with(
    reference: &Path,
    verbatim: bool,
    groups: Supplements,
) -> Result<GuidelineImport> {
    let cpic_dir = reference.join("recommendations/cpic-2024-03-25");
    let dpwg_dir = reference.join("recommendations/dpwg-2024-03-25");
    let supp_dir = reference.join("supplements-2026");
    let api_file = reference.join("recommendations/cpic-api-2022-09-15/drugs.json");

    let mut report = Vec::new();

    let base = list_json(&cpic_dir, "CPIC_")?
        .iter()
        .map(|p| parse_annotation(p, Set::Cpic2024))
        .collect::<Result<Vec<_>>>()?;
    let mut supplement_files = list_json(&supp_dir, "CPIC_")?;
    let mut left_out_files = Vec::new();
    if !groups.thiopurines_2026 {
        for name in THIOPURINE_GUIDELINE_FILES {
            let pos = supplement_files
                .iter()
                .position(|p| p.file_name().is_some_and(|f| f == name))
                .ok_or_else(|| {
                    err(
                        &supp_dir,
                        format!("{THIOPURINES_2026} left out, but {name} is not there"),
                    )
                })?;
            left_out_files.push(supplement_files.remove(pos));
        }
    }
    let supplements = supplement_files
        .iter()
        .map(|p| parse_annotation(p, Set::Supplement))
        .collect::<Result<Vec<_>>>()?;
    if !left_out_files.is_empty() {
        // What stays must not cover a drug of the group left out, or the
        // older guideline would still be superseded.
        if let Some((g, d)) = supplements.iter().find_map(|g| {
            g.all_drugs()
                .into_iter()
                .find(|d| THIOPURINE_DRUGS.contains(&d.as_str()))
                .map(|d| (g, d))
        }) {
            return Err(Error::Import {
                file: g.file.clone(),
                reason: format!(
                    "covers {d}, but {THIOPURINES_2026} is left out; add the file to the group"
                ),
            });
        }
        report.push(format!(
            "CPIC: {THIOPURINES_2026} left out: {} not used; {} keep the 2024-03-25 guidelines",
            left_out_files
                .iter()
                .filter_map(|p| p.file_name())
                .map(|f| f.to_string_lossy().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            THIOPURINE_DRUGS.join(", ")
        ));
    }
    let dpwg = list_json(&dpwg_dir, "DPWG_")?
        .iter()
        .map(|p| parse_annotation(p, Set::Dpwg2024))
        .collect::<Result<Vec<_>>>()?;
    let api = parse_api(&api_file)?;

    // Newest wins: supplements replace the base set for their drugs.
    let superseded: BTreeSet<String> = supplements.iter().flat_map(|g| g.all_drugs()).collect();
    let mut cpic_raw: Vec<RawGuideline> = Vec::new();
    for mut g in base {
        let before = g.recs.len();
        g.recs.retain(|r| {
            let drugs = if r.drugs.is_empty() {
                &g.drugs
            } else {
                &r.drugs
            };
            !drugs.iter().all(|(d, _)| superseded.contains(d))
        });
        let dropped_drugs: Vec<String> = g
            .drugs
            .iter()
            .filter(|(d, _)| superseded.contains(d))
            .map(|(d, _)| d.clone())
            .collect();
        g.drugs.retain(|(d, _)| !superseded.contains(d));
        if !dropped_drugs.is_empty() {
            report.push(format!(
                "CPIC {} ({}): {} of {} recommendations dropped, superseded by the 2026 supplement for {}",
                g.id,
                g.file,
                before - g.recs.len(),
                before,
                dropped_drugs.join(", ")
            ));
        }
        if g.drugs.is_empty() {
            continue;
        }
        cpic_raw.push(g);
    }
    for g in supplements {
        if let Some(pos) = cpic_raw.iter().position(|x| x.id == g.id) {
            return Err(Error::Import {
                file: g.file.clone(),
                reason: format!("guideline id {} also used by {}", g.id, cpic_raw[pos].file),
            });
        }
        report.push(format!(
            "CPIC {} ({}): taken from the 2026 supplement ({} recommendations)",
            g.id,
            g.file,
            g.recs.len()
        ));
        cpic_raw.push(g);
    }

    // API rows: drugs in neither set above.
    let known_cpic: BTreeSet<String> = cpic_raw
        .iter()
        .flat_map(|g| g.all_drugs())
        .chain(superseded.iter().cloned())
        .collect();
    let mut rxnorm: BTreeMap<String, String> = BTreeMap::new();
    for row in &api {
        if let Some(id) = &row.rxnorm {
            rxnorm.insert(row.drug.clone(), id.clone());
        }
    }
    let api_only: Vec<&ApiRow> = api
        .iter()
        .filter(|r| !known_cpic.contains(&r.drug))
        .collect();
    let mut api_groups: BTreeMap<String, RawGuideline> = BTreeMap::new();
    for row in &api_only {
        let id = if row.guideline_ids.is_empty() {
            format!("cpic-api-2022-{}", slug(&row.guideline_name))
        } else {
            format!("cpic-api-2022-{}", row.guideline_ids.join("-"))
        };
        let g = api_groups
            .entry(id.clone())
            .or_insert_with(|| RawGuideline {
                id: id.clone(),
                file: api_file.display().to_string(),
                version: row.version.clone(),
                date: "2022-09-15".into(),
                release: "cpic-api v1.20.0 2022-09-15".into(),
                url: row.url.clone(),
                pmids: row.pmids.clone(),
                drugs: Vec::new(),
                genes: row.genes.clone(),
                recs: Vec::new(),
                set: Set::Api2022,
            });
        g.drugs.push((row.drug.clone(), None));
        for gene in &row.genes {
            if !g.genes.contains(gene) {
                g.genes.push(gene.clone());
            }
        }
        for pmid in &row.pmids {
            if !g.pmids.contains(pmid) {
                g.pmids.push(pmid.clone());
            }
        }
        g.recs.extend(row.recs.iter().cloned());
    }
    let api_only_names: Vec<String> = api_only.iter().map(|r| r.drug.clone()).collect();
    if !api_only_names.is_empty() {
        report.push(format!(
            "CPIC: {} drugs only in the CPIC API 2022 set, added from it: {}",
            api_only_names.len(),
            api_only_names.join(", ")
        ));
    }
    cpic_raw.extend(api_groups.into_values());

    // Names that may be named as alternatives.
    let mut known_drugs: BTreeSet<String> = EXTRA_DRUGS.iter().map(|s| s.to_string()).collect();
    for g in cpic_raw.iter().chain(dpwg.iter()) {
        known_drugs.extend(g.all_drugs());
    }
    known_drugs.extend(api.iter().map(|r| r.drug.clone()));

    let mut pharmgkb: BTreeMap<String, String> = BTreeMap::new();
    for g in cpic_raw.iter().chain(dpwg.iter()) {
        for (d, id) in g
            .drugs
            .iter()
            .chain(g.recs.iter().flat_map(|r| r.drugs.iter()))
        {
            if let Some(id) = id {
                pharmgkb.entry(d.clone()).or_insert_with(|| id.clone());
            }
        }
    }

    let cpic = build_source(Source::Cpic, cpic_raw, &known_drugs, verbatim, &mut report)?;
    let dpwg = build_source(Source::Dpwg, dpwg, &known_drugs, verbatim, &mut report)?;

    let cpic_drugs = drugs_of(&cpic, &pharmgkb, &rxnorm);
    let dpwg_drugs = drugs_of(&dpwg, &pharmgkb, &rxnorm);

    let supp_versions: BTreeSet<String> = cpic
        .iter()
        .filter(|g| g.release.starts_with("clinpgx-supplement"))
        .map(|g| g.date.clone())
        .collect();
    let mut upstream_cpic = vec![UpstreamRelease {
        name: "pharmgkb-guideline-annotations".into(),
        version: "2024-03-25-16-13".into(),
        used_for: if groups.thiopurines_2026 {
            "CPIC recommendations (base set)".into()
        } else {
            format!(
                "CPIC recommendations (base set, including {}: the 2026 thiopurine update was left out)",
                THIOPURINE_DRUGS.join(", ")
            )
        },
    }];
    let supp_drugs: Vec<String> = superseded.iter().cloned().collect();
    if !supp_drugs.is_empty() {
        upstream_cpic.push(UpstreamRelease {
            name: "clinpgx-supplements-2026".into(),
            version: supp_versions.into_iter().collect::<Vec<_>>().join(", "),
            used_for: format!(
                "CPIC recommendations for {} (newest wins over the base set)",
                supp_drugs.join(", ")
            ),
        });
    }
    if !api_only_names.is_empty() {
        upstream_cpic.push(UpstreamRelease {
            name: "cpic-api".into(),
            version: "v1.20.0 (2022-09-15)".into(),
            used_for: format!(
                "CPIC recommendations for drugs found only there ({}); RxNorm ids",
                api_only_names.len()
            ),
        });
    } else {
        upstream_cpic.push(UpstreamRelease {
            name: "cpic-api".into(),
            version: "v1.20.0 (2022-09-15)".into(),
            used_for: "RxNorm ids".into(),
        });
    }
    let upstream_dpwg = vec![UpstreamRelease {
        name: "pharmgkb-guideline-annotations".into(),
        version: "2024-03-25-16-13".into(),
        used_for: "DPWG recommendations".into(),
    }];

    Ok(GuidelineImport {
        cpic,
        dpwg,
        cpic_drugs,
        dpwg_drugs,
        upstream_cpic,
        upstream_dpwg,
        report,
    })
}

/// Which upstream data set a guideline came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    Cpic2024,
    Supplement,
    Api2022,
    Dpwg2024,
}

/// One upstream recommendation as read.
#[derive(Debug, Clone)]
struct RawRec {
    /// Upstream id (`None` for API rows until numbered).
    id: String,
    /// Drugs it applies to (name, PharmGKB id); empty = the guideline's.
    drugs: Vec<(String, Option<String>)>,
    population: Option<String>,
    strength: Option<String>,
    /// Full text, tags removed.
    text: String,
    /// Text used for the classification (before `Other Considerations`).
    main_text: String,
    implications: Vec<String>,
    /// One or more lookup-key combinations.
    lookups: Vec<BTreeMap<String, LookupKey>>,
    flags: Vec<String>,
}

/// One upstream guideline as read.
#[derive(Debug, Clone)]
struct RawGuideline {
    id: String,
    file: String,
    version: String,
    date: String,
    release: String,
    url: String,
    pmids: Vec<String>,
    drugs: Vec<(String, Option<String>)>,
    genes: Vec<String>,
    recs: Vec<RawRec>,
    set: Set,
}

impl RawGuideline {
    fn all_drugs(&self) -> Vec<String> {
        let mut v: BTreeSet<String> = self.drugs.iter().map(|(d, _)| d.clone()).collect();
        for r in &self.recs {
            v.extend(r.drugs.iter().map(|(d, _)| d.clone()));
        }
        v.into_iter().collect()
    }
}

fn err(file: &Path, reason: impl Into<String>) -> Error {
    Error::Import {
        file: file.display().to_string(),
        reason: reason.into(),
    }
}

fn list_json(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut out = Vec::new();
    for e in entries {
        let e = e.map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with(prefix) && name.ends_with(".json") {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| err(path, format!("invalid JSON: {e}")))
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn chemicals(v: &Value) -> Vec<(String, Option<String>)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    let name = c.get("name").and_then(Value::as_str)?.trim().to_lowercase();
                    let id = c.get("id").and_then(Value::as_str).map(str::to_string);
                    Some((name, id))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One lookup dict: `{gene: key}` with keys a string or a diplotype-count
/// dict (`{"*1": 1.0, "*3": 1.0}` → `*1/*3`).
fn lookup_of(v: &Value, file: &Path, rec: &str) -> Result<BTreeMap<String, LookupKey>> {
    let obj = v
        .as_object()
        .ok_or_else(|| err(file, format!("{rec}: lookupKey is not an object")))?;
    let mut out = BTreeMap::new();
    for (gene, key) in obj {
        let key = match key {
            Value::String(s) => {
                // One canonical key format, shared with the phenotype layer.
                LookupKey::Key(dosera::phenotype::normalize_lookup_key(gene, s))
            }
            Value::Object(counts) => {
                let mut alleles = Vec::new();
                for (allele, n) in counts {
                    let n = n.as_f64().ok_or_else(|| {
                        err(
                            file,
                            format!("{rec}: allele count for {allele} is not a number"),
                        )
                    })?;
                    let copies = if (n - 2.0).abs() < 1e-9 {
                        2
                    } else if (n - 1.0).abs() < 1e-9 {
                        1
                    } else {
                        return Err(err(
                            file,
                            format!("{rec}: allele count {n} for {allele} in {gene}"),
                        ));
                    };
                    for _ in 0..copies {
                        alleles.push(allele.clone());
                    }
                }
                if alleles.len() != 2 {
                    return Err(err(
                        file,
                        format!("{rec}: {gene} diplotype has {} alleles", alleles.len()),
                    ));
                }
                LookupKey::Diplotype {
                    diplotype: alleles.join("/"),
                }
            }
            other => {
                return Err(err(
                    file,
                    format!("{rec}: lookup key for {gene} is {other}"),
                ))
            }
        };
        out.insert(gene.clone(), key);
    }
    if out.is_empty() {
        return Err(err(file, format!("{rec}: empty lookupKey")));
    }
    Ok(out)
}

fn flags_of(r: &Value) -> Vec<String> {
    [
        ("dosingInformation", "dosing_information"),
        ("alternateDrugAvailable", "alternate_drug_available"),
        ("otherPrescribingGuidance", "other_prescribing_guidance"),
    ]
    .iter()
    .filter(|(k, _)| r.get(*k).and_then(Value::as_bool).unwrap_or(false))
    .map(|(_, f)| f.to_string())
    .collect()
}

/// First `YYYY-MM-DD` in a text.
fn find_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = b.get(i..i + 10)?;
        let ok = s.iter().enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        (ok && before_ok && s.starts_with(b"20")).then(|| text[i..i + 10].to_string())
    })
}

fn parse_annotation(path: &Path, set: Set) -> Result<RawGuideline> {
    let v = read_json(path)?;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let g = v
        .get("guideline")
        .ok_or_else(|| err(path, "no `guideline` object"))?;
    let id = g
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| err(path, "guideline has no id"))?
        .to_string();
    let version = g.get("version").and_then(str_of).unwrap_or_default();
    let url = g
        .get("url")
        .and_then(Value::as_str)
        .or_else(|| v.get("url").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    let (date, release) = match set {
        Set::Cpic2024 | Set::Dpwg2024 => (
            "2024-03-25".to_string(),
            "pharmgkb-guideline-annotations 2024-03-25".to_string(),
        ),
        Set::Supplement => {
            let prov = v.get("_provenance");
            let text = match prov {
                Some(Value::String(s)) => s.clone(),
                Some(p) => p
                    .pointer("/primary_source/note")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| p.to_string()),
                None => String::new(),
            };
            let date = find_date(&text).unwrap_or_else(|| "2026".into());
            (date.clone(), format!("clinpgx-supplements-2026 {date}"))
        }
        Set::Api2022 => ("2022-09-15".into(), "cpic-api v1.20.0 2022-09-15".into()),
    };
    let pmids = v
        .get("citations")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("pmid").and_then(str_of))
                .collect()
        })
        .unwrap_or_default();
    let drugs = g.get("relatedChemicals").map(chemicals).unwrap_or_default();
    let mut genes: Vec<String> = g
        .get("relatedGenes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.get("symbol").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let recs_v = v
        .get("recommendations")
        .and_then(Value::as_array)
        .ok_or_else(|| err(path, "no `recommendations` list"))?;
    let mut recs = Vec::new();
    for (n, r) in recs_v.iter().enumerate() {
        let rid = r
            .get("id")
            .and_then(str_of)
            .ok_or_else(|| err(path, format!("recommendation {n} has no id")))?;
        let mut rdrugs = r.get("relatedChemicals").map(chemicals).unwrap_or_default();
        if let Some(d) = r.get("drug").and_then(Value::as_str) {
            let d = d.trim().to_lowercase();
            let pa = drugs
                .iter()
                .find(|(x, _)| *x == d)
                .and_then(|(_, id)| id.clone());
            if !rdrugs.iter().any(|(x, _)| *x == d) {
                rdrugs.push((d, pa));
            }
        }
        let strength = match r.get("classification") {
            Some(Value::Object(o)) => o.get("term").and_then(Value::as_str).map(str::to_string),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let html = match r.get("text") {
            Some(Value::Object(o)) => o.get("html").and_then(Value::as_str).unwrap_or_default(),
            Some(Value::String(s)) => s.as_str(),
            _ => "",
        };
        let main_html = html.split("<h4").next().unwrap_or(html);
        let implications = r
            .get("implications")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(facts::strip_html)
                    .collect()
            })
            .unwrap_or_default();
        let lookups = match r.get("lookupKey") {
            Some(Value::Array(list)) => list
                .iter()
                .map(|l| lookup_of(l, path, &rid))
                .collect::<Result<Vec<_>>>()?,
            Some(l @ Value::Object(_)) => vec![lookup_of(l, path, &rid)?],
            _ => return Err(err(path, format!("{rid}: no lookupKey"))),
        };
        if lookups.is_empty() {
            return Err(err(path, format!("{rid}: empty lookupKey list")));
        }
        for l in &lookups {
            for gene in l.keys() {
                if !genes.contains(gene) {
                    genes.push(gene.clone());
                }
            }
        }
        recs.push(RawRec {
            id: rid,
            drugs: rdrugs,
            population: r
                .get("population")
                .and_then(Value::as_str)
                .map(str::to_string),
            strength,
            text: facts::strip_html(html),
            main_text: facts::strip_html(main_html),
            implications,
            lookups,
            flags: flags_of(r),
        });
    }
    genes.sort();
    genes.dedup();
    Ok(RawGuideline {
        id,
        file,
        version,
        date,
        release,
        url,
        pmids,
        drugs,
        genes,
        recs,
        set,
    })
}

/// One drug row of the CPIC API file.
#[derive(Debug, Clone)]
struct ApiRow {
    drug: String,
    rxnorm: Option<String>,
    guideline_name: String,
    guideline_ids: Vec<String>,
    url: String,
    version: String,
    genes: Vec<String>,
    pmids: Vec<String>,
    recs: Vec<RawRec>,
}

fn parse_api(path: &Path) -> Result<Vec<ApiRow>> {
    let v = read_json(path)?;
    let rows = v
        .as_array()
        .ok_or_else(|| err(path, "expected a list of drug rows"))?;
    let mut out = Vec::new();
    for row in rows {
        let drug = row
            .get("drugname")
            .and_then(Value::as_str)
            .ok_or_else(|| err(path, "row without drugname"))?
            .trim()
            .to_lowercase();
        let rxnorm = row
            .get("drugid")
            .and_then(Value::as_str)
            .and_then(|s| s.strip_prefix("RxNorm:"))
            .map(str::to_string);
        let list = |k: &str| -> Vec<String> {
            row.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(str_of).collect())
                .unwrap_or_default()
        };
        let pmids = row
            .get("citations")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.get("pmid").and_then(str_of))
                    .collect()
            })
            .unwrap_or_default();
        let mut recs = Vec::new();
        for (n, r) in row
            .get("recommendations")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let id = format!("cpic-api-2022:{drug}:{}", n + 1);
            let lk = r
                .get("lookupkey")
                .ok_or_else(|| err(path, format!("{id}: no lookupkey")))?;
            let lookup = lookup_of(lk, path, &id)?;
            let text = r
                .get("drugrecommendation")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let implications = r
                .get("implications")
                .and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .filter_map(|(g, t)| t.as_str().map(|t| format!("{g}: {t}")))
                        .collect()
                })
                .unwrap_or_default();
            let comments = r
                .get("comments")
                .and_then(Value::as_str)
                .filter(|c| !c.trim().is_empty() && c.trim() != "n/a");
            let full = match comments {
                Some(c) => format!("{text} Comments: {c}"),
                None => text.clone(),
            };
            recs.push(RawRec {
                id,
                drugs: vec![(drug.clone(), None)],
                population: r
                    .get("population")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                strength: r
                    .get("classification")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                text: full,
                main_text: text,
                implications,
                lookups: vec![lookup],
                flags: Vec::new(),
            });
        }
        out.push(ApiRow {
            drug,
            rxnorm,
            guideline_name: row
                .get("guidelinename")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            guideline_ids: list("guidelinepharmgkbids"),
            url: row
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            version: row
                .get("cpicVersion")
                .and_then(Value::as_str)
                .unwrap_or("v1.20.0")
                .to_string(),
            genes: list("genes"),
            pmids,
            recs,
        });
    }
    Ok(out)
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn set_label(set: Set) -> &'static str {
    match set {
        Set::Cpic2024 => "cpic-2024-03-25",
        Set::Supplement => "supplements-2026",
        Set::Api2022 => "cpic-api-2022-09-15",
        Set::Dpwg2024 => "dpwg-2024-03-25",
    }
}

/// Turn raw guidelines of one source into pack guidelines; check and
/// report.
fn build_source(
    source: Source,
    raw: Vec<RawGuideline>,
    known_drugs: &BTreeSet<String>,
    verbatim: bool,
    report: &mut Vec<String>,
) -> Result<Vec<Guideline>> {
    let label = source.label();
    let mut out = Vec::new();
    let mut per_set: BTreeMap<&'static str, BTreeMap<Action, usize>> = BTreeMap::new();
    let mut others: Vec<String> = Vec::new();
    let mut other_kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut na_strength = 0usize;
    let mut upstream_recs = 0usize;
    let mut unreviewed: Vec<String> = Vec::new();
    let reviewed = curation::reviewed().map_err(|reason| Error::Import {
        file: "guidelines/curation/facts.json".into(),
        reason,
    })?;
    for g in raw {
        let mut drugs: Vec<String> = g.drugs.iter().map(|(d, _)| d.clone()).collect();
        let mut recs = Vec::new();
        for r in &g.recs {
            upstream_recs += 1;
            let rdrugs: Vec<String> = if r.drugs.is_empty() {
                drugs.clone()
            } else {
                r.drugs.iter().map(|(d, _)| d.clone()).collect()
            };
            if rdrugs.is_empty() {
                return Err(Error::Import {
                    file: g.file.clone(),
                    reason: format!("{}: no drug", r.id),
                });
            }
            let strength = match r.strength.as_deref() {
                Some("N/A") | Some("n/a") => {
                    na_strength += 1;
                    None
                }
                Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            };
            let expanded = rdrugs.len() * r.lookups.len();
            let mut n = 0usize;
            for drug in &rdrugs {
                if !drugs.contains(drug) {
                    drugs.push(drug.clone());
                }
                let f = facts::classify(&r.main_text, drug, known_drugs);
                for lookup in &r.lookups {
                    n += 1;
                    let id = if expanded > 1 {
                        format!("{}#{n}", r.id)
                    } else {
                        r.id.clone()
                    };
                    let effect = facts::effect(&r.implications, lookup);
                    *per_set
                        .entry(set_label(g.set))
                        .or_default()
                        .entry(f.action)
                        .or_default() += 1;
                    if f.action == Action::Other {
                        let kind = match f.detail {
                            Detail::CopyNumber => "copy-number (xN) input notice",
                            Detail::Test => "phenotype by enzyme/activity test",
                            Detail::Clinical => "clinical findings and further testing",
                            _ => "unclassified",
                        };
                        *other_kinds.entry(kind).or_default() += 1;
                        if kind == "unclassified" {
                            others.push(format!("{id} ({drug})"));
                        }
                    }
                    let sha = curation::text_sha256(
                        source,
                        drug,
                        r.population.as_deref(),
                        &r.text,
                        &r.implications,
                    );
                    let advice = match reviewed.get(&sha) {
                        Some(rv) => rv.advice.clone(),
                        None => {
                            unreviewed.push(format!("{id} ({drug})"));
                            curation::unreviewed(&f, &effect)
                        }
                    };
                    recs.push(Recommendation {
                        id,
                        drug: drug.clone(),
                        population: r.population.clone(),
                        strength: strength.clone(),
                        lookup: lookup.clone().into(),
                        action: advice.action,
                        dose: advice.dose.as_ref().and_then(share),
                        alternatives: advice.alternatives.clone(),
                        flags: r.flags.clone(),
                        summary: words::summary(drug, &advice, Lang::En),
                        implication: words::implication(lookup, &advice, Lang::En),
                        facts: advice,
                        verbatim: verbatim.then(|| VerbatimText {
                            recommendation: r.text.clone(),
                            implications: r.implications.clone(),
                        }),
                    });
                }
            }
        }
        drugs.sort();
        drugs.dedup();
        let mut genes = g.genes.clone();
        genes.sort();
        genes.dedup();
        let note = if recs.is_empty() {
            Some(
                if drugs.iter().any(|d| d == "warfarin") && source == Source::Cpic {
                    format!(
                    "CPIC doses warfarin with a dosing algorithm that combines genotype and clinical factors, not with a lookup table; see {}",
                    g.url
                )
                } else {
                    format!(
                        "This data set holds no lookup table for this guideline; see {}",
                        g.url
                    )
                },
            )
        } else {
            None
        };
        if recs.is_empty() {
            report.push(format!(
                "{label} {} ({}): no lookup rows; kept with a note",
                g.id,
                drugs.join(", ")
            ));
        }
        out.push(Guideline {
            id: g.id.clone(),
            name: format!("{label}: {} and {}", drugs.join(", "), genes.join(", ")),
            source,
            version: g.version.clone(),
            date: g.date.clone(),
            release: g.release.clone(),
            url: g.url.clone(),
            pmids: g.pmids.clone(),
            drugs,
            genes,
            note,
            recommendations: recs,
        });
    }

    dedupe(source, &mut out, report)?;

    for g in &mut out {
        g.recommendations.sort_by(|a, b| {
            (&a.drug, &a.lookup, &a.population, &a.id).cmp(&(
                &b.drug,
                &b.lookup,
                &b.population,
                &b.id,
            ))
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = out.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(Error::Import {
            file: label.to_string(),
            reason: format!("guideline id {} appears twice", w[0].id),
        });
    }

    let total: usize = out.iter().map(|g| g.recommendations.len()).sum();
    report.push(format!(
        "{label}: {} guidelines, {upstream_recs} upstream recommendations, {total} pack recommendations",
        out.len()
    ));
    for (set, dist) in &per_set {
        let n: usize = dist.values().sum();
        let parts: Vec<String> = dist
            .iter()
            .map(|(a, c)| format!("{} {c}", a.label()))
            .collect();
        report.push(format!(
            "{label} actions from {set} ({n}): {}",
            parts.join(", ")
        ));
    }
    if !other_kinds.is_empty() {
        let parts: Vec<String> = other_kinds
            .iter()
            .map(|(k, c)| format!("{k} {c}"))
            .collect();
        report.push(format!("{label} `other` actions: {}", parts.join(", ")));
    }
    if !others.is_empty() {
        report.push(format!(
            "{label} unclassified recommendations: {}",
            others.join(", ")
        ));
    }
    if !unreviewed.is_empty() {
        report.push(format!(
            "{label}: {} recommendations have no reviewed facts (upstream text changed or new); the keyword classifier was used: {}",
            unreviewed.len(),
            unreviewed.join(", ")
        ));
    }
    if na_strength > 0 {
        report.push(format!(
            "{label}: {na_strength} recommendations classified `N/A` upstream stored without strength"
        ));
    }
    Ok(out)
}

/// The primary dose as a share, for the `dose` field kept beside the facts.
fn share(d: &Dose) -> Option<DoseAdjustment> {
    let [min, max] = d.percent?;
    let of = match d.of {
        DoseBase::Starting => "starting dose",
        DoseBase::Usual => "standard dose",
        DoseBase::Maintenance => "maintenance dose",
        DoseBase::Daily => "daily dose",
        DoseBase::Loading => "loading dose",
        DoseBase::Current => "current dose",
        DoseBase::Initial => "initial dose",
        DoseBase::Total => "total dose",
    };
    Some(DoseAdjustment {
        percent_min: min,
        percent_max: max,
        of: of.into(),
    })
}

/// Key of the one-recommendation-per-result rule. A missing population
/// counts as `general`, so that the two cannot hide a duplicate.
type DupKey = (String, SortedMap<String, LookupKey>, String);

fn same_facts(a: &Recommendation, b: &Recommendation) -> bool {
    a.action == b.action
        && a.dose == b.dose
        && a.alternatives == b.alternatives
        && a.strength == b.strength
        && a.flags == b.flags
        && a.summary == b.summary
        && a.implication == b.implication
}

fn dedupe(source: Source, guidelines: &mut [Guideline], report: &mut Vec<String>) -> Result<()> {
    let mut seen: BTreeMap<DupKey, Vec<(usize, String)>> = BTreeMap::new();
    for (gi, g) in guidelines.iter().enumerate() {
        for r in &g.recommendations {
            let key = (
                r.drug.clone(),
                r.lookup.clone(),
                r.population.clone().unwrap_or_else(|| "general".into()),
            );
            seen.entry(key).or_default().push((gi, r.id.clone()));
        }
    }
    let mut drop: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut dups = 0usize;
    for ((drug, lookup, pop), list) in &seen {
        if list.len() < 2 {
            continue;
        }
        dups += 1;
        let find = |(gi, id): &(usize, String)| {
            guidelines
                .get(*gi)
                .and_then(|g| g.recommendations.iter().find(|r| &r.id == id))
        };
        let mut sorted = list.clone();
        sorted.sort_by(|a, b| a.1.cmp(&b.1));
        let keep = sorted[0].clone();
        let Some(kept) = find(&keep) else { continue };
        for other in &sorted[1..] {
            let Some(o) = find(other) else { continue };
            if !same_facts(kept, o) {
                return Err(Error::Import {
                    file: source.as_str().to_string(),
                    reason: format!(
                        "recommendations {} and {} both apply to {drug} × {} × {pop} with different facts",
                        kept.id,
                        o.id,
                        words::describe_lookup(lookup, Lang::En)
                    ),
                });
            }
            drop.insert(other.clone());
        }
        report.push(format!(
            "{}: duplicate {drug} × {} × {pop}: kept {}, dropped {}",
            source.label(),
            words::describe_lookup(lookup, Lang::En),
            keep.1,
            sorted[1..]
                .iter()
                .map(|x| x.1.clone())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (gi, g) in guidelines.iter_mut().enumerate() {
        g.recommendations
            .retain(|r| !drop.contains(&(gi, r.id.clone())));
    }
    report.push(format!(
        "{}: {dups} drug × lookup × population duplicates found",
        source.label()
    ));
    Ok(())
}

fn drugs_of(
    guidelines: &[Guideline],
    pharmgkb: &BTreeMap<String, String>,
    rxnorm: &BTreeMap<String, String>,
) -> Vec<Drug> {
    let mut map: BTreeMap<String, Drug> = BTreeMap::new();
    for g in guidelines {
        for d in &g.drugs {
            let e = map.entry(d.clone()).or_insert_with(|| {
                let mut ids = BTreeMap::new();
                if let Some(id) = pharmgkb.get(d) {
                    ids.insert("pharmgkb".to_string(), id.clone());
                }
                if let Some(id) = rxnorm.get(d) {
                    ids.insert("rxnorm".to_string(), id.clone());
                }
                Drug {
                    name: d.clone(),
                    ids,
                    guidelines: Vec::new(),
                    genes: Vec::new(),
                    atc: Vec::new(),
                    brands: Vec::new(),
                    cpic_levels: Vec::new(),
                }
            });
            e.guidelines.push(g.id.clone());
            e.genes.extend(g.genes.iter().cloned());
        }
    }
    map.into_values()
        .map(|mut d| {
            d.guidelines.sort();
            d.guidelines.dedup();
            d.genes.sort();
            d.genes.dedup();
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_keys() {
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "0"),
            "0.0"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "1"),
            "1.0"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "≥4"),
            "≥4.0"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "≥3.25"),
            "≥3.25"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "1.50"),
            "1.5"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "0.25"),
            "0.25"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "n/a"),
            "n/a"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "No Result"),
            "No Result"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "1.0 (Phenotyping)"),
            "1.0 (Phenotyping)"
        );
        assert_eq!(
            dosera::phenotype::normalize_lookup_key("CYP2D6", "xN combinations"),
            "xN combinations"
        );
    }

    #[test]
    fn diplotype_dicts_keep_upstream_order() {
        let v: Value =
            serde_json::from_str(r#"{"CYP2C9": {"*1": 1.0, "*3": 1.0}, "UGT1A1": {"*28": 2.0}}"#)
                .unwrap_or(Value::Null);
        let l = lookup_of(&v, Path::new("x"), "r").ok();
        let l = l.unwrap_or_default();
        assert_eq!(l.get("CYP2C9").map(LookupKey::as_str), Some("*1/*3"));
        assert_eq!(l.get("UGT1A1").map(LookupKey::as_str), Some("*28/*28"));
        let odd: Value = serde_json::from_str(r#"{"X": {"*1": 3.0}}"#).unwrap_or(Value::Null);
        assert!(lookup_of(&odd, Path::new("x"), "r").is_err());
    }

    #[test]
    fn dates_and_slugs() {
        assert_eq!(
            find_date("family 2026-05-05), chars"),
            Some("2026-05-05".into())
        );
        assert_eq!(find_date("none"), None);
        assert_eq!(slug("HLA-B and Abacavir"), "hla-b-and-abacavir");
    }

    #[test]
    fn missing_folder_is_an_error() {
        assert!(import_guidelines(Path::new("/nonexistent/reference"), false).is_err());
    }
}
