//! Phase: the phase state of a gene's heterozygous sites, phased half-calls
//! (`T|.`) read strand by strand, and the relative orientations of several
//! phase sets tried one by one (DPYD).

use std::cmp::Ordering;

use super::hapb3::{
    hapb3_conflict, hapb3_exonic_only, hapb3_quiet_strands, HAPB3_CONFLICT_NOTE,
    HAPB3_EXONIC_ONLY_STRAND_NOTE,
};
use super::lowest_function::{function_rank, lowest_on_strand};
use crate::allele::combination;
use crate::allele::definitions::GeneDefinition;
use crate::allele::present::Present;
use crate::allele::{DiplotypeCall, GeneCall, PhaseState};
use crate::genotype::{Observation, SeenAllele};
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
pub(super) fn reads_half_calls(
    def: &GeneDefinition,
    obs: &[Observation],
    hemizygous: bool,
) -> bool {
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

/// Phase state of the gene, half-calls included: a half-call is phased and
/// differs between the strands.
pub(super) fn phase_with_half_calls(
    present: &[Present],
    halves: &[HalfCall],
) -> Option<PhaseState> {
    if halves.is_empty() {
        phase_state(present)
    } else {
        let mut all = present.to_vec();
        all.extend(halves.iter().map(|h| Present {
            index: h.index,
            a: h.allele,
            b: u8::MAX,
            block: Some(h.block.clone()),
        }));
        phase_state(&all)
    }
}

/// Most phase sets whose relative orientations are tried: 2^(n-1)
/// orientations, so at most 1,024.
pub(super) const MAX_ORIENTED_SETS: usize = 11;

/// Heterozygous sites (indexes into `present`) grouped by phase set, sets in
/// the order they first occur. `None` unless every heterozygous site is
/// phased and there are at least two sets (one set is effectively phased;
/// an unphased heterozygous site leaves the gene unphased, as in the
/// reference tool, whose phased path needs every heterozygous site phased).
/// Phased calls with no `PS` form one set of their own.
pub(super) fn phase_sets(present: &[Present]) -> Option<Vec<Vec<usize>>> {
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
pub(super) fn orient_phase_sets(
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
}
