//! Lowest-function genes (DPYD, RYR1): function ranks of alleles, the
//! lowest-function allele on a strand, and the allele list called from
//! unphased data.

use std::cmp::Ordering;

use crate::allele::definitions::{bit, GeneDefinition};
use crate::allele::present::Present;
use crate::allele::GeneCall;
use crate::names::natural_cmp;
use crate::pack::Gene;

/// Activity or function rank of an allele: lower means less function.
pub(crate) fn function_rank(gene: &Gene, name: &str) -> f64 {
    let Some(f) = gene.phenotyping.alleles.iter().find(|a| a.name == name) else {
        return 2.5;
    };
    if let Some(v) = f
        .activity
        .as_deref()
        .and_then(|a| a.trim().parse::<f64>().ok())
    {
        return v;
    }
    let text = f.function.as_deref().unwrap_or("").to_ascii_lowercase();
    if text.contains("no function")
        || text.contains("malignant")
        || text.contains("mh ")
        || text.starts_with("mh")
    {
        0.0
    } else if text.contains("decreased") {
        0.5
    } else if text.contains("normal") {
        1.0
    } else if text.contains("increased") {
        1.5
    } else {
        0.75
    }
}

/// The lowest-function named allele of one strand's description
/// (`[c.61C>T + c.313G>A]` → the lower of the two); a simple name is itself.
pub(super) fn lowest_on_strand(gene: &Gene, strand: &str) -> String {
    let Some(inner) = strand.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return strand.to_string();
    };
    let mut parts: Vec<&str> = inner
        .split(" + ")
        .map(str::trim)
        .filter(|p| !p.starts_with("g."))
        .collect();
    parts.sort_by(|a, b| {
        function_rank(gene, a)
            .partial_cmp(&function_rank(gene, b))
            .unwrap_or(Ordering::Equal)
            .then_with(|| natural_cmp(a, b))
    });
    parts
        .first()
        .map(|p| p.to_string())
        .unwrap_or_else(|| strand.to_string())
}

/// DPYD and RYR1 on unphased data: every named allele the genotypes show,
/// and the two lowest-function ones for the phenotype.
pub(super) fn lowest_function_matches(
    def: &GeneDefinition,
    gene: &Gene,
    present: &[Present],
    scores: &[i32],
    call: &mut GeneCall,
) {
    // Alleles whose every defined (present) position shows the defined allele
    // on at least one strand; count 2 when shown on both.
    // The genotype at each position index, where present.
    let mut at: Vec<Option<&Present>> = vec![None; def.positions.len()];
    for p in present {
        if let Some(slot) = at.get_mut(p.index) {
            *slot = Some(p);
        }
    }
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (ai, a) in def.alleles.iter().enumerate() {
        if a.reference || scores[ai] == 0 {
            continue;
        }
        let mut copies = 2;
        for set in &a.sets {
            let Some(p) = at.get(set.index).copied().flatten() else {
                continue;
            };
            let in_a = set.mask & bit(p.a as usize) != 0;
            let in_b = set.mask & bit(p.b as usize) != 0;
            copies = copies.min(in_a as usize + in_b as usize);
        }
        if copies > 0 {
            found.push((ai, copies));
        }
    }
    // Drop alleles whose defined positions are a strict subset of another
    // found allele's (the larger one explains them).
    let defined = |ai: usize| -> Vec<usize> {
        def.alleles[ai]
            .sets
            .iter()
            .filter(|s| at.get(s.index).is_some_and(Option::is_some))
            .map(|s| s.index)
            .collect()
    };
    let keep: Vec<(usize, usize)> = found
        .iter()
        .filter(|(x, _)| {
            let dx = defined(*x);
            !found.iter().any(|(y, _)| {
                let dy = defined(*y);
                y != x && dy.len() > dx.len() && dx.iter().all(|i| dy.contains(i))
            })
        })
        .copied()
        .collect();
    let mut names: Vec<String> = Vec::new();
    for (ai, copies) in &keep {
        for _ in 0..*copies {
            names.push(def.alleles[*ai].name.clone());
        }
    }
    names.sort_by(|a, b| natural_cmp(a, b));
    call.allele_matches = names.clone();
    let reference = def.alleles[def.reference].name.clone();
    let mut ranked = names;
    ranked.sort_by(|a, b| {
        function_rank(gene, a)
            .partial_cmp(&function_rank(gene, b))
            .unwrap_or(Ordering::Equal)
            .then_with(|| natural_cmp(a, b))
    });
    ranked.truncate(2);
    while ranked.len() < 2 {
        ranked.push(reference.clone());
    }
    call.notes.push(format!(
        "unphased data: the phenotype uses the two lowest-function alleles found ({})",
        ranked.join(" and ")
    ));
    if call.allele_matches.is_empty() {
        call.allele_matches = vec![reference.clone(), reference];
    }
    call.phenotype_alleles = Some(ranked);
}
