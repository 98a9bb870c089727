//! Reading a bgzipped text VCF through its tabix (`.tbi`) or CSI (`.csi`)
//! index, and writing such an index.
//!
//! The index maps a region to the compressed blocks that hold its records.
//! Only those blocks are decompressed; each record found there goes through
//! the same parsing as in a full scan ([`super::text::parse_record`]).
//!
//! The index is read by dosera's own reader ([`query`]); it is written
//! with noodles' indexers.
//!
//! An index is a shortcut, never a requirement: one that is older than the
//! VCF (it may not list records added since), unreadable, or made for
//! another kind of file is not used, with a warning, and the whole file is
//! read instead.

mod query;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use noodles_bgzf as bgzf;
use noodles_bgzf::VirtualPosition;
use noodles_core::Position;
use noodles_csi::binning_index::index::header;
use noodles_csi::binning_index::index::reference_sequence::bin;
use noodles_csi::binning_index::index::reference_sequence::index::BinnedIndex;
use serde::{Deserialize, Serialize};

use self::query::{Chunk, IndexFile};
use super::text::{parse_record, Numbered};
use super::{
    chain, classify_contig, compression, file_tail, invalid, normalize_chrom, trim_newline,
    Compression, ContigKind, State, BGZF_EOF, BUFFER,
};
use crate::input::Site;
use crate::{Error, Result};

/// The kind of index beside a bgzipped VCF.
///
/// ```
/// use dosera::input::vcf::IndexKind;
/// use std::path::Path;
///
/// assert_eq!(IndexKind::Tabix.to_string(), "tabix");
/// assert_eq!(
///     IndexKind::Csi.path_for(Path::new("/data/wgs.vcf.gz")),
///     Path::new("/data/wgs.vcf.gz.csi")
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexKind {
    /// A tabix index (`.tbi`).
    Tabix,
    /// A coordinate-sorted index (`.csi`), as `bcftools index` writes.
    Csi,
}

impl IndexKind {
    /// The file extension, without the dot: `tbi` or `csi`.
    ///
    /// ```
    /// assert_eq!(dosera::input::vcf::IndexKind::Tabix.extension(), "tbi");
    /// ```
    pub fn extension(self) -> &'static str {
        match self {
            IndexKind::Tabix => "tbi",
            IndexKind::Csi => "csi",
        }
    }

    /// Where this kind of index sits beside a VCF: the VCF's path with
    /// `.tbi` or `.csi` appended.
    ///
    /// ```
    /// use dosera::input::vcf::IndexKind;
    /// use std::path::Path;
    /// let tbi = IndexKind::Tabix.path_for(Path::new("patient.vcf.gz"));
    /// assert_eq!(tbi, Path::new("patient.vcf.gz.tbi"));
    /// ```
    pub fn path_for(self, vcf: &Path) -> PathBuf {
        let mut name = vcf.as_os_str().to_owned();
        name.push(".");
        name.push(self.extension());
        PathBuf::from(name)
    }
}

impl std::fmt::Display for IndexKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IndexKind::Tabix => "tabix",
            IndexKind::Csi => "CSI",
        })
    }
}

/// A stretch of one chromosome, 1-based and inclusive at both ends.
///
/// `chrom` may be written either way (`chr10` or `10`): it is matched
/// against the file's contig names after both are normalised.
///
/// ```
/// use dosera::input::vcf::Region;
/// let cyp2c19 = Region::new("chr10", 94_761_900, 94_852_738);
/// assert_eq!(cyp2c19.chrom, "chr10");
/// assert!(cyp2c19.start <= cyp2c19.end);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Chromosome (`chr10`, or `10`).
    pub chrom: String,
    /// First position (1-based).
    pub start: u64,
    /// Last position (1-based, inclusive).
    pub end: u64,
}

impl Region {
    /// A region from its chromosome and first and last positions.
    ///
    /// ```
    /// let r = dosera::input::vcf::Region::new("chr22", 42_126_000, 42_130_000);
    /// assert_eq!((r.start, r.end), (42_126_000, 42_130_000));
    /// ```
    pub fn new(chrom: impl Into<String>, start: u64, end: u64) -> Region {
        Region {
            chrom: chrom.into(),
            start,
            end,
        }
    }
}

/// The index files found beside a VCF, tabix first.
pub(super) fn candidates(vcf: &Path) -> Vec<(IndexKind, PathBuf)> {
    [IndexKind::Tabix, IndexKind::Csi]
        .into_iter()
        .map(|kind| (kind, kind.path_for(vcf)))
        .filter(|(_, path)| path.is_file())
        .collect()
}

/// Opens the VCF for reading the records of `regions` through the first
/// usable index among `candidates`. `Err` holds the warning to give, if
/// any (none when there was no index at all).
pub(super) fn open(
    vcf: &Path,
    candidates: &[(IndexKind, PathBuf)],
    regions: &[Region],
) -> std::result::Result<(IndexedBody, IndexKind), Option<String>> {
    if candidates.is_empty() {
        return Err(None);
    }
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified());
    let vcf_time = modified(vcf).map_err(|e| {
        Some(format!(
            "the modification time of {} cannot be read ({}), so its index cannot be checked \
             for staleness: the index is not used and the whole file is read",
            vcf.display(),
            chain(&e)
        ))
    })?;
    let mut stale = None;
    for (kind, path) in candidates {
        let shown = path.display();
        let unusable = |why: String| {
            Some(format!(
                "the {kind} index {shown} cannot be used ({why}): the whole file is read instead"
            ))
        };
        match modified(path) {
            Ok(time) if time >= vcf_time => {}
            Ok(_) => {
                stale.get_or_insert((kind, path));
                continue;
            }
            Err(e) => return Err(unusable(format!("its modification time: {}", chain(&e)))),
        }
        let file_len = std::fs::metadata(vcf)
            .map_err(|e| unusable(chain(&e)))?
            .len();
        let (chunks, contigs) = load(*kind, path)
            .and_then(|index| plan(&index, regions, file_len))
            .map_err(unusable)?;
        let body = IndexedBody::open(vcf, chunks, contigs).map_err(|e| unusable(chain(&e)))?;
        return Ok((body, *kind));
    }
    Err(stale.map(|(kind, path)| {
        format!(
            "the {kind} index {} is older than the VCF, so it may not list every record: it is \
             not used and the whole file is read",
            path.display()
        )
    }))
}

/// Largest decompressed index read (a human whole genome's is a few MB).
const MAX_INDEX: u64 = 1 << 30;

/// Reads and checks an index file.
fn load(kind: IndexKind, path: &Path) -> std::result::Result<IndexFile, String> {
    let compressed = std::fs::read(path).map_err(|e| chain(&e))?;
    let mut plain = Vec::new();
    bgzf::io::Reader::new(&compressed[..])
        .take(MAX_INDEX)
        .read_to_end(&mut plain)
        .map_err(|e| format!("it is not bgzip-compressed data ({})", chain(&e)))?;
    if plain.len() as u64 >= MAX_INDEX {
        return Err("it is larger than any index of a VCF".into());
    }
    IndexFile::parse(kind, plain)
}

/// The chunks of the VCF that hold the records of `regions`, merged and in
/// file order, and the contigs (as the file names them) queried.
fn plan(
    index: &IndexFile,
    regions: &[Region],
    file_len: u64,
) -> std::result::Result<(Vec<Chunk>, Vec<String>), String> {
    // Index order is file order: (normalised chromosome, contig number).
    let mut contigs = Vec::new();
    for (id, name) in index.names().iter().enumerate() {
        match classify_contig(name) {
            ContigKind::Primary(chrom) => contigs.push((chrom, id)),
            ContigKind::Secondary => {}
            ContigKind::Unknown => {
                return Err(format!(
                    "it lists contig `{name}`, which is not a chromosome name dosera recognises"
                ))
            }
        }
    }
    let mut chunks = Vec::new();
    let mut queried = Vec::new();
    for region in regions {
        let chrom = normalize_chrom(&region.chrom).unwrap_or_else(|| region.chrom.clone());
        for (_, id) in contigs.iter().filter(|(c, _)| *c == chrom) {
            chunks.extend(index.chunks(*id, region.start, region.end)?);
            let name = &index.names()[*id];
            if !queried.contains(name) {
                queried.push(name.clone());
            }
        }
    }
    let chunks = query::merge(chunks);
    if chunks
        .iter()
        .any(|c| VirtualPosition::from(c.end).compressed() > file_len)
    {
        return Err("it points past the end of the VCF: it belongs to another file".into());
    }
    Ok((chunks, queried))
}

/// The records of a bgzipped text VCF reached through an index: the merged
/// chunks of the regions asked for, each read from its start to its end.
pub(super) struct IndexedBody {
    reader: bgzf::io::Reader<BufReader<File>>,
    /// Chunks still to read, in file order.
    chunks: std::vec::IntoIter<Chunk>,
    /// End of the chunk being read.
    end: VirtualPosition,
    buf: Vec<u8>,
    scanned: u64,
    /// The contigs queried, as the file names them: a record on another
    /// one shows that the index does not fit the file.
    contigs: Vec<String>,
}

impl IndexedBody {
    fn open(vcf: &Path, chunks: Vec<Chunk>, contigs: Vec<String>) -> io::Result<IndexedBody> {
        let file = File::open(vcf)?;
        Ok(IndexedBody {
            reader: bgzf::io::Reader::new(BufReader::with_capacity(BUFFER, file)),
            chunks: chunks.into_iter(),
            end: VirtualPosition::MIN,
            buf: Vec::with_capacity(1 << 12),
            scanned: 0,
            contigs,
        })
    }

    /// Data records read so far (wanted or not).
    pub(super) fn records(&self) -> u64 {
        self.scanned
    }

    /// The next wanted record of the chunks. Records carry no line or
    /// record number (the reader falls back to a full scan before any
    /// message could need one).
    pub(super) fn next_site(
        &mut self,
        state: &mut State,
        samples: &[String],
        wanted: &dyn Fn(&str, u64) -> bool,
    ) -> Result<Option<Site>> {
        loop {
            let at = position(&mut self.reader).map_err(|e| state.read_error(e, None))?;
            if at >= self.end {
                let Some(chunk) = self.chunks.next() else {
                    return Ok(None);
                };
                self.end = VirtualPosition::from(chunk.end);
                // A chunk starting inside what was read already (they are
                // merged, so only by a record's length) goes on from here:
                // no record is read twice.
                let start = VirtualPosition::from(chunk.start);
                if start > at {
                    self.reader
                        .seek(start)
                        .map_err(|e| state.read_error(e, None))?;
                }
                continue;
            }
            self.buf.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| state.read_error(e, None))?;
            if n == 0 {
                // The file ended inside a chunk: on to the next one.
                self.end = VirtualPosition::MIN;
                continue;
            }
            trim_newline(&mut self.buf);
            if self.buf.is_empty() {
                continue;
            }
            self.scanned += 1;
            let chrom = self.buf.split(|&b| b == b'\t').next().unwrap_or_default();
            if !self.contigs.iter().any(|c| c.as_bytes() == chrom) {
                return Err(invalid(
                    None,
                    format!(
                        "it leads to a record on `{}`, a contig it was not asked for",
                        String::from_utf8_lossy(chrom)
                    ),
                ));
            }
            let unnumbered = Numbered { line: 0, record: 0 };
            if let Some(site) = parse_record(&self.buf, unnumbered, state, samples, wanted)? {
                return Ok(Some(site));
            }
        }
    }
}

/// The reader's virtual position, with an exhausted block left behind: a
/// record ending at a block's end then ends where the next one starts, as
/// htslib records chunk ends.
fn position<R: Read>(reader: &mut bgzf::io::Reader<R>) -> io::Result<VirtualPosition> {
    reader.fill_buf()?;
    Ok(reader.virtual_position())
}

/// What [`write_index`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSummary {
    /// The index file written.
    pub path: PathBuf,
    /// Its kind.
    pub kind: IndexKind,
    /// Data records indexed.
    pub records: u64,
    /// Contigs with records.
    pub contigs: usize,
}

/// Writes a tabix or CSI index beside a bgzipped VCF (`<vcf>.tbi` or
/// `<vcf>.csi`), as `tabix -p vcf` or `bcftools index` would, so that
/// [`super::VcfReader`] can read only the regions it needs.
///
/// The VCF must be bgzip-compressed and sorted (contigs in one block each,
/// positions ascending within a contig). A record spans POS to the end of
/// REF, or to INFO `END` when that is further. The index is written to a
/// temporary file first and renamed, so an interrupted run never leaves a
/// partial index behind.
///
/// ```
/// use std::io::Write;
/// use dosera::input::vcf::{write_index, IndexKind, VcfReader};
///
/// let dir = std::env::temp_dir().join(format!("dosera-index-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let vcf = dir.join("small.vcf.gz");
/// let mut bgzf = noodles_bgzf::io::Writer::new(std::fs::File::create(&vcf)?);
/// bgzf.write_all(b"##fileformat=VCFv4.2\n\
///     #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///     chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n")?;
/// bgzf.finish()?;
///
/// let summary = write_index(&vcf, IndexKind::Tabix)?;
/// assert_eq!((summary.records, summary.contigs), (1, 1));
/// assert!(summary.path.ends_with("small.vcf.gz.tbi"));
///
/// let mut reader = VcfReader::from_path(&vcf)?;
/// assert!(reader.restrict_to(&[dosera::input::vcf::Region::new("chr10", 94781000, 94782000)]));
/// assert_eq!(reader.indexed(), Some(IndexKind::Tabix));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_index(vcf: &Path, kind: IndexKind) -> Result<IndexSummary> {
    let io_error = |path: &Path| {
        let shown = path.display().to_string();
        move |source| Error::Io {
            path: shown.clone(),
            source,
        }
    };
    let mut file = File::open(vcf).map_err(io_error(vcf))?;
    let mut head = [0u8; 18];
    let got = read_up_to(&mut file, &mut head).map_err(io_error(vcf))?;
    if !matches!(compression(&head[..got]), Compression::Bgzf) {
        return Err(invalid(
            None,
            "only a bgzip-compressed VCF can be indexed: compress it with `bgzip` \
             (plain gzip cannot be read from the middle)",
        ));
    }
    if file_tail(&mut file).map_err(io_error(vcf))? != Some(BGZF_EOF) {
        return Err(invalid(
            None,
            "the bgzip file lacks its end-of-file marker: it is truncated",
        ));
    }
    let mut reader = bgzf::io::Reader::new(BufReader::with_capacity(BUFFER, file));
    let read_error = |e: io::Error, line: u64| {
        invalid(
            Some(line),
            format!(
                "the compressed data is corrupt or truncated ({})",
                chain(&e)
            ),
        )
    };
    let mut indexer = Indexer::new(kind);
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut header_done = false;
    loop {
        let start = position(&mut reader).map_err(|e| read_error(e, line + 1))?;
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| read_error(e, line + 1))?;
        if n == 0 {
            break;
        }
        line += 1;
        if line == 1 && buf.starts_with(b"BCF") {
            return Err(invalid(
                None,
                "the file is a BCF: dosera indexes bgzipped text VCF only (index a BCF with \
                 `bcftools index`)",
            ));
        }
        let end = position(&mut reader).map_err(|e| read_error(e, line + 1))?;
        trim_newline(&mut buf);
        if buf.is_empty() {
            continue;
        }
        if buf[0] == b'#' {
            if header_done {
                return Err(invalid(
                    Some(line),
                    "a header line after the `#CHROM` line (are two VCFs joined?)",
                ));
            }
            header_done = buf.starts_with(b"#CHROM");
            continue;
        }
        if !header_done {
            return Err(invalid(
                Some(line),
                "not a VCF: a record comes before the `#CHROM` header line",
            ));
        }
        let (chrom, first, last) = span(&buf, line)?;
        indexer.add(chrom, first, last, bin::Chunk::new(start, end), line)?;
    }
    if !header_done {
        return Err(invalid(
            None,
            "not a VCF: the file has no `#CHROM` header line",
        ));
    }
    let path = kind.path_for(vcf);
    let (records, contigs) = indexer.write(&path)?;
    Ok(IndexSummary {
        path,
        kind,
        records,
        contigs,
    })
}

/// Reads until `buf` is full or the input ends; the number of bytes read.
fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// CHROM, and the first and last positions a record covers: POS to the
/// end of REF, or to INFO `END` when that is further.
fn span(record: &[u8], line: u64) -> Result<(&str, u64, u64)> {
    let text = std::str::from_utf8(record).map_err(|e| {
        invalid(
            Some(line),
            format!(
                "the record is not UTF-8 text (byte {} of the line)",
                e.valid_up_to() + 1
            ),
        )
    })?;
    let columns: Vec<&str> = text.splitn(9, '\t').take(8).collect();
    let [chrom, pos, _id, ref_allele, _alt, _qual, _filter, info] = columns[..] else {
        return Err(invalid(
            Some(line),
            format!(
                "the record has {} tab-separated columns; a VCF record has at least 8",
                columns.len()
            ),
        ));
    };
    let digits = !pos.is_empty() && pos.bytes().all(|b| b.is_ascii_digit());
    let pos: u64 = pos
        .parse()
        .ok()
        .filter(|_| digits)
        .ok_or_else(|| invalid(Some(line), format!("POS `{pos}` is not a position")))?;
    let first = pos.max(1);
    let mut last = first + (ref_allele.len() as u64).max(1) - 1;
    if let Some(end) = info
        .split(';')
        .find_map(|kv| kv.strip_prefix("END="))
        .and_then(|v| v.parse::<u64>().ok())
    {
        last = last.max(end);
    }
    Ok((chrom, first, last))
}

/// Builds a tabix or CSI index from records in file order, refusing an
/// unsorted file with a message that says where.
struct Indexer {
    kind: IndexKind,
    tabix: noodles_tabix::index::Indexer,
    csi: noodles_csi::binning_index::Indexer<BinnedIndex>,
    names: Vec<String>,
    last: u64,
    records: u64,
}

impl Indexer {
    fn new(kind: IndexKind) -> Indexer {
        let mut tabix = noodles_tabix::index::Indexer::default();
        tabix.set_header(header::Builder::vcf().build());
        Indexer {
            kind,
            tabix,
            csi: noodles_csi::binning_index::Indexer::default(),
            names: Vec::new(),
            last: 0,
            records: 0,
        }
    }

    fn add(
        &mut self,
        chrom: &str,
        first: u64,
        last: u64,
        chunk: bin::Chunk,
        line: u64,
    ) -> Result<()> {
        let unsorted = |what: String| {
            invalid(
                Some(line),
                format!(
                    "the VCF is not sorted ({what}); sort it, e.g. with `bcftools sort`, \
                     before indexing"
                ),
            )
        };
        if self.names.last().map(String::as_str) != Some(chrom) {
            if self.names.iter().any(|n| n == chrom) {
                return Err(unsorted(format!(
                    "contig `{chrom}` appears again after other contigs"
                )));
            }
            self.names.push(chrom.to_string());
            self.last = 0;
        } else if first < self.last {
            return Err(unsorted(format!(
                "{chrom}:{first} comes after {chrom}:{}",
                self.last
            )));
        }
        self.last = first;
        let position = |p: u64| usize::try_from(p).ok().and_then(Position::new);
        let (Some(start), Some(end)) = (position(first), position(last)) else {
            return Err(invalid(Some(line), "the record's position is out of range"));
        };
        let added = match self.kind {
            IndexKind::Tabix => self.tabix.add_record(chrom, start, end, chunk),
            IndexKind::Csi => self
                .csi
                .add_record(Some((self.names.len() - 1, start, end, true)), chunk)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        added.map_err(|e| {
            invalid(
                Some(line),
                format!("the record cannot be indexed ({})", chain(&e)),
            )
        })?;
        self.records += 1;
        Ok(())
    }

    /// Writes the index (through a temporary file); records and contigs.
    fn write(self, path: &Path) -> Result<(u64, usize)> {
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".tmp{}", std::process::id()));
        let temporary = PathBuf::from(temporary);
        let contigs = self.names.len();
        let written = match self.kind {
            IndexKind::Tabix => noodles_tabix::fs::write(&temporary, &self.tabix.build()),
            IndexKind::Csi => {
                let mut header = header::Builder::vcf().build();
                for name in &self.names {
                    header
                        .reference_sequence_names_mut()
                        .insert(name.as_str().into());
                }
                let index = self.csi.set_header(header).build(contigs);
                noodles_csi::fs::write(&temporary, &index)
            }
        };
        let io_error = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
            let _ = std::fs::remove_file(&temporary);
            return Err(io_error(e));
        }
        Ok((self.records, contigs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_spans() {
        let (c, a, b) = span(b"chr1\t100\t.\tACGT\tA\t.\t.\t.", 1).unwrap();
        assert_eq!((c, a, b), ("chr1", 100, 103));
        let (_, a, b) = span(b"chr1\t100\t.\tA\t<*>\t.\t.\tDP=3;END=250", 1).unwrap();
        assert_eq!((a, b), (100, 250));
        let (_, a, b) = span(b"chr1\t0\t.\tN\t.\t.\t.\t.", 1).unwrap();
        assert_eq!((a, b), (1, 1));
        assert!(span(b"chr1\t1x\t.\tN\t.\t.\t.\t.", 1).is_err());
        assert!(span(b"chr1\t1\t.\tN", 1).is_err());
    }
}
