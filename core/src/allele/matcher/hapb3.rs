//! DPYD's HapB3: judged from the intronic site when it has a genotype,
//! from the exonic site otherwise, and the notes saying which.

use crate::allele::definitions::GeneDefinition;
use crate::allele::present::Present;
use crate::allele::GeneCall;

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
pub(super) fn hapb3_quiet(def: &GeneDefinition, present: &[Present]) -> Vec<usize> {
    match hapb3_sites(def) {
        Some((intronic, exonic)) if present.iter().any(|p| p.index == intronic) => vec![exonic],
        _ => Vec::new(),
    }
}

/// [`hapb3_quiet`] strand by strand, for strands on which a position may be
/// missing (a phased half-call): the exonic site is quiet on a strand that
/// has the intronic site.
pub(super) fn hapb3_quiet_strands(
    def: &GeneDefinition,
    strands: &[Vec<(usize, u8)>; 2],
) -> [Vec<usize>; 2] {
    let quiet = |s: &Vec<(usize, u8)>| match hapb3_sites(def) {
        Some((intronic, exonic)) if s.iter().any(|(p, _)| *p == intronic) => vec![exonic],
        _ => Vec::new(),
    };
    [quiet(&strands[0]), quiet(&strands[1])]
}

pub(super) const HAPB3_EXONIC_ONLY_STRAND_NOTE: &str = "the intronic HapB3 site (rs75017182) is called on one strand only: on the other strand HapB3 is judged from the exonic rs56038477 alone";

/// True when one strand has the exonic HapB3 site but not the intronic one
/// while the other strand has the intronic site (a half-call at the
/// intronic site; when it is missing on both strands the gene-wide note
/// says so).
pub(super) fn hapb3_exonic_only(def: &GeneDefinition, strands: &[Vec<(usize, u8)>; 2]) -> bool {
    let Some((intronic, exonic)) = hapb3_sites(def) else {
        return false;
    };
    let has = |s: &Vec<(usize, u8)>, i: usize| s.iter().any(|(p, _)| *p == i);
    (0..2).any(|k| {
        has(&strands[k], exonic) && !has(&strands[k], intronic) && has(&strands[1 - k], intronic)
    })
}

pub(super) const HAPB3_CONFLICT_NOTE: &str = "a strand carries the exonic HapB3 variant (rs56038477) without the intronic one (rs75017182); HapB3 is judged from the intronic site, so that exonic variant is not named";

/// True when, on either strand, the exonic HapB3 site shows a variant while
/// the intronic site (present) shows the reference allele.
pub(super) fn hapb3_conflict(def: &GeneDefinition, strands: &[Vec<(usize, u8)>; 2]) -> bool {
    let Some((intronic, exonic)) = hapb3_sites(def) else {
        return false;
    };
    strands.iter().any(|s| {
        let at = |i: usize| s.iter().find(|(p, _)| *p == i).map(|(_, a)| *a);
        matches!((at(intronic), at(exonic)), (Some(0), Some(e)) if e != 0)
    })
}

/// Notes that HapB3 is judged from the exonic site alone when the intronic
/// one is missing.
pub(super) fn hapb3_note(
    def: &GeneDefinition,
    present: &[Present],
    missing: &[usize],
    call: &mut GeneCall,
) {
    if let Some((intronic, exonic)) = hapb3_sites(def) {
        if missing.contains(&intronic) && present.iter().any(|p| p.index == exonic) {
            call.notes.push(
                "HapB3 is judged from the exonic rs56038477 alone because the intronic rs75017182 is missing"
                    .into(),
            );
        }
    }
}
