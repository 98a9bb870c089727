//! Reanalysis: a stored report's gene results read again with the loaded
//! knowledge packs, and what that changes for the patient.
//!
//! The genotypes do not change, the knowledge does. From a stored report
//! (any readable schema version) the VCF calls are taken as they were
//! made and the outside-call lines as they were given; the outside calls
//! are checked again against the loaded packs, and phenotypes and
//! recommendations are derived anew ([`rebuild`]). [`reanalyze`] then
//! lists what changed ([`super::changes::compare`]). Nothing is called
//! again from a VCF: a newer allele definition needs the VCF itself.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

pub use super::changes::{Reanalysis, CHANGE_COLUMNS};

use super::changes::compare;
use super::rederive::Local;
use super::stored::StoredReport;
use super::{build, drug_list, Report};
use crate::allele::SampleCalls;
use crate::input::outside::OutsideCall;
use crate::{Engine, Error, Result};

/// Reads a stored report again with `engine`'s packs and lists what
/// changed. `drugs` names the drugs looked at (the stored report's other
/// drugs are then left out of the changes, not listed as removed); empty: the drugs the
/// stored report lists and, when it lists at least half of the drugs the
/// loaded packs cover for its genes (a report written for every drug),
/// every one of those too, so a new guideline shows as added. A report
/// written for a few drugs is reanalysed for those drugs only.
///
/// Errors: a stored outside call the loaded packs cannot read at all (an
/// unknown gene), or a drug named in `drugs` that no pack knows.
///
/// ```
/// use dosera::report::{changes::ChangeKind, reanalyze::reanalyze, stored::StoredReport};
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
/// let resolved = engine.resolve_outside(&calls).unwrap();
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap();
/// // As if the stored report had been written with an older release that
/// // advised standard dosing.
/// let mut stored = StoredReport::of(&report);
/// stored.packs_release = "2025.1.1".into();
/// for m in &mut stored.drugs[0].matches {
///     m.action = dosera::pack::Action::StandardDosing;
/// }
/// let r = reanalyze(&engine, &stored, &["clopidogrel".into()]).unwrap();
/// assert_eq!(r.old_release, "2025.1.1");
/// assert!(r.advice_changed());
/// let action = r.changes.iter().find(|c| c.kind == ChangeKind::Action).unwrap();
/// assert_eq!(action.before, "standard dosing");
/// ```
pub fn reanalyze(engine: &Engine, stored: &StoredReport, drugs: &[String]) -> Result<Reanalysis> {
    let report = rebuild(engine, stored, drugs)?;
    Ok(Reanalysis {
        sample: stored.sample().to_string(),
        old_schema_version: stored.schema_version,
        old_engine_version: stored.engine_version.clone(),
        old_release: stored.packs_release.clone(),
        new_release: report.packs_release.clone(),
        changes: super::rederive::only_asked(engine, drugs, compare(stored, &report)),
        report: Some(report),
    })
}

/// The current report of a stored report's gene results under `engine`'s
/// packs (see [`reanalyze`] for `drugs`).
///
/// The stored VCF calls are used as made (with their evidence, missing
/// positions and sex); outside-call lines are resolved again. The
/// report's warnings keep the stored input warnings (those that name no
/// drug of either report) and gain the new recommendation warnings.
///
/// ```
/// use dosera::report::{reanalyze::rebuild, stored::StoredReport};
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = dosera::input::outside::parse("CYP2D6\t*1/*4\n").unwrap();
/// let resolved = engine.resolve_outside(&calls).unwrap();
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &["codeine".into()]).unwrap();
/// let again = rebuild(&engine, &StoredReport::of(&report), &["codeine".into()]).unwrap();
/// assert_eq!(again, report);
/// ```
pub fn rebuild(engine: &Engine, stored: &StoredReport, drugs: &[String]) -> Result<Report> {
    let mut outside: Vec<OutsideCall> = stored
        .genes
        .iter()
        .flat_map(|g| g.outside.iter().map(|o| o.call.clone()))
        .collect();
    outside.sort_by_key(|c| c.line);
    let resolved = engine.resolve_outside(&outside)?;
    let drugs: Vec<String> = if drugs.is_empty() {
        let reported: Vec<String> = stored
            .drugs
            .iter()
            .filter_map(|d| engine.drug_name(&d.drug).ok())
            .collect();
        super::rederive::choose_drugs(drug_list(engine, &stored.genes, &[]), reported)
    } else {
        drugs.to_vec()
    };
    let named: Vec<&str> = stored
        .drugs
        .iter()
        .map(|d| d.drug.as_str())
        .chain(drugs.iter().map(String::as_str))
        .collect();
    let coverage_message = stored
        .input
        .coverage
        .as_ref()
        .map(crate::input::coverage::CoverageFinding::message);
    let carried: Vec<String> = stored
        .warnings
        .iter()
        .filter(|w| Some(*w) != coverage_message.as_ref())
        .filter(|w| !named.iter().any(|d| w.contains(d)))
        .cloned()
        .collect();
    let calls = SampleCalls {
        sample: stored.input.sample.clone(),
        sex: stored.input.sex,
        sex_source: stored.input.sex_source,
        genes: stored.genes.iter().filter_map(|g| g.call.clone()).collect(),
        warnings: carried,
        coverage: stored.input.coverage.clone(),
    };
    let mut report = build(engine, &calls, &resolved, &drugs)?;
    report.input.file = stored.input.file.clone();
    report.input.build = stored.input.build.clone();
    report.input.assume_reference = stored.input.assume_reference;
    Ok(report)
}

/// The stored reports named by `inputs`: each file as given, and every
/// `.json` file under each folder (recursively), in path order. A path
/// that does not exist is an error ([`Error::Io`]).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("dosera-doc-paths-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("b")).unwrap();
/// std::fs::write(dir.join("b/2.json"), "{}").unwrap();
/// std::fs::write(dir.join("1.json"), "{}").unwrap();
/// std::fs::write(dir.join("notes.txt"), "").unwrap();
/// let found = dosera::report::reanalyze::report_paths(&[dir.clone()]).unwrap();
/// assert_eq!(found, [dir.join("1.json"), dir.join("b/2.json")]);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn report_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let io = |source| Error::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()
            .map_err(io)?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => walk(input, &mut out)?,
            Ok(_) => out.push(input.clone()),
            Err(source) => {
                return Err(Error::Io {
                    path: input.display().to_string(),
                    source,
                })
            }
        }
    }
    Ok(out)
}

/// Reanalyses the stored reports in `paths` on `threads` threads (0: every
/// core), calling `tick` after each. Each result keeps only the changes
/// (no [`Reanalysis::report`]), the same as [`reanalyze`] lists; gene and
/// guideline results shared by several reports are derived once. A report that cannot be read or
/// reanalysed is an `Err` in its place and the others go on. Results are
/// in the order of `paths`.
///
/// ```
/// use dosera::report::reanalyze::reanalyze_files;
/// let engine = dosera::Engine::bundled().unwrap();
/// let dir = std::env::temp_dir().join(format!("dosera-doc-files-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
/// let resolved = engine.resolve_outside(&calls).unwrap();
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &[]).unwrap();
/// std::fs::write(dir.join("s1.json"), serde_json::to_string(&report).unwrap()).unwrap();
/// std::fs::write(dir.join("bad.json"), "{").unwrap();
/// let paths = [dir.join("s1.json"), dir.join("bad.json")];
/// let done = reanalyze_files(&engine, &paths, &[], 2, &|| {});
/// assert!(done[0].as_ref().unwrap().changes.is_empty());
/// assert_eq!(done[1].as_ref().unwrap_err().code(), dosera::ErrorCode::MalformedReport);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn reanalyze_files(
    engine: &Engine,
    paths: &[PathBuf],
    drugs: &[String],
    threads: usize,
    tick: &(dyn Fn() + Sync),
) -> Vec<Result<Reanalysis>> {
    let shared = super::rederive::Rederiver::new(engine, drugs);
    // Each thread reads into its own buffers, reused from report to report,
    // and keeps its own caches in front of the shared ones.
    let one = |path: &PathBuf, text: &mut Vec<u8>, local: &mut Local| -> Result<Reanalysis> {
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        text.clear();
        std::fs::File::open(path)
            .and_then(|mut f| {
                // One read for the whole file, mostly.
                let size = f.metadata().map_or(0, |m| m.len());
                text.reserve(usize::try_from(size).unwrap_or(0).saturating_add(1));
                std::io::Read::read_to_end(&mut f, text)
            })
            .map_err(io)?;
        if let Some(done) = shared.reanalyze(text, local)? {
            return Ok(done);
        }
        // Not of the shape the batch reading expects: the full reading,
        // which also words the error of a text that is no report.
        let text = std::str::from_utf8(text)
            .map_err(|e| Error::MalformedReport(format!("not UTF-8 text: {e}")))?;
        let mut done = reanalyze(engine, &StoredReport::from_json(text)?, drugs)?;
        done.report = None;
        Ok(done)
    };
    let threads = if threads == 0 {
        super::evaluate::threads()
    } else {
        threads
    }
    .clamp(1, paths.len().max(1));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Result<Reanalysis>)>> = Mutex::new(Vec::with_capacity(paths.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let (mut text, mut local) = (Vec::new(), Local::default());
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        one(path, &mut text, &mut local)
                    }))
                    .unwrap_or_else(|_| {
                        Err(Error::Internal(format!(
                            "reanalysing {} stopped on an internal error",
                            path.display()
                        )))
                    });
                    tick();
                    if let Ok(mut d) = done.lock() {
                        d.push((i, result));
                    }
                }
            });
        }
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Counts over a batch of reanalyses.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Counts {
    /// Reports given.
    pub reports: usize,
    /// Patients whose results or advice changed (listed).
    pub changed: usize,
    /// Patients whose advice is the same but whose guideline versions or
    /// row ids changed (counted, not listed).
    pub re_identified: usize,
    /// Patients with no change at all (counted, not listed).
    pub unchanged: usize,
    /// Reports that could not be read or reanalysed.
    pub failed: usize,
}

impl Counts {
    /// Counts the outcomes of [`reanalyze_files`].
    ///
    /// ```
    /// use dosera::report::reanalyze::Counts;
    /// let c = Counts::of(&[Err(dosera::Error::MalformedReport("x".into()))]);
    /// assert_eq!((c.reports, c.failed), (1, 1));
    /// ```
    pub fn of(results: &[Result<Reanalysis>]) -> Counts {
        let mut c = Counts {
            reports: results.len(),
            ..Counts::default()
        };
        for r in results {
            match r {
                Err(_) => c.failed += 1,
                Ok(r) if r.advice_changed() => c.changed += 1,
                Ok(r) if !r.changes.is_empty() => c.re_identified += 1,
                Ok(_) => c.unchanged += 1,
            }
        }
        c
    }
}

/// A batch reanalysis as one JSON document, as `dosera reanalyze --format
/// json` writes it: the counts, each patient whose results or advice
/// changed with the report file it came from, and each report that could
/// not be read. Patients with no change, or only new guideline versions or
/// row ids, are counted, not listed. Its JSON Schema is [`batch_schema`]
/// (`core/schema/reanalysis.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Batch {
    /// Knowledge-pack release used now.
    pub new_release: String,
    /// Counts over every report given.
    pub counts: Counts,
    /// The patients whose results or advice changed, in the order given.
    pub patients: Vec<ChangedPatient>,
    /// The reports that could not be read or reanalysed, in the order
    /// given.
    pub failed: Vec<FailedReport>,
}

/// A patient whose results or advice changed, in a [`Batch`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangedPatient {
    /// The stored report's file, as given.
    pub file: String,
    /// The sample.
    pub sample: String,
    /// Schema version of the stored report.
    pub old_schema_version: u32,
    /// dosera version that wrote the stored report.
    pub old_engine_version: String,
    /// Knowledge-pack release of the stored report.
    pub old_release: String,
    /// What changed, genes first.
    pub changes: Vec<super::changes::Change>,
}

/// A stored report that could not be read or reanalysed, in a [`Batch`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FailedReport {
    /// The file, as given.
    pub file: String,
    /// The error code ([`crate::ErrorCode`]).
    pub code: u32,
    /// What went wrong.
    pub error: String,
}

impl Batch {
    /// The batch of `results` (of [`reanalyze_files`]) for `files` (the
    /// same order), reanalysed with pack release `release`.
    ///
    /// ```
    /// use dosera::report::reanalyze::Batch;
    /// let failed = vec![Err(dosera::Error::MalformedReport("not JSON".into()))];
    /// let batch = Batch::of("2026.12.2", &["a.json".to_string()], &failed);
    /// assert_eq!((batch.counts.reports, batch.counts.failed), (1, 1));
    /// assert_eq!(batch.failed[0].file, "a.json");
    /// assert!(batch.patients.is_empty());
    /// ```
    pub fn of(release: &str, files: &[String], results: &[Result<Reanalysis>]) -> Batch {
        let mut patients = Vec::new();
        let mut failed = Vec::new();
        for (file, r) in files.iter().zip(results) {
            match r {
                Ok(r) if r.advice_changed() => patients.push(ChangedPatient {
                    file: file.clone(),
                    sample: r.sample.clone(),
                    old_schema_version: r.old_schema_version,
                    old_engine_version: r.old_engine_version.clone(),
                    old_release: r.old_release.clone(),
                    changes: r.changes.clone(),
                }),
                Ok(_) => {}
                Err(e) => failed.push(FailedReport {
                    file: file.clone(),
                    code: e.code() as u32,
                    error: e.to_string(),
                }),
            }
        }
        Batch {
            new_release: release.to_string(),
            counts: Counts::of(results),
            patients,
            failed,
        }
    }
}

/// The JSON Schema of a [`Batch`], as committed in
/// `core/schema/reanalysis.schema.json`.
///
/// ```
/// let schema = dosera::report::reanalyze::batch_schema();
/// assert_eq!(schema["title"], "Batch");
/// ```
pub fn batch_schema() -> serde_json::Value {
    super::schema_of::<Batch>("reanalysis.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kept report fixture, pretty and compact, is read by the batch
    /// in one pass (not the full way), with the changes of the one-report
    /// path.
    #[test]
    fn the_batch_reads_every_fixture_in_one_pass() {
        let engine = Engine::bundled().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/reports");
        let shared = super::super::rederive::Rederiver::new(&engine, &[]);
        let mut local = super::super::rederive::Local::default();
        let mut read = 0;
        for version in ["v1", "v2", "v3"] {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(version))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let stored = StoredReport::from_json(&text).unwrap();
                let mut expected = reanalyze(&engine, &stored, &[]).unwrap();
                expected.report = None;
                let compact = serde_json::to_string(
                    &serde_json::from_str::<serde_json::Value>(&text).unwrap(),
                )
                .unwrap();
                for form in [text.as_str(), compact.as_str()] {
                    let got = shared.reanalyze(form.as_bytes(), &mut local).unwrap();
                    assert_eq!(got.as_ref(), Some(&expected), "{}", path.display());
                    read += 1;
                }
            }
        }
        assert_eq!(read, 44);
    }
}
