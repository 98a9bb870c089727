//! Why a drug's answer does not use a gene result: the gene was not given,
//! its value was given but not understood, or the guideline has no row for
//! its result. Each case is data ([`NonAnswer`]) in the drug result, never
//! a silent "no recommendation".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{key_matches, DrugResult, GeneReading};
use crate::pack::{Recommendation, Source};
use crate::{Error, Result};

/// Which of the three kinds of non-answer.
///
/// ```
/// use dosera::NonAnswerReason;
/// assert_eq!(serde_json::to_string(&NonAnswerReason::NotUnderstood).unwrap(), "\"not_understood\"");
/// assert!(NonAnswerReason::NoRow.fails_strict());
/// assert!(!NonAnswerReason::NotGiven.fails_strict());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NonAnswerReason {
    /// The gene has a result (a phenotype, activity score or other lookup
    /// key), but the guideline has no row for it.
    NoRow,
    /// The gene was not tested, not given, or has no call: it was matched
    /// as `No Result`.
    NotGiven,
    /// A value was given (or called) for the gene but could not be read: an
    /// allele no definition knows, a diplotype the source's table does not
    /// hold, a call with no phenotype. It was matched as `No Result`.
    NotUnderstood,
}

impl NonAnswerReason {
    /// The reason in words (English); the HTML report has the Swedish.
    ///
    /// ```
    /// assert_eq!(dosera::NonAnswerReason::NotGiven.label(), "not given, not tested or not called");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            NonAnswerReason::NoRow => "the guideline has no recommendation for this result",
            NonAnswerReason::NotGiven => "not given, not tested or not called",
            NonAnswerReason::NotUnderstood => "given but not understood",
        }
    }

    /// True for the kinds strict mode turns into an error: a value was
    /// given and still led to no recommendation. A gene that was not
    /// tested is the scope of the input, not an error.
    ///
    /// ```
    /// assert!(dosera::NonAnswerReason::NotUnderstood.fails_strict());
    /// ```
    pub fn fails_strict(self) -> bool {
        !matches!(self, NonAnswerReason::NotGiven)
    }
}

/// One gene of a drug's guideline whose result the drug's answer does not
/// use, and why.
///
/// ```
/// use dosera::{Engine, NonAnswerReason, Request};
/// let engine = Engine::bundled()?;
/// // Codeine needs CYP2D6; only CYP2C19 is given.
/// let request = Request::new(["CYP2C19=*1/*1".parse()?]).drugs(["codeine"]);
/// let result = engine.recommend(&request)?;
/// let n = &result.drugs[0].non_answers[0];
/// assert_eq!((n.gene.as_str(), n.reason), ("CYP2D6", NonAnswerReason::NotGiven));
/// assert_eq!(n.describe(), "CYP2D6: not given, not tested or not called");
/// # Ok::<(), dosera::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NonAnswer {
    /// Gene symbol.
    pub gene: String,
    /// Which kind of non-answer.
    pub reason: NonAnswerReason,
    /// The result as given or called (`*1/*44x`, `Poor Metabolizer`);
    /// `null` when the gene was not given.
    pub value: Option<String>,
    /// The lookup keys the guideline was searched for (`no_row`), when
    /// they say more than the value.
    pub lookup_keys: Vec<String>,
    /// Why, in words: what could not be read, why there is no result.
    pub detail: Option<String>,
}

impl NonAnswer {
    /// The non-answer as one line of English (`CYP2D6 *1/*44x: given but
    /// not understood (unknown allele …)`): what every output format but
    /// the Swedish HTML page shows.
    ///
    /// ```
    /// use dosera::{NonAnswer, NonAnswerReason};
    /// let n = NonAnswer {
    ///     gene: "CYP2D6".into(),
    ///     reason: NonAnswerReason::NoRow,
    ///     value: Some("*1/*1".into()),
    ///     lookup_keys: vec!["2.0".into()],
    ///     detail: None,
    /// };
    /// assert_eq!(n.describe(), "CYP2D6 *1/*1 (2.0): the guideline has no recommendation for this result");
    /// ```
    pub fn describe(&self) -> String {
        self.describe_in(self.reason.label())
    }

    /// The line with the reason in other words (another language).
    pub(crate) fn describe_in(&self, reason: &str) -> String {
        let mut s = self.gene.clone();
        if let Some(v) = &self.value {
            s.push(' ');
            s.push_str(v);
        }
        let keys: Vec<&str> = self
            .lookup_keys
            .iter()
            .map(String::as_str)
            .filter(|k| Some(*k) != self.value.as_deref())
            .collect();
        if !keys.is_empty() {
            s.push_str(&format!(" ({})", keys.join(" / ")));
        }
        s.push_str(": ");
        s.push_str(reason);
        if let Some(d) = &self.detail {
            s.push_str(&format!(" ({d})"));
        }
        s
    }
}

/// Why a gene named in the input has no result to look up (it goes to the
/// guidelines as `No Result`): a no-call, or a value not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gap {
    /// [`NonAnswerReason::NotGiven`] or [`NonAnswerReason::NotUnderstood`].
    pub(crate) reason: NonAnswerReason,
    /// The value as given or called.
    pub(crate) value: Option<String>,
    /// Why, in words.
    pub(crate) detail: Option<String>,
}

impl Gap {
    /// What tells two gaps apart, for the cohort tables' caches.
    pub(crate) fn signature(&self) -> String {
        format!(
            "\u{1c}{:?}\u{1f}{}\u{1f}{}",
            self.reason,
            self.value.as_deref().unwrap_or_default(),
            self.detail.as_deref().unwrap_or_default()
        )
    }
}

/// Adds `n` unless the same gene, reason and value is there already.
fn add(list: &mut Vec<NonAnswer>, n: NonAnswer) {
    if !list
        .iter()
        .any(|m| m.gene == n.gene && m.reason == n.reason && m.value == n.value)
    {
        list.push(n);
    }
}

/// A gene of the guideline with no result: its candidate label (`HLA-B
/// not given`, `CYP2D6 *1/*44x not understood`) and its non-answer.
pub(super) fn absent(list: &mut Vec<NonAnswer>, gene: &str, gap: Option<&Gap>) -> String {
    let n = match gap {
        Some(g) => NonAnswer {
            gene: gene.to_string(),
            reason: g.reason,
            value: g.value.clone(),
            lookup_keys: Vec::new(),
            detail: g.detail.clone(),
        },
        None => NonAnswer {
            gene: gene.to_string(),
            reason: NonAnswerReason::NotGiven,
            value: None,
            lookup_keys: Vec::new(),
            detail: None,
        },
    };
    let label = match (n.reason, &n.value) {
        (NonAnswerReason::NotUnderstood, Some(v)) => format!("{gene} {v} not understood"),
        _ => format!("{gene} not given"),
    };
    add(list, n);
    label
}

/// A candidate the source's rules give no lookup key (`derivation` says
/// why).
pub(super) fn unread(list: &mut Vec<NonAnswer>, gene: &str, value: &str, derivation: &str) {
    add(
        list,
        NonAnswer {
            gene: gene.to_string(),
            reason: NonAnswerReason::NotUnderstood,
            value: Some(value.to_string()),
            lookup_keys: Vec::new(),
            detail: (!derivation.is_empty()).then(|| derivation.to_string()),
        },
    );
}

/// A combination of candidates that matched no recommendation: the genes
/// whose result no row accepts (each gene's key checked against every row
/// that names the gene). When no gene alone is to blame, every gene of the
/// combination is listed (the guideline has no row for the combination),
/// unless a gene with no result already explains it.
pub(super) fn no_row<'r>(
    list: &mut Vec<NonAnswer>,
    chosen: &[(&str, &GeneReading<'_>)],
    recs: impl Iterator<Item = &'r Recommendation> + Clone,
) {
    let results: Vec<(&str, &GeneReading<'_>)> = chosen
        .iter()
        .filter(|(_, o)| o.value.is_some() && !o.keys.is_empty())
        .copied()
        .collect();
    let mut blamed: Vec<(&str, &GeneReading<'_>)> = results
        .iter()
        .filter(|(gene, o)| {
            recs.clone().all(|r| {
                r.lookup
                    .get(*gene)
                    .is_some_and(|key| !key_matches(key, Some(o)))
            })
        })
        .copied()
        .collect();
    if blamed.is_empty() && results.len() == chosen.len() {
        blamed = results;
    }
    for (gene, o) in blamed {
        add(
            list,
            NonAnswer {
                gene: gene.to_string(),
                reason: NonAnswerReason::NoRow,
                value: o.value.map(str::to_string),
                lookup_keys: o.keys.to_vec(),
                detail: None,
            },
        );
    }
}

/// The warnings of the non-answers strict mode fails on, one per distinct
/// non-answer, naming the drugs and sources it affects
/// (`CYP2D6 *1/*44x: given but not understood (…); drugs: codeine (CPIC,
/// DPWG), tramadol (CPIC)`), in the order the drugs are listed.
pub(crate) fn strict_warnings<'a>(
    items: impl IntoIterator<Item = (&'a str, Source, &'a NonAnswer)>,
) -> Vec<String> {
    strict_lines(items, &NonAnswer::describe, "drugs")
}

/// [`strict_warnings`] in other words: each non-answer as `describe`
/// words it, the drugs led by `drugs_word`.
pub(crate) fn strict_lines<'a>(
    items: impl IntoIterator<Item = (&'a str, Source, &'a NonAnswer)>,
    describe: &dyn Fn(&NonAnswer) -> String,
    drugs_word: &str,
) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut drugs: BTreeMap<String, Vec<(&str, Vec<Source>)>> = BTreeMap::new();
    for (drug, source, n) in items {
        if !n.reason.fails_strict() {
            continue;
        }
        let line = describe(n);
        let list = drugs.entry(line.clone()).or_insert_with(|| {
            order.push(line);
            Vec::new()
        });
        match list.iter_mut().find(|(d, _)| *d == drug) {
            Some((_, sources)) => {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
            None => list.push((drug, vec![source])),
        }
    }
    order
        .into_iter()
        .map(|line| {
            let list = drugs
                .get(&line)
                .map(|l| {
                    l.iter()
                        .map(|(d, s)| {
                            let s: Vec<&str> = s.iter().map(|x| x.label()).collect();
                            format!("{d} ({})", s.join(", "))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            format!("{line}; {drugs_word}: {list}")
        })
        .collect()
}

/// [`strict_warnings`] of drug results.
pub(crate) fn drug_warnings(drugs: &[DrugResult]) -> Vec<String> {
    strict_warnings(drugs.iter().flat_map(|d| {
        d.non_answers
            .iter()
            .map(move |n| (d.drug.as_str(), d.source, n))
    }))
}

/// `Err` ([`Error::NonAnswer`]) naming every warning, when there is one.
pub(crate) fn check(warnings: &[String]) -> Result<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    Err(Error::NonAnswer(warnings.join(" | ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(reason: NonAnswerReason, value: Option<&str>) -> NonAnswer {
        NonAnswer {
            gene: "CYP2D6".into(),
            reason,
            value: value.map(str::to_string),
            lookup_keys: Vec::new(),
            detail: None,
        }
    }

    #[test]
    fn the_three_kinds_read_differently() {
        let lines: Vec<String> = [
            n(NonAnswerReason::NotGiven, None),
            n(NonAnswerReason::NotUnderstood, Some("*1/*44x")),
            n(NonAnswerReason::NoRow, Some("*1/*1")),
        ]
        .iter()
        .map(NonAnswer::describe)
        .collect();
        assert_eq!(
            lines,
            [
                "CYP2D6: not given, not tested or not called",
                "CYP2D6 *1/*44x: given but not understood",
                "CYP2D6 *1/*1: the guideline has no recommendation for this result",
            ]
        );
    }

    #[test]
    fn strict_warnings_group_drugs_and_skip_genes_not_given() {
        let typo = n(NonAnswerReason::NotUnderstood, Some("*1/*44x"));
        let absent = n(NonAnswerReason::NotGiven, None);
        let w = strict_warnings([
            ("codeine", Source::Cpic, &typo),
            ("codeine", Source::Dpwg, &typo),
            ("tramadol", Source::Cpic, &typo),
            ("codeine", Source::Cpic, &absent),
        ]);
        assert_eq!(
            w,
            ["CYP2D6 *1/*44x: given but not understood; drugs: codeine (CPIC, DPWG), tramadol (CPIC)"]
        );
        assert!(check(&[]).is_ok());
        let err = check(&w).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::NonAnswer);
        assert!(err
            .to_string()
            .starts_with("not answered (strict): CYP2D6 *1/*44x"));
    }
}
