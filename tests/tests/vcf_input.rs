//! The VCF input adapter: formats (plain, gzip, bgzip, BCF), record and GT
//! parsing, the build and contig checks, gVCF refusal, and bad input that
//! must give a clear error and never a panic. Small VCFs are written here;
//! upstream files are read in place from `../shared/conformance` (skipped,
//! with a message, when that folder is absent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{bgzip, gzip, to_bcf};

use std::path::{Path, PathBuf};

use dosera::input::vcf::VcfReader;
use dosera::input::Site;
use dosera::Error;
use dosera_conformance::shared_dir;

const HEAD: &str = "##fileformat=VCFv4.2\n\
    ##contig=<ID=chr1,length=248956422>\n\
    ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";

fn vcf(records: &[&str]) -> String {
    let mut text = String::from(HEAD);
    text.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n");
    for r in records {
        text.push_str(&r.replace(' ', "\t"));
        text.push('\n');
    }
    text
}

fn all(_: &str, _: u64) -> bool {
    true
}

fn read_all(reader: &mut VcfReader) -> dosera::Result<Vec<Site>> {
    let mut sites = Vec::new();
    while let Some(site) = reader.next_site(&all)? {
        sites.push(site);
    }
    Ok(sites)
}

fn sites_of(bytes: &[u8]) -> dosera::Result<(Vec<Site>, Vec<String>)> {
    let mut reader = VcfReader::from_bytes(bytes.to_vec())?;
    let sites = read_all(&mut reader)?;
    Ok((sites, reader.warnings().to_vec()))
}

/// The error of reading everything, which must be `InvalidVcf`; returns
/// (line, reason).
fn invalid(bytes: &[u8]) -> (Option<u64>, String) {
    match sites_of(bytes) {
        Err(Error::InvalidVcf { line, reason }) => (line, reason),
        Err(other) => panic!("expected InvalidVcf, got {other}"),
        Ok((sites, _)) => panic!("expected InvalidVcf, read {} sites", sites.len()),
    }
}

/// A fresh folder under the system temp dir for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-vcf-input-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Deterministic pseudo-random bytes.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        })
        .collect()
}

fn conformance(test: &str) -> Option<PathBuf> {
    match shared_dir() {
        Some(d) => Some(d.join("conformance")),
        None => {
            println!("{test}: skipped: ../shared is absent");
            None
        }
    }
}

// ---- records and genotypes -------------------------------------------

#[test]
fn records_are_read_and_normalised() {
    let text = vcf(&[
        "chr1 100 rs1 a g,t . PASS . GT 0/1 1|2",
        "1 200 . ACGT . . PASS . GT 0/0 ./.",
        "chr1 300 . G <DEL>,<*>,<NON_REF> . PASS . GT 0|1 .",
        "MT 73 . A G . PASS . GT 1 0",
    ]);
    let (sites, warnings) = sites_of(text.as_bytes()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(sites.len(), 4);
    let s = &sites[0];
    assert_eq!(
        (s.chrom.as_str(), s.pos, s.id.as_deref()),
        ("chr1", 100, Some("rs1"))
    );
    assert_eq!(s.ref_allele, "A");
    assert_eq!(s.alts, ["G", "T"], "lower case upper-cased, order kept");
    assert_eq!(s.record, 1);
    assert_eq!(s.calls.get(1).unwrap().alleles, [Some(1), Some(2)]);
    assert_eq!(
        (sites[1].chrom.as_str(), sites[1].id.as_deref()),
        ("chr1", None)
    );
    assert!(sites[1].alts.is_empty(), "ALT `.` means no ALT");
    assert_eq!(
        sites[2].alts,
        ["<DEL>", "<*>", "<NON_REF>"],
        "symbolic ALTs kept"
    );
    assert_eq!(sites[3].chrom, "chrM");
    assert_eq!(sites[3].calls.get(0).unwrap().alleles, [Some(1)]);
}

#[test]
fn genotype_forms_and_phasing() {
    let text = vcf(&[
        "chr1 1 . A G . . . GT 0/1 1|0",
        "chr1 2 . A G . . . GT ./. .",
        "chr1 3 . A G . . . GT 1 0|.",
        "chr1 4 . A G . . . GT .|1 0/.",
    ]);
    let (sites, warnings) = sites_of(text.as_bytes()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let calls: Vec<(Vec<Option<u32>>, bool)> = sites
        .iter()
        .flat_map(|s| s.calls.iter().map(|c| (c.alleles.clone(), c.phased)))
        .collect();
    assert_eq!(
        calls,
        [
            (vec![Some(0), Some(1)], false),
            (vec![Some(1), Some(0)], true),
            (vec![None, None], false),
            (vec![None], true),
            (vec![Some(1)], true),
            (vec![Some(0), None], true),
            (vec![None, Some(1)], true),
            (vec![Some(0), None], false),
        ]
    );
}

#[test]
fn crlf_line_endings_are_tolerated() {
    let text = vcf(&["chr1 100 . A G . PASS . GT:PS 0|1:100 1/1:."]).replace('\n', "\r\n");
    let (sites, _) = sites_of(text.as_bytes()).unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(
        sites[0].calls.get(0).unwrap().phase_set.as_deref(),
        Some("100")
    );
    assert_eq!(
        sites[0].calls.get(1).unwrap().phase_set,
        None,
        "a `.` PS is no phase set"
    );
    assert_eq!(sites[0].calls.get(1).unwrap().alleles, [Some(1), Some(1)]);
}

#[test]
fn phase_set_and_depths() {
    let text = vcf(&[
        "chr1 1 . A G,T . . . GT:AD:PS 0|1:10,.,0:5 1/2:.:.",
        "chr1 2 . A G . . . GT:AD 0/1:7,3 0/1:7,3,1",
        "chr1 3 . A G . . . GT 0/1 0/1",
    ]);
    let (sites, warnings) = sites_of(text.as_bytes()).unwrap();
    let c: Vec<_> = sites[0].calls.iter().collect();
    assert_eq!(c[0].depths, Some(vec![Some(10), None, Some(0)]));
    assert_eq!(c[0].phase_set.as_deref(), Some("5"));
    assert_eq!(c[1].depths, None);
    assert_eq!(c[1].phase_set, None);
    assert_eq!(
        sites[1].calls.get(0).unwrap().depths,
        Some(vec![Some(7), Some(3)])
    );
    // Three AD values for two alleles: not trusted.
    assert_eq!(sites[1].calls.get(1).unwrap().depths, None);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("line 6"), "{warnings:?}");
    assert_eq!(sites[2].calls.get(0).unwrap().depths, None);
}

#[test]
fn allele_beyond_the_alts_is_missing_with_a_warning() {
    let text = vcf(&["chr1 1 . CAT CATAT . PASS . GT 0/2 1/1"]);
    let (sites, warnings) = sites_of(text.as_bytes()).unwrap();
    assert_eq!(sites[0].calls.get(0).unwrap().alleles, [Some(0), None]);
    assert_eq!(sites[0].calls.get(1).unwrap().alleles, [Some(1), Some(1)]);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("line 5, sample S1"), "{warnings:?}");
    assert!(warnings[0].contains("allele 2"), "{warnings:?}");
}

#[test]
fn missing_gt_gives_empty_calls_and_one_warning() {
    let text = vcf(&[
        "chr1 1 . A G . . . DP 5 6",
        "chr1 2 . A G . . . AD:DP 1,2:3 4,5:9",
        "chr1 3 . A G . . .",
        "chr1 4 . A G . . . GT 0/1 1/1",
    ]);
    let (sites, warnings) = sites_of(text.as_bytes()).unwrap();
    assert_eq!(sites.len(), 4);
    for site in &sites[..3] {
        assert!(site.calls.iter().all(|c| c.alleles.is_empty()));
    }
    assert_eq!(sites[3].calls.get(1).unwrap().alleles, [Some(1), Some(1)]);
    assert_eq!(warnings.len(), 1, "one warning per file: {warnings:?}");
    assert!(warnings[0].contains("GT"), "{warnings:?}");
}

#[test]
fn unwanted_records_are_skipped_without_decoding() {
    // The unwanted records have broken sample columns; reading them would fail.
    let text = vcf(&[
        "10 94761900 . C T . . . GT 0/7 x",
        "chr10 94761901 . C T . . . GT 0/1",
        "10 94781859 . G A . . . GT 0/1 1|1",
    ]);
    let mut reader = VcfReader::from_bytes(text.into_bytes()).unwrap();
    let seen = std::cell::RefCell::new(Vec::new());
    let wanted = |chrom: &str, pos: u64| {
        seen.borrow_mut().push(format!("{chrom}:{pos}"));
        pos == 94781859
    };
    let site = reader.next_site(&wanted).unwrap().unwrap();
    assert_eq!(
        (site.chrom.as_str(), site.pos, site.record),
        ("chr10", 94781859, 3)
    );
    assert!(reader.next_site(&wanted).unwrap().is_none());
    assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
    assert_eq!(
        *seen.borrow(),
        ["chr10:94761900", "chr10:94761901", "chr10:94781859"],
        "wanted gets the normalised chromosome"
    );
}

// ---- formats -----------------------------------------------------------

#[test]
fn gzip_and_bgzip_read_like_plain_text() {
    let text = vcf(&[
        "chr1 100 rs1 A G . PASS . GT 0/1 1|1",
        "chr1 200 . C T,G . PASS . GT:AD 1/2:0,4,5 0/0:9,0,0",
    ]);
    let plain = sites_of(text.as_bytes()).unwrap().0;
    assert_eq!(plain.len(), 2);
    assert_eq!(sites_of(&gzip(text.as_bytes())).unwrap().0, plain);
    assert_eq!(sites_of(&bgzip(text.as_bytes())).unwrap().0, plain);
    // The name says nothing: a gzip file called .vcf is still read.
    let dir = temp_dir("gzip-name");
    let path = dir.join("plain-looking.vcf");
    std::fs::write(&path, bgzip(text.as_bytes())).unwrap();
    let mut reader = VcfReader::from_path(&path).unwrap();
    assert_eq!(read_all(&mut reader).unwrap(), plain);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bcf_reads_like_the_same_vcf() {
    let text = "##fileformat=VCFv4.3\n\
        ##contig=<ID=chr1,length=248956422>\n\
        ##contig=<ID=chr1_KI270706v1_random,length=175055>\n\
        ##contig=<ID=chrX,length=156040895>\n\
        ##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">\n\
        ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
        ##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">\n\
        ##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Allelic depths\">\n\
        ##FORMAT=<ID=PS,Number=1,Type=Integer,Description=\"Phase set\">\n\
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n\
        chr1\t100\trs1\tA\tG,T\t50\tPASS\tDP=9\tGT:AD:PS\t0|1:3,4,0:100\t1/2:.:.\n\
        chr1_KI270706v1_random\t5\t.\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\n\
        chr1\t200\t.\tAC\tA,<*>\t.\t.\t.\tGT:DP\t./.:7\t.|1:8\n\
        chr1\t300\t.\tG\t.\t.\t.\t.\tGT:AD\t0/0:12\t0/3:5,1\n\
        chr1\t400\t.\tC\tT\t.\t.\t.\tDP\t3\t4\n\
        chrX\t500\t.\tC\tT\t.\t.\t.\tGT:PS\t1:.\t0|1:450\n";
    // Not `0|.`: noodles-bcf writes a missing allele as 0, losing its phase
    // bit (the decoder reads the bit: see the unit tests in core).
    let (plain, plain_warnings) = sites_of(text.as_bytes()).unwrap();
    assert_eq!(plain.len(), 5);
    for compressed in [true, false] {
        let bcf = to_bcf(text, compressed);
        let (sites, warnings) = sites_of(&bcf).unwrap();
        assert_eq!(sites, plain, "compressed: {compressed}");
        let reworded: Vec<String> = warnings
            .iter()
            .map(|w| {
                w.replace("BCF record 4", "line 14")
                    .replace("BCF record 5", "line 15")
            })
            .collect();
        assert_eq!(reworded, plain_warnings);
    }
    assert_eq!(plain_warnings.len(), 3, "{plain_warnings:?}");
}

#[test]
fn a_named_pipe_is_read() {
    let dir = temp_dir("fifo");
    let path = dir.join("input.vcf.gz");
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("a_named_pipe_is_read: skipped: mkfifo is unavailable");
        return;
    }
    let text = vcf(&["chr1 100 rs1 A G . PASS . GT 0/1 1|1"]);
    let bytes = bgzip(text.as_bytes());
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, bytes).unwrap());
    let mut reader = VcfReader::from_path(&path).unwrap();
    assert_eq!(read_all(&mut reader).unwrap().len(), 1);
    writer.join().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_file_is_an_io_error() {
    let err = VcfReader::from_path(Path::new("/nonexistent/dosera/x.vcf"))
        .err()
        .unwrap();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

// ---- header: build, contigs, samples ---------------------------------

#[test]
fn header_gives_samples_and_contigs() {
    let text = vcf(&[]);
    let reader = VcfReader::from_bytes(text.into_bytes()).unwrap();
    assert_eq!(reader.samples(), ["S1", "S2"]);
    assert_eq!(reader.contigs().len(), 1);
    assert_eq!(reader.contigs()[0].name, "chr1");
    assert_eq!(reader.contigs()[0].length, Some(248956422));
}

#[test]
fn grch37_headers_are_refused() {
    let cases = [
        "##contig=<ID=chr1,length=249250621>\n",
        "##contig=<ID=1,length=249250621>\n",
        "##reference=file:///refs/human_g1k_v37.fasta\n",
        "##reference=hg19\n",
        "##reference=GRCh37\n",
        "##reference=b37\n",
        "##contig=<ID=chr10,length=135534747,assembly=hg19>\n",
    ];
    for header in cases {
        let text = format!(
            "##fileformat=VCFv4.2\n{header}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        );
        match VcfReader::from_bytes(text.into_bytes()) {
            Err(Error::UnsupportedBuild(msg)) => {
                assert!(msg.contains("GRCh37"), "{msg}");
                if header.contains("249250621") {
                    assert!(msg.contains("248956422"), "names the GRCh38 length: {msg}");
                }
            }
            Err(e) => panic!("{header}: expected UnsupportedBuild, got {e}"),
            Ok(_) => panic!("{header}: accepted"),
        }
    }
    for fine in [
        "##reference=hg38\n",
        "##reference=GRCh38_gencode_v37.fa\n",
        "##contig=<ID=chr1,length=248956422>\n",
    ] {
        let text =
            format!("##fileformat=VCFv4.2\n{fine}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        VcfReader::from_bytes(text.into_bytes()).unwrap();
    }
}

#[test]
fn alt_and_decoy_contigs_are_skipped_and_unknown_names_refused() {
    let text = vcf(&[
        "chr1_KI270706v1_random 10 . A G . . . GT 0/1 0/1",
        "chrUn_GL000195v1 10 . A G . . . GT 0/1 0/1",
        "HLA-A*01:01:01:01 10 . A G . . . GT 0/1 0/1",
        "chrEBV 10 . A G . . . GT 0/1 0/1",
        "chr22_KI270879v1_alt 10 . A G . . . GT 0/1 0/1",
        "chr2 10 . A G . . . GT 0/1 0/1",
    ]);
    let (sites, warnings) = sites_of(text.as_bytes()).unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].chrom, "chr2");
    assert!(warnings.is_empty());
    for name in ["chromosome1", "foo"] {
        let text = vcf(&[
            "chr1 10 . A G . . . GT 0/1 0/1",
            &format!("{name} 10 . A G . . . GT 0/1 0/1"),
        ]);
        let (line, reason) = invalid(text.as_bytes());
        assert_eq!(line, Some(6));
        assert!(reason.contains(&format!("`{name}`")), "{reason}");
    }
}

#[test]
fn gvcf_reference_blocks_are_refused() {
    for alt in ["<NON_REF>", "<*>"] {
        let text = vcf(&[&format!("chr1 100 . A {alt} . . END=200 GT 0/0 0/0")]);
        let (line, reason) = invalid(text.as_bytes());
        assert_eq!(line, Some(5));
        assert!(reason.contains("gVCF"), "{reason}");
        assert!(reason.contains("--gvcf2vcf"), "{reason}");
    }
    // A real ALT beside <NON_REF> is an ordinary record.
    let text = vcf(&["chr1 100 . A G,<NON_REF> . . END=100 GT 0/1 1/1"]);
    let (sites, _) = sites_of(text.as_bytes()).unwrap();
    assert_eq!(sites[0].alts, ["G", "<NON_REF>"]);
    // So is a `<*>` record without END (a preprocessed filler row).
    let text = vcf(&["chr1 100 . A <*> . . . GT 0/0 0/0"]);
    assert_eq!(sites_of(text.as_bytes()).unwrap().0.len(), 1);
}

// ---- bad input -----------------------------------------------------------

#[test]
fn bad_input_is_invalid_vcf() {
    assert!(invalid(b"").1.contains("empty"));
    let (_, reason) = invalid(b"##fileformat=VCFv4.2\n##source=x\n");
    assert!(reason.contains("#CHROM"), "{reason}");
    let (line, reason) = invalid(b"##fileformat=VCFv4.2\nchr1\t1\t.\tA\tG\t.\t.\t.\n");
    assert_eq!(line, Some(2));
    assert!(reason.contains("#CHROM"), "{reason}");
    let (line, reason) = invalid(vcf(&["chr1 100 . A G"]).as_bytes());
    assert_eq!(line, Some(5));
    assert!(reason.contains("5 tab-separated columns"), "{reason}");
    let (line, reason) = invalid(
        vcf(&[
            "chr1 1 . A G . . . GT 0/1 0/1",
            "chr1 1e5 . A G . . . GT 0/1 0/1",
        ])
        .as_bytes(),
    );
    assert_eq!(line, Some(6));
    assert!(reason.contains("POS `1e5`"), "{reason}");
    // Wrong number of sample columns at a wanted record.
    let (line, reason) = invalid(vcf(&["chr1 1 . A G . . . GT 0/1"]).as_bytes());
    assert_eq!(line, Some(5));
    assert!(reason.contains("sample"), "{reason}");
    // Not UTF-8, in a record and in the header.
    let mut bytes = vcf(&["chr1 1 . A G . . . GT 0/1 0/1"]).into_bytes();
    bytes.extend_from_slice(b"chr1\t2\t\xff\xfe\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\n");
    let (line, reason) = invalid(&bytes);
    assert_eq!(line, Some(6));
    assert!(reason.contains("UTF-8"), "{reason}");
    let (line, reason) = invalid(b"##fileformat=VCFv4.2\n##source=caf\xe9\n#CHROM\tPOS\n");
    assert_eq!(line, Some(2));
    assert!(reason.contains("UTF-8"), "{reason}");
    // Text that is no VCF, and binary garbage.
    assert!(invalid(b"hello, world\n").1.contains("not a VCF"));
    for seed in 0..50 {
        let bytes = noise(64 + seed as usize * 37, seed);
        invalid(&bytes);
    }
    // Garbage behind a gzip header.
    let mut fake = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    fake.extend(noise(500, 9));
    invalid(&fake);
}

#[test]
fn truncated_compressed_input_is_invalid_vcf() {
    let records: Vec<String> = (1..=2000)
        .map(|i| format!("chr1 {i} . A G . PASS . GT 0/1 1|0"))
        .collect();
    let refs: Vec<&str> = records.iter().map(String::as_str).collect();
    let text = vcf(&refs);
    let gz = gzip(text.as_bytes());
    let (_, reason) = invalid(&gz[..gz.len() / 2]);
    assert!(reason.contains("truncated"), "{reason}");
    // Only the gzip trailer (CRC and size) is gone.
    invalid(&gz[..gz.len() - 4]);
    let bgz = bgzip(text.as_bytes());
    let (_, reason) = invalid(&bgz[..bgz.len() / 2]);
    assert!(reason.contains("truncated"), "{reason}");
    // Cut inside a block with an end-of-file marker glued on: the marker
    // check passes and decompression must catch it.
    let mut glued = bgz[..bgz.len() / 2].to_vec();
    glued.extend_from_slice(&bgz[bgz.len() - 28..]);
    let (_, reason) = invalid(&glued);
    assert!(reason.contains("corrupt or truncated"), "{reason}");
    // Cut at a block boundary: only the end-of-file marker is missing.
    let (_, reason) = invalid(&bgz[..bgz.len() - 28]);
    assert!(reason.contains("end-of-file marker"), "{reason}");
}

// ---- upstream files, read in place -------------------------------------

fn read_path(path: &Path) -> dosera::Result<(Vec<Site>, Vec<String>)> {
    let mut reader = VcfReader::from_path(path)?;
    let sites = read_all(&mut reader)?;
    Ok((sites, reader.warnings().to_vec()))
}

#[test]
fn pharmcat_vcf_reader_test_files() {
    let Some(dir) = conformance("pharmcat_vcf_reader_test_files") else {
        return;
    };
    let dir = dir.join("pharmcat-unit-tests/haplotype");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("VcfReaderTest-") && n.ends_with(".vcf"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "{names:?}");
    for name in &names {
        let (sites, warnings) =
            read_path(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        println!("{name}: {} sites, warnings {warnings:?}", sites.len());
        let at = |pos: u64| sites.iter().find(|s| s.pos == pos).unwrap();
        match name.as_str() {
            // AD with Number=R, absent from the header, or Number=.: all used
            // where the count fits REF plus ALT.
            "VcfReaderTest-AD.vcf"
            | "VcfReaderTest-AD-missing.vcf"
            | "VcfReaderTest-AD-unknown.vcf" => {
                assert_eq!(sites.len(), 7);
                assert_eq!(
                    at(94942254).calls.get(0).unwrap().depths,
                    Some(vec![Some(91), Some(0)])
                );
                assert_eq!(
                    at(94942249).calls.get(0).unwrap().depths,
                    None,
                    "2 AD values for 3 alleles"
                );
                assert_eq!(warnings.len(), 1, "{warnings:?}");
            }
            // Number=f is no VCF number: the AD header line is reported and
            // the values are still checked by count.
            "VcfReaderTest-AD-invalid.vcf" => {
                assert_eq!(sites.len(), 7);
                assert!(
                    warnings.iter().any(|w| w.contains("header line 11")),
                    "{warnings:?}"
                );
            }
            "VcfReaderTest-alleleOrder.vcf" => {
                let calls: Vec<_> = sites
                    .iter()
                    .map(|s| s.calls.get(0).unwrap().alleles.clone())
                    .collect();
                assert_eq!(
                    calls,
                    [
                        vec![Some(0), Some(1)],
                        vec![Some(1), Some(0)],
                        vec![None, Some(1)],
                        vec![Some(1), None],
                        vec![Some(0), None],
                        vec![None, Some(0)],
                    ]
                );
                assert!(sites.iter().all(|s| s.calls.get(0).unwrap().phased));
            }
            // PharmCAT throws on GT 0/2 with one ALT; dosera reads the
            // allele as missing and names the line and sample.
            "VcfReaderTest-badAllele.vcf" => {
                assert_eq!(sites.len(), 1);
                assert_eq!(sites[0].calls.get(0).unwrap().alleles, [Some(0), None]);
                assert_eq!(warnings.len(), 1, "{warnings:?}");
                assert!(
                    warnings[0].contains("line 20, sample testsample"),
                    "{warnings:?}"
                );
            }
            "VcfReaderTest-filters.vcf" => {
                assert_eq!(sites.len(), 6);
                assert_eq!(at(94938683).alts.len(), 0);
                assert_eq!(at(94949281).alts, ["G", "<*>"]);
                assert!(warnings.is_empty(), "{warnings:?}");
            }
            "VcfReaderTest-phaseSet.vcf" => {
                let s = at(40991224);
                assert_eq!(
                    s.calls.get(0).unwrap().phase_set.as_deref(),
                    Some("40991224")
                );
                assert!(s.calls.get(0).unwrap().phased);
                assert!(!s.calls.get(1).unwrap().phased);
                assert_eq!(at(40991381).calls.get(0).unwrap().phase_set, None);
                assert!(warnings.is_empty(), "{warnings:?}");
            }
            "VcfReaderTest-phasing.vcf" => {
                assert_eq!(sites.len(), 6);
                assert!(sites.iter().all(|s| !s.calls.get(0).unwrap().phased));
            }
            "VcfReaderTest-structuralAlt.vcf" => {
                assert_eq!(sites.len(), 6);
                assert!(sites.iter().all(|s| s.alts == ["T", "<*>"]));
                assert_eq!(at(4).calls.get(0).unwrap().alleles, [Some(2), Some(1)]);
                assert!(warnings.is_empty(), "{warnings:?}");
            }
            other => panic!("no expectation for {other}"),
        }
    }
}

#[test]
fn preprocessor_raw_files_agree_across_formats() {
    let Some(dir) = conformance("preprocessor_raw_files_agree_across_formats") else {
        return;
    };
    let dir = dir.join("preprocessor-tests");
    let (plain, _) = read_path(&dir.join("raw.vcf")).unwrap();
    assert_eq!(plain.len(), 22);
    assert!(plain.iter().any(|s| s.chrom == "chrM"));
    for name in [
        "raw.vcf.bgz",
        "raw.bcf",
        "raw.bcf.bgzf",
        "raw_chr.vcf",
        "raw_chr.bcf.bgzf",
    ] {
        let (sites, _) = read_path(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sites, plain, "{name}");
    }
    // An uncompressed BCF: raw.bcf decompressed here.
    let mut raw = Vec::new();
    let compressed = std::fs::read(dir.join("raw.bcf")).unwrap();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&compressed[..]),
        &mut raw,
    )
    .unwrap();
    assert!(raw.starts_with(b"BCF\x02"));
    assert_eq!(sites_of(&raw).unwrap().0, plain, "uncompressed BCF");
    // The same wanted subset from each format.
    let wanted = |chrom: &str, pos: u64| chrom == "chr19" || pos == 233760233;
    let mut subsets = Vec::new();
    for name in ["raw.vcf", "raw.vcf.bgz", "raw.bcf", "raw.bcf.bgzf"] {
        let mut reader = VcfReader::from_path(&dir.join(name)).unwrap();
        let mut sites = Vec::new();
        while let Some(s) = reader.next_site(&wanted).unwrap() {
            sites.push(s);
        }
        subsets.push(sites);
    }
    assert_eq!(subsets[0].len(), 7);
    assert!(subsets.iter().all(|s| *s == subsets[0]));
    // A truncated BCF.
    invalid(&raw[..raw.len() - 10]);
}

#[test]
fn preprocessor_bad_chromosome_names_are_refused() {
    let Some(dir) = conformance("preprocessor_bad_chromosome_names_are_refused") else {
        return;
    };
    // `chromosome1` is no contig naming dosera knows (nor an alt or decoy
    // contig): skipping it would report every position as missing.
    for name in ["raw_bad_chr.vcf", "raw_bad_chr.bcf.bgzf"] {
        match read_path(&dir.join("preprocessor-tests").join(name)) {
            Err(Error::InvalidVcf { line, reason }) => {
                assert!(line.is_some());
                assert!(reason.contains("`chromosome1`"), "{name}: {reason}");
                println!("{name}: {reason}");
            }
            other => panic!(
                "{name}: expected InvalidVcf, got {:?}",
                other.map(|r| r.0.len())
            ),
        }
    }
}

#[test]
fn preprocessor_gvcf_files() {
    let Some(dir) = conformance("preprocessor_gvcf_files") else {
        return;
    };
    let dir = dir.join("preprocessor-tests");
    for name in [
        "test_gvcf_block.vcf",
        "test_gvcf_block_in_header.vcf",
        "test.g.vcf.bgz",
    ] {
        match read_path(&dir.join(name)) {
            Err(Error::InvalidVcf { reason, .. }) => assert!(reason.contains("gVCF"), "{reason}"),
            other => panic!(
                "{name}: expected the gVCF refusal, got {:?}",
                other.map(|r| r.0.len())
            ),
        }
    }
    let (sites, _) = read_path(&dir.join("test_not_gvcf_block.vcf")).unwrap();
    assert_eq!(sites.len(), 2);
}

#[test]
fn truncated_copy_of_a_shared_bgz_is_invalid() {
    let Some(dir) = conformance("truncated_copy_of_a_shared_bgz_is_invalid") else {
        return;
    };
    let bytes = std::fs::read(dir.join("pharmcat-unit-tests/100samples.vcf.bgz")).unwrap();
    let tmp = temp_dir("truncated");
    for (label, cut) in [
        ("half", bytes.len() / 2),
        ("eof-marker", bytes.len() - 28),
        ("header", 10),
    ] {
        let path = tmp.join(format!("{label}.vcf.bgz"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        match read_path(&path) {
            Err(Error::InvalidVcf { reason, .. }) => println!("{label}: {reason}"),
            other => panic!(
                "{label}: expected InvalidVcf, got {:?}",
                other.map(|r| r.0.len())
            ),
        }
    }
    let _ = std::fs::remove_dir_all(tmp);
}

#[test]
fn every_shared_vcf_reads_or_fails_cleanly() {
    let Some(dir) = conformance("every_shared_vcf_reads_or_fails_cleanly") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if [".vcf", ".vcf.bgz", ".vcf.gz", ".bcf", ".bcf.bgzf"]
                .iter()
                .any(|e| name.ends_with(e))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut ok, mut refused) = (0, 0);
    for path in &files {
        match read_path(path) {
            Ok((_, warnings)) => {
                ok += 1;
                for w in warnings.iter().filter(|w| w.contains("header")) {
                    println!("{}: {w}", path.display());
                }
            }
            Err(Error::InvalidVcf { .. } | Error::UnsupportedBuild(_)) => {
                refused += 1;
                println!("refused {}", path.display());
            }
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    println!("{} files: {ok} read, {refused} refused", files.len());
    assert!(ok > 50, "{ok}");
}

#[test]
fn hundred_samples_read_time() {
    let Some(dir) = conformance("hundred_samples_read_time") else {
        return;
    };
    let path = dir.join("pharmcat-unit-tests/100samples.vcf.bgz");
    let (mut open, mut skip, mut read) = (f64::MAX, f64::MAX, f64::MAX);
    let ms = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1000.0;
    let mut count = 0;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let mut reader = VcfReader::from_path(&path).unwrap();
        open = open.min(ms(t));
        while reader.next_site(&|_, _| false).unwrap().is_some() {}
        skip = skip.min(ms(t));
        let t = std::time::Instant::now();
        let mut reader = VcfReader::from_path(&path).unwrap();
        let sites = read_all(&mut reader).unwrap();
        read = read.min(ms(t));
        assert_eq!(reader.samples().len(), 100);
        count = sites.len();
    }
    println!(
        "100samples.vcf.bgz (best of 3): header {open:.2} ms; skipping every record {skip:.2} ms; \
         reading all {count} sites x 100 samples {read:.2} ms"
    );
}

/// GT-only records of plain one-digit diploid calls are read in one pass;
/// the same calls written with a second FORMAT field go column by column.
/// Both must give the same calls and warnings, including records that
/// leave the one-pass reading (an allele past the ALTs, a haploid call, a
/// two-digit allele, a missing column, an empty field).
#[test]
fn one_pass_genotype_columns_equal_column_by_column() {
    let records: [(&str, [&str; 3]); 14] = [
        ("A G", ["0/1", "1|1", "./."]),
        ("A G", ["1", "0", "."]),
        ("A G", ["0", "0/1", "1|."]),
        ("A G,T", ["2", "1/2", "."]),
        ("A G", ["2", "0", "1"]),
        ("A G", ["1", "0", "1/"]),
        ("A G,T", ["2/1", "0|2", "1/."]),
        ("A G", [".|1", "0/0", "1/0"]),
        ("A G", ["2/1", "0/1", "0/0"]),
        ("A G", ["1", "0/1", "0/0"]),
        ("A G", ["10/1", "0/1", "0/0"]),
        ("A G", ["0/1", "0/1", "."]),
        ("A G", ["0-1", "0/1", "0/0"]),
        ("A <*>", ["0/1", "1/1", "0/0"]),
    ];
    let text = |with_dp: bool| {
        let mut t = String::from(HEAD);
        t.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\n");
        for (i, (alleles, gts)) in records.iter().enumerate() {
            let (r, a) = alleles.split_once(' ').unwrap();
            let format = if with_dp { "GT:DP" } else { "GT" };
            let cols: Vec<String> = gts
                .iter()
                .map(|g| {
                    if with_dp {
                        format!("{g}:7")
                    } else {
                        g.to_string()
                    }
                })
                .collect();
            t.push_str(&format!(
                "chr1\t{}\t.\t{r}\t{a}\t.\tPASS\t.\t{format}\t{}\n",
                1000 + i,
                cols.join("\t")
            ));
        }
        t
    };
    let (quick, quick_warnings) = sites_of(text(false).as_bytes()).unwrap();
    let (slow, slow_warnings) = sites_of(text(true).as_bytes()).unwrap();
    assert_eq!(quick.len(), records.len());
    for (q, s) in quick.iter().zip(&slow) {
        assert_eq!(q.calls, s.calls, "record at {}", q.pos);
    }
    assert_eq!(quick_warnings, slow_warnings);
    assert!(!quick_warnings.is_empty());
    // The first record, read in one pass, holds what was written.
    let first: Vec<_> = quick[0]
        .calls
        .iter()
        .map(|c| (c.alleles, c.phased))
        .collect();
    assert_eq!(
        first,
        [
            (vec![Some(0), Some(1)], false),
            (vec![Some(1), Some(1)], true),
            (vec![None, None], false)
        ]
    );
}
