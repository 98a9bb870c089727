//! Reading patient input: VCF files (through [`vcf`], the only module that
//! touches noodles), outside-call files ([`outside`]), and what a VCF's
//! records show about where they lie ([`coverage`]).
//!
//! The types here are dosera's own: the matcher never sees a noodles type.

/// Separator between candidate diplotypes in one value (`*1/*4|*1/*5`).
///
/// ```
/// assert_eq!(dosera::CANDIDATE_SEPARATOR, '|');
/// ```
pub const CANDIDATE_SEPARATOR: char = '|';

pub mod coverage;
pub mod outside;
pub mod vcf;

/// One VCF record at a position the caller asked for, with every sample's
/// genotype call.
///
/// ```
/// use dosera::input::{Calls, SampleCall, Site};
/// let site = Site {
///     chrom: "chr10".into(),
///     pos: 94761900,
///     id: Some("rs12248560".into()),
///     ref_allele: "C".into(),
///     alts: vec!["T".into()],
///     record: 1,
///     calls: Calls::from(vec![SampleCall { alleles: vec![Some(0), Some(1)], ..SampleCall::default() }]),
/// };
/// assert_eq!(site.allele(1), Some("T"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Chromosome normalised to the `chr` prefix (`1` → `chr1`, `MT` → `chrM`).
    pub chrom: String,
    /// 1-based position (POS).
    pub pos: u64,
    /// The ID column, when not `.`.
    pub id: Option<String>,
    /// REF, upper-cased.
    pub ref_allele: String,
    /// ALT alleles as written (upper-cased); symbolic alleles such as `<*>`
    /// and the spanning deletion `*` are kept verbatim. Empty when ALT is `.`.
    pub alts: Vec<String>,
    /// 1-based number of the data record in the file (for messages); 0 when
    /// the record was read through an index, which cannot tell its number.
    pub record: u64,
    /// One call per sample, in header order.
    pub calls: Calls,
}

impl Site {
    /// The allele string for a GT index: 0 is REF, 1.. index ALT.
    pub fn allele(&self, index: u32) -> Option<&str> {
        match index {
            0 => Some(&self.ref_allele),
            i => self.alts.get(i as usize - 1).map(String::as_str),
        }
    }
}

/// One sample's genotype at a [`Site`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SampleCall {
    /// GT allele indices in order; `None` for `.`. Empty when GT is absent.
    pub alleles: Vec<Option<u32>>,
    /// True when every separator in GT is `|` (a haploid call counts as phased).
    pub phased: bool,
    /// The PS value, when the FORMAT has PS and it is not `.`.
    pub phase_set: Option<String>,
    /// AD values, when present (`None` entries for `.`).
    pub depths: Option<Vec<Option<u32>>>,
}

/// The calls of every sample at one [`Site`], stored compactly: the usual
/// diploid or haploid GT takes four bytes, AD (when given) four bytes per
/// allele. Calls that do not pack (more than two GT alleles, an allele
/// index above 253, a PS value) are kept whole. Nothing is lost:
/// [`Calls::get`] gives back the [`SampleCall`] that was pushed.
///
/// ```
/// use dosera::input::{Calls, SampleCall};
/// let het = SampleCall { alleles: vec![Some(0), Some(1)], ..SampleCall::default() };
/// let phased = SampleCall {
///     alleles: vec![Some(1), Some(1)],
///     phased: true,
///     phase_set: Some("100".into()),
///     depths: Some(vec![Some(0), Some(12)]),
/// };
/// let calls: Calls = vec![het.clone(), phased.clone(), SampleCall::default()].into();
/// assert_eq!(calls.len(), 3);
/// assert_eq!(calls.get(0), Some(het));
/// assert_eq!(calls.get(1), Some(phased));
/// assert!(calls.get(2).unwrap().alleles.is_empty());
/// assert_eq!(calls.get(3), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calls {
    /// Per sample: a packed call, or (top bit set) an index into `whole`.
    codes: Vec<u32>,
    /// Calls that do not pack.
    whole: Vec<SampleCall>,
    /// AD of packed calls, `width` values per sample (`u32::MAX` for `.`),
    /// once any packed call has AD; empty before.
    depths: Vec<u32>,
    /// AD values per sample in `depths` (set by the first packed call with AD).
    width: usize,
}

/// Packed call layout: allele one in bits 0–7 and allele two in bits 8–15
/// (index, or [`NO_ALLELE`] for `.`), the number of GT alleles in bits
/// 16–17, phased in bit 18, AD present in bit 19; bit 31 marks an index
/// into the whole calls instead.
const NO_ALLELE: u32 = 0xFE;
const WHOLE: u32 = 1 << 31;
const PHASED: u32 = 1 << 18;
const HAS_DEPTHS: u32 = 1 << 19;
const NO_DEPTH: u32 = u32::MAX;

impl Calls {
    /// No calls, with room for `samples`.
    ///
    /// ```
    /// let calls = dosera::input::Calls::with_capacity(10);
    /// assert!(calls.is_empty());
    /// ```
    pub fn with_capacity(samples: usize) -> Calls {
        Calls {
            codes: Vec::with_capacity(samples),
            ..Calls::default()
        }
    }

    /// `samples` calls without a genotype (a record with no GT).
    ///
    /// ```
    /// let calls = dosera::input::Calls::without_genotype(2);
    /// assert_eq!(calls.len(), 2);
    /// assert!(calls.get(1).unwrap().alleles.is_empty());
    /// ```
    pub fn without_genotype(samples: usize) -> Calls {
        Calls {
            codes: vec![pack(&[], false); samples],
            ..Calls::default()
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when the record has no sample columns.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Adds the next sample's call.
    ///
    /// ```
    /// use dosera::input::{Calls, SampleCall};
    /// let mut calls = Calls::default();
    /// calls.push(SampleCall { alleles: vec![Some(300), Some(1)], ..SampleCall::default() });
    /// assert_eq!(calls.get(0).unwrap().alleles, [Some(300), Some(1)]);
    /// ```
    pub fn push(&mut self, call: SampleCall) {
        let packs = call.alleles.len() <= 2
            && call.alleles.iter().flatten().all(|&i| i < NO_ALLELE)
            && call.phase_set.is_none()
            && self.codes.len() < WHOLE as usize
            && match &call.depths {
                None => true,
                Some(d) => {
                    (self.width == 0 || d.len() == self.width)
                        && !d.is_empty()
                        && d.iter().all(|v| *v != Some(NO_DEPTH))
                }
            };
        if !packs {
            self.codes.push(WHOLE | self.whole.len() as u32);
            self.whole.push(call);
            return;
        }
        let mut code = pack(&call.alleles, call.phased);
        match &call.depths {
            Some(d) => {
                if self.width == 0 {
                    self.width = d.len();
                    self.depths = vec![NO_DEPTH; self.codes.len() * self.width];
                }
                self.depths.extend(d.iter().map(|v| v.unwrap_or(NO_DEPTH)));
                code |= HAS_DEPTHS;
            }
            None => {
                self.depths
                    .extend(std::iter::repeat_n(NO_DEPTH, self.width));
            }
        }
        self.codes.push(code);
    }

    /// Adds the next sample's call when it is a plain diploid GT with no
    /// other field: what `push` of that call stores, without building it.
    #[inline]
    pub(crate) fn push_diploid(&mut self, a: Option<u32>, b: Option<u32>, phased: bool) {
        let small = |x: Option<u32>| x.is_none_or(|i| i < NO_ALLELE);
        if !small(a) || !small(b) || self.codes.len() >= WHOLE as usize {
            self.push(SampleCall {
                alleles: vec![a, b],
                phased,
                ..SampleCall::default()
            });
            return;
        }
        self.push_code(packed(a, b, 2, phased));
    }

    /// Calls made only of codes from [`digit_code`], one per sample: what
    /// pushing the same calls stores.
    pub(crate) fn from_digit_codes(codes: Vec<u32>) -> Calls {
        debug_assert!(codes.len() < WHOLE as usize);
        Calls {
            codes,
            ..Calls::default()
        }
    }

    /// Stores a packed call without AD.
    #[inline]
    fn push_code(&mut self, code: u32) {
        if self.width > 0 {
            self.depths
                .extend(std::iter::repeat_n(NO_DEPTH, self.width));
        }
        self.codes.push(code);
    }

    /// The call of sample `index`, as pushed.
    pub fn get(&self, index: usize) -> Option<SampleCall> {
        let call = self.call(index)?;
        if let Some(whole) = call.whole {
            return Some(whole.clone());
        }
        Some(SampleCall {
            alleles: call.first[..call.count].to_vec(),
            phased: call.phased,
            phase_set: None,
            depths: call
                .packed_depths
                .map(|d| d.iter().map(|v| (*v != NO_DEPTH).then_some(*v)).collect()),
        })
    }

    /// Every call, in sample order.
    ///
    /// ```
    /// use dosera::input::{Calls, SampleCall};
    /// let calls: Calls = vec![SampleCall::default(); 3].into();
    /// assert_eq!(calls.iter().count(), 3);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = SampleCall> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// [`Calls::key_into`] for one record among several (`tag`, counted
    /// by the caller): nothing for an unphased `0/0` without AD (the usual
    /// call, so keys stay short), else `tag` and then what `key_into`
    /// appends. Keys built over the same records in the same order are
    /// equal only for equal calls.
    #[inline]
    pub(crate) fn sparse_key_into(&self, index: usize, tag: u32, key: &mut Vec<u32>) -> bool {
        const PLAIN_REF: u32 = 2 << 16;
        if self.codes.get(index) == Some(&PLAIN_REF) {
            return true;
        }
        key.push(tag);
        self.key_into(index, key)
    }

    /// Appends what identifies sample `index`'s call to `key`: the packed
    /// call and its AD values, or a marker when the record has no such
    /// sample. Equal keys are equal calls. False (nothing appended) when
    /// the call is not packed; such a call has no key.
    #[inline]
    pub(crate) fn key_into(&self, index: usize, key: &mut Vec<u32>) -> bool {
        let Some(&code) = self.codes.get(index) else {
            key.push(u32::MAX);
            return true;
        };
        if code & WHOLE != 0 {
            return false;
        }
        key.push(code);
        if code & HAS_DEPTHS != 0 {
            if let Some(d) = self
                .depths
                .get(index * self.width..(index + 1) * self.width)
            {
                key.extend_from_slice(d);
            }
        }
        true
    }

    /// A borrowed view of sample `index`'s call, without copying.
    pub(crate) fn call(&self, index: usize) -> Option<CallRef<'_>> {
        let code = *self.codes.get(index)?;
        if code & WHOLE != 0 {
            let whole = self.whole.get((code & !WHOLE) as usize)?;
            let mut first = [None, None];
            for (slot, a) in first.iter_mut().zip(&whole.alleles) {
                *slot = *a;
            }
            return Some(CallRef {
                first,
                count: whole.alleles.len().min(2),
                phased: whole.phased,
                phase_set: whole.phase_set.as_deref(),
                packed_depths: None,
                whole: Some(whole),
            });
        }
        let allele = |bits: u32| (bits != NO_ALLELE).then_some(bits);
        let packed_depths = (code & HAS_DEPTHS != 0)
            .then(|| {
                self.depths
                    .get(index * self.width..(index + 1) * self.width)
            })
            .flatten();
        Some(CallRef {
            first: [allele(code & 0xFF), allele((code >> 8) & 0xFF)],
            count: ((code >> 16) & 0b11) as usize,
            phased: code & PHASED != 0,
            phase_set: None,
            packed_depths,
            whole: None,
        })
    }
}

/// The packed code of a plain call of one-digit alleles (`None` for `.`),
/// haploid when `second` is `None` (a haploid call counts as phased, as
/// the column-by-column reading stores it). For [`Calls::from_digit_codes`].
#[inline]
pub(crate) fn digit_code(first: Option<u8>, second: Option<Option<u8>>, phased: bool) -> u32 {
    let index = |x: Option<u8>| x.map(u32::from);
    match second {
        None => packed(index(first), None, 1, true),
        Some(b) => packed(index(first), index(b), 2, phased),
    }
}

/// A packed call with no AD: the layout described at [`NO_ALLELE`].
#[inline]
fn packed(first: Option<u32>, second: Option<u32>, count: u32, phased: bool) -> u32 {
    let bits = |x: Option<u32>| x.unwrap_or(NO_ALLELE);
    bits(first) | bits(second) << 8 | count << 16 | if phased { PHASED } else { 0 }
}

fn pack(alleles: &[Option<u32>], phased: bool) -> u32 {
    let at = |i: usize| alleles.get(i).copied().flatten();
    packed(at(0), at(1), alleles.len() as u32, phased)
}

impl From<Vec<SampleCall>> for Calls {
    fn from(calls: Vec<SampleCall>) -> Calls {
        calls.into_iter().collect()
    }
}

impl FromIterator<SampleCall> for Calls {
    fn from_iter<I: IntoIterator<Item = SampleCall>>(iter: I) -> Calls {
        let mut calls = Calls::default();
        for c in iter {
            calls.push(c);
        }
        calls
    }
}

/// One sample's call at a site, borrowed from [`Calls`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallRef<'a> {
    /// The first two GT alleles (`None` for `.` or absent).
    pub(crate) first: [Option<u32>; 2],
    /// How many GT alleles there are, at most two.
    pub(crate) count: usize,
    /// GT written with `|`.
    pub(crate) phased: bool,
    /// PS value.
    pub(crate) phase_set: Option<&'a str>,
    packed_depths: Option<&'a [u32]>,
    whole: Option<&'a SampleCall>,
}

impl CallRef<'_> {
    /// How many GT alleles there are, all of them (`0/1/1` has three).
    pub(crate) fn ploidy(&self) -> usize {
        self.whole.map_or(self.count, |w| w.alleles.len())
    }

    /// The GT alleles, at most the first two.
    pub(crate) fn alleles(&self) -> &[Option<u32>] {
        &self.first[..self.count]
    }

    /// AD for allele `index`; `None` when AD is absent or `.` there.
    pub(crate) fn depth(&self, index: u32) -> Option<u32> {
        let i = index as usize;
        match (self.packed_depths, self.whole) {
            (Some(d), _) => d.get(i).copied().filter(|v| *v != NO_DEPTH),
            (None, Some(w)) => w.depths.as_ref()?.get(i).copied().flatten(),
            (None, None) => None,
        }
    }

    /// True when the call carries AD.
    pub(crate) fn has_depths(&self) -> bool {
        self.packed_depths.is_some() || self.whole.is_some_and(|w| w.depths.is_some())
    }
}

/// A contig declared in the VCF header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contig {
    /// Name as written in the header.
    pub name: String,
    /// Declared length, when given.
    pub length: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_diploid_and_digit_codes_store_what_push_stores() {
        let values = [
            None,
            Some(0),
            Some(1),
            Some(9),
            Some(253),
            Some(254),
            Some(300),
        ];
        for with_depths in [false, true] {
            let mut quick = Calls::default();
            let mut whole = Calls::default();
            if with_depths {
                let first = SampleCall {
                    alleles: vec![Some(0), Some(1)],
                    depths: Some(vec![Some(3), Some(4)]),
                    ..SampleCall::default()
                };
                quick.push(first.clone());
                whole.push(first);
            }
            for a in values {
                for b in values {
                    for phased in [false, true] {
                        quick.push_diploid(a, b, phased);
                        whole.push(SampleCall {
                            alleles: vec![a, b],
                            phased,
                            ..SampleCall::default()
                        });
                    }
                }
            }
            assert_eq!(quick, whole);
            if !with_depths {
                // Digit codes store the same as pushes of one-digit calls.
                let digits = [None, Some(0u8), Some(1), Some(9)];
                let mut pushed = Calls::default();
                let mut codes = Vec::new();
                for a in digits {
                    for b in digits {
                        for phased in [false, true] {
                            pushed.push(SampleCall {
                                alleles: vec![a.map(u32::from), b.map(u32::from)],
                                phased,
                                ..SampleCall::default()
                            });
                            codes.push(digit_code(a, Some(b), phased));
                        }
                    }
                    pushed.push(SampleCall {
                        alleles: vec![a.map(u32::from)],
                        phased: true,
                        ..SampleCall::default()
                    });
                    codes.push(digit_code(a, None, true));
                }
                assert_eq!(Calls::from_digit_codes(codes), pushed);
            }
            assert_eq!(
                quick.iter().collect::<Vec<_>>(),
                whole.iter().collect::<Vec<_>>()
            );
        }
    }
}
