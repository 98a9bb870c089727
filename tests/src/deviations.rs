//! Lists of known deviations kept under `tests/conformance/`: one line per
//! deviation, `key<TAB>observed<TAB>reason`, `#` lines are comments.
//!
//! A test collects what deviates (key → what it observed), compares that
//! with the list and fails on a deviation not listed, on a listed one that no
//! longer deviates (stale), and on a listed one whose reason is empty or
//! still `TODO`. `DOSERA_REGENERATE=1` rewrites the list from what was
//! observed, keeping the reasons already written and marking new lines
//! `TODO`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The reason written for a deviation nobody has explained yet.
pub const TODO: &str = "TODO";

/// A deviation list as read from its file.
///
/// ```
/// use std::collections::BTreeMap;
/// use dosera_conformance::deviations::DeviationList;
///
/// let list = DeviationList::parse("x.tsv", "# k\tobserved\treason\na\tgot 1\tdeliberate\n");
/// assert_eq!(list.reason("a"), Some("deliberate"));
///
/// let found = BTreeMap::from([("b".to_string(), "got 2".to_string())]);
/// let verdict = list.compare(&found);
/// assert_eq!(verdict.unlisted, ["b: got 2"]);
/// assert_eq!(verdict.stale, ["a"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct DeviationList {
    path: PathBuf,
    /// key → (observed, reason)
    listed: BTreeMap<String, (String, String)>,
}

/// How observed deviations compare with a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Observed deviations the list does not hold, as `key: observed`.
    pub unlisted: Vec<String>,
    /// Listed keys that no longer deviate.
    pub stale: Vec<String>,
    /// Listed keys that deviate, whose reason is empty or starts with `TODO`.
    pub undocumented: Vec<String>,
    /// Listed keys that deviate with another observation than the one
    /// listed, as `key: listed → observed`.
    pub changed: Vec<String>,
}

impl Verdict {
    /// Panics unless the list is true: no unlisted, stale or changed entry,
    /// and every entry has a final reason. `what` names the entries in the
    /// messages (`deviations`, `exception groups`).
    ///
    /// ```
    /// dosera_conformance::deviations::Verdict::default().assert_holds("deviations");
    /// ```
    pub fn assert_holds(&self, what: &str) {
        assert!(
            self.unlisted.is_empty(),
            "{} {what} not listed",
            self.unlisted.len()
        );
        assert!(
            self.stale.is_empty(),
            "listed {what} that no longer occur: {:?}",
            self.stale
        );
        assert!(
            self.changed.is_empty(),
            "{} listed {what} changed; regenerate and check them",
            self.changed.len()
        );
        assert!(
            self.undocumented.is_empty(),
            "{what} without a final reason: {:?}",
            self.undocumented
        );
    }
}

impl DeviationList {
    /// Reads a list; a missing file is an empty list.
    ///
    /// ```
    /// let list = dosera_conformance::deviations::DeviationList::read("/nonexistent.tsv");
    /// assert!(list.is_empty());
    /// ```
    pub fn read(path: impl AsRef<Path>) -> DeviationList {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        DeviationList::parse(path, &text)
    }

    /// Reads a list from its text.
    ///
    /// ```
    /// let list = dosera_conformance::deviations::DeviationList::parse("x.tsv", "a\tb\tc\n");
    /// assert_eq!(list.len(), 1);
    /// ```
    pub fn parse(path: impl AsRef<Path>, text: &str) -> DeviationList {
        let listed = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.splitn(3, '\t');
                let key = f.next()?.to_string();
                let observed = f.next().unwrap_or_default().to_string();
                let reason = f.next().unwrap_or_default().to_string();
                Some((key, (observed, reason)))
            })
            .collect();
        DeviationList {
            path: path.as_ref().to_path_buf(),
            listed,
        }
    }

    /// Number of listed deviations.
    ///
    /// ```
    /// let list = dosera_conformance::deviations::DeviationList::parse("x.tsv", "# only a comment\n");
    /// assert_eq!(list.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// True when nothing is listed.
    ///
    /// ```
    /// assert!(dosera_conformance::deviations::DeviationList::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The reason listed for `key`.
    ///
    /// ```
    /// let list = dosera_conformance::deviations::DeviationList::parse("x.tsv", "a\tb\tc\n");
    /// assert_eq!(list.reason("a"), Some("c"));
    /// assert_eq!(list.reason("z"), None);
    /// ```
    pub fn reason(&self, key: &str) -> Option<&str> {
        self.listed.get(key).map(|(_, r)| r.as_str())
    }

    /// Compares observed deviations (key → observation) with the list.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let list = dosera_conformance::deviations::DeviationList::parse(
    ///     "x.tsv",
    ///     "a\tgot 1\tTODO\nb\tgot 2\tknown\n",
    /// );
    /// let found = BTreeMap::from([
    ///     ("a".to_string(), "got 1".to_string()),
    ///     ("b".to_string(), "got 3".to_string()),
    /// ]);
    /// let v = list.compare(&found);
    /// assert_eq!(v.undocumented, ["a"]);
    /// assert_eq!(v.changed, ["b: got 2 → got 3"]);
    /// assert!(v.unlisted.is_empty() && v.stale.is_empty());
    /// ```
    pub fn compare(&self, found: &BTreeMap<String, String>) -> Verdict {
        let mut v = Verdict::default();
        for (key, observed) in found {
            match self.listed.get(key) {
                None => v.unlisted.push(format!("{key}: {observed}")),
                Some((listed, reason)) => {
                    let reason = reason.trim();
                    if reason.is_empty() || reason.starts_with(TODO) {
                        v.undocumented.push(key.clone());
                    }
                    if listed != &tsv_cell(observed) {
                        v.changed.push(format!("{key}: {listed} → {observed}"));
                    }
                }
            }
        }
        v.stale = self
            .listed
            .keys()
            .filter(|k| !found.contains_key(*k))
            .cloned()
            .collect();
        v
    }

    /// The list's text for `found`, keeping the reasons already written;
    /// `header` is written first, each of its lines as a `#` comment.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let list = dosera_conformance::deviations::DeviationList::parse("x.tsv", "a\told\tknown\n");
    /// let found = BTreeMap::from([
    ///     ("a".to_string(), "new".to_string()),
    ///     ("b".to_string(), "x\ty".to_string()),
    /// ]);
    /// let text = list.render("Deviations.\nkey\tobserved\treason", &found);
    /// assert_eq!(text, "# Deviations.\n# key\tobserved\treason\na\tnew\tknown\nb\tx y\tTODO\n");
    /// ```
    pub fn render(&self, header: &str, found: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        for (key, observed) in found {
            let reason = self
                .reason(key)
                .filter(|r| !r.trim().is_empty())
                .unwrap_or(TODO);
            out.push_str(&format!("{key}\t{}\t{reason}\n", tsv_cell(observed)));
        }
        out
    }

    /// Rewrites the file from `found` (see [`DeviationList::render`]) when
    /// `DOSERA_REGENERATE` is set, and returns the list as now written (so
    /// the run that regenerates compares with the new list); otherwise
    /// returns the list unchanged.
    ///
    /// ```no_run
    /// use std::collections::BTreeMap;
    /// use dosera_conformance::deviations::{conformance_file, DeviationList};
    /// let list = DeviationList::read(conformance_file("x.tsv"))
    ///     .regenerate_if_asked("Deviations.", &BTreeMap::new());
    /// ```
    pub fn regenerate_if_asked(
        self,
        header: &str,
        found: &BTreeMap<String, String>,
    ) -> DeviationList {
        if !regenerate_requested() {
            return self;
        }
        let text = self.render(header, found);
        std::fs::write(&self.path, &text)
            .unwrap_or_else(|e| panic!("{}: {e}", self.path.display()));
        DeviationList::parse(&self.path, &text)
    }
}

/// True when `DOSERA_REGENERATE` is set.
///
/// ```
/// let _ = dosera_conformance::deviations::regenerate_requested();
/// ```
pub fn regenerate_requested() -> bool {
    std::env::var_os("DOSERA_REGENERATE").is_some()
}

/// A file under `tests/conformance/`.
///
/// ```
/// let p = dosera_conformance::deviations::conformance_file("java-cases-deviations.tsv");
/// assert!(p.ends_with("conformance/java-cases-deviations.tsv"));
/// ```
pub fn conformance_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("conformance")
        .join(name)
}

/// Text fit for one TSV cell: tabs and line breaks become spaces.
fn tsv_cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}
