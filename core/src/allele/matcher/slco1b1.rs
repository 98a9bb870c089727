//! SLCO1B1 with no fitting diplotype: the phenotype from rs4149056 alone.

use crate::allele::definitions::GeneDefinition;
use crate::allele::present::Present;
use crate::allele::GeneCall;
use crate::names::natural_cmp;

/// SLCO1B1 with no diplotype: rs4149056 alone decides the function.
pub(super) fn slco1b1_fallback(def: &GeneDefinition, present: &[Present], call: &mut GeneCall) {
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
