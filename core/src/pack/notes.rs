//! Which curated call notes of a gene apply to one call.
//!
//! The matcher hands over what it saw (diplotypes called, heterozygous and
//! missing rsIDs, haplotypes called); [`applicable_notes`] picks the notes of
//! the gene whose conditions hold.

use super::model::{CallNote, CallNoteKind, Gene};

/// The call notes of `gene` that apply to one call, in the gene's order.
///
/// - An [`CallNoteKind::Ambiguity`] note applies when one of `diplotypes`
///   is a note diplotype (the two alleles in either order) and every rsID in
///   the note's `variants` is in `heterozygous_rsids`.
/// - A [`CallNoteKind::MissingPosition`] note applies when every rsID of the
///   note's `variants_missing` (there is at least one) is in
///   `missing_rsids`, and, when the note lists `haplotypes_called`, one of
///   them is in `called_haplotypes`.
/// - A [`CallNoteKind::Strand`] note always applies.
/// - An [`CallNoteKind::Other`] note never does (it carries no condition).
///
/// Allele names are compared as written in the gene's definitions.
///
/// ```
/// use dosera::pack::{applicable_notes, CallNote, CallNoteKind, PackSet};
/// let set = PackSet::bundled().unwrap();
/// let tpmt = set.packs[0].genes.iter().find(|g| g.symbol == "TPMT").unwrap();
/// let mut gene = tpmt.clone();
/// gene.call_notes = vec![CallNote {
///     rule: "example".into(),
///     kind: CallNoteKind::Ambiguity,
///     diplotypes: vec!["*1/*3A".into()],
///     alternatives: vec!["*3B/*3C".into()],
///     haplotypes_called: vec![],
///     haplotypes_missing: vec![],
///     variants_missing: vec![],
///     variants: vec![],
///     drugs: vec![],
///     text: "Example note.".into(),
/// }];
/// let notes = applicable_notes(&gene, &["*3A/*1".to_string()], &[], &[], &[]);
/// assert_eq!(notes.len(), 1);
/// assert!(applicable_notes(&gene, &["*1/*2".to_string()], &[], &[], &[]).is_empty());
/// ```
pub fn applicable_notes<'a>(
    gene: &'a Gene,
    diplotypes: &[String],
    heterozygous_rsids: &[String],
    missing_rsids: &[String],
    called_haplotypes: &[String],
) -> Vec<&'a CallNote> {
    gene.call_notes
        .iter()
        .filter(|note| match note.kind {
            CallNoteKind::Ambiguity => {
                !note.diplotypes.is_empty()
                    && note
                        .diplotypes
                        .iter()
                        .any(|n| diplotypes.iter().any(|d| same_diplotype(n, d)))
                    && note.variants.iter().all(|v| heterozygous_rsids.contains(v))
            }
            CallNoteKind::MissingPosition => {
                !note.variants_missing.is_empty()
                    && note
                        .variants_missing
                        .iter()
                        .all(|v| missing_rsids.contains(v))
                    && (note.haplotypes_called.is_empty()
                        || note
                            .haplotypes_called
                            .iter()
                            .any(|h| called_haplotypes.contains(h)))
            }
            CallNoteKind::Strand => true,
            CallNoteKind::Other => false,
        })
        .collect()
}

/// True when `a` and `b` name the same pair of alleles, in either order.
/// Every `/` of `b` is tried as the separator, so allele names holding a
/// `/` still compare correctly.
fn same_diplotype(a: &str, b: &str) -> bool {
    a == b
        || b.match_indices('/').any(|(i, _)| {
            let (first, second) = (&b[..i], &b[i + 1..]);
            a.strip_prefix(second)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|rest| rest == first)
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::pack::{PhenotypeMethod, Phenotyping};

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn note(rule: &str, kind: CallNoteKind) -> CallNote {
        CallNote {
            rule: rule.into(),
            kind,
            diplotypes: Vec::new(),
            alternatives: Vec::new(),
            haplotypes_called: Vec::new(),
            haplotypes_missing: Vec::new(),
            variants_missing: Vec::new(),
            variants: Vec::new(),
            drugs: Vec::new(),
            text: format!("test note {rule}"),
        }
    }

    fn gene(notes: Vec<CallNote>) -> Gene {
        Gene {
            symbol: "GENE1".into(),
            chromosome: None,
            definition: None,
            phenotyping: Phenotyping {
                version: "test".into(),
                method: PhenotypeMethod::FunctionPair,
                alleles: Vec::new(),
                aliases: BTreeMap::new(),
                function_pairs: Vec::new(),
                activity_bins: Vec::new(),
                single_allele: Vec::new(),
                diplotypes: Vec::new(),
                status_alleles: Vec::new(),
            },
            call_notes: notes,
        }
    }

    fn rules(notes: &[&CallNote]) -> Vec<String> {
        notes.iter().map(|n| n.rule.clone()).collect()
    }

    #[test]
    fn diplotypes_compare_in_either_order() {
        assert!(same_diplotype("*1/*7", "*1/*7"));
        assert!(same_diplotype("*1/*7", "*7/*1"));
        assert!(!same_diplotype("*1/*7", "*1/*17"));
        assert!(!same_diplotype("*1/*7", "*7/*7"));
        assert!(same_diplotype("X, Y/B (ref)", "B (ref)/X, Y"));
        // A slash inside an allele name.
        assert!(same_diplotype("P/Q/R", "R/P/Q"));
        assert!(!same_diplotype("P/Q/R", "Q/R/P/"));
    }

    #[test]
    fn ambiguity_needs_a_matching_diplotype() {
        let mut n = note("amb", CallNoteKind::Ambiguity);
        n.diplotypes = strings(&["*1/*9"]);
        n.alternatives = strings(&["*4/*5"]);
        let g = gene(vec![n]);
        let hit = applicable_notes(&g, &strings(&["*9/*1"]), &[], &[], &[]);
        assert_eq!(rules(&hit), ["amb"]);
        let several = applicable_notes(&g, &strings(&["*2/*3", "*1/*9"]), &[], &[], &[]);
        assert_eq!(rules(&several), ["amb"]);
        assert!(applicable_notes(&g, &strings(&["*1/*10"]), &[], &[], &[]).is_empty());
        assert!(applicable_notes(&g, &[], &[], &[], &[]).is_empty());
    }

    #[test]
    fn ambiguity_with_variants_needs_each_heterozygous() {
        let mut n = note("amb-het", CallNoteKind::Ambiguity);
        n.diplotypes = strings(&["*1/*9"]);
        n.variants = strings(&["rs100", "rs200"]);
        let g = gene(vec![n]);
        let dips = strings(&["*1/*9"]);
        assert!(applicable_notes(&g, &dips, &[], &[], &[]).is_empty());
        assert!(applicable_notes(&g, &dips, &strings(&["rs100"]), &[], &[]).is_empty());
        let both = strings(&["rs200", "rs300", "rs100"]);
        assert_eq!(
            rules(&applicable_notes(&g, &dips, &both, &[], &[])),
            ["amb-het"]
        );
        // Heterozygous variants alone do not make the note apply.
        assert!(applicable_notes(&g, &strings(&["*1/*1"]), &both, &[], &[]).is_empty());
    }

    #[test]
    fn ambiguity_without_diplotypes_never_applies() {
        let g = gene(vec![note("empty", CallNoteKind::Ambiguity)]);
        assert!(applicable_notes(&g, &strings(&["*1/*1"]), &[], &[], &[]).is_empty());
    }

    #[test]
    fn missing_position_needs_every_rsid_missing() {
        let mut n = note("miss", CallNoteKind::MissingPosition);
        n.variants_missing = strings(&["rs10", "rs11"]);
        let g = gene(vec![n]);
        let dips = strings(&["*1/*1"]);
        assert!(applicable_notes(&g, &dips, &[], &strings(&["rs10"]), &[]).is_empty());
        let both = strings(&["rs11", "rs10"]);
        assert_eq!(
            rules(&applicable_notes(&g, &dips, &[], &both, &[])),
            ["miss"]
        );
        // No diplotype needed: a call that failed still gets the note.
        assert_eq!(rules(&applicable_notes(&g, &[], &[], &both, &[])), ["miss"]);
    }

    #[test]
    fn missing_position_with_haplotypes_needs_one_called() {
        let mut n = note("miss-hap", CallNoteKind::MissingPosition);
        n.variants_missing = strings(&["rs10"]);
        n.haplotypes_called = strings(&["*8", "*9"]);
        let g = gene(vec![n]);
        let missing = strings(&["rs10"]);
        assert!(applicable_notes(&g, &[], &[], &missing, &strings(&["*1"])).is_empty());
        let called = strings(&["*1", "*9"]);
        assert_eq!(
            rules(&applicable_notes(&g, &[], &[], &missing, &called)),
            ["miss-hap"]
        );
        assert!(applicable_notes(&g, &[], &[], &[], &called).is_empty());
    }

    #[test]
    fn missing_position_without_rsids_never_applies() {
        let mut n = note("miss-none", CallNoteKind::MissingPosition);
        n.haplotypes_missing = strings(&["*8"]);
        let g = gene(vec![n]);
        let anything = strings(&["rs1"]);
        assert!(applicable_notes(&g, &[], &[], &anything, &strings(&["*8"])).is_empty());
    }

    #[test]
    fn strand_always_and_other_never_apply() {
        let g = gene(vec![
            note("other", CallNoteKind::Other),
            note("strand", CallNoteKind::Strand),
        ]);
        assert_eq!(rules(&applicable_notes(&g, &[], &[], &[], &[])), ["strand"]);
        let dips = strings(&["*1/*2"]);
        let rs = strings(&["rs1"]);
        assert_eq!(
            rules(&applicable_notes(&g, &dips, &rs, &rs, &strings(&["*2"]))),
            ["strand"]
        );
    }

    #[test]
    fn notes_come_back_in_the_gene_order() {
        let mut amb = note("b-amb", CallNoteKind::Ambiguity);
        amb.diplotypes = strings(&["*1/*2"]);
        let mut miss = note("c-miss", CallNoteKind::MissingPosition);
        miss.variants_missing = strings(&["rs5"]);
        let g = gene(vec![miss, note("a-strand", CallNoteKind::Strand), amb]);
        let hit = applicable_notes(&g, &strings(&["*2/*1"]), &[], &strings(&["rs5"]), &[]);
        assert_eq!(rules(&hit), ["c-miss", "a-strand", "b-amb"]);
    }
}
