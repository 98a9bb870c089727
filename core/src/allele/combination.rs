//! Research mode for effectively phased data with no exact diplotype: each
//! strand is described by non-overlapping named alleles (no reference
//! filling) plus leftover variants named by genomic HGVS.

use super::definitions::{bit, GeneDefinition};
use super::present::Present;
use super::DiplotypeCall;
use crate::names::natural_cmp;

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
/// Variants at `quiet` positions that no named allele on their strand
/// explains are left unnamed (DPYD's exonic HapB3 site when the intronic
/// one decides).
pub(crate) fn explain(
    def: &GeneDefinition,
    present: &[Present],
    quiet: &[usize],
    undocumented: &[(usize, u8, String)],
) -> Option<DiplotypeCall> {
    if present.is_empty() {
        return None;
    }
    let strands = [
        present.iter().map(|p| (p.index, p.a)).collect::<Vec<_>>(),
        present.iter().map(|p| (p.index, p.b)).collect::<Vec<_>>(),
    ];
    Some(pair_of_strands(
        def,
        &strands,
        &[quiet.to_vec(), quiet.to_vec()],
        undocumented,
    ))
}

/// A diplotype from two strands given as (position index, allele index)
/// lists, a position absent from a strand being missing there: each strand
/// described (with its own `quiet` positions), the two names in display
/// order. `undocumented` gives the allele behind each code past a
/// position's known alleles (position index, code, allele), for alleles no
/// definition knows that are kept and named as leftover variants.
pub(crate) fn pair_of_strands(
    def: &GeneDefinition,
    strands: &[Vec<(usize, u8)>; 2],
    quiet: &[Vec<usize>; 2],
    undocumented: &[(usize, u8, String)],
) -> DiplotypeCall {
    let mut names: Vec<String> = strands
        .iter()
        .zip(quiet)
        .map(|(s, q)| describe(def, s, q, undocumented))
        .collect();
    names.sort_by(|a, b| allele_name_cmp(a, b));
    DiplotypeCall {
        name: names.join("/"),
        alleles: names,
        score: 0,
        preferred: false,
    }
}

fn describe(
    def: &GeneDefinition,
    strand: &[(usize, u8)],
    quiet: &[usize],
    undocumented: &[(usize, u8, String)],
) -> String {
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
        if !used.contains(&i) && !quiet.contains(&i) {
            let p = &def.positions[i];
            let alt = strand
                .iter()
                .find(|(x, _)| *x == i)
                .and_then(|(_, b)| {
                    def.known[i].get(*b as usize).or_else(|| {
                        undocumented
                            .iter()
                            .find(|u| u.0 == i && u.1 == *b)
                            .map(|u| &u.2)
                    })
                })
                .cloned()
                .unwrap_or_default();
            parts.push(format!("g.{}{}>{}", p.position, def.known[i][0], alt));
        }
    }
    match parts.len() {
        0 => def.alleles[def.reference].name.clone(),
        // A lone leftover variant is named as it is (`g.41006968T>A`), as
        // the reference tool does.
        1 => parts.remove(0),
        _ => format!("[{}]", parts.join(" + ")),
    }
}
