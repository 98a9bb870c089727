//! Reading one gene's observations: each definition position becomes a
//! usable genotype, a phased half-call or a missing position, with the
//! evidence shown for it and the alleles no definition knows.

use super::phase::{reads_half_calls, HalfCall};
use crate::allele::definitions::GeneDefinition;
use crate::allele::present::Present;
use crate::allele::{CallOptions, Evidence, MissingPosition, PositionEvidence, Undocumented};
use crate::genotype::{MissingReason, Observation, SeenAllele};

/// What a gene's observations give the matcher.
pub(super) struct Reading {
    /// Positions with a usable genotype.
    pub present: Vec<Present>,
    /// Phased half-calls read strand by strand.
    pub halves: Vec<HalfCall>,
    /// Undocumented alleles kept to be named as leftover variants
    /// (combination mode): (position index, allele code, allele).
    pub undocumented: Vec<(usize, u8, String)>,
    /// Undocumented alleles that leave the gene uncallable (`allele at rsid`).
    pub blocked_by_undocumented: Vec<String>,
    /// A heterozygous call in a sample treated as hemizygous.
    pub het_in_male: bool,
}

/// Reads every position the definition uses, recording the missing
/// positions and undocumented alleles in `found` (and, when `evidence` is
/// asked for, the genotype shown for each position used).
pub(super) fn read_observations(
    def: &GeneDefinition,
    obs: &[Observation],
    opts: &CallOptions,
    hemizygous: bool,
    evidence: bool,
    found: &mut Evidence,
) -> Reading {
    let read_halves = reads_half_calls(def, obs, hemizygous);
    // Combination mode keeps the undocumented alleles of genes that would
    // read them as reference (lowest-function genes excepted), to name them
    // as leftover variants.
    let keep_undocumented =
        opts.combinations && def.undocumented_as_reference && !def.lowest_function;
    let mut reading = Reading {
        present: Vec::new(),
        halves: Vec::new(),
        undocumented: Vec::new(),
        blocked_by_undocumented: Vec::new(),
        het_in_male: false,
    };
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
                    found
                        .positions_used
                        .push(half_call_evidence(def, i, k, strand, &phase_set));
                }
                reading.halves.push(HalfCall {
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
                found.missing.push(MissingPosition {
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
        let mut resolve = |s: SeenAllele| {
            reading.resolve_allele(def, i, s, keep_undocumented, &mut found.undocumented)
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
            reading.het_in_male = true;
        }
        let block = (phased && a != b).then(|| phase_set.clone().unwrap_or_default());
        if evidence {
            found.positions_used.push(PositionEvidence {
                position: p.position,
                rsid: p.rsid.clone(),
                genotype: genotype_shown(def, &reading.undocumented, i, a, b, phased, hemizygous),
                phase_set: if phased { phase_set } else { None },
            });
        }
        reading.present.push(Present {
            index: i,
            a,
            b,
            block,
        });
    }
    reading
}

impl Reading {
    /// The allele code of one observed allele at position `i`, or `None`
    /// when an undocumented allele leaves the gene uncallable. An
    /// undocumented allele is recorded in `found`; it is kept (coded after
    /// the position's known alleles, so no named allele, reference
    /// included, accepts it) when `keep_undocumented`, read as reference in
    /// genes that do so, and blocks the call otherwise.
    fn resolve_allele(
        &mut self,
        def: &GeneDefinition,
        i: usize,
        s: SeenAllele,
        keep_undocumented: bool,
        found: &mut Vec<Undocumented>,
    ) -> Option<u8> {
        let p = &def.positions[i];
        match s {
            SeenAllele::Known(k) => Some(k),
            SeenAllele::Unknown(text) => {
                let undocumented = &mut self.undocumented;
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
                found.push(Undocumented {
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
                    self.blocked_by_undocumented.push(format!(
                        "{} at {}",
                        text,
                        p.rsid.as_deref().unwrap_or(&p.hgvs)
                    ));
                    None
                }
            }
        }
    }
}

/// The evidence for a phased half-call: the called allele on its strand,
/// `.` on the other (`T|.`, `.|C`).
fn half_call_evidence(
    def: &GeneDefinition,
    i: usize,
    k: u8,
    strand: u8,
    phase_set: &Option<String>,
) -> PositionEvidence {
    let p = &def.positions[i];
    let shown = def.known[i].get(k as usize).cloned().unwrap_or_default();
    PositionEvidence {
        position: p.position,
        rsid: p.rsid.clone(),
        genotype: if strand == 0 {
            format!("{shown}|.")
        } else {
            format!(".|{shown}")
        },
        phase_set: phase_set.clone(),
    }
}

/// The genotype as shown in the evidence (`A/G`, `A|G`, or one allele for
/// a hemizygous call), undocumented alleles by their own text.
fn genotype_shown(
    def: &GeneDefinition,
    undocumented: &[(usize, u8, String)],
    i: usize,
    a: u8,
    b: u8,
    phased: bool,
    hemizygous: bool,
) -> String {
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
    if a == b && hemizygous {
        shown(a).to_string()
    } else {
        let (x, y) = (shown(a), shown(b));
        let mut g = String::with_capacity(x.len() + 1 + y.len());
        g.push_str(x);
        g.push(if phased { '|' } else { '/' });
        g.push_str(y);
        g
    }
}
