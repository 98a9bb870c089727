//! Phased half-calls (`T|.`): DPYD reads the called allele on its strand and
//! the position as missing on the other strand only; unphased half-calls,
//! `0|.`, and half-calls in other genes stay missing positions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::{CallOptions, GeneCall};
use dosera::genotype::MissingReason;
use dosera::input::vcf::VcfReader;
use dosera::Engine;
use dosera_conformance::builder::{build_vcf, Op};

const HAPB3: &str = "c.1129-5923C>G, c.1236G>A (HapB3)";
const INTRONIC: &str = "c.1129-5923C>G";
/// Exonic HapB3 site (c.1236G>A): reference C, variant T.
const EXONIC_RS: &str = "rs56038477";
/// Intronic HapB3 site (c.1129-5923C>G): reference G, variant C.
const INTRONIC_RS: &str = "rs75017182";

fn run_vcf(vcf: String, gene: &str) -> GeneCall {
    let engine = Engine::bundled().unwrap();
    let mut reader = VcfReader::from_bytes(vcf.into_bytes()).unwrap();
    let options = CallOptions {
        genes: vec![gene.into()],
        ..Default::default()
    };
    let calls = engine.call_vcf(&mut reader, &options).unwrap();
    calls[0].gene(gene).unwrap().clone()
}

fn vcf(ops: &[Op]) -> String {
    build_vcf(&Engine::bundled().unwrap(), ops, "S1").unwrap()
}

fn var(gene: &str, rs: &str, a: &str, b: &str) -> Op {
    Op::Variation(gene.into(), rs.into(), a.into(), b.into())
}

fn dpyd(phased: bool, sites: &[(&str, &str, &str)]) -> GeneCall {
    let mut ops = vec![Op::Reference("DPYD".into())];
    if phased {
        ops.push(Op::Phased);
    }
    ops.extend(sites.iter().map(|(rs, a, b)| var("DPYD", rs, a, b)));
    run_vcf(vcf(&ops), "DPYD")
}

fn names(call: &GeneCall) -> Vec<&str> {
    call.diplotypes.iter().map(|d| d.name.as_str()).collect()
}

fn used<'a>(call: &'a GeneCall, rs: &str) -> Option<&'a str> {
    call.evidence
        .positions_used
        .iter()
        .find(|p| p.rsid.as_deref() == Some(rs))
        .map(|p| p.genotype.as_str())
}

fn missing(call: &GeneCall, rs: &str) -> Option<MissingReason> {
    call.evidence
        .missing
        .iter()
        .find(|m| m.rsid.as_deref() == Some(rs))
        .map(|m| m.reason)
}

fn has_note(call: &GeneCall, part: &str) -> bool {
    call.notes.iter().any(|n| n.contains(part))
}

/// The exonic variant alone on the first strand (its intronic site not
/// called there), the intronic variant alone on the second: HapB3 on the
/// first strand from the exonic site, `c.1129-5923C>G` on the second.
#[test]
fn alternate_half_calls_judge_hapb3_per_strand() {
    for (exonic, intronic) in [(("T", "."), (".", "C")), ((".", "T"), ("C", "."))] {
        let c = dpyd(
            true,
            &[
                (EXONIC_RS, exonic.0, exonic.1),
                (INTRONIC_RS, intronic.0, intronic.1),
            ],
        );
        assert_eq!(names(&c), [format!("{INTRONIC}/{HAPB3}")], "{:?}", c.notes);
        assert!(c.no_call_reason.is_none());
        assert!(has_note(&c, "judged from the exonic rs56038477 alone"));
        assert!(has_note(&c, "phased half-call"));
        // What was seen is shown, the `.` included; nothing is listed missing
        // and nothing assumed.
        let shown = |(a, b): (&str, &str)| format!("{a}|{b}");
        assert_eq!(used(&c, EXONIC_RS), Some(shown(exonic).as_str()));
        assert_eq!(used(&c, INTRONIC_RS), Some(shown(intronic).as_str()));
        assert_eq!(missing(&c, EXONIC_RS), None);
        assert_eq!(missing(&c, INTRONIC_RS), None);
        let mut pheno = c.phenotype_alleles.clone().unwrap();
        pheno.sort();
        assert_eq!(pheno, [INTRONIC, HAPB3]);
    }
}

/// Both variants on the same strand, the other strand not called at either
/// site: HapB3 on one strand, reference on the other, no exonic-only note.
#[test]
fn half_calls_on_one_strand() {
    for (exonic, intronic) in [((".", "T"), (".", "C")), (("T", "."), ("C", "."))] {
        let c = dpyd(
            true,
            &[
                (EXONIC_RS, exonic.0, exonic.1),
                (INTRONIC_RS, intronic.0, intronic.1),
            ],
        );
        assert_eq!(names(&c), [format!("Reference/{HAPB3}")]);
        assert!(!has_note(&c, "judged from the exonic"), "{:?}", c.notes);
    }
}

/// A phased half-call at the intronic site with the exonic variant
/// homozygous: the strand without the intronic call is judged from the
/// exonic site; the strand with it has both variants.
#[test]
fn intronic_half_call_with_homozygous_exonic_variant() {
    let c = dpyd(true, &[(EXONIC_RS, "T", "T"), (INTRONIC_RS, ".", "C")]);
    assert_eq!(names(&c), [format!("{HAPB3}/{HAPB3}")]);
    assert!(has_note(&c, "judged from the exonic rs56038477 alone"));
}

/// Unphased half-calls stay missing positions (reason: partial genotype);
/// nothing is read from them.
#[test]
fn unphased_half_calls_stay_missing() {
    let c = dpyd(false, &[(EXONIC_RS, "T", "."), (INTRONIC_RS, ".", "C")]);
    for rs in [EXONIC_RS, INTRONIC_RS] {
        assert_eq!(missing(&c, rs), Some(MissingReason::PartialGenotype));
        assert_eq!(used(&c, rs), None);
    }
    assert!(!has_note(&c, "phased half-call"));
    // The same call as with both positions absent from the VCF.
    let absent = run_vcf(
        vcf(&[
            Op::Reference("DPYD".into()),
            Op::Missing("DPYD".into(), vec![EXONIC_RS.into(), INTRONIC_RS.into()]),
        ]),
        "DPYD",
    );
    assert_eq!(names(&c), names(&absent));
    assert_eq!(c.allele_matches, absent.allele_matches);
}

/// `0|.` (and `.|0`) is missing, not a reference strand: the intronic site
/// is missing on both strands, so HapB3 is judged from the exonic site.
#[test]
fn reference_half_call_is_missing() {
    for (a, b) in [("G", "."), (".", "G")] {
        let c = dpyd(true, &[(EXONIC_RS, "C", "T"), (INTRONIC_RS, a, b)]);
        assert_eq!(
            missing(&c, INTRONIC_RS),
            Some(MissingReason::PartialGenotype)
        );
        assert_eq!(used(&c, INTRONIC_RS), None);
        assert_eq!(names(&c), [format!("Reference/{HAPB3}")], "{:?}", c.notes);
        assert!(has_note(&c, "because the intronic rs75017182 is missing"));
    }
}

/// A phased het elsewhere that is not in the half-call's phase set: the two
/// sets' orientations are both described.
#[test]
fn half_call_in_its_own_phase_set_is_oriented() {
    let engine = Engine::bundled().unwrap();
    let ops = vec![
        Op::Reference("DPYD".into()),
        Op::PhaseSetVariation(
            "DPYD".into(),
            EXONIC_RS.into(),
            "10".into(),
            "T".into(),
            ".".into(),
        ),
        Op::PhaseSetVariation(
            "DPYD".into(),
            INTRONIC_RS.into(),
            "20".into(),
            ".".into(),
            "C".into(),
        ),
    ];
    let c = run_vcf(build_vcf(&engine, &ops, "S1").unwrap(), "DPYD");
    let mut got = names(&c);
    got.sort();
    let mut want = vec![format!("Reference/{HAPB3}"), format!("{INTRONIC}/{HAPB3}")];
    want.sort();
    assert_eq!(got, want, "{:?}", c.notes);
    assert!(has_note(&c, "2 phase sets"));
}

/// An unphased heterozygous call elsewhere: the half-calls are not read
/// (the gene is not phased) and stay missing.
#[test]
fn unphased_het_elsewhere_keeps_half_calls_missing() {
    let engine = Engine::bundled().unwrap();
    let ops = vec![
        Op::Reference("DPYD".into()),
        Op::PhaseSetVariation(
            "DPYD".into(),
            INTRONIC_RS.into(),
            "20".into(),
            ".".into(),
            "C".into(),
        ),
        // *2A heterozygous without phase: written `0/1` by the builder only
        // when the whole file is unphased, so use an explicit GT.
        Op::AsIs(
            "DPYD".into(),
            "rs3918290".into(),
            "0/1".into(),
            "C".into(),
            vec!["T".into()],
        ),
    ];
    let c = run_vcf(build_vcf(&engine, &ops, "S1").unwrap(), "DPYD");
    assert_eq!(used(&c, "rs3918290"), Some("C/T"));
    assert_eq!(
        missing(&c, INTRONIC_RS),
        Some(MissingReason::PartialGenotype)
    );
    assert!(!has_note(&c, "phased half-call"));
}

/// Other genes: a phased half-call with a variant is a missing position.
#[test]
fn half_call_in_another_gene_is_missing() {
    let ops = |gt: Op| vec![Op::Reference("CYP2C19".into()), Op::Phased, gt];
    let c = run_vcf(vcf(&ops(var("CYP2C19", "rs4244285", "A", "."))), "CYP2C19");
    assert_eq!(
        missing(&c, "rs4244285"),
        Some(MissingReason::PartialGenotype)
    );
    assert_eq!(used(&c, "rs4244285"), None);
    let absent = run_vcf(
        vcf(&ops(Op::Missing(
            "CYP2C19".into(),
            vec!["rs4244285".into()],
        ))),
        "CYP2C19",
    );
    assert_eq!(names(&c), names(&absent));
}

/// A half-call row followed by a row with a full call at the same position:
/// the full call is used.
#[test]
fn full_call_in_a_later_row_wins_over_a_half_call() {
    let text = vcf(&[
        Op::Reference("DPYD".into()),
        Op::Phased,
        var("DPYD", INTRONIC_RS, ".", "C"),
    ]);
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if line.contains(&format!("\t{INTRONIC_RS}\t")) {
            out.push_str(&line.replace(".|1", "0|1"));
            out.push('\n');
        }
    }
    let c = run_vcf(out, "DPYD");
    assert_eq!(used(&c, INTRONIC_RS), Some("G|C"));
    assert!(!has_note(&c, "phased half-call"));
}
