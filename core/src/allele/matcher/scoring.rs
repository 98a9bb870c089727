//! Scoring and ranking candidate allele pairs: which pairs fit the
//! genotypes, their scores and IUPAC penalties, and the curated priority
//! picks among pairs unphased data cannot tell apart.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::allele::bits::Bits;
use crate::allele::combination;
use crate::allele::definitions::GeneDefinition;
use crate::allele::present::Present;
use crate::allele::{DiplotypeCall, GeneCall};

/// Per present position: (alleles accepting the first allele, alleles
/// accepting the second).
pub(super) fn masks<'d>(def: &'d GeneDefinition, present: &[Present]) -> Vec<(&'d Bits, &'d Bits)> {
    let accepting = |i: usize, k: u8| def.accepting[i].get(k as usize).unwrap_or(&def.no_alleles);
    present
        .iter()
        .map(|p| (accepting(p.index, p.a), accepting(p.index, p.b)))
        .collect()
}

/// Every pair of alleles consistent with the genotypes, scored. A pair fits
/// when, at every present position, the two alleles can take the two
/// observed alleles (in either order for unphased sites, in one consistent
/// orientation per phase set). Each candidate's possible partners are the
/// intersection of per-position bitsets, so the work is polynomial: no
/// phasing of the heterozygous sites is ever enumerated.
pub(super) fn pairs(
    def: &GeneDefinition,
    present: &[Present],
    masks: &[(&Bits, &Bits)],
    candidates: &Bits,
    scores: &[i32],
) -> Vec<DiplotypeCall> {
    let n = def.alleles.len();
    let mut blocks: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut unphased_hets = Vec::new();
    for (k, p) in present.iter().enumerate() {
        if !p.het() {
            continue;
        }
        match &p.block {
            Some(b) => blocks.entry(b.as_str()).or_default().push(k),
            None => unphased_hets.push(k),
        }
    }
    let mut out = Vec::new();
    for a in candidates.iter() {
        let mut allowed = candidates.clone();
        for &k in &unphased_hets {
            let (m0, m1) = &masks[k];
            match (m0.has(a), m1.has(a)) {
                (true, true) => {}
                (true, false) => allowed.and(m1),
                (false, true) => allowed.and(m0),
                (false, false) => allowed = Bits::empty(n),
            }
        }
        let mut ok = true;
        for sites in blocks.values() {
            let mut union = Bits::empty(n);
            let mut any = false;
            for orient in 0..2 {
                let fits = sites.iter().all(|&k| {
                    if orient == 0 {
                        masks[k].0.has(a)
                    } else {
                        masks[k].1.has(a)
                    }
                });
                if fits {
                    let mut partner = Bits::full(n);
                    for &k in sites {
                        partner.and(if orient == 0 { masks[k].1 } else { masks[k].0 });
                    }
                    union.or(&partner);
                    any = true;
                }
            }
            if !any {
                ok = false;
                break;
            }
            allowed.and(&union);
        }
        if !ok || allowed.is_empty() {
            continue;
        }
        for b in allowed.iter().filter(|b| *b >= a) {
            let (x, y) = order(&def.alleles[a].name, &def.alleles[b].name, a, b);
            let score = scores[a] + scores[b] - penalty_pair(def, present, masks, a, b);
            out.push(DiplotypeCall {
                name: format!("{}/{}", def.alleles[x].name, def.alleles[y].name),
                alleles: vec![def.alleles[x].name.clone(), def.alleles[y].name.clone()],
                score,
                preferred: false,
            });
        }
    }
    out
}

/// One point off for each IUPAC-coded position an allele matched only with
/// the reference base.
fn penalty_pair(
    def: &GeneDefinition,
    present: &[Present],
    masks: &[(&Bits, &Bits)],
    a: usize,
    b: usize,
) -> i32 {
    let (da, db) = (&def.alleles[a], &def.alleles[b]);
    if !da.any_iupac && !db.any_iupac {
        return 0;
    }
    let mut total = 0;
    for (k, p) in present.iter().enumerate() {
        let (ia, ib) = (da.iupac(p.index), db.iupac(p.index));
        if !ia && !ib {
            continue;
        }
        let (m0, m1) = &masks[k];
        let cost = |x_ref: bool, y_ref: bool| (ia && x_ref) as i32 + (ib && y_ref) as i32;
        let straight = (m0.has(a) && m1.has(b)).then(|| cost(p.a == 0, p.b == 0));
        let swapped = (m1.has(a) && m0.has(b)).then(|| cost(p.b == 0, p.a == 0));
        total += match (straight, swapped) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => 0,
        };
    }
    total
}

/// A pair of allele indexes in display order of their names.
fn order(na: &str, nb: &str, a: usize, b: usize) -> (usize, usize) {
    if combination::allele_name_cmp(na, nb) == Ordering::Greater {
        (b, a)
    } else {
        (a, b)
    }
}

/// [`penalty_pair`] for a single (hemizygous) allele.
pub(super) fn penalty_single(def: &GeneDefinition, present: &[Present], a: usize) -> i32 {
    present
        .iter()
        .filter(|p| def.alleles[a].iupac(p.index) && p.a == 0)
        .count() as i32
}

/// NAT2-style priority groups: when every diplotype of a group fits, its
/// first is marked preferred. Returns the group members a pick is
/// preferred over.
pub(super) fn mark_priorities(def: &GeneDefinition, call: &mut GeneCall) -> Vec<String> {
    let mut losers = Vec::new();
    for group in &def.priorities {
        let all = group
            .iter()
            .all(|g| call.diplotypes.iter().any(|d| same_diplotype(&d.name, g)));
        if all && group.len() > 1 {
            for d in &mut call.diplotypes {
                if same_diplotype(&d.name, &group[0]) {
                    d.preferred = true;
                }
            }
            call.notes.push(format!(
                "unphased data cannot tell {} apart; {} is the curated preferred pick",
                group.join(", "),
                group[0]
            ));
            losers.extend(group[1..].iter().cloned());
        }
    }
    losers
}

/// Whether two diplotype names name the same pair, in either order.
pub(super) fn same_diplotype(x: &str, y: &str) -> bool {
    let split = |s: &str| {
        let mut v: Vec<String> = s.split('/').map(|p| p.trim().to_string()).collect();
        v.sort();
        v
    };
    split(x) == split(y)
}
