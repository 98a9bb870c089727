//! Writes single-sample VCFs from PharmCAT-style builder operations, as the
//! conformance corpus describes them: every definition position of each
//! gene the case touches is written homozygous reference unless an
//! operation edits it; `missing` drops the line.

use std::collections::{BTreeMap, BTreeSet};

use dosera::pack::{AlleleDefinition, Source};
use dosera::Engine;
use serde_json::Value;

/// One builder operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Write the gene all-reference.
    Reference(String),
    /// Set a genotype: gene, rsid, two alleles in CPIC notation.
    Variation(String, String, String, String),
    /// Drop positions.
    Missing(String, Vec<String>),
    /// Write GT with `|`.
    Phased,
    /// Allow alleles the definition does not list.
    AllowUnknown,
}

/// Reads the JSON operations of the corpus; unknown operations are skipped
/// and returned by name.
pub fn parse_ops(ops: &Value) -> (Vec<Op>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for op in ops.as_array().into_iter().flatten() {
        let parts: Vec<&str> = op
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        match parts.first().copied() {
            Some("reference") if parts.len() >= 2 => out.push(Op::Reference(parts[1].into())),
            Some("variation") if parts.len() >= 5 => out.push(Op::Variation(
                parts[1].into(),
                parts[2].into(),
                parts[3].into(),
                parts[4].into(),
            )),
            Some("missing") if parts.len() >= 3 => out.push(Op::Missing(
                parts[1].into(),
                parts[2..].iter().map(|s| s.to_string()).collect(),
            )),
            Some("phased") => out.push(Op::Phased),
            Some("allowUnknownAllele") => out.push(Op::AllowUnknown),
            Some(other) => skipped.push(other.to_string()),
            None => skipped.push(op.to_string()),
        }
    }
    (out, skipped)
}

fn definition<'a>(engine: &'a Engine, gene: &str) -> Option<&'a AlleleDefinition> {
    engine
        .gene(Source::Cpic, gene)
        .and_then(|g| g.definition.as_ref())
}

/// The VCF text for the operations, or why it cannot be written.
pub fn build_vcf(engine: &Engine, ops: &[Op], sample: &str) -> Result<String, String> {
    let phased = ops.contains(&Op::Phased);
    let mut genes: BTreeSet<String> = BTreeSet::new();
    let mut edits: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut missing: BTreeSet<(String, String)> = BTreeSet::new();
    for op in ops {
        match op {
            Op::Reference(g) => {
                genes.insert(g.clone());
            }
            Op::Variation(g, rs, a, b) => {
                genes.insert(g.clone());
                edits.insert((g.clone(), rs.clone()), (a.clone(), b.clone()));
            }
            Op::Missing(g, rss) => {
                genes.insert(g.clone());
                for rs in rss {
                    missing.insert((g.clone(), rs.clone()));
                }
            }
            Op::Phased | Op::AllowUnknown => {}
        }
    }
    let mut lines: Vec<(String, u64, String)> = Vec::new();
    for gene in &genes {
        let def = definition(engine, gene).ok_or_else(|| format!("no definition for {gene}"))?;
        for p in &def.positions {
            let rs = p.rsid.clone().unwrap_or_default();
            if missing.contains(&(gene.clone(), rs.clone())) {
                continue;
            }
            let mut alleles: Vec<String> = vec![p.ref_allele.clone()];
            alleles.extend(p.alts.iter().cloned());
            let gt = match edits.get(&(gene.clone(), rs.clone())) {
                None => "0/0".replace('/', if phased { "|" } else { "/" }),
                Some((a, b)) => {
                    let mut idx = Vec::new();
                    for x in [a, b] {
                        let vcf = p.cpic_to_vcf.get(x).cloned().unwrap_or_else(|| x.clone());
                        let i = match alleles.iter().position(|v| *v == vcf) {
                            Some(i) => i,
                            None => {
                                alleles.push(vcf);
                                alleles.len() - 1
                            }
                        };
                        idx.push(i.to_string());
                    }
                    idx.join(if phased { "|" } else { "/" })
                }
            };
            let alt = if alleles.len() > 1 {
                alleles[1..].join(",")
            } else {
                ".".to_string()
            };
            lines.push((
                p.chromosome.clone(),
                p.position,
                format!(
                    "{}\t{}\t{}\t{}\t{}\t.\tPASS\t.\tGT\t{}",
                    p.chromosome,
                    p.position,
                    if rs.is_empty() { "." } else { &rs },
                    alleles[0],
                    alt,
                    gt
                ),
            ));
        }
    }
    lines.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    let mut out = String::from("##fileformat=VCFv4.2\n");
    out.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    out.push_str(&format!(
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"
    ));
    for (_, _, l) in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}
