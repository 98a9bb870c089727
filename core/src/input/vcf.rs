//! The VCF input adapter: the only module that touches noodles.
//!
//! [`VcfReader`] reads plain VCF, gzip- or bgzip-compressed VCF and BCF
//! (plain or bgzip-compressed). The format is told from the first bytes,
//! never from the file name. The header is parsed with noodles (sample names,
//! contigs with their lengths, `##reference`) and checked for the genome
//! build before any record is read.
//!
//! Records are then handed out one [`Site`] at a time, only at the positions
//! the caller asks for: the reader looks at CHROM and POS first and decodes
//! the rest of a record (ALT, FORMAT, every sample) only when the position is
//! wanted, so a whole-genome file costs little more than decompressing it.
//! With a tabix (`.tbi`) or CSI (`.csi`) index beside a bgzipped VCF, even
//! that is avoided: [`VcfReader::restrict_to`] limits reading to the
//! regions asked for (the engine asks for its genes), and only their
//! compressed blocks are decompressed. [`write_index`] makes such an index.
//!
//! What the reader refuses, with [`Error::InvalidVcf`] or
//! [`Error::UnsupportedBuild`]:
//!
//! - input that is empty, truncated, corrupt, not UTF-8, or not a VCF at all;
//! - a header without a `#CHROM` line, or a record with fewer than eight
//!   columns or a non-numeric POS;
//! - a header that names GRCh37 (`##reference`, contig `assembly`, or the
//!   GRCh37 length of a chromosome); a header that names no build is
//!   read, and where its records lie is judged once they are read
//!   ([`crate::input::coverage`]);
//! - a record on a chromosome it cannot recognise (`chromosome1`, `foo`);
//!   alt, decoy, unplaced and HLA contigs are skipped silently instead;
//! - gVCF reference blocks: in a gVCF an absent position is not uncalled, so
//!   reading one as a plain VCF would give wrong answers.
//!
//! Problems that touch one call (a GT allele beyond the ALT alleles, an
//! unreadable GT value, bytes that are not UTF-8 in one sample's column, a
//! FORMAT without GT, an unusable header line) become
//! [`VcfReader::warnings`] instead: that sample's genotype at that record is
//! missing, and the other samples are read as usual.

mod bcf;
mod index;
mod text;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use noodles_vcf as nvcf;

pub use self::index::{write_index, IndexKind, IndexSummary, Region};
use super::{Contig, Site};
use crate::{Error, Result};

/// The reader's input once decompression is set up.
type Input = Box<dyn BufRead + Send>;

/// Buffer size for reading files and decompressed streams.
const BUFFER: usize = 1 << 16;

/// The 28-byte empty block every complete bgzip file ends with.
const BGZF_EOF: [u8; 28] = [
    0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00,
    0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// A VCF or BCF file being read: its header, then sites at wanted positions.
///
/// ```
/// use dosera::input::vcf::VcfReader;
///
/// let vcf = "##fileformat=VCFv4.2\n\
///            ##contig=<ID=chr10,length=133797422>\n\
///            #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94761900\trs12248560\tC\tT\t.\tPASS\t.\tGT\t0/1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1|1\n";
/// let mut reader = VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
/// assert_eq!(reader.samples(), ["S1"]);
///
/// // Only the second position is wanted: the first record is skipped unread.
/// let wanted = |chrom: &str, pos: u64| chrom == "chr10" && pos == 94781859;
/// let site = reader.next_site(&wanted)?.expect("one wanted site");
/// assert_eq!(site.alts, ["A"]);
/// assert_eq!(site.calls.get(0).unwrap().alleles, [Some(1), Some(1)]);
/// assert!(site.calls.get(0).unwrap().phased);
/// assert!(reader.next_site(&wanted)?.is_none());
/// # Ok::<(), dosera::Error>(())
/// ```
pub struct VcfReader {
    body: Body,
    /// The file read, when the reader was opened from a path.
    path: Option<String>,
    samples: Vec<String>,
    contigs: Vec<Contig>,
    state: State,
    /// The file, when opened from a path (for its index).
    file: Option<PathBuf>,
    /// Index files beside a bgzipped text VCF, not yet tried.
    candidates: Vec<(IndexKind, PathBuf)>,
    /// Some record has been asked for.
    started: bool,
    /// The input is bgzip-compressed.
    bgzf: bool,
    /// Records have been read through an index (see
    /// [`VcfReader::reopen_without_index`]).
    via_index: bool,
}

/// The records part of the input.
enum Body {
    Text(text::TextBody),
    Bcf(bcf::BcfBody),
    Indexed(Box<Indexed>),
}

/// A bgzipped text VCF read through its index, with the full-scan body
/// kept (positioned after the header) for falling back.
struct Indexed {
    body: index::IndexedBody,
    kind: IndexKind,
    full: text::TextBody,
    /// Sites handed out so far.
    delivered: u64,
    /// Warnings before the first record (the header's).
    warnings_before: usize,
}

/// What the record readers share: warnings, once-per-file flags, the last
/// contig seen and where the input came from.
struct State {
    warnings: Vec<String>,
    warned_no_gt: bool,
    warned_ad: bool,
    contig: ContigCache,
    path: Option<String>,
    /// Sample columns read, `(skip, take)`: the others are not parsed
    /// (see [`VcfReader::keep_samples`]).
    window: Option<(usize, usize)>,
}

/// Where a record is, for messages: a line of a text VCF or a BCF record.
#[derive(Debug, Clone, Copy)]
enum Loc {
    Line(u64),
    Record(u64),
}

impl Loc {
    fn number(self) -> u64 {
        match self {
            Loc::Line(n) | Loc::Record(n) => n,
        }
    }
}

impl Loc {
    /// ` (BCF record N)` for a BCF record, nothing for a text line (the
    /// error already names the line).
    fn in_bcf(self) -> String {
        match self {
            Loc::Line(_) => String::new(),
            Loc::Record(n) => format!(" (BCF record {n})"),
        }
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loc::Line(n) => write!(f, "line {n}"),
            Loc::Record(n) => write!(f, "BCF record {n}"),
        }
    }
}

fn invalid(line: Option<u64>, reason: impl Into<String>) -> Error {
    Error::InvalidVcf {
        line,
        reason: reason.into(),
    }
}

/// An error and its sources as one line (noodles errors say little alone).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

impl State {
    /// A read error: decompression problems are invalid input; anything else
    /// reading a file is an I/O error on that file.
    fn read_error(&self, e: io::Error, line: Option<u64>) -> Error {
        match e.kind() {
            io::ErrorKind::InvalidData
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::InvalidInput => invalid(
                line,
                format!(
                    "the compressed data is corrupt or truncated ({})",
                    chain(&e)
                ),
            ),
            _ => match &self.path {
                Some(path) => Error::Io {
                    path: path.clone(),
                    source: e,
                },
                None => invalid(line, format!("cannot read the input ({})", chain(&e))),
            },
        }
    }

    /// The normalised chromosome of a record, `None` for a contig to skip,
    /// or an error for a name that is no known contig at all.
    fn chrom(&mut self, raw: &str, loc: Loc) -> Result<Option<&str>> {
        match self.contig.kind(raw) {
            ContigKind::Primary(name) => Ok(Some(name.as_str())),
            ContigKind::Secondary => Ok(None),
            ContigKind::Unknown => Err(invalid(
                Some(loc.number()),
                format!(
                    "chromosome `{raw}`{} is not a name dosera recognises: expected 1-22, X, Y \
                     or MT (M), with or without a `chr` prefix (alt, decoy, unplaced and HLA \
                     contigs are skipped)",
                    loc.in_bcf()
                ),
            )),
        }
    }

    /// Warns once per file that records lack GT.
    fn no_gt(&mut self, loc: Loc) {
        if !self.warned_no_gt {
            self.warned_no_gt = true;
            self.warnings.push(format!(
                "records without a GT field (first at {loc}): their samples have no genotype there"
            ));
        }
    }

    /// Checks one GT allele index against the ALT count.
    fn allele(
        &mut self,
        index: u32,
        alts: usize,
        loc: Loc,
        sample: &str,
        gt: &dyn std::fmt::Display,
    ) -> Option<u32> {
        if index as usize <= alts {
            Some(index)
        } else {
            self.warnings.push(format!(
                "{loc}, sample {sample}: GT {gt} names allele {index} but the record has {alts} \
                 ALT allele{}; that allele is treated as missing",
                if alts == 1 { "" } else { "s" }
            ));
            None
        }
    }

    /// Keeps AD only when it has one value per allele (REF and each ALT).
    fn depths(
        &mut self,
        ad: Option<Vec<Option<u32>>>,
        alts: usize,
        loc: Loc,
    ) -> Option<Vec<Option<u32>>> {
        let ad = ad?;
        if ad.len() == alts + 1 {
            return Some(ad);
        }
        if !self.warned_ad {
            self.warned_ad = true;
            self.warnings.push(format!(
                "AD at {loc} has {} values for {} alleles: AD is ignored wherever its count \
                 differs from REF plus ALT",
                ad.len(),
                alts + 1
            ));
        }
        None
    }
}

/// How a chromosome name is read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ContigKind {
    /// A primary chromosome, normalised (`chr1`, `chrX`, `chrM`).
    Primary(String),
    /// An alt, decoy, unplaced, HLA or EBV contig: skipped.
    Secondary,
    /// Nothing known.
    Unknown,
}

/// The last contig name seen and how it reads (records come in runs).
#[derive(Default)]
struct ContigCache {
    raw: String,
    kind: Option<ContigKind>,
}

impl ContigCache {
    fn kind(&mut self, raw: &str) -> &ContigKind {
        if self.kind.is_none() || self.raw != raw {
            self.raw.clear();
            self.raw.push_str(raw);
            self.kind = Some(classify_contig(raw));
        }
        self.kind.get_or_insert(ContigKind::Unknown)
    }
}

/// Normalises a primary chromosome name to the `chr` form: `1`/`chr1` →
/// `chr1` (1 to 22), `X`, `Y`, and `M`/`MT` → `chrM`. The `chr` prefix may
/// be in any case. Anything else (alt contigs, decoys, other spellings) is
/// `None`.
///
/// ```
/// use dosera::input::vcf::normalize_chrom;
/// assert_eq!(normalize_chrom("10").as_deref(), Some("chr10"));
/// assert_eq!(normalize_chrom("chrX").as_deref(), Some("chrX"));
/// assert_eq!(normalize_chrom("MT").as_deref(), Some("chrM"));
/// assert_eq!(normalize_chrom("chr1_KI270706v1_random"), None);
/// assert_eq!(normalize_chrom("chromosome1"), None);
/// assert_eq!(normalize_chrom("chr23"), None);
/// ```
pub fn normalize_chrom(name: &str) -> Option<String> {
    let n = strip_chr(name);
    match n {
        "M" | "MT" => Some("chrM".into()),
        "X" | "Y" => Some(format!("chr{n}")),
        _ => {
            let digits =
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0');
            if !digits {
                return None;
            }
            n.parse::<u8>()
                .ok()
                .filter(|v| (1..=22).contains(v))
                .map(|v| format!("chr{v}"))
        }
    }
}

fn strip_chr(name: &str) -> &str {
    match name.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("chr") => &name[3..],
        _ => name,
    }
}

fn classify_contig(name: &str) -> ContigKind {
    match normalize_chrom(name) {
        Some(n) => ContigKind::Primary(n),
        None if is_secondary_contig(name) => ContigKind::Secondary,
        None => ContigKind::Unknown,
    }
}

/// Alt, decoy, unplaced, HLA and EBV contigs of GRCh38 and GRCh37 builds:
/// `chr1_KI270706v1_random`, `chrUn_GL000195v1`, `chr22_KI270879v1_alt`,
/// `chrUn_JTFH01000001v1_decoy`, `HLA-A*01:01:01:01`, `chrEBV`,
/// `GL000192.1`, `hs37d5`, `NC_007605`.
fn is_secondary_contig(name: &str) -> bool {
    if name.starts_with("HLA-") || name == "hs37d5" || name == "hs38d1" || name == "NC_007605" {
        return true;
    }
    let n = strip_chr(name);
    if n.eq_ignore_ascii_case("EBV") || n.starts_with("Un") {
        return true;
    }
    // chrN_<accession>_{random,alt,fix,decoy}: the part before `_` is a chromosome.
    if let Some((head, _)) = name.split_once('_') {
        if normalize_chrom(head).is_some() {
            return true;
        }
    }
    // Bare GenBank accessions of unplaced scaffolds and patches (GL000192.1, KI270706.1).
    let prefix: String = n.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    let rest = &n[prefix.len()..];
    matches!(
        prefix.as_str(),
        "GL" | "KI" | "JH" | "KN" | "KQ" | "KV" | "KZ" | "ML" | "MU"
    ) && rest.starts_with(|c: char| c.is_ascii_digit())
}

impl VcfReader {
    /// Opens a VCF or BCF file, plain or compressed, and reads its header.
    ///
    /// ```no_run
    /// let reader = dosera::input::vcf::VcfReader::from_path("patient.vcf.gz".as_ref())?;
    /// println!("{} samples", reader.samples().len());
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn from_path(path: &Path) -> Result<VcfReader> {
        let shown = path.display().to_string();
        let io_error = |source| Error::Io {
            path: shown.clone(),
            source,
        };
        let mut file = File::open(path).map_err(io_error)?;
        // A pipe cannot be searched for the bgzip end marker; a file can.
        let regular = file.metadata().map_err(io_error)?.is_file();
        let tail = if regular {
            Tail::Known(file_tail(&mut file).map_err(io_error)?)
        } else {
            Tail::Unknown
        };
        let input = Box::new(BufReader::with_capacity(BUFFER, file));
        let mut reader = Self::open(input, tail, Some(shown.clone()))?;
        reader.path = Some(shown);
        if reader.bgzf && matches!(reader.body, Body::Text(_)) {
            reader.candidates = index::candidates(path);
        }
        reader.file = Some(path.to_path_buf());
        Ok(reader)
    }

    /// The file read, as given to [`VcfReader::from_path`]; `None` for
    /// input held in memory. Reports record it as their input file.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";
    /// let reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert_eq!(reader.path(), None);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Reads a VCF or BCF held in memory, plain or compressed.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";
    /// let reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert_eq!(reader.samples(), ["S1"]);
    ///
    /// // Anything that is not a VCF is refused.
    /// assert!(dosera::input::vcf::VcfReader::from_bytes(b"hello".to_vec()).is_err());
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn from_bytes(bytes: Vec<u8>) -> Result<VcfReader> {
        let tail = bytes
            .len()
            .checked_sub(BGZF_EOF.len())
            .and_then(|start| bytes[start..].try_into().ok());
        Self::open(Box::new(Cursor::new(bytes)), Tail::Known(tail), None)
    }

    /// Sample names, in header order.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n";
    /// let reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert_eq!(reader.samples(), ["A", "B"]);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn samples(&self) -> &[String] {
        &self.samples
    }

    /// Reads only the sample columns `range` (0-based, of the header's
    /// samples) from here on: the others are skipped unparsed, so a part
    /// of a very wide file costs what its own samples cost (plus finding
    /// the columns). [`VcfReader::samples`] then lists these samples only,
    /// and a record's columns beyond the range are not checked. Returns
    /// `false`, changing nothing, for a BCF file (its samples are read as
    /// usual); an error for a range outside the header's samples or after
    /// records were read.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC\n\
    ///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert!(reader.keep_samples(1..3)?);
    /// assert_eq!(reader.samples(), ["B", "C"]);
    /// let site = reader.next_site(&|_, _| true)?.unwrap();
    /// assert_eq!(site.calls.len(), 2);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn keep_samples(&mut self, range: std::ops::Range<usize>) -> Result<bool> {
        if self.started {
            return Err(Error::Usage(
                "samples are chosen before records are read".into(),
            ));
        }
        if range.start > range.end || range.end > self.samples.len() {
            return Err(Error::Usage(format!(
                "sample range {}..{} is not within the VCF's {} samples",
                range.start,
                range.end,
                self.samples.len()
            )));
        }
        if matches!(self.body, Body::Bcf(_)) {
            return Ok(false);
        }
        let (skip, take) = match self.state.window {
            Some((skip, _)) => (skip + range.start, range.len()),
            None => (range.start, range.len()),
        };
        self.samples = self.samples[range].to_vec();
        self.state.window = Some((skip, take));
        Ok(true)
    }

    /// Contigs declared in the header, in header order.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=248956422>\n\
    ///            #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    /// let reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert_eq!(reader.contigs()[0].name, "chr1");
    /// assert_eq!(reader.contigs()[0].length, Some(248956422));
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn contigs(&self) -> &[Contig] {
        &self.contigs
    }

    /// Problems met so far that did not stop reading: header lines that
    /// could not be used, GT alleles beyond the ALT alleles, missing GT.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    ///            chr2\t233760233\t.\tCAT\tCATAT\t.\tPASS\t.\tGT\t0/2\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// let site = reader.next_site(&|_, _| true)?.unwrap();
    /// // Allele 2 does not exist: it reads as missing, with a warning.
    /// assert_eq!(site.calls.get(0).unwrap().alleles, [Some(0), None]);
    /// assert!(reader.warnings()[0].contains("line 3, sample S1"));
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn warnings(&self) -> &[String] {
        &self.state.warnings
    }

    /// The next record at a wanted position, or `None` at the end of the
    /// file. `wanted` gets the normalised chromosome (`chr10`) and the
    /// 1-based position; other records are skipped without decoding their
    /// samples.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    ///            10\t94761900\trs12248560\tc\tt,<*>\t.\tPASS\t.\tGT:AD:PS\t1|0:3,4,0:94761900\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// let site = reader.next_site(&|chrom, pos| chrom == "chr10" && pos == 94761900)?.unwrap();
    /// assert_eq!((site.chrom.as_str(), site.ref_allele.as_str()), ("chr10", "C"));
    /// assert_eq!(site.alts, ["T", "<*>"]);
    /// let call = site.calls.get(0).unwrap();
    /// assert_eq!(call.depths, Some(vec![Some(3), Some(4), Some(0)]));
    /// assert_eq!(call.phase_set.as_deref(), Some("94761900"));
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn next_site(&mut self, wanted: &dyn Fn(&str, u64) -> bool) -> Result<Option<Site>> {
        self.started = true;
        let indexed = match &mut self.body {
            Body::Text(body) => return body.next_site(&mut self.state, &self.samples, wanted),
            Body::Bcf(body) => return body.next_site(&mut self.state, &self.samples, wanted),
            Body::Indexed(indexed) => indexed,
        };
        let before = self.state.warnings.len();
        match indexed
            .body
            .next_site(&mut self.state, &self.samples, wanted)
        {
            Ok(site) if self.state.warnings.len() == before => {
                indexed.delivered += u64::from(site.is_some());
                Ok(site)
            }
            // A warning names the record's line, which only a full scan
            // knows; an error may be the index's fault. Either way the
            // file is read in full from here, as it would have been
            // without the index.
            Ok(_) => self.read_in_full(wanted, None),
            Err(e) => self.read_in_full(wanted, Some(e)),
        }
    }

    /// Restricts reading to the records of `regions` when a tabix (`.tbi`)
    /// or CSI (`.csi`) index sits beside the bgzipped VCF opened with
    /// [`VcfReader::from_path`]: only the compressed blocks holding those
    /// regions are decompressed. Returns whether the index is in use.
    ///
    /// Records come in file order, as in a full scan, and
    /// [`VcfReader::next_site`] gives the same sites, warnings and errors
    /// for every wanted position inside the regions, except that each
    /// [`Site::record`] is 0 (the record number is unknown without reading
    /// everything before it). A warning or an error at a record makes the
    /// reader go back and read the whole file from the start (skipping the
    /// sites already handed out), so that messages name the record's line
    /// as they would without the index. Records outside the regions are
    /// not looked at, so damage there goes unnoticed.
    ///
    /// No index is used, and the whole file is read, when there is none,
    /// for plain, gzip or BCF input, after [`VcfReader::ignore_index`], once
    /// a record has been read, and, with a warning, when the index is older
    /// than the VCF (it may not list every record), cannot be read, or
    /// belongs to another kind of file. `regions` may name chromosomes
    /// with or without `chr`: the index's own contig names are matched
    /// after normalising both.
    ///
    /// ```
    /// use dosera::input::vcf::{Region, VcfReader};
    /// // Input held in memory has no index: everything is read.
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";
    /// let mut reader = VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert!(!reader.restrict_to(&[Region::new("chr10", 94_761_900, 94_852_738)]));
    /// assert_eq!(reader.indexed(), None);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn restrict_to(&mut self, regions: &[Region]) -> bool {
        let candidates = std::mem::take(&mut self.candidates);
        if self.started {
            return self.indexed().is_some();
        }
        let Some(file) = &self.file else {
            return false;
        };
        match index::open(file, &candidates, regions) {
            Ok((body, kind)) => {
                let full = match std::mem::replace(&mut self.body, Body::Text(empty_text())) {
                    Body::Text(full) => full,
                    Body::Indexed(indexed) => indexed.full,
                    other => {
                        self.body = other;
                        return false;
                    }
                };
                self.via_index = true;
                self.body = Body::Indexed(Box::new(Indexed {
                    body,
                    kind,
                    full,
                    delivered: 0,
                    warnings_before: self.state.warnings.len(),
                }));
                true
            }
            Err(warning) => {
                self.state.warnings.extend(warning);
                self.indexed().is_some()
            }
        }
    }

    /// The kind of index records are being read through, if any (see
    /// [`VcfReader::restrict_to`]). `None` once the reader has fallen back
    /// to reading the whole file.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    /// let reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert_eq!(reader.indexed(), None);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn indexed(&self) -> Option<IndexKind> {
        match &self.body {
            Body::Indexed(indexed) => Some(indexed.kind),
            _ => None,
        }
    }

    /// Reads the whole file even when an index sits beside it (what
    /// `dosera report --no-index` asks for): a later
    /// [`VcfReader::restrict_to`] does nothing, and one made already is
    /// undone if no record has been read yet.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// reader.ignore_index();
    /// assert_eq!(reader.indexed(), None);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn ignore_index(&mut self) {
        self.candidates.clear();
        if !self.started && matches!(self.body, Body::Indexed(_)) {
            if let Body::Indexed(indexed) =
                std::mem::replace(&mut self.body, Body::Text(empty_text()))
            {
                self.body = Body::Text(indexed.full);
            }
        }
    }

    /// Starts again from the first record, without the index, when records
    /// were read through one (even if the reader has since fallen back to
    /// the whole file): the file is opened afresh, as
    /// [`VcfReader::from_path`] then [`VcfReader::ignore_index`] open it, so
    /// the sites and warnings that follow are exactly those of a reader
    /// that never used the index. For a caller that needs to see every
    /// record after all (dosera does when the pharmacogene regions held
    /// too little to judge the file by). `Ok(false)`, changing nothing,
    /// when no index was used; an error when the file cannot be opened
    /// again.
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
    ///            chr1\t10\t.\tA\tC\t.\t.\t.\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// // Input held in memory is never read through an index.
    /// assert!(!reader.reopen_without_index()?);
    /// assert!(reader.next_site(&|_, _| true)?.is_some());
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn reopen_without_index(&mut self) -> Result<bool> {
        let Some(file) = self.file.clone().filter(|_| self.via_index) else {
            return Ok(false);
        };
        let mut fresh = VcfReader::from_path(&file)?;
        fresh.ignore_index();
        *self = fresh;
        Ok(true)
    }

    /// Data records read so far, wanted or not: every record up to here in
    /// a full scan, only those in the index's blocks for the regions when
    /// read through an index (a measure of the work saved).
    ///
    /// ```
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n\
    ///            chr1\t10\t.\tA\tC\t.\t.\t.\nchr1\t20\t.\tA\tC\t.\t.\t.\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec())?;
    /// assert!(reader.next_site(&|_, _| false)?.is_none());
    /// assert_eq!(reader.records_scanned(), 2);
    /// # Ok::<(), dosera::Error>(())
    /// ```
    pub fn records_scanned(&self) -> u64 {
        match &self.body {
            Body::Text(body) => body.records(),
            Body::Bcf(body) => body.records(),
            Body::Indexed(indexed) => indexed.body.records(),
        }
    }

    /// Leaves the index and reads the whole file from its first record,
    /// skipping the sites already handed out, then gives the next one.
    /// Warnings are those of the header again, then the full scan's; when
    /// an error sent the reader here, a warning says the index failed (if
    /// the full scan meets the same error, that error ends the run).
    fn read_in_full(
        &mut self,
        wanted: &dyn Fn(&str, u64) -> bool,
        cause: Option<Error>,
    ) -> Result<Option<Site>> {
        let Body::Indexed(indexed) = std::mem::replace(&mut self.body, Body::Text(empty_text()))
        else {
            return Err(Error::Internal("no index to leave".into()));
        };
        let Indexed {
            kind,
            full,
            delivered,
            warnings_before,
            ..
        } = *indexed;
        self.body = Body::Text(full);
        self.state.warnings.truncate(warnings_before);
        self.state.warned_no_gt = false;
        self.state.warned_ad = false;
        if let Some(e) = cause {
            let why = match e {
                Error::InvalidVcf { reason, .. } => reason,
                other => other.to_string(),
            };
            self.state.warnings.push(format!(
                "the {kind} index does not fit the file ({why}): the whole file was read instead"
            ));
        }
        for _ in 0..delivered {
            if self.next_site(wanted)?.is_none() {
                return Ok(None);
            }
        }
        self.next_site(wanted)
    }

    /// Sets up decompression from the first bytes, then reads the header.
    fn open(mut input: Input, tail: Tail, path: Option<String>) -> Result<VcfReader> {
        let mut state = State {
            warnings: Vec::new(),
            warned_no_gt: false,
            warned_ad: false,
            contig: ContigCache::default(),
            path,
            window: None,
        };
        let head = peek(&mut input, &state)?;
        if head.is_empty() {
            return Err(invalid(None, "the input is empty"));
        }
        let bgzf = matches!(compression(&head), Compression::Bgzf);
        let mut input: Input = match compression(&head) {
            Compression::Bgzf => {
                if matches!(tail, Tail::Known(t) if t != Some(BGZF_EOF)) {
                    return Err(invalid(
                        None,
                        "the bgzip file lacks its end-of-file marker: it is truncated",
                    ));
                }
                Box::new(noodles_bgzf::io::Reader::new(input))
            }
            Compression::Gzip => Box::new(BufReader::with_capacity(
                BUFFER,
                flate2::bufread::MultiGzDecoder::new(input),
            )),
            Compression::Unsupported(name) => {
                return Err(invalid(
                    None,
                    format!(
                        "the input is {name}-compressed; dosera reads plain, gzip or bgzip \
                         VCF and BCF"
                    ),
                ))
            }
            Compression::None => input,
        };
        let head = peek(&mut input, &state)?;
        if head.is_empty() {
            return Err(invalid(None, "the input is empty once decompressed"));
        }
        if head.starts_with(b"BCF\x02") {
            return read_bcf(input, state);
        }
        if head.starts_with(b"BCF") {
            return Err(invalid(
                None,
                "BCF version 1 is not supported; use BCF 2 or VCF",
            ));
        }
        if head.starts_with(b"BAM\x01") || head.starts_with(b"CRAM") {
            return Err(invalid(
                None,
                "the input is a BAM or CRAM alignment file, not a VCF",
            ));
        }
        if head[0] != b'#' {
            return Err(invalid(
                Some(1),
                "not a VCF: it does not start with a `##fileformat` or `#CHROM` header line",
            ));
        }
        let mut header = HeaderReader::new();
        let mut buf = Vec::new();
        let mut line = 0u64;
        loop {
            buf.clear();
            let n = input
                .read_until(b'\n', &mut buf)
                .map_err(|e| state.read_error(e, Some(line + 1)))?;
            if n == 0 {
                return Err(invalid(
                    None,
                    format!("the header has no `#CHROM` line (the input ends after line {line})"),
                ));
            }
            line += 1;
            trim_newline(&mut buf);
            if buf.is_empty() {
                continue;
            }
            if buf[0] != b'#' {
                return Err(invalid(
                    Some(line),
                    "the header has no `#CHROM` line before the first record",
                ));
            }
            if header.line(line, &buf)? {
                break;
            }
        }
        let parsed = header.finish(&mut state)?;
        Ok(VcfReader {
            body: Body::Text(text::TextBody::new(input, line)),
            path: None,
            samples: parsed.samples,
            contigs: parsed.contigs,
            state,
            file: None,
            candidates: Vec::new(),
            started: false,
            bgzf,
            via_index: false,
        })
    }
}

/// Reads a BCF: the container header through noodles-bcf, the VCF header
/// text through the same parser as a text VCF, then records.
fn read_bcf(input: Input, mut state: State) -> Result<VcfReader> {
    let mut reader = noodles_bcf::io::Reader::from(input);
    let mut raw = Vec::new();
    {
        let io_err = |e: io::Error| {
            invalid(
                None,
                format!("the BCF header is unreadable ({})", chain(&e)),
            )
        };
        let mut header = reader.header_reader();
        let magic = header.read_magic_number().map_err(io_err)?;
        if &magic != b"BCF" {
            return Err(invalid(None, "not a BCF file"));
        }
        let (major, _) = header.read_format_version().map_err(io_err)?;
        if major != 2 {
            return Err(invalid(
                None,
                format!("BCF version {major} is not supported"),
            ));
        }
        let mut text = header.raw_vcf_header_reader().map_err(io_err)?;
        text.read_to_end(&mut raw).map_err(io_err)?;
        text.discard_to_end().map_err(io_err)?;
    }
    let text = std::str::from_utf8(&raw)
        .map_err(|e| invalid(None, format!("the BCF header is not UTF-8 ({e})")))?;
    let text = text.trim_end_matches('\0');
    let mut header = HeaderReader::new();
    let mut done = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if header.line(i as u64 + 1, line.as_bytes())? {
            done = true;
            break;
        }
    }
    if !done {
        return Err(invalid(None, "the BCF header has no `#CHROM` line"));
    }
    let parsed = header.finish(&mut state)?;
    let dictionaries = bcf::Dictionaries::from_header(text);
    Ok(VcfReader {
        body: Body::Bcf(bcf::BcfBody::new(reader.into_inner(), dictionaries)),
        path: None,
        samples: parsed.samples,
        contigs: parsed.contigs,
        state,
        file: None,
        candidates: Vec::new(),
        started: false,
        bgzf: false,
        via_index: false,
    })
}

/// A text body with nothing to read (a stand-in while bodies are swapped).
fn empty_text() -> text::TextBody {
    text::TextBody::new(Box::new(io::empty()), 0)
}

/// The last 28 bytes of the input, when it could be seen.
enum Tail {
    Known(Option<[u8; 28]>),
    /// A pipe or other stream.
    Unknown,
}

/// The first bytes available, without consuming them.
fn peek(input: &mut Input, state: &State) -> Result<Vec<u8>> {
    let buf = input.fill_buf().map_err(|e| state.read_error(e, None))?;
    Ok(buf[..buf.len().min(32)].to_vec())
}

/// The last 28 bytes of a file, where a bgzip end-of-file marker sits.
fn file_tail(file: &mut File) -> io::Result<Option<[u8; 28]>> {
    let len = file.seek(SeekFrom::End(0))?;
    let tail = if len >= BGZF_EOF.len() as u64 {
        let mut tail = [0u8; 28];
        file.seek(SeekFrom::End(-(BGZF_EOF.len() as i64)))?;
        file.read_exact(&mut tail)?;
        Some(tail)
    } else {
        None
    };
    file.seek(SeekFrom::Start(0))?;
    Ok(tail)
}

fn trim_newline(buf: &mut Vec<u8>) {
    if buf.last() == Some(&b'\n') {
        buf.pop();
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
}

enum Compression {
    None,
    Gzip,
    Bgzf,
    Unsupported(&'static str),
}

fn compression(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        // BGZF: FEXTRA set, XLEN 6, one `BC` subfield of length 2.
        let bgzf = head.len() >= 16
            && head[3] & 0x04 != 0
            && head[10..12] == [6, 0]
            && head[12..14] == *b"BC"
            && head[14..16] == [2, 0];
        if bgzf {
            Compression::Bgzf
        } else {
            Compression::Gzip
        }
    } else if head.starts_with(b"BZh") {
        Compression::Unsupported("bzip2")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Compression::Unsupported("xz")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Unsupported("zstd")
    } else {
        Compression::None
    }
}

/// What the header gives the rest of the reader.
struct ParsedHeader {
    samples: Vec<String>,
    contigs: Vec<Contig>,
}

/// Feeds header lines to the noodles parser one at a time, so that one
/// unusable meta line (a malformed INFO definition, say) becomes a warning
/// rather than a refusal of the whole file.
struct HeaderReader {
    parser: nvcf::header::Parser,
    started: bool,
    warnings: Vec<String>,
}

impl HeaderReader {
    fn new() -> HeaderReader {
        HeaderReader {
            parser: nvcf::header::Parser::default(),
            started: false,
            warnings: Vec::new(),
        }
    }

    /// Takes one header line (without its newline); true after `#CHROM`.
    fn line(&mut self, number: u64, line: &[u8]) -> Result<bool> {
        let text = std::str::from_utf8(line).map_err(|e| {
            invalid(
                Some(number),
                format!(
                    "the header is not UTF-8 text (byte {} of the line)",
                    e.valid_up_to() + 1
                ),
            )
        })?;
        if !self.started {
            self.started = true;
            let given = text.starts_with("##fileformat=");
            if given && self.parser.parse_partial(line).is_ok() {
                return Ok(false);
            }
            // noodles needs a known VCF version first: read the rest as 4.2.
            self.parser = nvcf::header::Parser::default();
            self.parser
                .parse_partial(b"##fileformat=VCFv4.2")
                .map_err(|e| invalid(Some(number), chain(&e)))?;
            if given {
                self.warnings.push(format!(
                    "header line {number}: `{text}` is not a VCF version dosera knows; read as VCFv4.2"
                ));
                return Ok(false);
            }
            self.warnings
                .push("the header does not start with `##fileformat`; read as VCFv4.2".to_string());
        }
        self.line_after_format(number, text)
    }

    fn line_after_format(&mut self, number: u64, text: &str) -> Result<bool> {
        if text.starts_with("#CHROM") {
            self.parser.parse_partial(text.as_bytes()).map_err(|e| {
                invalid(
                    Some(number),
                    format!("the `#CHROM` header line is malformed ({})", chain(&e)),
                )
            })?;
            return Ok(true);
        }
        if let Err(e) = self.parser.parse_partial(text.as_bytes()) {
            let shown: String = text.chars().take(80).collect();
            self.warnings.push(format!(
                "header line {number} is ignored ({}): {shown}",
                chain(&e)
            ));
        }
        Ok(false)
    }

    /// Finishes the header and checks the genome build.
    fn finish(self, state: &mut State) -> Result<ParsedHeader> {
        state.warnings.extend(self.warnings);
        let header = self
            .parser
            .finish()
            .map_err(|e| invalid(None, format!("the header is incomplete ({})", chain(&e))))?;
        let contigs: Vec<Contig> = header
            .contigs()
            .iter()
            .map(|(name, map)| Contig {
                name: name.clone(),
                length: map.length().map(|l| l as u64),
            })
            .collect();
        let mut build_notes: Vec<(String, String)> = Vec::new();
        if let Some(collection) = header.other_records().get("reference") {
            let values: Vec<String> = match collection {
                nvcf::header::record::value::Collection::Unstructured(list) => list.clone(),
                nvcf::header::record::value::Collection::Structured(map) => {
                    map.keys().cloned().collect()
                }
            };
            for v in values {
                build_notes.push(("##reference".to_string(), v));
            }
        }
        for (name, map) in header.contigs() {
            for (tag, value) in map.other_fields() {
                if tag.as_ref() == "assembly" {
                    build_notes.push((format!("the assembly of contig `{name}`"), value.clone()));
                }
            }
        }
        check_build(&contigs, &build_notes)?;
        Ok(ParsedHeader {
            samples: header.sample_names().iter().cloned().collect(),
            contigs,
        })
    }
}

/// GRCh37 lengths of the primary chromosomes (chrM only as hg19's 16571;
/// GRCh37's rCRS MT has GRCh38's length).
const GRCH37_LENGTHS: [(&str, u64); 25] = [
    ("chr1", 249250621),
    ("chr2", 243199373),
    ("chr3", 198022430),
    ("chr4", 191154276),
    ("chr5", 180915260),
    ("chr6", 171115067),
    ("chr7", 159138663),
    ("chr8", 146364022),
    ("chr9", 141213431),
    ("chr10", 135534747),
    ("chr11", 135006516),
    ("chr12", 133851895),
    ("chr13", 115169878),
    ("chr14", 107349540),
    ("chr15", 102531392),
    ("chr16", 90354753),
    ("chr17", 81195210),
    ("chr18", 78077248),
    ("chr19", 59128983),
    ("chr20", 63025520),
    ("chr21", 48129895),
    ("chr22", 51304566),
    ("chrX", 155270560),
    ("chrY", 59373566),
    ("chrM", 16571),
];

/// GRCh38 lengths, quoted in messages.
const GRCH38_LENGTHS: [(&str, u64); 25] = [
    ("chr1", 248956422),
    ("chr2", 242193529),
    ("chr3", 198295559),
    ("chr4", 190214555),
    ("chr5", 181538259),
    ("chr6", 170805979),
    ("chr7", 159345973),
    ("chr8", 145138636),
    ("chr9", 138394717),
    ("chr10", 133797422),
    ("chr11", 135086622),
    ("chr12", 133275309),
    ("chr13", 114364328),
    ("chr14", 107043718),
    ("chr15", 101991189),
    ("chr16", 90338345),
    ("chr17", 83257441),
    ("chr18", 80373285),
    ("chr19", 58617616),
    ("chr20", 64444167),
    ("chr21", 46709983),
    ("chr22", 50818468),
    ("chrX", 156040895),
    ("chrY", 57227415),
    ("chrM", 16569),
];

fn length_in(table: &[(&str, u64)], chrom: &str) -> Option<u64> {
    table.iter().find(|(c, _)| *c == chrom).map(|(_, l)| *l)
}

/// Refuses a header that says GRCh37: a contig with its GRCh37 length, or a
/// `##reference` (or contig `assembly`) naming GRCh37, hg19 or b37.
fn check_build(contigs: &[Contig], notes: &[(String, String)]) -> Result<()> {
    for contig in contigs {
        let (Some(chrom), Some(length)) = (normalize_chrom(&contig.name), contig.length) else {
            continue;
        };
        if length_in(&GRCH37_LENGTHS, &chrom) == Some(length) {
            let grch38 = length_in(&GRCH38_LENGTHS, &chrom).unwrap_or_default();
            return Err(Error::UnsupportedBuild(format!(
                "header contig `{}` has length {length}, its GRCh37/hg19 length (GRCh38 {chrom} \
                 is {grch38}); lift the VCF over to GRCh38 or call variants against GRCh38",
                contig.name
            )));
        }
    }
    for (what, value) in notes {
        if names_grch37(value) {
            return Err(Error::UnsupportedBuild(format!(
                "{what} is `{value}`, a GRCh37/hg19 reference; lift the VCF over to GRCh38 or \
                 call variants against GRCh38"
            )));
        }
    }
    Ok(())
}

/// Whether a reference name or path names GRCh37 (and not GRCh38 as well).
fn names_grch37(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let says_38 = tokens.iter().any(|t| {
        t.starts_with("grch38") || matches!(*t, "hg38" | "b38" | "hs38d1" | "hs38dh" | "assembly38")
    });
    let says_37 = lower.contains("g1k_v37")
        || tokens.iter().any(|t| {
            t.starts_with("grch37") || matches!(*t, "hg19" | "b37" | "hs37d5" | "assembly19")
        });
    says_37 && !says_38
}

/// Parses a GT value: `0/1`, `1|0`, `./.`, `.`, `1`, `0|.`. Phased when
/// every separator is `|` (a haploid call counts as phased). A VCF 4.4
/// leading phase mark (`|0|1`) is accepted and ignored.
/// The usual diploid `a/b` or `a|b` with one-digit alleles, read without
/// allocating: (first, second, phased). `None` for anything else.
fn quick_gt(
    gt: &str,
    alts: usize,
    loc: Loc,
    sample: &str,
    state: &mut State,
) -> Option<(Option<u32>, Option<u32>, bool)> {
    let [a, sep @ (b'/' | b'|'), b] = *gt.as_bytes() else {
        return None;
    };
    let one = |c: u8| match c {
        b'.' => Some(None),
        b'0'..=b'9' => Some(Some(u32::from(c - b'0'))),
        _ => None,
    };
    let (x, y) = (one(a)?, one(b)?);
    let mut check = |i: Option<u32>| {
        i.and_then(|i| state.allele(i, alts, loc, sample, &format_args!("`{gt}`")))
    };
    Some((check(x), check(y), sep == b'|'))
}

fn parse_gt(
    gt: &str,
    alts: usize,
    loc: Loc,
    sample: &str,
    state: &mut State,
) -> (Vec<Option<u32>>, bool) {
    if let Some((x, y, phased)) = quick_gt(gt, alts, loc, sample, state) {
        return (vec![x, y], phased);
    }
    let body = gt.strip_prefix(['|', '/']).unwrap_or(gt);
    if body.is_empty() {
        return (Vec::new(), false);
    }
    let phased = !body.contains('/');
    let alleles = body
        .split(['/', '|'])
        .map(|token| {
            if token == "." {
                return None;
            }
            let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
            match token.parse::<u32>() {
                Ok(i) if digits => state.allele(i, alts, loc, sample, &format_args!("`{gt}`")),
                _ => {
                    state.warnings.push(format!(
                        "{loc}, sample {sample}: GT `{gt}` has an unreadable allele `{token}`; \
                         that allele is treated as missing"
                    ));
                    None
                }
            }
        })
        .collect();
    (alleles, phased)
}

/// An ALT (or REF) allele upper-cased, except symbolic alleles and
/// breakends, which are kept as written.
fn normalize_allele(allele: &str) -> String {
    if allele.starts_with('<') || allele.contains('[') || allele.contains(']') {
        allele.to_string()
    } else {
        allele.to_ascii_uppercase()
    }
}

/// The refusal of a gVCF reference block.
fn gvcf_error(loc: Loc, chrom: &str, pos: u64, alt: &str) -> Error {
    invalid(
        Some(loc.number()),
        format!(
            "gVCF reference blocks are not supported: the record at {chrom}:{pos} is one (ALT \
             {alt} with INFO END), and in a gVCF an absent position is not an uncalled one; \
             convert the file to a plain VCF first, e.g. with `bcftools convert --gvcf2vcf \
             --fasta-ref GRCh38.fa`"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn state() -> State {
        State {
            warnings: Vec::new(),
            warned_no_gt: false,
            warned_ad: false,
            contig: ContigCache::default(),
            path: None,
            window: None,
        }
    }

    #[test]
    fn gt_forms() {
        let mut s = state();
        let l = Loc::Line(5);
        assert_eq!(
            parse_gt("0/1", 1, l, "S", &mut s),
            (vec![Some(0), Some(1)], false)
        );
        assert_eq!(
            parse_gt("1|0", 1, l, "S", &mut s),
            (vec![Some(1), Some(0)], true)
        );
        assert_eq!(
            parse_gt("./.", 1, l, "S", &mut s),
            (vec![None, None], false)
        );
        assert_eq!(parse_gt(".", 1, l, "S", &mut s), (vec![None], true));
        assert_eq!(parse_gt("1", 1, l, "S", &mut s), (vec![Some(1)], true));
        assert_eq!(
            parse_gt("0|.", 1, l, "S", &mut s),
            (vec![Some(0), None], true)
        );
        assert_eq!(
            parse_gt("|0|1", 1, l, "S", &mut s),
            (vec![Some(0), Some(1)], true)
        );
        assert_eq!(parse_gt("", 1, l, "S", &mut s), (vec![], false));
        assert!(s.warnings.is_empty());
        assert_eq!(
            parse_gt("0/2", 1, l, "S", &mut s),
            (vec![Some(0), None], false)
        );
        assert_eq!(
            parse_gt("0/x", 1, l, "S", &mut s),
            (vec![Some(0), None], false)
        );
        assert_eq!(
            parse_gt("0/+1", 1, l, "S", &mut s),
            (vec![Some(0), None], false)
        );
        assert_eq!(s.warnings.len(), 3);
        assert!(s.warnings[0].starts_with("line 5, sample S: GT `0/2` names allele 2"));
    }

    #[test]
    fn chromosome_names() {
        assert_eq!(normalize_chrom("chr1").as_deref(), Some("chr1"));
        assert_eq!(normalize_chrom("22").as_deref(), Some("chr22"));
        assert_eq!(normalize_chrom("Chr7").as_deref(), Some("chr7"));
        assert_eq!(normalize_chrom("chrM").as_deref(), Some("chrM"));
        assert_eq!(normalize_chrom("M").as_deref(), Some("chrM"));
        assert_eq!(normalize_chrom("chrMT").as_deref(), Some("chrM"));
        assert_eq!(normalize_chrom("Y").as_deref(), Some("chrY"));
        for bad in ["0", "23", "chr01", "+1", "", "chr", "x1", "chromosome1"] {
            assert_eq!(normalize_chrom(bad), None, "{bad}");
        }
        for skip in [
            "chr1_KI270706v1_random",
            "chrUn_GL000195v1",
            "chr22_KI270879v1_alt",
            "chrUn_JTFH01000001v1_decoy",
            "HLA-A*01:01:01:01",
            "chrEBV",
            "GL000192.1",
            "KI270706.1",
            "hs37d5",
            "NC_007605",
        ] {
            assert_eq!(classify_contig(skip), ContigKind::Secondary, "{skip}");
        }
        for unknown in ["chromosome1", "foo", "chr23", "NC_000001.11", "scaffold_1"] {
            assert_eq!(classify_contig(unknown), ContigKind::Unknown, "{unknown}");
        }
    }

    #[test]
    fn build_names() {
        for yes in [
            "GRCh37",
            "file:///refs/human_g1k_v37.fasta",
            "ucsc.hg19.fasta",
            "hs37d5.fa",
            "Homo_sapiens.GRCh37.75.dna.primary_assembly.fa",
            "b37",
            "Homo_sapiens_assembly19.fasta",
        ] {
            assert!(names_grch37(yes), "{yes}");
        }
        for no in [
            "hg38",
            "GRCh38_gencode_v37.fa",
            "/CLC_References/homo_sapiens/sequence/hg38_no_alt_analysis_set/x",
            "/data/lab37/GRCh38.fa",
            "/data/lab37/ref.fa",
        ] {
            assert!(!names_grch37(no), "{no}");
        }
    }

    #[test]
    fn grch37_contig_length_is_refused() {
        let contigs = [Contig {
            name: "1".into(),
            length: Some(249250621),
        }];
        let err = check_build(&contigs, &[]).unwrap_err();
        assert!(matches!(err, Error::UnsupportedBuild(_)));
        assert!(err.to_string().contains("248956422"), "{err}");
        let ok = [Contig {
            name: "chr1".into(),
            length: Some(248956422),
        }];
        check_build(&ok, &[]).unwrap();
    }

    #[test]
    fn compression_is_told_by_magic() {
        assert!(matches!(compression(&BGZF_EOF), Compression::Bgzf));
        assert!(matches!(
            compression(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
            Compression::Gzip
        ));
        assert!(matches!(compression(b"##fileformat"), Compression::None));
        assert!(matches!(
            compression(b"BZh91AY"),
            Compression::Unsupported("bzip2")
        ));
    }
}
