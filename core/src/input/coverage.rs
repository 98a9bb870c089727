//! Where a VCF's records lie, against the pharmacogenes: on their definition
//! positions, near them, or elsewhere. A file whose records miss every
//! definition position is not an empty result. Either it was called
//! against another genome build, or it covers other regions, and the
//! report says which, loudly, instead of calling every gene "no call".
//!
//! The reading stage counts what it sees ([`Coverage`]);
//! [`CoverageFinding::judge`] turns the counts into a finding, or into
//! nothing for an ordinary GRCh38 file. The counts come only from the
//! records (positions and REF): a header that names GRCh37 is refused
//! earlier, by the VCF reader.

use std::cell::{Cell, RefCell};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::vcf::Region;

/// How far from a pharmacogene's definition positions a record counts as
/// near it (either side of the span from its first to its last position).
///
/// GRCh37 and GRCh38 place the genes of the bundled definitions at most
/// about 1.76 Mb apart (CYP2C9 and CYP2C19 on chr10; most genes by less
/// than 1 Mb, TPMT by 231 bases), so a GRCh37 record of a pharmacogene lies
/// within 2 Mb of that gene's GRCh38 positions. Far beyond that, a record
/// says nothing about the build: it is simply somewhere else.
pub const NEAR_WINDOW: u64 = 2_000_000;

/// Records on definition positions whose REF is not GRCh38's, at least,
/// for that alone to say "another build" (when they also outnumber the
/// records whose REF agrees). One such record is a typo or a normalisation
/// quirk, flagged at its own position; two that outnumber the agreeing
/// ones are a pattern. Three or more that outnumber them make the VCF
/// reading refuse the file outright as another build.
pub const REF_DIFFERS_MIN: u64 = 2;

/// What the records of a VCF show about where they lie.
///
/// chrM is left out of the REF and "near" counts: GRCh37's MT and GRCh38's
/// chrM share their coordinates (both are the rCRS), so records there say
/// nothing about the build. They still count as records, and on a
/// definition position as covering one.
///
/// ```
/// use dosera::input::coverage::Coverage;
/// let c = Coverage { records: 10, ..Coverage::default() };
/// assert_eq!(c.on_definition_positions, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// Data records read on a recognised chromosome.
    pub records: u64,
    /// Records on a chromosome that carries a pharmacogene.
    pub on_pharmacogene_chromosomes: u64,
    /// Records on a definition position.
    pub on_definition_positions: u64,
    /// Records on a definition position (chrM aside) whose REF is the
    /// GRCh38 base the definitions carry.
    pub ref_agrees: u64,
    /// Records on a definition position (chrM aside) whose REF is not.
    pub ref_differs: u64,
    /// Records within [`NEAR_WINDOW`] of a pharmacogene's definition
    /// positions but on none of them (chrM aside).
    pub near_pharmacogenes: u64,
    /// Definition positions the loaded definitions hold.
    pub definition_positions: u64,
}

impl Coverage {
    /// True when the records on definition positions settle alone that
    /// there is nothing to say, whatever lies elsewhere: some REF there is
    /// GRCh38's, and REF does not differ often enough to be a sign of
    /// another build ([`CoverageFinding::judge`], rules 2 to 4).
    ///
    /// ```
    /// use dosera::input::coverage::Coverage;
    /// let c = Coverage { on_definition_positions: 1, ref_agrees: 1, ..Coverage::default() };
    /// assert!(c.settled_by_ref());
    /// assert!(!Coverage::default().settled_by_ref());
    /// ```
    pub fn settled_by_ref(&self) -> bool {
        self.ref_agrees > 0 && !self.ref_differs_often()
    }

    fn ref_differs_often(&self) -> bool {
        self.ref_differs >= REF_DIFFERS_MIN && self.ref_differs > self.ref_agrees
    }
}

/// A sign that a VCF was called against another genome build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuildSign {
    /// On definition positions, REF differs from the GRCh38 base more
    /// often than it agrees (at least [`REF_DIFFERS_MIN`] times).
    RefDiffers,
    /// Records lie near the pharmacogenes, but none sits on a definition
    /// position with GRCh38's REF.
    NearButNotOn,
}

/// What a VCF's records say about its use for pharmacogenomics, when it is
/// anything but ordinary. Clinical data, not an error: the report is still
/// made, and says this first, in every output.
///
/// ```
/// use dosera::input::coverage::{BuildSign, Coverage, CoverageFinding};
/// // CYP2C19*2 at its GRCh37 position: one record, near CYP2C19, on no
/// // definition position.
/// let grch37 = Coverage {
///     records: 1,
///     on_pharmacogene_chromosomes: 1,
///     near_pharmacogenes: 1,
///     definition_positions: 900,
///     ..Coverage::default()
/// };
/// let finding = CoverageFinding::judge(&grch37).unwrap();
/// assert_eq!(finding.signs(), [BuildSign::NearButNotOn]);
/// assert!(finding.message().starts_with("this VCF looks like another genome build"));
///
/// // Records far from every pharmacogene.
/// let elsewhere = Coverage { records: 3, definition_positions: 900, ..Coverage::default() };
/// assert!(matches!(
///     CoverageFinding::judge(&elsewhere),
///     Some(CoverageFinding::NoPharmacogenePosition { .. })
/// ));
///
/// // One record on a definition position with GRCh38's REF: nothing to say.
/// let ordinary = Coverage { on_definition_positions: 1, ref_agrees: 1, ..grch37 };
/// assert_eq!(CoverageFinding::judge(&ordinary), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoverageFinding {
    /// The records look like another genome build than GRCh38: every call
    /// from the VCF is unreliable.
    OtherBuild {
        /// What points that way.
        signs: Vec<BuildSign>,
        /// The counts behind it.
        counts: Coverage,
    },
    /// The file has records, but none on or near any pharmacogene
    /// definition position: the genes are uncalled for lack of data.
    NoPharmacogenePosition {
        /// The counts behind it.
        counts: Coverage,
    },
}

impl CoverageFinding {
    /// The finding the counts support, if any. In order:
    ///
    /// 1. no record at all: nothing (an empty file reads as empty, with
    ///    every position reported missing);
    /// 2. REF differs on at least [`REF_DIFFERS_MIN`] definition positions
    ///    and on more than it agrees: another build;
    /// 3. no definition position (chrM aside) with GRCh38's REF, yet
    ///    records within [`NEAR_WINDOW`] of a pharmacogene: another build.
    ///    A GRCh38 file that reaches the pharmacogenes nearly always has a
    ///    record on some definition position, since common variants of
    ///    several genes sit on them; one agreeing record is enough to stay
    ///    silent, so that thin evidence never makes a guess;
    /// 4. no record on any definition position: the file covers no
    ///    pharmacogene position;
    /// 5. anything else: nothing.
    ///
    /// ```
    /// use dosera::input::coverage::{BuildSign, Coverage, CoverageFinding};
    /// let c = Coverage {
    ///     records: 40,
    ///     on_definition_positions: 3,
    ///     ref_agrees: 1,
    ///     ref_differs: 2,
    ///     ..Coverage::default()
    /// };
    /// assert_eq!(CoverageFinding::judge(&c).unwrap().signs(), [BuildSign::RefDiffers]);
    /// ```
    pub fn judge(counts: &Coverage) -> Option<CoverageFinding> {
        if counts.records == 0 {
            return None;
        }
        let mut signs = Vec::new();
        if counts.ref_differs_often() {
            signs.push(BuildSign::RefDiffers);
        }
        if counts.ref_agrees == 0 && counts.near_pharmacogenes > 0 {
            signs.push(BuildSign::NearButNotOn);
        }
        if !signs.is_empty() {
            return Some(CoverageFinding::OtherBuild {
                signs,
                counts: *counts,
            });
        }
        (counts.on_definition_positions == 0)
            .then_some(CoverageFinding::NoPharmacogenePosition { counts: *counts })
    }

    /// The counts behind the finding.
    ///
    /// ```
    /// use dosera::input::coverage::{Coverage, CoverageFinding};
    /// let counts = Coverage { records: 2, ..Coverage::default() };
    /// let f = CoverageFinding::NoPharmacogenePosition { counts };
    /// assert_eq!(f.counts().records, 2);
    /// ```
    pub fn counts(&self) -> &Coverage {
        match self {
            CoverageFinding::OtherBuild { counts, .. }
            | CoverageFinding::NoPharmacogenePosition { counts } => counts,
        }
    }

    /// The signs of another build (none for
    /// [`CoverageFinding::NoPharmacogenePosition`]).
    ///
    /// ```
    /// use dosera::input::coverage::{Coverage, CoverageFinding};
    /// let f = CoverageFinding::NoPharmacogenePosition { counts: Coverage::default() };
    /// assert!(f.signs().is_empty());
    /// ```
    pub fn signs(&self) -> &[BuildSign] {
        match self {
            CoverageFinding::OtherBuild { signs, .. } => signs,
            CoverageFinding::NoPharmacogenePosition { .. } => &[],
        }
    }

    /// The finding in one paragraph, with its counts and what to do: the
    /// first warning of the report.
    ///
    /// ```
    /// use dosera::input::coverage::{Coverage, CoverageFinding};
    /// let counts = Coverage { records: 5, definition_positions: 900, ..Coverage::default() };
    /// let f = CoverageFinding::NoPharmacogenePosition { counts };
    /// assert!(f.message().starts_with("this VCF covers no pharmacogene position"));
    /// assert!(f.message().contains("none of its 5 records"));
    /// ```
    pub fn message(&self) -> String {
        let c = self.counts();
        match self {
            CoverageFinding::OtherBuild { signs, .. } => {
                let why: Vec<String> = signs
                    .iter()
                    .map(|s| match s {
                        BuildSign::RefDiffers => format!(
                            "REF differs from the GRCh38 base at {} of the {} records on \
                             definition positions",
                            c.ref_differs,
                            c.ref_agrees + c.ref_differs
                        ),
                        BuildSign::NearButNotOn => format!(
                            "{} within 2 Mb of a pharmacogene, but no record sits on any of \
                             the {} definition positions with the GRCh38 base as REF",
                            records(c.near_pharmacogenes, "lies", "lie"),
                            c.definition_positions
                        ),
                    })
                    .collect();
                format!(
                    "this VCF looks like another genome build than GRCh38, though its header \
                     does not say so: {}. Every gene call, phenotype and recommendation from it \
                     is unreliable; check which build the variants were called against, and \
                     lift the file over to GRCh38 or call the variants against GRCh38 \
                     ({} read)",
                    why.join("; "),
                    records(c.records, "", "")
                )
            }
            CoverageFinding::NoPharmacogenePosition { .. } => format!(
                "this VCF covers no pharmacogene position: none of its {} records lies on one \
                 of the {} definition positions or within 2 Mb of a pharmacogene ({} on \
                 chromosomes that carry one). The genes are uncalled for lack of data, not \
                 because the patient carries no variant; use a VCF that covers the \
                 pharmacogenes (a whole genome, an exome or a pharmacogene panel)",
                c.records, c.definition_positions, c.on_pharmacogene_chromosomes
            ),
        }
    }

    /// A short line for each gene called from the VCF, and each drug
    /// whose guideline reads one, pointing to [`CoverageFinding::message`].
    ///
    /// ```
    /// use dosera::input::coverage::{Coverage, CoverageFinding};
    /// let f = CoverageFinding::NoPharmacogenePosition { counts: Coverage::default() };
    /// assert!(f.flag().contains("covers no pharmacogene position"));
    /// ```
    pub fn flag(&self) -> &'static str {
        match self {
            CoverageFinding::OtherBuild { .. } => {
                "unreliable: the VCF looks like another genome build than GRCh38 (see the \
                 report's warnings)"
            }
            CoverageFinding::NoPharmacogenePosition { .. } => {
                "no data: the VCF covers no pharmacogene position, so the VCF genes are \
                 uncalled for lack of data (see the report's warnings)"
            }
        }
    }
}

/// `1 record lies`, `2 records lie`: the count, the noun, and `one` or
/// `more` as the verb (none when empty).
fn records(n: u64, one: &str, more: &str) -> String {
    let (noun, verb) = if n == 1 {
        ("record", one)
    } else {
        ("records", more)
    };
    if verb.is_empty() {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun} {verb}")
    }
}

/// Counts [`Coverage`] while a VCF is read: [`Survey::see`] for every
/// record on a recognised chromosome (from the reader's `wanted` test,
/// hence the shared reference), [`Survey::compare_ref`] for every record on
/// a definition position.
pub(crate) struct Survey {
    /// Per pharmacogene chromosome, the stretches within [`NEAR_WINDOW`]
    /// of a gene's definition span.
    chroms: Vec<(String, Vec<(u64, u64)>)>,
    /// The last chromosome seen (records come in runs) and its index
    /// into `chroms`, `usize::MAX` for one that carries no pharmacogene.
    last: RefCell<(String, usize)>,
    counts: Cell<Coverage>,
}

impl Survey {
    /// A survey against the genes' definition spans (one region per gene,
    /// first to last definition position) and the number of definition
    /// positions.
    pub(crate) fn new(spans: &[Region], definition_positions: u64) -> Survey {
        let mut chroms: Vec<(String, Vec<(u64, u64)>)> = Vec::new();
        for r in spans {
            let near = (
                r.start.saturating_sub(NEAR_WINDOW),
                r.end.saturating_add(NEAR_WINDOW),
            );
            match chroms.iter_mut().find(|(c, _)| *c == r.chrom) {
                Some((_, v)) => v.push(near),
                None => chroms.push((r.chrom.clone(), vec![near])),
            }
        }
        Survey {
            chroms,
            last: RefCell::new((String::new(), usize::MAX)),
            counts: Cell::new(Coverage {
                definition_positions,
                ..Coverage::default()
            }),
        }
    }

    /// Counts one record at (normalised) `chrom`:`pos`.
    pub(crate) fn see(&self, chrom: &str, pos: u64, on_definition: bool) {
        let mut c = self.counts.get();
        c.records += 1;
        let index = self.chrom_index(chrom);
        if let Some((name, near)) = self.chroms.get(index) {
            c.on_pharmacogene_chromosomes += 1;
            if on_definition {
                c.on_definition_positions += 1;
            } else if name != "chrM" && near.iter().any(|(lo, hi)| (*lo..=*hi).contains(&pos)) {
                c.near_pharmacogenes += 1;
            }
        } else if on_definition {
            c.on_definition_positions += 1;
        }
        self.counts.set(c);
    }

    /// Counts the REF of a record on a definition position against the
    /// GRCh38 base(s) there (chrM aside).
    pub(crate) fn compare_ref(&self, chrom: &str, agrees: bool) {
        if chrom == "chrM" {
            return;
        }
        let mut c = self.counts.get();
        if agrees {
            c.ref_agrees += 1;
        } else {
            c.ref_differs += 1;
        }
        self.counts.set(c);
    }

    /// Forgets every record counted (for reading a file again).
    pub(crate) fn restart(&self) {
        self.counts.set(Coverage {
            definition_positions: self.counts.get().definition_positions,
            ..Coverage::default()
        });
    }

    /// The counts so far.
    pub(crate) fn counts(&self) -> Coverage {
        self.counts.get()
    }

    /// The index of `chrom` in `chroms`, `usize::MAX` when absent.
    fn chrom_index(&self, chrom: &str) -> usize {
        let Ok(mut last) = self.last.try_borrow_mut() else {
            return self.find(chrom);
        };
        if last.0 != chrom {
            last.0.clear();
            last.0.push_str(chrom);
            last.1 = self.find(chrom);
        }
        last.1
    }

    fn find(&self, chrom: &str) -> usize {
        self.chroms
            .iter()
            .position(|(c, _)| c == chrom)
            .unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        Survey::new(
            &[
                Region::new("chr10", 94_761_900, 94_855_547),
                Region::new("chr10", 94_938_683, 94_989_390),
                Region::new("chrM", 648, 1_601),
            ],
            100,
        )
    }

    #[test]
    fn records_are_counted_where_they_lie() {
        let s = survey();
        s.see("chr10", 94_781_859, true);
        s.compare_ref("chr10", true);
        // CYP2C19*2 at its GRCh37 position: 1.76 Mb away.
        s.see("chr10", 96_541_616, false);
        s.see("chr10", 10_000, false);
        s.see("chr3", 10_000, false);
        s.see("chrM", 1_000, false);
        s.see("chrM", 1_555, true);
        s.compare_ref("chrM", false);
        let c = s.counts();
        assert_eq!(
            c,
            Coverage {
                records: 6,
                on_pharmacogene_chromosomes: 5,
                on_definition_positions: 2,
                ref_agrees: 1,
                ref_differs: 0,
                near_pharmacogenes: 1,
                definition_positions: 100,
            }
        );
        s.restart();
        assert_eq!(
            s.counts(),
            Coverage {
                definition_positions: 100,
                ..Coverage::default()
            }
        );
    }

    #[test]
    fn judgement_follows_the_documented_order() {
        let base = Coverage {
            records: 100,
            on_pharmacogene_chromosomes: 100,
            definition_positions: 900,
            ..Coverage::default()
        };
        let judge = |c: Coverage| CoverageFinding::judge(&c);
        assert_eq!(judge(Coverage::default()), None);
        // Near records and one agreeing record: thin, so nothing.
        let one = Coverage {
            on_definition_positions: 1,
            ref_agrees: 1,
            near_pharmacogenes: 99,
            ..base
        };
        assert_eq!(judge(one), None);
        // One differing record alone: flagged at its position, not here.
        let typo = Coverage {
            on_definition_positions: 1,
            ref_differs: 1,
            ..base
        };
        assert_eq!(judge(typo), None);
        // Two differing records outnumbering one agreeing one.
        let two = Coverage {
            on_definition_positions: 3,
            ref_differs: 2,
            ref_agrees: 1,
            ..base
        };
        assert_eq!(judge(two).unwrap().signs(), [BuildSign::RefDiffers]);
        // Two differing records, two agreeing: not a majority.
        let tie = Coverage {
            ref_agrees: 2,
            ..two
        };
        assert_eq!(judge(tie), None);
        // Both signs at once.
        let both = Coverage {
            on_definition_positions: 2,
            ref_differs: 2,
            near_pharmacogenes: 50,
            ..base
        };
        assert_eq!(
            judge(both).unwrap().signs(),
            [BuildSign::RefDiffers, BuildSign::NearButNotOn]
        );
        // Records on the pharmacogene chromosomes, far from every gene.
        let far = judge(base).unwrap();
        assert!(matches!(
            far,
            CoverageFinding::NoPharmacogenePosition { .. }
        ));
        assert!(far
            .message()
            .contains("(100 on chromosomes that carry one)"));
        // Only a chrM definition position: covered, nothing to say.
        let mt = Coverage {
            on_definition_positions: 1,
            ..base
        };
        assert_eq!(judge(mt), None);
    }

    #[test]
    fn messages_give_the_counts() {
        let f = CoverageFinding::OtherBuild {
            signs: vec![BuildSign::RefDiffers, BuildSign::NearButNotOn],
            counts: Coverage {
                records: 7,
                on_definition_positions: 2,
                ref_differs: 2,
                near_pharmacogenes: 1,
                definition_positions: 900,
                ..Coverage::default()
            },
        };
        let m = f.message();
        assert!(
            m.contains("REF differs from the GRCh38 base at 2 of the 2 records"),
            "{m}"
        );
        assert!(m.contains("the 900 definition positions"), "{m}");
        assert!(m.contains("(7 records read)"), "{m}");
        assert!(
            m.contains("1 record lies within 2 Mb of a pharmacogene, but no record sits"),
            "{m}"
        );
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["kind"], "other_build");
        assert_eq!(json["signs"][1], "near_but_not_on");
        assert_eq!(json["counts"]["near_pharmacogenes"], 1);
        let back: CoverageFinding = serde_json::from_value(json).unwrap();
        assert_eq!(back, f);
    }
}
