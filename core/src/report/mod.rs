//! The report of one sample: gene calls (from the VCF or outside calls),
//! phenotypes and the matching recommendations, with the evidence and the
//! knowledge-pack release behind them.

pub mod changes;
pub mod evaluate;
pub mod fhir;
pub mod html;
pub use evaluate::{
    check_strict, cohort, cohort_each, cohort_map, failed_samples, sample_warnings, DrugSlot,
    Failure, SampleOutcome, VcfOptions,
};
mod keyed;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod reanalyze;
mod rederive;
pub mod stored;
pub mod tables;
pub mod text;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::allele::{CallSource, GeneCall, SampleCalls, Sex, SexSource};
use crate::input::coverage::CoverageFinding;
use crate::input::outside::UsedField;
use crate::recommend::ResolvedOutside;
use crate::recommend::{DrugResult, Gap, GeneInput, GeneResult, NonAnswerReason};
use crate::{Engine, Result, Source};

/// Version of the report's JSON shape (2: drug results list their
/// `non_answers`).
pub const REPORT_SCHEMA_VERSION: u32 = 3;

/// What was read and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputSummary {
    /// The VCF file, when one was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Sample name.
    pub sample: String,
    /// Genome build the calls assume.
    pub build: String,
    /// Sex used for chrX genes.
    pub sex: Option<Sex>,
    /// How the sex was known.
    pub sex_source: SexSource,
    /// Missing positions were assumed reference (on request).
    pub assume_reference: bool,
    /// Set when the VCF's records miss the pharmacogenes: they look like
    /// another genome build, or cover no pharmacogene position. Its
    /// [`message`](CoverageFinding::message) is also the first of the
    /// report's warnings, and every gene called from the VCF (and every
    /// drug whose guideline reads one) carries its
    /// [`flag`](CoverageFinding::flag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageFinding>,
}

/// One gene in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GeneReport {
    /// Gene symbol.
    pub gene: String,
    /// Where the call came from.
    pub source: CallSource,
    /// Diplotypes in rank order (`*1/*2`); empty when none was called. When
    /// no diplotype fits but one variant decides the phenotype (the SLCO1B1
    /// rs4149056 fallback), that variant's genotype
    /// (`rs4149056 C/rs4149056 T`); the VCF call stays uncalled.
    pub diplotypes: Vec<String>,
    /// Phenotype per candidate (CPIC rules, else DPWG), in candidate order.
    pub phenotypes: Vec<String>,
    /// Activity score per candidate, for activity-score genes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activity_scores: Vec<String>,
    /// The gene result passed on to the recommendation step, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation_input: Option<String>,
    /// Definition positions with no usable genotype (VCF calls).
    pub missing_positions: Vec<u64>,
    /// The VCF call with its evidence (also kept when an outside call replaced it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<GeneCall>,
    /// The outside-call lines used for this gene (several lines are the
    /// candidates of one ambiguous result).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outside: Vec<ResolvedOutside>,
    /// The interpretation under each source's rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<GeneResult>,
    /// Problems with this gene's result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A sample's full report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Version of this JSON shape.
    pub schema_version: u32,
    /// dosera version.
    pub engine_version: String,
    /// Knowledge-pack release.
    pub packs_release: String,
    /// SHA-256 over the pack files.
    pub packs_sha256: String,
    /// What was read.
    pub input: InputSummary,
    /// One entry per gene, alphabetical.
    pub genes: Vec<GeneReport>,
    /// Per drug and source: matched recommendations.
    pub drugs: Vec<DrugResult>,
    /// Problems with the input as a whole, and every non-answer of a
    /// result that was given (a value not understood, a result the
    /// guideline has no row for), naming the drugs it affects.
    pub warnings: Vec<String>,
    /// Language of the clinical text (`en` unless [`Report::localise`]
    /// wrote it in another; left out of the JSON when `en`).
    #[serde(default, skip_serializing_if = "is_english")]
    pub lang: crate::pack::words::Lang,
}

fn is_english(lang: &crate::pack::words::Lang) -> bool {
    *lang == crate::pack::words::Lang::En
}

impl Report {
    /// The entry for a gene.
    pub fn gene(&self, symbol: &str) -> Option<&GeneReport> {
        self.genes
            .iter()
            .find(|g| g.gene.eq_ignore_ascii_case(symbol))
    }

    /// The warnings of the drug results' non-answers that strict mode
    /// turns into an error (they are in [`Report::warnings`] too): a value
    /// given but not understood, or a result the guideline has no row for.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let calls = dosera::input::outside::parse("CYP2D6\t*1/*44x\n").unwrap();
    /// let resolved = engine.resolve_outside(&calls).unwrap();
    /// let empty = dosera::allele::SampleCalls::empty("S1");
    /// let drugs = ["codeine".to_string()];
    /// let report = dosera::report::build(&engine, &empty, &resolved, &drugs).unwrap();
    /// let w = report.strict_warnings();
    /// assert!(w[0].starts_with("CYP2D6 *1/*44x: given but not understood"), "{w:?}");
    /// assert!(report.warnings.contains(&w[0]));
    /// ```
    pub fn strict_warnings(&self) -> Vec<String> {
        crate::recommend::strict_warnings(self.drugs.iter().flat_map(|d| {
            d.non_answers
                .iter()
                .map(move |n| (d.drug.as_str(), d.source, n))
        }))
    }

    /// `Err` ([`Error::NonAnswer`](crate::Error::NonAnswer), code 112) when
    /// strict mode would fail on this report, naming every non-answer it
    /// fails on.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let calls = dosera::input::outside::parse("CYP2D6\t*1/*44x\n").unwrap();
    /// let resolved = engine.resolve_outside(&calls).unwrap();
    /// let empty = dosera::allele::SampleCalls::empty("S1");
    /// let report = dosera::report::build(&engine, &empty, &resolved, &[]).unwrap();
    /// let err = report.check_strict().unwrap_err();
    /// assert_eq!(err.code(), dosera::ErrorCode::NonAnswer);
    /// ```
    pub fn check_strict(&self) -> Result<()> {
        let warnings = self.strict_warnings();
        if warnings.is_empty() {
            return Ok(());
        }
        Err(crate::Error::NonAnswer(warnings.join(" | ")))
    }

    /// Writes the clinical text of every drug result in `lang` (summaries
    /// and implications, from each row's facts).
    ///
    /// ```
    /// # use dosera::allele::CallOptions;
    /// use dosera::pack::words::Lang;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    ///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
    /// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
    /// let mut report = dosera::report::build(&engine, &calls[0], &[], &["clopidogrel".into()]).unwrap();
    /// report.localise(Lang::Sv);
    /// let m = &report.drugs[0].matches[0];
    /// assert!(m.implication.contains("metaboliserare"), "{}", m.implication);
    /// ```
    pub fn localise(&mut self, lang: crate::pack::words::Lang) {
        self.lang = lang;
        for d in &mut self.drugs {
            d.localise(lang);
        }
    }

    /// Reads a report written as JSON, checking its schema version first:
    /// a report of another version is refused with a message naming both
    /// versions, rather than half-read.
    ///
    /// ```
    /// use dosera::report::{Report, REPORT_SCHEMA_VERSION};
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
    /// let resolved = engine.resolve_outside(&calls).unwrap();
    /// let empty = dosera::allele::SampleCalls::empty("S1");
    /// let report = dosera::report::build(&engine, &empty, &resolved, &[]).unwrap();
    /// let text = serde_json::to_string(&report).unwrap();
    /// assert_eq!(Report::from_json(&text).unwrap(), report);
    ///
    /// let older = text.replacen(
    ///     &format!("\"schema_version\":{REPORT_SCHEMA_VERSION}"),
    ///     "\"schema_version\":0",
    ///     1,
    /// );
    /// let err = Report::from_json(&older).unwrap_err();
    /// assert_eq!(err.code(), dosera::ErrorCode::MalformedReport);
    /// assert!(err.to_string().contains("schema version 0"), "{err}");
    /// ```
    pub fn from_json(text: &str) -> Result<Report> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| crate::Error::MalformedReport(format!("not JSON: {e}")))?;
        match value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(REPORT_SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(crate::Error::MalformedReport(format!(
                    "report schema version {v}; this build reads version {REPORT_SCHEMA_VERSION}"
                )))
            }
            None => {
                return Err(crate::Error::MalformedReport(
                    "no schema_version: not a dosera report".into(),
                ))
            }
        }
        serde_json::from_value(value).map_err(|e| crate::Error::MalformedReport(e.to_string()))
    }
}

/// The JSON Schema (draft 2020-12) of [`Report`], generated from the types,
/// so it cannot drift from what [`build`] writes. The repository keeps a
/// copy in `core/schema/report.schema.json` for readers outside Rust.
///
/// ```
/// let schema = dosera::report::json_schema();
/// assert_eq!(schema["title"], "Report");
/// assert!(schema["properties"]["genes"].is_object());
/// ```
pub fn json_schema() -> serde_json::Value {
    schema_of::<Report>(&format!("report-v{REPORT_SCHEMA_VERSION}.json"))
}

/// The JSON Schema of `T`, with the `$id` of the file `name` (the
/// committed schemas of `core/schema/`).
pub(crate) fn schema_of<T: schemars::JsonSchema>(name: &str) -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(T))
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            serde_json::Value::String(format!("https://dosera.invalid/schema/{name}")),
        );
    }
    schema
}

/// What the recommendation step is given for a VCF call, if anything.
fn vcf_input(call: &GeneCall) -> std::result::Result<Option<String>, String> {
    if let Some(alleles) = &call.phenotype_alleles {
        return Ok(Some(alleles.join("/")));
    }
    if call.diplotypes.is_empty() {
        return Ok(None);
    }
    if call.diplotypes.iter().any(|d| {
        d.alleles
            .iter()
            .any(|a| a.starts_with('[') || a.starts_with("g."))
    }) {
        return Err(
            "a combination call has no phenotype; the gene is reported as No Result".into(),
        );
    }
    Ok(Some(
        call.diplotypes
            .iter()
            .map(|d| d.alleles.join("/"))
            .collect::<Vec<_>>()
            .join("|"),
    ))
}

/// Builds the report of one sample from its VCF calls and outside calls.
///
/// Outside calls replace the VCF call of their gene (a disagreement is a
/// warning); genes with no usable result go to the guidelines as
/// `No Result`, never as an assumed genotype.
///
/// ```
/// use dosera::allele::CallOptions;
/// let engine = dosera::Engine::bundled().unwrap();
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
/// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
/// let report = dosera::report::build(&engine, &calls[0], &[], &[]).unwrap();
/// assert_eq!(report.input.sample, "S1");
/// assert!(report.gene("CYP2C19").is_some());
/// ```
pub fn build(
    engine: &Engine,
    calls: &SampleCalls,
    outside: &[ResolvedOutside],
    drugs: &[String],
) -> Result<Report> {
    let mut genes: Vec<GeneReport> = calls.genes.iter().cloned().map(vcf_gene).collect();
    for (gene, lines) in outside_groups(outside) {
        let idx = match genes.iter().position(|g| g.gene == gene) {
            Some(i) => i,
            None => {
                genes.push(outside_gene(gene));
                genes.len() - 1
            }
        };
        apply_outside(&mut genes[idx], lines);
    }
    let mut interpreted: Vec<GeneResult> = Vec::new();
    let coverage = calls.coverage.as_ref();
    let mut gaps: Vec<(String, Gap)> = Vec::new();
    for g in &mut genes {
        match interpret_gene(engine, g) {
            Ok(()) => interpreted.extend(g.interpretation.clone()),
            Err(gap) => gaps.push((g.gene.clone(), gap)),
        }
        flag_gene(g, coverage);
    }
    genes.sort_by(|a, b| a.gene.cmp(&b.gene));
    let drug_list = drug_list(engine, &genes, drugs);
    let gaps = gaps.iter().map(|(g, gap)| (g.as_str(), gap)).collect();
    let recs = engine
        .recommender()
        .recommend_interpreted(interpreted, &gaps, &drug_list, &[])?;
    let mut drugs = recs.drugs;
    for d in &mut drugs {
        let reads_vcf = d.genes.iter().any(|x| {
            genes
                .iter()
                .any(|g| &g.gene == x && g.source == CallSource::Vcf)
        });
        flag_drug(d, coverage, reads_vcf);
        // A disagreement between sources is said last, as the table path
        // says it.
        let said: Vec<String> = d
            .disagreements
            .iter()
            .map(|x| x.text(&d.drug, d.source, crate::pack::words::Lang::En))
            .collect();
        d.warnings.retain(|w| !said.contains(w));
        d.warnings.extend(said);
    }
    drugs.sort_by_key(|d| !d.actionable);
    let mut warnings: Vec<String> = coverage.map(CoverageFinding::message).into_iter().collect();
    warnings.extend(calls.warnings.iter().cloned());
    warnings.extend(recs.warnings);
    Ok(Report {
        lang: crate::pack::words::Lang::En,
        schema_version: REPORT_SCHEMA_VERSION,
        engine_version: recs.engine_version,
        packs_release: recs.packs_release,
        packs_sha256: recs.packs_sha256,
        input: InputSummary {
            file: None,
            sample: calls.sample.clone(),
            build: "GRCh38".into(),
            sex: calls.sex,
            sex_source: calls.sex_source,
            assume_reference: calls
                .genes
                .iter()
                .any(|g| g.evidence.missing.iter().any(|m| m.assumed_reference)),
            coverage: calls.coverage.clone(),
        },
        genes,
        drugs,
        warnings,
    })
}

/// Adds the flag of a coverage finding to a gene called from the VCF.
pub(crate) fn flag_gene(g: &mut GeneReport, coverage: Option<&CoverageFinding>) {
    if let Some(c) = coverage.filter(|_| g.source == CallSource::Vcf) {
        g.warnings.push(c.flag().to_string());
    }
}

/// Adds the flag of a coverage finding to a drug whose guideline reads a
/// gene called from the VCF (`reads_vcf`).
pub(crate) fn flag_drug(d: &mut DrugResult, coverage: Option<&CoverageFinding>, reads_vcf: bool) {
    if let Some(c) = coverage.filter(|_| reads_vcf) {
        d.warnings.push(c.flag().to_string());
    }
}

/// The drugs a report lists: the ones asked for, else every drug whose
/// guidelines use a gene of the report, so a gene with no result still
/// shows its drugs (as No Result) rather than vanishing.
pub(crate) fn drug_list(engine: &Engine, genes: &[GeneReport], drugs: &[String]) -> Vec<String> {
    if drugs.is_empty() {
        engine
            .drugs()
            .into_iter()
            .filter(|d| d.genes.iter().any(|x| genes.iter().any(|g| &g.gene == x)))
            .map(|d| d.name)
            .collect()
    } else {
        drugs.to_vec()
    }
}

/// A gene's report entry from its VCF call, before outside calls and
/// interpretation.
pub(crate) fn vcf_gene(call: GeneCall) -> GeneReport {
    let mut g = GeneReport {
        gene: call.gene.clone(),
        source: CallSource::Vcf,
        // With no diplotype, a single deciding variant is shown instead
        // (SLCO1B1 rs4149056); the call itself stays uncalled.
        diplotypes: if call.diplotypes.is_empty() {
            call.decided_by.iter().cloned().collect()
        } else {
            call.diplotypes.iter().map(|d| d.name.clone()).collect()
        },
        phenotypes: Vec::new(),
        activity_scores: Vec::new(),
        recommendation_input: None,
        missing_positions: call
            .evidence
            .missing
            .iter()
            .filter(|m| !m.assumed_reference)
            .map(|m| m.position)
            .collect(),
        call: None,
        outside: Vec::new(),
        interpretation: None,
        warnings: Vec::new(),
    };
    match vcf_input(&call) {
        Ok(v) => g.recommendation_input = v,
        Err(w) => g.warnings.push(w),
    }
    g.call = Some(call);
    g
}

/// The entry of a gene known only from outside calls.
pub(crate) fn outside_gene(gene: &str) -> GeneReport {
    GeneReport {
        gene: gene.to_string(),
        source: CallSource::Outside,
        diplotypes: Vec::new(),
        phenotypes: Vec::new(),
        activity_scores: Vec::new(),
        recommendation_input: None,
        missing_positions: Vec::new(),
        call: None,
        outside: Vec::new(),
        interpretation: None,
        warnings: Vec::new(),
    }
}

/// Outside calls grouped by gene in file order; several lines for one gene
/// are the candidates of one ambiguous result, put in allele-name order of
/// the diplotypes as written (`*1/*1`, `*1x2/*9`, `*1x2/*10`, `*1x3/*1`,
/// `*4/*4`).
pub(crate) fn outside_groups(outside: &[ResolvedOutside]) -> Vec<(&str, Vec<&ResolvedOutside>)> {
    let mut order: Vec<&str> = Vec::new();
    for o in outside {
        if !order.contains(&o.gene.as_str()) {
            order.push(&o.gene);
        }
    }
    order
        .into_iter()
        .map(|gene| {
            let mut lines: Vec<&ResolvedOutside> =
                outside.iter().filter(|o| o.gene == gene).collect();
            lines.sort_by(|a, b| {
                let halves = |o: &ResolvedOutside| -> Vec<String> {
                    o.call
                        .diplotype
                        .as_deref()
                        .unwrap_or_default()
                        .split('/')
                        .map(|h| h.trim().to_string())
                        .collect()
                };
                let (x, y) = (halves(a), halves(b));
                x.iter()
                    .zip(&y)
                    .map(|(p, q)| crate::names::natural_cmp(p, q))
                    .find(|o| o.is_ne())
                    .unwrap_or_else(|| x.len().cmp(&y.len()))
                    .then(a.call.line.cmp(&b.call.line))
            });
            (gene, lines)
        })
        .collect()
}

/// Puts a gene's outside-call lines (one group of [`outside_groups`]) in
/// place of its VCF call; a disagreement with the VCF call is a warning.
pub(crate) fn apply_outside(g: &mut GeneReport, lines: Vec<&ResolvedOutside>) {
    let gene = g.gene.clone();
    // Alleles in the matcher's order (`*2/*1` reads as `*1/*2`); lines
    // that give no result show no diplotype.
    let mut outside_dips: Vec<String> = Vec::new();
    for o in lines
        .iter()
        .filter(|o| o.input.is_some() || o.used == UsedField::Diplotype)
    {
        let Some(d) = o.call.diplotype.as_deref() else {
            continue;
        };
        if o.input.is_none() && d.chars().all(|c| matches!(c, '.' | '/' | '|' | ' ')) {
            continue;
        }
        let mut parts: Vec<&str> = d.split('/').map(str::trim).collect();
        parts.sort_by(|a, b| crate::names::natural_cmp(a, b));
        let d = parts.join("/");
        if !outside_dips.contains(&d) {
            outside_dips.push(d);
        }
    }
    let inputs: Option<Vec<String>> = lines
        .iter()
        .map(|o| o.input.as_ref().map(|i| i.value.clone()))
        .collect();
    let shown = if outside_dips.is_empty() {
        inputs
            .as_ref()
            .map(|v| v.join(" or "))
            .unwrap_or_else(|| "no result".to_string())
    } else {
        outside_dips.join(" or ")
    };
    if let Some(call) = &g.call {
        let vcf: Vec<&str> = call.diplotype_names();
        if !vcf.is_empty()
            && !outside_dips
                .iter()
                .any(|d| vcf.iter().any(|v| same_pair(v, d)))
        {
            g.warnings.push(format!(
                "the outside call ({shown}) differs from the VCF call ({}); the outside call is used",
                vcf.join(" or ")
            ));
        }
    }
    if lines.len() > 1 {
        g.warnings.push(format!(
            "{} outside-call lines for {gene} (lines {}): each is a candidate of an ambiguous result, and every one is looked up",
            lines.len(),
            {
                let mut numbers: Vec<u64> = lines.iter().map(|o| o.call.line).collect();
                numbers.sort_unstable();
                numbers
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    g.source = CallSource::Outside;
    g.diplotypes = outside_dips;
    g.recommendation_input = inputs.map(|v| {
        let mut unique: Vec<String> = Vec::new();
        for x in v {
            if !unique.contains(&x) {
                unique.push(x);
            }
        }
        unique.join(&crate::recommend::CANDIDATE_SEPARATOR.to_string())
    });
    for o in &lines {
        g.warnings.extend(o.warnings.iter().cloned());
    }
    g.outside = lines.into_iter().cloned().collect();
}

/// Interprets a gene's recommendation input under each source's rules
/// (phenotypes and activity scores filled in). `Err` with why, when the
/// gene has no result: a failure is a warning and the gene goes to the
/// guidelines as No Result.
pub(crate) fn interpret_gene(engine: &Engine, g: &mut GeneReport) -> std::result::Result<(), Gap> {
    interpret_gene_by(g, &|input| engine.interpret(input))
}

/// [`interpret_gene`] with the interpretation step given (a cache of
/// [`Engine::interpret`]).
pub(crate) fn interpret_gene_by(
    g: &mut GeneReport,
    interpret: &dyn Fn(&GeneInput) -> Result<GeneResult>,
) -> std::result::Result<(), Gap> {
    let Some(value) = g.recommendation_input.clone() else {
        return Err(no_input_gap(g, interpret));
    };
    let input = GeneInput::new(g.gene.clone(), value.clone());
    match interpret(&input) {
        Ok(result) => {
            for c in &result.candidates {
                let call = c
                    .calls
                    .iter()
                    .find(|s| s.source == Source::Cpic)
                    .or_else(|| c.calls.first());
                if let Some(sc) = call {
                    if let Some(p) = &sc.phenotype {
                        g.phenotypes.push(p.clone());
                    }
                    if let Some(a) = &sc.activity_score {
                        g.activity_scores.push(a.clone());
                    }
                }
            }
            g.interpretation = Some(result);
            Ok(())
        }
        Err(e) => {
            g.warnings.push(format!(
                "{e}; the gene is reported to the guidelines as No Result"
            ));
            g.recommendation_input = None;
            Err(Gap {
                reason: NonAnswerReason::NotUnderstood,
                value: Some(value),
                detail: Some(e.to_string()),
            })
        }
    }
}

/// Why a gene with no recommendation input has none: a diplotype given or
/// called that gives no phenotype (an allele the definitions do not know,
/// a combination call) is not understood; no call at all is not given.
fn no_input_gap(g: &GeneReport, interpret: &dyn Fn(&GeneInput) -> Result<GeneResult>) -> Gap {
    let shown = (!g.diplotypes.is_empty()).then(|| g.diplotypes.join(" or "));
    let first_warning = g.warnings.first().cloned();
    let (reason, detail) = match (g.source, &shown) {
        // Kept as written: the engine's own words for what it cannot read.
        (CallSource::Outside, Some(_)) => (
            NonAnswerReason::NotUnderstood,
            g.outside
                .iter()
                .filter_map(|o| o.call.diplotype.as_deref())
                .find_map(|d| interpret(&GeneInput::new(g.gene.clone(), d)).err())
                .map(|e| e.to_string())
                .or(first_warning),
        ),
        // A no-call (`.`).
        (CallSource::Outside, None) => (NonAnswerReason::NotGiven, first_warning),
        (CallSource::Vcf, _) => match &g.call {
            Some(c) if !c.diplotypes.is_empty() => (NonAnswerReason::NotUnderstood, first_warning),
            Some(c) => (NonAnswerReason::NotGiven, c.no_call_reason.clone()),
            None => (NonAnswerReason::NotGiven, None),
        },
    };
    Gap {
        reason,
        value: (reason == NonAnswerReason::NotUnderstood)
            .then_some(shown)
            .flatten(),
        detail,
    }
}

fn same_pair(x: &str, y: &str) -> bool {
    let split = |s: &str| {
        let mut v: Vec<String> = s.split('/').map(|p| p.trim().to_string()).collect();
        v.sort();
        v
    };
    split(x) == split(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::outside;
    use crate::recommend::NonAnswer;

    fn non_answers(report: &Report, drug: &str) -> Vec<NonAnswer> {
        report
            .drugs
            .iter()
            .filter(|d| d.drug == drug)
            .flat_map(|d| d.non_answers.iter().cloned())
            .collect()
    }

    #[test]
    fn outside_calls_with_no_result_say_whether_they_were_given() {
        let engine = Engine::bundled().expect("packs");
        let lines = outside::parse("CYP2D6\t*1/*44x\nCYP2C9\t./.\n").expect("parse");
        let resolved = engine.resolve_outside(&lines).expect("resolve");
        let drugs = ["codeine".to_string(), "celecoxib".to_string()];
        let report = build(&engine, &SampleCalls::empty("S"), &resolved, &drugs).expect("report");
        let typo = non_answers(&report, "codeine");
        assert_eq!(typo.len(), 2, "{typo:?}");
        for n in &typo {
            assert_eq!(n.reason, NonAnswerReason::NotUnderstood);
            assert_eq!(n.value.as_deref(), Some("*1/*44x"));
            assert_eq!(
                n.detail.as_deref(),
                Some("unknown allele `*44x` for CYP2D6; did you mean *44 or *4?")
            );
        }
        let no_call = non_answers(&report, "celecoxib");
        assert!(!no_call.is_empty());
        for n in &no_call {
            assert_eq!(n.reason, NonAnswerReason::NotGiven);
            assert_eq!(n.value, None);
            assert!(
                n.detail.as_deref().is_some_and(|d| d.contains("no-call")),
                "{n:?}"
            );
        }
        // Only the value not understood is a report-wide warning.
        assert_eq!(report.strict_warnings().len(), 1);
        assert!(report.warnings.contains(&report.strict_warnings()[0]));
    }

    #[test]
    fn a_value_that_cannot_be_interpreted_is_not_understood() {
        let mut g = outside_gene("CYP2C19");
        g.recommendation_input = Some("*1/*999".into());
        let gap = interpret_gene_by(&mut g, &|input| {
            Err(crate::Error::UnknownAllele {
                gene: input.gene.clone(),
                allele: "*999".into(),
                suggestions: Default::default(),
            })
        })
        .expect_err("no result");
        assert_eq!(gap.reason, NonAnswerReason::NotUnderstood);
        assert_eq!(gap.value.as_deref(), Some("*1/*999"));
        assert_eq!(
            gap.detail.as_deref(),
            Some("unknown allele `*999` for CYP2C19")
        );
        assert!(g.recommendation_input.is_none());
    }
}
