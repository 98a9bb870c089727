//! `dosera`: the command-line interface.
//!
//! Exit codes (one table, also in README.md and docs/command-line.md):
//! 0 success; 1 the request could not be evaluated (bad gene, allele,
//! diplotype, drug…); 2 bad command line (clap's own code, and a request
//! that contradicts itself); 3 knowledge-pack problem (checksum, schema,
//! import); 70 internal error; 74 a file could not be read or written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

// mimalloc rather than the system allocator: a cohort run makes and drops
// millions of small strings from two threads, and start-up parses the packs
// into many small allocations. Measured on 2 cores: 10,000-sample tables
// about 20% faster, single-sample report about 10% faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Writes to standard output; when the reader has gone (`dosera … | head`)
/// the program ends quietly instead of panicking, and another write error
/// ends it with a message and exit code 74.
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to standard output: {e}");
        std::process::exit(i32::from(EXIT_IO));
    }
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    () => { $crate::write_stdout(format_args!("\n")) };
    ($($t:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($t)*))) };
}
/// `print!` through [`write_stdout`].
macro_rules! out {
    ($($t:tt)*) => { $crate::write_stdout(format_args!($($t)*)) };
}

mod index_cmd;
mod pack_diff_cmd;
mod reanalyze_cmd;
mod report_cmd;
mod serve_cmd;
use dosera::pack::PackSet;
use dosera::{Engine, Error, GeneInput, Request, Source};
use dosera_import::{import, ImportOptions};

#[derive(Parser)]
#[command(
    name = "dosera",
    version,
    about = "Pharmacogenomic decision support: gene results to CPIC and DPWG recommendations",
    long_about = "Pharmacogenomic decision support: gene results to CPIC and DPWG \
                  recommendations.\n\nResults support a clinician's decision; they are not a \
                  diagnosis. Always read the guideline linked with each recommendation."
)]
struct Cli {
    /// Use the packs in this folder (with MANIFEST.toml) instead of the bundled ones.
    #[arg(long, global = true, value_name = "DIR")]
    packs: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Recommendations for gene results.
    Recommend(RecommendArgs),
    /// Phenotype and lookup keys of one diplotype (or phenotype, score, status).
    Phenotype {
        /// Gene symbol.
        gene: String,
        /// Diplotype such as `*1/*2` (or any value `recommend --gene` accepts).
        value: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List genes.
    Genes {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the alleles of a gene with their function.
    Alleles {
        /// Gene symbol.
        gene: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List drugs with guidelines, with their brand names; `--json` adds
    /// ATC codes and RxNorm ids.
    Drugs {
        /// Also list the known drugs no guideline covers (with the genes
        /// and CPIC levels upstream gives).
        #[arg(long)]
        all: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Call genes from a VCF and report phenotypes and recommendations.
    Report(report_cmd::ReportArgs),
    /// Read stored JSON reports again with these packs and list, per
    /// patient and drug, what changed (docs/reanalysis.md).
    Reanalyze(reanalyze_cmd::ReanalyzeArgs),
    /// Write a tabix index (or CSI, with --csi) beside a bgzipped VCF, so
    /// that `report` reads only the pharmacogene regions of a whole genome.
    Index(index_cmd::IndexArgs),
    /// Knowledge packs: info, verify, import.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Serve CDS Hooks (order-select, order-sign), a REST API and metrics
    /// over HTTP (docs/serve.md).
    Serve(serve_cmd::ServeArgs),
    /// Write a synthetic cohort: a multi-sample GRCh38 VCF over every
    /// definition position (bgzipped when OUT ends in .gz) and its truth TSV.
    Simulate(SimulateArgs),
}

#[derive(Args)]
struct SimulateArgs {
    /// Number of samples.
    #[arg(long, default_value_t = 1000)]
    samples: usize,
    /// Seed of the random draws (the same seed writes the same files).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output VCF (`.vcf` or `.vcf.gz`).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Truth TSV (sample, sex, gene, allele1, allele2); default: OUT with `.truth.tsv`.
    #[arg(long, value_name = "PATH")]
    truth: Option<PathBuf>,
    /// Also draw CYP2D6 (research-only calling).
    #[arg(long)]
    cyp2d6: bool,
    /// Write phased genotypes.
    #[arg(long)]
    phased: bool,
    /// Extra records away from definition positions (a whole-genome-like file).
    #[arg(long, default_value_t = 0)]
    filler: u64,
}

#[derive(Args)]
struct RecommendArgs {
    /// Gene result GENE=VALUE: diplotype (`CYP2C19=*2/*2`, candidates split by `|`),
    /// phenotype (`CYP2D6=Poor Metabolizer`), activity score (`CYP2D6=1.5`) or
    /// HLA status (`HLA-B=*57:01 positive`). Repeat for several genes.
    #[arg(long = "gene", short = 'g', value_name = "GENE=VALUE", required = true)]
    genes: Vec<String>,
    /// Drug (repeat for several); default: every drug using a gene given.
    #[arg(long = "drug", short = 'd', value_name = "NAME")]
    drugs: Vec<String>,
    /// Source (repeat for both); default: cpic and dpwg.
    #[arg(long = "source", short = 's', value_name = "cpic|dpwg")]
    sources: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Fail (exit code 1, error 112) instead of warning when a gene result
    /// given leads to no recommendation (a value not understood, a result
    /// the guideline has no row for); for pipelines.
    #[arg(long)]
    strict: bool,
    /// Language of the clinical text (summaries, implications).
    #[arg(long, value_enum, default_value = "en")]
    lang: report_cmd::LangArg,
}

#[derive(Subcommand)]
enum PackCommand {
    /// Release, checksum, licence and contents of the packs in use.
    Info {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify a pack folder: checksums, schema, references between records.
    Verify {
        /// Folder with MANIFEST.toml (default: the bundled packs).
        dir: Option<PathBuf>,
    },
    /// Build packs from upstream files as published.
    Import {
        /// Folder with the upstream files (definitions/, phenotypes/, recommendations/, supplements-2026/).
        #[arg(long, value_name = "DIR")]
        reference: PathBuf,
        /// Output folder (MANIFEST.toml and one folder per source).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Release string for the packs (e.g. 2026.11.1).
        #[arg(long)]
        release: String,
        /// Keep upstream recommendation text (only for packs you build for yourself).
        #[arg(long)]
        verbatim: bool,
        /// Leave out a group of newer upstream data, for building an older pack (known: thiopurines-2026).
        #[arg(long = "leave-out", value_name = "GROUP")]
        leave_out: Vec<String>,
    },
    /// What a pack release changes against another: guidelines, allele
    /// functions, phenotype rules, recommendation rows.
    Diff {
        /// The older packs: a folder with MANIFEST.toml, or `bundled`.
        old: PathBuf,
        /// The newer packs: a folder with MANIFEST.toml, or `bundled`.
        new: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli);
    peak_memory_note();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// With `DOSERA_PEAK_RSS` set, prints the process's peak resident memory
/// (`VmHWM` on Linux) to stderr: what the memory tests and the benchmark
/// script read. Prints nothing where `/proc` is absent.
fn peak_memory_note() {
    if std::env::var_os("DOSERA_PEAK_RSS").is_none() {
        return;
    }
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return;
    };
    if let Some(kb) = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
    {
        eprintln!("peak RSS: {} kB", kb.trim());
    }
}

/// Exit code of a writing error on standard output, and of every other
/// file that cannot be read or written (sysexits' `EX_IOERR`).
const EXIT_IO: u8 = 74;

/// The exit code of an error: one table (README.md, docs/command-line.md).
fn exit_code(e: &Error) -> u8 {
    if e.code() == dosera::ErrorCode::Io {
        return EXIT_IO;
    }
    match e.code().range() {
        dosera::ErrorRange::Input => 1,
        dosera::ErrorRange::Pack => 3,
        dosera::ErrorRange::Usage => 2,
        dosera::ErrorRange::Internal => 70,
    }
}

fn engine(packs: &Option<PathBuf>) -> Result<Engine, Error> {
    match packs {
        Some(dir) => Engine::from_dir(dir),
        None => Engine::bundled(),
    }
}

fn simulate(engine: &Engine, args: SimulateArgs) -> Result<(), Error> {
    use std::io::{BufWriter, Write};
    let io = |path: &std::path::Path| {
        let shown = path.display().to_string();
        move |source| Error::Io {
            path: shown.clone(),
            source,
        }
    };
    let name = args.out.to_string_lossy().into_owned();
    let truth_path = args.truth.clone().unwrap_or_else(|| {
        let stem = name
            .strip_suffix(".vcf.gz")
            .or_else(|| name.strip_suffix(".vcf"))
            .unwrap_or(&name);
        PathBuf::from(format!("{stem}.truth.tsv"))
    });
    let options = dosera::simulate::SimulateOptions {
        samples: args.samples,
        seed: args.seed,
        cyp2d6: args.cyp2d6,
        phased: args.phased,
        filler: args.filler,
    };
    let file = std::fs::File::create(&args.out).map_err(io(&args.out))?;
    let mut truth = BufWriter::new(std::fs::File::create(&truth_path).map_err(io(&truth_path))?);
    let summary = if name.ends_with(".gz") {
        let mut vcf = noodles_bgzf::io::Writer::new(BufWriter::new(file));
        let summary = dosera::simulate::simulate(engine, &options, &mut vcf, &mut truth)?;
        vcf.finish().map_err(io(&args.out))?;
        summary
    } else {
        let mut vcf = BufWriter::new(file);
        let summary = dosera::simulate::simulate(engine, &options, &mut vcf, &mut truth)?;
        vcf.flush().map_err(io(&args.out))?;
        summary
    };
    truth.flush().map_err(io(&truth_path))?;
    eprintln!(
        "wrote {} ({} samples × {} genes, {} records) and {}",
        args.out.display(),
        summary.samples,
        summary.genes,
        summary.records,
        truth_path.display()
    );
    Ok(())
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
    outln!("{text}");
    Ok(())
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Recommend(args) => recommend(&engine(&cli.packs)?, args),
        Command::Report(args) => report_cmd::run(&engine(&cli.packs)?, args),
        Command::Reanalyze(args) => reanalyze_cmd::run(&engine(&cli.packs)?, args),
        Command::Simulate(args) => simulate(&engine(&cli.packs)?, args),
        Command::Index(args) => index_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(cli.packs, args),
        Command::Phenotype { gene, value, json } => {
            let engine = engine(&cli.packs)?;
            let result = engine.interpret(&GeneInput::new(gene, value))?;
            if json {
                return print_json(&result);
            }
            for cand in &result.candidates {
                outln!("{} {}", result.gene, cand.label);
                for call in &cand.calls {
                    outln!(
                        "  {:<5} phenotype: {:<32} activity score: {:<6} lookup key: {}",
                        call.source.label(),
                        call.phenotype.as_deref().unwrap_or("-"),
                        call.activity_score.as_deref().unwrap_or("-"),
                        if call.lookup_keys.is_empty() {
                            "-".to_string()
                        } else {
                            call.lookup_keys.join(" | ")
                        }
                    );
                    outln!("        how: {}", call.derivation);
                }
            }
            Ok(())
        }
        Command::Genes { json } => {
            let genes = engine(&cli.packs)?.genes();
            if json {
                return print_json(&genes);
            }
            outln!(
                "{:<9} {:<10} {:>7} {:<4} drugs",
                "gene",
                "sources",
                "alleles",
                "vcf"
            );
            for g in genes {
                let sources: Vec<&str> = g.sources.iter().map(|s| s.as_str()).collect();
                outln!(
                    "{:<9} {:<10} {:>7} {:<4} {}",
                    g.symbol,
                    sources.join(","),
                    g.alleles,
                    if g.vcf_definition { "yes" } else { "no" },
                    g.drugs.len()
                );
            }
            Ok(())
        }
        Command::Alleles { gene, json } => {
            let alleles = engine(&cli.packs)?.alleles(&gene)?;
            if json {
                return print_json(&alleles);
            }
            outln!("{:<40} {:<36} activity", "allele", "function");
            for a in alleles {
                outln!(
                    "{:<40} {:<36} {}",
                    a.name,
                    a.function.as_deref().unwrap_or("-"),
                    a.activity.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
        Command::Drugs { all, json } => {
            let engine = engine(&cli.packs)?;
            let drugs = if all {
                engine.drug_vocabulary()
            } else {
                engine.drugs()
            };
            if json {
                return print_json(&drugs);
            }
            outln!("{:<28} {:<10} {:<24} brands", "drug", "sources", "genes");
            for d in drugs {
                let sources: Vec<&str> = d.sources.iter().map(|s| s.as_str()).collect();
                let genes = if d.sources.is_empty() {
                    let levels: Vec<String> = d
                        .cpic_levels
                        .iter()
                        .map(|l| format!("{} {}", l.gene, l.level))
                        .collect();
                    format!("no guideline; CPIC level {}", levels.join(", "))
                } else {
                    d.genes.join(", ")
                };
                let brands: Vec<&str> = d.brands.iter().map(|b| b.name.as_str()).collect();
                outln!(
                    "{:<28} {:<10} {:<24} {}",
                    d.name,
                    if sources.is_empty() {
                        "-".to_string()
                    } else {
                        sources.join(",")
                    },
                    genes,
                    if brands.is_empty() {
                        "-".to_string()
                    } else {
                        brands.join(", ")
                    }
                );
            }
            Ok(())
        }
        Command::Pack(cmd) => pack(cli.packs, cmd),
    }
}

fn recommend(engine: &Engine, args: RecommendArgs) -> Result<(), Error> {
    let mut genes = Vec::new();
    for g in &args.genes {
        genes.push(g.parse::<GeneInput>()?);
    }
    let mut sources = Vec::new();
    for s in &args.sources {
        sources.push(s.parse::<Source>()?);
    }
    let request = Request::new(genes)
        .drugs(args.drugs)
        .sources(sources)
        .strict(args.strict)
        .lang(args.lang.lang());
    let result = engine.recommend(&request)?;
    for w in result.strict_warnings() {
        eprintln!("warning: {w}");
    }
    if args.json {
        return print_json(&result);
    }
    out!(
        "{}",
        dosera::report::text::recommendations_text(&result, args.lang.lang())
    );
    Ok(())
}

fn pack(packs: Option<PathBuf>, cmd: PackCommand) -> Result<(), Error> {
    match cmd {
        PackCommand::Info { json } => {
            let engine = engine(&packs)?;
            let (release, sha) = engine.pack_release();
            let info: Vec<serde_json::Value> = engine
                .packs()
                .iter()
                .map(|p| {
                    let recs: usize = p.guidelines.iter().map(|g| g.recommendations.len()).sum();
                    serde_json::json!({
                        "source": p.meta.source,
                        "release": p.meta.release,
                        "schema_version": p.meta.schema_version,
                        "license": p.meta.license,
                        "attribution": p.meta.attribution,
                        "genes": p.genes.len(),
                        "drugs": p.drugs.len(),
                        "guidelines": p.guidelines.len(),
                        "recommendations": recs,
                        "upstream": p.meta.upstream,
                    })
                })
                .collect();
            if json {
                return print_json(&serde_json::json!({
                    "release": release, "sha256": sha, "packs": info
                }));
            }
            outln!("pack set {release}\nsha256   {sha}");
            for p in engine.packs() {
                let recs: usize = p.guidelines.iter().map(|g| g.recommendations.len()).sum();
                outln!(
                    "\n{} ({}, schema {}, licence {})\n  {} genes, {} drugs, {} guidelines, {} recommendations\n  attribution: {}",
                    p.meta.release,
                    p.meta.source.label(),
                    p.meta.schema_version,
                    p.meta.license,
                    p.genes.len(),
                    p.drugs.len(),
                    p.guidelines.len(),
                    recs,
                    p.meta.attribution
                );
                for u in &p.meta.upstream {
                    outln!("  from {} {}: {}", u.name, u.version, u.used_for);
                }
            }
            Ok(())
        }
        PackCommand::Diff { old, new, json } => pack_diff_cmd::run(&old, &new, json),
        PackCommand::Verify { dir } => {
            let set = match dir.or(packs) {
                Some(d) => PackSet::from_dir(&d)?,
                None => PackSet::bundled()?,
            };
            let problems = dosera::pack::check_references(&set);
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("problem: {p}");
                }
                return Err(Error::InvalidPack(format!(
                    "{} problems found",
                    problems.len()
                )));
            }
            outln!(
                "ok: {} ({}), checksums and references verified",
                set.release,
                set.sha256
            );
            Ok(())
        }
        PackCommand::Import {
            reference,
            out,
            release,
            verbatim,
            leave_out,
        } => {
            let options = ImportOptions {
                release: release.clone(),
                verbatim,
                leave_out,
            };
            let imported = import(&reference, &options)?;
            for note in &imported.report {
                eprintln!("import: {note}");
            }
            dosera::pack::write_dir(&imported.packs, &release, &out)?;
            let set = PackSet::from_dir(&out)?;
            let problems = dosera::pack::check_references(&set);
            for p in &problems {
                eprintln!("problem: {p}");
            }
            if !problems.is_empty() {
                return Err(Error::InvalidPack(format!(
                    "{} problems found",
                    problems.len()
                )));
            }
            outln!("wrote {} ({})", out.display(), set.sha256);
            Ok(())
        }
    }
}
