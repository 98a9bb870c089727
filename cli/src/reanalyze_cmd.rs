//! `dosera reanalyze`: stored JSON reports read again with the loaded
//! packs, and one table of what changed per patient and drug.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use dosera::report::reanalyze::{self, Counts, Reanalysis, CHANGE_COLUMNS};
use dosera::{Engine, Error};

use crate::report_cmd::{progress_bar, LangArg};

/// Output format of `dosera reanalyze`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text: counts, then each changed patient's changes.
    Text,
    /// JSON: counts, the changed patients and the reports that failed.
    Json,
    /// One change table (TSV), a row per change of each changed patient.
    Tsv,
}

#[derive(Args)]
pub struct ReanalyzeArgs {
    /// Stored dosera JSON reports (any schema version), or folders of them.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Drug (repeat); default: the drugs each report lists and every drug
    /// the packs cover with its genes.
    #[arg(long = "drug", short = 'd', value_name = "NAME")]
    drugs: Vec<String>,
    /// Threads (default: every core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Language of the text output.
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
}

pub fn run(engine: &Engine, args: ReanalyzeArgs) -> Result<(), Error> {
    let paths = reanalyze::report_paths(&args.reports)?;
    if paths.is_empty() {
        return Err(Error::Usage(
            "no .json reports found in the folders given".into(),
        ));
    }
    let mut drugs = Vec::new();
    for d in &args.drugs {
        drugs.push(engine.drug_name(d)?);
    }
    let bar = progress_bar(paths.len(), "reports");
    let results = reanalyze::reanalyze_files(engine, &paths, &drugs, args.threads, &|| bar.inc(1));
    bar.finish_and_clear();
    let counts = Counts::of(&results);
    let (release, _) = engine.pack_release();
    let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let text = match args.format {
        Format::Tsv => tsv(&files, &results),
        Format::Json => json(release, &files, &results)?,
        Format::Text => text(release, &counts, &files, &results, args.lang),
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?,
        None => out!("{text}"),
    }
    eprintln!("{}", summary(release, &counts));
    let failed: Vec<String> = files
        .iter()
        .zip(&results)
        .filter_map(|(f, r)| r.as_ref().err().map(|e| format!("{f}: {e}")))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    for f in &failed {
        eprintln!("not reanalysed: {f}");
    }
    eprintln!(
        "error: {} of {} reports could not be reanalysed; the others were",
        failed.len(),
        counts.reports
    );
    use std::io::Write as _;
    std::io::stdout().flush().ok();
    std::process::exit(1);
}

fn summary(release: &str, c: &Counts) -> String {
    format!(
        "reanalysed {} reports with packs {release}: {} changed, {} with new guideline versions only, {} unchanged, {} failed",
        c.reports, c.changed, c.re_identified, c.unchanged, c.failed
    )
}

/// The changed patients, with the file each came from.
fn changed<'a>(
    files: &'a [String],
    results: &'a [dosera::Result<Reanalysis>],
) -> impl Iterator<Item = (&'a str, &'a Reanalysis)> {
    files
        .iter()
        .zip(results)
        .filter_map(|(f, r)| r.as_ref().ok().map(|r| (f.as_str(), r)))
        .filter(|(_, r)| r.advice_changed())
}

fn tsv(files: &[String], results: &[dosera::Result<Reanalysis>]) -> String {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut out = CHANGE_COLUMNS.join("\t") + "\n";
    for (file, r) in changed(files, results) {
        for row in r.rows(file) {
            let cells: Vec<String> = row.iter().map(|c| clean(c)).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

/// The batch as one JSON document ([`reanalyze::Batch`], whose schema is
/// `core/schema/reanalysis.schema.json`).
fn json(
    release: &str,
    files: &[String],
    results: &[dosera::Result<Reanalysis>],
) -> Result<String, Error> {
    serde_json::to_string_pretty(&reanalyze::Batch::of(release, files, results))
        .map(|t| t + "\n")
        .map_err(|e| Error::Internal(format!("JSON: {e}")))
}

fn text(
    release: &str,
    counts: &Counts,
    files: &[String],
    results: &[dosera::Result<Reanalysis>],
    lang: LangArg,
) -> String {
    let mut out = summary(release, counts) + "\n";
    for (file, r) in changed(files, results) {
        out.push('\n');
        out.push_str(&dosera::report::text::reanalysis_text(r, file, lang.lang()));
    }
    out
}
