//! From VCF sites to per-position genotypes, normalised against the allele
//! definitions: REF checks, allele strings mapped to definition alleles,
//! zygosity, phasing and the reasons a position counts as missing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::input::{CallRef, Site};
use crate::pack::DefinitionPosition;

/// One allele seen at a definition position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SeenAllele {
    /// Index into the position's allele list (0 = REF, then the defined ALTs).
    Known(u8),
    /// An allele the definitions do not know (undocumented variation).
    Unknown(String),
}

/// The genotype of one sample at one definition position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Observation {
    /// No usable call; the reason says why.
    Missing(MissingReason),
    /// A usable call.
    Called {
        /// First allele.
        a: SeenAllele,
        /// Second allele; `None` for a haploid (hemizygous) call.
        b: Option<SeenAllele>,
        /// GT written with `|`.
        phased: bool,
        /// PS value, when given.
        phase_set: Option<String>,
    },
    /// A diploid GT with one allele called and the other `.` (`1/.`,
    /// `.|T`, `0/.`): what was called, and on which side of the GT. Most
    /// genes read it as missing ([`MissingReason::PartialGenotype`]); a
    /// phased call with a variant allele can tell what one strand carries.
    Half {
        /// The allele called.
        allele: SeenAllele,
        /// Which GT allele was called: 0 for the first (`1|.`), 1 for the
        /// second (`.|1`).
        strand: u8,
        /// GT written with `|`.
        phased: bool,
        /// PS value, when given.
        phase_set: Option<String>,
    },
}

/// Why a definition position has no usable genotype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingReason {
    /// No VCF record at this position.
    NotInVcf,
    /// The record has no genotype for the sample (`./.` or no GT).
    NoGenotype,
    /// One allele called, the other not (`0/.`, `1/.`).
    PartialGenotype,
    /// REF in the VCF differs from the GRCh38 reference in the definitions.
    RefMismatch,
    /// A heterozygous GT contradicted by AD (only one allele has reads).
    DepthConflict,
    /// A haploid GT outside chrX, chrY and chrM.
    HaploidAutosome,
    /// A GT with more than two alleles (`0/1/1`): no diploid genotype.
    Polyploid,
    /// Two records with the same REF and ALT give different genotypes.
    ConflictingRecords,
}

impl MissingReason {
    /// A short description for reports.
    ///
    /// ```
    /// assert_eq!(dosera::genotype::MissingReason::NotInVcf.describe(), "no VCF record");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            MissingReason::NotInVcf => "no VCF record",
            MissingReason::NoGenotype => "no genotype called",
            MissingReason::PartialGenotype => "only one allele called",
            MissingReason::RefMismatch => "REF differs from GRCh38",
            MissingReason::DepthConflict => "heterozygous call without reads for both alleles",
            MissingReason::HaploidAutosome => "haploid call on an autosome",
            MissingReason::Polyploid => "more than two alleles called",
            MissingReason::ConflictingRecords => "records of the same variant disagree",
        }
    }
}

/// The alleles a definition position knows, in VCF notation: REF first,
/// then the defined ALTs.
pub(crate) fn position_alleles(pos: &DefinitionPosition) -> Vec<String> {
    let mut v = vec![pos.ref_allele.to_ascii_uppercase()];
    for a in &pos.alts {
        let a = a.to_ascii_uppercase();
        if !v.contains(&a) {
            v.push(a);
        }
    }
    v
}

/// Maps a VCF allele (relative to the record's REF) onto the definition's
/// representation. Records may carry a longer REF than the definition when
/// several variants were merged into one row; the shared suffix is trimmed.
fn project(site_ref: &str, allele: &str, def_ref: &str) -> Option<String> {
    if site_ref == def_ref {
        return Some(allele.to_string());
    }
    if site_ref.len() > def_ref.len() && site_ref.starts_with(def_ref) {
        let extra = &site_ref[def_ref.len()..];
        if allele.len() >= extra.len() && allele.ends_with(extra) {
            return Some(allele[..allele.len() - extra.len()].to_string());
        }
    }
    None
}

/// One VCF record read against one definition position: what each of its
/// GT indexes means there. The same for every sample, so it is worked out
/// once per record and position.
#[derive(Debug, Clone)]
pub(crate) struct SiteView<'a> {
    site: &'a Site,
    /// REF differs from the definition's (no sample's call is used).
    ref_mismatch: bool,
    /// Per GT index (0 = REF): the allele, or `None` for a symbolic ALT
    /// (`<*>`, `<NON_REF>`, `*`), which says nothing about the position.
    alleles: Vec<Option<SeenAllele>>,
}

impl<'a> SiteView<'a> {
    /// The record.
    pub(crate) fn site(&self) -> &'a Site {
        self.site
    }

    /// Reads a record's alleles against a definition position (`known`: its
    /// alleles in VCF notation, REF first).
    pub(crate) fn new(site: &'a Site, def: &DefinitionPosition, known: &[String]) -> SiteView<'a> {
        let def_ref = def.ref_allele.to_ascii_uppercase();
        let site_ref = site.ref_allele.to_ascii_uppercase();
        let ref_mismatch = project(&site_ref, &site_ref, &def_ref).is_none();
        let mut alleles = Vec::with_capacity(site.alts.len() + 1);
        if !ref_mismatch {
            let mut i = 0;
            while let Some(raw) = site.allele(i) {
                let raw = raw.to_ascii_uppercase();
                if i != 0 && is_symbolic(&raw) {
                    alleles.push(None);
                } else {
                    let projected = project(&site_ref, &raw, &def_ref).unwrap_or(raw);
                    alleles.push(Some(match known.iter().position(|k| *k == projected) {
                        Some(k) => SeenAllele::Known(k as u8),
                        None => SeenAllele::Unknown(projected),
                    }));
                }
                i += 1;
            }
        }
        SiteView {
            site,
            ref_mismatch,
            alleles,
        }
    }
}

/// Reads one sample's genotype at one definition position from the records
/// at that position (first usable record wins; a half-call only when no
/// record has a full call).
pub(crate) fn observe(
    views: &[SiteView<'_>],
    sample: usize,
    def: &DefinitionPosition,
    warnings: &mut Vec<String>,
) -> Observation {
    if views.is_empty() {
        return Observation::Missing(MissingReason::NotInVcf);
    }
    // The first row that gave no full call: its half-call or its problem.
    let mut first_problem: Option<Observation> = None;
    for view in views {
        let Some(call) = view.site.calls.call(sample) else {
            continue;
        };
        match observe_one(view, &call) {
            // A half-call is not a full call: a later row may have one.
            Ok(half @ Observation::Half { .. }) => {
                first_problem.get_or_insert(half);
            }
            Ok(obs) => return unless_contradicted(views, view, sample, obs, warnings),
            Err(reason) => {
                if reason == MissingReason::RefMismatch {
                    let site = view.site;
                    warnings.push(format!(
                        "{}:{} ({}): VCF REF {} differs from GRCh38 {}; position not used",
                        site.chrom,
                        site.pos,
                        def.rsid.as_deref().unwrap_or(&def.hgvs),
                        site.ref_allele,
                        def.ref_allele.to_ascii_uppercase()
                    ));
                }
                // Symbolic filler rows (`<*>`, 0/0) after a real row must not
                // hide the real call; keep looking, remember the first problem.
                first_problem.get_or_insert(Observation::Missing(reason));
            }
        }
    }
    first_problem.unwrap_or(Observation::Missing(MissingReason::NoGenotype))
}

fn is_symbolic(a: &str) -> bool {
    a.starts_with('<') || a == "*" || a.contains('[') || a.contains(']')
}

fn observe_one(view: &SiteView<'_>, call: &CallRef<'_>) -> Result<Observation, MissingReason> {
    if view.ref_mismatch {
        return Err(MissingReason::RefMismatch);
    }
    let gt = call.alleles();
    if gt.is_empty() || gt.iter().all(Option::is_none) {
        return Err(MissingReason::NoGenotype);
    }
    if call.ploidy() > 2 {
        return Err(MissingReason::Polyploid);
    }
    if gt.iter().any(Option::is_none) {
        // Two alleles, one of them `.` (one `.` alone was caught above).
        let (strand, index) = match (gt[0], gt.get(1).copied().flatten()) {
            (Some(i), None) => (0, i),
            (None, Some(i)) => (1, i),
            _ => return Err(MissingReason::PartialGenotype),
        };
        let allele = view
            .alleles
            .get(index as usize)
            .cloned()
            .flatten()
            .ok_or(MissingReason::PartialGenotype)?;
        return Ok(Observation::Half {
            allele,
            strand,
            phased: call.phased,
            phase_set: call.phase_set.map(str::to_string),
        });
    }
    let first = gt[0].unwrap_or_default();
    let second = gt.get(1).copied().flatten();
    if second.is_none() && !matches!(view.site.chrom.as_str(), "chrX" | "chrY" | "chrM") {
        return Err(MissingReason::HaploidAutosome);
    }
    if let Some(second) = second.filter(|s| *s != first) {
        if call.has_depths() {
            if let (Some(x), Some(y)) = (call.depth(first), call.depth(second)) {
                if (x == 0) != (y == 0) {
                    return Err(MissingReason::DepthConflict);
                }
            }
        }
    }
    // An index past the ALTs, or a symbolic ALT (a filler row such as `<*>`,
    // `<NON_REF>`, `*`): not a statement about this position's alleles.
    let seen = |i: u32| -> Result<SeenAllele, MissingReason> {
        view.alleles
            .get(i as usize)
            .cloned()
            .flatten()
            .ok_or(MissingReason::NoGenotype)
    };
    let a = seen(first)?;
    let b = match second {
        Some(i) => Some(seen(i)?),
        None => None,
    };
    // A filler row that only says "reference" (0/0 with a symbolic ALT) is
    // only trusted when no real ALT row exists; the caller tries rows in order.
    Ok(Observation::Called {
        a,
        b,
        phased: call.phased,
        phase_set: call.phase_set.map(str::to_string),
    })
}

/// `obs`, read from `used`, unless a later record of the same variant
/// (same REF and ALTs: a duplicate, not a split multi-allelic row) gives this
/// sample a different full call; then the position is not used, with a
/// warning naming the variant.
fn unless_contradicted(
    views: &[SiteView<'_>],
    used: &SiteView<'_>,
    sample: usize,
    obs: Observation,
    warnings: &mut Vec<String>,
) -> Observation {
    let same_variant = |v: &SiteView<'_>| {
        !std::ptr::eq(v.site, used.site)
            && v.site.ref_allele == used.site.ref_allele
            && v.site.alts == used.site.alts
    };
    for other in views.iter().filter(|v| same_variant(v)) {
        let Some(call) = other.site.calls.call(sample) else {
            continue;
        };
        // A half call or an unusable row does not contradict a full call
        // (the full call wins, as elsewhere); only another full call can.
        if let Ok(o @ Observation::Called { .. }) = observe_one(other, &call) {
            if !same_alleles(&o, &obs) {
                warnings.push(format!(
                    "{}:{}: two records of the same variant ({} > {}) give different \
                     genotypes; position not used",
                    used.site.chrom,
                    used.site.pos,
                    used.site.ref_allele,
                    used.site.alts.join(",")
                ));
                return Observation::Missing(MissingReason::ConflictingRecords);
            }
        }
    }
    obs
}

/// Whether two full calls name the same alleles, in any order and phasing.
fn same_alleles(x: &Observation, y: &Observation) -> bool {
    match (x, y) {
        (Observation::Called { a, b, .. }, Observation::Called { a: c, b: d, .. }) => {
            (a == c && b == d) || (Some(a) == d.as_ref() && b.as_ref() == Some(c))
        }
        _ => false,
    }
}

/// Groups sites by (chromosome, position) for lookup.
pub(crate) fn index_sites(sites: &[Site]) -> HashMap<(&str, u64), Vec<&Site>> {
    let mut map: HashMap<(&str, u64), Vec<&Site>> = HashMap::new();
    for s in sites {
        map.entry((s.chrom.as_str(), s.pos)).or_default().push(s);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_ref_is_trimmed() {
        assert_eq!(project("TGG", "TG", "TG").as_deref(), Some("T"));
        assert_eq!(project("TG", "T", "TG").as_deref(), Some("T"));
        assert_eq!(project("A", "G", "C"), None);
    }
}
