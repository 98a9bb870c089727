//! The diplotype matcher: candidate pairs checked directly against the
//! genotypes with one bitset per position and allele.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::bits::Bits;
use super::combination;
use super::definitions::GeneDefinition;
use super::present::Present;
use super::{
    CallOptions, CallSource, DiplotypeCall, Evidence, GeneCall, MissingPosition, PhaseState,
    PositionEvidence, Undocumented,
};
use crate::genotype::{MissingReason, Observation, SeenAllele};
use crate::names::natural_cmp;
use crate::pack::Gene;

/// A phased half-call (`T|.`, `.|C`) the matcher uses: the called allele
/// sits on one strand; on the other strand the position is missing.
#[derive(Debug, Clone)]
pub(crate) struct HalfCall {
    /// Position index in the gene definition.
    pub index: usize,
    /// The allele called (a variant: `0|.` is read as missing).
    pub allele: u8,
    /// The strand carrying it: 0 for the first GT allele, 1 for the second.
    pub strand: usize,
    /// Phase set (empty when the GT is phased without `PS`).
    pub block: String,
}

/// Whether a gene's phased half-calls are read strand by strand: only for
/// genes whose phased data is described strand by strand (DPYD), when every
/// heterozygous call is phased and the phase sets (half-calls included) are
/// few enough to orient. Everywhere else a half-call is a missing position.
fn reads_half_calls(def: &GeneDefinition, obs: &[Observation], hemizygous: bool) -> bool {
    if !(def.lowest_function && def.orients_phase_sets) || hemizygous {
        return false;
    }
    let mut blocks: Vec<&str> = Vec::new();
    let mut any_half = false;
    for (i, o) in obs.iter().enumerate() {
        if def.ignored.get(i).copied().unwrap_or(true) {
            continue;
        }
        let block = match o {
            Observation::Called {
                a,
                b: Some(b),
                phased,
                phase_set,
            } if a != b => {
                if !phased {
                    return false;
                }
                phase_set.as_deref().unwrap_or_default()
            }
            Observation::Half {
                allele: SeenAllele::Known(k),
                phased: true,
                phase_set,
                ..
            } if *k != 0 => {
                any_half = true;
                phase_set.as_deref().unwrap_or_default()
            }
            _ => continue,
        };
        if !blocks.contains(&block) {
            blocks.push(block);
        }
    }
    any_half && blocks.len() <= MAX_ORIENTED_SETS
}

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

fn match_gene(
    def: &GeneDefinition,
    gene: &Gene,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
    evidence: bool,
) -> GeneCall {
    let mut call = GeneCall {
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
    };
    let mut present: Vec<Present> = Vec::new();
    let mut halves: Vec<HalfCall> = Vec::new();
    let read_halves = reads_half_calls(def, obs, hemizygous);
    // Combination mode keeps the undocumented alleles of genes that would
    // read them as reference (lowest-function genes excepted), to name them
    // as leftover variants: (position index, allele code, allele).
    let keep_undocumented =
        opts.combinations && def.undocumented_as_reference && !def.lowest_function;
    let mut undocumented: Vec<(usize, u8, String)> = Vec::new();
    let mut blocked_by_undocumented = Vec::new();
    let mut het_in_male = false;
    for (i, p) in def.positions.iter().enumerate() {
        if def.ignored[i] {
            continue;
        }
        let o = obs
            .get(i)
            .cloned()
            .unwrap_or(Observation::Missing(MissingReason::NotInVcf));
        let o = match o {
            Observation::Half {
                allele: SeenAllele::Known(k),
                strand,
                phased: true,
                phase_set,
            } if read_halves && k != 0 => {
                if evidence {
                    let shown = def.known[i].get(k as usize).cloned().unwrap_or_default();
                    call.evidence.positions_used.push(PositionEvidence {
                        position: p.position,
                        rsid: p.rsid.clone(),
                        genotype: if strand == 0 {
                            format!("{shown}|.")
                        } else {
                            format!(".|{shown}")
                        },
                        phase_set: phase_set.clone(),
                    });
                }
                halves.push(HalfCall {
                    index: i,
                    allele: k,
                    strand: usize::from(strand != 0),
                    block: phase_set.unwrap_or_default(),
                });
                continue;
            }
            Observation::Half { .. } => Observation::Missing(MissingReason::PartialGenotype),
            o => o,
        };
        let (a, b, phased, phase_set) = match o {
            Observation::Missing(reason) => {
                let assumed = opts.assume_reference;
                call.evidence.missing.push(MissingPosition {
                    position: p.position,
                    rsid: p.rsid.clone(),
                    reason,
                    assumed_reference: assumed,
                });
                if !assumed {
                    continue;
                }
                (
                    SeenAllele::Known(0),
                    Some(SeenAllele::Known(0)),
                    false,
                    None,
                )
            }
            Observation::Called {
                a,
                b,
                phased,
                phase_set,
            } => (a, b, phased, phase_set),
            // Turned into a missing position or used above.
            Observation::Half { .. } => continue,
        };
        let mut resolve = |s: SeenAllele| -> Option<u8> {
            match s {
                SeenAllele::Known(k) => Some(k),
                SeenAllele::Unknown(text) => {
                    // Kept: coded after the position's known alleles, so no
                    // named allele (reference included) accepts it.
                    let kept = keep_undocumented
                        .then(
                            || match undocumented.iter().find(|u| u.0 == i && u.2 == text) {
                                Some(u) => Some(u.1),
                                None => {
                                    let taken = undocumented.iter().filter(|u| u.0 == i).count();
                                    let code = u8::try_from(def.known[i].len() + taken).ok()?;
                                    undocumented.push((i, code, text.clone()));
                                    Some(code)
                                }
                            },
                        )
                        .flatten();
                    call.evidence.undocumented.push(Undocumented {
                        position: p.position,
                        rsid: p.rsid.clone(),
                        allele: text.clone(),
                        treated_as_reference: def.undocumented_as_reference && kept.is_none(),
                    });
                    if kept.is_some() {
                        kept
                    } else if def.undocumented_as_reference {
                        Some(0)
                    } else {
                        blocked_by_undocumented.push(format!(
                            "{} at {}",
                            text,
                            p.rsid.as_deref().unwrap_or(&p.hgvs)
                        ));
                        None
                    }
                }
            }
        };
        let a = resolve(a);
        let b = b.map(&mut resolve);
        let Some(a) = a else { continue };
        let b = match b {
            Some(Some(b)) => b,
            Some(None) => continue,
            None => a,
        };
        if hemizygous && a != b {
            het_in_male = true;
        }
        let block = (phased && a != b).then(|| phase_set.clone().unwrap_or_default());
        if evidence {
            let shown = |k: u8| -> &str {
                def.known[i]
                    .get(k as usize)
                    .or_else(|| {
                        undocumented
                            .iter()
                            .find(|u| u.0 == i && u.1 == k)
                            .map(|u| &u.2)
                    })
                    .map_or("", String::as_str)
            };
            let genotype = if a == b && hemizygous {
                shown(a).to_string()
            } else {
                let (x, y) = (shown(a), shown(b));
                let mut g = String::with_capacity(x.len() + 1 + y.len());
                g.push_str(x);
                g.push(if phased { '|' } else { '/' });
                g.push_str(y);
                g
            };
            call.evidence.positions_used.push(PositionEvidence {
                position: p.position,
                rsid: p.rsid.clone(),
                genotype,
                phase_set: if phased { phase_set } else { None },
            });
        }
        present.push(Present {
            index: i,
            a,
            b,
            block,
        });
    }
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
    if het_in_male {
        call.hemizygous = false;
        call.notes.push(
            "heterozygous chrX calls in a sample treated as male; called as two copies".into(),
        );
    }
    let missing_idx: Vec<usize> = def
        .positions
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            !def.ignored[*i]
                && call
                    .evidence
                    .missing
                    .iter()
                    .any(|m| m.position == p.position && !m.assumed_reference)
        })
        .map(|(i, _)| i)
        .collect();
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
    // Scores over present positions; alleles with nothing left are uncallable.
    let n = def.alleles.len();
    let mut is_present = vec![false; def.positions.len()];
    for i in present
        .iter()
        .map(|p| p.index)
        .chain(halves.iter().map(|h| h.index))
    {
        is_present[i] = true;
    }
    let scores: Vec<i32> = def
        .alleles
        .iter()
        .map(|a| a.sets.iter().filter(|s| is_present[s.index]).count() as i32)
        .collect();
    for (ai, a) in def.alleles.iter().enumerate() {
        if scores[ai] == 0 && !a.reference {
            call.evidence.uncallable_alleles.push(a.name.clone());
        }
    }
    call.evidence.phase = if halves.is_empty() {
        phase_state(&present)
    } else {
        // A half-call is phased and differs between the strands.
        let mut all = present.clone();
        all.extend(halves.iter().map(|h| Present {
            index: h.index,
            a: h.allele,
            b: u8::MAX,
            block: Some(h.block.clone()),
        }));
        phase_state(&all)
    };
    if !blocked_by_undocumented.is_empty() {
        call.no_call_reason = Some(format!(
            "allele(s) no definition knows: {}",
            blocked_by_undocumented.join(", ")
        ));
        return call;
    }
    if let Some(&i) = def.required.iter().find(|i| missing_idx.contains(i)) {
        let p = &def.positions[i];
        call.no_call_reason = Some(format!(
            "required position {} ({}) is missing",
            p.rsid.as_deref().unwrap_or(&p.hgvs),
            p.position
        ));
        return call;
    }
    if present.is_empty() && halves.is_empty() {
        call.no_call_reason = Some("no definition position has a usable genotype".into());
        return call;
    }
    if def.symbol == "DPYD" {
        hapb3_note(def, &present, &missing_idx, &mut call);
    }
    if !halves.is_empty() {
        orient_phase_sets(def, gene, &present, &halves, &mut call);
        return call;
    }

    let hemi = call.hemizygous;
    let masks = masks(def, &present);
    let mut candidates = Bits::full(n);
    for (m0, m1) in &masks {
        let mut either = (*m0).clone();
        either.or(m1);
        candidates.and(&either);
    }
    for (ai, s) in scores.iter().enumerate() {
        if *s == 0 && !def.alleles[ai].reference {
            candidates.clear(ai);
        }
    }
    let effectively_phased = call.evidence.phase == Some(PhaseState::EffectivelyPhased);
    if def.lowest_function && !effectively_phased && !hemi {
        if def.orients_phase_sets {
            if let Some(sets) = phase_sets(&present) {
                if sets.len() <= MAX_ORIENTED_SETS {
                    orient_phase_sets(def, gene, &present, &[], &mut call);
                    return call;
                }
                call.notes.push(format!(
                    "heterozygous sites in {} phase sets, more than the {MAX_ORIENTED_SETS} whose orientations are tried; read as unphased",
                    sets.len()
                ));
            }
        }
        lowest_function_matches(def, gene, &present, &scores, &mut call);
        if !def.lowest_function_keeps_pairs {
            return call;
        }
    }
    let mut diplotypes: Vec<DiplotypeCall> = if hemi {
        let scored: Vec<(usize, i32)> = candidates
            .iter()
            .map(|a| (a, scores[a] - penalty_single(def, &present, a)))
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
    } else {
        pairs(def, &present, &masks, &candidates, &scores)
    };
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
    // Priorities are judged on every fitting pair, before the top-scoring
    // ones are kept: a curated pick can score lower than the pair it is
    // preferred over.
    call.diplotypes = diplotypes;
    let losers = mark_priorities(def, &mut call);
    if opts.top_candidate_only {
        // The call: the top-scoring pairs and the curated picks, without the
        // pairs a pick is preferred over.
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
    if call.diplotypes.is_empty() && !call.allele_matches.is_empty() {
        // Lowest-function gene on unphased data: the allele list is the call.
        return call;
    }
    if call.diplotypes.is_empty() {
        let combine = opts.combinations || (def.lowest_function && effectively_phased);
        if combine && effectively_phased {
            let quiet = hapb3_quiet(def, &present);
            if let Some(d) = combination::explain(def, &present, &quiet, &undocumented) {
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
                return call;
            }
        }
        call.no_call_reason = Some(
            "the genotypes fit no pair of named alleles (a novel combination or an unlisted allele)"
                .into(),
        );
        if def.symbol == "SLCO1B1" {
            slco1b1_fallback(def, &present, &mut call);
        }
    }
    call
}

/// Phase state over heterozygous positions.
pub(crate) fn phase_state(present: &[Present]) -> Option<PhaseState> {
    if present.is_empty() {
        return None;
    }
    let hets: Vec<&Present> = present.iter().filter(|p| p.het()).collect();
    if hets.len() <= 1 {
        return Some(PhaseState::EffectivelyPhased);
    }
    let phased: Vec<&String> = hets.iter().filter_map(|p| p.block.as_ref()).collect();
    if phased.len() == hets.len() && phased.iter().all(|b| *b == phased[0]) {
        return Some(PhaseState::EffectivelyPhased);
    }
    if phased.is_empty() {
        Some(PhaseState::Unphased)
    } else {
        Some(PhaseState::PartlyPhased)
    }
}

/// Per present position: (alleles accepting the first allele, alleles
/// accepting the second).
fn masks<'d>(def: &'d GeneDefinition, present: &[Present]) -> Vec<(&'d Bits, &'d Bits)> {
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
fn pairs(
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

fn order(na: &str, nb: &str, a: usize, b: usize) -> (usize, usize) {
    if super::combination::allele_name_cmp(na, nb) == Ordering::Greater {
        (b, a)
    } else {
        (a, b)
    }
}

fn penalty_single(def: &GeneDefinition, present: &[Present], a: usize) -> i32 {
    present
        .iter()
        .filter(|p| def.alleles[a].iupac(p.index) && p.a == 0)
        .count() as i32
}

/// NAT2-style priority groups: when every diplotype of a group fits, its
/// first is marked preferred. Returns the group members a pick is
/// preferred over.
fn mark_priorities(def: &GeneDefinition, call: &mut GeneCall) -> Vec<String> {
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

fn same_diplotype(x: &str, y: &str) -> bool {
    let split = |s: &str| {
        let mut v: Vec<String> = s.split('/').map(|p| p.trim().to_string()).collect();
        v.sort();
        v
    };
    split(x) == split(y)
}

/// DPYD's two HapB3 sites as position indexes: (intronic rs75017182,
/// exonic rs56038477); `None` for other genes.
fn hapb3_sites(def: &GeneDefinition) -> Option<(usize, usize)> {
    if def.symbol != "DPYD" {
        return None;
    }
    let idx = |rs: &str| {
        def.positions
            .iter()
            .position(|p| p.rsid.as_deref() == Some(rs))
    };
    Some((idx("rs75017182")?, idx("rs56038477")?))
}

/// Positions whose variant is left unnamed when no named allele on its
/// strand explains it. HapB3's reduced function is carried by the intronic
/// site, so when that site has a genotype it alone decides: a strand with
/// the exonic variant but not the intronic one carries no HapB3 and the
/// exonic variant is not reported as a leftover (a strand with the intronic
/// variant alone is the named allele `c.1129-5923C>G`). Without the intronic
/// genotype, the exonic site stands in for HapB3 as usual.
fn hapb3_quiet(def: &GeneDefinition, present: &[Present]) -> Vec<usize> {
    match hapb3_sites(def) {
        Some((intronic, exonic)) if present.iter().any(|p| p.index == intronic) => vec![exonic],
        _ => Vec::new(),
    }
}

/// [`hapb3_quiet`] strand by strand, for strands on which a position may be
/// missing (a phased half-call): the exonic site is quiet on a strand that
/// has the intronic site.
fn hapb3_quiet_strands(def: &GeneDefinition, strands: &[Vec<(usize, u8)>; 2]) -> [Vec<usize>; 2] {
    let quiet = |s: &Vec<(usize, u8)>| match hapb3_sites(def) {
        Some((intronic, exonic)) if s.iter().any(|(p, _)| *p == intronic) => vec![exonic],
        _ => Vec::new(),
    };
    [quiet(&strands[0]), quiet(&strands[1])]
}

const HAPB3_EXONIC_ONLY_STRAND_NOTE: &str = "the intronic HapB3 site (rs75017182) is called on one strand only: on the other strand HapB3 is judged from the exonic rs56038477 alone";

/// True when one strand has the exonic HapB3 site but not the intronic one
/// while the other strand has the intronic site (a half-call at the
/// intronic site; when it is missing on both strands the gene-wide note
/// says so).
fn hapb3_exonic_only(def: &GeneDefinition, strands: &[Vec<(usize, u8)>; 2]) -> bool {
    let Some((intronic, exonic)) = hapb3_sites(def) else {
        return false;
    };
    let has = |s: &Vec<(usize, u8)>, i: usize| s.iter().any(|(p, _)| *p == i);
    (0..2).any(|k| {
        has(&strands[k], exonic) && !has(&strands[k], intronic) && has(&strands[1 - k], intronic)
    })
}

const HAPB3_CONFLICT_NOTE: &str = "a strand carries the exonic HapB3 variant (rs56038477) without the intronic one (rs75017182); HapB3 is judged from the intronic site, so that exonic variant is not named";

/// True when, on either strand, the exonic HapB3 site shows a variant while
/// the intronic site (present) shows the reference allele.
fn hapb3_conflict(def: &GeneDefinition, strands: &[Vec<(usize, u8)>; 2]) -> bool {
    let Some((intronic, exonic)) = hapb3_sites(def) else {
        return false;
    };
    strands.iter().any(|s| {
        let at = |i: usize| s.iter().find(|(p, _)| *p == i).map(|(_, a)| *a);
        matches!((at(intronic), at(exonic)), (Some(0), Some(e)) if e != 0)
    })
}

/// Most phase sets whose relative orientations are tried: 2^(n-1)
/// orientations, so at most 1,024.
const MAX_ORIENTED_SETS: usize = 11;

/// Heterozygous sites (indexes into `present`) grouped by phase set, sets in
/// the order they first occur. `None` unless every heterozygous site is
/// phased and there are at least two sets (one set is effectively phased;
/// an unphased heterozygous site leaves the gene unphased, as in the
/// reference tool, whose phased path needs every heterozygous site phased).
/// Phased calls with no `PS` form one set of their own.
fn phase_sets(present: &[Present]) -> Option<Vec<Vec<usize>>> {
    let mut sets: Vec<(&str, Vec<usize>)> = Vec::new();
    for (k, p) in present.iter().enumerate() {
        if !p.het() {
            continue;
        }
        let block = p.block.as_deref()?;
        match sets.iter_mut().find(|(b, _)| *b == block) {
            Some((_, v)) => v.push(k),
            None => sets.push((block, vec![k])),
        }
    }
    (sets.len() >= 2).then(|| sets.into_iter().map(|(_, v)| v).collect())
}

/// Order of returned diplotypes when each strand is described: by the first
/// allele, then the second, each in display order (named alleles, then
/// combinations, then partials; numeric-aware).
fn strand_pair_cmp(x: &DiplotypeCall, y: &DiplotypeCall) -> Ordering {
    for (a, b) in x.alleles.iter().zip(&y.alleles) {
        let o = combination::allele_name_cmp(a, b);
        if o != Ordering::Equal {
            return o;
        }
    }
    x.alleles.len().cmp(&y.alleles.len())
}

/// A lowest-function gene (DPYD) whose heterozygous sites are all phased
/// but in several phase sets, or that has phased half-calls (`T|.`).
/// Within a set the two strands are known; how the sets line up with each
/// other is not. So every relative orientation is tried: the first set is
/// held fixed and each other set is either kept or flipped (2^(n-1)
/// orientations for n sets). Homozygous sites are the same on both strands;
/// a half-call puts its allele on its strand and leaves the position missing
/// on the other. Each orientation's two strands are described the way
/// effectively phased data is when no named pair fits: each strand by the
/// non-overlapping named alleles it carries (`[a + b]` when more than one,
/// the reference allele when none) plus any variant no named allele
/// explains. Every distinct resulting diplotype is returned, ordered by its
/// first allele and then its second (named alleles before combinations).
///
/// The phenotype: each diplotype counts as the lowest-function named allele
/// on each of its strands; the diplotype whose pair has the lowest summed
/// activity (function rank) is used, the earliest in the returned order
/// when several tie. The work is linear in the number of sites per
/// orientation; only the orientations of the sets are enumerated.
fn orient_phase_sets(
    def: &GeneDefinition,
    gene: &Gene,
    present: &[Present],
    halves: &[HalfCall],
    call: &mut GeneCall,
) {
    // Phase sets numbered in order of first occurrence along the gene.
    let mut sites: Vec<(usize, &str, bool)> = present
        .iter()
        .filter(|p| p.het())
        .map(|p| (p.index, p.block.as_deref().unwrap_or_default(), false))
        .chain(halves.iter().map(|h| (h.index, h.block.as_str(), true)))
        .collect();
    sites.sort_by_key(|(i, _, _)| *i);
    let mut blocks: Vec<&str> = Vec::new();
    for (_, b, _) in &sites {
        if !blocks.contains(b) {
            blocks.push(b);
        }
    }
    let set_number = |b: &str| blocks.iter().position(|x| *x == b).unwrap_or(0);
    let n_sets = blocks.len().max(1);
    let orientations = 1u32 << (n_sets - 1).min(MAX_ORIENTED_SETS);
    let mut diplotypes: Vec<DiplotypeCall> = Vec::new();
    let mut conflict = false;
    let mut exonic_only = false;
    for flips in 0..orientations {
        let flipped = |j: usize| j > 0 && flips & (1 << (j - 1)) != 0;
        let mut strands: [Vec<(usize, u8)>; 2] = [
            Vec::with_capacity(present.len()),
            Vec::with_capacity(present.len()),
        ];
        for p in present {
            let (x, y) = match &p.block {
                Some(b) if p.het() && flipped(set_number(b)) => (p.b, p.a),
                _ => (p.a, p.b),
            };
            strands[0].push((p.index, x));
            strands[1].push((p.index, y));
        }
        for h in halves {
            let strand = if flipped(set_number(&h.block)) {
                1 - h.strand
            } else {
                h.strand
            };
            strands[strand].push((h.index, h.allele));
        }
        for s in &mut strands {
            s.sort_by_key(|(i, _)| *i);
        }
        conflict |= hapb3_conflict(def, &strands);
        exonic_only |= hapb3_exonic_only(def, &strands);
        let quiet = hapb3_quiet_strands(def, &strands);
        let d = combination::pair_of_strands(def, &strands, &quiet, &[]);
        if !diplotypes.iter().any(|e| e.name == d.name) {
            diplotypes.push(d);
        }
    }
    diplotypes.sort_by(strand_pair_cmp);
    let mut best: Option<(f64, Vec<String>)> = None;
    for d in &diplotypes {
        let pair: Vec<String> = d
            .alleles
            .iter()
            .map(|strand| lowest_on_strand(gene, strand))
            .collect();
        let total: f64 = pair.iter().map(|a| function_rank(gene, a)).sum();
        if best.as_ref().is_none_or(|(t, _)| total < *t) {
            best = Some((total, pair));
        }
    }
    if !halves.is_empty() {
        let shown: Vec<String> = halves
            .iter()
            .map(|h| {
                let p = &def.positions[h.index];
                p.rsid.clone().unwrap_or_else(|| p.hgvs.clone())
            })
            .collect();
        call.notes.push(format!(
            "only one allele called at {} (a phased half-call): the called allele is read on its strand and the position as missing on the other; each strand is described by the named alleles and variants it carries",
            shown.join(", ")
        ));
    }
    if n_sets > 1 {
        call.notes.push(format!(
            "heterozygous sites in {n_sets} phase sets whose relative orientation is unknown; each of the {orientations} orientations is described strand by strand"
        ));
    }
    if conflict {
        call.notes.push(HAPB3_CONFLICT_NOTE.into());
    }
    if exonic_only {
        call.notes.push(HAPB3_EXONIC_ONLY_STRAND_NOTE.into());
    }
    if let Some((_, pair)) = best {
        call.notes.push(if n_sets > 1 {
            format!(
                "the phenotype uses the lowest-function allele on each strand of the orientation with the lowest activity ({})",
                pair.join(" and ")
            )
        } else {
            format!(
                "the phenotype uses the lowest-function allele on each strand ({})",
                pair.join(" and ")
            )
        });
        call.phenotype_alleles = Some(pair);
    }
    call.diplotypes = diplotypes;
}

fn hapb3_note(def: &GeneDefinition, present: &[Present], missing: &[usize], call: &mut GeneCall) {
    if let Some((intronic, exonic)) = hapb3_sites(def) {
        if missing.contains(&intronic) && present.iter().any(|p| p.index == exonic) {
            call.notes.push(
                "HapB3 is judged from the exonic rs56038477 alone because the intronic rs75017182 is missing"
                    .into(),
            );
        }
    }
}

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
fn lowest_on_strand(gene: &Gene, strand: &str) -> String {
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
fn lowest_function_matches(
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
            let in_a = set.mask & super::definitions::bit(p.a as usize) != 0;
            let in_b = set.mask & super::definitions::bit(p.b as usize) != 0;
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

/// SLCO1B1 with no diplotype: rs4149056 alone decides the function.
fn slco1b1_fallback(def: &GeneDefinition, present: &[Present], call: &mut GeneCall) {
    let Some(i) = def
        .positions
        .iter()
        .position(|p| p.rsid.as_deref() == Some("rs4149056"))
    else {
        return;
    };
    let Some(p) = present.iter().find(|p| p.index == i) else {
        return;
    };
    let alt = |k: u8| k != 0;
    let rsid = "rs4149056";
    let base = |k: u8| def.known[i].get(k as usize).cloned().unwrap_or_default();
    let mut shown = [
        format!("{rsid} {}", base(p.a)),
        format!("{rsid} {}", base(p.b)),
    ];
    shown.sort();
    call.decided_by = Some(shown.join("/"));
    let (a, b) = (
        if alt(p.a) { "*5" } else { "*1" },
        if alt(p.b) { "*5" } else { "*1" },
    );
    let mut pair = vec![a.to_string(), b.to_string()];
    pair.sort_by(|x, y| natural_cmp(x, y));
    call.notes.push(format!(
        "no diplotype fits; the phenotype is taken from rs4149056 alone ({}), read as {}",
        call.evidence
            .positions_used
            .iter()
            .find(|e| e.position == def.positions[i].position)
            .map(|e| e.genotype.clone())
            .unwrap_or_default(),
        pair.join("/")
    ));
    call.phenotype_alleles = Some(pair);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(index: usize, a: u8, b: u8, block: Option<&str>) -> Present {
        Present {
            index,
            a,
            b,
            block: block.map(str::to_string),
        }
    }

    #[test]
    fn phase_sets_group_heterozygous_sites_in_order_of_first_occurrence() {
        let present = [
            site(0, 0, 1, Some("20")),
            site(1, 1, 1, None),
            site(2, 1, 0, Some("10")),
            site(3, 0, 1, Some("20")),
        ];
        assert_eq!(phase_sets(&present), Some(vec![vec![0, 3], vec![2]]));
    }

    #[test]
    fn phase_sets_need_every_het_phased_and_two_sets() {
        let one_set = [site(0, 0, 1, Some("1")), site(1, 1, 0, Some("1"))];
        assert_eq!(phase_sets(&one_set), None);
        let with_unphased = [
            site(0, 0, 1, Some("1")),
            site(1, 1, 0, Some("2")),
            site(2, 0, 1, None),
        ];
        assert_eq!(phase_sets(&with_unphased), None);
        // Phased calls without PS are a set of their own.
        let no_ps = [site(0, 0, 1, Some("")), site(1, 1, 0, Some("7"))];
        assert_eq!(phase_sets(&no_ps), Some(vec![vec![0], vec![1]]));
    }

    #[test]
    fn strand_pairs_order_named_alleles_before_combinations() {
        let d = |a: &str, b: &str| DiplotypeCall {
            name: format!("{a}/{b}"),
            alleles: vec![a.into(), b.into()],
            score: 0,
            preferred: false,
        };
        let mut v = [
            d("[c.85T>C + c.632A>G]", "[c.1679T>G + c.2846A>T]"),
            d("c.2846A>T", "[c.85T>C + c.632A>G + c.1679T>G]"),
            d("Reference", "[c.85T>C + c.632A>G]"),
            d("c.1679T>G", "[c.85T>C + c.632A>G + c.2846A>T]"),
        ];
        v.sort_by(strand_pair_cmp);
        let first: Vec<&str> = v.iter().map(|x| x.alleles[0].as_str()).collect();
        assert_eq!(
            first,
            [
                "Reference",
                "c.1679T>G",
                "c.2846A>T",
                "[c.85T>C + c.632A>G]"
            ]
        );
    }

    #[test]
    fn full_sets_exactly_the_first_n_bits() {
        for n in [0, 1, 63, 64, 65, 128, 339] {
            let mut b = Bits::full(n);
            assert_eq!(b.iter().count(), n, "n = {n}");
            assert_eq!(b.iter().last(), n.checked_sub(1));
            if n > 0 {
                b.clear(n - 1);
                assert!(!b.has(n - 1));
                assert_eq!(b.iter().count(), n - 1);
            }
        }
    }
}
