//! DPYD with every heterozygous site phased but in several phase sets: each
//! relative orientation of the sets is described strand by strand, every
//! distinct diplotype is returned, and the phenotype comes from the
//! orientation whose lowest-function allele per strand sums lowest (the
//! earliest on ties). Cases written for dosera, not taken from PharmCAT.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::allele::{CallOptions, GeneCall};
use dosera::input::vcf::VcfReader;
use dosera::Engine;
use dosera_conformance::builder::{build_vcf, Op};

/// A site: rsid, phase set (`None`: unphased), first and second allele.
type Site<'a> = (&'a str, Option<&'a str>, &'a str, &'a str);

fn call(sites: &[Site<'_>]) -> GeneCall {
    let engine = Engine::bundled().unwrap();
    let mut ops = vec![Op::Reference("DPYD".into())];
    for (rs, ps, a, b) in sites {
        ops.push(match ps {
            Some(ps) => Op::PhaseSetVariation(
                "DPYD".into(),
                rs.to_string(),
                ps.to_string(),
                a.to_string(),
                b.to_string(),
            ),
            None => Op::Variation("DPYD".into(), rs.to_string(), a.to_string(), b.to_string()),
        });
    }
    let vcf = build_vcf(&engine, &ops, "S1").unwrap();
    let mut reader = VcfReader::from_bytes(vcf.into_bytes()).unwrap();
    let options = CallOptions {
        genes: vec!["DPYD".into()],
        ..Default::default()
    };
    let calls = engine.call_vcf(&mut reader, &options).unwrap();
    calls[0].gene("DPYD").unwrap().clone()
}

fn names(call: &GeneCall) -> Vec<&str> {
    call.diplotypes.iter().map(|d| d.name.as_str()).collect()
}

fn phenotype(call: &GeneCall) -> Vec<String> {
    let mut v = call.phenotype_alleles.clone().unwrap_or_default();
    v.sort();
    v
}

const STAR2A: &str = "c.1905+1G>A (*2A)";
const C2846: &str = "c.2846A>T";

/// *2A (no function) on the first strand of set 10; in set 20, c.2846A>T
/// (decreased) on the second strand and *9A (normal) on the first; *5
/// homozygous.
fn two_sets() -> Vec<Site<'static>> {
    vec![
        ("rs3918290", Some("10"), "T", "C"),
        ("rs67376798", Some("20"), "T", "A"),
        ("rs1801265", Some("20"), "G", "A"),
        ("rs1801159", None, "C", "C"),
    ]
}

#[test]
fn both_orientations_of_two_sets_are_returned() {
    let c = call(&two_sets());
    assert!(c.allele_matches.is_empty(), "{:?}", c.allele_matches);
    assert_eq!(
        names(&c),
        [
            "[c.85T>C (*9A) + c.1627A>G (*5) + c.1905+1G>A (*2A)]/[c.1627A>G (*5) + c.2846A>T]",
            "[c.85T>C (*9A) + c.1627A>G (*5)]/[c.1627A>G (*5) + c.1905+1G>A (*2A) + c.2846A>T]",
        ]
    );
    // Kept: *2A and c.2846A>T (0 + 0.5); flipped: *2A and a normal allele.
    assert_eq!(phenotype(&c), [STAR2A, C2846]);
    assert!(c.notes.iter().any(|n| n.contains("2 phase sets")));
}

#[test]
fn swapping_every_strand_gives_the_same_call() {
    let swapped: Vec<Site<'static>> = two_sets()
        .into_iter()
        .map(|(rs, ps, a, b)| (rs, ps, b, a))
        .collect();
    let (x, y) = (call(&two_sets()), call(&swapped));
    assert_eq!(names(&x), names(&y));
    assert_eq!(phenotype(&x), phenotype(&y));
}

#[test]
fn ties_go_to_the_earliest_diplotype() {
    // Kept: *9A / *13; flipped: Reference / [*9A + *13]. Both count as a
    // normal allele and *13 (activity 1); Reference/… comes first.
    let c = call(&[
        ("rs55886062", Some("1"), "A", "C"),
        ("rs1801265", Some("2"), "G", "A"),
    ]);
    assert_eq!(
        names(&c),
        [
            "Reference/[c.85T>C (*9A) + c.1679T>G (*13)]",
            "c.85T>C (*9A)/c.1679T>G (*13)",
        ]
    );
    assert_eq!(phenotype(&c), ["Reference", "c.1679T>G (*13)"]);
}

#[test]
fn hapb3_split_over_two_sets_is_judged_from_the_intronic_site() {
    let c = call(&[
        ("rs75017182", Some("1"), "C", "G"),
        ("rs56038477", Some("2"), "T", "C"),
    ]);
    assert_eq!(
        names(&c),
        [
            "Reference/c.1129-5923C>G",
            "Reference/c.1129-5923C>G, c.1236G>A (HapB3)",
        ]
    );
    assert!(!names(&c).iter().any(|n| n.contains("g.")));
    assert_eq!(phenotype(&c), ["Reference", "c.1129-5923C>G"]);
    assert!(c.notes.iter().any(|n| n.contains("exonic HapB3 variant")));
}

#[test]
fn an_unphased_heterozygous_site_keeps_the_allele_listing() {
    let c = call(&[
        ("rs3918290", Some("10"), "T", "C"),
        ("rs67376798", Some("20"), "T", "A"),
        ("rs1801265", None, "G", "A"),
    ]);
    assert!(c.diplotypes.is_empty(), "{:?}", names(&c));
    assert_eq!(c.allele_matches, ["c.85T>C (*9A)", STAR2A, C2846]);
    assert_eq!(phenotype(&c), [STAR2A, C2846]);
}

/// One heterozygous single-site allele per phase set, `n` sets.
fn one_site_per_set(n: usize) -> Vec<Site<'static>> {
    const SITES: [(&str, &str, &str); 12] = [
        ("rs114096998", "G", "T"),
        ("rs148799944", "C", "G"),
        ("rs140114515", "C", "T"),
        ("rs1801268", "C", "A"),
        ("rs139459586", "A", "C"),
        ("rs202144771", "G", "A"),
        ("rs72547601", "T", "C"),
        ("rs72547602", "T", "A"),
        ("rs145529148", "T", "C"),
        ("rs141044036", "T", "C"),
        ("rs67376798", "T", "A"),
        ("rs1801267", "C", "T"),
    ];
    const SETS: [&str; 12] = [
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
    ];
    SITES
        .iter()
        .zip(SETS)
        .take(n)
        .map(|((rs, r, a), ps)| (*rs, Some(ps), *a, *r))
        .collect()
}

#[test]
fn eleven_sets_give_every_orientation() {
    let c = call(&one_site_per_set(11));
    // Each orientation splits the eleven alleles differently: 2^10 pairs.
    assert_eq!(c.diplotypes.len(), 1024);
    assert!(c.allele_matches.is_empty());
    // Three of the alleles have no function; the lowest orientation puts two
    // of them on different strands.
    let none = ["c.2872A>G", "c.2933A>G", "c.2983G>T (*10)"];
    let pair = phenotype(&c);
    assert_eq!(pair.len(), 2);
    assert_ne!(pair[0], pair[1]);
    assert!(pair.iter().all(|a| none.contains(&a.as_str())), "{pair:?}");
}

#[test]
fn twelve_sets_fall_back_to_the_allele_listing() {
    let c = call(&one_site_per_set(12));
    assert!(c.diplotypes.is_empty());
    assert_eq!(c.allele_matches.len(), 12);
    assert!(c.notes.iter().any(|n| n.contains("12 phase sets")));
}
