//! Names that help: misspelled drugs, genes and alleles get the closest
//! known names as suggestions; brand names, ATC codes and RxNorm ids find
//! their drug; a known drug no guideline covers (metformin) is answered
//! differently from a name dosera does not know. Through the command line
//! (messages and exit codes) and the core API.

use std::process::{Command, Output};

use dosera::{Engine, ErrorCode};

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

/// What a name given should come to.
enum Want {
    /// A drug name read as this generic name (and how, in words).
    Drug(&'static str, &'static str),
    /// An error whose first suggestion is this name.
    Suggests(&'static str),
    /// A gene name read as this symbol (no error).
    Gene(&'static str),
}

/// (what is given, which argument, expected).
const CASES: &[(&str, Arg, Want)] = &[
    // Misspelled drugs.
    ("clopidogrl", Arg::Drug, Want::Suggests("clopidogrel")),
    ("warfarine", Arg::Drug, Want::Suggests("warfarin")),
    ("simvastatine", Arg::Drug, Want::Suggests("simvastatin")),
    ("amitryptiline", Arg::Drug, Want::Suggests("amitriptyline")),
    ("codiene", Arg::Drug, Want::Suggests("codeine")),
    ("tamoxifene", Arg::Drug, Want::Suggests("tamoxifen")),
    ("Seroquell", Arg::Drug, Want::Suggests("Seroquel")),
    ("Plavics", Arg::Drug, Want::Suggests("Plavix")),
    // Brand names.
    ("Plavix", Arg::Drug, Want::Drug("clopidogrel", "brand name")),
    ("PLAVIX", Arg::Drug, Want::Drug("clopidogrel", "brand name")),
    ("Waran", Arg::Drug, Want::Drug("warfarin", "brand name")),
    ("Coumadin", Arg::Drug, Want::Drug("warfarin", "brand name")),
    (
        "Zyloric",
        Arg::Drug,
        Want::Drug("allopurinol", "brand name"),
    ),
    (
        "Tegretol",
        Arg::Drug,
        Want::Drug("carbamazepine", "brand name"),
    ),
    (
        "Imurel",
        Arg::Drug,
        Want::Drug("azathioprine", "brand name"),
    ),
    (
        "Imuran",
        Arg::Drug,
        Want::Drug("azathioprine", "brand name"),
    ),
    (
        "Xeloda",
        Arg::Drug,
        Want::Drug("capecitabine", "brand name"),
    ),
    ("Efexor", Arg::Drug, Want::Drug("venlafaxine", "brand name")),
    (
        "Cipramil",
        Arg::Drug,
        Want::Drug("citalopram", "brand name"),
    ),
    (
        "Seroquel",
        Arg::Drug,
        Want::Drug("quetiapine", "brand name"),
    ),
    // Codes.
    ("B01AC04", Arg::Drug, Want::Drug("clopidogrel", "ATC code")),
    ("b01aa03", Arg::Drug, Want::Drug("warfarin", "ATC code")),
    (
        "rxnorm:32968",
        Arg::Drug,
        Want::Drug("clopidogrel", "RxNorm id"),
    ),
    (
        "RxNorm:11289",
        Arg::Drug,
        Want::Drug("warfarin", "RxNorm id"),
    ),
    ("2670", Arg::Drug, Want::Drug("codeine", "RxNorm id")),
    // Genes.
    ("CYP2C1", Arg::Gene, Want::Suggests("CYP2C19")),
    ("HLAB", Arg::Gene, Want::Suggests("HLA-B")),
    ("MTRNR1", Arg::Gene, Want::Suggests("MT-RNR1")),
    ("TMPT", Arg::Gene, Want::Suggests("TPMT")),
    ("DYPD", Arg::Gene, Want::Suggests("DPYD")),
    ("SLCO1B", Arg::Gene, Want::Suggests("SLCO1B1")),
    ("UGT1A", Arg::Gene, Want::Suggests("UGT1A1")),
    ("CYP2C199", Arg::Gene, Want::Suggests("CYP2C19")),
    ("cyp2d6", Arg::Gene, Want::Gene("CYP2D6")),
    ("hla-b", Arg::Gene, Want::Gene("HLA-B")),
    // Alleles.
    ("HLA-B=*5701", Arg::Result, Want::Suggests("*57:01")),
    (
        "HLA-B=*58:1 positive",
        Arg::Result,
        Want::Suggests("*58:01"),
    ),
    ("CYP2D6=*4A/*1", Arg::Result, Want::Suggests("*4")),
    ("CYP2C19=*2/*99", Arg::Result, Want::Suggests("*9")),
    ("TPMT=*3a/*1", Arg::Result, Want::Suggests("*3A")),
    ("CYP2C19=*2/*17x", Arg::Result, Want::Suggests("*17")),
];

/// Which argument of `recommend` the name goes in.
#[derive(Clone, Copy)]
enum Arg {
    /// `--drug NAME` (with a CYP2C19 result).
    Drug,
    /// `--gene NAME=<value>` with a value the right gene would accept.
    Gene,
    /// `--gene GIVEN` as it stands.
    Result,
}

fn run(given: &str, arg: Arg) -> Output {
    match arg {
        Arg::Drug => dosera(&["recommend", "--gene", "CYP2C19=*1/*1", "--drug", given]),
        Arg::Gene => {
            let value = if given.to_ascii_uppercase().starts_with("HLA") {
                "*57:01 positive"
            } else {
                "Normal Metabolizer"
            };
            dosera(&["recommend", "--gene", &format!("{given}={value}")])
        }
        Arg::Result => dosera(&["recommend", "--gene", given]),
    }
}

#[test]
fn misspellings_brand_names_and_codes_find_the_right_name() {
    assert!(CASES.len() >= 30);
    let mut problems = Vec::new();
    for (given, arg, want) in CASES {
        let o = run(given, *arg);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        let ok = match want {
            Want::Drug(name, via) => {
                o.status.code() == Some(0)
                    && out.contains(&format!("note: {given} is {name} ({via})"))
                    && out.contains(&format!("\n{name} · "))
            }
            Want::Suggests(first) => {
                o.status.code() == Some(1)
                    && (err.contains(&format!("did you mean {first}?"))
                        || err.contains(&format!("did you mean {first},"))
                        || err.contains(&format!("did you mean {first} or")))
            }
            Want::Gene(symbol) => {
                o.status.code() == Some(0) && out.contains(&format!("\n{symbol} "))
            }
        };
        if !ok {
            problems.push(format!(
                "`{given}`: exit {:?}\nstdout: {}\nstderr: {err}",
                o.status.code(),
                out.lines().take(8).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn a_drug_without_a_guideline_is_answered_and_an_unknown_name_is_not() {
    let o = dosera(&[
        "recommend",
        "--gene",
        "CYP2C19=*2/*2",
        "--drug",
        "metformin",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("note: metformin: no CPIC or DPWG guideline in the loaded packs covers it (CPIC lists it with "),
        "{out}"
    );
    let o = dosera(&[
        "recommend",
        "--gene",
        "CYP2C19=*2/*2",
        "--drug",
        "metformin",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["drugs"].as_array().map(Vec::len), Some(0));
    assert!(v["warnings"].as_array().expect("warnings").iter().any(|w| w
        .as_str()
        .is_some_and(|w| w.starts_with("metformin: no CPIC or DPWG"))));

    let o = dosera(&["recommend", "--gene", "CYP2C19=*2/*2", "--drug", "qwzxv"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().next(), Some("error: unknown drug `qwzxv`"));
}

#[test]
fn the_core_api_tells_the_two_apart() {
    let engine = Engine::bundled().expect("engine");
    let metformin = engine.find_drug("Metformin").expect("a known drug");
    assert_eq!(metformin.name, "metformin");
    assert!(!metformin.covered);
    let note = metformin.note.expect("a note");
    assert!(note.contains("C11orf65"), "{note}");
    let e = engine.drug_name("metformin").expect_err("no guideline");
    assert_eq!(e.code(), ErrorCode::NoGuideline);
    assert_eq!(e.to_string(), note);

    let e = engine.find_drug("qwzxv").expect_err("unknown");
    assert_eq!(e.code(), ErrorCode::UnknownDrug);
    assert_eq!(e.to_string(), "unknown drug `qwzxv`");
    let e = engine.find_drug("metformine").expect_err("misspelled");
    assert_eq!(
        e.to_string(),
        "unknown drug `metformine`; did you mean metformin?"
    );
}

#[test]
fn drugs_lists_the_vocabulary() {
    let o = dosera(&["drugs"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    let clopidogrel = out
        .lines()
        .find(|l| l.starts_with("clopidogrel "))
        .expect("clopidogrel");
    assert!(clopidogrel.contains("Plavix"), "{clopidogrel}");
    assert!(!out.lines().any(|l| l.starts_with("metformin ")));
    let o = dosera(&["drugs", "--all", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let all = v.as_array().expect("array");
    let find = |name: &str| all.iter().find(|d| d["name"] == name).expect(name);
    let c = find("clopidogrel");
    assert!(c["atc"]
        .as_array()
        .expect("atc")
        .iter()
        .any(|a| a == "B01AC04"));
    assert_eq!(c["rxnorm"], "32968");
    let m = find("metformin");
    assert_eq!(m["sources"].as_array().map(Vec::len), Some(0));
    assert!(!m["cpic_levels"].as_array().expect("levels").is_empty());
}

#[test]
fn exit_codes_follow_one_table() {
    // A missing input file is an i/o error (74), not a usage error (2).
    let o = dosera(&["report", "/no/such/dir/patient.vcf"]);
    assert_eq!(
        o.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The command line itself: 2.
    assert_eq!(
        dosera(&["recommend", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(
        dosera(&["recommend", "--gene", "CYP2C19=*1/*1", "--source", "nope"])
            .status
            .code(),
        Some(1)
    );
}
