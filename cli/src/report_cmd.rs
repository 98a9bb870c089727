//! `dosera report`: VCF (plus outside calls) to gene calls, phenotypes and
//! recommendations.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use dosera::allele::{CallOptions, Sex};
use dosera::input::coverage::CoverageFinding;
use dosera::input::{outside, vcf::VcfReader};
use dosera::report::html::{self, Lang};
use dosera::report::parquet::{ParquetWriter, Provenance};
use dosera::report::stored::StoredReport;
use dosera::report::tables;
use dosera::report::SampleOutcome;
use dosera::report::{fhir, Report};
use dosera::{Engine, Error, VcfOptions};

/// Sex as given on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum SexArg {
    /// One X chromosome.
    Male,
    /// Two X chromosomes.
    Female,
}

/// Output format of `dosera report`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text on the terminal.
    Text,
    /// The report as JSON (one object per sample; an array for several).
    Json,
    /// The clinician's HTML page (self-contained).
    Html,
    /// Cohort tables `genes.tsv` and `drugs.tsv` (needs `--out DIR`).
    Tsv,
    /// Cohort tables `genes.parquet` and `drugs.parquet`, typed (needs
    /// `--out DIR`).
    Parquet,
    /// An HL7 FHIR R4 Bundle (Genomics Reporting profiles) as JSON.
    Fhir,
}

/// Language of the clinical text.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Swedish.
    Sv,
}

impl LangArg {
    /// The language.
    pub fn lang(self) -> Lang {
        match self {
            LangArg::En => Lang::En,
            LangArg::Sv => Lang::Sv,
        }
    }
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
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Same as `--format json`.
    #[arg(long)]
    json: bool,
    /// Language of the clinical text (summaries, implications, phenotypes)
    /// in text, JSON, HTML and FHIR output; `tsv` and `parquet` tables stay
    /// English.
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
    /// Write to this file (one sample) or folder (several samples, one file
    /// each; `json` writes one list of reports into a file, and one report
    /// per sample into a folder that exists; `tsv` and `parquet` always
    /// write `genes` and `drugs` tables into a folder).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Read the whole VCF even when a tabix or CSI index sits beside it.
    #[arg(long)]
    no_index: bool,
    /// An earlier JSON report of the same patient (any schema version):
    /// the HTML report opens with what changed since (one sample).
    #[arg(long, value_name = "REPORT")]
    previous: Option<PathBuf>,
    /// Fail (exit code 1, error 112) instead of warning when a gene result
    /// given leads to no recommendation (a value not understood, a result
    /// the guideline has no row for); for pipelines. Nothing is written,
    /// except `tsv` and `parquet` tables, which are written as samples are
    /// done.
    #[arg(long)]
    strict: bool,
}

pub fn run(engine: &Engine, args: ReportArgs) -> Result<(), Error> {
    // The calling options come from the same VcfOptions every binding gives
    // the VCF entry point; the outside calls are read from their file here,
    // so its errors name the file.
    let options = VcfOptions {
        sample: args.sample.clone(),
        assume_reference: args.assume_reference,
        all_matches: args.all_matches,
        combinations: args.combinations,
        cyp2d6: args.cyp2d6,
        sex: args.sex.map(|s| match s {
            SexArg::Male => Sex::Male,
            SexArg::Female => Sex::Female,
        }),
        ..VcfOptions::default()
    }
    .call_options();
    let resolved = match &args.outside {
        Some(path) => engine.resolve_outside(&outside::read(path)?)?,
        None => Vec::new(),
    };
    let format = if args.json { Format::Json } else { args.format };
    let lang = args.lang.lang();
    let previous = match &args.previous {
        Some(_) if format != Format::Html => {
            return Err(Error::Usage("--previous goes with --format html".into()))
        }
        Some(path) => Some(StoredReport::from_json(
            &std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?,
        )?),
        None => None,
    };
    let mut reader = VcfReader::from_path(&args.vcf)?;
    if args.no_index {
        reader.ignore_index();
    }
    if matches!(format, Format::Tsv | Format::Parquet) {
        return write_tables(engine, &mut reader, &options, &resolved, &args, format);
    }
    // Into a folder, each report is written as it is made. A strict run
    // collects them first: it writes nothing when a sample has a
    // non-answer; so does a page "since" an earlier report, which is one
    // patient's.
    if let Some(dir) = args.out.as_deref().filter(|p| p.is_dir()) {
        if !args.strict && previous.is_none() {
            let folder = Folder {
                args: &args,
                dir,
                options: &options,
                resolved: &resolved,
            };
            match format {
                Format::Json => return folder.write(engine, &mut reader, "json", &json_compact),
                Format::Html => {
                    return folder
                        .write(engine, &mut reader, "html", &|r| Ok(html::render(r, lang)))
                }
                Format::Fhir => {
                    return folder.write(engine, &mut reader, "fhir.json", &|r| {
                        Ok(fhir::bundle_json(r))
                    })
                }
                Format::Text | Format::Tsv | Format::Parquet => {}
            }
        }
    }
    // Every sample is reported, each on its own: one sample's failure is
    // its own row or message, never the end of the batch.
    let outcomes = dosera::report::cohort(engine, &mut reader, &options, &resolved, &args.drugs)?;
    let failed: Vec<(String, String)> = outcomes
        .iter()
        .filter_map(|o| match o {
            SampleOutcome::Failed(f) => Some((f.sample.clone(), f.error.clone())),
            SampleOutcome::Report(_) => None,
        })
        .collect();
    let mut reports: Vec<&Report> = outcomes.iter().filter_map(SampleOutcome::report).collect();
    if previous.is_some() && reports.len() > 1 {
        return Err(Error::Usage(format!(
            "--previous is one patient's earlier report; the VCF has {} samples: give --sample NAME",
            reports.len()
        )));
    }
    let localised: Vec<Report>;
    if lang != Lang::En {
        localised = reports
            .iter()
            .map(|r| {
                let mut r = (*r).clone();
                r.localise(lang);
                r
            })
            .collect();
        reports = localised.iter().collect();
    }
    // The same for every sample of the file: said once.
    warn_coverage(
        &args.vcf,
        reports.iter().find_map(|r| r.input.coverage.as_ref()),
    );
    // Strict: the error names every non-answer, and nothing is written.
    if args.strict {
        dosera::report::check_strict(&outcomes)?;
    }
    for r in &reports {
        for w in dosera::report::sample_warnings(r) {
            eprintln!("warning: {w}");
        }
    }
    match format {
        // Written by write_tables, before any report is collected.
        Format::Tsv | Format::Parquet => {}
        Format::Text => {
            for r in &reports {
                print_report(r, lang);
            }
        }
        // Into a folder: one report per sample, as `reanalyze` reads them,
        // without indentation (for storage: about 40 % smaller).
        Format::Json if args.out.as_deref().is_some_and(Path::is_dir) => {
            emit_each(args.out.as_deref(), &reports, "json", json_compact)?
        }
        Format::Json => {
            let text = if reports.len() == 1 {
                json_text(reports[0])?
            } else {
                json_text(&reports)?
            };
            emit_one(args.out.as_deref(), &text)?;
        }
        Format::Html => emit_each(args.out.as_deref(), &reports, "html", |r| {
            Ok(match &previous {
                Some(earlier) => html::render_since(r, earlier, lang),
                None => html::render(r, lang),
            })
        })?,
        Format::Fhir => emit_each(args.out.as_deref(), &reports, "fhir.json", |r| {
            Ok(fhir::bundle_json(r))
        })?,
    }
    if failed.is_empty() {
        return Ok(());
    }
    fail_some(&failed, outcomes.len())
}

/// One sample's report made ready on a worker thread for
/// [`Folder::write`].
struct Written {
    sample: String,
    warnings: Vec<String>,
    coverage: Option<CoverageFinding>,
    /// The report in the folder's format, or why it could not be written;
    /// `Err` with the sample's error when it has no report.
    text: Result<String, String>,
}

/// `--out DIR` for the formats with one file per sample (JSON, HTML,
/// FHIR), not strict.
struct Folder<'a> {
    args: &'a ReportArgs,
    dir: &'a Path,
    options: &'a CallOptions,
    resolved: &'a [dosera::ResolvedOutside],
}

impl Folder<'_> {
    /// One file per sample (`<sample>.<ext>`, as `render` writes the
    /// report), written in input order as the reports are made, so memory
    /// does not grow with the number of samples. Messages are those of the
    /// other formats: the coverage warning once, each sample's warnings,
    /// and the samples not reported at the end (exit code 1).
    fn write(
        &self,
        engine: &Engine,
        reader: &mut VcfReader,
        ext: &str,
        render: &(dyn Fn(&Report) -> Result<String, Error> + Sync),
    ) -> Result<(), Error> {
        let lang = self.args.lang.lang();
        let ready = |o: SampleOutcome| match o {
            SampleOutcome::Report(mut r) => {
                if lang != Lang::En {
                    r.localise(lang);
                }
                Written {
                    sample: r.input.sample.clone(),
                    warnings: dosera::report::sample_warnings(&r),
                    coverage: r.input.coverage.clone(),
                    text: render(&r).map_err(|e| e.to_string()),
                }
            }
            SampleOutcome::Failed(f) => Written {
                sample: f.sample.clone(),
                warnings: Vec::new(),
                coverage: None,
                text: Err(f.error.clone()),
            },
        };
        let mut failed: Vec<(String, String)> = Vec::new();
        let mut coverage_said = false;
        let total = dosera::report::cohort_map(
            engine,
            reader,
            self.options,
            self.resolved,
            &self.args.drugs,
            &ready,
            &mut |w| {
                if let (false, Some(c)) = (coverage_said, &w.coverage) {
                    warn_coverage(&self.args.vcf, Some(c));
                    coverage_said = true;
                }
                for warning in &w.warnings {
                    eprintln!("warning: {warning}");
                }
                match w.text {
                    Ok(text) => write_file(&self.dir.join(file_name(&w.sample, ext)), &text),
                    Err(error) => {
                        failed.push((w.sample, error));
                        Ok(())
                    }
                }
            },
        )?;
        if failed.is_empty() {
            return Ok(());
        }
        fail_some(&failed, total)
    }
}

/// Says on stderr that the VCF looks like another genome build or covers
/// no pharmacogene position. Not an error: the reports are written, with
/// the same warning first, and the exit code stays 0.
fn warn_coverage(vcf: &Path, coverage: Option<&CoverageFinding>) {
    if let Some(c) = coverage {
        eprintln!("warning: {}: {}", vcf.display(), c.message());
    }
}

/// Names the samples that could not be reported and ends with exit code 1,
/// as for a request that could not be evaluated; what was written stays
/// written.
fn fail_some(failed: &[(String, String)], total: usize) -> Result<(), Error> {
    for (sample, error) in failed {
        eprintln!("sample {sample}: not reported: {error}");
    }
    eprintln!(
        "error: {} of {total} samples could not be reported; the others were written",
        failed.len(),
    );
    use std::io::Write as _;
    std::io::stdout().flush().ok();
    std::process::exit(1);
}

/// Where the cohort tables go: TSV text or typed Parquet files.
enum Tables {
    Tsv(tables::TableWriter<std::io::BufWriter<std::fs::File>>),
    Parquet(Box<ParquetWriter>),
}

/// `--format tsv` or `parquet`: the cohort tables
/// ([`tables::cohort_rows`]), written sample by sample in input order as
/// the rows are made, so memory does not grow with the number of samples.
fn write_tables(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    resolved: &[dosera::ResolvedOutside],
    args: &ReportArgs,
    format: Format,
) -> Result<(), Error> {
    use std::io::BufWriter;
    let ext = if format == Format::Parquet {
        "parquet"
    } else {
        "tsv"
    };
    let dir = args.out.as_deref().ok_or_else(|| {
        Error::Usage(format!(
            "--format {ext} writes genes.{ext} and drugs.{ext}: give --out DIR"
        ))
    })?;
    let io = |path: &Path| {
        let shown = path.display().to_string();
        move |source| Error::Io {
            path: shown.clone(),
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let genes = dir.join(format!("genes.{ext}"));
    let drugs = dir.join(format!("drugs.{ext}"));
    let open = |p: &Path| {
        // An old table is removed rather than truncated: on ext4, closing a
        // file that replaced data by truncation waits for its writeback
        // (80 ms for a 10,000-sample table).
        match std::fs::remove_file(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(p)(e)),
            _ => {}
        }
        std::fs::File::create(p)
            .map(|f| BufWriter::with_capacity(1 << 20, f))
            .map_err(io(p))
    };
    let mut writer = if format == Format::Parquet {
        Tables::Parquet(Box::new(ParquetWriter::create(
            dir,
            &Provenance::of(engine),
        )?))
    } else {
        Tables::Tsv(tables::TableWriter::new(open(&genes)?, open(&drugs)?)?)
    };
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut coverage: Option<CoverageFinding> = None;
    let mut unanswered: Vec<String> = Vec::new();
    let bar = progress_bar(
        match options.sample {
            Some(_) => 1,
            None => reader.samples().len(),
        },
        "samples",
    );
    let total = tables::cohort_rows(
        engine,
        reader,
        options,
        resolved,
        &args.drugs,
        &mut |rows| {
            if let Some(f) = &rows.failed {
                failed.push(f.clone());
            }
            if coverage.is_none() {
                coverage.clone_from(&rows.coverage);
            }
            for w in &rows.warnings {
                bar.suspend(|| eprintln!("warning: {w}"));
            }
            unanswered.extend(rows.warnings.iter().cloned());
            bar.inc(1);
            match &mut writer {
                Tables::Tsv(w) => w.write_rows(&rows),
                Tables::Parquet(w) => w.write_rows(&rows),
            }
        },
    )?;
    bar.finish_and_clear();
    match writer {
        Tables::Tsv(w) => drop(w.finish()?),
        Tables::Parquet(w) => drop(w.finish()?),
    }
    warn_coverage(&args.vcf, coverage.as_ref());
    eprintln!(
        "wrote {} and {} ({total} samples)",
        genes.display(),
        drugs.display()
    );
    if !failed.is_empty() {
        return fail_some(&failed, total);
    }
    if args.strict && !unanswered.is_empty() {
        return Err(Error::NonAnswer(unanswered.join(" | ")));
    }
    Ok(())
}

/// A bar counting samples on stderr when it is a terminal; hidden when
/// stderr is piped or redirected (indicatif draws nothing then).
pub(crate) fn progress_bar(count: usize, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(count as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)"
    )) {
        bar.set_style(style);
    }
    bar
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map(|t| t + "\n")
        .map_err(|e| Error::Internal(format!("JSON: {e}")))
}

fn json_compact<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map(|t| t + "\n")
        .map_err(|e| Error::Internal(format!("JSON: {e}")))
}

fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// One output: to the file given, or to standard output.
fn emit_one(out: Option<&Path>, text: &str) -> Result<(), Error> {
    match out {
        Some(path) => write_file(path, text),
        None => {
            out!("{text}");
            Ok(())
        }
    }
}

/// One document per sample: to the file given (one sample), into the folder
/// given (`<sample>.<ext>` each), or to standard output (one sample).
fn emit_each(
    out: Option<&Path>,
    reports: &[&Report],
    ext: &str,
    render: impl Fn(&Report) -> Result<String, Error>,
) -> Result<(), Error> {
    let folder = out.filter(|p| p.is_dir() || reports.len() > 1);
    match (out, folder) {
        (_, Some(dir)) => {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.display().to_string(),
                source,
            })?;
            for r in reports {
                write_file(&dir.join(file_name(&r.input.sample, ext)), &render(r)?)?;
            }
            Ok(())
        }
        (Some(path), None) => match reports.first() {
            Some(r) => write_file(path, &render(r)?),
            None => Ok(()),
        },
        (None, None) if reports.len() <= 1 => {
            for r in reports {
                out!("{}", render(r)?);
            }
            Ok(())
        }
        (None, None) => Err(Error::Usage(format!(
            "{} samples: give --out DIR for one file each, or --sample NAME",
            reports.len()
        ))),
    }
}

/// A sample's file name in a folder: `<sample>.<ext>`, with characters
/// other than letters, digits, `-` and `_` written as `_`.
fn file_name(sample: &str, ext: &str) -> String {
    let name: String = sample
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.{ext}")
}

fn print_report(r: &Report, lang: Lang) {
    out!("{}", dosera::report::text::report_text(r, lang));
}
