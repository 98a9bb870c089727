//! Gene import: allele definitions, allele function and phenotype rules for
//! the CPIC and DPWG packs, read from the upstream reference folder
//! (`../shared/reference`, see its README).
//!
//! Newest wins: the 2026 supplements replace or extend the older files
//! (TPMT, NUDT15, RYR1 functions, CYP2D6 tandems, the G6PD rename). Every
//! published diplotype row is checked against the rules derived from it; two
//! rows that disagree stop the import. With the thiopurine group left out
//! (`supplements::THIOPURINES_2026`), TPMT and NUDT15 come from the PharmCAT
//! 3.1.1 files like the other genes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::notes::attach_call_notes;
use super::supplements::{Supplements, THIOPURINES_2026};
use dosera::pack::{
    ActivityBin, AlleleDefinition, AlleleFunction, DefinitionPosition, DiplotypeRule, Exemptions,
    FunctionPairRule, Gene, NamedAllele, PhenotypeMethod, Phenotyping, SingleAlleleRule,
    UpstreamRelease,
};
use dosera::phenotype::{format_activity_score, natural_cmp, INDETERMINATE, NOT_APPLICABLE};
use dosera::{Error, Result};

/// Genes phenotyped by summed activity values.
const ACTIVITY_GENES: [&str; 3] = ["CYP2C9", "CYP2D6", "DPYD"];

/// Alleles removed upstream that stay accepted under their new name
/// (gene, old name, current name). Checked against the supplement that
/// removes them, and applied only with it: the older data still lists the
/// old name as an allele of its own.
const REMOVED_ALLELE_ALIASES: [(&str, &str, &str); 1] = [("NUDT15", "*2", "*3")];

const DEFINITIONS_DIR: &str = "definitions/alleles";
const EXEMPTIONS: &str = "definitions/alleles/exemptions.json";
const PHARMCAT_DIR: &str = "phenotypes/pharmcat-3.1.1";
const CYP2D6_FILE: &str = "phenotypes/cpic-latest-cyp2d6-g6pd-ryr1/CYP2D6.2024-08-27.json";
const G6PD_FILE: &str = "phenotypes/cpic-latest-cyp2d6-g6pd-ryr1/G6PD.2023-08-08.json";
const RYR1_FILE: &str = "phenotypes/cpic-latest-cyp2d6-g6pd-ryr1/RYR1.2023-12-19.json";
const DPWG_DIR: &str = "phenotypes/split-cpic-dpwg-2025-10-03/dpwg";
const CYP2D6_SUPPLEMENT: &str = "supplements-2026/CYP2D6_activity_supplement.2026.tsv";
const G6PD_RENAME: &str = "supplements-2026/G6PD_allele_rename.2026.tsv";
const RYR1_SUPPLEMENT: &str = "supplements-2026/RYR1_allele_function.2026.tsv";
const CPIC_RECS_DIR: &str = "recommendations/cpic-2024-03-25";
const DPWG_RECS_DIR: &str = "recommendations/dpwg-2024-03-25";
const SUPPLEMENTS_DIR: &str = "supplements-2026";

/// Genes whose CPIC phenotype data comes from the 2026 thiopurine supplement.
const THIOPURINE_2026: [&str; 2] = ["NUDT15", "TPMT"];

/// IFNL3 rs12979860 genotypes and the response phenotypes the CPIC
/// guideline for peginterferon-alpha-based regimens gives them (CC
/// favorable; CT and TT unfavorable; Muir et al. 2014, PMID 24096968).
/// The PharmCAT phenotype file holds the two allele functions but no
/// diplotype rows, so without these the genotypes would read as
/// Indeterminate.
const IFNL3_GENOTYPES: [(&str, &str, &str); 3] = [
    (
        "Favorable response allele",
        "Favorable response allele",
        "Favorable response genotype",
    ),
    (
        "Favorable response allele",
        "Unfavorable response allele",
        "Unfavorable response genotype",
    ),
    (
        "Unfavorable response allele",
        "Unfavorable response allele",
        "Unfavorable response genotype",
    ),
];

/// The genes of both packs and the upstream data sets they came from.
///
/// Built by [`import_genes`]; genes are sorted by symbol and every list in
/// them is in a fixed order, so two imports of the same files are equal.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneImport {
    /// Genes of the CPIC pack (definitions, functions, phenotype rules).
    pub cpic: Vec<Gene>,
    /// Genes of the DPWG pack (DPWG diplotype tables).
    pub dpwg: Vec<Gene>,
    /// Upstream data sets used, for the packs' metadata.
    pub upstream: Vec<UpstreamRelease>,
    /// Notes for the operator (call notes kept, dropped or corrected).
    pub report: Vec<String>,
}

/// Build the CPIC and DPWG genes from the upstream reference folder
/// (`../shared/reference`).
///
/// Fails with [`Error::Import`] when a file is missing or unreadable, or when
/// the published diplotype rows contradict each other.
///
/// ```no_run
/// let import = dosera_import::import_genes("../shared/reference".as_ref()).unwrap();
/// let cyp2d6 = import.cpic.iter().find(|g| g.symbol == "CYP2D6").unwrap();
/// let alleles = dosera::phenotype::parse_diplotype(cyp2d6, "*1/*4").unwrap();
/// let p = dosera::phenotype::from_alleles(cyp2d6, &alleles).unwrap().unwrap();
/// assert_eq!(p.lookup_key, "1.0");
/// ```
pub fn import_genes(reference: &Path) -> Result<GeneImport> {
    import_genes_with(reference, Supplements::ALL)
}

/// [`import_genes`] with only the supplement groups `supplements` keeps.
pub(crate) fn import_genes_with(reference: &Path, supplements: Supplements) -> Result<GeneImport> {
    let ctx = Ctx { root: reference };
    let mut report = Vec::new();
    let mut upstream = Vec::new();

    let (definitions, def_version) = read_definitions(&ctx)?;
    upstream.push(UpstreamRelease {
        name: "pharmcat-allele-definitions".into(),
        version: def_version,
        used_for: "CPIC pack: GRCh38 allele definitions and matcher exemptions".into(),
    });

    let mut cpic: BTreeMap<String, Gene> = BTreeMap::new();

    // PharmCAT 3.1.1 phenotype files: every gene except those a newer file
    // covers (TPMT and NUDT15 too when the thiopurine update is left out).
    let mut pharmcat_versions = BTreeSet::new();
    let mut pharmcat_genes = Vec::new();
    let mut pre_2026_thiopurine = Vec::new();
    for file in ctx.list(PHARMCAT_DIR, ".json")? {
        let pf = read_phenotype_file(&ctx, &file)?;
        if THIOPURINE_2026.contains(&pf.gene.as_str()) {
            if supplements.thiopurines_2026 {
                continue;
            }
            pre_2026_thiopurine.push(pf.gene.clone());
        }
        pharmcat_versions.insert(pf.version.clone());
        pharmcat_genes.push(pf.gene.clone());
        let phenotyping = cpic_phenotyping(&file, &pf)?;
        cpic.insert(pf.gene.clone(), new_gene(&pf.gene, phenotyping));
    }
    let mut used_for = format!(
        "CPIC pack: allele function and phenotype rules of {}",
        pharmcat_genes.join(", ")
    );
    if !supplements.thiopurines_2026 {
        pre_2026_thiopurine.sort();
        if pre_2026_thiopurine.len() != THIOPURINE_2026.len() {
            return Err(import_err(
                PHARMCAT_DIR,
                format!(
                    "{THIOPURINES_2026} left out, but only {:?} of {:?} have a file here",
                    pre_2026_thiopurine, THIOPURINE_2026
                ),
            ));
        }
        used_for.push_str(&format!(
            " ({} from this set: the 2026 thiopurine update was left out)",
            pre_2026_thiopurine.join(" and ")
        ));
        // The aliases of alleles the 2026 update removed do not apply: the
        // older file still has those alleles under their own names.
        let mut kept = Vec::new();
        for (g, old, new) in REMOVED_ALLELE_ALIASES {
            if !THIOPURINE_2026.contains(&g) {
                continue;
            }
            let listed = cpic
                .get(g)
                .is_some_and(|gene| gene.phenotyping.alleles.iter().any(|a| a.name == old));
            if !listed {
                return Err(import_err(
                    PHARMCAT_DIR,
                    format!(
                        "{THIOPURINES_2026} left out, but {g} {old} (folded into {new} in \
                         2026) is not in the older file"
                    ),
                ));
            }
            kept.push(format!("{g} {old}"));
        }
        report.push(format!(
            "{THIOPURINES_2026} left out: {} allele functions and phenotype rules from {PHARMCAT_DIR} \
             (version {}), not from the 2026 supplement; no 2026 alias for {}: alleles of their own there",
            pre_2026_thiopurine.join(" and "),
            join_set(&pharmcat_versions),
            kept.join(", ")
        ));
    }
    upstream.push(UpstreamRelease {
        name: "pharmcat-phenotypes".into(),
        version: join_set(&pharmcat_versions),
        used_for,
    });

    // IFNL3: the guideline's genotype phenotypes over the file's functions.
    if let Some(gene) = cpic.get_mut("IFNL3") {
        add_ifnl3_genotypes(&mut gene.phenotyping)?;
        upstream.push(UpstreamRelease {
            name: "cpic-ifnl3-guideline".into(),
            version: "2014 (PMID 24096968)".into(),
            used_for: "CPIC pack: IFNL3 genotype response phenotypes (favorable, unfavorable)"
                .into(),
        });
    }

    // CYP2D6: CPIC 2024-08-27 plus the 2026 tandem supplement.
    let mut pf = read_phenotype_file(&ctx, CYP2D6_FILE)?;
    let cyp2d6_version = pf.version.clone();
    let supplement_version = apply_cyp2d6_supplement(&ctx, &mut pf)?;
    cpic.insert(
        "CYP2D6".into(),
        new_gene("CYP2D6", cpic_phenotyping(CYP2D6_FILE, &pf)?),
    );
    upstream.push(UpstreamRelease {
        name: "cpic-cyp2d6-phenotypes".into(),
        version: cyp2d6_version,
        used_for: "CPIC pack: CYP2D6 activity values and phenotype bins".into(),
    });
    upstream.push(UpstreamRelease {
        name: "cpic-2026-cyp2d6-activity-supplement".into(),
        version: supplement_version,
        used_for: "CPIC pack: CYP2D6 tandem haplotypes and their activity values".into(),
    });

    // G6PD: CPIC 2023-08-08 with the 2023-09 rename (new name canonical).
    let mut pf = read_phenotype_file(&ctx, G6PD_FILE)?;
    let g6pd_version = pf.version.clone();
    let renames = read_g6pd_renames(&ctx)?;
    rename_alleles(&mut pf, &renames);
    let mut phenotyping = cpic_phenotyping(G6PD_FILE, &pf)?;
    for (old, new) in &renames {
        phenotyping.aliases.insert(old.clone(), new.clone());
    }
    cpic.insert("G6PD".into(), new_gene("G6PD", phenotyping));
    upstream.push(UpstreamRelease {
        name: "cpic-g6pd-phenotypes".into(),
        version: g6pd_version,
        used_for: "CPIC pack: G6PD allele function and phenotype rules".into(),
    });
    upstream.push(UpstreamRelease {
        name: "cpic-2026-g6pd-allele-rename".into(),
        version: "2026".into(),
        used_for: "CPIC pack: G6PD allele names (old names kept as aliases)".into(),
    });

    // RYR1: CPIC 2023-12-19 rules, allele functions from the 2026 supplement.
    let pf = read_phenotype_file(&ctx, RYR1_FILE)?;
    let ryr1_version = pf.version.clone();
    let mut phenotyping = cpic_phenotyping(RYR1_FILE, &pf)?;
    apply_function_supplement(&ctx, RYR1_SUPPLEMENT, "RYR1", &mut phenotyping)?;
    cpic.insert("RYR1".into(), new_gene("RYR1", phenotyping));
    upstream.push(UpstreamRelease {
        name: "cpic-ryr1-phenotypes".into(),
        version: ryr1_version,
        used_for: "CPIC pack: RYR1 phenotype rules".into(),
    });
    upstream.push(UpstreamRelease {
        name: "cpic-2026-ryr1-allele-function".into(),
        version: "2026".into(),
        used_for: "CPIC pack: RYR1 allele functions (339 alleles)".into(),
    });

    // TPMT, NUDT15: the 2026 thiopurine update (unless left out; then they
    // came from the PharmCAT files above).
    if supplements.thiopurines_2026 {
        let mut thiopurine_versions = BTreeSet::new();
        for gene in THIOPURINE_2026 {
            let (phenotyping, version) = read_thiopurine_2026(&ctx, gene)?;
            thiopurine_versions.insert(version);
            cpic.insert(gene.to_string(), new_gene(gene, phenotyping));
        }
        upstream.push(UpstreamRelease {
            name: "cpic-2026-thiopurine-phenotypes".into(),
            version: join_set(&thiopurine_versions),
            used_for:
                "CPIC pack: TPMT and NUDT15 allele function and phenotype rules (2026 update)"
                    .into(),
        });
    }

    // HLA genes: carrier status of the alleles the recommendations name.
    let (status, odd_keys) = read_hla_status_alleles(&ctx)?;
    for (symbol, alleles) in status {
        let mut gene = new_gene(
            &symbol,
            Phenotyping {
                version: "guideline lookup keys 2024-03-25 + 2026 supplements".into(),
                method: PhenotypeMethod::AlleleStatus,
                alleles: Vec::new(),
                aliases: BTreeMap::new(),
                function_pairs: Vec::new(),
                activity_bins: Vec::new(),
                single_allele: Vec::new(),
                diplotypes: Vec::new(),
                status_alleles: alleles.into_iter().collect(),
            },
        );
        gene.chromosome = Some("chr6".into());
        cpic.insert(symbol, gene);
    }
    upstream.push(UpstreamRelease {
        name: "pharmgkb-guideline-annotations".into(),
        version: "2024-03-25".into(),
        used_for: if odd_keys.is_empty() {
            "CPIC pack: HLA-A and HLA-B status alleles named by recommendation lookup keys".into()
        } else {
            format!(
                "CPIC pack: HLA-A and HLA-B status alleles named by recommendation lookup keys \
                 (not an allele status, left out: {})",
                odd_keys.join("; ")
            )
        },
    });

    // Definitions and exemptions go to the CPIC genes; genes with a
    // definition but no phenotype data still get a gene.
    for (symbol, (chromosome, definition)) in definitions {
        let gene = cpic.entry(symbol.clone()).or_insert_with(|| {
            new_gene(
                &symbol,
                Phenotyping {
                    version: "none (no phenotype data)".into(),
                    method: PhenotypeMethod::FunctionPair,
                    alleles: Vec::new(),
                    aliases: BTreeMap::new(),
                    function_pairs: Vec::new(),
                    activity_bins: Vec::new(),
                    single_allele: Vec::new(),
                    diplotypes: Vec::new(),
                    status_alleles: Vec::new(),
                },
            )
        });
        gene.chromosome = Some(chromosome);
        let mut definition = definition;
        if symbol == "G6PD" {
            for a in &mut definition.alleles {
                if let Some(new) = renames.get(&a.name) {
                    a.name = new.clone();
                }
            }
        }
        gene.definition = Some(definition);
    }

    // Curated call notes, as facts, on the genes with definitions (the DPWG
    // pack has none).
    let rename = |gene: &str, allele: &str| {
        (gene == "G6PD")
            .then(|| renames.get(allele).cloned())
            .flatten()
    };
    let notes = attach_call_notes(reference, &mut cpic, &rename)?;
    upstream.extend(notes.upstream);

    // DPWG genes.
    let mut dpwg: BTreeMap<String, Gene> = BTreeMap::new();
    let mut dpwg_versions = BTreeSet::new();
    for file in ctx.list(DPWG_DIR, ".json")? {
        let pf = read_phenotype_file(&ctx, &file)?;
        dpwg_versions.insert(pf.version.clone());
        let mut gene = new_gene(&pf.gene, dpwg_phenotyping(&file, &pf)?);
        gene.chromosome = cpic.get(&pf.gene).and_then(|g| g.chromosome.clone());
        dpwg.insert(pf.gene.clone(), gene);
    }
    upstream.push(UpstreamRelease {
        name: "pharmgkb-dpwg-phenotypes".into(),
        version: join_set(&dpwg_versions),
        used_for: format!(
            "DPWG pack: diplotype tables of {}",
            dpwg.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    });

    report.extend(notes.report);
    Ok(GeneImport {
        cpic: cpic.into_values().collect(),
        dpwg: dpwg.into_values().collect(),
        upstream,
        report,
    })
}

/// Adds [`IFNL3_GENOTYPES`] to IFNL3's rules; an error when the phenotype
/// file already has rules or names other allele functions (then the
/// constant needs a look).
fn add_ifnl3_genotypes(phenotyping: &mut Phenotyping) -> Result<()> {
    let file = PHARMCAT_DIR;
    if !phenotyping.function_pairs.is_empty() {
        return Err(import_err(
            file,
            "IFNL3 now has phenotype rules of its own; drop the built-in genotype table",
        ));
    }
    let functions: BTreeSet<&str> = phenotyping
        .alleles
        .iter()
        .filter_map(|a| a.function.as_deref())
        .collect();
    let expected: BTreeSet<&str> = IFNL3_GENOTYPES
        .iter()
        .flat_map(|(a, b, _)| [*a, *b])
        .collect();
    if functions != expected {
        return Err(import_err(
            file,
            format!(
                "IFNL3 allele functions are {functions:?}, the genotype table expects {expected:?}"
            ),
        ));
    }
    phenotyping.function_pairs = IFNL3_GENOTYPES
        .iter()
        .map(|(a, b, phenotype)| FunctionPairRule {
            functions: [a.to_string(), b.to_string()],
            phenotype: phenotype.to_string(),
            lookup_key: phenotype.to_string(),
        })
        .collect();
    Ok(())
}

// ---------------------------------------------------------------------------
// Files

struct Ctx<'a> {
    root: &'a Path,
}

fn import_err(file: &str, reason: impl Into<String>) -> Error {
    Error::Import {
        file: file.to_string(),
        reason: reason.into(),
    }
}

impl Ctx<'_> {
    fn text(&self, rel: &str) -> Result<String> {
        std::fs::read_to_string(self.root.join(rel)).map_err(|e| import_err(rel, e.to_string()))
    }

    fn json(&self, rel: &str) -> Result<Value> {
        let text = self.text(rel)?;
        serde_json::from_str(&text).map_err(|e| import_err(rel, format!("invalid JSON: {e}")))
    }

    /// Files of `dir` ending in `suffix`, as relative paths, sorted.
    fn list(&self, dir: &str, suffix: &str) -> Result<Vec<String>> {
        let entries =
            std::fs::read_dir(self.root.join(dir)).map_err(|e| import_err(dir, e.to_string()))?;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| import_err(dir, e.to_string()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(suffix) {
                out.push(format!("{dir}/{name}"));
            }
        }
        out.sort();
        Ok(out)
    }
}

fn join_set(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

fn new_gene(symbol: &str, phenotyping: Phenotyping) -> Gene {
    Gene {
        symbol: symbol.to_string(),
        chromosome: None,
        definition: None,
        phenotyping,
        call_notes: Vec::new(),
    }
}

fn str_field<'v>(v: &'v Value, key: &str, file: &str) -> Result<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| import_err(file, format!("missing text field `{key}`")))
}

fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn array<'v>(v: &'v Value, key: &str, file: &str) -> Result<&'v Vec<Value>> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| import_err(file, format!("missing list `{key}`")))
}

fn string_list(v: &Value, key: &str, file: &str) -> Result<Vec<String>> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| import_err(file, format!("`{key}` holds a non-text value")))
            })
            .collect(),
        Some(_) => Err(import_err(file, format!("`{key}` is not a list"))),
    }
}

fn u64_list(v: &Value, key: &str, file: &str) -> Result<Vec<u64>> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|x| {
                // A bare position, or a variant object with a `position`.
                x.as_u64()
                    .or_else(|| x.get("position").and_then(Value::as_u64))
                    .ok_or_else(|| import_err(file, format!("`{key}` holds a non-position")))
            })
            .collect(),
        Some(_) => Err(import_err(file, format!("`{key}` is not a list"))),
    }
}

/// Data rows of a TSV with `#` comments: (header, rows).
fn tsv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header = lines
        .next()
        .map(|h| h.split('\t').map(str::to_string).collect())
        .unwrap_or_default();
    let rows = lines
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str, file: &str) -> Result<usize> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| import_err(file, format!("missing column `{name}`")))
}

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map(|s| s.trim()).unwrap_or("")
}

/// The version named in a TSV's comment lines (`"version": "…"` or
/// `version "…"`).
fn comment_version(text: &str) -> Option<String> {
    for line in text.lines().filter(|l| l.starts_with('#')) {
        for marker in ["\"version\": \"", "version \""] {
            if let Some(i) = line.find(marker) {
                let rest = &line[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    return Some(rest[..end].to_string());
                }
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Definitions

type Definitions = BTreeMap<String, (String, AlleleDefinition)>;

fn read_definitions(ctx: &Ctx) -> Result<(Definitions, String)> {
    let exemptions = ctx.json(EXEMPTIONS)?;
    let mut out = BTreeMap::new();
    let mut versions = BTreeSet::new();
    for file in ctx.list(DEFINITIONS_DIR, "_translation.json")? {
        let v = ctx.json(&file)?;
        let gene = str_field(&v, "gene", &file)?.to_string();
        let version = str_field(&v, "version", &file)?.to_string();
        versions.insert(version.clone());
        let chromosome = str_field(&v, "chromosome", &file)?.to_string();
        let positions = array(&v, "variants", &file)?
            .iter()
            .map(|p| position(p, &file))
            .collect::<Result<Vec<_>>>()?;
        let mut alleles = Vec::new();
        for a in array(&v, "namedAlleles", &file)? {
            let name = str_field(a, "name", &file)?.to_string();
            let dense = array(a, "alleles", &file)?;
            if dense.len() != positions.len() {
                return Err(import_err(
                    &file,
                    format!(
                        "allele {name} has {} calls for {} positions",
                        dense.len(),
                        positions.len()
                    ),
                ));
            }
            let mut calls = BTreeMap::new();
            for (i, x) in dense.iter().enumerate() {
                match x {
                    Value::Null => {}
                    Value::String(s) => {
                        calls.insert(i, s.clone());
                    }
                    _ => return Err(import_err(&file, format!("allele {name}: non-text call"))),
                }
            }
            alleles.push(NamedAllele {
                name,
                id: opt_str(a, "id"),
                reference: a.get("reference").and_then(Value::as_bool).unwrap_or(false),
                structural_variant: a
                    .get("structuralVariant")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                alleles: calls.into(),
            });
        }
        let exemptions = match exemptions.get(&gene) {
            Some(e) => read_exemptions(e, &positions)?,
            None => Exemptions::default(),
        };
        let definition = AlleleDefinition {
            version,
            genome_build: str_field(&v, "genomeBuild", &file)?.to_string(),
            refseq_chromosome: str_field(&v, "refSeqChromosomeId", &file)?.to_string(),
            positions,
            alleles,
            exemptions,
        };
        out.insert(gene, (chromosome, definition));
    }
    if out.is_empty() {
        return Err(import_err(DEFINITIONS_DIR, "no *_translation.json files"));
    }
    Ok((out, join_set(&versions)))
}

fn position(p: &Value, file: &str) -> Result<DefinitionPosition> {
    let position = p
        .get("position")
        .and_then(Value::as_u64)
        .ok_or_else(|| import_err(file, "variant without a position"))?;
    let mut cpic_to_vcf = BTreeMap::new();
    if let Some(map) = p.get("cpicToVcfAlleleMap").and_then(Value::as_object) {
        for (k, v) in map {
            if let Some(v) = v.as_str() {
                cpic_to_vcf.insert(k.clone(), v.to_string());
            }
        }
    }
    Ok(DefinitionPosition {
        chromosome: str_field(p, "chromosome", file)?.to_string(),
        position,
        rsid: opt_str(p, "rsid"),
        hgvs: str_field(p, "chromosomeHgvsName", file)?.to_string(),
        ref_allele: str_field(p, "ref", file)?.to_string(),
        alts: string_list(p, "alts", file)?,
        cpic_alleles: string_list(p, "cpicAlleles", file)?,
        cpic_to_vcf: cpic_to_vcf.into(),
    })
}

/// Ignored positions that are definition positions. An entry written as a
/// variant (position, REF, ALTs) names that variant only: the published
/// entries are variants already left out of the definitions (a deletion at
/// the coordinate of a defined SNV, e.g. G6PD Chatham's rs5030869), and
/// ignoring the coordinate would make the SNV's alleles uncallable.
fn ignored_positions(e: &Value, positions: &[DefinitionPosition]) -> Result<Vec<u64>> {
    let f = EXEMPTIONS;
    let Some(items) = e.get("ignoredPositions").and_then(Value::as_array) else {
        return u64_list(e, "ignoredPositions", f);
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(pos) = item.as_u64() {
            out.push(pos);
            continue;
        }
        let v = position(item, f)?;
        let same = |p: &&DefinitionPosition| {
            p.position == v.position
                && p.chromosome == v.chromosome
                && p.ref_allele.eq_ignore_ascii_case(&v.ref_allele)
                && p.alts.len() == v.alts.len()
                && p.alts
                    .iter()
                    .all(|a| v.alts.iter().any(|b| a.eq_ignore_ascii_case(b)))
        };
        if positions.iter().any(|p| same(&p)) && !out.contains(&v.position) {
            out.push(v.position);
        }
    }
    Ok(out)
}

fn read_exemptions(e: &Value, positions: &[DefinitionPosition]) -> Result<Exemptions> {
    let f = EXEMPTIONS;
    let extra_positions = match e.get("extraPositions").and_then(Value::as_array) {
        Some(items) => items
            .iter()
            .map(|p| position(p, f))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    // Unphased priorities are written `pick|other|…`: the preferred diplotype
    // first, then the others it wins over, in the published order.
    let mut unphased_priorities = Vec::new();
    if let Some(items) = e
        .get("unphasedDiplotypePriorities")
        .and_then(Value::as_array)
    {
        for item in items {
            let pick = str_field(item, "pick", f)?.to_string();
            let mut parts = vec![pick.clone()];
            parts.extend(
                string_list(item, "list", f)?
                    .into_iter()
                    .filter(|d| *d != pick),
            );
            unphased_priorities.push(parts.join("|"));
        }
    }
    Ok(Exemptions {
        required_positions: u64_list(e, "requiredPositions", f)?,
        ignored_positions: ignored_positions(e, positions)?,
        extra_positions,
        ignored_alleles: string_list(e, "ignoredAlleles", f)?,
        unphased_priorities,
        amp_tier1_alleles: string_list(e, "amp1Alleles", f)?,
        amp_tier1_positions: u64_list(e, "amp1Positions", f)?,
    })
}

// ---------------------------------------------------------------------------
// Phenotype files (PharmCAT format)

/// One published diplotype row.
struct PubRow {
    diplotype: String,
    alleles: Vec<String>,
    phenotype: String,
    lookup_key: String,
    activity_score: Option<String>,
}

struct PhenotypeFile {
    gene: String,
    version: String,
    /// Allele → (function, activity).
    alleles: BTreeMap<String, (Option<String>, Option<String>)>,
    rows: Vec<PubRow>,
}

fn read_phenotype_file(ctx: &Ctx, file: &str) -> Result<PhenotypeFile> {
    let v = ctx.json(file)?;
    let gene = str_field(&v, "gene", file)?.to_string();
    let version = str_field(&v, "version", file)?.to_string();
    let activity: BTreeMap<String, String> = v
        .get("activityValues")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let mut alleles: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    if let Some(named) = v.get("namedAlleles").and_then(Value::as_array) {
        for a in named {
            let name = str_field(a, "name", file)?.to_string();
            let act = opt_str(a, "activityValue").or_else(|| activity.get(&name).cloned());
            alleles.insert(name, (opt_str(a, "functionValue"), act));
        }
    }
    if let Some(haps) = v.get("haplotypes").and_then(Value::as_object) {
        for (name, value) in haps {
            if alleles.contains_key(name) {
                continue;
            }
            // Without namedAlleles, `haplotypes` holds the function, unless
            // the gene has activity values (then it holds those).
            let function = if activity.is_empty() {
                value.as_str().map(str::to_string)
            } else {
                None
            };
            alleles.insert(name.clone(), (function, activity.get(name).cloned()));
        }
    }
    let mut rows = Vec::new();
    for d in array(&v, "diplotypes", file)? {
        let diplotype = str_field(d, "diplotype", file)?.to_string();
        let key = d
            .get("diplotypekey")
            .and_then(Value::as_object)
            .ok_or_else(|| import_err(file, format!("{diplotype}: no diplotypekey")))?;
        let mut names = Vec::new();
        for (name, count) in key {
            let n = count.as_u64().unwrap_or(0);
            for _ in 0..n {
                names.push(name.clone());
            }
        }
        if names.is_empty() || names.len() > 2 {
            return Err(import_err(
                file,
                format!("{diplotype}: not one or two alleles"),
            ));
        }
        let lookup_key = str_field(d, "lookupkey", file)?.to_string();
        let phenotype = opt_str(d, "phenotype")
            .or_else(|| opt_str(d, "generesult"))
            .ok_or_else(|| import_err(file, format!("{diplotype}: no phenotype")))?;
        rows.push(PubRow {
            diplotype,
            alleles: names,
            phenotype,
            lookup_key,
            activity_score: opt_str(d, "activityScore"),
        });
    }
    Ok(PhenotypeFile {
        gene,
        version,
        alleles,
        rows,
    })
}

fn allele_functions(pf: &PhenotypeFile) -> Vec<AlleleFunction> {
    let mut out: Vec<AlleleFunction> = pf
        .alleles
        .iter()
        .map(|(name, (function, activity))| AlleleFunction {
            name: name.clone(),
            function: function.clone(),
            activity: activity.clone(),
        })
        .collect();
    out.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    out
}

/// The CPIC phenotyping of a PharmCAT-format file: activity bins for the
/// activity genes, function pairs (and single-allele rules) for the rest.
fn cpic_phenotyping(file: &str, pf: &PhenotypeFile) -> Result<Phenotyping> {
    let mut phenotyping = Phenotyping {
        version: pf.version.clone(),
        method: PhenotypeMethod::FunctionPair,
        alleles: allele_functions(pf),
        aliases: BTreeMap::new(),
        function_pairs: Vec::new(),
        activity_bins: Vec::new(),
        single_allele: Vec::new(),
        diplotypes: Vec::new(),
        status_alleles: Vec::new(),
    };
    if ACTIVITY_GENES.contains(&pf.gene.as_str()) {
        phenotyping.method = PhenotypeMethod::ActivityScore;
        phenotyping.activity_bins = activity_bins(file, pf)?;
    } else {
        let (pairs, single) = function_rules(file, pf)?;
        phenotyping.function_pairs = pairs;
        phenotyping.single_allele = single;
    }
    Ok(phenotyping)
}

/// Function-pair and single-allele rules implied by the published rows;
/// rows that disagree on one pair are an error.
fn function_rules(
    file: &str,
    pf: &PhenotypeFile,
) -> Result<(Vec<FunctionPairRule>, Vec<SingleAlleleRule>)> {
    let mut pairs: BTreeMap<(String, String), (String, String, String)> = BTreeMap::new();
    let mut single: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for row in &pf.rows {
        let mut functions = Vec::new();
        for a in &row.alleles {
            let f = pf
                .alleles
                .get(a)
                .and_then(|(f, _)| f.clone())
                .ok_or_else(|| {
                    import_err(
                        file,
                        format!("{}: allele {a} has no function", row.diplotype),
                    )
                })?;
            functions.push(f);
        }
        let this = (
            row.phenotype.clone(),
            row.lookup_key.clone(),
            row.diplotype.clone(),
        );
        let (slot, label) = match functions.as_slice() {
            [f] => (single.entry(f.clone()), f.clone()),
            [a, b] => {
                let key = if a <= b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                let label = format!("{} + {}", key.0, key.1);
                match pairs.entry(key) {
                    std::collections::btree_map::Entry::Occupied(o) => {
                        let prev = o.get();
                        if prev.0 != this.0 || prev.1 != this.1 {
                            return Err(conflict(file, &label, prev, &this));
                        }
                    }
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(this);
                    }
                }
                continue;
            }
            _ => continue,
        };
        match slot {
            std::collections::btree_map::Entry::Occupied(o) => {
                let prev = o.get();
                if prev.0 != this.0 || prev.1 != this.1 {
                    return Err(conflict(file, &label, prev, &this));
                }
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(this);
            }
        }
    }
    let pairs = pairs
        .into_iter()
        .map(|((a, b), (phenotype, lookup_key, _))| FunctionPairRule {
            functions: [a, b],
            phenotype,
            lookup_key,
        })
        .collect();
    let single = single
        .into_iter()
        .map(|(function, (phenotype, lookup_key, _))| SingleAlleleRule {
            function,
            phenotype,
            lookup_key,
        })
        .collect();
    Ok((pairs, single))
}

fn conflict(
    file: &str,
    what: &str,
    prev: &(String, String, String),
    this: &(String, String, String),
) -> Error {
    import_err(
        file,
        format!(
            "rows disagree for {what}: {} gives {} / {}, {} gives {} / {}",
            prev.2, prev.0, prev.1, this.2, this.0, this.1
        ),
    )
}

fn parse_value(text: &str) -> Option<(f64, bool)> {
    let t = text.trim();
    let (rest, ge) = match t.strip_prefix('≥') {
        Some(r) => (r, true),
        None => (t, false),
    };
    let v: f64 = rest.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some((v, ge))
}

/// Activity bins from the published rows: min/max score per phenotype, the
/// top bin open. Each row's score must be the sum of its alleles' values
/// (`≥` propagating, `n/a` giving Indeterminate with key `n/a`).
fn activity_bins(file: &str, pf: &PhenotypeFile) -> Result<Vec<ActivityBin>> {
    let mut ranges: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for row in &pf.rows {
        let mut sum = 0.0;
        let mut ge = false;
        let mut missing = false;
        for a in &row.alleles {
            match pf
                .alleles
                .get(a)
                .and_then(|(_, act)| act.as_deref())
                .and_then(parse_value)
            {
                Some((v, g)) => {
                    sum += v;
                    ge |= g;
                }
                None => missing = true,
            }
        }
        let published = row.activity_score.as_deref().unwrap_or(&row.lookup_key);
        if missing {
            if row.phenotype != INDETERMINATE
                || row.lookup_key != NOT_APPLICABLE
                || published != NOT_APPLICABLE
            {
                return Err(import_err(
                    file,
                    format!(
                        "{}: an allele has no activity value but the row gives {} / {}",
                        row.diplotype, row.phenotype, row.lookup_key
                    ),
                ));
            }
            continue;
        }
        let computed = format_activity_score(sum, ge);
        if computed != published || computed != row.lookup_key {
            return Err(import_err(
                file,
                format!(
                    "{}: activity values sum to {computed}, the row gives {published} / {}",
                    row.diplotype, row.lookup_key
                ),
            ));
        }
        let r = ranges.entry(row.phenotype.clone()).or_insert((sum, sum));
        r.0 = r.0.min(sum);
        r.1 = r.1.max(sum);
    }
    let mut bins: Vec<ActivityBin> = ranges
        .into_iter()
        .map(|(phenotype, (min, max))| ActivityBin {
            min,
            max: Some(max),
            phenotype,
        })
        .collect();
    bins.sort_by(|a, b| a.min.total_cmp(&b.min));
    for w in bins.windows(2) {
        if let [lo, hi] = w {
            if lo.max.is_some_and(|m| m >= hi.min) {
                return Err(import_err(
                    file,
                    format!("phenotypes {} and {} overlap", lo.phenotype, hi.phenotype),
                ));
            }
        }
    }
    match bins.last_mut() {
        Some(top) => top.max = None,
        None => return Err(import_err(file, "no scored diplotype rows")),
    }
    Ok(bins)
}

/// DPWG: the published table as is, with the allele functions.
fn dpwg_phenotyping(file: &str, pf: &PhenotypeFile) -> Result<Phenotyping> {
    let mut rows: BTreeMap<Vec<String>, DiplotypeRule> = BTreeMap::new();
    for row in &pf.rows {
        let mut alleles = row.alleles.clone();
        alleles.sort_by(|a, b| natural_cmp(a, b));
        for a in &alleles {
            if !pf.alleles.contains_key(a) {
                return Err(import_err(
                    file,
                    format!("{}: allele {a} is not in the allele list", row.diplotype),
                ));
            }
        }
        let rule = DiplotypeRule {
            alleles: alleles.clone(),
            phenotype: row.phenotype.clone(),
            lookup_key: row.lookup_key.clone(),
            activity_score: row.activity_score.clone(),
        };
        if let Some(prev) = rows.get(&alleles) {
            if *prev != rule {
                return Err(import_err(
                    file,
                    format!("two rows for {} disagree", alleles.join("/")),
                ));
            }
        }
        rows.insert(alleles, rule);
    }
    let mut diplotypes: Vec<DiplotypeRule> = rows.into_values().collect();
    diplotypes.sort_by(|a, b| {
        let mut ord = std::cmp::Ordering::Equal;
        for (x, y) in a.alleles.iter().zip(&b.alleles) {
            ord = ord.then_with(|| natural_cmp(x, y));
        }
        ord.then_with(|| a.alleles.len().cmp(&b.alleles.len()))
    });
    Ok(Phenotyping {
        version: pf.version.clone(),
        method: PhenotypeMethod::DiplotypeTable,
        alleles: allele_functions(pf),
        aliases: BTreeMap::new(),
        function_pairs: Vec::new(),
        activity_bins: Vec::new(),
        single_allele: Vec::new(),
        diplotypes,
        status_alleles: Vec::new(),
    })
}

// ---------------------------------------------------------------------------
// Supplements

/// Adds the 2026 CYP2D6 tandem haplotypes; returns the supplement's version.
fn apply_cyp2d6_supplement(ctx: &Ctx, pf: &mut PhenotypeFile) -> Result<String> {
    let f = CYP2D6_SUPPLEMENT;
    let text = ctx.text(f)?;
    let (header, rows) = tsv(&text);
    let (g, h, a, n) = (
        column(&header, "gene", f)?,
        column(&header, "haplotype", f)?,
        column(&header, "activity_value", f)?,
        column(&header, "function_or_note", f)?,
    );
    for row in &rows {
        if cell(row, g) != "CYP2D6" {
            return Err(import_err(f, format!("row for gene {}", cell(row, g))));
        }
        let name = cell(row, h);
        if name.is_empty() {
            return Err(import_err(f, "row without a haplotype"));
        }
        let activity = cell(row, a);
        let activity = if activity.is_empty() {
            None
        } else if parse_value(activity).is_some() {
            Some(activity.to_string())
        } else {
            return Err(import_err(
                f,
                format!("{name}: bad activity value {activity}"),
            ));
        };
        // The note carries a function only where the source lists one
        // (`listed in "haplotypes" as "No function" …`).
        let note = cell(row, n);
        let function = [
            "No function",
            "Normal function",
            "Decreased function",
            "Increased function",
        ]
        .into_iter()
        .find(|f| note.contains(&format!("\"{f}\"")))
        .map(str::to_string);
        pf.alleles.insert(name.to_string(), (function, activity));
    }
    Ok(comment_version(&text).unwrap_or_else(|| "2026".into()))
}

fn read_g6pd_renames(ctx: &Ctx) -> Result<BTreeMap<String, String>> {
    let f = G6PD_RENAME;
    let (header, rows) = tsv(&ctx.text(f)?);
    let (g, o, n) = (
        column(&header, "gene", f)?,
        column(&header, "old_name", f)?,
        column(&header, "new_name", f)?,
    );
    let mut out = BTreeMap::new();
    for row in &rows {
        if cell(row, g) != "G6PD" || cell(row, o).is_empty() || cell(row, n).is_empty() {
            return Err(import_err(f, "row is not a G6PD rename"));
        }
        out.insert(cell(row, o).to_string(), cell(row, n).to_string());
    }
    Ok(out)
}

fn rename_alleles(pf: &mut PhenotypeFile, renames: &BTreeMap<String, String>) {
    for (old, new) in renames {
        if let Some(v) = pf.alleles.remove(old) {
            pf.alleles.insert(new.clone(), v);
        }
    }
    for row in &mut pf.rows {
        for a in &mut row.alleles {
            if let Some(new) = renames.get(a) {
                *a = new.clone();
            }
        }
    }
}

/// Replaces and extends allele functions from a `gene allele function` TSV.
fn apply_function_supplement(
    ctx: &Ctx,
    f: &str,
    gene: &str,
    phenotyping: &mut Phenotyping,
) -> Result<()> {
    let (header, rows) = tsv(&ctx.text(f)?);
    let (g, a, fun) = (
        column(&header, "gene", f)?,
        column(&header, "allele", f)?,
        column(&header, "function", f)?,
    );
    let mut map: BTreeMap<String, AlleleFunction> = phenotyping
        .alleles
        .drain(..)
        .map(|x| (x.name.clone(), x))
        .collect();
    for row in &rows {
        if cell(row, g) != gene || cell(row, a).is_empty() || cell(row, fun).is_empty() {
            return Err(import_err(f, format!("unexpected row `{}`", row.join(" "))));
        }
        let entry = map
            .entry(cell(row, a).to_string())
            .or_insert_with(|| AlleleFunction {
                name: cell(row, a).to_string(),
                function: None,
                activity: None,
            });
        entry.function = Some(cell(row, fun).to_string());
    }
    let mut alleles: Vec<AlleleFunction> = map.into_values().collect();
    alleles.sort_by(|x, y| natural_cmp(&x.name, &y.name));
    phenotyping.alleles = alleles;
    Ok(())
}

/// TPMT / NUDT15 from the 2026 supplement: allele functions and function
/// pairs, cross-checked with the `*_allele_function.2026.tsv` file and the
/// published diplotype rows. Returns the phenotyping and its version.
fn read_thiopurine_2026(ctx: &Ctx, gene: &str) -> Result<(Phenotyping, String)> {
    let f = format!("{SUPPLEMENTS_DIR}/{gene}_phenotype_2026.tsv");
    let f = f.as_str();
    let text = ctx.text(f)?;
    let version = comment_version(&text).unwrap_or_else(|| "2026".into());
    let (header, rows) = tsv(&text);
    let (rt, k1, k2, ph, lk) = (
        column(&header, "record_type", f)?,
        column(&header, "key1", f)?,
        column(&header, "key2", f)?,
        column(&header, "phenotype", f)?,
        column(&header, "lookupkey", f)?,
    );
    let mut functions: BTreeMap<String, String> = BTreeMap::new();
    let mut removed: BTreeSet<String> = BTreeSet::new();
    let mut pairs: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut diplotypes: Vec<(String, String, String, String)> = Vec::new();
    for row in &rows {
        let (a, b) = (cell(row, k1).to_string(), cell(row, k2).to_string());
        match cell(row, rt) {
            "allele_function" => {
                if functions.insert(a.clone(), b).is_some() {
                    return Err(import_err(f, format!("allele {a} listed twice")));
                }
            }
            "allele_function_removed" => {
                removed.insert(a);
            }
            "function_pair" => {
                let key = if a <= b { (a, b) } else { (b, a) };
                let value = (cell(row, ph).to_string(), cell(row, lk).to_string());
                if let Some(prev) = pairs.insert(key.clone(), value.clone()) {
                    if prev != value {
                        return Err(import_err(
                            f,
                            format!(
                                "function pair {} + {} listed twice, differently",
                                key.0, key.1
                            ),
                        ));
                    }
                }
            }
            "diplotype" => {
                diplotypes.push((a, b, cell(row, ph).to_string(), cell(row, lk).to_string()))
            }
            other => return Err(import_err(f, format!("unknown record_type `{other}`"))),
        }
    }
    if functions.is_empty() || pairs.is_empty() {
        return Err(import_err(f, "no allele_function or function_pair rows"));
    }

    // The separate allele-function file must agree.
    let af = format!("{SUPPLEMENTS_DIR}/{gene}_allele_function.2026.tsv");
    let (h2, rows2) = tsv(&ctx.text(&af)?);
    let (g2, a2, f2) = (
        column(&h2, "gene", &af)?,
        column(&h2, "allele", &af)?,
        column(&h2, "function", &af)?,
    );
    let mut other: BTreeMap<String, String> = BTreeMap::new();
    for row in &rows2 {
        if cell(row, g2) != gene {
            return Err(import_err(&af, format!("row for gene {}", cell(row, g2))));
        }
        other.insert(cell(row, a2).to_string(), cell(row, f2).to_string());
    }
    if other != functions {
        return Err(import_err(&af, format!("allele functions differ from {f}")));
    }

    // Published diplotype rows must follow the function pairs.
    for (diplotype, pair, phenotype, key) in &diplotypes {
        let names: Vec<&str> = diplotype.split('/').collect();
        let fs = names
            .iter()
            .map(|n| functions.get(*n).cloned())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| import_err(f, format!("{diplotype}: allele without function")))?;
        let [x, y] = fs.as_slice() else {
            return Err(import_err(f, format!("{diplotype}: not two alleles")));
        };
        if *pair != format!("{x} + {y}") {
            return Err(import_err(
                f,
                format!("{diplotype}: functions are {x} + {y}, row says {pair}"),
            ));
        }
        let k = if x <= y {
            (x.clone(), y.clone())
        } else {
            (y.clone(), x.clone())
        };
        match pairs.get(&k) {
            Some((p, l)) if p == phenotype && l == key => {}
            _ => {
                return Err(import_err(
                    f,
                    format!("{diplotype}: {phenotype} / {key} does not follow the function pairs"),
                ))
            }
        }
    }

    let mut aliases = BTreeMap::new();
    for (g, old, new) in REMOVED_ALLELE_ALIASES {
        if g != gene {
            continue;
        }
        if !removed.contains(old) || !functions.contains_key(new) {
            return Err(import_err(
                f,
                format!("expected {old} removed and {new} present for the {old} → {new} alias"),
            ));
        }
        aliases.insert(old.to_string(), new.to_string());
    }
    if let Some(old) = removed.iter().find(|o| !aliases.contains_key(*o)) {
        return Err(import_err(
            f,
            format!("{old} was removed but has no known new name"),
        ));
    }

    let mut alleles: Vec<AlleleFunction> = functions
        .into_iter()
        .map(|(name, function)| AlleleFunction {
            name,
            function: Some(function),
            activity: None,
        })
        .collect();
    alleles.sort_by(|x, y| natural_cmp(&x.name, &y.name));
    let function_pairs = pairs
        .into_iter()
        .map(|((a, b), (phenotype, lookup_key))| FunctionPairRule {
            functions: [a, b],
            phenotype,
            lookup_key,
        })
        .collect();
    Ok((
        Phenotyping {
            version: version.clone(),
            method: PhenotypeMethod::FunctionPair,
            alleles,
            aliases,
            function_pairs,
            activity_bins: Vec::new(),
            single_allele: Vec::new(),
            diplotypes: Vec::new(),
            status_alleles: Vec::new(),
        },
        version,
    ))
}

// ---------------------------------------------------------------------------
// HLA

/// HLA gene → status alleles named in recommendation lookup keys
/// (`*57:01 positive`); also returns keys that are no allele status.
/// HLA gene → its status alleles.
type StatusAlleles = BTreeMap<String, BTreeSet<String>>;

fn read_hla_status_alleles(ctx: &Ctx) -> Result<(StatusAlleles, Vec<String>)> {
    let mut files = ctx.list(CPIC_RECS_DIR, ".json")?;
    files.extend(ctx.list(DPWG_RECS_DIR, ".json")?);
    files.extend(
        ctx.list(SUPPLEMENTS_DIR, ".json")?
            .into_iter()
            .filter(|f| f.starts_with(&format!("{SUPPLEMENTS_DIR}/CPIC_"))),
    );
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut odd = BTreeSet::new();
    for file in files {
        let v = ctx.json(&file)?;
        let recs = array(&v, "recommendations", &file)?;
        for rec in recs {
            let maps: Vec<&serde_json::Map<String, Value>> = match rec.get("lookupKey") {
                Some(Value::Object(m)) => vec![m],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
                _ => Vec::new(),
            };
            for map in maps {
                for (gene, key) in map {
                    if !gene.starts_with("HLA-") {
                        continue;
                    }
                    let Some(key) = key.as_str() else { continue };
                    let allele = key
                        .strip_suffix(" positive")
                        .or_else(|| key.strip_suffix(" negative"))
                        .filter(|a| a.starts_with('*'));
                    match allele {
                        Some(a) => {
                            out.entry(gene.clone()).or_default().insert(a.to_string());
                        }
                        None if key == "No Result" => {}
                        None => {
                            odd.insert(format!("{gene} `{key}` in {file}"));
                        }
                    }
                }
            }
        }
    }
    Ok((out, odd.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(gene: &str, alleles: &[(&str, &str)], rows: &[(&str, &str, &str)]) -> PhenotypeFile {
        PhenotypeFile {
            gene: gene.into(),
            version: "test".into(),
            alleles: alleles
                .iter()
                .map(|(n, f)| (n.to_string(), (Some(f.to_string()), None)))
                .collect(),
            rows: rows
                .iter()
                .map(|(a, b, p)| PubRow {
                    diplotype: format!("{a}/{b}"),
                    alleles: vec![a.to_string(), b.to_string()],
                    phenotype: p.to_string(),
                    lookup_key: p.to_string(),
                    activity_score: None,
                })
                .collect(),
        }
    }

    #[test]
    fn missing_reference_is_an_error() {
        let err = import_genes(Path::new("/nonexistent/reference"));
        assert!(matches!(err, Err(Error::Import { .. })));
    }

    #[test]
    fn tsv_and_comment_version() {
        let text = "# made from \"version\": \"2026-07-05-00-25\"\na\tb\n1\t2\n\n3\n";
        let (h, rows) = tsv(text);
        assert_eq!(h, vec!["a", "b"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(cell(&rows[1], 1), "");
        assert_eq!(comment_version(text).as_deref(), Some("2026-07-05-00-25"));
    }

    #[test]
    fn function_rules_from_rows_and_conflicts() {
        let alleles = [
            ("*1", "Normal function"),
            ("*2", "No function"),
            ("*3", "No function"),
        ];
        let pf = file(
            "X",
            &alleles,
            &[("*1", "*2", "Intermediate"), ("*3", "*1", "Intermediate")],
        );
        let (pairs, single) = function_rules("x", &pf).unwrap_or_default();
        assert!(single.is_empty());
        assert_eq!(pairs.len(), 1);
        assert_eq!(
            pairs[0].functions,
            ["No function".to_string(), "Normal function".to_string()]
        );
        let bad = file(
            "X",
            &alleles,
            &[("*1", "*2", "Intermediate"), ("*1", "*3", "Poor")],
        );
        assert!(matches!(
            function_rules("x", &bad),
            Err(Error::Import { .. })
        ));
    }

    #[test]
    fn activity_bins_check_sums() {
        let mut pf = file(
            "CYP2C9",
            &[],
            &[("*1", "*1", "Normal"), ("*1", "*3", "Intermediate")],
        );
        pf.alleles.insert("*1".into(), (None, Some("1.0".into())));
        pf.alleles.insert("*3".into(), (None, Some("0.0".into())));
        pf.rows[0].lookup_key = "2.0".into();
        pf.rows[1].lookup_key = "1.0".into();
        let bins = activity_bins("x", &pf).unwrap_or_default();
        assert_eq!(bins.len(), 2);
        assert_eq!(bins[1].max, None);
        pf.rows[1].lookup_key = "1.5".into();
        assert!(activity_bins("x", &pf).is_err());
    }
}
