use std::collections::BTreeMap;

use super::*;
use crate::pack::{
    ActivityBin, AlleleFunction, DiplotypeRule, FunctionPairRule, Phenotyping, SingleAlleleRule,
};

fn allele(name: &str, function: Option<&str>, activity: Option<&str>) -> AlleleFunction {
    AlleleFunction {
        name: name.into(),
        function: function.map(str::to_string),
        activity: activity.map(str::to_string),
    }
}

fn gene(symbol: &str, method: PhenotypeMethod, alleles: Vec<AlleleFunction>) -> Gene {
    Gene {
        symbol: symbol.into(),
        chromosome: None,
        definition: None,
        call_notes: Vec::new(),
        phenotyping: Phenotyping {
            version: "test".into(),
            method,
            alleles,
            aliases: BTreeMap::new(),
            function_pairs: Vec::new(),
            activity_bins: Vec::new(),
            single_allele: Vec::new(),
            diplotypes: Vec::new(),
            status_alleles: Vec::new(),
        },
    }
}

fn pair(a: &str, b: &str, phenotype: &str) -> FunctionPairRule {
    FunctionPairRule {
        functions: [a.into(), b.into()],
        phenotype: phenotype.into(),
        lookup_key: phenotype.into(),
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn g6pd() -> Gene {
    let mut g = gene(
        "G6PD",
        PhenotypeMethod::FunctionPair,
        vec![
            allele("A", Some("IV/Normal"), None),
            allele("B (reference)", Some("IV/Normal"), None),
            allele("Telti, Kobe", Some("I/Deficient with CNSHA"), None),
            allele("Insuli", Some("I/Deficient with CNSHA"), None),
        ],
    );
    g.phenotyping
        .aliases
        .insert("Telti/Kobe".into(), "Telti, Kobe".into());
    g.phenotyping.function_pairs = vec![
        pair("I/Deficient with CNSHA", "IV/Normal", "Variable"),
        pair(
            "I/Deficient with CNSHA",
            "I/Deficient with CNSHA",
            "Deficient with CNSHA",
        ),
        pair("IV/Normal", "IV/Normal", "Normal"),
    ];
    g.phenotyping.single_allele = vec![
        SingleAlleleRule {
            function: "I/Deficient with CNSHA".into(),
            phenotype: "Deficient with CNSHA".into(),
            lookup_key: "Deficient with CNSHA".into(),
        },
        SingleAlleleRule {
            function: "IV/Normal".into(),
            phenotype: "Normal".into(),
            lookup_key: "Normal".into(),
        },
    ];
    g
}

fn cyp2d6() -> Gene {
    let mut g = gene(
        "CYP2D6",
        PhenotypeMethod::ActivityScore,
        vec![
            allele("*1", Some("Normal function"), Some("1.0")),
            allele("*4", Some("No function"), Some("0.0")),
            allele("*10", Some("Decreased function"), Some("0.25")),
            allele("*1x≥3", Some("Increased function"), Some("≥3.0")),
            allele("*22", Some("Uncertain function"), Some("n/a")),
            allele("*13 + *1", None, Some("1.0")),
            allele("*68x2", Some("No function"), None),
        ],
    );
    let bin = |min: f64, max: Option<f64>, p: &str| ActivityBin {
        min,
        max,
        phenotype: p.into(),
    };
    g.phenotyping.activity_bins = vec![
        bin(0.0, Some(0.0), "Poor Metabolizer"),
        bin(0.25, Some(1.0), "Intermediate Metabolizer"),
        bin(1.25, Some(2.25), "Normal Metabolizer"),
        bin(2.5, None, "Ultrarapid Metabolizer"),
    ];
    g
}

fn nudt15() -> Gene {
    let mut g = gene(
        "NUDT15",
        PhenotypeMethod::FunctionPair,
        vec![
            allele("*1", Some("Normal function"), None),
            allele("*3", Some("No function"), None),
            allele("*5", Some("Decreased function"), None),
        ],
    );
    g.phenotyping.aliases.insert("*2".into(), "*3".into());
    g.phenotyping.function_pairs = vec![
        pair("No function", "Normal function", "Intermediate Metabolizer"),
        pair("Decreased function", "No function", "Poor Metabolizer"),
    ];
    g
}

#[test]
fn parses_names_with_slashes_commas_and_parentheses() {
    let g = g6pd();
    assert_eq!(
        parse_diplotype(&g, "Telti/Kobe").ok(),
        Some(s(&["Telti, Kobe"]))
    );
    assert_eq!(
        parse_diplotype(&g, "Telti/Kobe/Telti/Kobe").ok(),
        Some(s(&["Telti, Kobe", "Telti, Kobe"]))
    );
    assert_eq!(
        parse_diplotype(&g, "Insuli / Telti/Kobe").ok(),
        Some(s(&["Insuli", "Telti, Kobe"]))
    );
    assert_eq!(
        parse_diplotype(&g, "B (reference)").ok(),
        Some(s(&["B (reference)"]))
    );

    let dpyd = gene(
        "DPYD",
        PhenotypeMethod::ActivityScore,
        vec![
            allele("Reference", None, Some("1.0")),
            allele("c.1129-5923C>G, c.1236G>A (HapB3)", None, Some("0.5")),
        ],
    );
    assert_eq!(
        parse_diplotype(&dpyd, "Reference/c.1129-5923C>G, c.1236G>A (HapB3)").ok(),
        Some(s(&["Reference", "c.1129-5923C>G, c.1236G>A (HapB3)"]))
    );
}

#[test]
fn parse_errors_name_the_problem() {
    let g = cyp2d6();
    match parse_diplotype(&g, "*1/*999") {
        Err(Error::UnknownAllele { allele, .. }) => assert_eq!(allele, "*999"),
        other => panic!("{other:?}"),
    }
    match parse_diplotype(&g, "*999/*1") {
        Err(Error::UnknownAllele { allele, .. }) => assert_eq!(allele, "*999"),
        other => panic!("{other:?}"),
    }
    for bad in ["", "   ", "/", "*1/", "///", "*1"] {
        assert!(
            matches!(
                parse_diplotype(&g, bad),
                Err(Error::MalformedDiplotype { .. })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        parse_diplotype(&g, "garbage"),
        Err(Error::UnknownAllele { .. })
    ));
}

#[test]
fn activity_scores_propagate_at_least() {
    let g = cyp2d6();
    let p = from_alleles(&g, &s(&["*1x≥3", "*4"])).ok().flatten();
    let p = p.as_ref();
    assert_eq!(p.map(|p| p.lookup_key.as_str()), Some("≥3.0"));
    assert_eq!(
        p.map(|p| p.phenotype.as_str()),
        Some("Ultrarapid Metabolizer")
    );
    let p = from_alleles(&g, &s(&["*10", "*1x≥3"])).ok().flatten();
    assert_eq!(p.map(|p| p.lookup_key), Some("≥3.25".to_string()));
    let p = from_alleles(&g, &s(&["*10", "*13 + *1"])).ok().flatten();
    assert_eq!(
        p.map(|p| (p.phenotype, p.lookup_key)),
        Some(("Normal Metabolizer".to_string(), "1.25".to_string()))
    );
}

#[test]
fn missing_activity_is_indeterminate() {
    let g = cyp2d6();
    for other in ["*22", "*68x2"] {
        let p = from_alleles(&g, &s(&["*1", other])).ok().flatten();
        let p = p.as_ref();
        assert_eq!(p.map(|p| p.phenotype.as_str()), Some(INDETERMINATE));
        assert_eq!(p.map(|p| p.lookup_key.as_str()), Some("n/a"));
        assert_eq!(p.and_then(|p| p.activity_score.as_deref()), Some("n/a"));
        assert!(p.is_some_and(|p| !p.notes.is_empty()));
    }
}

#[test]
fn scores_format_canonically() {
    assert_eq!(format_activity_score(0.0, false), "0.0");
    assert_eq!(format_activity_score(-0.0, false), "0.0");
    assert_eq!(format_activity_score(0.25, false), "0.25");
    assert_eq!(format_activity_score(0.75, false), "0.75");
    assert_eq!(format_activity_score(1.0, false), "1.0");
    assert_eq!(format_activity_score(1.5, false), "1.5");
    assert_eq!(format_activity_score(10.0, false), "10.0");
    assert_eq!(format_activity_score(3.0, true), "≥3.0");
    assert_eq!(format_activity_score(3.25, true), "≥3.25");
    assert_eq!(format_activity_score(f64::NAN, false), "n/a");
    assert_eq!(normalize_lookup_key("CYP2D6", "0"), "0.0");
    assert_eq!(normalize_lookup_key("CYP2D6", "≥4"), "≥4.0");
    assert_eq!(normalize_lookup_key("CYP2D6", ">=3"), "≥3.0");
    assert_eq!(normalize_lookup_key("CYP2D6", "n/a"), "n/a");
    assert_eq!(
        normalize_lookup_key("HLA-B", "*57:01 positive"),
        "*57:01 positive"
    );
}

#[test]
fn from_score_bins_and_rejects_garbage() {
    let g = cyp2d6();
    let p = from_activity_score(&g, "≥3").ok();
    assert_eq!(
        p.map(|p| (p.phenotype, p.lookup_key)),
        Some(("Ultrarapid Metabolizer".into(), "≥3.0".into()))
    );
    let p = from_activity_score(&g, "0").ok();
    assert_eq!(p.map(|p| p.lookup_key), Some("0.0".into()));
    // Between published bins: no guess.
    let p = from_activity_score(&g, "1.1").ok();
    assert_eq!(p.map(|p| p.phenotype), Some(INDETERMINATE.into()));
    assert!(from_activity_score(&g, "abc").is_err());
    assert!(from_activity_score(&g, "-1").is_err());
    assert!(from_activity_score(&nudt15(), "1.0").is_err());
}

#[test]
fn nudt15_star2_is_read_as_star3() {
    let g = nudt15();
    assert_eq!(parse_diplotype(&g, "*1/*2").ok(), Some(s(&["*1", "*3"])));
    let p = from_alleles(&g, &s(&["*2", "*5"])).ok().flatten();
    let p = p.as_ref();
    assert_eq!(p.map(|p| p.phenotype.as_str()), Some("Poor Metabolizer"));
    assert!(p.is_some_and(|p| p.notes.iter().any(|n| n.contains("`*2` read as `*3`"))));
}

#[test]
fn function_pairs_and_single_alleles() {
    let g = g6pd();
    let p = from_alleles(&g, &s(&["Telti, Kobe", "A"])).ok().flatten();
    assert_eq!(p.map(|p| p.phenotype), Some("Variable".into()));
    let p = from_alleles(&g, &s(&["Telti/Kobe"])).ok().flatten();
    assert_eq!(p.map(|p| p.lookup_key), Some("Deficient with CNSHA".into()));
    // A function pair without a rule does not guess.
    let mut g = nudt15();
    g.phenotyping.alleles.push(allele("*9", None, None));
    let p = from_alleles(&g, &s(&["*1", "*9"])).ok().flatten();
    assert_eq!(p.map(|p| p.lookup_key), Some(INDETERMINATE.into()));
    let p = from_alleles(&g, &s(&["*1", "*1"])).ok().flatten();
    assert_eq!(p.map(|p| p.phenotype), Some(INDETERMINATE.into()));
    assert!(matches!(
        from_alleles(&g, &s(&["*1"])),
        Err(Error::MalformedDiplotype { .. })
    ));
    assert!(matches!(
        from_alleles(&g, &s(&["*1", "*77"])),
        Err(Error::UnknownAllele { .. })
    ));
}

#[test]
fn diplotype_tables_and_allele_status() {
    let mut g = gene(
        "CYP2D6",
        PhenotypeMethod::DiplotypeTable,
        vec![
            allele("*1", None, Some("1.0")),
            allele("*2x2", None, Some("2.0")),
            allele("*4", None, Some("0.0")),
        ],
    );
    g.phenotyping.diplotypes = vec![DiplotypeRule {
        alleles: s(&["*1", "*2x2"]),
        phenotype: "Ultrarapid Metabolizer".into(),
        lookup_key: "3.0".into(),
        activity_score: Some("3.0".into()),
    }];
    let p = from_alleles(&g, &s(&["*2x2", "*1"])).ok().flatten();
    assert_eq!(p.map(|p| p.lookup_key), Some("3.0".into()));
    assert_eq!(from_alleles(&g, &s(&["*4", "*1"])).ok(), Some(None));
    let p = from_activity_score(&g, "3").ok();
    assert_eq!(
        p.map(|p| p.phenotype),
        Some("Ultrarapid Metabolizer".into())
    );

    let mut hla = gene("HLA-B", PhenotypeMethod::AlleleStatus, Vec::new());
    hla.phenotyping.status_alleles = s(&["*15:02", "*57:01"]);
    assert_eq!(
        parse_diplotype(&hla, "*57:01/*44:02").ok(),
        Some(s(&["*57:01", "*44:02"]))
    );
    let p = from_alleles(&hla, &s(&["*57:01", "*44:02"])).ok().flatten();
    assert_eq!(
        p.map(|p| p.lookup_key),
        Some("*15:02 negative; *57:01 positive".into())
    );
}

#[test]
fn natural_order() {
    let mut v = s(&["*10", "*2", "*1x2", "*1", "*3B", "*3A"]);
    v.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(v, s(&["*1", "*1x2", "*2", "*3A", "*3B", "*10"]));
}
