//! Records of a BCF 2 file, decoded here.
//!
//! noodles-bcf reads the container header (see `read_bcf`). Records are
//! decoded by hand because noodles-bcf's lazy record decodes FORMAT values
//! with `todo!`/`expect` on encodings it does not handle (a GT wider than
//! 8 bits, a FORMAT key missing from the header), and it does not expose the
//! raw bytes; bad input must never panic. Like the text reader, this one
//! looks at CHROM and POS first and skips the sample block of an unwanted
//! record without decoding it.
//!
//! Layout (BCF 2.2): `l_shared` and `l_indiv` (u32), then the shared block
//! (CHROM index, 0-based POS, rlen, QUAL, allele/INFO counts, FORMAT/sample
//! counts, then typed ID, alleles, FILTER and INFO values) and the
//! individual block (per FORMAT key: the key, one type descriptor, and the
//! values of every sample in turn).

use std::io::{self, Read};

use super::{gvcf_error, invalid, normalize_allele, Input, Loc, State};
use crate::input::{Calls, SampleCall, Site};
use crate::{Error, Result};

/// Largest record accepted (both blocks), so garbage lengths cannot make
/// the reader allocate without bound.
const MAX_RECORD: usize = 1 << 28;

/// The BCF dictionaries of strings (FILTER, INFO and FORMAT IDs) and contigs,
/// built from the header text the way htslib builds them: `PASS` first, then
/// IDs in order of appearance, with `IDX=` overriding the position.
pub(super) struct Dictionaries {
    strings: Vec<Option<String>>,
    contigs: Vec<Option<String>>,
}

impl Dictionaries {
    pub(super) fn from_header(text: &str) -> Dictionaries {
        let mut strings: Vec<Option<String>> = vec![Some("PASS".to_string())];
        let mut contigs: Vec<Option<String>> = Vec::new();
        for line in text.lines() {
            let dict = if line.starts_with("##contig=<") {
                &mut contigs
            } else if line.starts_with("##INFO=<")
                || line.starts_with("##FILTER=<")
                || line.starts_with("##FORMAT=<")
            {
                &mut strings
            } else {
                continue;
            };
            let Some(id) = map_field(line, "ID") else {
                continue;
            };
            match map_field(line, "IDX").and_then(|v| v.parse::<usize>().ok()) {
                Some(idx) if idx < 1 << 20 => {
                    if dict.len() <= idx {
                        dict.resize(idx + 1, None);
                    }
                    dict[idx] = Some(id.to_string());
                }
                _ => {
                    if !dict.iter().any(|d| d.as_deref() == Some(id)) {
                        dict.push(Some(id.to_string()));
                    }
                }
            }
        }
        Dictionaries { strings, contigs }
    }

    fn string(&self, i: i32) -> Option<&str> {
        let i = usize::try_from(i).ok()?;
        self.strings.get(i)?.as_deref()
    }

    fn contig(&self, i: i32) -> Option<&str> {
        let i = usize::try_from(i).ok()?;
        self.contigs.get(i)?.as_deref()
    }
}

/// One field of a structured header line (`##INFO=<ID=DP,Number=1,...>`).
fn map_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find("=<")? + 2;
    let inner = &line[start..];
    let inner = inner.strip_suffix('>').unwrap_or(inner);
    let bytes = inner.as_bytes();
    let (mut quoted, mut escaped, mut from) = (false, false, 0);
    for i in 0..=bytes.len() {
        let end = i == bytes.len();
        if !end {
            let b = bytes[i];
            if escaped {
                escaped = false;
                continue;
            }
            match b {
                b'\\' => escaped = true,
                b'"' => quoted = !quoted,
                _ => {}
            }
        }
        if end || (bytes[i] == b',' && !quoted) {
            if let Some((k, v)) = inner[from..i].split_once('=') {
                if k.trim() == key {
                    return Some(v.trim().trim_matches('"'));
                }
            }
            from = i + 1;
        }
    }
    None
}

pub(super) struct BcfBody {
    input: Input,
    dict: Dictionaries,
    record: u64,
    shared: Vec<u8>,
    indiv: Vec<u8>,
}

impl BcfBody {
    pub(super) fn new(input: Input, dict: Dictionaries) -> BcfBody {
        BcfBody {
            input,
            dict,
            record: 0,
            shared: Vec::new(),
            indiv: Vec::new(),
        }
    }

    /// Records read so far (wanted or not).
    pub(super) fn records(&self) -> u64 {
        self.record
    }

    pub(super) fn next_site(
        &mut self,
        state: &mut State,
        samples: &[String],
        wanted: &dyn Fn(&str, u64) -> bool,
    ) -> Result<Option<Site>> {
        let BcfBody {
            input,
            dict,
            record,
            shared,
            indiv,
        } = self;
        loop {
            let mut lengths = [0u8; 8];
            if !fill(input, &mut lengths, state, *record + 1)? {
                return Ok(None);
            }
            *record += 1;
            let loc = Loc::Record(*record);
            let l_shared = u32_at(&lengths, 0) as usize;
            let l_indiv = u32_at(&lengths, 4) as usize;
            if l_shared < 24 || l_shared.saturating_add(l_indiv) > MAX_RECORD {
                return Err(malformed(loc, "its length is impossible"));
            }
            shared.resize(l_shared, 0);
            read_exact(input, shared, state, loc)?;
            let chrom_index = u32_at(shared, 0) as i32;
            let Some(chrom_raw) = dict.contig(chrom_index) else {
                return Err(malformed(
                    loc,
                    &format!("its CHROM index {chrom_index} names no header contig"),
                ));
            };
            let pos = i64::from(u32_at(shared, 4) as i32) + 1;
            let pos = u64::try_from(pos).map_err(|_| malformed(loc, "its POS is negative"))?;
            let Some(chrom) = state.chrom(chrom_raw, loc)? else {
                skip(input, l_indiv, state, loc)?;
                continue;
            };
            let fixed = Fixed::read(shared, dict).map_err(|m| malformed(loc, m))?;
            if fixed.block {
                return Err(gvcf_error(
                    loc,
                    chrom,
                    pos,
                    fixed.alleles.get(1).copied().unwrap_or(""),
                ));
            }
            if !wanted(chrom, pos) {
                skip(input, l_indiv, state, loc)?;
                continue;
            }
            let chrom = chrom.to_string();
            indiv.resize(l_indiv, 0);
            read_exact(input, indiv, state, loc)?;
            let Some((ref_raw, alt_raw)) = fixed.alleles.split_first() else {
                return Err(malformed(loc, "it has no REF allele"));
            };
            let alts: Vec<String> = alt_raw.iter().map(|a| normalize_allele(a)).collect();
            let calls = if fixed.n_fmt == 0 {
                if !samples.is_empty() {
                    state.no_gt(loc);
                }
                Calls::without_genotype(samples.len())
            } else {
                if fixed.n_sample != samples.len() {
                    return Err(malformed(
                        loc,
                        &format!(
                            "it has {} samples but the header names {}",
                            fixed.n_sample,
                            samples.len()
                        ),
                    ));
                }
                sample_calls(indiv, fixed.n_fmt, alts.len(), loc, samples, dict, state)?
            };
            return Ok(Some(Site {
                chrom,
                pos,
                id: fixed.id.map(str::to_string),
                ref_allele: ref_raw.to_ascii_uppercase(),
                alts,
                record: *record,
                calls,
            }));
        }
    }
}

fn malformed(loc: Loc, what: &str) -> Error {
    invalid(Some(loc.number()), format!("{loc} is malformed: {what}"))
}

fn truncated(loc: Loc) -> Error {
    invalid(
        Some(loc.number()),
        format!("the BCF data ends inside {loc}: the file is truncated"),
    )
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

/// Fills `buf`, or returns false at a clean end of input.
fn fill(input: &mut Input, buf: &mut [u8], state: &State, next: u64) -> Result<bool> {
    let mut read = 0;
    while read < buf.len() {
        match input.read(&mut buf[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(state.read_error(e, Some(next))),
        }
    }
    match read {
        0 => Ok(false),
        n if n < buf.len() => Err(truncated(Loc::Record(next))),
        _ => Ok(true),
    }
}

fn read_exact(input: &mut Input, buf: &mut [u8], state: &State, loc: Loc) -> Result<()> {
    input.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            truncated(loc)
        } else {
            state.read_error(e, Some(loc.number()))
        }
    })
}

fn skip(input: &mut Input, n: usize, state: &State, loc: Loc) -> Result<()> {
    let copied = io::copy(&mut Read::by_ref(input).take(n as u64), &mut io::sink())
        .map_err(|e| state.read_error(e, Some(loc.number())))?;
    if copied < n as u64 {
        return Err(truncated(loc));
    }
    Ok(())
}

/// The shared block past CHROM and POS.
struct Fixed<'a> {
    id: Option<&'a str>,
    alleles: Vec<&'a str>,
    /// A gVCF reference block: one ALT, `<*>` or `<NON_REF>`, and INFO END.
    block: bool,
    n_fmt: usize,
    n_sample: usize,
}

impl<'a> Fixed<'a> {
    fn read(shared: &'a [u8], dict: &Dictionaries) -> std::result::Result<Fixed<'a>, &'static str> {
        let allele_info = u32_at(shared, 16);
        let fmt_sample = u32_at(shared, 20);
        let n_info = (allele_info & 0xffff) as usize;
        let n_allele = (allele_info >> 16) as usize;
        let mut bytes = Bytes {
            buf: shared,
            at: 24,
        };
        let id = bytes.string()?;
        let mut alleles = Vec::with_capacity(n_allele);
        for _ in 0..n_allele {
            alleles.push(bytes.string()?);
        }
        bytes.skip_value()?;
        let mut has_end = false;
        for _ in 0..n_info {
            let key = bytes.single_int()?;
            has_end |= dict.string(key) == Some("END");
            bytes.skip_value()?;
        }
        let block = alleles.len() == 2 && matches!(alleles[1], "<*>" | "<NON_REF>") && has_end;
        Ok(Fixed {
            id: (!id.is_empty() && id != ".").then_some(id),
            alleles,
            block,
            n_fmt: (fmt_sample >> 24) as usize,
            n_sample: (fmt_sample & 0x00ff_ffff) as usize,
        })
    }
}

/// The decoded FORMAT values of one key: its type, values per sample, bytes.
struct Series<'a> {
    kind: Kind,
    per_sample: usize,
    data: &'a [u8],
}

impl<'a> Series<'a> {
    /// The values of sample `i` as integers (`None` for a non-integer type).
    fn ints(&self, i: usize) -> Option<Vec<Int>> {
        if !self.kind.is_int() {
            return None;
        }
        let size = self.kind.size();
        let start = i * self.per_sample * size;
        let slice = self.data.get(start..start + self.per_sample * size)?;
        Some(
            slice
                .chunks_exact(size)
                .map(|c| int(self.kind, c))
                .collect(),
        )
    }

    fn text(&self, i: usize) -> Option<&'a str> {
        if self.kind != Kind::Char {
            return None;
        }
        let start = i * self.per_sample;
        let slice = self.data.get(start..start + self.per_sample)?;
        std::str::from_utf8(slice)
            .ok()
            .map(|s| s.trim_end_matches('\0'))
    }
}

fn sample_calls(
    indiv: &[u8],
    n_fmt: usize,
    alts: usize,
    loc: Loc,
    samples: &[String],
    dict: &Dictionaries,
    state: &mut State,
) -> Result<Calls> {
    let mut bytes = Bytes { buf: indiv, at: 0 };
    let (mut gt, mut ps, mut ad) = (None, None, None);
    for _ in 0..n_fmt {
        let key = bytes.single_int().map_err(|m| malformed(loc, m))?;
        let (kind, per_sample) = bytes.descriptor().map_err(|m| malformed(loc, m))?;
        let len = per_sample
            .checked_mul(kind.size())
            .and_then(|n| n.checked_mul(samples.len()))
            .ok_or_else(|| malformed(loc, "a FORMAT value is too long"))?;
        let data = bytes.take(len).map_err(|m| malformed(loc, m))?;
        let series = Series {
            kind,
            per_sample,
            data,
        };
        match dict.string(key) {
            Some("GT") => gt = Some(series),
            Some("PS") => ps = Some(series),
            Some("AD") => ad = Some(series),
            Some(_) => {}
            None => return Err(malformed(loc, "a FORMAT key is not in the header")),
        }
    }
    if gt.is_none() {
        state.no_gt(loc);
    }
    let mut calls = Calls::with_capacity(samples.len());
    for (i, sample) in samples.iter().enumerate() {
        let (alleles, phased) = match gt.as_ref().and_then(|s| s.ints(i)) {
            Some(values) => genotype(&values, alts, loc, sample, state),
            None => (Vec::new(), false),
        };
        let phase_set = ps.as_ref().and_then(|s| match s.ints(i) {
            Some(values) => match values.first() {
                Some(Int::Value(v)) => Some(v.to_string()),
                _ => None,
            },
            None => s
                .text(i)
                .filter(|t| !t.is_empty() && *t != ".")
                .map(str::to_string),
        });
        let depths = ad.as_ref().and_then(|s| s.ints(i)).and_then(|values| {
            let values: Vec<Option<u32>> = values
                .iter()
                .take_while(|v| !matches!(v, Int::End))
                .map(|v| match v {
                    Int::Value(d) => u32::try_from(*d).ok(),
                    _ => None,
                })
                .collect();
            (values.iter().any(Option::is_some) || values.len() > 1).then_some(values)
        });
        calls.push(SampleCall {
            alleles,
            phased,
            phase_set,
            depths: state.depths(depths, alts, loc),
        });
    }
    Ok(calls)
}

/// BCF GT: each value is `(allele + 1) << 1 | phased`, 0 for `.`; the phase
/// bit of allele *i* tells the separator before it.
fn genotype(
    values: &[Int],
    alts: usize,
    loc: Loc,
    sample: &str,
    state: &mut State,
) -> (Vec<Option<u32>>, bool) {
    let values: Vec<&Int> = values
        .iter()
        .take_while(|v| !matches!(v, Int::End))
        .collect();
    let mut text = String::new();
    for (j, v) in values.iter().enumerate() {
        if j > 0 {
            let phased = matches!(v, Int::Value(x) if x & 1 == 1);
            text.push(if phased { '|' } else { '/' });
        }
        match v {
            Int::Value(x) if *x >= 2 => text.push_str(&((x >> 1) - 1).to_string()),
            _ => text.push('.'),
        }
    }
    let mut phased = true;
    let mut alleles = Vec::with_capacity(values.len());
    for (j, v) in values.iter().enumerate() {
        match v {
            Int::Value(x) if *x >= 0 => {
                if j > 0 && x & 1 == 0 {
                    phased = false;
                }
                let code = x >> 1;
                alleles.push(if code == 0 {
                    None
                } else {
                    state.allele(
                        (code - 1) as u32,
                        alts,
                        loc,
                        sample,
                        &format_args!("`{text}`"),
                    )
                });
            }
            _ => {
                if j > 0 {
                    phased = false;
                }
                alleles.push(None);
            }
        }
    }
    if alleles.is_empty() {
        phased = false;
    }
    (alleles, phased)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Missing,
    Int8,
    Int16,
    Int32,
    Float,
    Char,
}

impl Kind {
    fn from_code(code: u8) -> std::result::Result<Kind, &'static str> {
        Ok(match code {
            0 => Kind::Missing,
            1 => Kind::Int8,
            2 => Kind::Int16,
            3 => Kind::Int32,
            5 => Kind::Float,
            7 => Kind::Char,
            _ => return Err("a value has an unknown type"),
        })
    }

    fn size(self) -> usize {
        match self {
            Kind::Missing => 0,
            Kind::Int8 | Kind::Char => 1,
            Kind::Int16 => 2,
            Kind::Int32 | Kind::Float => 4,
        }
    }

    fn is_int(self) -> bool {
        matches!(self, Kind::Int8 | Kind::Int16 | Kind::Int32)
    }
}

/// An integer value: a number, missing (`.`), or the end-of-vector pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Int {
    Value(i32),
    Missing,
    End,
}

fn int(kind: Kind, b: &[u8]) -> Int {
    let (v, missing, end) = match kind {
        Kind::Int8 => (
            i32::from(b[0] as i8),
            i32::from(i8::MIN),
            i32::from(i8::MIN) + 1,
        ),
        Kind::Int16 => (
            i32::from(i16::from_le_bytes([b[0], b[1]])),
            i32::from(i16::MIN),
            i32::from(i16::MIN) + 1,
        ),
        Kind::Int32 => (
            i32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            i32::MIN,
            i32::MIN + 1,
        ),
        _ => return Int::Missing,
    };
    if v == missing {
        Int::Missing
    } else if v == end {
        Int::End
    } else {
        Int::Value(v)
    }
}

/// A cursor over a record block.
struct Bytes<'a> {
    buf: &'a [u8],
    at: usize,
}

type Step<T> = std::result::Result<T, &'static str>;

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Step<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or("a value runs past the end of the record")?;
        let slice = &self.buf[self.at..end];
        self.at = end;
        Ok(slice)
    }

    /// A type descriptor: the type and the number of values.
    fn descriptor(&mut self) -> Step<(Kind, usize)> {
        let b = self.take(1)?[0];
        let kind = Kind::from_code(b & 0x0f)?;
        let mut len = usize::from(b >> 4);
        if len == 15 {
            len =
                usize::try_from(self.single_int()?).map_err(|_| "a value has a negative length")?;
        }
        Ok((kind, len))
    }

    /// A typed integer holding one value.
    fn single_int(&mut self) -> Step<i32> {
        let (kind, len) = self.descriptor()?;
        if !kind.is_int() || len != 1 {
            return Err("a key or length is not a single integer");
        }
        match int(kind, self.take(kind.size())?) {
            Int::Value(v) => Ok(v),
            _ => Err("a key or length is missing"),
        }
    }

    fn string(&mut self) -> Step<&'a str> {
        let (kind, len) = self.descriptor()?;
        if kind != Kind::Char && !(kind == Kind::Missing && len == 0) {
            return Err("a string value is not of character type");
        }
        let raw = self.take(len)?;
        let text = std::str::from_utf8(raw).map_err(|_| "a string value is not UTF-8")?;
        Ok(text.trim_end_matches('\0'))
    }

    fn skip_value(&mut self) -> Step<()> {
        let (kind, len) = self.descriptor()?;
        let n = len.checked_mul(kind.size()).ok_or("a value is too long")?;
        self.take(n).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_follow_htslib() {
        let text = "##fileformat=VCFv4.2\n\
                    ##FILTER=<ID=PASS,Description=\"All filters passed\">\n\
                    ##INFO=<ID=DP,Number=1,Type=Integer,Description=\"a, \\\"quoted\\\" text\">\n\
                    ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
                    ##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">\n\
                    ##contig=<ID=chr1,length=248956422>\n\
                    ##contig=<ID=chr2,length=242193529,IDX=5>\n";
        let d = Dictionaries::from_header(text);
        assert_eq!(d.string(0), Some("PASS"));
        assert_eq!(d.string(1), Some("DP"));
        assert_eq!(d.string(2), Some("GT"));
        assert_eq!(d.string(3), None);
        assert_eq!(d.contig(0), Some("chr1"));
        assert_eq!(d.contig(5), Some("chr2"));
        assert_eq!(d.contig(1), None);
        assert_eq!(d.contig(-1), None);
    }

    #[test]
    fn genotype_codes() {
        let mut state = super::super::tests::state();
        let loc = Loc::Record(1);
        let v = |x: &[i32]| x.iter().map(|&x| Int::Value(x)).collect::<Vec<_>>();
        // 0/1, 1|0, ./., 1 (haploid), 0|.
        assert_eq!(
            genotype(&v(&[2, 4]), 1, loc, "S", &mut state),
            (vec![Some(0), Some(1)], false)
        );
        assert_eq!(
            genotype(&v(&[4, 3]), 1, loc, "S", &mut state),
            (vec![Some(1), Some(0)], true)
        );
        assert_eq!(
            genotype(&v(&[0, 0]), 1, loc, "S", &mut state),
            (vec![None, None], false)
        );
        assert_eq!(
            genotype(&v(&[4]), 1, loc, "S", &mut state),
            (vec![Some(1)], true)
        );
        assert_eq!(
            genotype(&v(&[2, 1]), 1, loc, "S", &mut state),
            (vec![Some(0), None], true)
        );
        let padded = [Int::Value(4), Int::End];
        assert_eq!(
            genotype(&padded, 1, loc, "S", &mut state),
            (vec![Some(1)], true)
        );
        assert!(state.warnings.is_empty());
        // 0/2 with one ALT.
        assert_eq!(
            genotype(&v(&[2, 6]), 1, loc, "S", &mut state),
            (vec![Some(0), None], false)
        );
        assert!(
            state.warnings[0].contains("GT `0/2`"),
            "{:?}",
            state.warnings
        );
    }

    #[test]
    fn garbage_never_panics() {
        let dict = Dictionaries::from_header("");
        let mut seed = 7u64;
        for len in 0..200 {
            let mut buf = vec![0u8; len.max(24)];
            for b in buf.iter_mut() {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *b = (seed >> 33) as u8;
            }
            let _ = Fixed::read(&buf, &dict);
            let mut state = super::super::tests::state();
            let samples = vec!["S".to_string(); (len % 3) + 1];
            let _ = sample_calls(
                &buf,
                len % 5,
                1,
                Loc::Record(1),
                &samples,
                &dict,
                &mut state,
            );
        }
    }
}
