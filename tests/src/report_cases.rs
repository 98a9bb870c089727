//! Reports the HTML tests and the browser check render: the bundled example
//! patient and a small report made from outside calls alone.

use std::path::PathBuf;

use dosera::allele::{CallOptions, SampleCalls, SexSource};
use dosera::input::{outside, vcf::VcfReader};
use dosera::report::{build, Report};
use dosera::Engine;

/// The bundled example VCF, `tests/corpus/example-patient.vcf`.
///
/// ```
/// assert!(dosera_conformance::report_cases::example_vcf().is_file());
/// ```
pub fn example_vcf() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/example-patient.vcf")
}

/// The report of the bundled example patient, every relevant drug, as
/// `dosera report tests/corpus/example-patient.vcf` builds it (the file
/// name is the repository-relative path, so the report does not depend on
/// where the checkout is).
///
/// ```
/// let engine = dosera::Engine::bundled().unwrap();
/// let report = dosera_conformance::report_cases::example_report(&engine).unwrap();
/// assert_eq!(report.input.sample, "EXAMPLE-1");
/// ```
pub fn example_report(engine: &Engine) -> dosera::Result<Report> {
    let mut reader = VcfReader::from_path(&example_vcf())?;
    let options = CallOptions {
        top_candidate_only: true,
        ..CallOptions::default()
    };
    let calls = engine.call_vcf(&mut reader, &options)?;
    let Some(sample) = calls.first() else {
        return Err(dosera::Error::Internal(
            "the example VCF has no sample".into(),
        ));
    };
    let mut report = build(engine, sample, &[], &[])?;
    report.input.file = Some("tests/corpus/example-patient.vcf".into());
    Ok(report)
}

/// Outside calls used by [`outside_report`]: an ambiguous CYP2D6 result
/// (two lines) and a CYP2C19 diplotype.
pub const OUTSIDE_CALLS: &str = "CYP2D6\t*1/*4\nCYP2D6\t*1/*1\nCYP2C19\t*1/*17\n";

/// Drugs used by [`outside_report`].
pub const OUTSIDE_DRUGS: [&str; 3] = ["amitriptyline", "clopidogrel", "codeine"];

/// A report made from outside calls alone (no VCF genes), for a few drugs.
///
/// ```
/// let engine = dosera::Engine::bundled().unwrap();
/// let report = dosera_conformance::report_cases::outside_report(&engine).unwrap();
/// assert_eq!(report.gene("CYP2D6").unwrap().diplotypes.len(), 2);
/// ```
pub fn outside_report(engine: &Engine) -> dosera::Result<Report> {
    let calls = SampleCalls {
        sample: "OUTSIDE-1".into(),
        sex: None,
        sex_source: SexSource::Unknown,
        genes: Vec::new(),
        warnings: Vec::new(),
        coverage: None,
    };
    let resolved = engine.resolve_outside(&outside::parse(OUTSIDE_CALLS)?)?;
    let drugs: Vec<String> = OUTSIDE_DRUGS.iter().map(|d| d.to_string()).collect();
    build(engine, &calls, &resolved, &drugs)
}

/// A VCF with a single CYP2C19 record, used by [`partial_vcf_report`].
pub const PARTIAL_VCF: &str =
    "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPARTIAL-1\n\
     chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";

/// A report from a VCF that holds one CYP2C19 record (so most definition
/// positions are missing), for clopidogrel and citalopram.
///
/// ```
/// let engine = dosera::Engine::bundled().unwrap();
/// let report = dosera_conformance::report_cases::partial_vcf_report(&engine).unwrap();
/// assert!(!report.gene("CYP2C19").unwrap().missing_positions.is_empty());
/// ```
pub fn partial_vcf_report(engine: &Engine) -> dosera::Result<Report> {
    let mut reader = VcfReader::from_bytes(PARTIAL_VCF.as_bytes().to_vec())?;
    let options = CallOptions {
        top_candidate_only: true,
        ..CallOptions::default()
    };
    let calls = engine.call_vcf(&mut reader, &options)?;
    let Some(sample) = calls.first() else {
        return Err(dosera::Error::Internal(
            "the partial VCF has no sample".into(),
        ));
    };
    let drugs = vec!["clopidogrel".to_string(), "citalopram".to_string()];
    build(engine, sample, &[], &drugs)
}
