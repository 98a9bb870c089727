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
    /// Set a genotype: gene, rsid, two alleles in CPIC notation (`.`: that
    /// allele is not called, written as `.` in GT).
    Variation(String, String, String, String),
    /// Drop positions.
    Missing(String, Vec<String>),
    /// Write GT with `|`.
    Phased,
    /// Allow alleles the definition does not list.
    AllowUnknown,
    /// Set a phased genotype within a phase set: gene, rsid, phase set, two
    /// alleles in CPIC notation.
    PhaseSetVariation(String, String, String, String, String),
    /// The sample's sex: `true` for male (chrX written haploid).
    Male(bool),
    /// Write a GT as given with the given REF and ALTs: gene, rsid (or
    /// position), GT, REF, ALTs.
    AsIs(String, String, String, String, Vec<String>),
}

/// Reads the JSON operations of the corpus; unknown operations are skipped
/// and returned by name.
pub fn parse_ops(ops: &Value) -> (Vec<Op>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for op in ops.as_array().into_iter().flatten() {
        // Values are strings, or `{"expr": "…"}` for Java literals.
        let parts: Vec<String> = op
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.get("expr").and_then(Value::as_str).map(str::to_string))
            })
            .collect();
        // A boolean literal inside `variation` is the Java per-call phased
        // flag; the genotype is what counts here.
        let parts: Vec<String> = if parts.first().map(String::as_str) == Some("variation") {
            parts
                .into_iter()
                .filter(|v| v != "true" && v != "false")
                .collect()
        } else {
            parts
        };
        let p = |i: usize| parts[i].clone();
        match parts.first().map(String::as_str) {
            Some("reference" | "forGene") if parts.len() >= 2 => out.push(Op::Reference(p(1))),
            Some("variation") if parts.len() >= 5 => {
                out.push(Op::Variation(p(1), p(2), p(3), p(4)))
            }
            // One allele: a hemizygous (male chrX) call.
            Some("variation") if parts.len() == 4 => {
                out.push(Op::Variation(p(1), p(2), p(3), p(3)))
            }
            Some("variationInPhaseSet") if parts.len() >= 6 => {
                out.push(Op::PhaseSetVariation(p(1), p(2), p(3), p(4), p(5)))
            }
            // `[gene, rsid, GT, REF, ALT…]` or `[gene, chrom, pos, GT, REF, ALT…]`.
            Some("variationAsIs") if parts.len() >= 6 => {
                let at = if parts[2].starts_with("chr") { 3 } else { 2 };
                if parts.len() > at + 3 {
                    out.push(Op::AsIs(
                        p(1),
                        p(at),
                        p(at + 1),
                        p(at + 2),
                        parts[at + 3..].to_vec(),
                    ))
                } else {
                    skipped.push("variationAsIs".into())
                }
            }
            Some("missing") if parts.len() >= 3 => out.push(Op::Missing(p(1), parts[2..].to_vec())),
            Some("phased") => out.push(Op::Phased),
            Some("allowUnknownAllele") => out.push(Op::AllowUnknown),
            Some("male") => out.push(Op::Male(true)),
            Some("female") => out.push(Op::Male(false)),
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
    let male = ops.contains(&Op::Male(true));
    let with_ps = ops.iter().any(|o| matches!(o, Op::PhaseSetVariation(..)));
    let mut genes: BTreeSet<String> = BTreeSet::new();
    // (gene, rsid) → (allele 1, allele 2, phase set)
    type Edit = (String, String, Option<String>);
    let mut edits: BTreeMap<(String, String), Edit> = BTreeMap::new();
    // (gene, rsid or position) → (GT, REF, ALTs)
    let mut as_is: BTreeMap<(String, String), (String, String, Vec<String>)> = BTreeMap::new();
    let mut missing: BTreeSet<(String, String)> = BTreeSet::new();
    for op in ops {
        match op {
            Op::Reference(g) => {
                genes.insert(g.clone());
            }
            Op::Variation(g, rs, a, b) => {
                genes.insert(g.clone());
                edits.insert((g.clone(), rs.clone()), (a.clone(), b.clone(), None));
            }
            Op::PhaseSetVariation(g, rs, ps, a, b) => {
                genes.insert(g.clone());
                edits.insert(
                    (g.clone(), rs.clone()),
                    (a.clone(), b.clone(), Some(ps.clone())),
                );
            }
            Op::AsIs(g, key, gt, r, alts) => {
                genes.insert(g.clone());
                as_is.insert(
                    (g.clone(), key.clone()),
                    (gt.clone(), r.clone(), alts.clone()),
                );
            }
            Op::Missing(g, rss) => {
                genes.insert(g.clone());
                for rs in rss {
                    missing.insert((g.clone(), rs.clone()));
                }
            }
            Op::Phased | Op::AllowUnknown | Op::Male(_) => {}
        }
    }
    let sep = if phased { "|" } else { "/" };
    let mut lines: Vec<(String, u64, String)> = Vec::new();
    for gene in &genes {
        let def = definition(engine, gene).ok_or_else(|| format!("no definition for {gene}"))?;
        for p in &def.positions {
            let rs = p.rsid.clone().unwrap_or_default();
            if missing.contains(&(gene.clone(), rs.clone())) {
                continue;
            }
            let haploid = male && p.chromosome == "chrX";
            let mut alleles: Vec<String> = vec![p.ref_allele.clone()];
            alleles.extend(p.alts.iter().cloned());
            let mut ps = ".".to_string();
            let given = as_is
                .get(&(gene.clone(), rs.clone()))
                .or_else(|| as_is.get(&(gene.clone(), p.position.to_string())));
            let gt = if let Some((gt, r, alts)) = given {
                alleles = vec![r.clone()];
                alleles.extend(alts.iter().cloned());
                gt.clone()
            } else {
                match edits.get(&(gene.clone(), rs.clone())) {
                    None if haploid => "0".to_string(),
                    None => format!("0{sep}0"),
                    Some((a, b, set)) => {
                        let mut idx = Vec::new();
                        for x in [a, b] {
                            // `.` is an allele not called: missing in GT,
                            // never an ALT.
                            if x == "." {
                                idx.push(".".to_string());
                                continue;
                            }
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
                        if let Some(set) = set {
                            ps = set.clone();
                            idx.join("|")
                        } else if haploid {
                            idx[0].clone()
                        } else {
                            idx.join(sep)
                        }
                    }
                }
            };
            let alt = if alleles.len() > 1 {
                alleles[1..].join(",")
            } else {
                ".".to_string()
            };
            let sample_field = if with_ps { format!("{gt}:{ps}") } else { gt };
            lines.push((
                p.chromosome.clone(),
                p.position,
                format!(
                    "{}\t{}\t{}\t{}\t{}\t.\tPASS\t.\t{}\t{}",
                    p.chromosome,
                    p.position,
                    if rs.is_empty() { "." } else { &rs },
                    alleles[0],
                    alt,
                    if with_ps { "GT:PS" } else { "GT" },
                    sample_field
                ),
            ));
        }
    }
    lines.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    let mut out = String::from("##fileformat=VCFv4.2\n");
    out.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    if with_ps {
        out.push_str("##FORMAT=<ID=PS,Number=1,Type=Integer,Description=\"Phase set\">\n");
    }
    out.push_str(&format!(
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"
    ));
    for (_, _, l) in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}
