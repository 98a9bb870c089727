//! Reading a bgzipped VCF through a tabix or CSI index: the calls must be
//! those of a full scan, while only the pharmacogene regions are read.
//!
//! The files are synthetic whole-genome-like single-sample VCFs
//! (`dosera::simulate` with filler records spread over chromosomes 1–22),
//! indexed with dosera's own indexer (`write_index`). Each test compares
//! the indexed read with a full scan of the same file (the reader told to
//! ignore the index), so what is checked is equality, not a truth table.
//! Damaged, stale and mismatched indexes must give a warning and a full
//! scan; a warning or error at a record in a region must read exactly as in
//! a full scan (with the line number).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use dosera::allele::{CallOptions, SampleCalls};
use dosera::input::vcf::{write_index, IndexKind, Region, VcfReader};
use dosera::input::Site;
use dosera::simulate::{simulate, SimulateOptions};
use dosera::{Engine, Error};

/// Filler records of the whole-genome-like files.
const FILLER: u64 = 200_000;

/// A fresh folder under the system temp dir for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-indexed-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The text of a one-sample synthetic VCF with `filler` extra records.
fn simulated_text(engine: &Engine, seed: u64, filler: u64) -> String {
    let options = SimulateOptions {
        samples: 1,
        seed,
        filler,
        ..SimulateOptions::default()
    };
    let mut vcf = Vec::new();
    simulate(engine, &options, &mut vcf, &mut std::io::sink()).unwrap();
    String::from_utf8(vcf).unwrap()
}

/// Writes `text` bgzip-compressed to `path`.
fn write_bgzf(path: &Path, text: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut writer = noodles_bgzf::io::Writer::new(std::io::BufWriter::new(file));
    writer.write_all(text.as_bytes()).unwrap();
    writer.finish().unwrap().flush().unwrap();
}

/// A simulated whole-genome-like file at `dir/name`, without index.
fn simulated_file(engine: &Engine, dir: &Path, name: &str, seed: u64) -> PathBuf {
    let path = dir.join(name);
    write_bgzf(&path, &simulated_text(engine, seed, FILLER));
    path
}

/// What one read of a file gave.
struct Read {
    calls: Vec<SampleCalls>,
    indexed: Option<IndexKind>,
    scanned: u64,
}

fn call(engine: &Engine, path: &Path, use_index: bool, options: &CallOptions) -> Read {
    let mut reader = VcfReader::from_path(path).unwrap();
    if !use_index {
        reader.ignore_index();
    }
    let calls = engine.call_vcf(&mut reader, options).unwrap();
    Read {
        calls,
        indexed: reader.indexed(),
        scanned: reader.records_scanned(),
    }
}

/// Indexed and full-scan calls are equal, gene by gene and as a whole.
fn assert_same_calls(indexed: &[SampleCalls], full: &[SampleCalls]) {
    assert_eq!(indexed.len(), full.len());
    for (a, b) in indexed.iter().zip(full) {
        assert_eq!(a.genes.len(), b.genes.len());
        for (x, y) in a.genes.iter().zip(&b.genes) {
            assert_eq!(x, y, "gene {}", y.gene);
        }
        assert_eq!(a, b);
    }
}

/// Every site `wanted` accepts, read through the reader.
fn sites(reader: &mut VcfReader, wanted: &dyn Fn(&str, u64) -> bool) -> dosera::Result<Vec<Site>> {
    let mut out = Vec::new();
    while let Some(site) = reader.next_site(wanted)? {
        out.push(site);
    }
    Ok(out)
}

/// Sites with the record number cleared (unknown through an index).
fn unnumbered(mut sites: Vec<Site>) -> Vec<Site> {
    for site in &mut sites {
        site.record = 0;
    }
    sites
}

fn set_modified(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn indexed_calls_equal_full_scan_calls_for_every_gene() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("equal");
    let vcf = simulated_file(&engine, &dir, "wgs.vcf.gz", 11);
    let summary = write_index(&vcf, IndexKind::Tabix).unwrap();
    assert_eq!(summary.path, dir.join("wgs.vcf.gz.tbi"));
    assert!(summary.records > FILLER / 2, "{summary:?}");

    for options in [
        CallOptions::default(),
        CallOptions {
            cyp2d6: true,
            top_candidate_only: true,
            ..CallOptions::default()
        },
    ] {
        let full = call(&engine, &vcf, false, &options);
        let indexed = call(&engine, &vcf, true, &options);
        assert_eq!(full.indexed, None);
        assert_eq!(indexed.indexed, Some(IndexKind::Tabix));
        assert!(!full.calls[0].genes.is_empty());
        assert_same_calls(&indexed.calls, &full.calls);
    }

    // The sites themselves, in the same order, are those of a full scan.
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    let through_index = engine.read_sites(&mut reader).unwrap();
    assert_eq!(reader.indexed(), Some(IndexKind::Tabix));
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    reader.ignore_index();
    let scanned = engine.read_sites(&mut reader).unwrap();
    assert!(!scanned.sites.is_empty());
    assert!(through_index.sites.iter().all(|s| s.record == 0));
    assert_eq!(through_index.sites, unnumbered(scanned.sites));
    assert_eq!(through_index.warnings, scanned.warnings);

    // The same through a CSI index.
    std::fs::remove_file(&summary.path).unwrap();
    let csi = write_index(&vcf, IndexKind::Csi).unwrap();
    assert_eq!(csi.path, dir.join("wgs.vcf.gz.csi"));
    let options = CallOptions::default();
    let indexed = call(&engine, &vcf, true, &options);
    assert_eq!(indexed.indexed, Some(IndexKind::Csi));
    assert_same_calls(&indexed.calls, &call(&engine, &vcf, false, &options).calls);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn indexed_read_looks_at_far_fewer_records() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("fewer");
    let vcf = simulated_file(&engine, &dir, "wgs.vcf.gz", 12);
    write_index(&vcf, IndexKind::Tabix).unwrap();
    let options = CallOptions::default();
    let full = call(&engine, &vcf, false, &options);
    let indexed = call(&engine, &vcf, true, &options);
    assert_eq!(indexed.indexed, Some(IndexKind::Tabix));
    assert!(full.scanned > FILLER, "{}", full.scanned);
    // The regions hold the definition positions and the filler between
    // them; a full scan reads every record.
    assert!(
        indexed.scanned * 20 < full.scanned,
        "indexed {} of {} records",
        indexed.scanned,
        full.scanned
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stale_index_is_not_used_and_says_so() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("stale");
    let vcf = simulated_file(&engine, &dir, "wgs.vcf.gz", 13);
    let tbi = write_index(&vcf, IndexKind::Tabix).unwrap().path;
    // The VCF changed after the index was made.
    set_modified(&vcf, SystemTime::now() + Duration::from_secs(60));
    let options = CallOptions::default();
    let read = call(&engine, &vcf, true, &options);
    assert_eq!(read.indexed, None);
    let warnings = &read.calls[0].warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("older than the VCF") && w.contains(&*tbi.to_string_lossy())),
        "{warnings:?}"
    );
    let full = call(&engine, &vcf, false, &options);
    assert_eq!(read.scanned, full.scanned);
    assert_eq!(read.calls[0].genes, full.calls[0].genes);
    // Ignoring the index also silences the warning.
    assert!(
        full.calls[0].warnings.is_empty(),
        "{:?}",
        full.calls[0].warnings
    );

    // A fresh index beside the stale one is used.
    let csi = write_index(&vcf, IndexKind::Csi).unwrap().path;
    set_modified(&csi, SystemTime::now() + Duration::from_secs(120));
    let read = call(&engine, &vcf, true, &options);
    assert_eq!(read.indexed, Some(IndexKind::Csi));
    assert_same_calls(&read.calls, &full.calls);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn damaged_index_gives_a_warning_and_a_full_scan() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("damaged");
    let vcf = simulated_file(&engine, &dir, "wgs.vcf.gz", 14);
    let options = CallOptions::default();
    let full = call(&engine, &vcf, false, &options);
    let good = {
        let path = write_index(&vcf, IndexKind::Tabix).unwrap().path;
        std::fs::read(&path).unwrap()
    };
    let mut noise = Vec::new();
    let mut seed = 7u64;
    for _ in 0..4096 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        noise.push((seed >> 33) as u8);
    }
    // An index whose compressed data decompresses but whose counts lie.
    let mut lying = b"TBI\x01".to_vec();
    lying.extend_from_slice(&i32::MAX.to_le_bytes());
    lying.extend_from_slice(&[0; 64]);
    let lying = {
        let mut w = noodles_bgzf::io::Writer::new(Vec::new());
        w.write_all(&lying).unwrap();
        w.finish().unwrap()
    };
    let cases: [(&str, IndexKind, Vec<u8>); 5] = [
        ("noise", IndexKind::Tabix, noise.clone()),
        ("empty", IndexKind::Tabix, Vec::new()),
        (
            "truncated",
            IndexKind::Tabix,
            good[..good.len() / 2].to_vec(),
        ),
        ("lying counts", IndexKind::Tabix, lying),
        ("noise as CSI", IndexKind::Csi, noise),
    ];
    for (what, kind, bytes) in cases {
        let _ = std::fs::remove_file(IndexKind::Tabix.path_for(&vcf));
        let _ = std::fs::remove_file(IndexKind::Csi.path_for(&vcf));
        std::fs::write(kind.path_for(&vcf), bytes).unwrap();
        let read = call(&engine, &vcf, true, &options);
        assert_eq!(read.indexed, None, "{what}");
        let warnings = &read.calls[0].warnings;
        assert_eq!(warnings.len(), 1, "{what}: {warnings:?}");
        assert!(
            warnings[0].contains(&format!("{kind} index"))
                && warnings[0].contains("the whole file is read instead"),
            "{what}: {warnings:?}"
        );
        assert_eq!(read.calls[0].genes, full.calls[0].genes, "{what}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn index_of_another_file_is_caught() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("other");
    let vcf = simulated_file(&engine, &dir, "wgs.vcf.gz", 15);
    // A smaller file, indexed, then its index put beside the first one.
    let small = dir.join("small.vcf.gz");
    write_bgzf(&small, &simulated_text(&engine, 16, 20_000));
    let small_index = write_index(&small, IndexKind::Tabix).unwrap().path;
    std::fs::rename(&small_index, IndexKind::Tabix.path_for(&vcf)).unwrap();
    let options = CallOptions::default();
    let read = call(&engine, &vcf, true, &options);
    let full = call(&engine, &vcf, false, &options);
    assert_eq!(read.calls[0].genes, full.calls[0].genes);
    assert_eq!(read.indexed, None);
    let warnings = &read.calls[0].warnings;
    assert!(
        warnings.iter().any(|w| w.contains("tabix index")),
        "{warnings:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn contigs_named_without_chr_are_found_through_the_index() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("nochr");
    let text = simulated_text(&engine, 17, FILLER);
    let bare: String = text
        .lines()
        .map(|line| {
            let line = line.replacen("##contig=<ID=chr", "##contig=<ID=", 1);
            let line = line.strip_prefix("chr").unwrap_or(&line).to_string();
            line + "\n"
        })
        .collect();
    assert!(bare.contains("\n10\t") && !bare.contains("\nchr"));
    let with_chr = dir.join("chr.vcf.gz");
    let without = dir.join("bare.vcf.gz");
    write_bgzf(&with_chr, &text);
    write_bgzf(&without, &bare);
    write_index(&without, IndexKind::Tabix).unwrap();
    let options = CallOptions::default();
    let read = call(&engine, &without, true, &options);
    assert_eq!(read.indexed, Some(IndexKind::Tabix));
    assert_same_calls(
        &read.calls,
        &call(&engine, &with_chr, false, &options).calls,
    );
    // Regions may be given either way.
    for chrom in ["chr22", "22"] {
        let mut reader = VcfReader::from_path(&without).unwrap();
        assert!(reader.restrict_to(&[Region::new(chrom, 1, 50_818_468)]));
        let got = sites(&mut reader, &|c, _| c == "chr22").unwrap();
        assert!(!got.is_empty());
        assert!(got.iter().all(|s| s.chrom == "chr22"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn overlapping_regions_give_each_record_once_in_file_order() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("overlap");
    let vcf = simulated_file(&engine, &dir, "wgs.vcf.gz", 18);
    write_index(&vcf, IndexKind::Tabix).unwrap();
    let regions = [
        Region::new("chr2", 20_000_000, 60_000_000),
        Region::new("chr1", 1_000_000, 3_000_000),
        Region::new("chr1", 2_000_000, 4_000_000),
        Region::new("1", 2_500_000, 2_600_000),
        Region::new("chr2", 30_000_000, 31_000_000),
    ];
    let inside = |chrom: &str, pos: u64| {
        regions.iter().any(|r| {
            dosera::input::vcf::normalize_chrom(&r.chrom).as_deref() == Some(chrom)
                && (r.start..=r.end).contains(&pos)
        })
    };
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    assert!(reader.restrict_to(&regions));
    let indexed = sites(&mut reader, &inside).unwrap();
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    reader.ignore_index();
    let full = unnumbered(sites(&mut reader, &inside).unwrap());
    assert!(full.len() > 100, "{}", full.len());
    assert_eq!(indexed, full);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A small file around one CYP2C19 definition record, as the test gives
/// it, with filler records before and after on chr10.
fn with_record(record: &str) -> String {
    let mut text = String::from(
        "##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n\
         #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n",
    );
    for pos in (1_000_000..94_000_000).step_by(20_000) {
        text.push_str(&format!("chr10\t{pos}\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\n"));
    }
    text.push_str(record);
    text.push('\n');
    for pos in (95_000_000..120_000_000).step_by(20_000) {
        text.push_str(&format!("chr10\t{pos}\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\n"));
    }
    text
}

#[test]
fn warnings_at_records_read_as_in_a_full_scan() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("warnings");
    let vcf = dir.join("warn.vcf.gz");
    // GT names allele 2 but the record has one ALT: a warning with the line.
    write_bgzf(
        &vcf,
        &with_record("chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/2"),
    );
    write_index(&vcf, IndexKind::Tabix).unwrap();
    let read_sites = |use_index: bool| {
        let mut reader = VcfReader::from_path(&vcf).unwrap();
        if !use_index {
            reader.ignore_index();
        }
        let sites = engine.read_sites(&mut reader).unwrap();
        (sites, reader.indexed())
    };
    let (indexed, kind) = read_sites(true);
    let (full, _) = read_sites(false);
    // The reader went back to a full scan for the line number.
    assert_eq!(kind, None);
    assert_eq!(indexed.warnings, full.warnings);
    assert!(
        full.warnings[0].starts_with("line 4654, sample S1"),
        "{:?}",
        full.warnings
    );
    assert_eq!(indexed.sites, full.sites);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_at_records_read_as_in_a_full_scan() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("errors");
    for (name, record) in [
        (
            "no-ref",
            "chr10\t94781859\trs4244285\t.\tA\t.\tPASS\t.\tGT\t0/1",
        ),
        (
            "columns",
            "chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\t1/1",
        ),
        (
            "gvcf",
            "chr10\t94781800\t.\tG\t<NON_REF>\t.\tPASS\tEND=94781900\tGT\t0/0",
        ),
    ] {
        let vcf = dir.join(format!("{name}.vcf.gz"));
        write_bgzf(&vcf, &with_record(record));
        write_index(&vcf, IndexKind::Tabix).unwrap();
        let error = |use_index: bool| {
            let mut reader = VcfReader::from_path(&vcf).unwrap();
            if !use_index {
                reader.ignore_index();
            }
            match engine.read_sites(&mut reader) {
                Err(Error::InvalidVcf { line, reason }) => (line, reason),
                Err(other) => panic!("{name}: expected InvalidVcf, got {other}"),
                Ok(_) => panic!("{name}: read without error"),
            }
        };
        let full = error(false);
        assert_eq!(full.0, Some(4654), "{name}: {full:?}");
        assert_eq!(error(true), full, "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn indexer_refuses_what_it_cannot_index() {
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("refuse");
    let head = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    let cases = [
        ("positions", format!("{head}chr1\t200\t.\tA\tC\t.\t.\t.\nchr1\t100\t.\tA\tC\t.\t.\t.\n"), "chr1:100 comes after chr1:200"),
        ("contigs", format!("{head}chr1\t1\t.\tA\tC\t.\t.\t.\nchr2\t1\t.\tA\tC\t.\t.\t.\nchr1\t5\t.\tA\tC\t.\t.\t.\n"), "contig `chr1` appears again"),
        ("pos", format!("{head}chr1\tx\t.\tA\tC\t.\t.\t.\n"), "POS `x`"),
    ];
    for (name, text, expected) in cases {
        let vcf = dir.join(format!("{name}.vcf.gz"));
        write_bgzf(&vcf, &text);
        match write_index(&vcf, IndexKind::Tabix) {
            Err(Error::InvalidVcf { line, reason }) => {
                assert!(
                    line.is_some() && reason.contains(expected),
                    "{name}: {reason}"
                )
            }
            other => panic!("{name}: {other:?}"),
        }
        assert!(!IndexKind::Tabix.path_for(&vcf).exists(), "{name}");
    }
    // Plain gzip cannot be indexed, and an index beside it is not looked at.
    let gz = dir.join("plain.vcf.gz");
    let text = simulated_text(&engine, 19, 100);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let err = write_index(&gz, IndexKind::Tabix).unwrap_err();
    assert!(err.to_string().contains("bgzip"), "{err}");
    std::fs::write(IndexKind::Tabix.path_for(&gz), b"not an index").unwrap();
    let read = call(&engine, &gz, true, &CallOptions::default());
    assert_eq!(read.indexed, None);
    assert!(
        read.calls[0].warnings.is_empty(),
        "{:?}",
        read.calls[0].warnings
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The CSI index htslib made for the PharmCAT positions file (depth 8,
/// contig names in its auxiliary data) is read. In `../shared` it was made
/// for another compression of the same records (its blocks start at byte
/// 375, the file's at 371), so reading through it fails at the first seek
/// and the file is read in full, with a warning; were it to fit, the sites
/// must be those of the full scan. Either way nothing is lost.
#[test]
fn htslib_csi_index_of_the_pharmcat_positions() {
    let Some(shared) = dosera_conformance::shared_dir() else {
        println!("htslib_csi_index_of_the_pharmcat_positions: skipped: ../shared is absent");
        return;
    };
    let engine = Engine::bundled().unwrap();
    let dir = temp_dir("htslib");
    // A copy, so that the index is surely newer than the VCF.
    let from = shared.join("reference/positions/pharmcat_positions.vcf.bgz");
    let vcf = dir.join("positions.vcf.bgz");
    std::fs::copy(&from, &vcf).unwrap();
    let csi = IndexKind::Csi.path_for(&vcf);
    std::fs::copy(IndexKind::Csi.path_for(&from), &csi).unwrap();
    set_modified(&vcf, SystemTime::now() - Duration::from_secs(60));
    set_modified(&csi, SystemTime::now());

    let mut reader = VcfReader::from_path(&vcf).unwrap();
    let indexed = engine.read_sites(&mut reader).unwrap();
    let used = reader.indexed();
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    reader.ignore_index();
    let full = engine.read_sites(&mut reader).unwrap();
    assert!(full.sites.len() > 1000, "{}", full.sites.len());
    assert_eq!(unnumbered(indexed.sites), unnumbered(full.sites));
    if used == Some(IndexKind::Csi) {
        assert_eq!(indexed.warnings, full.warnings);
    } else {
        assert!(
            indexed.warnings[0].starts_with("the CSI index does not fit the file"),
            "{:?}",
            indexed.warnings
        );
        println!("{}", indexed.warnings[0]);
    }

    // Whole chromosomes through the index give every record.
    let everything: Vec<Region> = (1..=22)
        .map(|n| format!("chr{n}"))
        .chain(["chrX".to_string(), "chrY".to_string(), "chrM".to_string()])
        .map(|c| Region::new(c, 1, 250_000_000))
        .collect();
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    assert!(reader.restrict_to(&everything));
    let all = sites(&mut reader, &|_, _| true).unwrap();
    let mut reader = VcfReader::from_path(&vcf).unwrap();
    reader.ignore_index();
    let everything_scanned = sites(&mut reader, &|_, _| true).unwrap();
    assert_eq!(unnumbered(all), unnumbered(everything_scanned));
    std::fs::remove_dir_all(&dir).unwrap();
}
