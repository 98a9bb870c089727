//! Replays the test methods of PharmCAT's Java tests as the corpus records
//! them (`expectations/pharmcat_java_test_cases.jsonl`) through the whole
//! `dosera report` path: a VCF written from the builder operations (or the
//! test's own file), outside calls, calls, report.
//!
//! The tests that check assertions against these reports (call assertions,
//! matched recommendations) share this one replay: which pipeline run an
//! assertion belongs to, the call options a method runs with, and the
//! report of each run.
//!
//! A method that runs the pipeline several times asserts on each run in
//! turn: a run's assertions start with `testCalledByMatcher` /
//! `testNotCalledByMatcher`, so one of those after any other assertion
//! starts the next run. The corpus lists the builder operations of all runs
//! as one list; they split where a variation sets a position the current run
//! has already set (a `phased` flag just before it going with the new run).
//! When the two counts agree, each assertion is checked against its own
//! run; otherwise all operations make one run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dosera::allele::{CallOptions, Sex};
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::Report;
use dosera::Engine;
use serde_json::Value;

use crate::builder::{build_vcf, parse_ops, Op};

/// The Java test corpus: its methods, the folder of test resources, and the
/// call options the named-allele-matcher expectations give per method.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// `conformance/pharmcat-unit-tests`: resources the methods read.
    pub unit: PathBuf,
    /// Method name → matcher flags (`combinations,topCandidateOnly`).
    pub flags: BTreeMap<String, String>,
    /// One JSON object per test method.
    pub rows: Vec<Value>,
}

impl Corpus {
    /// Reads the corpus under `shared/conformance`.
    ///
    /// ```
    /// if let Some(shared) = dosera_conformance::shared_dir() {
    ///     let corpus = dosera_conformance::java_cases::Corpus::load(&shared);
    ///     assert!(corpus.rows.len() > 200);
    /// }
    /// ```
    pub fn load(shared: &Path) -> Corpus {
        let conformance = shared.join("conformance");
        let read = |p: PathBuf| {
            std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        let mut flags = BTreeMap::new();
        let tsv = read(conformance.join("expectations/named_allele_matcher_expected_calls.tsv"));
        for line in tsv.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if let Some(o) = f.get(5).filter(|o| !o.is_empty()) {
                flags.insert(f[1].to_string(), o.to_string());
            }
        }
        let rows = read(conformance.join("expectations/pharmcat_java_test_cases.jsonl"))
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("corpus line: {e}")))
            .collect();
        Corpus {
            unit: conformance.join("pharmcat-unit-tests"),
            flags,
            rows,
        }
    }
}

/// One test method being replayed: its pipeline runs and their reports,
/// made when first asked for.
#[derive(Debug)]
pub struct Method<'a> {
    corpus: &'a Corpus,
    row: &'a Value,
    /// The test class.
    pub class: &'a str,
    /// The method name.
    pub method: &'a str,
    ops: Vec<Op>,
    skipped: Vec<String>,
    /// Operations of each pipeline run.
    runs: Vec<Vec<Op>>,
    /// Run of each assertion, by assertion index.
    assertion_run: Vec<usize>,
    /// Builder operations written inside an assertion, by assertion index.
    own_ops: Vec<Option<Vec<Op>>>,
    /// True when assertions are checked against their own run.
    split: bool,
    reports: BTreeMap<usize, Result<Report, String>>,
    own_reports: BTreeMap<usize, Result<Report, String>>,
}

impl<'a> Method<'a> {
    /// Plans the replay of one corpus row.
    ///
    /// ```
    /// use dosera_conformance::java_cases::{Corpus, Method};
    /// let corpus = Corpus { unit: ".".into(), flags: Default::default(), rows: vec![] };
    /// let row = serde_json::json!({
    ///     "class": "PipelineTest", "method": "twoRuns",
    ///     "builder": [["variation", "DPYD", "rs1", "A", "T"], ["variation", "DPYD", "rs1", "T", "T"]],
    ///     "assertions": [["testCalledByMatcher", "DPYD"], ["testPrintCpicCalls", "DPYD", "x"],
    ///                    ["testCalledByMatcher", "DPYD"], ["testPrintCpicCalls", "DPYD", "y"]],
    /// });
    /// let m = Method::new(&corpus, &row);
    /// assert_eq!(m.run_count(), 2);
    /// assert_eq!(m.run_of(Some(3)), 1);
    /// ```
    pub fn new(corpus: &'a Corpus, row: &'a Value) -> Method<'a> {
        let (ops, skipped) = parse_ops(&row["builder"]);
        let assertion_run = assertion_runs(row);
        let own_ops = row["assertions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                a.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get("expr").and_then(Value::as_str))
                    .find_map(builder_chain)
            })
            .collect();
        let runs = op_runs(&ops);
        let counted = assertion_run.iter().max().map_or(0, |m| m + 1);
        let split = runs.len() > 1 && (counted == runs.len() || counted == 0);
        Method {
            corpus,
            row,
            class: row["class"].as_str().unwrap_or_default(),
            method: row["method"].as_str().unwrap_or_default(),
            ops,
            skipped,
            runs,
            assertion_run,
            own_ops,
            split,
            reports: BTreeMap::new(),
            own_reports: BTreeMap::new(),
        }
    }

    /// The corpus row.
    ///
    /// ```
    /// # use dosera_conformance::java_cases::{Corpus, Method};
    /// # let corpus = Corpus { unit: ".".into(), flags: Default::default(), rows: vec![] };
    /// let row = serde_json::json!({"class": "C", "method": "m"});
    /// assert_eq!(Method::new(&corpus, &row).row()["method"], "m");
    /// ```
    pub fn row(&self) -> &'a Value {
        self.row
    }

    /// All builder operations of the method.
    ///
    /// ```
    /// # use dosera_conformance::java_cases::{Corpus, Method};
    /// # let corpus = Corpus { unit: ".".into(), flags: Default::default(), rows: vec![] };
    /// let row = serde_json::json!({"builder": [["reference", "CYP2C9"]]});
    /// assert_eq!(Method::new(&corpus, &row).ops().len(), 1);
    /// ```
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Number of pipeline runs the replay makes (1 unless the method's
    /// runs could be told apart).
    ///
    /// ```
    /// # use dosera_conformance::java_cases::{Corpus, Method};
    /// # let corpus = Corpus { unit: ".".into(), flags: Default::default(), rows: vec![] };
    /// let row = serde_json::json!({"builder": [["reference", "CYP2C9"]]});
    /// assert_eq!(Method::new(&corpus, &row).run_count(), 1);
    /// ```
    pub fn run_count(&self) -> usize {
        if self.split {
            self.runs.len()
        } else {
            1
        }
    }

    /// The run an assertion (by index; `None` for expected values kept in
    /// variables, which hold what the last run was checked against) is
    /// checked against.
    ///
    /// ```
    /// # use dosera_conformance::java_cases::{Corpus, Method};
    /// # let corpus = Corpus { unit: ".".into(), flags: Default::default(), rows: vec![] };
    /// let row = serde_json::json!({"assertions": [["testCalledByMatcher", "CYP2C9"]]});
    /// assert_eq!(Method::new(&corpus, &row).run_of(Some(0)), 0);
    /// ```
    pub fn run_of(&self, assertion: Option<usize>) -> usize {
        if !self.split {
            return 0;
        }
        assertion
            .and_then(|i| self.assertion_run.get(i).copied())
            .unwrap_or(self.runs.len() - 1)
    }

    /// The report an assertion is checked against, or why there is none:
    /// the run of its own builder chain when it writes one, else the run it
    /// belongs to ([`Method::run_of`]).
    ///
    /// ```no_run
    /// # use dosera_conformance::java_cases::{Corpus, Method};
    /// let shared = dosera_conformance::shared_dir().unwrap();
    /// let corpus = Corpus::load(&shared);
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let mut m = Method::new(&corpus, &corpus.rows[0]);
    /// let _ = m.report(&engine, Some(0));
    /// ```
    pub fn report(&mut self, engine: &Engine, assertion: Option<usize>) -> &Result<Report, String> {
        let own = assertion.and_then(|i| self.own_ops.get(i).cloned().flatten().map(|o| (i, o)));
        if let Some((i, own)) = own {
            let opts = options(self.class, self.method, &self.corpus.flags, &own);
            let (corpus, row, skipped) = (self.corpus, self.row, &self.skipped);
            return self
                .own_reports
                .entry(i)
                .or_insert_with(|| run(engine, &corpus.unit, row, &own, skipped, &opts));
        }
        let r = self.run_of(assertion);
        let ops = if self.split { &self.runs[r] } else { &self.ops };
        let opts = options(self.class, self.method, &self.corpus.flags, ops);
        let (corpus, row, skipped) = (self.corpus, self.row, &self.skipped);
        self.reports
            .entry(r)
            .or_insert_with(|| run(engine, &corpus.unit, row, ops, skipped, &opts))
    }
}

/// The pipeline run each assertion of a method belongs to, by assertion
/// index: a `testCalledByMatcher` / `testNotCalledByMatcher` after any other
/// assertion starts the next run.
///
/// ```
/// let row = serde_json::json!({"assertions": [
///     ["testCalledByMatcher", "G"], ["testPrintCpicCalls", "G", "x"],
///     ["testCalledByMatcher", "G"], ["testNotCalledByMatcher", "H"], ["testPrintCpicCalls", "G", "y"],
/// ]});
/// assert_eq!(dosera_conformance::java_cases::assertion_runs(&row), [0, 0, 1, 1, 1]);
/// ```
pub fn assertion_runs(row: &Value) -> Vec<usize> {
    let mut run = 0usize;
    let mut previous_was_called = true;
    let mut runs = Vec::new();
    for a in row["assertions"].as_array().into_iter().flatten() {
        let kind = a.get(0).and_then(Value::as_str).unwrap_or_default();
        let called = matches!(kind, "testCalledByMatcher" | "testNotCalledByMatcher");
        if called && !previous_was_called {
            run += 1;
        }
        previous_was_called = called;
        runs.push(run);
    }
    runs
}

/// Builder operations written as a Java chain inside an assertion:
/// `new TestVcfBuilder(…) .phased() .variation("G", "rs1", "A", "G") …`.
///
/// ```
/// use dosera_conformance::builder::Op;
/// let ops = dosera_conformance::java_cases::builder_chain(
///     "new TestVcfBuilder(testInfo) .phased() .variation(\"CYP2C9\", \"rs1\", \"A\", \"G\") .generate()",
/// )
/// .unwrap();
/// assert_eq!(ops[0], Op::Phased);
/// assert!(dosera_conformance::java_cases::builder_chain("expectedCalls").is_none());
/// ```
pub fn builder_chain(expr: &str) -> Option<Vec<Op>> {
    let (_, chain) = expr.split_once("new TestVcfBuilder(")?;
    let mut json: Vec<Value> = Vec::new();
    for call in chain.split(" .").skip(1) {
        let (name, args) = call.split_once('(')?;
        let args = args.split(')').next().unwrap_or_default();
        let mut op = vec![Value::String(name.trim().to_string())];
        for a in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            op.push(Value::String(a.trim_matches('"').to_string()));
        }
        if name.trim() != "generate" {
            json.push(Value::Array(op));
        }
    }
    let (ops, skipped) = parse_ops(&Value::Array(json));
    skipped.is_empty().then_some(ops)
}

/// The operations of each pipeline run of a method: a new run starts when a
/// variation sets a position the current run has already set; a `phased`
/// flag just before it belongs to the new run.
///
/// ```
/// use dosera_conformance::builder::Op;
/// let v = |gt: &str| Op::Variation("DPYD".into(), "rs1".into(), gt.into(), gt.into());
/// let runs = dosera_conformance::java_cases::op_runs(&[Op::Phased, v("A"), Op::Phased, v("T")]);
/// assert_eq!(runs, vec![vec![Op::Phased, v("A")], vec![Op::Phased, v("T")]]);
/// ```
pub fn op_runs(ops: &[Op]) -> Vec<Vec<Op>> {
    let mut runs: Vec<Vec<Op>> = vec![Vec::new()];
    let mut set: BTreeSet<(String, String)> = BTreeSet::new();
    for op in ops {
        if let Op::Variation(g, rs, ..) | Op::PhaseSetVariation(g, rs, ..) = op {
            if !set.insert((g.clone(), rs.clone())) {
                // A `phased` flag written just before the repeated position
                // opens the new run (`new TestVcfBuilder(…).phased()…`).
                let mut carried = Vec::new();
                if let Some(last) = runs.last_mut() {
                    while last.last() == Some(&Op::Phased) {
                        carried.push(Op::Phased);
                        last.pop();
                    }
                }
                runs.push(carried);
                set.clear();
                set.insert((g.clone(), rs.clone()));
            }
        }
        if let Some(last) = runs.last_mut() {
            last.push(op.clone());
        }
    }
    runs
}

/// Call options for a method: the matcher corpus's flags where it has the
/// method, else what the method name says.
///
/// ```
/// use std::collections::BTreeMap;
/// use dosera_conformance::java_cases::options;
/// let none = BTreeMap::new();
/// assert!(options("PipelineTest", "testCyp2c19", &none, &[]).top_candidate_only);
/// assert!(!options("PipelineTest", "testCyp2b6AllMatch", &none, &[]).top_candidate_only);
/// ```
pub fn options(
    class: &str,
    method: &str,
    flags: &BTreeMap<String, String>,
    ops: &[Op],
) -> CallOptions {
    let mut opts = CallOptions::default();
    // PharmCAT's pipeline keeps the top-scoring diplotypes unless asked for
    // all matches (as `dosera report` does); its matcher tests say per case.
    if !class.starts_with("NamedAlleleMatcher") && !method.contains("AllMatch") {
        opts.top_candidate_only = true;
    }
    let bools: Vec<bool> = flags
        .get(method)
        .map(|o| {
            o.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s == "true")
                .collect()
        })
        .unwrap_or_default();
    match bools.as_slice() {
        [top] => opts.top_candidate_only = *top,
        [comb, top, ..] => {
            opts.combinations = *comb;
            opts.top_candidate_only = *top;
        }
        _ => {}
    }
    if method.ends_with("TopCandidateOnly") || method == "s1s17s1s4bMissingMoreCalls" {
        opts.top_candidate_only = true;
    }
    if method.ends_with("AndCombo") {
        opts.combinations = true;
    }
    // A test that writes CYP2D6 positions runs PharmCAT's CYP2D6 matcher
    // mode, which dosera offers as an opt-in.
    if ops
        .iter()
        .any(|o| matches!(o, Op::Reference(g) | Op::Variation(g, ..) if g == "CYP2D6"))
    {
        opts.cyp2d6 = true;
    }
    if ops.contains(&Op::Male(true)) {
        opts.sex = Some(Sex::Male);
    } else if ops.contains(&Op::Male(false)) {
        opts.sex = Some(Sex::Female);
    }
    opts
}

/// The report of one pipeline run, or why it cannot be made: the method's
/// VCF resource or a VCF written from `ops`, its outside-call resources and
/// lines, called with `opts`.
///
/// ```
/// use dosera_conformance::builder::Op;
/// let engine = dosera::Engine::bundled().unwrap();
/// let row = serde_json::json!({"outside_calls": ["HLA-B\t\t*57:01 positive"]});
/// let ops = [Op::Reference("CYP2C9".into())];
/// let opts = dosera::allele::CallOptions::default();
/// let report = dosera_conformance::java_cases::run(&engine, ".".as_ref(), &row, &ops, &[], &opts).unwrap();
/// assert!(report.gene("CYP2C9").is_some());
/// assert!(report.gene("HLA-B").is_some());
/// ```
pub fn run(
    engine: &Engine,
    unit: &Path,
    row: &Value,
    ops: &[Op],
    skipped: &[String],
    opts: &CallOptions,
) -> Result<Report, String> {
    if !skipped.is_empty() {
        return Err(format!("builder operation(s) not replayed: {skipped:?}"));
    }
    let mut set: BTreeSet<(String, String)> = BTreeSet::new();
    for op in ops {
        if let Op::Variation(g, rs, ..) | Op::PhaseSetVariation(g, rs, ..) = op {
            if !set.insert((g.clone(), rs.clone())) {
                return Err(format!(
                    "several VCFs in one test: the corpus lists their operations as one ({g} {rs} set twice)"
                ));
            }
        }
    }
    let mut vcf: Option<Vec<u8>> = None;
    let mut outside_text = String::new();
    for r in row["vcf_resources"].as_array().into_iter().flatten() {
        let r = r.as_str().unwrap_or_default();
        let rel = r.trim_start_matches("org/pharmgkb/pharmcat/");
        if rel.ends_with(".json") {
            return Err(format!("uses a test-only allele definition file ({rel})"));
        }
        let path = unit.join(rel);
        if !path.exists() {
            return Err(format!("resource not in the corpus ({rel})"));
        }
        if rel.ends_with(".tsv") {
            if rel.contains("haplotype/") {
                return Err(format!("table-driven test ({rel})"));
            }
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
            outside_text.push_str(&text);
            outside_text.push('\n');
        } else {
            vcf = Some(std::fs::read(&path).map_err(|e| format!("{rel}: {e}"))?);
        }
    }
    for line in row["outside_calls"].as_array().into_iter().flatten() {
        let text = line.as_str().unwrap_or_default().replace("\\t", "\t");
        for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            outside_text.push_str(l);
            outside_text.push('\n');
        }
    }
    let vcf = match vcf {
        Some(v) => v,
        None => build_vcf(engine, ops, "S")?.into_bytes(),
    };
    let mut reader = VcfReader::from_bytes(vcf).map_err(|e| format!("VCF: {e}"))?;
    let calls = engine
        .call_vcf(&mut reader, opts)
        .map_err(|e| format!("call: {e}"))?;
    let sample = calls.first().ok_or("no sample")?;
    let resolved = if outside_text.trim().is_empty() {
        Vec::new()
    } else {
        let parsed = outside::parse(&outside_text).map_err(|e| format!("outside calls: {e}"))?;
        engine
            .resolve_outside(&parsed)
            .map_err(|e| format!("outside calls: {e}"))?
    };
    dosera::report::build(engine, sample, &resolved, &[]).map_err(|e| format!("report: {e}"))
}
