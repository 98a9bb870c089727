//! Research mode for effectively phased data with no exact diplotype: each
//! strand is described by non-overlapping named alleles (no reference
//! filling) plus leftover variants named by genomic HGVS.

use super::definitions::{bit, GeneDefinition};
use super::matcher::Present;
use super::DiplotypeCall;
use crate::phenotype::natural_cmp;

/// Order of the two alleles within a diplotype name: named alleles first,
/// then combinations (`[*6 + *28]`), then partial descriptions (`g.…`);
/// numeric-aware within each kind.
pub(crate) fn allele_name_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let kind = |s: &str| {
        if s.starts_with('[') {
            1
        } else if s.starts_with("g.") {
            2
        } else {
            0
        }
    };
    kind(a).cmp(&kind(b)).then_with(|| natural_cmp(a, b))
}

/// Describes both strands; `None` when there is nothing to describe.
pub(crate) fn explain(def: &GeneDefinition, present: &[Present]) -> Option<DiplotypeCall> {
    if present.is_empty() {
        return None;
    }
    let strands = [
        present.iter().map(|p| (p.index, p.a)).collect::<Vec<_>>(),
        present.iter().map(|p| (p.index, p.b)).collect::<Vec<_>>(),
    ];
    let mut names: Vec<String> = strands.iter().map(|s| describe(def, s)).collect();
    names.sort_by(|a, b| allele_name_cmp(a, b));
    Some(DiplotypeCall {
        name: names.join("/"),
        alleles: names,
        score: 0,
        preferred: false,
    })
}

fn describe(def: &GeneDefinition, strand: &[(usize, u8)]) -> String {
    let base_at = |i: usize| strand.iter().find(|(p, _)| *p == i).map(|(_, b)| *b);
    let variants: Vec<usize> = strand
        .iter()
        .filter(|(_, b)| *b != 0)
        .map(|(p, _)| *p)
        .collect();
    // Named alleles fully carried by this strand (their defined positions,
    // where present, all show the defined allele) and carrying a variant.
    let mut fits: Vec<(usize, Vec<usize>)> = Vec::new();
    for (ai, a) in def.alleles.iter().enumerate() {
        if a.reference {
            continue;
        }
        let mut own = Vec::new();
        let mut ok = true;
        let mut any = false;
        for set in &a.sets {
            let (i, m) = (set.index, set.mask);
            let Some(b) = base_at(i) else { continue };
            any = true;
            if m & bit(b as usize) == 0 {
                ok = false;
                break;
            }
            if b != 0 {
                own.push(i);
            }
        }
        if ok && any && !own.is_empty() {
            fits.push((ai, own));
        }
    }
    fits.sort_by(|x, y| {
        y.1.len()
            .cmp(&x.1.len())
            .then_with(|| natural_cmp(&def.alleles[x.0].name, &def.alleles[y.0].name))
    });
    let mut used: Vec<usize> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for (ai, own) in fits {
        if own.iter().any(|i| used.contains(i)) {
            continue;
        }
        used.extend(&own);
        parts.push(def.alleles[ai].name.clone());
    }
    parts.sort_by(|a, b| natural_cmp(a, b));
    for i in variants {
        if !used.contains(&i) {
            let p = &def.positions[i];
            let alt = strand
                .iter()
                .find(|(x, _)| *x == i)
                .and_then(|(_, b)| def.known[i].get(*b as usize))
                .cloned()
                .unwrap_or_default();
            parts.push(format!("g.{}{}>{}", p.position, def.known[i][0], alt));
        }
    }
    match parts.len() {
        0 => def.alleles[def.reference].name.clone(),
        1 if !parts[0].starts_with("g.") => parts.remove(0),
        _ => format!("[{}]", parts.join(" + ")),
    }
}
