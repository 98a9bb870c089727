//! `dosera report`: VCF (plus outside calls) to gene calls, phenotypes and
//! recommendations.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use dosera::allele::{CallOptions, Sex};
use dosera::input::{outside, vcf::VcfReader};
use dosera::report::Report;
use dosera::{Engine, Error};

/// Sex as given on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum SexArg {
    /// One X chromosome.
    Male,
    /// Two X chromosomes.
    Female,
}

#[derive(Args)]
pub struct ReportArgs {
    /// VCF file (plain, bgzip or BCF), GRCh38.
    vcf: PathBuf,
    /// Outside calls (TSV: gene, diplotype, phenotype, activity score).
    #[arg(long, value_name = "TSV")]
    outside: Option<PathBuf>,
    /// Sample name or 0-based index; default: every sample.
    #[arg(long, value_name = "NAME")]
    sample: Option<String>,
    /// Drug (repeat); default: every drug using a gene in the report.
    #[arg(long = "drug", short = 'd', value_name = "NAME")]
    drugs: Vec<String>,
    /// Treat positions absent from the VCF as homozygous reference (flagged in the result).
    #[arg(long)]
    assume_reference: bool,
    /// Call every diplotype that fits, not only the top-scoring ones (the
    /// lower-scoring ones are otherwise listed as evidence).
    #[arg(long)]
    all_matches: bool,
    /// Research mode: describe unmatched strands by allele combinations.
    #[arg(long)]
    combinations: bool,
    /// Research mode: call CYP2D6 from SNVs/indels (copy number and hybrids are invisible).
    #[arg(long)]
    cyp2d6: bool,
    /// Sex for chrX genes (G6PD); default: inferred from chrX calls when possible.
    #[arg(long, value_enum)]
    sex: Option<SexArg>,
    /// Print JSON (one object per sample, in an array when several).
    #[arg(long)]
    json: bool,
}

pub fn run(engine: &Engine, args: ReportArgs) -> Result<(), Error> {
    let options = CallOptions {
        assume_reference: args.assume_reference,
        top_candidate_only: !args.all_matches,
        combinations: args.combinations,
        cyp2d6: args.cyp2d6,
        sex: args.sex.map(|s| match s {
            SexArg::Male => Sex::Male,
            SexArg::Female => Sex::Female,
        }),
        sample: args.sample.clone(),
        genes: Vec::new(),
    };
    let resolved = match &args.outside {
        Some(path) => outside::resolve(engine, &outside::read(path)?)?,
        None => Vec::new(),
    };
    let mut reader = VcfReader::from_path(&args.vcf)?;
    let calls = engine.call_vcf(&mut reader, &options)?;
    let mut reports = Vec::with_capacity(calls.len());
    for sample in &calls {
        let mut r = dosera::report::build(engine, sample, &resolved, &args.drugs)?;
        r.input.file = Some(args.vcf.display().to_string());
        reports.push(r);
    }
    if args.json {
        return if reports.len() == 1 {
            crate::print_json(&reports[0])
        } else {
            crate::print_json(&reports)
        };
    }
    for r in &reports {
        print_report(r);
    }
    Ok(())
}

fn print_report(r: &Report) {
    println!(
        "dosera {} · packs {} · sample {} · {}",
        r.engine_version, r.packs_release, r.input.sample, r.input.build
    );
    println!("Decision support, not a diagnosis: read the linked guideline before prescribing.\n");
    println!(
        "{:<9} {:<8} {:<36} phenotype(s)",
        "gene", "source", "diplotype(s)"
    );
    for g in &r.genes {
        let source = match g.source {
            dosera::allele::CallSource::Vcf => "vcf",
            dosera::allele::CallSource::Outside => "outside",
        };
        let dips = if g.diplotypes.is_empty() {
            match g.call.as_ref().and_then(|c| c.no_call_reason.as_deref()) {
                Some(_) => "no call".to_string(),
                None if g
                    .call
                    .as_ref()
                    .is_some_and(|c| !c.allele_matches.is_empty()) =>
                {
                    format!(
                        "alleles: {}",
                        g.call
                            .as_ref()
                            .map(|c| c.allele_matches.join(", "))
                            .unwrap_or_default()
                    )
                }
                None => "-".to_string(),
            }
        } else {
            g.diplotypes.join(" | ")
        };
        let phen = if g.phenotypes.is_empty() {
            "No Result".to_string()
        } else {
            g.phenotypes.join(" | ")
        };
        println!("{:<9} {:<8} {:<36} {}", g.gene, source, dips, phen);
        if let Some(c) = &g.call {
            if let Some(reason) = &c.no_call_reason {
                println!("          why no call: {reason}");
            }
            if !g.missing_positions.is_empty() {
                println!("          missing positions: {}", g.missing_positions.len());
            }
            if !c.evidence.lower_scoring.is_empty() {
                println!(
                    "          also fits, lower score: {}",
                    c.evidence.lower_scoring.join(", ")
                );
            }
            for n in &c.notes {
                println!("          note: {n}");
            }
        }
        for w in &g.warnings {
            println!("          warning: {w}");
        }
    }
    println!();
    crate::print_drugs(&r.drugs);
    for w in &r.warnings {
        println!("note: {w}");
    }
}
