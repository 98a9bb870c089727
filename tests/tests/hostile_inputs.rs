//! The hostile-input catalogue: malformed, unusual or contradictory inputs
//! on every surface (VCF and BCF bytes, outside-call files, the gene-results
//! request JSON that the C and WebAssembly bindings take, knowledge packs),
//! each with the outcome it must give. An outcome is either a typed error
//! whose message names the problem, or a result that reads and says what
//! was odd (a warning, or a gene flagged with its reason). Nothing here may
//! panic, and no case may read as a plain, unflagged result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{bgzip, gzip};

use dosera::allele::CallOptions;
use dosera::genotype::MissingReason;
use dosera::input::outside;
use dosera::input::vcf::VcfReader;
use dosera::report::tables::{self};
use dosera::report::SampleOutcome;
use dosera::{Engine, ErrorCode};

/// Header lines shared by the VCF cases (GRCh38 contig lengths).
const HEAD: &str = "##fileformat=VCFv4.2\n\
    ##contig=<ID=chr10,length=133797422>\n\
    ##contig=<ID=chr22,length=50818468>\n\
    ##contig=<ID=chrX,length=156040895>\n\
    ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";

/// A pack of schema version 99 (this build reads 2).
const PACK_V99: &[u8] = br#"{"meta":{"schema_version":99,"source":"cpic","release":"t",
    "license":"CC0-1.0","attribution":"CPIC","upstream":[]},
    "drugs":[],"genes":[],"guidelines":[]}"#;

/// A VCF body without FORMAT or sample columns.
const SITES_ONLY: &str = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
    chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\n";

const COLUMNS: &str = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT";

/// CYP2C19*2 (rs4244285, G>A) and CYP2C19*17 (rs12248560, C>T).
const STAR2: &str = "chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT";
const STAR17: &str = "chr10\t94761900\trs12248560\tC\tT\t.\tPASS\t.\tGT";

/// A VCF with the shared header, samples `samples` and the given records
/// (fields separated by tabs already).
fn vcf_with(samples: &[&str], records: &[String]) -> Vec<u8> {
    let mut text = String::from(HEAD);
    text.push_str(COLUMNS);
    for s in samples {
        text.push('\t');
        text.push_str(s);
    }
    text.push('\n');
    for r in records {
        text.push_str(r);
        text.push('\n');
    }
    text.into_bytes()
}

/// One sample `S1`, each record `fixed` plus its genotype.
fn one_sample(records: &[(&str, &str)]) -> Vec<u8> {
    let lines: Vec<String> = records.iter().map(|(f, gt)| format!("{f}\t{gt}")).collect();
    vcf_with(&["S1"], &lines)
}

/// What a case must give.
#[derive(Debug)]
enum Expect {
    /// A typed error with this code whose message contains the text.
    Error(ErrorCode, &'static str),
    /// It reads; some warning or flag (report warnings, gene warnings,
    /// no-call reasons, call notes) contains the text.
    Flagged(&'static str),
    /// It reads, and gene `.0` is called `.1` (a diplotype shown).
    Called(&'static str, &'static str),
    /// `.0` samples read, none failed, and each has gene `.1` called `.2`.
    Each(usize, &'static str, &'static str),
}

/// Where a case enters.
enum Surface {
    /// VCF or BCF bytes, all samples reported.
    Vcf(Vec<u8>),
    /// A VCF (one sample) together with an outside-call file.
    VcfWithOutside(Vec<u8>, String),
    /// A cohort VCF made into tables without a report per sample (the
    /// streaming path), for inputs too large to hold as reports.
    VcfRows(Vec<u8>),
    /// An outside-call file on its own.
    Outside(String),
    /// The gene-results request JSON of the C and WebAssembly bindings.
    Request(String),
    /// One assembled knowledge pack.
    Pack(Vec<u8>),
    /// A copy of the bundled pack folder with `file` (relative to it)
    /// rewritten to `text`.
    PackFolder {
        file: &'static str,
        text: &'static str,
    },
}

struct Case {
    name: &'static str,
    input: Surface,
    expect: Expect,
}

/// Everything a case gave: `Err` with code and message, or the text of
/// every warning and flag plus each gene's shown diplotypes.
enum Outcome {
    Failed(ErrorCode, String),
    Read {
        flags: Vec<String>,
        calls: Vec<(String, Vec<String>)>,
    },
}

fn engine() -> Engine {
    Engine::bundled().expect("bundled packs")
}

fn from_reports(outcomes: Vec<SampleOutcome>) -> Outcome {
    let mut flags = Vec::new();
    let mut calls = Vec::new();
    for o in outcomes {
        match o {
            SampleOutcome::Failed(f) => {
                flags.push(format!("sample {} failed: {}", f.sample, f.error))
            }
            SampleOutcome::Report(r) => {
                // Drugs one source has no guideline for are listed in every
                // report; they say nothing about the input.
                flags.extend(
                    r.warnings
                        .iter()
                        .filter(|w| !w.contains(" has no guideline for "))
                        .cloned(),
                );
                for g in &r.genes {
                    flags.extend(g.warnings.iter().map(|w| format!("{}: {w}", g.gene)));
                    if let Some(call) = &g.call {
                        if let Some(reason) = &call.no_call_reason {
                            flags.push(format!("{}: no call: {reason:?}", g.gene));
                        }
                        flags.extend(call.notes.iter().map(|n| format!("{}: {n:?}", g.gene)));
                        // Positions not used for a reason other than absence.
                        flags.extend(
                            call.evidence
                                .missing
                                .iter()
                                .filter(|m| m.reason != MissingReason::NotInVcf)
                                .map(|m| {
                                    format!(
                                        "{}: {} not used: {}",
                                        g.gene,
                                        m.position,
                                        m.reason.describe()
                                    )
                                }),
                        );
                    }
                    calls.push((g.gene.clone(), g.diplotypes.clone()));
                }
            }
        }
    }
    Outcome::Read { flags, calls }
}

fn run(engine: &Engine, input: &Surface) -> Outcome {
    let failed = |e: dosera::Error| Outcome::Failed(e.code(), e.to_string());
    let options = CallOptions::default();
    match input {
        Surface::Vcf(bytes) => {
            let result = VcfReader::from_bytes(bytes.clone())
                .and_then(|mut r| dosera::report::cohort(engine, &mut r, &options, &[], &[]));
            result.map_or_else(failed, from_reports)
        }
        Surface::VcfRows(bytes) => {
            let mut flags = Vec::new();
            let mut calls = Vec::new();
            let result = VcfReader::from_bytes(bytes.clone()).and_then(|mut r| {
                tables::cohort_rows(engine, &mut r, &options, &[], &[], &mut |rows| {
                    if let Some((sample, error)) = &rows.failed {
                        flags.push(format!("sample {sample} failed: {error}"));
                    }
                    // Each genes.tsv line: sample, gene, source, diplotype, ...
                    let mut tsv = Vec::new();
                    tables::write_tsv(&mut tsv, &rows.genes)
                        .map_err(|e| dosera::Error::Internal(format!("rows as TSV: {e}")))?;
                    let tsv = String::from_utf8_lossy(&tsv).into_owned();
                    for line in tsv.lines() {
                        let mut cols = line.split('\t');
                        let (_, gene, _, dip) =
                            (cols.next(), cols.next(), cols.next(), cols.next());
                        if let (Some(gene), Some(dip)) = (gene, dip) {
                            calls.push((gene.to_string(), vec![dip.to_string()]));
                        }
                    }
                    Ok(())
                })
            });
            match result {
                Err(e) => failed(e),
                Ok(n) => {
                    flags.push(format!("{n} samples"));
                    Outcome::Read { flags, calls }
                }
            }
        }
        Surface::VcfWithOutside(bytes, text) => {
            let result = outside::parse(text)
                .and_then(|calls| engine.resolve_outside(&calls))
                .and_then(|resolved| {
                    let mut r = VcfReader::from_bytes(bytes.clone())?;
                    dosera::report::cohort(engine, &mut r, &options, &resolved, &[])
                });
            result.map_or_else(failed, from_reports)
        }
        Surface::Outside(text) => {
            match outside::parse(text).and_then(|calls| engine.resolve_outside(&calls)) {
                Ok(resolved) => Outcome::Read {
                    flags: resolved.iter().flat_map(|r| r.warnings.clone()).collect(),
                    calls: Vec::new(),
                },
                Err(e) => failed(e),
            }
        }
        Surface::Request(json) => match serde_json::from_str::<dosera::Request>(json) {
            Err(e) => Outcome::Failed(ErrorCode::Usage, e.to_string()),
            Ok(request) => match engine.recommend(&request) {
                Err(e) => failed(e),
                Ok(result) => Outcome::Read {
                    flags: result.warnings.clone(),
                    calls: Vec::new(),
                },
            },
        },
        Surface::PackFolder { file, text } => {
            let source =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guidelines/data");
            let copy = std::env::temp_dir().join(format!("dosera-hostile-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&copy);
            copy_dir(&source, &copy);
            std::fs::write(copy.join(file), text).unwrap();
            let outcome = match dosera::pack::PackSet::from_dir(&copy) {
                Err(e) => failed(e),
                Ok(_) => Outcome::Read {
                    flags: Vec::new(),
                    calls: Vec::new(),
                },
            };
            let _ = std::fs::remove_dir_all(&copy);
            outcome
        }
        Surface::Pack(bytes) => match dosera::pack::Pack::from_json(bytes) {
            Err(e) => failed(e),
            Ok(_) => Outcome::Read {
                flags: Vec::new(),
                calls: Vec::new(),
            },
        },
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Failed(code, m) => format!("error {code:?}: {m}"),
        Outcome::Read { flags, calls } => format!("read; flags {flags:?}; calls {calls:?}"),
    }
}

fn holds(expect: &Expect, outcome: &Outcome) -> bool {
    match (expect, outcome) {
        (Expect::Error(code, text), Outcome::Failed(c, m)) => c == code && m.contains(text),
        (Expect::Flagged(text), Outcome::Read { flags, .. }) => {
            flags.iter().any(|f| f.contains(text))
        }
        (Expect::Called(gene, dip), Outcome::Read { calls, .. }) => calls
            .iter()
            .any(|(g, d)| g == gene && d.iter().any(|x| x == dip)),
        (Expect::Each(n, gene, dip), Outcome::Read { flags, calls }) => {
            flags.iter().all(|f| !f.contains("failed"))
                && flags.contains(&format!("{n} samples"))
                && calls
                    .iter()
                    .filter(|(g, d)| g == gene && d.iter().any(|x| x == dip))
                    .count()
                    == *n
        }
        _ => false,
    }
}

fn case(name: &'static str, input: Surface, expect: Expect) -> Case {
    Case {
        name,
        input,
        expect,
    }
}

fn catalogue() -> Vec<Case> {
    use Expect::{Called, Each, Error, Flagged};
    use Surface::{Outside, Pack, PackFolder, Request, Vcf, VcfRows, VcfWithOutside};
    let het2 = one_sample(&[(STAR2, "0/1")]);
    let text = String::from_utf8(het2.clone()).unwrap();
    let bgz = bgzip(&het2);
    let gz = gzip(&het2);
    let mut cases = Vec::from([
        // ---- compression and container ----
        case(
            "empty input",
            Vcf(Vec::new()),
            Error(ErrorCode::InvalidVcf, "empty"),
        ),
        case(
            "gzip cut in half",
            Vcf(gz[..gz.len() / 2].to_vec()),
            Error(ErrorCode::InvalidVcf, ""),
        ),
        case(
            "bgzip without its end-of-file block",
            Vcf(bgz[..bgz.len() - 28].to_vec()),
            Error(ErrorCode::InvalidVcf, "truncated"),
        ),
        case(
            "bgzip cut inside a block",
            Vcf(bgz[..bgz.len() / 2].to_vec()),
            Error(ErrorCode::InvalidVcf, ""),
        ),
        case(
            "gzip that holds nothing",
            Vcf(gzip(b"")),
            Error(ErrorCode::InvalidVcf, "empty"),
        ),
        case(
            "BCF version 1 magic",
            Vcf(b"BCF\x01\x00rest".to_vec()),
            Error(ErrorCode::InvalidVcf, "BCF version 1"),
        ),
        case(
            "BCF 2 magic then garbage",
            Vcf(b"BCF\x02\x02\xff\xff\xff\xffgarbage".to_vec()),
            Error(ErrorCode::InvalidVcf, ""),
        ),
        case(
            "BAM instead of VCF",
            Vcf(b"BAM\x01\x00\x00\x00\x00".to_vec()),
            Error(ErrorCode::InvalidVcf, "BAM"),
        ),
        case(
            "zstd-compressed",
            Vcf(b"\x28\xb5\x2f\xfd\x00\x00\x00".to_vec()),
            Error(ErrorCode::InvalidVcf, "compressed"),
        ),
        case(
            "binary noise",
            Vcf((0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect()),
            Error(ErrorCode::InvalidVcf, ""),
        ),
    ]);
    cases.extend([
        // ---- header ----
        case(
            "no header at all",
            Vcf(format!("{STAR2}\t0/1\n").into_bytes()),
            Error(ErrorCode::InvalidVcf, ""),
        ),
        case(
            "no #CHROM line",
            Vcf(format!("{HEAD}{STAR2}\t0/1\n").into_bytes()),
            Error(ErrorCode::InvalidVcf, ""),
        ),
        case(
            "GRCh37 named in the header",
            Vcf(text
                .replacen(
                    "##fileformat=VCFv4.2\n",
                    "##fileformat=VCFv4.2\n##reference=GRCh37\n",
                    1,
                )
                .into_bytes()),
            Error(ErrorCode::UnsupportedBuild, ""),
        ),
        case(
            "GRCh37 contig lengths",
            Vcf(text
                .replace("length=133797422", "length=135534747")
                .into_bytes()),
            Error(ErrorCode::UnsupportedBuild, ""),
        ),
        case(
            "GRCh37 positions, no build in the header",
            Vcf(format!(
                "##fileformat=VCFv4.2\n{COLUMNS}\tS1\n{}\t0/1\n",
                STAR2.replace("94781859", "96541616")
            )
            .into_bytes()),
            Flagged("this VCF looks like another genome build than GRCh38"),
        ),
        case(
            "records far from every pharmacogene",
            Vcf(one_sample(&[(
                &STAR2.replace("94781859", "50000000"),
                "0/1",
            )])),
            Flagged("this VCF covers no pharmacogene position"),
        ),
        case(
            "contig spelled chromosome10",
            Vcf(text.replace("chr10", "chromosome10").into_bytes()),
            Error(ErrorCode::InvalidVcf, "chromosome10"),
        ),
        case(
            "sample name not UTF-8",
            Vcf({
                let mut b = HEAD.as_bytes().to_vec();
                b.extend_from_slice(COLUMNS.as_bytes());
                b.extend_from_slice(b"\tS\xff1\n");
                b.extend_from_slice(format!("{STAR2}\t0/1\n").as_bytes());
                b
            }),
            Error(ErrorCode::InvalidVcf, ""),
        ),
        case(
            "the same sample named twice",
            Vcf(vcf_with(&["S1", "S1"], &[format!("{STAR2}\t0/1\t1/1")])),
            Error(ErrorCode::InvalidVcf, "S1"),
        ),
        case(
            "zero samples (sites only)",
            Vcf(format!("{HEAD}{SITES_ONLY}").into_bytes()),
            Error(ErrorCode::InvalidVcf, "sample"),
        ),
    ]);
    cases.extend([
        // ---- records ----
        case(
            "CRLF line endings",
            Vcf(text.replace('\n', "\r\n").into_bytes()),
            Called("CYP2C19", "*1/*2"),
        ),
        case(
            "a header line among the records",
            Vcf(format!("{text}##INFO=<ID=X>\n").into_bytes()),
            Error(ErrorCode::InvalidVcf, "header line"),
        ),
        case(
            "record with five columns",
            Vcf(format!("{text}chr10\t94781859\t.\tG\tA\n").into_bytes()),
            Error(ErrorCode::InvalidVcf, "5 tab-separated columns"),
        ),
        case(
            "POS that is not a number",
            Vcf(one_sample(&[(
                &STAR2.replace("94781859", "9478x859"),
                "0/1",
            )])),
            Error(ErrorCode::InvalidVcf, "9478x859"),
        ),
        case(
            "more sample columns than samples",
            Vcf(one_sample(&[(STAR2, "0/1\t1/1")])),
            Error(ErrorCode::InvalidVcf, "more sample columns"),
        ),
        case(
            "record bytes not UTF-8 before the samples",
            Vcf({
                let mut b = het2.clone();
                b.extend_from_slice(b"chr10\t94781859\trs\xff\tG\tA\t.\tPASS\t.\tGT\t0/1\n");
                b
            }),
            Error(ErrorCode::InvalidVcf, "UTF-8"),
        ),
        case(
            "gVCF <NON_REF> reference block",
            Vcf(one_sample(&[(
                "chr10\t94781800\t.\tG\t<NON_REF>\t.\tPASS\tEND=94781900\tGT",
                "0/0",
            )])),
            Error(ErrorCode::InvalidVcf, "gVCF"),
        ),
        case(
            "10 MB INFO field",
            Vcf(one_sample(&[(
                &STAR2.replace(
                    "PASS\t.\tGT",
                    &format!("PASS\tX={}\tGT", "a".repeat(10 << 20)),
                ),
                "0/1",
            )])),
            Called("CYP2C19", "*1/*2"),
        ),
        case(
            "missing GT (FORMAT without GT)",
            Vcf(one_sample(&[(&STAR2.replace("\tGT", "\tDP"), "12")])),
            Flagged("GT"),
        ),
        case(
            "GT names more alleles than the ALTs",
            Vcf(one_sample(&[(STAR2, "0/2")])),
            Flagged("names allele 2"),
        ),
        case(
            "half call .|1",
            Vcf(one_sample(&[(STAR2, ".|1")])),
            Flagged("94781859 not used: only one allele called"),
        ),
        case(
            "haploid call on an autosome",
            Vcf(one_sample(&[(STAR2, "1")])),
            Flagged("94781859 not used: haploid call on an autosome"),
        ),
        case(
            "triploid call",
            Vcf(one_sample(&[(STAR2, "0/1/1")])),
            Flagged("94781859 not used: more than two alleles called"),
        ),
        case(
            "unreadable allele in GT",
            Vcf(one_sample(&[(STAR2, "0/x")])),
            Flagged("unreadable allele"),
        ),
        case(
            "the same position twice",
            Vcf(one_sample(&[(STAR2, "0/1"), (STAR2, "0/0")])),
            Flagged("two records of the same variant (G > A) give different genotypes"),
        ),
        case(
            "records out of order",
            Vcf(one_sample(&[(STAR2, "0/1"), (STAR17, "0/1")])),
            Called("CYP2C19", "*2/*17"),
        ),
        case(
            "REF that does not match the genome",
            Vcf(one_sample(&[(
                &STAR2.replace("\tG\tA\t", "\tT\tA\t"),
                "0/1",
            )])),
            Flagged("VCF REF T differs from GRCh38 G; position not used"),
        ),
        case(
            "symbolic <DEL> ALT at a definition position",
            Vcf(one_sample(&[(
                &STAR2.replace("\tG\tA\t", "\tG\t<DEL>\t"),
                "0/1",
            )])),
            Flagged("94781859 not used: no genotype called"),
        ),
        case(
            "spanning deletion * ALT",
            Vcf(one_sample(&[(
                &STAR2.replace("\tG\tA\t", "\tG\tA,*\t"),
                "1/2",
            )])),
            Flagged("94781859 not used: no genotype called"),
        ),
        case(
            "a sample's genotype bytes not UTF-8",
            Vcf({
                let mut b = vcf_with(&["S1", "S2"], &[]);
                b.extend_from_slice(format!("{STAR2}\t0/1\t0/").as_bytes());
                b.extend_from_slice(b"\xff\n");
                b
            }),
            Flagged("sample S2"),
        ),
        case(
            "100,000 samples at one position",
            VcfRows({
                let names: Vec<String> = (0..100_000).map(|i| format!("S{i}")).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let gts = vec!["0/1"; 100_000].join("\t");
                vcf_with(&refs, &[format!("{STAR2}\t{gts}")])
            }),
            Each(100_000, "CYP2C19", "*1/*2 | *2/*38"),
        ),
    ]);
    cases.extend([
        // ---- outside calls ----
        case(
            "outside call for an unknown gene",
            Outside("CYP2C91\t*1/*2\n".into()),
            Error(ErrorCode::UnknownGene, "CYP2C91"),
        ),
        case(
            "outside call with an unknown allele",
            Outside("CYP2C19\t*1/*99\n".into()),
            Flagged("unknown allele `*99`"),
        ),
        case(
            "outside call line with nothing after the gene",
            Outside("CYP2C19\n".into()),
            Error(ErrorCode::MalformedOutsideCall, "CYP2C19"),
        ),
        case(
            "outside call naming a gene twice",
            VcfWithOutside(het2.clone(), "CYP2D6\t*1/*2\nCYP2D6\t*1/*4\n".into()),
            Flagged("each is a candidate of an ambiguous result"),
        ),
        case(
            "outside call contradicting the VCF",
            VcfWithOutside(het2.clone(), "CYP2C19\t*1/*1\n".into()),
            Flagged("the outside call (*1/*1) differs from the VCF call"),
        ),
    ]);
    cases.extend([
        // ---- the gene-results request JSON (C and WebAssembly) ----
        case(
            "request JSON cut short",
            Request(r#"{"genes": [{"gene": "CYP2C19""#.into()),
            Error(ErrorCode::Usage, "EOF"),
        ),
        case(
            "request naming an unknown gene",
            Request(r#"{"genes": [{"gene": "CYP2C91", "value": "*1/*2"}]}"#.into()),
            Error(ErrorCode::UnknownGene, "CYP2C91"),
        ),
        case(
            "request with an unknown allele",
            Request(r#"{"genes": [{"gene": "CYP2C19", "value": "*1/*99"}]}"#.into()),
            Error(ErrorCode::UnknownAllele, "*99"),
        ),
        case(
            "request with an unknown drug",
            Request(
                r#"{"genes": [{"gene": "CYP2C19", "value": "*1/*2"}], "drugs": ["aspirin-x"]}"#
                    .into(),
            ),
            Error(ErrorCode::UnknownDrug, "aspirin-x"),
        ),
    ]);
    cases.extend([
        // ---- knowledge packs ----
        case(
            "pack of another schema version",
            Pack(PACK_V99.to_vec()),
            Error(ErrorCode::SchemaVersion, "99"),
        ),
        case(
            "pack JSON cut short",
            Pack(serde_json::to_vec(&engine().packs()[0]).unwrap()[..1000].to_vec()),
            Error(ErrorCode::InvalidPack, ""),
        ),
        case(
            "pack folder with a file changed after its manifest",
            PackFolder {
                file: "cpic/genes/CYP2C19.json",
                text: "{}\n",
            },
            Error(ErrorCode::ChecksumMismatch, "cpic/genes/CYP2C19.json"),
        ),
        case(
            "pack that is not JSON",
            Pack(b"\x00\x01not json".to_vec()),
            Error(ErrorCode::InvalidPack, ""),
        ),
    ]);
    cases.push(Case {
        name: "bgzip with a corrupted byte",
        input: Vcf({
            let mut b = bgz.clone();
            let mid = b.len() / 3;
            b[mid] ^= 0xff;
            b
        }),
        expect: Error(ErrorCode::InvalidVcf, ""),
    });
    cases
}

#[test]
fn every_hostile_input_gives_its_expected_outcome() {
    let engine = engine();
    let cases = catalogue();
    let mut wrong = Vec::new();
    for case in &cases {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&engine, &case.input)));
        match outcome {
            Err(_) => wrong.push(format!("{}: PANICKED", case.name)),
            Ok(o) => {
                if !holds(&case.expect, &o) {
                    wrong.push(format!(
                        "{}: expected {:?}, got {}",
                        case.name,
                        case.expect,
                        describe(&o)
                    ));
                }
            }
        }
    }
    assert!(cases.len() >= 40, "{} cases", cases.len());
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
