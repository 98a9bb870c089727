//! The matching core: one gene's observations become its call, step by
//! step. The observations are read, what is missing or uncallable is noted,
//! and a call is either refused with a reason or made: by orienting phase
//! sets, by the allele list of a lowest-function gene, by the candidate
//! pairs that fit, or, when none fits, by describing each strand.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use super::hapb3::{hapb3_conflict, hapb3_note, hapb3_quiet, HAPB3_CONFLICT_NOTE};
use super::lowest_function::{lowest_function_matches, lowest_on_strand};
use super::phase::{
    orient_phase_sets, phase_sets, phase_with_half_calls, HalfCall, MAX_ORIENTED_SETS,
};
use super::reading::{read_observations, Reading};
use super::scoring::{mark_priorities, masks, pairs, penalty_single, same_diplotype};
use super::slco1b1::slco1b1_fallback;
use crate::allele::bits::Bits;
use crate::allele::combination;
use crate::allele::definitions::GeneDefinition;
use crate::allele::present::Present;
use crate::allele::{CallOptions, CallSource, DiplotypeCall, Evidence, GeneCall, PhaseState};
use crate::genotype::Observation;
use crate::names::natural_cmp;
use crate::pack::Gene;

/// Matches one gene's observations against its allele definitions.
pub(super) fn match_gene(
    def: &GeneDefinition,
    gene: &Gene,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
    evidence: bool,
) -> GeneCall {
    let mut call = empty_call(def, hemizygous);
    let reading = read_observations(def, obs, opts, hemizygous, evidence, &mut call.evidence);
    note_assumed_reference(&mut call);
    call_heterozygous_male_as_two_copies(reading.het_in_male, &mut call);
    let missing_idx = missing_indexes(def, &call.evidence);
    note_missing_tier1(def, &missing_idx, &mut call);
    let scores = allele_scores(def, &reading.present, &reading.halves);
    list_uncallable_alleles(def, &scores, &mut call);
    call.evidence.phase = phase_with_half_calls(&reading.present, &reading.halves);
    if let Some(reason) = no_call_reason(def, &reading, &missing_idx) {
        call.no_call_reason = Some(reason);
        return call;
    }
    let Reading {
        present,
        halves,
        undocumented,
        ..
    } = reading;
    if def.symbol == "DPYD" {
        hapb3_note(def, &present, &missing_idx, &mut call);
    }
    if !halves.is_empty() {
        orient_phase_sets(def, gene, &present, &halves, &mut call);
        return call;
    }

    let hemi = call.hemizygous;
    let masks = masks(def, &present);
    let candidates = candidate_alleles(def, &masks, &scores);
    let effectively_phased = call.evidence.phase == Some(PhaseState::EffectivelyPhased);
    if def.lowest_function
        && !effectively_phased
        && !hemi
        && call_lowest_function_unphased(def, gene, &present, &scores, &mut call).is_break()
    {
        return call;
    }
    let mut diplotypes = if hemi {
        best_single_alleles(def, &present, &candidates, &scores)
    } else {
        pairs(def, &present, &masks, &candidates, &scores)
    };
    sort_by_score_then_name(&mut diplotypes);
    // Priorities are judged on every fitting pair, before the top-scoring
    // ones are kept: a curated pick can score lower than the pair it is
    // preferred over.
    call.diplotypes = diplotypes;
    let losers = mark_priorities(def, &mut call);
    if opts.top_candidate_only {
        keep_top_candidates(&losers, &mut call);
    }
    if call.diplotypes.is_empty() && !call.allele_matches.is_empty() {
        // Lowest-function gene on unphased data: the allele list is the call.
        return call;
    }
    if call.diplotypes.is_empty()
        && describe_each_strand(
            def,
            gene,
            opts,
            &present,
            &undocumented,
            effectively_phased,
            &mut call,
        )
        .is_continue()
    {
        refuse_no_fit(def, &present, &mut call);
    }
    call
}

/// A call from the VCF with nothing found yet.
fn empty_call(def: &GeneDefinition, hemizygous: bool) -> GeneCall {
    GeneCall {
        gene: def.symbol.clone(),
        source: CallSource::Vcf,
        diplotypes: Vec::new(),
        allele_matches: Vec::new(),
        phenotype_alleles: None,
        decided_by: None,
        hemizygous,
        no_call_reason: None,
        notes: Vec::new(),
        evidence: Evidence::default(),
    }
}

/// Notes how many missing positions were assumed homozygous reference.
fn note_assumed_reference(call: &mut GeneCall) {
    if call.evidence.missing.iter().any(|m| m.assumed_reference) {
        let n = call
            .evidence
            .missing
            .iter()
            .filter(|m| m.assumed_reference)
            .count();
        call.notes.push(format!(
            "{n} missing position(s) assumed homozygous reference, as requested; the call is only as good as that assumption"
        ));
    }
}

/// A sample treated as male with heterozygous chrX calls is called as two
/// copies, and the call says so.
fn call_heterozygous_male_as_two_copies(het_in_male: bool, call: &mut GeneCall) {
    if het_in_male {
        call.hemizygous = false;
        call.notes.push(
            "heterozygous chrX calls in a sample treated as male; called as two copies".into(),
        );
    }
}

/// Indexes of the positions used that are missing (and not assumed
/// reference).
fn missing_indexes(def: &GeneDefinition, found: &Evidence) -> Vec<usize> {
    def.positions
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            !def.ignored[*i]
                && found
                    .missing
                    .iter()
                    .any(|m| m.position == p.position && !m.assumed_reference)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Notes the missing positions a clinical test of the gene is expected to
/// cover.
fn note_missing_tier1(def: &GeneDefinition, missing_idx: &[usize], call: &mut GeneCall) {
    let tier1_missing: Vec<String> = def
        .amp_tier1
        .iter()
        .filter(|i| missing_idx.contains(i))
        .map(|&i| {
            let p = &def.positions[i];
            p.rsid.clone().unwrap_or_else(|| p.hgvs.clone())
        })
        .collect();
    if !tier1_missing.is_empty() {
        call.notes.push(format!(
            "missing position(s) that a clinical {} test is expected to cover: {}",
            def.symbol,
            tier1_missing.join(", ")
        ));
    }
}

/// Each allele's score: how many of its defined positions have a genotype
/// (half-calls included).
fn allele_scores(def: &GeneDefinition, present: &[Present], halves: &[HalfCall]) -> Vec<i32> {
    let mut is_present = vec![false; def.positions.len()];
    for i in present
        .iter()
        .map(|p| p.index)
        .chain(halves.iter().map(|h| h.index))
    {
        is_present[i] = true;
    }
    def.alleles
        .iter()
        .map(|a| a.sets.iter().filter(|s| is_present[s.index]).count() as i32)
        .collect()
}

/// Lists the alleles with nothing left to score as uncallable.
fn list_uncallable_alleles(def: &GeneDefinition, scores: &[i32], call: &mut GeneCall) {
    for (ai, a) in def.alleles.iter().enumerate() {
        if scores[ai] == 0 && !a.reference {
            call.evidence.uncallable_alleles.push(a.name.clone());
        }
    }
}

/// Why no call can be made at all, if so: an allele no definition knows, a
/// required position missing, or no usable genotype.
fn no_call_reason(
    def: &GeneDefinition,
    reading: &Reading,
    missing_idx: &[usize],
) -> Option<String> {
    if !reading.blocked_by_undocumented.is_empty() {
        return Some(format!(
            "allele(s) no definition knows: {}",
            reading.blocked_by_undocumented.join(", ")
        ));
    }
    if let Some(&i) = def.required.iter().find(|i| missing_idx.contains(i)) {
        let p = &def.positions[i];
        return Some(format!(
            "required position {} ({}) is missing",
            p.rsid.as_deref().unwrap_or(&p.hgvs),
            p.position
        ));
    }
    if reading.present.is_empty() && reading.halves.is_empty() {
        return Some("no definition position has a usable genotype".into());
    }
    None
}

/// Alleles that can take an observed allele at every present position,
/// less the non-reference alleles with nothing to score.
fn candidate_alleles(def: &GeneDefinition, masks: &[(&Bits, &Bits)], scores: &[i32]) -> Bits {
    let mut candidates = Bits::full(def.alleles.len());
    for (m0, m1) in masks {
        let mut either = (*m0).clone();
        either.or(m1);
        candidates.and(&either);
    }
    for (ai, s) in scores.iter().enumerate() {
        if *s == 0 && !def.alleles[ai].reference {
            candidates.clear(ai);
        }
    }
    candidates
}

/// A lowest-function gene on data that is not effectively phased: phase
/// sets few enough are oriented one by one; otherwise the named alleles
/// found are listed and the two lowest-function ones give the phenotype.
/// Breaks when that is the whole call.
fn call_lowest_function_unphased(
    def: &GeneDefinition,
    gene: &Gene,
    present: &[Present],
    scores: &[i32],
    call: &mut GeneCall,
) -> ControlFlow<()> {
    if def.orients_phase_sets {
        if let Some(sets) = phase_sets(present) {
            if sets.len() <= MAX_ORIENTED_SETS {
                orient_phase_sets(def, gene, present, &[], call);
                return ControlFlow::Break(());
            }
            call.notes.push(format!(
                "heterozygous sites in {} phase sets, more than the {MAX_ORIENTED_SETS} whose orientations are tried; read as unphased",
                sets.len()
            ));
        }
    }
    lowest_function_matches(def, gene, present, scores, call);
    if def.lowest_function_keeps_pairs {
        ControlFlow::Continue(())
    } else {
        ControlFlow::Break(())
    }
}

/// A hemizygous call: the candidate alleles with the top score.
fn best_single_alleles(
    def: &GeneDefinition,
    present: &[Present],
    candidates: &Bits,
    scores: &[i32],
) -> Vec<DiplotypeCall> {
    let scored: Vec<(usize, i32)> = candidates
        .iter()
        .map(|a| (a, scores[a] - penalty_single(def, present, a)))
        .collect();
    let top = scored.iter().map(|(_, s)| *s).max();
    scored
        .into_iter()
        .filter(|(_, s)| Some(*s) == top)
        .map(|(a, score)| DiplotypeCall {
            name: def.alleles[a].name.clone(),
            alleles: vec![def.alleles[a].name.clone()],
            score,
            preferred: false,
        })
        .collect()
}

/// Highest score first, then by allele names (numeric-aware).
fn sort_by_score_then_name(diplotypes: &mut [DiplotypeCall]) {
    diplotypes.sort_by(|x, y| {
        y.score.cmp(&x.score).then_with(|| {
            for (a, b) in x.alleles.iter().zip(&y.alleles) {
                let o = natural_cmp(a, b);
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        })
    });
}

/// The call: the top-scoring pairs and the curated picks, without the
/// pairs a pick is preferred over; the rest are listed as lower scoring.
fn keep_top_candidates(losers: &[String], call: &mut GeneCall) {
    let kept = |d: &DiplotypeCall, top: i32| {
        d.preferred || (d.score == top && !losers.iter().any(|l| same_diplotype(&d.name, l)))
    };
    let top = call
        .diplotypes
        .iter()
        .filter(|d| !losers.iter().any(|l| same_diplotype(&d.name, l)))
        .map(|d| d.score)
        .max();
    if let Some(top) = top {
        let (keep, drop): (Vec<DiplotypeCall>, Vec<DiplotypeCall>) =
            std::mem::take(&mut call.diplotypes)
                .into_iter()
                .partition(|d| kept(d, top));
        call.evidence.lower_scoring = drop.into_iter().map(|d| d.name).collect();
        call.diplotypes = keep;
    }
}

/// Effectively phased data that no named pair fits, in research mode or
/// for a lowest-function gene: each strand is described by the named
/// alleles and variants it carries. Breaks when the strands are described.
fn describe_each_strand(
    def: &GeneDefinition,
    gene: &Gene,
    opts: &CallOptions,
    present: &[Present],
    undocumented: &[(usize, u8, String)],
    effectively_phased: bool,
    call: &mut GeneCall,
) -> ControlFlow<()> {
    let combine = opts.combinations || (def.lowest_function && effectively_phased);
    if combine && effectively_phased {
        let quiet = hapb3_quiet(def, present);
        if let Some(d) = combination::explain(def, present, &quiet, undocumented) {
            call.notes.push(
                "no named diplotype fits; each strand is described by the named alleles and variants it carries"
                    .into(),
            );
            let strands = [
                present.iter().map(|p| (p.index, p.a)).collect::<Vec<_>>(),
                present.iter().map(|p| (p.index, p.b)).collect::<Vec<_>>(),
            ];
            if hapb3_conflict(def, &strands) {
                call.notes.push(HAPB3_CONFLICT_NOTE.into());
            }
            if def.lowest_function {
                // Each strand counts as its lowest-function named allele.
                let strands: Vec<String> = d
                    .alleles
                    .iter()
                    .map(|strand| lowest_on_strand(gene, strand))
                    .collect();
                call.notes.push(format!(
                    "the phenotype uses the lowest-function allele on each strand ({})",
                    strands.join(" and ")
                ));
                call.phenotype_alleles = Some(strands);
            }
            call.diplotypes.push(d);
            return ControlFlow::Break(());
        }
    }
    ControlFlow::Continue(())
}

/// No pair of named alleles fits: the reason, and for SLCO1B1 the
/// phenotype from rs4149056 alone.
fn refuse_no_fit(def: &GeneDefinition, present: &[Present], call: &mut GeneCall) {
    call.no_call_reason = Some(
        "the genotypes fit no pair of named alleles (a novel combination or an unlisted allele)"
            .into(),
    );
    if def.symbol == "SLCO1B1" {
        slco1b1_fallback(def, present, call);
    }
}
