//! Every way a gene result can be written reaches its guideline rows, and
//! what the prescriber reads follows from the row: HLA diplotypes, single
//! HLA alleles and carrier status; MT-RNR1 names; IFNL3 genotypes; DPWG
//! lookups of alleles DPWG's own tables do not list; diplotype-keyed rows
//! before phenotype rows; two rows that disagree for one result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dosera::pack::Action;
use dosera::{DrugResult, Engine, GeneInput, Recommendations, Request, Source};

fn run(genes: &[&str], drugs: &[&str]) -> Recommendations {
    let engine = Engine::bundled().unwrap();
    let inputs: Vec<GeneInput> = genes.iter().map(|g| g.parse().unwrap()).collect();
    engine
        .recommend(&Request::new(inputs).drugs(drugs.iter().copied()))
        .unwrap()
}

/// The results for one drug and source (one per guideline).
fn drug<'r>(r: &'r Recommendations, name: &str, source: Source) -> Vec<&'r DrugResult> {
    r.drugs
        .iter()
        .filter(|d| d.drug == name && d.source == source)
        .collect()
}

/// Actions of the rows matched for one drug and source, sorted.
fn actions(r: &Recommendations, name: &str, source: Source) -> Vec<Action> {
    let mut v: Vec<Action> = drug(r, name, source)
        .iter()
        .flat_map(|d| d.matches.iter().map(|m| m.action))
        .collect();
    v.sort_by_key(|a| format!("{a:?}"));
    v
}

#[test]
fn hla_b_diplotype_reaches_every_hla_guideline() {
    let r = run(
        &["HLA-B=*15:02/*57:01"],
        &[
            "abacavir",
            "allopurinol",
            "carbamazepine",
            "oxcarbazepine",
            "phenytoin",
            "fosphenytoin",
            "flucloxacillin",
            "lamotrigine",
        ],
    );
    // *57:01 carrier: abacavir is to be avoided under both sources.
    assert_eq!(actions(&r, "abacavir", Source::Cpic), vec![Action::Avoid]);
    assert_eq!(actions(&r, "abacavir", Source::Dpwg), vec![Action::Avoid]);
    // *15:02 carrier: carbamazepine rows in every population (HLA-A not
    // given is matched as No Result, as the guideline allows).
    let cbz = drug(&r, "carbamazepine", Source::Cpic);
    assert_eq!(cbz[0].matches.len(), 3, "{:?}", cbz[0].warnings);
    assert!(cbz[0]
        .matches
        .iter()
        .all(|m| m.lookup["HLA-B"] == "*15:02 positive"));
    assert!(!actions(&r, "carbamazepine", Source::Dpwg).is_empty());
    // Every HLA-B guideline of both sources reaches at least one row, but
    // DPWG allopurinol's, which has a row for *58:01 carriers only.
    for d in r
        .drugs
        .iter()
        .filter(|d| d.genes.iter().any(|g| g == "HLA-B"))
        .filter(|d| !(d.drug == "allopurinol" && d.source == Source::Dpwg))
    {
        assert!(
            !d.matches.is_empty(),
            "{} {} {}: {:?}",
            d.drug,
            d.source,
            d.guideline_id,
            d.warnings
        );
    }
    // *58:01 is not carried: allopurinol at the usual dose.
    assert_eq!(
        actions(&r, "allopurinol", Source::Cpic),
        vec![Action::StandardDosing]
    );
}

#[test]
fn hla_b_in_its_other_forms() {
    // The order of the two alleles does not matter.
    let a = run(&["HLA-B=*57:01/*44:02"], &["abacavir"]);
    assert_eq!(actions(&a, "abacavir", Source::Cpic), vec![Action::Avoid]);
    // A single allele counts as carried; the derivation says how it was read.
    let single = run(&["HLA-B=*15:02"], &["abacavir", "carbamazepine"]);
    assert_eq!(
        actions(&single, "abacavir", Source::Cpic),
        vec![Action::StandardDosing]
    );
    assert!(!actions(&single, "carbamazepine", Source::Cpic).is_empty());
    let how = &single.genes[0].candidates[0].calls[0].derivation;
    assert!(how.contains("one HLA-B allele given"), "{how}");
    // Carrier status given directly.
    let status = run(&["HLA-B=*57:01 positive"], &["abacavir"]);
    assert_eq!(
        actions(&status, "abacavir", Source::Cpic),
        vec![Action::Avoid]
    );
    assert_eq!(
        actions(&status, "abacavir", Source::Dpwg),
        vec![Action::Avoid]
    );
    // A diplotype and the status it implies reach the same rows.
    let ids = |r: &Recommendations| -> Vec<String> {
        r.drugs
            .iter()
            .flat_map(|d| d.matches.iter().map(|m| m.id.clone()))
            .collect()
    };
    assert_eq!(ids(&a), ids(&status));
}

#[test]
fn two_gene_lookup_with_hla_a_and_hla_b() {
    let r = run(
        &["HLA-A=*31:01 positive", "HLA-B=*57:01/*58:01"],
        &["carbamazepine", "allopurinol"],
    );
    let cbz = drug(&r, "carbamazepine", Source::Cpic);
    assert_eq!(cbz[0].matches.len(), 3);
    assert!(cbz[0]
        .matches
        .iter()
        .all(|m| m.lookup["HLA-A"] == "*31:01 positive" && m.lookup["HLA-B"] == "*15:02 negative"));
    assert!(actions(&r, "allopurinol", Source::Cpic)
        .iter()
        .all(|a| *a != Action::StandardDosing));
}

#[test]
fn mt_rnr1_names_reach_the_aminoglycoside_rows() {
    for value in ["m.1555A>G", "1555A>G"] {
        let r = run(&[&format!("MT-RNR1={value}")], &["amikacin", "gentamicin"]);
        assert_eq!(
            actions(&r, "amikacin", Source::Cpic),
            vec![Action::Avoid],
            "{value}"
        );
        let notes = &r.genes[0].notes;
        assert_eq!(
            notes.iter().any(|n| n.contains("read as `m.1555A>G`")),
            value == "1555A>G",
            "{value}: {notes:?}"
        );
    }
}

#[test]
fn ifnl3_genotypes_have_the_cpic_phenotypes() {
    let engine = Engine::bundled().unwrap();
    for (diplotype, phenotype) in [
        (
            "rs12979860 reference (C)/rs12979860 reference (C)",
            "Favorable response genotype",
        ),
        (
            "rs12979860 reference (C)/rs12979860 variant (T)",
            "Unfavorable response genotype",
        ),
        (
            "rs12979860 variant (T)/rs12979860 variant (T)",
            "Unfavorable response genotype",
        ),
    ] {
        let r = engine
            .interpret(&GeneInput::new("IFNL3", diplotype))
            .unwrap();
        let cpic = &r.candidates[0].calls[0];
        assert_eq!(cpic.phenotype.as_deref(), Some(phenotype), "{diplotype}");
    }
}

#[test]
fn dpwg_lookups_of_alleles_its_tables_do_not_list() {
    // Each pair, typed as a diplotype, reaches the DPWG rows its CPIC
    // phenotype (or activity score) reaches when typed directly.
    for (gene, diplotype, typed, drug_name) in [
        ("CYP2C19", "*38/*38", "Normal Metabolizer", "clopidogrel"),
        (
            "CYP2C19",
            "*2/*38",
            "Intermediate Metabolizer",
            "clopidogrel",
        ),
        (
            "CYP2C19",
            "*2/*15",
            "Intermediate Metabolizer",
            "citalopram",
        ),
        ("CYP2C19", "*13/*28", "Normal Metabolizer", "clopidogrel"),
        ("CYP2D6", "*4/*10", "0.25", "codeine"),
        ("CYP2D6", "*1/*10", "1.25", "codeine"),
    ] {
        let by_diplotype = run(&[&format!("{gene}={diplotype}")], &[drug_name]);
        let by_phenotype = run(&[&format!("{gene}={typed}")], &[drug_name]);
        let rows = |r: &Recommendations| -> Vec<String> {
            drug(r, drug_name, Source::Dpwg)
                .iter()
                .flat_map(|d| d.matches.iter().map(|m| m.id.clone()))
                .collect()
        };
        assert!(
            !rows(&by_diplotype).is_empty(),
            "{gene} {diplotype}: no DPWG row for {drug_name}"
        );
        assert_eq!(
            rows(&by_diplotype),
            rows(&by_phenotype),
            "{gene} {diplotype}"
        );
        let dpwg = by_diplotype.genes[0].candidates[0]
            .calls
            .iter()
            .find(|c| c.source == Source::Dpwg)
            .unwrap();
        if diplotype.contains("*38") || diplotype.contains("*15") || diplotype.contains("*28") {
            assert!(
                dpwg.derivation.contains("not in the DPWG diplotype table"),
                "{gene} {diplotype}: {}",
                dpwg.derivation
            );
        }
    }
}

#[test]
fn dpwg_table_wins_where_it_defines_a_diplotype_otherwise() {
    // DPWG's table reads CYP2C19 *1/*9 as Intermediate Metabolizer; CPIC's
    // functions give Likely Intermediate Metabolizer. The table's row is
    // used, and the derivation says it differs.
    let r = run(&["CYP2C19=*1/*9"], &["citalopram"]);
    let call = r.genes[0].candidates[0]
        .calls
        .iter()
        .find(|c| c.source == Source::Dpwg)
        .unwrap();
    assert_eq!(
        call.lookup_keys,
        vec!["Intermediate Metabolizer".to_string()]
    );
    assert!(
        call.derivation.contains("defines *1/*9 differently"),
        "{}",
        call.derivation
    );
    assert!(!actions(&r, "citalopram", Source::Dpwg).is_empty());
}

#[test]
fn a_diplotype_row_takes_the_place_of_the_phenotype_row() {
    // DPWG siponimod keys CYP2C9 *2/*2 by diplotype and also has a
    // phenotype row its phenotype would reach: only the diplotype row.
    let r = run(&["CYP2C9=*2/*2"], &["siponimod"]);
    let d = drug(&r, "siponimod", Source::Dpwg);
    assert_eq!(d[0].matches.len(), 1, "{:?}", d[0].matches);
    assert_eq!(d[0].matches[0].lookup["CYP2C9"], "*2/*2");
    assert!(d[0].candidates_agree);
}

#[test]
fn two_rows_of_one_population_that_disagree_are_flagged() {
    // DPWG keys DPYD activity score 1.0 twice (an intermediate metabolizer
    // row and one asking for phenotyping): given only the score, both
    // apply, and the result says they differ.
    let r = run(&["DPYD=1.0"], &["capecitabine"]);
    let d = drug(&r, "capecitabine", Source::Dpwg);
    assert_eq!(d[0].matches.len(), 2);
    assert!(!d[0].candidates_agree);
    assert!(
        d[0].warnings.iter().any(|w| w.contains("different advice")),
        "{:?}",
        d[0].warnings
    );
}
