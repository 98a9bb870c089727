//! Acceptance: bad input gives a typed error naming the offending token.

use dosera::{Engine, ErrorCode, GeneInput, Request};

fn engine() -> Engine {
    Engine::bundled().expect("bundled packs")
}

fn err_of(genes: &[&str], drugs: &[&str]) -> dosera::Error {
    let inputs: Vec<GeneInput> = genes
        .iter()
        .map(|g| g.parse().expect("GENE=VALUE"))
        .collect();
    let request = Request::new(inputs).drugs(drugs.iter().copied());
    engine().recommend(&request).expect_err("must fail")
}

#[test]
fn unknown_gene_is_named() {
    let e = err_of(&["CYP2C91=*1/*1"], &[]);
    assert_eq!(e.code(), ErrorCode::UnknownGene);
    assert!(e.to_string().contains("CYP2C91"), "{e}");
}

#[test]
fn unknown_allele_is_named() {
    let e = err_of(&["CYP2C19=*1/*99"], &[]);
    assert_eq!(e.code(), ErrorCode::UnknownAllele);
    assert!(e.to_string().contains("*99"), "{e}");
    let e = err_of(&["HLA-B=*99:99 positive"], &[]);
    assert_eq!(e.code(), ErrorCode::UnknownAllele);
    assert!(e.to_string().contains("*99:99"), "{e}");
}

#[test]
fn malformed_diplotype_is_named() {
    for value in ["*1/", "/*2", "*1//*2", "*1/*2/*3"] {
        let e = err_of(&[&format!("CYP2C19={value}")], &[]);
        assert!(
            matches!(
                e.code(),
                ErrorCode::MalformedDiplotype | ErrorCode::UnknownAllele
            ),
            "{value}: {e}"
        );
        // Either the whole value or the offending part of it is named.
        let named = match &e {
            dosera::Error::UnknownAllele { allele, .. } => value.contains(allele.as_str()),
            other => other.to_string().contains(value),
        };
        assert!(named, "{value}: {e}");
    }
}

#[test]
fn malformed_values_are_named() {
    let e = err_of(&["CYP2C19=banana"], &[]);
    assert_eq!(e.code(), ErrorCode::MalformedGeneResult);
    assert!(e.to_string().contains("banana"), "{e}");
    // A score for a gene not phenotyped by score.
    let e = err_of(&["CYP2C19=1.5"], &[]);
    assert_eq!(e.code(), ErrorCode::MalformedGeneResult);
    assert!("CYP2C19".parse::<GeneInput>().is_err());
}

#[test]
fn unknown_drug_is_named() {
    let e = err_of(&["CYP2C19=*2/*2"], &["clopidogrell"]);
    assert_eq!(e.code(), ErrorCode::UnknownDrug);
    assert!(e.to_string().contains("clopidogrell"), "{e}");
}

#[test]
fn the_same_gene_twice_is_refused() {
    let e = err_of(&["CYP2C19=*2/*2", "cyp2c19=*1/*1"], &[]);
    assert_eq!(e.code(), ErrorCode::Usage);
}
