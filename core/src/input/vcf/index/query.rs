//! Reading a tabix or CSI index and finding the chunks of the VCF that
//! hold a region's records, after the hts-specs (the binning scheme and
//! the TBI and CSI layouts).
//!
//! The index is decompressed once and walked once, checking every count
//! against the bytes that follow it, to find where each contig's bins
//! start; a query then walks only its contig's bins. Nothing is kept per
//! bin, so even a whole genome's index costs a few milliseconds, and a
//! damaged count can never ask for a huge allocation.

use super::IndexKind;

/// A stretch of the compressed VCF between two virtual positions
/// (`start` included, `end` excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk {
    pub start: u64,
    pub end: u64,
}

/// An index file, decompressed and checked.
pub(super) struct IndexFile {
    bytes: Vec<u8>,
    kind: IndexKind,
    min_shift: u32,
    depth: u32,
    /// Contig names, in index (file) order.
    names: Vec<String>,
    /// Where each contig's bins start in `bytes`.
    contigs: Vec<usize>,
}

/// The VCF format code of a tabix configuration (`TBX_VCF`).
const FORMAT_VCF: i32 = 2;

impl IndexFile {
    /// Reads a decompressed index of `kind`; `Err` says what is wrong.
    pub(super) fn parse(kind: IndexKind, bytes: Vec<u8>) -> Result<IndexFile, String> {
        let mut walk = Walk {
            bytes: &bytes,
            at: 0,
        };
        let magic: &[u8] = match kind {
            IndexKind::Tabix => b"TBI\x01",
            IndexKind::Csi => b"CSI\x01",
        };
        if walk.take(4)? != magic {
            return Err(format!("it does not start as a {kind} index does"));
        }
        let (min_shift, depth, names, references) = match kind {
            IndexKind::Tabix => {
                let references = walk.count(8)?;
                let names = configuration(&mut walk)?;
                (14, 5, names, references)
            }
            IndexKind::Csi => {
                let min_shift = walk.i32()?;
                let depth = walk.i32()?;
                let (Ok(min_shift), Ok(depth)) = (u32::try_from(min_shift), u32::try_from(depth))
                else {
                    return Err("its bin sizes are impossible".into());
                };
                if min_shift == 0 || min_shift + 3 * depth > 62 {
                    return Err("its bin sizes are impossible".into());
                }
                let aux = walk.count(1)?;
                let mut inner = Walk {
                    bytes: walk.take(aux)?,
                    at: 0,
                };
                if aux == 0 {
                    return Err("it does not name the contigs it indexes".into());
                }
                let names = configuration(&mut inner)?;
                (min_shift, depth, names, walk.count(4)?)
            }
        };
        if names.len() != references {
            return Err(format!(
                "it names {} contigs but indexes {references}",
                names.len()
            ));
        }
        let mut contigs = Vec::with_capacity(references);
        for _ in 0..references {
            contigs.push(walk.at);
            let bins = walk.count(if kind == IndexKind::Csi { 16 } else { 8 })?;
            for _ in 0..bins {
                walk.take(4)?; // bin number
                if kind == IndexKind::Csi {
                    walk.take(8)?; // loffset
                }
                let chunks = walk.count(16)?;
                walk.take(chunks * 16)?;
            }
            if kind == IndexKind::Tabix {
                let intervals = walk.count(8)?;
                walk.take(intervals * 8)?;
            }
        }
        let names = names.into_iter().map(str::to_string).collect();
        Ok(IndexFile {
            kind,
            min_shift,
            depth,
            names,
            contigs,
            bytes,
        })
    }

    /// Contig names, in index order.
    pub(super) fn names(&self) -> &[String] {
        &self.names
    }

    /// The chunks that may hold records of contig `contig` overlapping
    /// `start..=end` (1-based), unmerged.
    pub(super) fn chunks(&self, contig: usize, start: u64, end: u64) -> Result<Vec<Chunk>, String> {
        let Some(&at) = self.contigs.get(contig) else {
            return Err(format!("it has no contig {contig}"));
        };
        // 0-based, end excluded, within what the bins can address.
        let limit = 1u64 << (self.min_shift + 3 * self.depth);
        let first = start.saturating_sub(1);
        let last = end.max(start).min(limit);
        if first >= last {
            return Ok(Vec::new());
        }
        let mut walk = Walk {
            bytes: &self.bytes,
            at,
        };
        let csi = self.kind == IndexKind::Csi;
        let mut found = Vec::new();
        let bins = walk.count(if csi { 16 } else { 8 })?;
        for _ in 0..bins {
            let bin = walk.u32()?;
            if csi {
                walk.take(8)?;
            }
            let chunks = walk.count(16)?;
            let wanted = self.overlaps(bin, first, last);
            for _ in 0..chunks {
                let chunk = Chunk {
                    start: walk.u64()?,
                    end: walk.u64()?,
                };
                if wanted && chunk.start < chunk.end {
                    found.push(chunk);
                }
            }
        }
        // Tabix's linear index: no record overlapping the region starts
        // before the first record overlapping its first 16 kb window. (CSI
        // bins' own offsets are not used: what they cover differs between
        // writers, and reading a little more is always safe.)
        if !csi {
            let windows = walk.count(8)?;
            let window = usize::try_from(first >> self.min_shift).unwrap_or(usize::MAX);
            if window < windows {
                walk.take(window * 8)?;
                let min = walk.u64()?;
                found.retain(|c| c.end > min);
            }
        }
        Ok(found)
    }

    /// Whether bin `bin` covers part of `first..last` (0-based, end
    /// excluded). The pseudo-bin of metadata lies past every level.
    fn overlaps(&self, bin: u32, first: u64, last: u64) -> bool {
        let bin = u64::from(bin);
        let mut level_start = 0u64;
        for level in 0..=self.depth {
            let count = 1u64 << (3 * level);
            if bin < level_start + count {
                let shift = self.min_shift + 3 * (self.depth - level);
                let offset = bin - level_start;
                return offset >= first >> shift && offset <= (last - 1) >> shift;
            }
            level_start += count;
        }
        false
    }
}

/// The tabix configuration (also CSI's auxiliary data): format, columns,
/// comment character, skipped lines, then the NUL-terminated contig names.
fn configuration<'a>(walk: &mut Walk<'a>) -> Result<Vec<&'a str>, String> {
    let format = walk.i32()?;
    // col_seq, col_beg, col_end, meta, skip
    walk.take(20)?;
    if format & 0xffff != FORMAT_VCF {
        return Err("it was made for another kind of file than VCF".into());
    }
    let length = walk.count(1)?;
    let names = walk.take(length)?;
    let names = names.strip_suffix(b"\0").unwrap_or(names);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    names
        .split(|&b| b == 0)
        .map(|name| std::str::from_utf8(name).map_err(|_| "a contig name is not UTF-8 text".into()))
        .collect()
}

/// Chunks sorted by start, overlapping or touching ones joined: each
/// record lies in at most one, and they come in file order.
pub(super) fn merge(mut chunks: Vec<Chunk>) -> Vec<Chunk> {
    chunks.sort_unstable_by_key(|c| (c.start, c.end));
    let mut merged: Vec<Chunk> = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        match merged.last_mut() {
            Some(last) if chunk.start <= last.end => last.end = last.end.max(chunk.end),
            _ => merged.push(chunk),
        }
    }
    merged
}

/// A cursor over index bytes; every read is bounds-checked.
struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Walk<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("it is truncated")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn i32(&mut self) -> Result<i32, String> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        let mut v = [0u8; 8];
        v.copy_from_slice(b);
        Ok(u64::from_le_bytes(v))
    }

    /// A count (i32) of items of at least `size` bytes each, which must
    /// fit in what is left.
    fn count(&mut self, size: usize) -> Result<usize, String> {
        let n = usize::try_from(self.i32()?).map_err(|_| "it holds a negative count")?;
        if n.saturating_mul(size) > self.bytes.len() - self.at {
            return Err("it is truncated or holds an impossible count".into());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tabix index of one contig, `names` NUL-separated, with `bins`
    /// (bin, chunks) and a linear index.
    fn tabix(names: &[&str], bins: &[(u32, &[(u64, u64)])], linear: &[u64]) -> Vec<u8> {
        let mut b = b"TBI\x01".to_vec();
        b.extend_from_slice(&(names.len() as i32).to_le_bytes());
        for v in [FORMAT_VCF, 1, 2, 0, i32::from(b'#'), 0] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        let joined: Vec<u8> = names
            .iter()
            .flat_map(|n| [n.as_bytes(), b"\0"].concat())
            .collect();
        b.extend_from_slice(&(joined.len() as i32).to_le_bytes());
        b.extend_from_slice(&joined);
        for _ in names {
            b.extend_from_slice(&(bins.len() as i32).to_le_bytes());
            for (bin, chunks) in bins {
                b.extend_from_slice(&bin.to_le_bytes());
                b.extend_from_slice(&(chunks.len() as i32).to_le_bytes());
                for (s, e) in *chunks {
                    b.extend_from_slice(&s.to_le_bytes());
                    b.extend_from_slice(&e.to_le_bytes());
                }
            }
            b.extend_from_slice(&(linear.len() as i32).to_le_bytes());
            for l in linear {
                b.extend_from_slice(&l.to_le_bytes());
            }
        }
        b
    }

    #[test]
    fn bins_and_linear_index_pick_the_chunks() {
        // Bin 4681 is the first 16 kb window, 4682 the second, 585 the
        // first 128 kb, 0 everything; 37450 is the metadata pseudo-bin.
        let bytes = tabix(
            &["chr1"],
            &[
                (4681, &[(100, 200)]),
                (4682, &[(300, 400)]),
                (585, &[(50, 80)]),
                (0, &[(10, 20)]),
                (37450, &[(1, 2), (3, 4)]),
            ],
            &[100, 300],
        );
        let index = IndexFile::parse(IndexKind::Tabix, bytes).unwrap();
        assert_eq!(index.names(), ["chr1"]);
        let got = |start, end| {
            let mut c: Vec<(u64, u64)> = index
                .chunks(0, start, end)
                .unwrap()
                .iter()
                .map(|c| (c.start, c.end))
                .collect();
            c.sort_unstable();
            c
        };
        // The first window: its bin; the wider bins' chunks end before the
        // window's first record (the linear index), so they are dropped.
        assert_eq!(got(1, 100), [(100, 200)]);
        // The second window: the linear index starts it at 300.
        assert_eq!(got(16_385, 16_400), [(300, 400)]);
        // Past the linear index, nothing is dropped by it.
        assert_eq!(got(200_000, 200_001), [(10, 20)]);
        assert!(index.chunks(1, 1, 2).is_err());
    }

    #[test]
    fn damage_is_refused() {
        let good = tabix(&["chr1", "chr2"], &[(4681, &[(1, 2)])], &[1]);
        IndexFile::parse(IndexKind::Tabix, good.clone()).unwrap();
        assert!(IndexFile::parse(IndexKind::Csi, good.clone()).is_err());
        for cut in [0, 3, 8, 30, good.len() - 1] {
            let err = IndexFile::parse(IndexKind::Tabix, good[..cut].to_vec())
                .err()
                .unwrap_or_else(|| panic!("cut at {cut}"));
            assert!(!err.is_empty());
        }
        // A count far beyond the bytes left is refused before any allocation.
        let mut huge = b"TBI\x01".to_vec();
        huge.extend_from_slice(&i32::MAX.to_le_bytes());
        huge.extend_from_slice(&[0; 28]);
        let err = IndexFile::parse(IndexKind::Tabix, huge).err().unwrap();
        assert!(err.contains("impossible count"), "{err}");
        // Names and contigs must agree.
        let mut two_names = tabix(&["chr1", "chr2"], &[], &[]);
        two_names[4..8].copy_from_slice(&1i32.to_le_bytes());
        assert!(IndexFile::parse(IndexKind::Tabix, two_names).is_err());
        // A BED index is not a VCF's.
        let mut bed = tabix(&["chr1"], &[], &[]);
        bed[8..12].copy_from_slice(&0i32.to_le_bytes());
        let err = IndexFile::parse(IndexKind::Tabix, bed).err().unwrap();
        assert!(err.contains("another kind of file"), "{err}");
    }

    #[test]
    fn merged_chunks_are_disjoint_and_sorted() {
        let c = |start, end| Chunk { start, end };
        let merged = merge(vec![c(50, 60), c(10, 20), c(15, 30), c(30, 40), c(70, 80)]);
        assert_eq!(merged, [c(10, 40), c(50, 60), c(70, 80)]);
        assert!(merge(Vec::new()).is_empty());
    }
}
