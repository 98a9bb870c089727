//! Semantic checks across a pack set: every reference resolves.

use std::collections::BTreeSet;

use super::{LookupKey, PackSet, PhenotypeMethod};

/// Checks that everything a pack refers to exists: recommendation genes and
/// drugs belong to their guideline, every guideline gene has rules in some
/// pack, allele position indexes fit their positions, and every pair of allele
/// functions of a function-pair gene has a rule. Returns the problems found.
///
/// ```
/// let set = dosera::pack::PackSet::bundled().unwrap();
/// assert!(dosera::pack::check_references(&set).is_empty());
/// ```
pub fn check_references(set: &PackSet) -> Vec<String> {
    let mut problems = Vec::new();
    let all_genes: BTreeSet<&str> = set
        .packs
        .iter()
        .flat_map(|p| p.genes.iter().map(|g| g.symbol.as_str()))
        .collect();
    for pack in &set.packs {
        let src = pack.meta.source;
        let drugs: BTreeSet<&str> = pack.drugs.iter().map(|d| d.name.as_str()).collect();
        let mut ids = BTreeSet::new();
        for g in &pack.guidelines {
            if !ids.insert(g.id.as_str()) {
                problems.push(format!("{src}: guideline {} listed twice", g.id));
            }
            for gene in &g.genes {
                if !all_genes.contains(gene.as_str()) {
                    problems.push(format!(
                        "{src} {}: gene {gene} has no rules in any pack",
                        g.id
                    ));
                }
            }
            for d in &g.drugs {
                if !drugs.contains(d.as_str()) {
                    problems.push(format!(
                        "{src} {}: drug {d} missing from the drug list",
                        g.id
                    ));
                }
            }
            let mut seen = BTreeSet::new();
            for r in &g.recommendations {
                if !g.drugs.contains(&r.drug) {
                    problems.push(format!("{src} {}: drug {} not in guideline", r.id, r.drug));
                }
                for (gene, key) in &r.lookup {
                    if !g.genes.contains(gene) {
                        problems.push(format!("{src} {}: gene {gene} not in guideline", r.id));
                    }
                    if let LookupKey::Key(k) = key {
                        if k.trim().is_empty() {
                            problems.push(format!("{src} {}: empty key for {gene}", r.id));
                        }
                    }
                }
                if r.summary.trim().is_empty() || r.implication.trim().is_empty() {
                    problems.push(format!("{src} {}: summary or implication empty", r.id));
                }
                let k = (
                    r.drug.clone(),
                    format!("{:?}", r.lookup),
                    r.population.clone(),
                );
                if !seen.insert(k) {
                    problems.push(format!(
                        "{src} {}: another recommendation has the same drug, keys and population",
                        r.id
                    ));
                }
            }
        }
        for gene in &pack.genes {
            if let Some(def) = &gene.definition {
                for a in &def.alleles {
                    if let Some((&last, _)) = a.alleles.last_key_value() {
                        if last >= def.positions.len() {
                            problems.push(format!(
                                "{src} {} {}: position index {last} beyond the {} positions",
                                gene.symbol,
                                a.name,
                                def.positions.len()
                            ));
                        }
                    }
                }
            }
            let p = &gene.phenotyping;
            if p.method == PhenotypeMethod::FunctionPair && !p.function_pairs.is_empty() {
                let functions: BTreeSet<&str> = p
                    .alleles
                    .iter()
                    .filter_map(|a| a.function.as_deref())
                    .collect();
                let functions: Vec<&str> = functions.into_iter().collect();
                for (i, a) in functions.iter().enumerate() {
                    for b in &functions[i..] {
                        let covered = p.function_pairs.iter().any(|r| {
                            (r.functions[0] == *a && r.functions[1] == *b)
                                || (r.functions[0] == *b && r.functions[1] == *a)
                        });
                        if !covered {
                            problems.push(format!(
                                "{src} {}: no rule for functions {a} + {b}",
                                gene.symbol
                            ));
                        }
                    }
                }
            }
            for (old, new) in &p.aliases {
                if !p.alleles.iter().any(|a| &a.name == new) {
                    problems.push(format!(
                        "{src} {}: alias {old} points to unknown {new}",
                        gene.symbol
                    ));
                }
            }
        }
    }
    problems
}
