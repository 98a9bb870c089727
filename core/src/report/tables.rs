//! Cohort tables: every sample of a multi-sample VCF as two tab-separated
//! tables, one row per sample and gene (`genes.tsv`) and one row per sample,
//! drug and guideline (`drugs.tsv`). This module only writes tables; the
//! samples are evaluated by [`crate::report::evaluate`](mod@crate::report::evaluate).
//!
//! A failed sample still has a row for every gene and every drug the other
//! samples have (the same lists: the genes of the VCF definitions called
//! under the options plus the outside-call genes, and the drugs and
//! guidelines a report lists for them), marked `failed` with the error and
//! its flags and counts left empty (not known: never a `no` or `0` that
//! reads as an answer), so a table always has exactly samples × genes and
//! samples × (drug, guideline) rows.
//!
//! # The tables
//!
//! Both tables are UTF-8, one header line and then the rows, fields
//! separated by one tab, lines ended by `\n`; there are no comment lines,
//! so `pandas.read_csv(path, sep="\t")` or R's `read.delim` read them as
//! they are. A tab, carriage return or newline inside a value is written as
//! a space, so every line has the same number of fields. Lists inside one
//! field are joined with ` | ` (candidates, matches, warnings). Empty means
//! none. `yes`/`no` are used for flags. A guideline source is written as its
//! machine id, `cpic` or `dpwg`, the spelling of `--source`, the JSON report,
//! and the C, WebAssembly and Python bindings (the text and HTML reports,
//! written for people, say `CPIC` and `DPWG`).
//!
//! `genes.tsv`, one row per sample and gene, genes alphabetical:
//!
//! | column | content |
//! |---|---|
//! | `sample` | sample name from the VCF header |
//! | `gene` | gene symbol |
//! | `source` | `vcf` (called from the VCF) or `outside` (an outside call) |
//! | `diplotypes` | diplotypes in rank order, ` \| `-joined |
//! | `phenotypes` | phenotype per candidate, ` \| `-joined |
//! | `activity_scores` | activity score per candidate, for activity-score genes |
//! | `lookup_keys` | per candidate, the guideline lookup keys per source (`cpic=Poor Metabolizer; dpwg=PM`) |
//! | `missing_positions` | number of definition positions with no usable genotype |
//! | `called` | `yes` when the gene reached the guidelines with a result, `no` when it is matched as No Result |
//! | `no_call_reason` | why the VCF call has no diplotype |
//! | `warnings` | the gene's warnings, ` \| `-joined (a VCF that looks like another genome build, or covers no pharmacogene position, flags every gene called from it) |
//! | `status` | `ok`, or `failed` when the sample could not be reported |
//! | `error` | why the sample failed |
//!
//! `drugs.tsv`, one row per sample, drug and guideline of a source, in the
//! order the sample's report lists them (actionable first):
//!
//! | column | content |
//! |---|---|
//! | `sample` | sample name |
//! | `drug` | drug (lower case) |
//! | `source` | `cpic` or `dpwg` (the machine id, as in `--source` and the JSON report) |
//! | `guideline_id` | upstream guideline id |
//! | `actionable` | `yes` when a matched recommendation departs from standard prescribing |
//! | `actions` | action per matched recommendation |
//! | `strengths` | strength (classification) per matched recommendation |
//! | `dose_adjustments` | dose change per matched recommendation (`50% of the usual starting dose`) |
//! | `genes` | genes the guideline uses |
//! | `lookup_keys` | per matched recommendation, the key per gene it matched on (`CYP2C19=Poor Metabolizer; CYP2D6=1.0`) |
//! | `recommendation_ids` | upstream id per matched recommendation |
//! | `matches` | number of matched recommendations |
//! | `candidates_agree` | `yes` when every candidate combination of an ambiguous result leads to the same advice |
//! | `non_answers` | per gene whose result the answer does not use: why (not given, not tested or not called, given but not understood, no row for the result), ` \| `-joined (`CYP2D6 *1/*44x: given but not understood (…)`) |
//! | `warnings` | the drug's warnings, ` \| `-joined (the same flag when the guideline reads a gene called from such a VCF) |
//! | `status` | `ok` or `failed` |
//! | `error` | why the sample failed |
//!
//! ```
//! use dosera::allele::CallOptions;
//! use dosera::report::tables;
//!
//! let engine = dosera::Engine::bundled()?;
//! let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
//!            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\t0/0\n";
//! let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
//! let outcomes = dosera::report::cohort(&engine, &mut reader, &CallOptions::default(), &[], &[])?;
//! assert_eq!(outcomes.len(), 2);
//!
//! let genes = tables::genes_tsv(&outcomes);
//! let header = genes.lines().next().unwrap();
//! assert!(header.starts_with("sample\tgene\tsource\tdiplotypes"));
//! let per_sample = outcomes[0].report().unwrap().genes.len();
//! assert_eq!(genes.lines().count(), 1 + 2 * per_sample);
//! # Ok::<(), dosera::Error>(())
//! ```

mod cached;

use std::path::{Path, PathBuf};

use super::evaluate::{sample_warnings, stream_map, threads, Request, SampleOutcome};
use crate::allele::{CallOptions, CallSource};
use crate::input::vcf::VcfReader;
use crate::pack::words::Lang;
use crate::recommend::ResolvedOutside;
use crate::recommend::{DrugResult, Match, NonAnswer};
use crate::report::{GeneReport, Report};
use crate::{Engine, Error, Result};

/// Columns of `genes.tsv`, in order.
pub const GENE_COLUMNS: [&str; 13] = [
    "sample",
    "gene",
    "source",
    "diplotypes",
    "phenotypes",
    "activity_scores",
    "lookup_keys",
    "missing_positions",
    "called",
    "no_call_reason",
    "warnings",
    "status",
    "error",
];

/// Columns of `drugs.tsv`, in order.
pub const DRUG_COLUMNS: [&str; 17] = [
    "sample",
    "drug",
    "source",
    "guideline_id",
    "actionable",
    "actions",
    "strengths",
    "dose_adjustments",
    "genes",
    "lookup_keys",
    "recommendation_ids",
    "matches",
    "candidates_agree",
    "non_answers",
    "warnings",
    "status",
    "error",
];

/// Separator of list items inside one field of the TSV tables.
const LIST: &str = " | ";

/// What a column holds, for typed outputs (Parquet, Arrow) and for
/// reading a field of [`Rows`] back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text; empty is a value (the gene or drug name, the sample).
    Text,
    /// Text, empty meaning none.
    Optional,
    /// A list of text items (` | `-joined in the TSV tables).
    List,
    /// A list of gene symbols (`, `-joined in the TSV tables).
    Names,
    /// `yes`/`no`; empty meaning not known (a failed sample).
    Flag,
    /// A count; empty meaning not known (a failed sample).
    Count,
}

/// Kinds of the [`GENE_COLUMNS`], in order.
pub const GENE_KINDS: [Kind; 13] = [
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::List,
    Kind::List,
    Kind::List,
    Kind::List,
    Kind::Count,
    Kind::Flag,
    Kind::Optional,
    Kind::List,
    Kind::Text,
    Kind::Optional,
];

/// Kinds of the [`DRUG_COLUMNS`], in order.
pub const DRUG_KINDS: [Kind; 17] = [
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Flag,
    Kind::List,
    Kind::List,
    Kind::List,
    Kind::Names,
    Kind::List,
    Kind::List,
    Kind::Count,
    Kind::Flag,
    Kind::List,
    Kind::List,
    Kind::Text,
    Kind::Optional,
];

/// In [`Rows`], each item of a list field starts with this character (an
/// empty field is an empty list, a field of one mark a list of one empty
/// item); the TSV writers turn the marks into [`LIST`] between items.
pub const ITEM: char = '\u{1f}';

/// A list field of [`Rows`]: each item led by [`ITEM`], the character
/// itself in an item written as a space.
fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for item in items {
        out.push(ITEM);
        out.extend(
            item.as_ref()
                .chars()
                .map(|c| if c == ITEM { ' ' } else { c }),
        );
    }
    out
}

/// Samples a worker takes at a time when table rows are made (rows are
/// cheap, so more than reports).
const ROWS_CHUNK: usize = 64;

/// [`cohort_map`] with [`TableWriter::rows`], without building a report
/// per sample: each distinct genotype pattern of a gene, and each distinct
/// combination of gene results for a guideline, is worked out once and its
/// row text reused (bounded caches, so memory stays flat). The rows are
/// byte for byte those of `cohort_map` with `TableWriter::rows`. A sample
/// whose rows cannot be made this way (a bug caught as a panic) is
/// reported the ordinary way, so it is never lost.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::tables::{cohort_rows, TableWriter};
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let mut writer = TableWriter::new(Vec::new(), Vec::new())?;
/// let drugs = ["clopidogrel".to_string()];
/// let n = cohort_rows(&engine, &mut reader, &CallOptions::default(), &[], &drugs,
///     &mut |rows| writer.write_rows(&rows))?;
/// assert_eq!(n, 2);
/// let (_, drug_table) = writer.finish()?;
/// let drug_table = String::from_utf8(drug_table).unwrap();
/// assert!(drug_table.lines().any(|l| l.starts_with("B\tclopidogrel\tcpic\t")));
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn cohort_rows(
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
    each: &mut dyn FnMut(Rows) -> Result<()>,
) -> Result<usize> {
    cohort_rows_on(threads(), engine, reader, options, outside, drugs, each)
}

/// [`cohort_rows`] on at most `threads` threads (at least one): for a
/// process that runs several cohorts side by side, such as a Dask worker
/// with several task threads.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::tables::cohort_rows_on;
/// let engine = dosera::Engine::bundled()?;
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\t1/1\t0/0\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// let options = CallOptions { sample_range: Some(1..3), ..CallOptions::default() };
/// let mut names = Vec::new();
/// cohort_rows_on(1, &engine, &mut reader, &options, &[], &[], &mut |rows| {
///     names.push(rows.genes.split('\t').next().unwrap_or_default().to_string());
///     Ok(())
/// })?;
/// assert_eq!(names, ["B", "C"]);
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn cohort_rows_on(
    threads: usize,
    engine: &Engine,
    reader: &mut VcfReader,
    options: &CallOptions,
    outside: &[ResolvedOutside],
    drugs: &[String],
    each: &mut dyn FnMut(Rows) -> Result<()>,
) -> Result<usize> {
    let threads = threads.max(1);
    let request = Request {
        engine,
        options,
        outside,
        drugs,
    };
    request.run(reader, &mut |cohort, chosen| {
        let maker = cached::RowMaker::new(
            engine,
            cohort.prepared,
            options,
            outside,
            drugs,
            cohort.template,
        )?;
        let one = |i: usize| -> Rows {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| maker.rows(i)))
                .unwrap_or_else(|_| TableWriter::<Vec<u8>>::rows(cohort.outcome(i)))
        };
        let done = stream_map(chosen, threads, ROWS_CHUNK, &one, each);
        maker.release();
        done
    })
}

/// `genes.tsv`: the header, then one row per sample and gene.
///
/// ```
/// let tsv = dosera::report::tables::genes_tsv(&[]);
/// assert_eq!(tsv, format!("{}\n", dosera::report::tables::GENE_COLUMNS.join("\t")));
/// ```
pub fn genes_tsv(outcomes: &[SampleOutcome]) -> String {
    let mut out = String::new();
    line(&mut out, GENE_COLUMNS.iter().map(|c| c.to_string()), &[]);
    for o in outcomes {
        gene_rows(&mut out, o);
    }
    tsv_text(&out)
}

/// Appends the `genes.tsv` rows of one sample.
fn gene_rows(out: &mut String, o: &SampleOutcome) {
    {
        match o {
            SampleOutcome::Report(r) => {
                for g in &r.genes {
                    line(out, gene_row(&r.input.sample, g), &GENE_KINDS);
                }
            }
            SampleOutcome::Failed(f) => {
                for (gene, source) in &f.genes {
                    let mut row = vec![String::new(); GENE_COLUMNS.len()];
                    row[0] = f.sample.clone();
                    row[1] = gene.clone();
                    row[2] = source_name(*source).to_string();
                    row[11] = "failed".to_string();
                    row[12] = f.error.clone();
                    line(out, row, &GENE_KINDS);
                }
            }
        }
    }
}

fn gene_row(sample: &str, g: &GeneReport) -> Vec<String> {
    let lookup: Vec<String> = g
        .interpretation
        .iter()
        .flat_map(|r| &r.candidates)
        .map(|c| {
            c.calls
                .iter()
                .map(|s| format!("{}={}", s.source.as_str(), s.lookup_keys.join(" or ")))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    let no_call = g
        .call
        .as_ref()
        .and_then(|c| c.no_call_reason.clone())
        .unwrap_or_default();
    vec![
        sample.to_string(),
        g.gene.clone(),
        source_name(g.source).to_string(),
        list(&g.diplotypes),
        list(&g.phenotypes),
        list(&g.activity_scores),
        list(&lookup),
        g.missing_positions.len().to_string(),
        yes_no(g.interpretation.is_some()).to_string(),
        no_call,
        list(&g.warnings),
        "ok".to_string(),
        String::new(),
    ]
}

/// `drugs.tsv`: the header, then one row per sample, drug and guideline.
///
/// ```
/// let tsv = dosera::report::tables::drugs_tsv(&[]);
/// assert!(tsv.starts_with("sample\tdrug\tsource\tguideline_id\tactionable"));
/// assert_eq!(tsv.lines().count(), 1);
/// ```
pub fn drugs_tsv(outcomes: &[SampleOutcome]) -> String {
    let mut out = String::new();
    line(&mut out, DRUG_COLUMNS.iter().map(|c| c.to_string()), &[]);
    for o in outcomes {
        drug_rows(&mut out, o);
    }
    tsv_text(&out)
}

/// Appends the `drugs.tsv` rows of one sample.
fn drug_rows(out: &mut String, o: &SampleOutcome) {
    {
        match o {
            SampleOutcome::Report(r) => {
                for d in &r.drugs {
                    line(out, drug_row(&r.input.sample, d), &DRUG_KINDS);
                }
            }
            SampleOutcome::Failed(f) => {
                for d in &f.drugs {
                    let mut row = vec![String::new(); DRUG_COLUMNS.len()];
                    row[0] = f.sample.clone();
                    row[1] = d.drug.clone();
                    row[2] = d.source.as_str().to_string();
                    row[3] = d.guideline_id.clone();
                    row[8] = d.genes.join(", ");
                    row[15] = "failed".to_string();
                    row[16] = f.error.clone();
                    line(out, row, &DRUG_KINDS);
                }
            }
        }
    }
}

fn drug_row(sample: &str, d: &DrugResult) -> Vec<String> {
    let each = |f: &dyn Fn(&Match) -> String| -> String { list(d.matches.iter().map(f)) };
    vec![
        sample.to_string(),
        d.drug.clone(),
        d.source.as_str().to_string(),
        d.guideline_id.clone(),
        yes_no(d.actionable).to_string(),
        each(&|m| m.action.label().to_string()),
        each(&|m| m.strength.clone().unwrap_or_default()),
        each(&|m| m.dose_text(Lang::En).unwrap_or_default()),
        d.genes.join(", "),
        each(&|m| {
            m.lookup
                .iter()
                .map(|(g, k)| format!("{g}={k}"))
                .collect::<Vec<_>>()
                .join("; ")
        }),
        each(&|m| m.id.clone()),
        d.matches.len().to_string(),
        yes_no(d.candidates_agree).to_string(),
        list(d.non_answers.iter().map(NonAnswer::describe)),
        list(&d.warnings),
        "ok".to_string(),
        String::new(),
    ]
}

fn source_name(s: CallSource) -> &'static str {
    match s {
        CallSource::Vcf => "vcf",
        CallSource::Outside => "outside",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Appends one row: fields cleaned of tabs and line breaks (and, outside
/// list fields, of [`ITEM`]), tab-joined. `kinds` gives each field's kind
/// (fields beyond it are text).
fn line(out: &mut String, fields: impl IntoIterator<Item = String>, kinds: &[Kind]) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        let keep = kinds.get(i) == Some(&Kind::List);
        out.extend(f.chars().map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            ITEM if !keep => ' ',
            c => c,
        }));
    }
    out.push('\n');
}

/// Writes rows as made ([`Rows`]) as TSV lines: the [`ITEM`] mark that
/// starts a list field is dropped, the others become [`LIST`].
///
/// ```
/// use dosera::report::tables::{write_tsv, ITEM};
/// let mut out = Vec::new();
/// write_tsv(&mut out, &format!("S\t{ITEM}*1/*2{ITEM}*1/*3\t\t{ITEM}{ITEM}b\n"))?;
/// assert_eq!(String::from_utf8(out).unwrap(), "S\t*1/*2 | *1/*3\t\t | b\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_tsv<W: std::io::Write + ?Sized>(w: &mut W, rows: &str) -> std::io::Result<()> {
    let mut at_start = true;
    for (n, piece) in rows.split(ITEM).enumerate() {
        if n > 0 {
            if !at_start {
                w.write_all(LIST.as_bytes())?;
            }
            at_start = false;
        }
        w.write_all(piece.as_bytes())?;
        if let Some(&b) = piece.as_bytes().last() {
            at_start = b == b'\t' || b == b'\n';
        }
    }
    Ok(())
}

/// [`write_tsv`] into a string.
fn tsv_text(rows: &str) -> String {
    let mut out = Vec::with_capacity(rows.len() + rows.len() / 8);
    // Writing to a Vec cannot fail, and the marks are replaced by ASCII.
    let _ = write_tsv(&mut out, rows);
    String::from_utf8(out).unwrap_or_default()
}

/// One sample's table rows, formatted: the lines of `genes.tsv` and
/// `drugs.tsv` as they are made, fields tab-separated, except that the
/// items of a list field ([`Kind::List`]) each start with [`ITEM`], so the
/// typed outputs read the lists back exactly; [`write_tsv`] writes them as
/// the TSV tables have them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// Its `genes.tsv` lines (list items marked).
    pub genes: String,
    /// Its `drugs.tsv` lines (list items marked).
    pub drugs: String,
    /// Sample and error, when the sample could not be reported.
    pub failed: Option<(String, String)>,
    /// The file's coverage finding (the report's `input.coverage`), for
    /// a sample that was reported; its flag is in the rows' `warnings`.
    pub coverage: Option<crate::input::coverage::CoverageFinding>,
    /// The sample's non-answers that strict mode fails on, as warnings
    /// ([`sample_warnings`]).
    pub warnings: Vec<String>,
}

impl Rows {
    /// One sample's rows, from its outcome.
    ///
    /// ```
    /// use dosera::report::tables::{Rows, GENE_COLUMNS};
    /// let engine = dosera::Engine::bundled()?;
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\n\
    ///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// let outcomes = dosera::evaluate(&engine, &mut reader, &dosera::VcfOptions::default())?;
    /// let rows = Rows::of(&outcomes[0]);
    /// assert!(rows.failed.is_none());
    /// assert!(rows.genes.lines().all(|l| l.split('\t').count() == GENE_COLUMNS.len()));
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn of(outcome: &SampleOutcome) -> Rows {
        let mut genes = String::new();
        gene_rows(&mut genes, outcome);
        let mut drugs = String::new();
        drug_rows(&mut drugs, outcome);
        let (failed, coverage, warnings) = match outcome {
            SampleOutcome::Failed(f) => {
                (Some((f.sample.clone(), f.error.clone())), None, Vec::new())
            }
            SampleOutcome::Report(r) => (None, r.input.coverage.clone(), sample_warnings(r)),
        };
        Rows {
            genes,
            drugs,
            failed,
            coverage,
            warnings,
        }
    }
}

/// `genes.tsv` and `drugs.tsv` written one sample at a time, for cohorts
/// too large to hold as reports ([`cohort_each`]).
///
/// ```
/// use dosera::report::tables::TableWriter;
/// let mut w = TableWriter::new(Vec::new(), Vec::new())?;
/// let (genes, drugs) = w.finish()?;
/// assert_eq!(String::from_utf8(genes).unwrap().lines().count(), 1);
/// assert!(String::from_utf8(drugs).unwrap().starts_with("sample\tdrug"));
/// # Ok::<(), dosera::Error>(())
/// ```
pub struct TableWriter<W: std::io::Write> {
    genes: W,
    drugs: W,
    buf: String,
    samples: usize,
    failed: usize,
}

fn write_io(e: std::io::Error) -> Error {
    Error::Io {
        path: "cohort table".into(),
        source: e,
    }
}

impl<W: std::io::Write> TableWriter<W> {
    /// Writes both header lines.
    pub fn new(mut genes: W, mut drugs: W) -> Result<TableWriter<W>> {
        let mut buf = String::new();
        line(&mut buf, GENE_COLUMNS.iter().map(|c| c.to_string()), &[]);
        genes.write_all(buf.as_bytes()).map_err(write_io)?;
        buf.clear();
        line(&mut buf, DRUG_COLUMNS.iter().map(|c| c.to_string()), &[]);
        drugs.write_all(buf.as_bytes()).map_err(write_io)?;
        buf.clear();
        Ok(TableWriter {
            genes,
            drugs,
            buf,
            samples: 0,
            failed: 0,
        })
    }

    /// Writes one sample's rows to both tables.
    pub fn write(&mut self, outcome: &SampleOutcome) -> Result<()> {
        self.buf.clear();
        gene_rows(&mut self.buf, outcome);
        write_tsv(&mut self.genes, &self.buf).map_err(write_io)?;
        self.buf.clear();
        drug_rows(&mut self.buf, outcome);
        write_tsv(&mut self.drugs, &self.buf).map_err(write_io)?;
        self.samples += 1;
        if matches!(outcome, SampleOutcome::Failed(_)) {
            self.failed += 1;
        }
        Ok(())
    }

    /// One sample's rows, formatted (on any thread); see [`cohort_map`].
    pub fn rows(outcome: SampleOutcome) -> Rows {
        Rows::of(&outcome)
    }

    /// Writes rows made by [`TableWriter::rows`].
    pub fn write_rows(&mut self, rows: &Rows) -> Result<()> {
        write_tsv(&mut self.genes, &rows.genes).map_err(write_io)?;
        write_tsv(&mut self.drugs, &rows.drugs).map_err(write_io)?;
        self.samples += 1;
        if rows.failed.is_some() {
            self.failed += 1;
        }
        Ok(())
    }

    /// Samples written so far, and how many of them failed.
    pub fn summary(&self) -> Summary {
        Summary {
            samples: self.samples,
            failed: self.failed,
        }
    }

    /// Flushes and returns the two outputs (genes, drugs).
    pub fn finish(mut self) -> Result<(W, W)> {
        self.genes.flush().map_err(write_io)?;
        self.drugs.flush().map_err(write_io)?;
        Ok((self.genes, self.drugs))
    }
}

/// Writes `genes.tsv` and `drugs.tsv` into `dir` (created if absent) and
/// returns their paths, genes first.
///
/// ```no_run
/// use dosera::allele::CallOptions;
/// use dosera::report::tables;
/// let engine = dosera::Engine::bundled()?;
/// let mut reader = dosera::input::vcf::VcfReader::from_path("cohort.vcf.gz".as_ref())?;
/// let outcomes = dosera::report::cohort(&engine, &mut reader, &CallOptions::default(), &[], &[])?;
/// let (genes, drugs) = tables::write_cohort("out".as_ref(), &outcomes)?;
/// println!("{} and {}", genes.display(), drugs.display());
/// # Ok::<(), dosera::Error>(())
/// ```
pub fn write_cohort(dir: &Path, outcomes: &[SampleOutcome]) -> Result<(PathBuf, PathBuf)> {
    let io = |path: &Path| {
        let shown = path.display().to_string();
        move |source| Error::Io {
            path: shown,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let genes = dir.join("genes.tsv");
    let drugs = dir.join("drugs.tsv");
    std::fs::write(&genes, genes_tsv(outcomes)).map_err(io(&genes))?;
    std::fs::write(&drugs, drugs_tsv(outcomes)).map_err(io(&drugs))?;
    Ok((genes, drugs))
}

/// Counts of a cohort, for a summary line.
///
/// ```
/// let s = dosera::report::tables::summary(&[]);
/// assert_eq!((s.samples, s.failed), (0, 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Samples in the cohort.
    pub samples: usize,
    /// Samples that could not be reported.
    pub failed: usize,
}

/// Counts samples and failures.
///
/// ```
/// let s = dosera::report::tables::summary(&[]);
/// assert_eq!(s.samples, 0);
/// ```
pub fn summary(outcomes: &[SampleOutcome]) -> Summary {
    Summary {
        samples: outcomes.len(),
        failed: outcomes
            .iter()
            .filter(|o| matches!(o, SampleOutcome::Failed(_)))
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::evaluate::{cohort, DrugSlot, Failure};
    use crate::Source;

    #[test]
    fn stream_map_keeps_order_and_loses_nothing() {
        let items: Vec<usize> = (0..1000).collect();
        for (threads, chunk) in [(1, 7), (2, 1), (2, 7), (3, 64), (2, 5000)] {
            let mut seen = Vec::new();
            stream_map(&items, threads, chunk, &|i| i * 2, &mut |v| {
                seen.push(v);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
        // A chunk whose work panics once is done again on the calling thread.
        let once = std::sync::atomic::AtomicBool::new(false);
        let mut seen = Vec::new();
        crate::quiet_planted_panics();
        stream_map(
            &items,
            2,
            8,
            &|i| {
                if i == 100 && !once.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    panic!("{}: the first try fails", crate::PLANTED_PANIC);
                }
                i
            },
            &mut |v| {
                seen.push(v);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, items);
        // An error from `each` stops the run and is returned.
        let mut count = 0;
        let err = stream_map(&items, 2, 8, &|i| i, &mut |_| {
            count += 1;
            if count == 50 {
                Err(Error::Usage("stop".into()))
            } else {
                Ok(())
            }
        });
        assert!(err.is_err());
        assert_eq!(count, 50);
    }

    #[test]
    fn cleaned_fields_keep_the_column_count() {
        let mut out = String::new();
        line(&mut out, ["a\tb".to_string(), "c\r\nd".to_string()], &[]);
        assert_eq!(out, "a b\tc  d\n");
        // An item mark is kept only where a list field has it.
        let mut out = String::new();
        let fields = ["x\u{1f}y".to_string(), list(["p\u{1f}q", "r"])];
        line(&mut out, fields, &[Kind::Text, Kind::List]);
        assert_eq!(out, "x y\t\u{1f}p q\u{1f}r\n");
        assert_eq!(tsv_text(&out), "x y\tp q | r\n");
    }

    /// A cohort with corrupted cells in several samples and one sample that
    /// fails (a panic, injected in unit tests only): every sample is
    /// accounted for, in input order, on the report path and on the fast
    /// row path. The corrupted samples are reported with the position
    /// flagged as not used; the failing one is listed with its error and
    /// has a row for every gene; the tally counts one failure.
    #[test]
    fn corrupted_and_failing_samples_are_all_accounted_for() {
        use crate::genotype::MissingReason;
        crate::quiet_planted_panics();
        let engine = Engine::bundled().unwrap();
        let names = [
            "ok1",
            "garbage",
            "beyond_alts",
            "empty",
            crate::PANICKING_SAMPLE,
            "triploid",
            "not_utf8",
            "ok2",
        ];
        let mut vcf = format!(
            "##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n\
             ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
             #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{}\n\
             chr10\t94761900\trs12248560\tC\tT\t.\tPASS\t.\tGT{}\n",
            names.join("\t"),
            "\t0/0".repeat(names.len()),
        )
        .into_bytes();
        vcf.extend_from_slice(
            b"chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\tx/y\t0/7\t\t0/1\t0/1/1\t0/\xff\t1/1\n",
        );
        let corrupted = ["garbage", "beyond_alts", "empty", "triploid", "not_utf8"];
        let options = CallOptions::default();

        let mut reader = VcfReader::from_bytes(vcf.clone()).unwrap();
        let outcomes = cohort(&engine, &mut reader, &options, &[], &[]).unwrap();
        let got: Vec<&str> = outcomes.iter().map(SampleOutcome::sample).collect();
        assert_eq!(got, names);
        assert_eq!(summary(&outcomes).failed, 1);
        for o in &outcomes {
            match o {
                SampleOutcome::Failed(f) => {
                    assert_eq!(f.sample, crate::PANICKING_SAMPLE);
                    assert!(f.error.contains("fault injected"), "{}", f.error);
                }
                SampleOutcome::Report(r) => {
                    let call = r.gene("CYP2C19").unwrap().call.as_ref().unwrap();
                    let flagged =
                        call.evidence.missing.iter().any(|m| {
                            m.position == 94_781_859 && m.reason != MissingReason::NotInVcf
                        });
                    assert_eq!(
                        flagged,
                        corrupted.contains(&r.input.sample.as_str()),
                        "{}: {:?}",
                        r.input.sample,
                        call.evidence.missing
                    );
                }
            }
        }
        let expected: Vec<Rows> = outcomes
            .into_iter()
            .map(TableWriter::<Vec<u8>>::rows)
            .collect();
        let failed = &expected[4];
        assert_eq!(
            failed.genes.lines().count(),
            expected[0].genes.lines().count(),
            "the failed sample has a row for every gene"
        );

        let mut fast = Vec::new();
        let mut reader = VcfReader::from_bytes(vcf).unwrap();
        let n = cohort_rows(&engine, &mut reader, &options, &[], &[], &mut |r| {
            fast.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(n, names.len());
        assert_eq!(fast, expected);
    }

    #[test]
    fn failed_rows_fill_every_column() {
        let f = SampleOutcome::Failed(Box::new(Failure {
            sample: "S".into(),
            error: "why\tnot".into(),
            code: crate::ErrorCode::Internal,
            genes: vec![("CYP2C19".into(), CallSource::Vcf)],
            drugs: vec![DrugSlot {
                drug: "clopidogrel".into(),
                source: Source::Cpic,
                guideline_id: "G".into(),
                genes: vec!["CYP2C19".into()],
            }],
        }));
        let genes = genes_tsv(std::slice::from_ref(&f));
        let row: Vec<&str> = genes
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split('\t')
            .collect();
        assert_eq!(row.len(), GENE_COLUMNS.len());
        assert_eq!(row[11], "failed");
        assert_eq!(row[12], "why not");
        let drugs = drugs_tsv(&[f]);
        let row: Vec<&str> = drugs
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split('\t')
            .collect();
        assert_eq!(row.len(), DRUG_COLUMNS.len());
        assert_eq!(DRUG_COLUMNS[15], "status");
        assert_eq!((row[15], row[16]), ("failed", "why not"));
    }
}
