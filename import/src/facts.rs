//! Facts from upstream wording by keyword rules: an [`Action`], a dose share
//! and named alternatives. Used only for a text no reviewer has read yet
//! (see `curation.rs`); the words are written by [`dosera::pack::words`].
//!
//! The importer reads upstream prose; only the facts found here leave it.

use std::collections::{BTreeMap, BTreeSet};

use dosera::pack::{Action, DoseAdjustment, LookupKey};

/// What the classifier found in one recommendation text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts {
    /// The action.
    pub action: Action,
    /// Dose share, where the text states one.
    pub dose: Option<DoseAdjustment>,
    /// Named alternative drugs (lowercase, sorted).
    pub alternatives: Vec<String>,
    /// Extra detail for the summary template.
    pub detail: Detail,
    /// The text also asks for closer monitoring.
    pub monitor: bool,
    /// The text also mentions another drug as an option.
    pub alternative_mentioned: bool,
}

/// Sub-kinds used only to pick a summary template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Nothing special.
    Plain,
    /// Measure enzyme activity or test further before applying the advice.
    Test,
    /// CYP2D6 `xN` input: a copy number must be given.
    CopyNumber,
    /// Clinical findings and further testing should guide use.
    Clinical,
    /// A dose limit (e.g. a maximum starting dose in mg) without a share.
    DoseLimit,
}

/// Text normalised for matching: lowercase, plain dashes and quotes,
/// abbreviations that end in a dot rewritten, whitespace collapsed.
pub(crate) fn normalise(text: &str) -> String {
    let mut s = text.to_lowercase();
    for (from, to) in [
        ("–", "-"),
        ("—", "-"),
        ("’", "'"),
        ("‘", "'"),
        ("\u{a0}", " "),
        ("e.g.", "eg"),
        ("i.e.", "ie"),
        ("naïve", "naive"),
        ("contra-indicated", "contraindicated"),
        ("co-medication", "comedication"),
        ("metabolised", "metabolized"),
        ("or, ", "or "),
    ] {
        s = s.replace(from, to);
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Remove HTML tags, decode the common entities and collapse whitespace.
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&rsquo;", "'")
        .replace("&lsquo;", "'")
        .replace("&ndash;", "-")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sentences (and `;` clauses) of a normalised text.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let boundary = match c {
            ';' => true,
            '.' | '?' | '!' => next.is_none_or(char::is_whitespace),
            _ => false,
        };
        if boundary {
            let t = cur.trim();
            if !t.is_empty() {
                out.push(t.to_string());
            }
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    let t = cur.trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '*'
}

/// Byte positions where `phrase` occurs on word boundaries.
fn find_all(text: &str, phrase: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(pos) = text.get(start..).and_then(|t| t.find(phrase)) {
        let at = start + pos;
        let end = at + phrase.len();
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c))
            || !phrase.chars().next().is_some_and(is_word_char);
        let after_ok = text[end..].chars().next().is_none_or(|c| !is_word_char(c))
            || !phrase.chars().next_back().is_some_and(is_word_char);
        if before_ok && after_ok {
            out.push(at);
        }
        start = at + phrase.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// First word-bounded position of any of `phrases`.
fn first_of(text: &str, phrases: &[&str]) -> Option<usize> {
    phrases
        .iter()
        .filter_map(|p| find_all(text, p).into_iter().next())
        .min()
}

fn has_any(text: &str, phrases: &[&str]) -> bool {
    first_of(text, phrases).is_some()
}

/// Words of a sentence (punctuation other than `%`, `.`, `-`, `≥`, `*` trimmed).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .map(|w| {
            w.trim_matches(|c: char| {
                !(c.is_alphanumeric() || c == '%' || c == '≥' || c == '*' || c == '-')
            })
            .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when a word from `first` is followed within `window` words by a word
/// starting with one of `then`.
fn near(ws: &[String], first: &[&str], then: &[&str], window: usize) -> bool {
    ws.iter().enumerate().any(|(i, w)| {
        first.contains(&w.as_str())
            && ws
                .iter()
                .skip(i + 1)
                .take(window)
                .any(|x| then.iter().any(|t| x.starts_with(t)))
    })
}

const DOSE_WORDS: &[&str] = &["dose", "dosage", "dosing", "maintenance", "titration"];

/// Sentence-level signals.
#[derive(Debug, Default, Clone)]
struct Signals {
    no_rec: bool,
    avoid: Option<usize>,
    use_alt: Option<usize>,
    consider_alt: bool,
    reduce: Option<usize>,
    increase: Option<usize>,
    standard: bool,
    monitor: bool,
    caution: bool,
    test: bool,
    clinical: bool,
    copy_number: bool,
    dose_limit: bool,
}

impl Signals {
    fn merge(&mut self, o: &Signals, offset: usize) {
        self.no_rec |= o.no_rec;
        self.avoid = min_opt(self.avoid, o.avoid.map(|p| p + offset));
        self.use_alt = min_opt(self.use_alt, o.use_alt.map(|p| p + offset));
        self.consider_alt |= o.consider_alt;
        self.reduce = min_opt(self.reduce, o.reduce.map(|p| p + offset));
        self.increase = min_opt(self.increase, o.increase.map(|p| p + offset));
        self.standard |= o.standard;
        self.monitor |= o.monitor;
        self.caution |= o.caution;
        self.test |= o.test;
        self.clinical |= o.clinical;
        self.copy_number |= o.copy_number;
        self.dose_limit |= o.dose_limit;
    }

    fn action(&self) -> Option<Action> {
        if self.copy_number || self.no_rec {
            return Some(if self.copy_number {
                Action::Other
            } else {
                Action::NoRecommendation
            });
        }
        // The first strong action stated wins; avoiding the drug while
        // naming what to use instead is `use_alternative`.
        let strong = [
            (self.use_alt, Action::UseAlternative),
            (self.avoid, Action::Avoid),
            (self.reduce, Action::ReduceDose),
            (self.increase, Action::IncreaseDose),
        ];
        if let Some((_, first)) = strong
            .iter()
            .filter_map(|(p, a)| p.map(|p| (p, *a)))
            .min_by_key(|(p, _)| *p)
        {
            if first == Action::Avoid && self.use_alt.is_some() {
                return Some(Action::UseAlternative);
            }
            return Some(first);
        }
        if self.test {
            return Some(Action::Other);
        }
        if self.consider_alt {
            return Some(Action::ConsiderAlternative);
        }
        if self.standard {
            return Some(if self.caution {
                Action::Monitor
            } else {
                Action::StandardDosing
            });
        }
        if self.monitor || self.caution {
            return Some(Action::Monitor);
        }
        if self.test || self.clinical {
            return Some(Action::Other);
        }
        None
    }
}

fn min_opt(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Does the sentence state a condition first (`if …`, `in the event …`)?
fn conditional(s: &str) -> bool {
    [
        "if ",
        "in the event",
        "in case",
        "in the case",
        "when ",
        "for non-malignant",
        "for nonmalignan",
        "for chronic",
        "should ",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

fn signals(s: &str) -> Signals {
    let ws = words(s);
    let mut g = Signals {
        copy_number: s.contains("not a valid input"),
        ..Signals::default()
    };
    g.no_rec = s.starts_with("no recommendation")
        || s.starts_with("n/a")
        || s.contains("does not provide a recommendation");

    // Avoid: the drug itself, not co-medication; negated forms do not count.
    let negated_avoid = [
        "no reason to avoid",
        "no need to avoid",
        "not possible to avoid",
        "or avoid",
    ];
    let mut avoid: Option<usize> = None;
    for at in find_all(s, "avoid") {
        let before = &s[..at];
        if negated_avoid
            .iter()
            .any(|n| before.ends_with(n.trim_end_matches("avoid")))
        {
            continue;
        }
        let rest = &s[at..];
        if rest.contains("inhibitor") || rest.contains("comedication") {
            continue;
        }
        avoid = min_opt(avoid, Some(at));
    }
    if !s.contains("not an alternative") {
        avoid = min_opt(
            avoid,
            first_of(
                s,
                &[
                    "is not recommended",
                    "are not recommended",
                    "contraindicated",
                    "do not use",
                    "should not be used",
                ],
            ),
        );
    }
    g.avoid = avoid;

    let prescribed_alt = [
        "select alternative",
        "select an alternative",
        "choose an alternative",
        "choose alternative",
        "use an alternative",
        "use alternative",
        "prescribe an alternative",
        "recommend alternative",
        "select a different",
        "use prasugrel",
    ];
    for p in prescribed_alt {
        for at in find_all(s, p) {
            let after = &s[at + p.len()..];
            let conditional_after = after.starts_with(" if") && !after.starts_with(" if possible");
            if s[..at].ends_with("or ") || conditional_after {
                g.consider_alt = true;
            } else {
                g.use_alt = min_opt(g.use_alt, Some(at));
            }
        }
    }
    if has_any(
        s,
        &[
            "consider alternative",
            "consider an alternative",
            "consider a clinically appropriate",
            "select a clinically appropriate alternative",
            "switching to a clinically appropriate alternative",
            "consider selecting another",
            "alternatively",
            "consider hormonal therapy",
            "an alternative can be selected",
            "or avoid",
            "consider a non",
            "consider non",
            "alternative statin",
            "consider rosuvastatin",
            "alternative p2y12",
            "reconsider the choice",
        ],
    ) {
        g.consider_alt = true;
    }
    if s.starts_with("an alternative can be selected") {
        g.use_alt = None;
    }

    // Dose down.
    let reduce_excluded = s.contains("reducing") && s.contains("over other")
        || s.contains("reduction might not be necessary")
        || s.contains("no need to reduce")
        || s.contains("cannot")
        || s.contains("not possible")
        || s.contains("insufficient");
    // A ceiling such as `never above 1.5 times` caps an increase.
    let exceed_times = (s.contains("exceed") || s.contains("no more than")) && s.contains(" times");
    let mut reduce: Option<usize> = None;
    if !reduce_excluded
        && !exceed_times
        && (near(
            &ws,
            &[
                "reduce",
                "reduced",
                "reduction",
                "decrease",
                "decreased",
                "lower",
                "smaller",
            ],
            DOSE_WORDS,
            6,
        ) || has_any(
            s,
            &[
                "dose reduction",
                "lowest recommended starting dose",
                "slower titration",
                "% less than",
                "no more than",
                "do not exceed",
                "not exceed",
                "exceeding",
                "low dose",
                "reduced dose",
                "strongly reduced",
                "half of the",
            ],
        ))
    {
        reduce = first_of(
            s,
            &[
                "reduce",
                "reduced",
                "reduction",
                "decrease",
                "decreased",
                "lower",
                "lowest recommended",
                "smaller",
                "slower",
                "no more than",
                "not exceed",
                "exceeding",
                "low dose",
                "half of the",
            ],
        )
        .or(Some(0));
    }
    // `≤20mg as a starting dose`: a dose cap without a share.
    if has_any(s, &["not exceed", "exceeding", "no more than"]) && !s.contains('%') {
        g.dose_limit = true;
    }
    if s.contains('≤') && s.contains("starting dose") {
        g.dose_limit = true;
        reduce = min_opt(reduce, s.find('≤'));
    }
    g.reduce = reduce;

    // Dose up.
    let increase_phrases = [
        "increase the dose",
        "increase dose",
        "increase starting",
        "increase the starting",
        "increasing dose",
        "increasing the dose",
        "increasing the target",
        "higher dose",
        "higher target dose",
        "higher maintenance dose",
        "higher initial dose",
        "titrating to a higher",
        "dose increase",
        "proportional increase",
        "double the",
        "x higher",
    ];
    let mut increase = first_of(s, &increase_phrases);
    if s.contains("will not be required") {
        increase = None;
    }
    let ws_all = words(s);
    for (i, w) in ws_all.iter().enumerate() {
        let dose_follows = ws_all
            .iter()
            .skip(i + 1)
            .take(5)
            .any(|x| x.starts_with("dose"));
        let multiple = w == "times" || w.ends_with("-fold");
        let n = if w == "times" {
            i.checked_sub(1)
                .and_then(|j| ws_all.get(j))
                .and_then(|x| parse_range(x))
                .map(|r| r.1)
        } else {
            w.strip_suffix("-fold").and_then(parse_num)
        };
        let capped = ws_all[i.saturating_sub(4)..i]
            .iter()
            .any(|x| x.starts_with("exceed") || x == "more");
        if multiple && dose_follows && !capped && n.is_some_and(|n| n > 1.0) {
            let at = s.find(w.as_str()).unwrap_or(0);
            increase = min_opt(increase, Some(at));
        }
    }
    if increase.is_none() {
        if let Some(pos) = s.find("% of") {
            if let Some(n) = number_before(&s[..pos]) {
                if n > 100.0 {
                    increase = Some(pos);
                }
            }
        }
    }
    g.increase = increase;
    if g.reduce.is_none() && !reduce_excluded {
        if let Some(pos) = s.find("% of") {
            if number_before(&s[..pos]).is_some_and(|n| n < 100.0) {
                g.reduce = Some(pos);
            }
        }
    }

    let scaled = exceed_times || s.contains("% of") || s.contains("half of");
    g.standard = !scaled
        && has_any(
            s,
            &[
                "recommended starting dose",
                "standard starting dose",
                "normal starting dose",
                "standard dose",
                "standard doses",
                "standard dosing",
                "standard starting daily dose",
                "standard recommended dose",
                "standard of care dosing",
                "label recommended",
                "label-recommended",
                "according to the product label",
                "desired starting dose",
                "typical dosing",
                "normal initial dose",
                "no action",
                "no adjustment",
                "no adjustments",
                "no indication to change",
                "no reason to avoid",
                "no reason to avoid ased",
                "no need to avoid",
                "does not need to be adjusted",
                "usual dose",
                "normal dose",
            ],
        );
    g.monitor = has_any(
        s,
        &[
            "monitor",
            "monitoring",
            "be alert",
            "be extra alert",
            "ecg",
            "check whether",
            "plasma concentration",
        ],
    );
    g.caution = has_any(s, &["caution", "cautiously", "close monitoring", "careful"]);
    g.test = has_any(
        s,
        &[
            "enzyme activity must be measured",
            "evaluating tpmt erythrocyte activity",
            "determine the residual dpd activity",
        ],
    );
    g.clinical = s.contains("clinical findings");
    g
}

/// The number written right before `text` ends (`1.5` in `use 1.5 `).
fn number_before(text: &str) -> Option<f64> {
    let t = text.trim_end().trim_end_matches('%');
    let start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    t[start..].trim_matches('.').parse().ok()
}

/// Classify a recommendation text.
///
/// `drug` is the drug the text is for; `known_drugs` the names that may be
/// named as alternatives.
pub(crate) fn classify(text: &str, drug: &str, known_drugs: &BTreeSet<String>) -> Facts {
    let norm = normalise(text);
    let sents = sentences(&norm);
    let mut primary = Signals::default();
    let mut all = Signals::default();
    let mut offset = 0;
    for s in &sents {
        let sig = signals(s);
        if !conditional(s) {
            primary.merge(&sig, offset);
        }
        all.merge(&sig, offset);
        offset += s.len() + 2;
    }
    let (chosen, action) = match primary.action() {
        Some(a) => (primary.clone(), a),
        None => match all.action() {
            Some(a) => (all.clone(), a),
            None => (all.clone(), Action::Other),
        },
    };
    let detail = if chosen.copy_number {
        Detail::CopyNumber
    } else if action == Action::Other && chosen.test {
        Detail::Test
    } else if action == Action::Other && chosen.clinical {
        Detail::Clinical
    } else if matches!(action, Action::ReduceDose | Action::IncreaseDose) && chosen.dose_limit {
        Detail::DoseLimit
    } else {
        Detail::Plain
    };
    let dose = match action {
        Action::StandardDosing | Action::NoRecommendation | Action::Other | Action::Monitor => None,
        _ => sents.iter().find_map(|s| dose_share(s, action)),
    };
    // Drugs named beside a dose change are mostly metabolites to measure or
    // context; they count as options only when the text offers another drug.
    let offers_other = all.consider_alt || all.use_alt.is_some();
    let alternatives = match action {
        Action::UseAlternative | Action::ConsiderAlternative | Action::Avoid => {
            alternatives(&sents, drug, known_drugs)
        }
        _ if offers_other => alternatives(&sents, drug, known_drugs),
        _ => Vec::new(),
    };
    Facts {
        action,
        dose,
        alternatives,
        detail,
        monitor: all.monitor || all.caution,
        alternative_mentioned: all.consider_alt || all.use_alt.is_some(),
    }
}

/// Drugs named as options in the text (never the drug itself, never drugs
/// named as unsuitable, as interacting drugs or as carrying a risk).
fn alternatives(sents: &[String], drug: &str, known: &BTreeSet<String>) -> Vec<String> {
    let excluded = [
        "not an alternative",
        "not alternatives",
        "not suitable",
        "inhibitor",
        "inducer",
        "comedication",
        "risk",
        "avoid",
        "do not",
        "contraindicated",
        "not recommended",
        "switched from",
        "warranted",
        "see ",
        "also",
        "the same applies",
        "not considered",
    ];
    let mut out = BTreeSet::new();
    for s in sents {
        // A sentence about risk, interactions or conditions names no options.
        if s.starts_with("if ")
            || s.starts_with("for ")
            || s.starts_with("the recommendation for")
            || excluded.iter().any(|e| s.contains(e))
        {
            continue;
        }
        for name in known {
            if name == drug || name.len() < 4 {
                continue;
            }
            for at in find_all(s, name) {
                if s[..at].ends_with("non-") || s[..at].ends_with("non ") {
                    continue;
                }
                out.insert(name.clone());
            }
        }
    }
    // `liposomal amphotericin b` also contains `amphotericin b`.
    let list: Vec<String> = out.iter().cloned().collect();
    list.iter()
        .filter(|n| !list.iter().any(|m| m != *n && m.contains(n.as_str())))
        .cloned()
        .collect()
}

/// Which dose a share refers to, from the words before `dose`.
fn dose_of(words_between: &[String]) -> String {
    let has = |w: &str| words_between.iter().any(|x| x.starts_with(w));
    if has("maximum") {
        "maximum dose"
    } else if has("maintenance") {
        "maintenance dose"
    } else if has("lowest") {
        "lowest starting dose"
    } else if has("starting") || has("initial") || has("start") {
        "starting dose"
    } else {
        "standard dose"
    }
    .to_string()
}

fn parse_num(w: &str) -> Option<f64> {
    w.trim_matches(|c: char| !(c.is_ascii_digit() || c == '.'))
        .parse()
        .ok()
}

/// A number or range written as one word: `50%`, `30-80%`, `20%-50%`, `1.5`.
fn parse_range(w: &str) -> Option<(f64, f64)> {
    let w = w.trim_end_matches('%');
    if let Some((a, b)) = w.split_once('-') {
        let a = parse_num(a.trim_end_matches('%'))?;
        let b = parse_num(b)?;
        return Some((a.min(b), a.max(b)));
    }
    let n = parse_num(w)?;
    Some((n, n))
}

fn dose_words_after(ws: &[String], from: usize) -> Option<Vec<String>> {
    // Up to five words until one that starts with `dose`.
    let mut between = Vec::new();
    for w in ws.iter().skip(from).take(6) {
        if w.starts_with("dose") || w.starts_with("dosage") {
            return Some(between);
        }
        between.push(w.clone());
    }
    None
}

/// A dose share in one sentence, consistent with `action`.
fn dose_share(s: &str, action: Action) -> Option<DoseAdjustment> {
    // Study results and case reports are not advice.
    if has_any(s, &["study", "average", "tolerated", "patients with"]) {
        return None;
    }
    let ws = words(s);
    let mut found: Vec<(f64, f64, String)> = Vec::new();
    for i in 0..ws.len() {
        let w = &ws[i];
        let next = |k: usize| ws.get(i + k).map(String::as_str).unwrap_or("");
        // `50% to 80%`: join into a range.
        let (range, skip) = if next(1) == "to" && ws.get(i + 2).is_some_and(|x| x.ends_with('%')) {
            match (parse_range(w), parse_range(next(2))) {
                (Some((a, _)), Some((_, b))) => (Some((a, b)), 2),
                _ => (None, 0),
            }
        } else if w.ends_with('%') {
            (parse_range(w), 0)
        } else {
            (None, 0)
        };
        if let Some((a, b)) = range {
            let after = i + skip + 1;
            let word = ws.get(after).map(String::as_str).unwrap_or("");
            let back: Vec<&str> = ws[i.saturating_sub(4)..i]
                .iter()
                .map(String::as_str)
                .collect();
            if back
                .iter()
                .any(|x| x.starts_with("tolerat") || *x == "activity")
            {
                continue;
            }
            match word {
                "of" => {
                    if let Some(between) = dose_words_after(&ws, after + 1) {
                        found.push((a, b, dose_of(&between)));
                    }
                }
                "reduction" | "less" | "lower" => {
                    let between = dose_words_after(&ws, after + 1).unwrap_or_default();
                    found.push((100.0 - b, 100.0 - a, dose_of(&between)));
                }
                "higher" => {
                    let between = dose_words_after(&ws, after + 1).unwrap_or_default();
                    found.push((100.0 + a, 100.0 + b, dose_of(&between)));
                }
                _ if back.last() == Some(&"by") => {
                    let back: Vec<&str> = ws[i.saturating_sub(6)..i]
                        .iter()
                        .map(String::as_str)
                        .collect();
                    let between: Vec<String> = back.iter().map(|x| x.to_string()).collect();
                    if back
                        .iter()
                        .any(|x| x.starts_with("reduc") || x.starts_with("decreas"))
                    {
                        found.push((100.0 - b, 100.0 - a, dose_of(&between)));
                    } else if back.iter().any(|x| x.starts_with("increas")) {
                        found.push((100.0 + a, 100.0 + b, dose_of(&between)));
                    }
                }
                _ => {}
            }
            continue;
        }
        // `1.5 times the standard dose`, `1.5 to 2 times`, `1.5x higher`.
        if next(1) == "times" || (next(1) == "to" && next(3) == "times") {
            let (a, b, t) = if next(1) == "times" {
                let r = parse_range(w);
                (r.map(|r| r.0), r.map(|r| r.1), i + 2)
            } else {
                (parse_num(w), parse_num(next(2)), i + 4)
            };
            if let (Some(a), Some(b)) = (a, b) {
                let between = dose_words_after(&ws, t).unwrap_or_default();
                found.push((a * 100.0, b * 100.0, dose_of(&between)));
            }
            continue;
        }
        if let Some(x) = w.strip_suffix('x') {
            if next(1) == "higher" {
                if let Some(n) = parse_num(x) {
                    found.push((n * 100.0, n * 100.0, "standard dose".into()));
                }
            }
        }
        if let Some(x) = w.strip_suffix("-fold") {
            if let Some(n) = parse_num(x) {
                if next(1) == "higher" && next(2).starts_with("dose") {
                    found.push((n * 100.0, n * 100.0, "standard dose".into()));
                } else if i > 0 && ws[i - 1] == "by" {
                    let back: Vec<String> = ws[i.saturating_sub(5)..i].to_vec();
                    if back.iter().any(|x| x.starts_with("reduc")) && n > 0.0 {
                        found.push((100.0 / n, 100.0 / n, dose_of(&back)));
                    }
                }
            }
        }
        if w == "half" && next(1) == "of" {
            if let Some(between) = dose_words_after(&ws, i + 2) {
                found.push((50.0, 50.0, dose_of(&between)));
            }
        }
        if w == "double" && next(1) == "the" {
            let between = dose_words_after(&ws, i + 2).unwrap_or_default();
            found.push((200.0, 200.0, dose_of(&between)));
        }
        let raising = ws[..i].iter().any(|x| x.starts_with("increas"));
        if w == "factor" && next(1) == "of" && raising {
            if let Some((a, b)) = parse_range(next(2)) {
                found.push((a * 100.0, b * 100.0, "standard dose".into()));
            }
        }
    }
    let want_up = action == Action::IncreaseDose;
    let want_down = action == Action::ReduceDose;
    found
        .into_iter()
        .filter(|(a, b, _)| *a > 0.0 && *b < 2000.0)
        .find(|(a, b, _)| {
            if want_up {
                *a > 100.0
            } else if want_down {
                *b < 100.0
            } else {
                *b < 100.0 || *a > 100.0
            }
        })
        .map(|(a, b, of)| DoseAdjustment {
            percent_min: round2(a),
            percent_max: round2(b),
            of,
        })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The clinical effect an implication text describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// The result does not tell (unknown, indeterminate, no result).
    Unknown,
    /// Higher risk of a named adverse event.
    Risk(String),
    /// Reduced efficacy or response.
    ReducedEfficacy,
    /// Higher drug (or active metabolite) exposure.
    HigherExposure,
    /// Lower drug exposure.
    LowerExposure,
    /// Low or no added risk, typical response.
    Typical,
    /// Nothing recognised.
    Unclassified,
}

const EVENTS: &[(&[&str], &str)] = &[
    (
        &[
            "myelosuppression",
            "leukopenia",
            "neutropenia",
            "leukopaenia",
        ],
        "myelosuppression",
    ),
    (
        &["hemolysis", "hemolytic", "haemolysis", "haemolytic"],
        "haemolysis",
    ),
    (
        &[
            "sjs",
            "stevens-johnson",
            "epidermal necrolysis",
            "cutaneous adverse",
            "scar",
            "skin",
            "rash",
        ],
        "severe skin reactions",
    ),
    (&["hypersensitivity"], "hypersensitivity reactions"),
    (&["myopathy", "musculoskeletal"], "myopathy"),
    (&["hearing loss", "ototoxicity", "deafness"], "hearing loss"),
    (&["malignant hyperthermia"], "malignant hyperthermia"),
    (&["jaundice", "hyperbilirubinemia", "bilirubin"], "jaundice"),
    (&["bleeding"], "bleeding"),
    (
        &["qt", "arrhythmia", "cardiotoxic"],
        "cardiac adverse effects",
    ),
    (&["bradycardia"], "bradycardia"),
    (&["neurotoxicity", "neuropathy"], "nerve toxicity"),
    (&["liver", "hepatotoxicity", "hepatic"], "liver toxicity"),
    (&["gastrointestinal"], "gastrointestinal adverse effects"),
    (
        &["toxicity", "toxic", "side effects", "adverse"],
        "adverse effects",
    ),
];

/// Classify the implication texts of a recommendation.
pub(crate) fn effect(implications: &[String], lookup: &BTreeMap<String, LookupKey>) -> Effect {
    let text = normalise(&implications.join(" "));
    let unknown_key = lookup.values().any(|k| {
        let k = k.as_str().to_lowercase();
        k == "no result" || k == "indeterminate" || k == "n/a" || k.contains("xn")
    });
    // An unknown key for one gene must not hide a stated risk from another
    // (phenytoin: HLA-B positive with CYP2C9 not known).
    let stated_risk = has_any(&text, &["increased risk", "higher risk"]);
    if (unknown_key && !stated_risk)
        || (has_any(
            &text,
            &[
                "unknown",
                "uncertain",
                "cannot be",
                "could not be",
                "no data",
                "limited data",
                "minimal evidence",
                "insufficient evidence",
                "insufficient data",
            ],
        ) && !has_any(&text, &["increased risk", "higher risk"]))
    {
        return Effect::Unknown;
    }
    let low_risk = has_any(
        &text,
        &[
            "low or reduced risk",
            "low risk",
            "low-to-no risk",
            "no increased risk",
            "normal risk",
            "typical risk",
            "not at increased risk",
            "reduced risk",
        ],
    );
    let risk_up = has_any(
        &text,
        &[
            "increased risk",
            "higher risk",
            "high risk",
            "greatly increased risk",
            "significantly increased risk",
            "elevated risk",
            "risk of",
            "risk for",
            "leukopaenia occurs",
            "leukopenia occurs",
            "leukopaenia and intolerance",
        ],
    ) && !low_risk;
    let efficacy_down = has_any(
        &text,
        &[
            "reduced efficacy",
            "lack of efficacy",
            "reduced effectiveness",
            "reduces the activation",
            "reduced activation",
            "decreased activation",
            "cardiovascular and cerebrovascular events",
            "decreased efficacy",
            "diminished",
            "reduced response",
            "less effective",
            "lower response",
            "sub-optimal",
            "suboptimal",
            "treatment failure",
            "therapeutic failure",
            "reduced effect",
            "reduced active metabolite",
            "reduced clopidogrel active metabolite",
            "reduced formation",
            "lower likelihood of response",
            "reduced likelihood",
            "reduced analgesia",
            "less analgesia",
            "lower efficacy",
            "be lacking",
            "reduced morphine formation",
            "reduced o-desmethyltramadol",
            "probability of attainment",
        ],
    ) || near(&words(&text), &["reduced", "decreased"], &["formation"], 5);
    if risk_up && (!efficacy_down || text.contains("toxicity")) {
        let event = EVENTS
            .iter()
            .find(|(keys, _)| keys.iter().any(|k| has_any(&text, &[k])))
            .map_or("adverse effects", |(_, e)| e);
        return Effect::Risk(event.to_string());
    }
    if efficacy_down || has_any(&text, &["increased risk for adverse cardiac"]) {
        return Effect::ReducedEfficacy;
    }
    let higher = has_any(
        &text,
        &[
            "increased plasma concentration",
            "increased concentration",
            "higher plasma concentration",
            "higher concentration",
            "increased exposure",
            "higher exposure",
            "reduced metabolism",
            "decreased metabolism",
            "slower metabolism",
            "reduced clearance",
            "decreased clearance",
            "increased drug concentration",
            "increased formation",
            "higher systemic",
            "elevated",
        ],
    ) || near(
        &words(&text),
        &["increased", "higher", "elevated", "increases", "increase"],
        &[
            "concentration",
            "exposure",
            "level",
            "plasma",
            "formation",
            "conversion",
            "quantities",
        ],
        4,
    );
    let lower = has_any(
        &text,
        &[
            "decreased plasma concentration",
            "decreased concentration",
            "reduced concentration",
            "reduced plasma concentration",
            "lower plasma concentration",
            "lower concentration",
            "lower exposure",
            "increased metabolism",
            "faster metabolism",
            "increased clearance",
            "reduced exposure",
        ],
    ) || near(
        &words(&text),
        &["decreased", "lower", "reduced", "decreases", "decrease"],
        &["concentration", "exposure", "level"],
        4,
    );
    if higher && !lower {
        return Effect::HigherExposure;
    }
    if lower && !higher {
        return Effect::LowerExposure;
    }
    if higher && lower {
        let h = first_of(&text, &["increased", "higher", "reduced metabolism"]).unwrap_or(0);
        let l = first_of(&text, &["decreased", "lower", "reduced"]).unwrap_or(0);
        return if h <= l {
            Effect::HigherExposure
        } else {
            Effect::LowerExposure
        };
    }
    if low_risk
        || has_any(
            &text,
            &[
                "normal",
                "typical",
                "no effect",
                "not affected",
                "expected response",
                "no association",
                "expected morphine formation",
                "expected o-desmethyltramadol",
                "therapeutic endoxifen",
            ],
        )
    {
        return Effect::Typical;
    }
    if risk_up {
        return Effect::Risk("adverse effects".into());
    }
    Effect::Unclassified
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        [
            "clopidogrel",
            "prasugrel",
            "ticagrelor",
            "granisetron",
            "citalopram",
            "sertraline",
            "paroxetine",
            "nortriptyline",
            "desipramine",
            "amitriptyline",
            "carbamazepine",
            "posaconazole",
            "voriconazole",
            "rosuvastatin",
            "febuxostat",
            "codeine",
            "tramadol",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    // Paraphrased patterns (never more than a few words as published).
    const CASES: &[(&str, Action)] = &[
        ("Start therapy with recommended starting dose.", Action::StandardDosing),
        ("No recommendation", Action::NoRecommendation),
        ("No recommendation because evidence is lacking", Action::NoRecommendation),
        ("For X the text does not provide a recommendation at all.", Action::NoRecommendation),
        ("NO action is needed for this pair.", Action::StandardDosing),
        ("No reason to avoid based on this gene", Action::StandardDosing),
        ("There is no need to avoid the drug; tell the patient.", Action::StandardDosing),
        ("Use drugx per standard dosing guidelines", Action::StandardDosing),
        ("No adjustments needed from usual dosing.", Action::StandardDosing),
        ("Drugx is not recommended", Action::Avoid),
        ("Drugx is contraindicated", Action::Avoid),
        ("Avoid use", Action::Avoid),
        ("Avoid drugx use; if it is warranted, use drug monitoring.", Action::Avoid),
        ("Avoid drugx if possible. Use prasugrel or ticagrelor when allowed.", Action::UseAlternative),
        ("Select alternative drug not mainly cleared by CYP2D6.", Action::UseAlternative),
        ("Choose an alternative, such as febuxostat.", Action::UseAlternative),
        ("Consider alternative drug not cleared by CYP2C19; if needed, monitor levels.", Action::ConsiderAlternative),
        ("Consider a 25% reduction of the usual starting dose.", Action::ReduceDose),
        ("Reduce starting dose by 50% then titrate.", Action::ReduceDose),
        ("Use 70% of the standard dose and watch levels.", Action::ReduceDose),
        ("Start with reduced doses (30%-80% of normal dose).", Action::ReduceDose),
        ("Start with recommended starting dose. Consider slower titration and lower maintenance dose.", Action::ReduceDose),
        ("Increase starting daily dose by 100%.", Action::IncreaseDose),
        ("Use 1.5 times the standard dose and watch levels.", Action::IncreaseDose),
        ("Double the standard dose and check levels.", Action::IncreaseDose),
        ("Use 1.5 times the usual dose, or else choose an alternative.", Action::IncreaseDose),
        ("Start with 50% of the standard dose, otherwise avoid drugx.", Action::ReduceDose),
        ("Choose an alternative, or begin at 10% of the standard dose.", Action::UseAlternative),
        ("Avoid moderate and strong CYP2D6 inhibitors. Start with standard of care dosing.", Action::StandardDosing),
        ("Use at standard doses with caution and close monitoring for anemia", Action::Monitor),
        ("Use drug cautiously; if used, close monitoring is advised", Action::Monitor),
        ("Be alert to reduced efficacy. Tell the patient to report it.", Action::Monitor),
        ("To learn the status, enzyme activity must be measured.", Action::Other),
        ("If patient is drugx-naive, do not use drugx.", Action::Avoid),
        ("Prescribe ≤20mg for the starting dose, then adjust.", Action::ReduceDose),
        ("Initiate therapy with lowest recommended starting dose and titrate.", Action::ReduceDose),
        ("Start with the usual dose. If response is poor, consider a higher maintenance dose.", Action::StandardDosing),
    ];

    #[test]
    fn classifier_table() {
        let mut bad = Vec::new();
        for (text, want) in CASES {
            let got = classify(text, "drugx", &known()).action;
            if got != *want {
                bad.push(format!("{text:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn dose_shares() {
        let d = |t: &str| {
            classify(t, "drugx", &known())
                .dose
                .map(|d| (d.percent_min, d.percent_max, d.of))
        };
        assert_eq!(
            d("Start with reduced doses (30%-80% of normal dose)."),
            Some((30.0, 80.0, "standard dose".into()))
        );
        assert_eq!(
            d("Consider a 25% reduction of the usual starting dose."),
            Some((75.0, 75.0, "starting dose".into()))
        );
        assert_eq!(
            d("Reduce starting dose by 50% then titrate."),
            Some((50.0, 50.0, "starting dose".into()))
        );
        assert_eq!(
            d("Use 1.5 times the standard dose."),
            Some((150.0, 150.0, "standard dose".into()))
        );
        assert_eq!(
            d("Start with 50% to 80% of normal dose."),
            Some((50.0, 80.0, "standard dose".into()))
        );
        assert_eq!(
            d("Give 25-50% of the lowest listed starting dose."),
            Some((25.0, 50.0, "lowest starting dose".into()))
        );
        assert_eq!(
            d("For later doses use about 50% less than typical maintenance dose."),
            Some((50.0, 50.0, "maintenance dose".into()))
        );
        assert_eq!(
            d("Increase starting daily dose by 100%."),
            Some((200.0, 200.0, "starting dose".into()))
        );
        assert_eq!(
            d("Use a 4-fold higher dose."),
            Some((400.0, 400.0, "standard dose".into()))
        );
        assert_eq!(d("Start with normal starting dose."), None);
    }

    #[test]
    fn alternatives_named() {
        let f = classify(
            "Avoid drugx if possible. Use prasugrel or ticagrelor when allowed.",
            "drugx",
            &known(),
        );
        assert_eq!(f.alternatives, vec!["prasugrel", "ticagrelor"]);
        let f = classify(
            "Avoid drugx. Carbamazepine is not an alternative. Options include citalopram or sertraline.",
            "drugx",
            &known(),
        );
        assert_eq!(f.alternatives, vec!["citalopram", "sertraline"]);
        let f = classify(
            "Avoid drugx. When an opioid is warranted, consider a non-tramadol opioid.",
            "drugx",
            &known(),
        );
        assert!(f.alternatives.is_empty());
    }

    #[test]
    fn activation_loss_is_reduced_efficacy() {
        let lookup: BTreeMap<String, LookupKey> = [(
            "CYP2C19".to_string(),
            LookupKey::Key("Poor Metabolizer".into()),
        )]
        .into();
        let text = vec!["Event risk goes up after stenting, since the variant reduces the activation of the prodrug.".to_string()];
        assert_eq!(effect(&text, &lookup), Effect::ReducedEfficacy);
    }

    #[test]
    fn metabolites_named_beside_a_dose_change_are_not_alternatives() {
        let known: BTreeSet<String> = ["imipramine", "desipramine"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let f = classify(
            "Give 70% of the usual dose; follow levels of imipramine and desipramine to set the dose.",
            "imipramine",
            &known,
        );
        assert_eq!(f.action, Action::ReduceDose);
        assert!(f.alternatives.is_empty(), "{:?}", f.alternatives);
    }

    #[test]
    fn a_ceiling_on_a_conditional_increase_is_worded_as_a_ceiling() {
        let known = BTreeSet::new();
        let f = classify(
            "Data are limited. When the effect falls short, try a dose increase. Then the dose must not exceed 1.5 times the usual amount.",
            "drugx",
            &known,
        );
        assert_eq!(f.action, Action::IncreaseDose);
        assert_eq!(f.detail, Detail::DoseLimit);
    }

    #[test]
    fn stated_risk_survives_an_unknown_co_gene() {
        let lookup: BTreeMap<String, LookupKey> = [
            (
                "HLA-B".to_string(),
                LookupKey::Key("*15:02 positive".into()),
            ),
            ("CYP2C9".to_string(), LookupKey::Key("n/a".into())),
        ]
        .into();
        let text = vec!["Carriers have an increased risk of SJS/TEN.".to_string()];
        assert_eq!(
            effect(&text, &lookup),
            Effect::Risk("severe skin reactions".into())
        );
    }

    #[test]
    fn effects() {
        let lk: BTreeMap<String, LookupKey> = [(
            "TPMT".to_string(),
            LookupKey::Key("Poor Metabolizer".into()),
        )]
        .into();
        let e = |t: &str| effect(&[t.to_string()], &lk);
        assert_eq!(
            e("Greatly higher risk of leukopenia and myelosuppression"),
            Effect::Risk("myelosuppression".into())
        );
        assert_eq!(
            e("Low or reduced risk of hypersensitivity"),
            Effect::Typical
        );
        assert_eq!(
            e("Reduced formation of active metabolite; lower response"),
            Effect::ReducedEfficacy
        );
        assert_eq!(
            e("Higher plasma concentrations of the drug"),
            Effect::HigherExposure
        );
        assert_eq!(
            e("Lower plasma concentrations may raise the chance of failure"),
            Effect::LowerExposure
        );
        let nr: BTreeMap<String, LookupKey> =
            [("TPMT".to_string(), LookupKey::Key("No Result".into()))].into();
        assert_eq!(effect(&["x".into()], &nr), Effect::Unknown);
    }

    #[test]
    fn html_is_stripped() {
        assert_eq!(strip_html("<p>a &lt; b</p>\n<h4>c</h4>"), "a < b c");
    }
}
