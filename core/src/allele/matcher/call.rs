//! Calling one gene: the matched call, with sub-alleles reported by the
//! names the function tables give and the curated notes that apply.

use super::matching::match_gene;
use crate::allele::definitions::GeneDefinition;
use crate::allele::{CallOptions, DiplotypeCall, GeneCall};
use crate::genotype::Observation;
use crate::pack::Gene;

/// Calls one gene from the sample's observations at its positions
/// (`obs[i]` for position `i` of the definition).
pub(crate) fn call_gene(
    def: &GeneDefinition,
    gene: &Gene,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
) -> GeneCall {
    call_with(def, gene, obs, opts, hemizygous, true)
}

/// [`call_gene`] without the per-position evidence
/// (`evidence.positions_used` stays empty, and the curated notes that
/// depend on it may be missing): the same diplotypes, phenotype alleles,
/// missing positions, no-call reason and warnings, for callers that show
/// only those (the cohort tables).
pub(crate) fn call_gene_lean(
    def: &GeneDefinition,
    gene: &Gene,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
) -> GeneCall {
    call_with(def, gene, obs, opts, hemizygous, false)
}

/// The call, with or without per-position evidence (and the curated notes
/// that read it).
fn call_with(
    def: &GeneDefinition,
    gene: &Gene,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
    evidence: bool,
) -> GeneCall {
    let mut call = match_gene(def, gene, obs, opts, hemizygous, evidence);
    report_parent_names(gene, &mut call);
    if evidence {
        attach_curated_notes(gene, &mut call);
    }
    call
}

/// The name a matched allele is reported by: a sub-allele (`*45.001`)
/// whose function the gene's tables give only for its parent (`*45`) is
/// reported as the parent, as the reference tool does; the sub-allele
/// matched is kept in a note. Other names are unchanged.
///
/// ```text
/// SLCO1B1 *45.001 → *45   (function tables list *45 only)
/// SLCO1B1 *1      → *1
/// ```
fn parent_name(gene: &Gene, name: &str) -> Option<String> {
    let (parent, suffix) = name.rsplit_once('.')?;
    if suffix.is_empty() || !suffix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let listed = |n: &str| gene.phenotyping.alleles.iter().any(|a| a.name == n);
    (!listed(name) && listed(parent)).then(|| parent.to_string())
}

/// Applies [`parent_name`] to every allele of a call, merging diplotypes
/// that become the same, and notes each renaming.
fn report_parent_names(gene: &Gene, call: &mut GeneCall) {
    let mut renamed: Vec<(String, String)> = Vec::new();
    let mut rename = |n: &mut String| {
        if let Some(p) = parent_name(gene, n) {
            if !renamed.iter().any(|(from, _)| from == n) {
                renamed.push((n.clone(), p.clone()));
            }
            *n = p;
        }
    };
    for d in &mut call.diplotypes {
        for a in &mut d.alleles {
            rename(a);
        }
    }
    for a in &mut call.allele_matches {
        rename(a);
    }
    if let Some(pair) = &mut call.phenotype_alleles {
        for a in pair {
            rename(a);
        }
    }
    if renamed.is_empty() {
        return;
    }
    let mut kept: Vec<DiplotypeCall> = Vec::with_capacity(call.diplotypes.len());
    for mut d in std::mem::take(&mut call.diplotypes) {
        d.name = d.alleles.join("/");
        if !kept.iter().any(|k| k.name == d.name) {
            kept.push(d);
        }
    }
    call.diplotypes = kept;
    for (from, to) in renamed {
        call.notes.push(format!(
            "{from} matched; reported as {to}, the allele the function tables define"
        ));
    }
}

/// Curated notes that apply to this call (ambiguities unphased data cannot
/// resolve, missing positions that hide an allele, strand).
fn attach_curated_notes(gene: &Gene, call: &mut GeneCall) {
    let dips: Vec<String> = call.diplotypes.iter().map(|d| d.name.clone()).collect();
    let het: Vec<String> = call
        .evidence
        .positions_used
        .iter()
        .filter(|p| {
            let mut parts = p.genotype.split(['/', '|']);
            matches!((parts.next(), parts.next()), (Some(a), Some(b)) if a != b)
        })
        .filter_map(|p| p.rsid.clone())
        .collect();
    let missing: Vec<String> = call
        .evidence
        .missing
        .iter()
        .filter(|m| !m.assumed_reference)
        .filter_map(|m| m.rsid.clone())
        .collect();
    let mut called: Vec<String> = call
        .diplotypes
        .iter()
        .flat_map(|d| d.alleles.iter().cloned())
        .collect();
    called.extend(call.allele_matches.iter().cloned());
    for note in crate::pack::applicable_notes(gene, &dips, &het, &missing, &called) {
        if !call.notes.contains(&note.text) {
            call.notes.push(note.text.clone());
        }
    }
}
