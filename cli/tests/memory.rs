//! Cohort memory stays flat: a 10,000-sample run of `dosera report --format
//! tsv` peaks under a stated bound, and adding records away from the
//! definition positions (a whole-genome-like file) does not move the peak;
//! one JSON report, HTML page or FHIR bundle per sample into a folder is
//! written as each is made, under the same bound.
//!
//! The peak is the process's own `VmHWM`, printed by the CLI when
//! `DOSERA_PEAK_RSS` is set; where `/proc` is absent the test says it
//! skipped.

use std::path::Path;
use std::process::Command;

/// Samples in the cohort.
const SAMPLES: usize = 10_000;

/// The stated bound: peak resident memory of a 10,000-sample cohort run,
/// in kB. The genotypes at the ~1,000 definition positions take about
/// 4 bytes per sample and position; the rest is the engine, the packs, the
/// per-gene call memo and the reports of the batches in flight.
const BOUND_KB: u64 = 512 * 1024;

/// Extra records (each with every sample's genotype) in the second file.
const FILLER: u64 = 2_000;

fn dosera() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
}

fn simulate(out: &Path, filler: u64) {
    simulate_n(out, SAMPLES, filler);
}

fn simulate_n(out: &Path, samples: usize, filler: u64) {
    let status = dosera()
        .args(["simulate", "--samples", &samples.to_string()])
        .args(["--filler", &filler.to_string(), "--out"])
        .arg(out)
        .status()
        .expect("run dosera simulate");
    assert!(
        status.success(),
        "dosera simulate failed for {}",
        out.display()
    );
}

/// Peak RSS (kB) of a cohort run over `vcf`, and the sample count it wrote.
fn peak_of(vcf: &Path, out: &Path) -> (u64, String) {
    peak_in(vcf, "tsv", out)
}

/// Peak RSS (kB) of `dosera report VCF --format FORMAT --out OUT`, and
/// its standard error.
fn peak_in(vcf: &Path, format: &str, out: &Path) -> (u64, String) {
    let output = dosera()
        .arg("report")
        .arg(vcf)
        .args(["--format", format, "--out"])
        .arg(out)
        .env("DOSERA_PEAK_RSS", "1")
        .output()
        .expect("run dosera report");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "dosera report failed: {stderr}");
    let kb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak RSS: "))
        .and_then(|v| v.strip_suffix(" kB"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS line in: {stderr}"));
    (kb, stderr)
}

#[test]
fn cohort_peak_memory_is_bounded_and_independent_of_record_count() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("skipped: /proc/self/status is absent, so peak memory cannot be read here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("dosera-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain = dir.join("cohort.vcf.gz");
    let padded = dir.join("cohort-filler.vcf.gz");
    simulate(&plain, 0);
    simulate(&padded, FILLER);

    let (small, log) = peak_of(&plain, &dir.join("out-plain"));
    assert!(log.contains(&format!("({SAMPLES} samples)")), "{log}");
    let (large, log) = peak_of(&padded, &dir.join("out-filler"));
    assert!(log.contains(&format!("({SAMPLES} samples)")), "{log}");

    // The same calls either way: the filler records are never stored.
    for table in ["genes.tsv", "drugs.tsv"] {
        let a = std::fs::read(dir.join("out-plain").join(table)).unwrap();
        let b = std::fs::read(dir.join("out-filler").join(table)).unwrap();
        assert!(a == b, "{table} differs once filler records are added");
    }
    eprintln!(
        "peak RSS for {SAMPLES} samples: {small} kB with the definition positions only, \
         {large} kB with {FILLER} more records (bound {BOUND_KB} kB)"
    );
    assert!(
        small <= BOUND_KB,
        "peak {small} kB is over the bound of {BOUND_KB} kB"
    );
    assert!(
        large <= BOUND_KB,
        "peak {large} kB is over the bound of {BOUND_KB} kB"
    );
    // Nearly three times the records: the peak moves by less than a tenth.
    let drift = small.abs_diff(large);
    assert!(
        drift * 10 <= small,
        "peak moved by {drift} kB ({small} -> {large} kB) with {FILLER} more records"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Samples of the JSON folder run: enough that holding every report (about
/// 1 MB each in memory, 0.3 MB as compact JSON) would pass the bound.
const JSON_SAMPLES: usize = 1_000;

#[test]
fn json_reports_into_a_folder_are_written_as_made() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("skipped: /proc/self/status is absent, so peak memory cannot be read here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("dosera-memory-json-{}", std::process::id()));
    let folder = dir.join("reports");
    std::fs::create_dir_all(&folder).unwrap();
    let vcf = dir.join("cohort.vcf.gz");
    simulate_n(&vcf, JSON_SAMPLES, 0);
    let (peak, _) = peak_in(&vcf, "json", &folder);
    let written = std::fs::read_dir(&folder).unwrap().count();
    assert_eq!(written, JSON_SAMPLES);
    eprintln!("peak RSS for {JSON_SAMPLES} JSON reports into a folder: {peak} kB");
    assert!(
        peak <= BOUND_KB,
        "peak {peak} kB is over the bound of {BOUND_KB} kB"
    );

    // Each file is the sample's report as the list of every report has it
    // (on a smaller cohort, as the list is held whole).
    let small = dir.join("small.vcf.gz");
    let status = dosera()
        .args(["simulate", "--samples", "40", "--seed", "3", "--out"])
        .arg(&small)
        .status()
        .unwrap();
    assert!(status.success());
    let each = dir.join("each");
    std::fs::create_dir_all(&each).unwrap();
    let list = dir.join("list.json");
    for out in [&each, &list] {
        let o = dosera()
            .arg("report")
            .arg(&small)
            .args(["--format", "json", "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&list).unwrap()).unwrap();
    assert_eq!(list.len(), 40);
    for report in &list {
        let sample = report["input"]["sample"].as_str().unwrap();
        let text = std::fs::read(each.join(format!("{sample}.json"))).unwrap();
        // Compact: one line.
        assert_eq!(text.iter().filter(|b| **b == b'\n').count(), 1, "{sample}");
        let file: serde_json::Value = serde_json::from_slice(&text).unwrap();
        assert!(file == *report, "{sample}: the folder's report differs");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// HTML pages and FHIR bundles into a folder are written as they are made
/// too: the peak stays under the bound (holding 1,000 reports until the
/// end would pass it), and each file is the page or bundle the command
/// writes for that sample alone.
#[test]
fn html_and_fhir_reports_into_a_folder_are_written_as_made() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("skipped: /proc/self/status is absent, so peak memory cannot be read here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("dosera-memory-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vcf = dir.join("cohort.vcf.gz");
    simulate_n(&vcf, JSON_SAMPLES, 0);
    let small = dir.join("small.vcf.gz");
    simulate_n(&small, 40, 0);
    for (format, ext) in [("html", "html"), ("fhir", "fhir.json")] {
        let folder = dir.join(format);
        std::fs::create_dir_all(&folder).unwrap();
        let (peak, _) = peak_in(&vcf, format, &folder);
        let written = std::fs::read_dir(&folder).unwrap().count();
        assert_eq!(written, JSON_SAMPLES, "{format}");
        eprintln!("peak RSS for {JSON_SAMPLES} {format} reports into a folder: {peak} kB");
        assert!(
            peak <= BOUND_KB,
            "{format}: peak {peak} kB is over the bound of {BOUND_KB} kB"
        );

        // The small cohort into a folder, in Swedish, against three of its
        // samples reported one at a time.
        let each = dir.join(format!("{format}-each"));
        std::fs::create_dir_all(&each).unwrap();
        let o = dosera()
            .arg("report")
            .arg(&small)
            .args(["--format", format, "--lang", "sv", "--out"])
            .arg(&each)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(std::fs::read_dir(&each).unwrap().count(), 40, "{format}");
        for sample in ["S0000001", "S0000020", "S0000040"] {
            let alone = dir.join(format!("{sample}-alone.{ext}"));
            let o = dosera()
                .arg("report")
                .arg(&small)
                .args([
                    "--sample", sample, "--format", format, "--lang", "sv", "--out",
                ])
                .arg(&alone)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let a = std::fs::read(&alone).unwrap();
            let b = std::fs::read(each.join(format!("{sample}.{ext}"))).unwrap();
            assert!(a == b, "{format} {sample}: the folder's file differs");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
