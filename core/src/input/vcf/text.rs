//! Records of a text VCF (plain or decompressed), split by hand.
//!
//! A record is checked in the order that keeps unwanted lines cheap: the
//! eight fixed columns and POS, the chromosome, the gVCF block test (ALT
//! only), then `wanted`. Only a wanted record has its ALT, FORMAT and sample
//! columns split.

use super::{invalid, parse_gt, trim_newline, Input, Loc, State};
use crate::input::{digit_code, Calls, SampleCall, Site};
use crate::Result;

pub(super) struct TextBody {
    input: Input,
    buf: Vec<u8>,
    line: u64,
    record: u64,
}

impl TextBody {
    /// Records start after `line` header lines.
    pub(super) fn new(input: Input, line: u64) -> TextBody {
        TextBody {
            input,
            buf: Vec::with_capacity(1 << 12),
            line,
            record: 0,
        }
    }

    pub(super) fn next_site(
        &mut self,
        state: &mut State,
        samples: &[String],
        wanted: &dyn Fn(&str, u64) -> bool,
    ) -> Result<Option<Site>> {
        loop {
            self.buf.clear();
            let n = self
                .input
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| state.read_error(e, Some(self.line + 1)))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            trim_newline(&mut self.buf);
            if self.buf.is_empty() {
                continue;
            }
            self.record += 1;
            let numbered = Numbered {
                line: self.line,
                record: self.record,
            };
            if let Some(site) = parse_record(&self.buf, numbered, state, samples, wanted)? {
                return Ok(Some(site));
            }
        }
    }

    /// Data records read so far (wanted or not).
    pub(super) fn records(&self) -> u64 {
        self.record
    }
}

/// Where a record line sits in the file: its line and its data-record
/// number (both 1-based).
#[derive(Debug, Clone, Copy)]
pub(super) struct Numbered {
    pub line: u64,
    pub record: u64,
}

/// One record line (without its newline, not empty): `None` when it is not
/// wanted or lies on a contig that is skipped.
pub(super) fn parse_record(
    buf: &[u8],
    at: Numbered,
    state: &mut State,
    samples: &[String],
    wanted: &dyn Fn(&str, u64) -> bool,
) -> Result<Option<Site>> {
    let loc = Loc::Line(at.line);
    // Bytes that are not UTF-8 in a sample column spoil only that
    // sample's values there (read as unreadable, with a warning);
    // anywhere before, the record itself is broken.
    let lossy: String;
    let line = match std::str::from_utf8(buf) {
        Ok(line) => line,
        Err(e) if in_sample_columns(buf, e.valid_up_to()) => {
            lossy = String::from_utf8_lossy(buf).into_owned();
            &lossy
        }
        Err(e) => {
            return Err(invalid(
                Some(at.line),
                format!(
                    "the record is not UTF-8 text (byte {} of the line)",
                    e.valid_up_to() + 1
                ),
            ))
        }
    };
    if line.starts_with('#') {
        return Err(invalid(
            Some(at.line),
            "a header line after the `#CHROM` line (are two VCFs joined?)",
        ));
    }
    let mut columns = line.splitn(9, '\t');
    let mut fixed = [""; 8];
    let mut count = 0;
    for slot in fixed.iter_mut() {
        match columns.next() {
            Some(c) => {
                *slot = c;
                count += 1;
            }
            None => break,
        }
    }
    if count < 8 {
        return Err(invalid(
            Some(at.line),
            format!(
                "the record has {count} tab-separated column{}; a VCF record has at least 8",
                if count == 1 { "" } else { "s" }
            ),
        ));
    }
    let [chrom_raw, pos_raw, id, ref_raw, alt, _qual, _filter, info] = fixed;
    let pos = parse_pos(pos_raw)
        .ok_or_else(|| invalid(Some(at.line), format!("POS `{pos_raw}` is not a position")))?;
    let Some(chrom) = state.chrom(chrom_raw, loc)? else {
        return Ok(None);
    };
    if is_reference_block(alt, info) {
        return Err(super::gvcf_error(loc, chrom, pos, alt));
    }
    if !wanted(chrom, pos) {
        return Ok(None);
    }
    let chrom = chrom.to_string();
    if ref_raw.is_empty() || ref_raw == "." {
        return Err(invalid(Some(at.line), "the record has no REF allele"));
    }
    let alts: Vec<String> = if alt == "." || alt.is_empty() {
        Vec::new()
    } else {
        alt.split(',').map(super::normalize_allele).collect()
    };
    let calls = sample_calls(columns.next(), alts.len(), loc, samples, state)?;
    Ok(Some(Site {
        chrom,
        pos,
        id: (id != "." && !id.is_empty()).then(|| id.to_string()),
        ref_allele: ref_raw.to_ascii_uppercase(),
        alts,
        record: at.record,
        calls,
    }))
}

/// Whether byte `at` of a record lies in a sample column (after the ninth
/// tab: the eight fixed columns and FORMAT come first).
fn in_sample_columns(record: &[u8], at: usize) -> bool {
    record
        .get(..at)
        .is_some_and(|head| head.iter().filter(|&&b| b == b'\t').count() >= 9)
}

/// POS: ASCII digits only.
fn parse_pos(raw: &str) -> Option<u64> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// A gVCF reference block: the only ALT is `<NON_REF>` or `<*>`, with END.
fn is_reference_block(alt: &str, info: &str) -> bool {
    (alt == "<NON_REF>" || alt == "<*>") && info.split(';').any(|kv| kv.starts_with("END="))
}

/// The FORMAT and sample columns (`rest`, unsplit) as one call per sample.
fn sample_calls(
    rest: Option<&str>,
    alts: usize,
    loc: Loc,
    samples: &[String],
    state: &mut State,
) -> Result<Calls> {
    let Some(rest) = rest else {
        if !samples.is_empty() {
            state.no_gt(loc);
        }
        return Ok(Calls::without_genotype(samples.len()));
    };
    // `any`: the record has sample columns (a FORMAT column alone has none).
    let (format, body, mut any) = match rest.split_once('\t') {
        Some((format, body)) => (format, body, true),
        None => (rest, "", false),
    };
    if let Some((_, take)) = state.window {
        any &= take > 0;
    }
    let body = match state.window {
        Some((skip, take)) => window(body, skip, take).ok_or_else(|| {
            invalid(
                Some(loc.number()),
                format!(
                    "the record has fewer sample columns than the {} the header names",
                    skip + take
                ),
            )
        })?,
        None => body,
    };
    let columns = body.split('\t').take(if any { usize::MAX } else { 0 });
    let keys: Vec<&str> = format.split(':').collect();
    let index = |key: &str| keys.iter().position(|k| *k == key);
    let (gt, ps, ad) = (index("GT"), index("PS"), index("AD"));
    if gt.is_none() && !samples.is_empty() {
        state.no_gt(loc);
    }
    let gt_only = keys.len() == 1 && gt == Some(0);
    // Sample fields past the last one used are not split.
    let needed = [gt, ps, ad]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |m| m + 1);
    if gt_only {
        if let Some(calls) = plain_gt_calls(body.as_bytes(), alts, samples.len()) {
            return Ok(calls);
        }
    }
    let mut calls = Calls::with_capacity(samples.len());
    for (i, column) in columns.enumerate() {
        let Some(sample) = samples.get(i) else {
            return Err(too_many(loc, samples.len()));
        };
        let mut values: [Option<&str>; 3] = [None; 3];
        if gt_only {
            if let Some((x, y, phased)) = super::quick_gt(column, alts, loc, sample, state) {
                calls.push_diploid(x, y, phased);
                continue;
            }
            values[0] = Some(column);
        } else {
            for (k, value) in column.split(':').enumerate().take(needed) {
                for (slot, want) in values.iter_mut().zip([gt, ps, ad]) {
                    if want == Some(k) {
                        *slot = Some(value);
                    }
                }
            }
        }
        let [gt_value, ps_value, ad_value] = values;
        let (alleles, phased) = match gt_value {
            Some(g) => parse_gt(g, alts, loc, sample, state),
            None => (Vec::new(), false),
        };
        let ad = ad_value
            .filter(|v| *v != "." && !v.is_empty())
            .map(|v| v.split(',').map(|d| d.parse::<u32>().ok()).collect());
        calls.push(SampleCall {
            alleles,
            phased,
            phase_set: ps_value
                .filter(|v| *v != "." && !v.is_empty())
                .map(str::to_string),
            depths: state.depths(ad, alts, loc),
        });
    }
    if calls.len() != samples.len() {
        return Err(invalid(
            Some(loc.number()),
            format!(
                "the record has {} sample column{} but the header names {} sample{}",
                calls.len(),
                if calls.len() == 1 { "" } else { "s" },
                samples.len(),
                if samples.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(calls)
}

/// Columns `skip..skip + take` of tab-separated `body`, or `None` when it
/// has fewer.
fn window(body: &str, skip: usize, take: usize) -> Option<&str> {
    if take == 0 {
        return Some("");
    }
    let bytes = body.as_bytes();
    let mut tabs = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\t')
        .map(|(i, _)| i);
    let start = if skip == 0 {
        0
    } else {
        tabs.nth(skip - 1)? + 1
    };
    let end = tabs.nth(take - 1).unwrap_or(bytes.len());
    (start <= bytes.len()).then(|| &body[start..end])
}

/// Sample columns of a GT-only record when every one is a plain call with
/// one-digit alleles no higher than the ALT count: diploid (`0/1`, `1|0`,
/// `./.`) or haploid (`1`, `.`, as on chrX of a male), read in one pass;
/// `None` for anything else (the caller then reads the columns one by one,
/// with every check and warning).
fn plain_gt_calls(body: &[u8], alts: usize, samples: usize) -> Option<Calls> {
    if samples == 0 || body.len() < samples * 2 - 1 || body.len() > samples * 4 - 1 {
        return None;
    }
    let allele = |c: u8| -> Option<Option<u8>> {
        match c {
            b'.' => Some(None),
            b'0'..=b'9' if usize::from(c - b'0') <= alts => Some(Some(c - b'0')),
            _ => None,
        }
    };
    let mut codes = Vec::with_capacity(samples);
    let mut at = 0;
    for k in 0..samples {
        // Each field ends at a tab, or at the end for the last sample.
        let ends = |i: usize| match body.get(i) {
            Some(b'\t') => k + 1 < samples,
            None => k + 1 == samples,
            Some(_) => false,
        };
        let first = allele(*body.get(at)?)?;
        if ends(at + 1) {
            codes.push(digit_code(first, None, true));
            at += 2;
            continue;
        }
        let sep = *body.get(at + 1)?;
        if (sep != b'/' && sep != b'|') || !ends(at + 3) {
            return None;
        }
        let second = allele(*body.get(at + 2)?)?;
        codes.push(digit_code(first, Some(second), sep == b'|'));
        at += 4;
    }
    (at == body.len() + 1).then(|| Calls::from_digit_codes(codes))
}

fn too_many(loc: Loc, samples: usize) -> crate::Error {
    invalid(
        Some(loc.number()),
        format!(
            "the record has more sample columns than the {samples} sample{} the header names",
            if samples == 1 { "" } else { "s" }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::window;
    use crate::input::vcf::VcfReader;

    const HEAD: &str =
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC\n";

    #[test]
    fn a_window_of_sample_columns() {
        let body = "a\tb\tc\td";
        assert_eq!(window(body, 0, 4), Some(body));
        assert_eq!(window(body, 0, 1), Some("a"));
        assert_eq!(window(body, 1, 2), Some("b\tc"));
        assert_eq!(window(body, 3, 1), Some("d"));
        assert_eq!(window(body, 2, 0), Some(""));
        // Too few columns: none before the window, or fewer in it (the
        // caller's count check refuses the latter).
        assert_eq!(window(body, 4, 1), None);
        assert_eq!(window(body, 3, 2), Some("d"));
        assert_eq!(window("", 0, 1), Some(""));
    }

    #[test]
    fn bytes_that_are_not_utf8_spoil_only_their_sample() {
        let mut vcf = HEAD.as_bytes().to_vec();
        vcf.extend_from_slice(
            b"chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\t0/\xff\xfe\t1|1\n",
        );
        let mut reader = VcfReader::from_bytes(vcf).unwrap();
        let site = reader.next_site(&|_, _| true).unwrap().unwrap();
        assert_eq!(site.calls.get(0).unwrap().alleles, [Some(0), Some(1)]);
        assert_eq!(site.calls.get(1).unwrap().alleles, [Some(0), None]);
        assert_eq!(site.calls.get(2).unwrap().alleles, [Some(1), Some(1)]);
        assert!(site.calls.get(2).unwrap().phased);
        assert_eq!(reader.warnings().len(), 1);
        assert!(
            reader.warnings()[0].starts_with("line 3, sample B: GT"),
            "{:?}",
            reader.warnings()
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_before_the_samples_break_the_record() {
        for bad in [
            &b"chr10\t94781859\trs\xff\tG\tA\t.\tPASS\t.\tGT\t0/1\t0/1\t0/1\n"[..],
            &b"chr10\t94781859\trs1\tG\tA\t.\tPASS\t.\tG\xff\t0/1\t0/1\t0/1\n"[..],
        ] {
            let mut vcf = HEAD.as_bytes().to_vec();
            vcf.extend_from_slice(bad);
            let mut reader = VcfReader::from_bytes(vcf).unwrap();
            let err = reader.next_site(&|_, _| true).unwrap_err();
            assert!(err.to_string().contains("not UTF-8"), "{err}");
        }
    }
}
