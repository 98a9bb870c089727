//! The drug vocabulary: ATC codes, RxNorm ids and CPIC levels from the
//! CPIC gene–drug pair table distributed with pypgx
//! (`pypgx-0.27.0/cpic-table.csv`, MIT licence), and brand names from the
//! project's own curation (`guidelines/curation/brands.tsv`).
//!
//! Every drug of the packs gets the ATC codes, RxNorm id (where the
//! guideline data had none) and brand names known for it. A drug the table
//! lists that no guideline of either pack covers joins the CPIC pack's drug
//! list with no guidelines and the genes and levels CPIC gives it, so that
//! its name is answered ("no guideline covers it") rather than unknown.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use dosera::pack::{Brand, CpicLevel, Drug, UpstreamRelease};
use dosera::{Error, Result};

const BRANDS: &str = include_str!("../../guidelines/curation/brands.tsv");

/// Where the pair table lies below the reference folder.
const TABLE: &str = "pypgx-0.27.0/cpic-table.csv";

/// What the table says of one drug.
#[derive(Debug, Default)]
struct Entry {
    atc: BTreeSet<String>,
    rxnorm: Option<String>,
    levels: Vec<CpicLevel>,
}

/// Adds ATC codes, RxNorm ids and brand names to the drug lists, and the
/// drugs no guideline covers to the CPIC list. Returns the upstream data
/// set used.
pub(crate) fn add_vocabulary(
    reference: &Path,
    cpic: &mut Vec<Drug>,
    dpwg: &mut Vec<Drug>,
    report: &mut Vec<String>,
) -> Result<UpstreamRelease> {
    let path = reference.join(TABLE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Import {
        file: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let table = read_table(&text, &path, report)?;
    let covered: BTreeSet<String> = cpic
        .iter()
        .chain(dpwg.iter())
        .map(|d| d.name.clone())
        .collect();
    for drugs in [&mut *cpic, &mut *dpwg] {
        for d in drugs.iter_mut() {
            if let Some(e) = table.get(&d.name) {
                d.atc = e.atc.iter().cloned().collect();
                if let Some(id) = &e.rxnorm {
                    match d.ids.get("rxnorm") {
                        None => {
                            d.ids.insert("rxnorm".into(), id.clone());
                        }
                        Some(have) if have != id => report.push(format!(
                            "vocabulary: {}: RxNorm {have} from the guideline data kept; the pair table gives {id}",
                            d.name
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    let mut added = Vec::new();
    for (name, e) in &table {
        if covered.contains(name) || e.levels.is_empty() {
            continue;
        }
        let mut ids = BTreeMap::new();
        if let Some(id) = &e.rxnorm {
            ids.insert("rxnorm".to_string(), id.clone());
        }
        cpic.push(Drug {
            name: name.clone(),
            ids,
            guidelines: Vec::new(),
            genes: Vec::new(),
            atc: e.atc.iter().cloned().collect(),
            brands: Vec::new(),
            cpic_levels: e.levels.clone(),
        });
        added.push(name.as_str());
    }
    cpic.sort_by(|a, b| a.name.cmp(&b.name));
    report.push(format!(
        "vocabulary: {} drugs the CPIC pair table lists with no guideline in either pack added as known drugs without a guideline",
        added.len()
    ));
    add_brands(cpic, dpwg, report)?;
    Ok(UpstreamRelease {
        name: "pypgx-cpic-table".into(),
        version: "0.27.0".into(),
        used_for: "ATC codes and RxNorm ids of drugs; the genes and CPIC levels of drugs no guideline covers".into(),
    })
}

/// Reads the pair table, skipping (and reporting) rows and values that
/// cannot be used.
fn read_table(
    text: &str,
    path: &Path,
    report: &mut Vec<String>,
) -> Result<BTreeMap<String, Entry>> {
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap_or_default());
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Import {
                file: path.display().to_string(),
                reason: format!("no column `{name}`"),
            })
    };
    let (gene, drug, rxnorm, atc, level, status) = (
        col("Gene")?,
        col("Drug")?,
        col("RxNorm")?,
        col("ATC")?,
        col("CPICLevel")?,
        col("CPICLevelStatus")?,
    );
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    let mut skipped_rows = Vec::new();
    let mut group_codes = BTreeSet::new();
    let mut odd_values = BTreeSet::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f = split_csv(line);
        let name = f
            .get(drug)
            .map(|s| s.trim().to_lowercase())
            .unwrap_or_default();
        if f.len() != header.len() || name.is_empty() {
            skipped_rows.push(i + 2);
            continue;
        }
        let e = out.entry(name.clone()).or_default();
        for code in f[atc].split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if is_atc_substance(code) {
                e.atc.insert(code.to_string());
            } else if code == "NA" {
            } else if is_atc_group(code) {
                group_codes.insert(format!("{name} {code}"));
            } else {
                odd_values.insert(format!("{name} ATC {code:?}"));
            }
        }
        let id = f[rxnorm].trim();
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            e.rxnorm.get_or_insert_with(|| id.to_string());
        } else if !id.is_empty() && id != "NA" {
            odd_values.insert(format!("{name} RxNorm {id:?}"));
        }
        let (g, l) = (f[gene].trim(), f[level].trim());
        if !g.is_empty() && !l.is_empty() {
            let lv = CpicLevel {
                gene: g.to_string(),
                level: l.to_string(),
                status: f[status].trim().to_string(),
            };
            if !e.levels.contains(&lv) {
                e.levels.push(lv);
            }
        }
    }
    for e in out.values_mut() {
        e.levels.sort_by(|a, b| a.gene.cmp(&b.gene));
    }
    if !skipped_rows.is_empty() {
        report.push(format!(
            "vocabulary: {TABLE}: rows {:?} skipped (wrong number of fields or no drug)",
            skipped_rows
        ));
    }
    if !group_codes.is_empty() {
        report.push(format!(
            "vocabulary: {TABLE}: {} ATC group codes skipped (they name a group, not the drug): {}",
            group_codes.len(),
            group_codes.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !odd_values.is_empty() {
        report.push(format!(
            "vocabulary: {TABLE}: values skipped: {}",
            odd_values.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(out)
}

/// A full ATC code of one substance: `B01AC04`.
fn is_atc_substance(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 7
        && b[0].is_ascii_uppercase()
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3..5].iter().all(u8::is_ascii_uppercase)
        && b[5..7].iter().all(u8::is_ascii_digit)
}

/// A shorter ATC code of a group (`M03AC`, `G03A`, `L01XE`).
fn is_atc_group(code: &str) -> bool {
    let b = code.as_bytes();
    (3..=5).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3..].iter().all(u8::is_ascii_uppercase)
}

/// One CSV line: fields split at commas outside double quotes, quotes
/// removed (`""` inside quotes is one quote).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Puts the curated brand names on their drugs.
fn add_brands(cpic: &mut [Drug], dpwg: &mut [Drug], report: &mut Vec<String>) -> Result<()> {
    let file = "guidelines/curation/brands.tsv";
    let bad = |line: usize, reason: String| Error::Import {
        file: file.into(),
        reason: format!("line {line}: {reason}"),
    };
    let generics: BTreeSet<String> = cpic
        .iter()
        .chain(dpwg.iter())
        .map(|d| d.name.clone())
        .collect();
    let mut by_drug: BTreeMap<String, Vec<Brand>> = BTreeMap::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut header = false;
    for (i, line) in BRANDS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !header {
            if f != ["generic", "brand", "region"] {
                return Err(bad(
                    i + 1,
                    "expected the header `generic brand region`".into(),
                ));
            }
            header = true;
            continue;
        }
        let [generic, brand, region] = f[..] else {
            return Err(bad(i + 1, format!("expected 3 fields, found {}", f.len())));
        };
        if !generics.contains(generic) {
            return Err(bad(i + 1, format!("no pack lists the drug `{generic}`")));
        }
        let key = brand.to_lowercase();
        if generics.contains(&key) {
            return Err(bad(
                i + 1,
                format!("brand `{brand}` is also a generic name"),
            ));
        }
        if let Some(other) = seen.insert(key, generic.to_string()) {
            return Err(bad(
                i + 1,
                format!("brand `{brand}` already given for {other}"),
            ));
        }
        by_drug.entry(generic.to_string()).or_default().push(Brand {
            name: brand.to_string(),
            region: region.to_string(),
        });
    }
    for d in cpic.iter_mut().chain(dpwg.iter_mut()) {
        if let Some(b) = by_drug.get(&d.name) {
            d.brands = b.clone();
        }
    }
    report.push(format!(
        "vocabulary: {} brand names of {} drugs from {file}",
        seen.len(),
        by_drug.len()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields() {
        assert_eq!(split_csv(r#"a,"b, c",d"#), ["a", "b, c", "d"]);
        assert_eq!(split_csv(r#""x ""y""",,"#), ["x \"y\"", "", ""]);
    }

    #[test]
    fn atc_forms() {
        assert!(is_atc_substance("B01AC04"));
        assert!(!is_atc_substance("B01AC"));
        assert!(is_atc_group("M03AC") && is_atc_group("G03A"));
        assert!(!is_atc_group("NA"));
    }

    #[test]
    fn table_rows() {
        let text = "Gene,Drug,RxNorm,ATC,Guideline,CPICLevel,CPICLevelStatus,PharmGKBLevel,FDALabel,PMID\n\
                    G1,druga,123,\"A01AA01, A01AA02\",,C,Final,,,\n\
                    G2,druga,NA,M03AC,,D,Provisional,,,\n\
                    broken,row\n";
        let mut report = Vec::new();
        let t = read_table(text, Path::new("t.csv"), &mut report).unwrap();
        let e = &t["druga"];
        assert_eq!(e.atc.len(), 2);
        assert_eq!(e.rxnorm.as_deref(), Some("123"));
        assert_eq!(e.levels.len(), 2);
        assert!(
            report.iter().any(|r| r.contains("rows [4] skipped")),
            "{report:?}"
        );
        assert!(
            report.iter().any(|r| r.contains("druga M03AC")),
            "{report:?}"
        );
    }
}
