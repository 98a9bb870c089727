//! Names shared by every stage: allele, diplotype and key names sort in
//! natural order (`*2` before `*10`), and a name that is not known gets
//! "did you mean …" suggestions by one edit-distance rule ([`suggest`]).

use std::cmp::Ordering;
use std::fmt;

/// Natural order of allele names: digit runs compare as numbers
/// (`*2` < `*10`, `*3A` < `*3B`), the rest as text.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(dosera::names::natural_cmp("*2", "*10"), Ordering::Less);
/// assert_eq!(dosera::names::natural_cmp("*1x2", "*1"), Ordering::Greater);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let dx = x.bytes().take_while(u8::is_ascii_digit).count();
        let dy = y.bytes().take_while(u8::is_ascii_digit).count();
        if dx > 0 && dy > 0 {
            let nx = x[..dx].trim_start_matches('0');
            let ny = y[..dy].trim_start_matches('0');
            let ord = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny));
            if ord != Ordering::Equal {
                return ord;
            }
            x = &x[dx..];
            y = &y[dy..];
        } else {
            let cx = x.chars().next().unwrap_or('\0');
            let cy = y.chars().next().unwrap_or('\0');
            if cx != cy {
                return cx.cmp(&cy);
            }
            x = &x[cx.len_utf8()..];
            y = &y[cy.len_utf8()..];
        }
    }
}

/// At most this many names are suggested for one unknown name.
pub const MAX_SUGGESTIONS: usize = 3;

/// Close known names for a name that is not known, best first; empty when
/// none is close. Shown after an error's message by its [`fmt::Display`]:
/// `; did you mean CYP2C19?`.
///
/// ```
/// let s = dosera::names::Suggestions::new(vec!["CYP2C19".into(), "CYP2C9".into()]);
/// assert_eq!(s.to_string(), "; did you mean CYP2C19 or CYP2C9?");
/// assert_eq!(dosera::names::Suggestions::default().to_string(), "");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions(Vec<String>);

impl Suggestions {
    /// Suggestions in the order given (best first).
    pub fn new(names: Vec<String>) -> Suggestions {
        Suggestions(names)
    }

    /// The suggested names, best first.
    ///
    /// ```
    /// let s = dosera::names::suggest("clopidogrl", ["clopidogrel", "codeine"]);
    /// assert_eq!(s.names(), ["clopidogrel"]);
    /// ```
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// True when nothing is suggested.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Suggestions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => Ok(()),
            [one] => write!(f, "; did you mean {one}?"),
            [init @ .., last] => write!(f, "; did you mean {} or {last}?", init.join(", ")),
        }
    }
}

/// The project's rule for "did you mean": known names close to `given`,
/// best first, at most [`MAX_SUGGESTIONS`].
///
/// Both sides are compared folded: lower case, with only letters and
/// digits kept (`HLAB` meets `HLA-B`, `*5701` meets `*57:01`). A known name
/// is close when the edit distance (insertions, deletions, substitutions
/// and swaps of two neighbours, each 1) between the folded forms is at most
/// 1 for folded names of up to 4 characters, 2 up to 8 and 3 beyond; or
/// when one folded form starts with the other and the rest is at most 2
/// characters long (`*57` and `*57:01`; counted as the largest distance
/// allowed). Only the closest names are kept: a name at distance 1 hides
/// those at 2. Among them a name that starts with the other (either way)
/// comes first, then the smaller true distance, then natural order. A name equal to `given` when folded is
/// the only suggestion.
///
/// ```
/// use dosera::names::suggest;
/// assert_eq!(suggest("HLAB", ["HLA-A", "HLA-B"]).names(), ["HLA-B"]);
/// assert_eq!(suggest("CYP2C1", ["CYP2C19", "CYP2C9", "CYP2D6"]).names(), ["CYP2C19", "CYP2C9"]);
/// assert!(suggest("paracetamol", ["clopidogrel", "warfarin"]).is_empty());
/// ```
pub fn suggest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Suggestions {
    let g = fold(given);
    if g.is_empty() {
        return Suggestions::default();
    }
    let limit = match g.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    // (distance counted, not a prefix, true distance, name)
    let mut found: Vec<(usize, bool, usize, &str)> = Vec::new();
    for name in known {
        let k = fold(name);
        if k.is_empty() {
            continue;
        }
        let prefix = k.starts_with(&g) || g.starts_with(&k);
        let d = distance(&g, &k);
        let short_rest = prefix && k.len().abs_diff(g.len()) <= 2;
        if d <= limit || short_rest {
            found.push((d.min(limit), !prefix, d, name));
        }
    }
    let best = found.iter().map(|f| f.0).min().unwrap_or(0);
    found.retain(|f| f.0 == best);
    found.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then_with(|| natural_cmp(a.3, b.3))
    });
    let mut names: Vec<String> = Vec::new();
    for (_, _, _, name) in found {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        if names.len() == MAX_SUGGESTIONS {
            break;
        }
    }
    Suggestions(names)
}

/// Lower case, letters and digits only.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edit distance with swaps of two neighbours (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn folded_equal_comes_first() {
        let s = suggest("*5701", ["*58:01", "*57:01", "*15:02"]);
        assert_eq!(s.names()[0], "*57:01");
    }

    #[test]
    fn the_nearer_prefix_wins() {
        assert_eq!(suggest("*17x", ["*1", "*17", "*2"]).names(), ["*17", "*1"]);
    }

    #[test]
    fn at_most_three() {
        let s = suggest("*9", ["*1", "*2", "*3", "*4", "*5"]);
        assert_eq!(s.names().len(), MAX_SUGGESTIONS);
    }
}
