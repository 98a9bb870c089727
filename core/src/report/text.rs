//! The text report for a terminal, in English or Swedish: the one
//! formatter of what `dosera report` and `dosera recommend` print.
//!
//! Order: header, a coverage warning if any, the disclaimer; the drugs whose
//! recommendation calls for action, each in full; the genes a guideline
//! needs that were not tested or not called, each once with the drugs it
//! affects; the gene results; the drugs without a clear answer (no
//! matching row, a result given but not used, candidates that disagree),
//! each in full; the other drugs (no action called for), each with every
//! fact of its rows but without a blank line between them; and the notes
//! on the request, with "SOURCE has no guideline for DRUG" folded into one
//! line per source. Every recommendation, non-answer, disagreement and
//! warning of the report is shown; only repeats are folded.

use std::fmt::Write as _;

use crate::input::coverage::CoverageFinding;
use crate::pack::words::{self, Lang, TextLabel};
use crate::recommend::{DrugResult, NonAnswerReason, Recommendations};
use crate::Source;

use super::html::non_answer_text;
use super::{GeneReport, Report};

/// The report as text for a terminal, in `lang` (the report's clinical
/// text is written in `lang` first when it is in another language).
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::pack::words::Lang;
/// let engine = dosera::Engine::bundled().unwrap();
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
/// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
/// let report = dosera::report::build(&engine, &calls[0], &[], &["clopidogrel".into()]).unwrap();
/// let text = dosera::report::text::report_text(&report, Lang::En);
/// let action = text.find("Drugs that call for action").unwrap();
/// assert!(text[action..].contains("clopidogrel · CPIC"));
/// ```
pub fn report_text(report: &Report, lang: Lang) -> String {
    let local;
    let r = if report.lang == lang {
        report
    } else {
        let mut copy = report.clone();
        copy.localise(lang);
        local = copy;
        &local
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        "dosera {} · packs {} · sample {} · {}",
        r.engine_version, r.packs_release, r.input.sample, r.input.build
    );
    let coverage = r.input.coverage.as_ref().map(CoverageFinding::message);
    if let Some(m) = &coverage {
        let _ = writeln!(out, "{}: {m}", TextLabel::WarningCaps.text(lang));
    }
    let _ = writeln!(out, "{}\n", TextLabel::Disclaimer.text(lang));
    let notes: Vec<&String> = r
        .warnings
        .iter()
        .filter(|w| Some(*w) != coverage.as_ref())
        .collect();
    let text = Text { lang };
    text.drugs(&mut out, &r.drugs, &notes, |out| text.gene_table(out, r));
    out
}

/// The answer to `dosera recommend` as text, in `lang`: the gene results
/// as read under each source's rules first (what was asked), then the drugs
/// in the order of [`report_text`].
///
/// ```
/// use dosera::pack::words::Lang;
/// let engine = dosera::Engine::bundled().unwrap();
/// let request = dosera::Request::new(["CYP2C19=*1/*1".parse().unwrap()]).drugs(["codeine"]);
/// let result = engine.recommend(&request).unwrap();
/// let text = dosera::report::text::recommendations_text(&result, Lang::En);
/// assert!(text.contains("no answer: CYP2D6: not given, not tested or not called\n    drugs: codeine (CPIC, DPWG)"));
/// ```
pub fn recommendations_text(result: &Recommendations, lang: Lang) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let packs: Vec<&str> = result.packs.iter().map(|p| p.release.as_str()).collect();
    let _ = writeln!(
        out,
        "dosera {} · packs {} ({})",
        result.engine_version,
        result.packs_release,
        packs.join(", ")
    );
    let _ = writeln!(out, "{}\n", TextLabel::Disclaimer.text(lang));
    let text = Text { lang };
    let notes: Vec<&String> = result.warnings.iter().collect();
    text.gene_results(&mut out, result);
    text.drugs(&mut out, &result.drugs, &notes, |_| {});
    out
}

/// One drug under one guideline in Markdown, for a card or a message that
/// stands alone: the same lines as the text report's block for the drug
/// (every matched row with all its facts, the non-answers and the notes),
/// plus each gene the guideline needs that was not given, which the text
/// report says once for all drugs. Star alleles and other Markdown signs
/// in the text are escaped.
///
/// ```
/// use dosera::pack::words::Lang;
/// let engine = dosera::Engine::bundled().unwrap();
/// let request = dosera::Request::new(["CYP2C19=*2/*2".parse().unwrap()])
///     .drugs(["clopidogrel"])
///     .sources([dosera::Source::Cpic]);
/// let result = engine.recommend(&request).unwrap();
/// let md = dosera::report::text::drug_markdown(&result.drugs[0], Lang::En);
/// assert!(md.starts_with("**clopidogrel · CPIC · "), "{md}");
/// assert!(md.contains("\\*2/\\*2") || md.contains("Poor Metabolizer"), "{md}");
/// assert!(md.lines().any(|l| l.starts_with("- <https://")), "{md}");
/// ```
pub fn drug_markdown(d: &DrugResult, lang: Lang) -> String {
    let text = Text { lang };
    let mut plain = String::new();
    text.drug(&mut plain, d, true);
    for n in d
        .non_answers
        .iter()
        .filter(|n| n.reason == NonAnswerReason::NotGiven)
    {
        let _ = writeln!(
            plain,
            "  {}: {}",
            text.t(TextLabel::NoAnswer),
            non_answer_text(n, lang)
        );
    }
    let mut md = String::with_capacity(plain.len() + 64);
    for line in plain.lines() {
        let body = line.trim_start();
        match line.len() - body.len() {
            0 => {
                let _ = writeln!(md, "**{}**\n", markdown_escape(body));
            }
            2 if body.starts_with("https://") || body.starts_with("http://") => {
                let _ = writeln!(md, "- <{body}>");
            }
            2 => {
                let _ = writeln!(md, "- {}", markdown_escape(body));
            }
            _ => {
                let _ = writeln!(md, "  - {}", markdown_escape(body));
            }
        }
    }
    md
}

/// `text` with the signs Markdown reads as formatting escaped (the one
/// escaping of every Markdown dosera writes).
///
/// ```
/// assert_eq!(dosera::report::text::markdown_escape("*2/*2 [x]"), "\\*2/\\*2 \\[x\\]");
/// ```
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Drugs with the sources of each, in first-seen order.
type DrugsBySource<'a> = Vec<(&'a str, Vec<Source>)>;

/// Where a drug goes in the text and HTML reports.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// Its recommendation departs from standard prescribing.
    Action,
    /// No matching row, a result given but not used, or candidates that
    /// lead to different advice.
    Unclear,
    /// The rest: no action called for.
    Other,
}

pub(crate) fn group(d: &DrugResult) -> Group {
    if d.actionable {
        Group::Action
    } else if d.matches.is_empty()
        || !d.candidates_agree
        || d.non_answers.iter().any(|n| n.reason.fails_strict())
    {
        Group::Unclear
    } else {
        Group::Other
    }
}

struct Text {
    lang: Lang,
}

impl Text {
    fn t(&self, label: TextLabel) -> &'static str {
        label.text(self.lang)
    }

    fn heading(&self, out: &mut String, label: TextLabel, count: Option<usize>) {
        match count {
            Some(n) => {
                let _ = writeln!(out, "== {} ({n}) ==\n", self.t(label));
            }
            None => {
                let _ = writeln!(out, "== {} ==\n", self.t(label));
            }
        }
    }

    /// Every section after the header, with `genes` writing the gene
    /// results between the genes not tested and the drugs without a clear
    /// answer.
    fn drugs(
        &self,
        out: &mut String,
        drugs: &[DrugResult],
        notes: &[&String],
        genes: impl FnOnce(&mut String),
    ) {
        let of =
            |g: Group| -> Vec<&DrugResult> { drugs.iter().filter(|d| group(d) == g).collect() };
        let action = of(Group::Action);
        self.heading(out, TextLabel::ActionHeading, Some(action.len()));
        if action.is_empty() {
            let _ = writeln!(out, "{}\n", self.t(TextLabel::NoAction));
        }
        for d in &action {
            self.drug(out, d, true);
            out.push('\n');
        }
        self.not_tested(out, drugs);
        genes(out);
        let unclear = of(Group::Unclear);
        if !unclear.is_empty() {
            self.heading(out, TextLabel::UnclearHeading, Some(unclear.len()));
            for d in &unclear {
                self.drug(out, d, true);
                out.push('\n');
            }
        }
        let other = of(Group::Other);
        if !other.is_empty() {
            self.heading(out, TextLabel::OtherHeading, Some(other.len()));
            for d in &other {
                self.drug(out, d, false);
            }
            out.push('\n');
        }
        self.notes(out, notes);
    }

    /// One drug under one guideline: every matched row with all its facts,
    /// the non-answers (but a gene not given, said once under the genes not
    /// tested) and the notes. `full` adds the guideline's name.
    fn drug(&self, out: &mut String, d: &DrugResult, full: bool) {
        let lang = self.lang;
        let disagree = if d.candidates_agree {
            String::new()
        } else {
            format!(" · {}", self.t(TextLabel::CandidatesDisagree))
        };
        if full {
            let _ = writeln!(
                out,
                "{} · {} · {}{disagree}",
                d.drug,
                d.source.label(),
                d.guideline_name
            );
            let _ = writeln!(out, "  {}", d.url);
        } else {
            let _ = writeln!(
                out,
                "{} · {} · {}{disagree}",
                d.drug,
                d.source.label(),
                d.url
            );
        }
        let not_given: Vec<&str> = d
            .non_answers
            .iter()
            .filter(|n| n.reason == NonAnswerReason::NotGiven)
            .map(|n| n.gene.as_str())
            .collect();
        if d.matches.is_empty() {
            if not_given.is_empty() {
                let _ = writeln!(out, "  {}", self.t(TextLabel::NoMatch));
            } else {
                let _ = writeln!(
                    out,
                    "  {} ({}: {})",
                    self.t(TextLabel::NoMatch),
                    self.t(TextLabel::NotTested),
                    not_given.join(", ")
                );
            }
        }
        for m in &d.matches {
            let dose = m
                .dose_text(lang)
                .map(|d| format!(" · {d}"))
                .unwrap_or_default();
            let lookup: Vec<String> = m.lookup.iter().map(|(g, k)| format!("{g}: {k}")).collect();
            let _ = writeln!(
                out,
                "  [{}] {}{dose} · {}: {} · {}: {} · {}: {}",
                m.id,
                words::action_label(m.action, lang),
                self.t(TextLabel::Strength),
                m.strength
                    .as_deref()
                    .map(|x| words::strength(x, lang))
                    .unwrap_or_else(|| "-".into()),
                self.t(TextLabel::Population),
                m.population
                    .as_deref()
                    .map(|x| words::population(x, lang))
                    .unwrap_or_else(|| "-".into()),
                self.t(TextLabel::Key),
                lookup.join(", ")
            );
            let _ = writeln!(out, "    {}", m.summary);
            let _ = writeln!(out, "    {}", m.implication);
            if d.matches.len() > 1 || !d.candidates_agree {
                let _ = writeln!(
                    out,
                    "    {}: {}",
                    self.t(TextLabel::For),
                    m.candidates.join("; ")
                );
            }
        }
        for n in d
            .non_answers
            .iter()
            .filter(|n| n.reason != NonAnswerReason::NotGiven)
        {
            let _ = writeln!(
                out,
                "  {}: {}",
                self.t(TextLabel::NoAnswer),
                non_answer_text(n, lang)
            );
        }
        for w in &d.warnings {
            let _ = writeln!(out, "  {}: {w}", self.t(TextLabel::Note));
        }
    }

    /// Each gene not given (or not called) that a drug's guideline needs,
    /// once, with the drugs (and sources) answered without it.
    fn not_tested(&self, out: &mut String, drugs: &[DrugResult]) {
        // (the non-answer's line, [(drug, [source])]) in first-seen order
        // of the line, sorted by gene below.
        let mut genes: Vec<(String, String, DrugsBySource)> = Vec::new();
        for d in drugs {
            for n in d
                .non_answers
                .iter()
                .filter(|n| n.reason == NonAnswerReason::NotGiven)
            {
                let line = non_answer_text(n, self.lang);
                let at = match genes.iter().position(|(_, l, _)| *l == line) {
                    Some(i) => i,
                    None => {
                        genes.push((n.gene.clone(), line, Vec::new()));
                        genes.len() - 1
                    }
                };
                let list = &mut genes[at].2;
                match list.iter_mut().find(|(drug, _)| *drug == d.drug) {
                    Some((_, sources)) => {
                        if !sources.contains(&d.source) {
                            sources.push(d.source);
                        }
                    }
                    None => list.push((&d.drug, vec![d.source])),
                }
            }
        }
        if genes.is_empty() {
            return;
        }
        genes.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        self.heading(out, TextLabel::NotTestedHeading, Some(genes.len()));
        let _ = writeln!(out, "{}", self.t(TextLabel::NotTestedIntro));
        for (_, line, list) in &genes {
            let shown: Vec<String> = list
                .iter()
                .map(|(drug, sources)| {
                    let s: Vec<&str> = sources.iter().map(|s| s.label()).collect();
                    format!("{drug} ({})", s.join(", "))
                })
                .collect();
            let _ = writeln!(out, "  {}: {line}", self.t(TextLabel::NoAnswer));
            let _ = writeln!(
                out,
                "    {}: {}",
                self.t(TextLabel::Drugs),
                shown.join(", ")
            );
        }
        out.push('\n');
    }

    /// The notes on the request or input, with every "SOURCE has no
    /// guideline for DRUG" folded into one line per source.
    fn notes(&self, out: &mut String, notes: &[&String]) {
        let mut folded: Vec<(Source, Vec<&str>)> = Vec::new();
        let mut rest: Vec<&str> = Vec::new();
        for w in notes {
            match no_guideline(w) {
                Some((source, drug)) => match folded.iter_mut().find(|(s, _)| *s == source) {
                    Some((_, list)) => list.push(drug),
                    None => folded.push((source, vec![drug])),
                },
                None => rest.push(w),
            }
        }
        if folded.is_empty() && rest.is_empty() {
            return;
        }
        self.heading(out, TextLabel::NotesHeading, None);
        let note = self.t(TextLabel::Note);
        for (source, list) in &folded {
            let _ = writeln!(
                out,
                "{note}: {} {}: {}",
                source.label(),
                self.t(TextLabel::NoGuidelineFor),
                list.join(", ")
            );
        }
        for w in rest {
            let _ = writeln!(out, "{note}: {w}");
        }
    }

    /// The gene table of a report.
    fn gene_table(&self, out: &mut String, r: &Report) {
        self.heading(out, TextLabel::GenesHeading, None);
        let width = r
            .genes
            .iter()
            .map(|g| self.dip_text(g).chars().count())
            .max()
            .unwrap_or(0)
            .clamp(self.t(TextLabel::DiplotypesColumn).chars().count(), 60);
        let _ = writeln!(
            out,
            "{} {} {} {}",
            pad(self.t(TextLabel::GeneColumn), 9),
            pad(self.t(TextLabel::SourceColumn), 8),
            pad(self.t(TextLabel::DiplotypesColumn), width),
            self.t(TextLabel::PhenotypesColumn)
        );
        for g in &r.genes {
            let source = match g.source {
                crate::allele::CallSource::Vcf => "vcf",
                crate::allele::CallSource::Outside => "outside",
            };
            let phen = if g.phenotypes.is_empty() {
                self.t(TextLabel::NoResult).to_string()
            } else {
                g.phenotypes
                    .iter()
                    .map(|p| words::phenotype(p, self.lang))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let _ = writeln!(
                out,
                "{} {} {} {phen}",
                pad(&g.gene, 9),
                pad(source, 8),
                pad(&self.dip_text(g), width)
            );
            if let Some(c) = &g.call {
                if let Some(reason) = &c.no_call_reason {
                    let _ = writeln!(out, "          {}: {reason}", self.t(TextLabel::WhyNoCall));
                }
                if !g.missing_positions.is_empty() {
                    let _ = writeln!(
                        out,
                        "          {}: {}",
                        self.t(TextLabel::MissingPositions),
                        g.missing_positions.len()
                    );
                }
                if !c.evidence.lower_scoring.is_empty() {
                    let _ = writeln!(
                        out,
                        "          {}: {}",
                        self.t(TextLabel::AlsoFits),
                        c.evidence.lower_scoring.join(", ")
                    );
                }
                for n in &c.notes {
                    let _ = writeln!(out, "          {}: {n}", self.t(TextLabel::Note));
                }
            }
            for w in &g.warnings {
                let _ = writeln!(out, "          {}: {w}", self.t(TextLabel::Warning));
            }
        }
        out.push('\n');
    }

    /// Text shown in the diplotype column of a gene row.
    fn dip_text(&self, g: &GeneReport) -> String {
        if g.diplotypes.is_empty() {
            match g.call.as_ref() {
                Some(c) if c.no_call_reason.is_some() => self.t(TextLabel::NoCall).to_string(),
                Some(c) if !c.allele_matches.is_empty() => {
                    format!(
                        "{}: {}",
                        self.t(TextLabel::Alleles),
                        c.allele_matches.join(", ")
                    )
                }
                _ => "-".to_string(),
            }
        } else {
            g.diplotypes.join(" | ")
        }
    }

    /// The gene results of a request, one line per candidate and source:
    /// the phenotype and the lookup keys, or why there is none.
    fn gene_results(&self, out: &mut String, result: &Recommendations) {
        self.heading(out, TextLabel::GenesHeading, None);
        for g in &result.genes {
            for c in &g.candidates {
                for call in &c.calls {
                    let keys = call.lookup_keys.join(" | ");
                    let what = match (&call.phenotype, keys.is_empty()) {
                        (Some(p), false) => format!(
                            "{} ({}: {keys})",
                            words::phenotype(p, self.lang),
                            self.t(TextLabel::Key)
                        ),
                        (Some(p), true) => words::phenotype(p, self.lang),
                        (None, false) => format!("{}: {keys}", self.t(TextLabel::Key)),
                        (None, true) => {
                            format!("{} ({})", self.t(TextLabel::NoResult), call.derivation)
                        }
                    };
                    let _ = writeln!(
                        out,
                        "{} {} {} {what}",
                        pad(&g.gene, 8),
                        pad(&c.label, 28),
                        pad(call.source.label(), 5)
                    );
                }
            }
            for n in &g.notes {
                let _ = writeln!(out, "  {}: {n}", self.t(TextLabel::Note));
            }
        }
        out.push('\n');
    }
}

/// The source and drug of a "SOURCE has no guideline for DRUG" warning.
fn no_guideline(w: &str) -> Option<(Source, &str)> {
    Source::ALL.iter().find_map(|s| {
        w.strip_prefix(&format!("{s} has no guideline for "))
            .map(|drug| (*s, drug))
    })
}

/// Pads by characters, not bytes (allele names may hold `≥`).
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(width - n))
    }
}

/// One line per change, for readers: `TPMT: phenotype: A → B`. An empty
/// side is shown as `none`. Used by the reanalysis text output and the
/// "changed since your last report" part of the readable report.
///
/// ```
/// use dosera::report::changes::{Change, ChangeKind};
/// use dosera::pack::words::Lang;
/// let c = Change { drug: None, source: None, gene: Some("TPMT".into()),
///     kind: ChangeKind::Phenotype, before: "Intermediate Metabolizer".into(),
///     after: "Possible Intermediate Metabolizer".into(),
///     old_guideline_version: None, new_guideline_version: None };
/// assert_eq!(dosera::report::text::change_line(&c, Lang::En),
///     "TPMT: phenotype: Intermediate Metabolizer → Possible Intermediate Metabolizer");
/// ```
pub fn change_line(c: &super::changes::Change, lang: Lang) -> String {
    let side = |s: &str| {
        if s.is_empty() {
            match lang {
                Lang::En => "none".to_string(),
                Lang::Sv => "inget".to_string(),
            }
        } else {
            s.to_string()
        }
    };
    format!(
        "{}: {}: {} → {}",
        c.subject(),
        c.kind.label(lang),
        side(&c.before),
        side(&c.after)
    )
}

/// A patient's reanalysis as text: a heading naming the sample, the
/// stored report and both pack releases, then one [`change_line`] each.
///
/// ```
/// use dosera::report::{reanalyze::reanalyze, stored::StoredReport};
/// use dosera::pack::words::Lang;
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
/// let resolved = engine.resolve_outside(&calls).unwrap();
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap();
/// let mut stored = StoredReport::of(&report);
/// stored.packs_release = "2025.1.1".into();
/// stored.genes[0].phenotypes = vec!["Intermediate Metabolizer".into()];
/// let r = reanalyze(&engine, &stored, &["clopidogrel".into()]).unwrap();
/// let text = dosera::report::text::reanalysis_text(&r, "s1.json", Lang::En);
/// assert!(text.starts_with("S1 (s1.json): packs 2025.1.1 → "), "{text}");
/// assert!(text.contains("\n  CYP2C19: phenotype: Intermediate Metabolizer → Poor Metabolizer\n"), "{text}");
/// ```
pub fn reanalysis_text(r: &super::changes::Reanalysis, file: &str, lang: Lang) -> String {
    let mut out = String::new();
    let shown = if file.is_empty() {
        String::new()
    } else {
        format!(" ({file})")
    };
    let _ = writeln!(
        out,
        "{}{shown}: {} {} → {} ({} {})",
        r.sample,
        lang_pick(lang, "packs", "kunskapspaket"),
        r.old_release,
        r.new_release,
        lang_pick(lang, "report schema", "rapportschema"),
        r.old_schema_version
    );
    for c in &r.changes {
        let _ = writeln!(out, "  {}", change_line(c, lang));
    }
    out
}

fn lang_pick(lang: Lang, en: &'static str, sv: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Sv => sv,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::allele::CallOptions;
    use crate::input::vcf::VcfReader;
    use crate::Engine;

    fn engine() -> Engine {
        Engine::bundled().unwrap()
    }

    /// The bundled example patient's report, as `dosera report` makes it.
    fn example(engine: &Engine) -> Report {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/corpus/example-patient.vcf");
        let mut reader = VcfReader::from_path(&path).unwrap();
        let calls = engine
            .call_vcf(&mut reader, &CallOptions::default())
            .unwrap();
        crate::report::build(engine, &calls[0], &[], &[]).unwrap()
    }

    /// The text between a heading (`== TITLE (N) ==`) and the next one.
    fn section<'a>(text: &'a str, title: &str) -> &'a str {
        let start = text
            .find(&format!("== {title}"))
            .unwrap_or_else(|| panic!("no heading {title}:\n{text}"));
        let body = &text[start + 3..];
        let end = body.find("\n== ").map_or(body.len(), |i| i + 1);
        &body[..end]
    }

    /// The first line of a drug under one guideline: in full (with the
    /// guideline's name) or compact (with its link).
    fn header(d: &DrugResult) -> String {
        let tail = if d.actionable || group(d) == Group::Unclear {
            &d.guideline_name
        } else {
            &d.url
        };
        let end = if d.candidates_agree { "\n" } else { " · " };
        format!("\n{} · {} · {tail}{end}", d.drug, d.source.label())
    }

    #[test]
    fn actionable_drugs_come_first_under_their_heading() {
        let engine = engine();
        let r = example(&engine);
        let text = report_text(&r, Lang::En);
        let heading = text.find("== Drugs that call for action").unwrap();
        let action = section(&text, "Drugs that call for action");
        let actionable: Vec<&DrugResult> = r.drugs.iter().filter(|d| d.actionable).collect();
        assert!(!actionable.is_empty());
        assert!(action.starts_with(&format!(
            "Drugs that call for action ({}) ==",
            actionable.len()
        )));
        for d in &actionable {
            assert!(action.contains(&header(d)), "{} {}", d.drug, d.source);
        }
        // Every other drug comes after the heading, and not under it.
        let others: Vec<&DrugResult> = r.drugs.iter().filter(|d| !d.actionable).collect();
        assert!(!others.is_empty());
        for d in others {
            let at = text.find(&header(d)).expect(&d.drug);
            assert!(at > heading, "{}", d.drug);
            assert!(!action.contains(&header(d)), "{} {}", d.drug, d.source);
        }
        // Not tested and the gene table follow the actions.
        let not_tested = text.find("== Genes not tested").unwrap();
        let genes = text.find("== Gene results").unwrap();
        let standard = text.find("== Other drugs checked").unwrap();
        assert!(heading < not_tested && not_tested < genes && genes < standard);
    }

    #[test]
    fn every_fact_of_every_row_is_shown() {
        let engine = engine();
        let r = example(&engine);
        for lang in Lang::ALL {
            let mut local = r.clone();
            local.localise(lang);
            let text = report_text(&r, lang);
            for d in &local.drugs {
                assert!(text.contains(&d.url), "{}", d.url);
                for m in &d.matches {
                    for said in [&m.id, &m.summary, &m.implication] {
                        assert!(text.contains(said.as_str()), "{lang}: {said}");
                    }
                    assert!(text.contains(words::action_label(m.action, lang)));
                    if let Some(dose) = m.dose_text(lang) {
                        assert!(text.contains(&dose), "{dose}");
                    }
                }
                for w in &d.warnings {
                    assert!(text.contains(w.as_str()), "{w}");
                }
                for n in &d.non_answers {
                    assert!(text.contains(&non_answer_text(n, lang)), "{n:?}");
                }
                if d.actionable {
                    // In full: with the guideline's name.
                    assert!(text.contains(&format!(
                        "{} · {} · {}\n",
                        d.drug,
                        d.source.label(),
                        d.guideline_name
                    )));
                }
            }
        }
    }

    #[test]
    fn each_gene_not_tested_lists_the_drugs_answered_without_it() {
        let engine = engine();
        let r = example(&engine);
        let text = report_text(&r, Lang::En);
        let untested = section(&text, "Genes not tested");
        let mut genes: Vec<&str> = Vec::new();
        for d in &r.drugs {
            for n in &d.non_answers {
                if n.reason == NonAnswerReason::NotGiven && !genes.contains(&n.gene.as_str()) {
                    genes.push(&n.gene);
                }
            }
        }
        assert!(
            genes.contains(&"CYP2D6") && genes.contains(&"HLA-B"),
            "{genes:?}"
        );
        for gene in genes {
            let line =
                format!("  no answer: {gene}: not given, not tested or not called\n    drugs: ");
            assert_eq!(untested.matches(&line).count(), 1, "{gene}\n{untested}");
            assert_eq!(
                text.matches(&format!("no answer: {gene}:")).count(),
                1,
                "{gene}"
            );
            let at = untested.find(&line).unwrap() + line.len();
            let listed = untested[at..].lines().next().unwrap();
            let mut expected: Vec<String> = Vec::new();
            for d in &r.drugs {
                let missing = d
                    .non_answers
                    .iter()
                    .any(|n| n.gene == gene && n.reason == NonAnswerReason::NotGiven);
                let sources: Vec<&str> = r
                    .drugs
                    .iter()
                    .filter(|e| e.drug == d.drug)
                    .filter(|e| {
                        e.non_answers
                            .iter()
                            .any(|n| n.gene == gene && n.reason == NonAnswerReason::NotGiven)
                    })
                    .map(|e| e.source.label())
                    .collect();
                let shown = format!("{} ({})", d.drug, sources.join(", "));
                if missing && !expected.contains(&shown) {
                    expected.push(shown);
                }
            }
            assert_eq!(listed, expected.join(", "), "{gene}");
        }
    }

    #[test]
    fn no_guideline_notes_are_folded_into_one_line_per_source() {
        let engine = engine();
        let r = example(&engine);
        let text = report_text(&r, Lang::En);
        let folded: Vec<&String> = r
            .warnings
            .iter()
            .filter(|w| w.contains(" has no guideline for "))
            .collect();
        assert!(folded.len() > 10, "{folded:?}");
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("has no guideline for"))
            .collect();
        assert!(lines.len() <= Source::ALL.len(), "{lines:?}");
        for w in folded {
            let (source, drug) = no_guideline(w).unwrap();
            let line = lines
                .iter()
                .find(|l| l.starts_with(&format!("note: {source} has no guideline for: ")))
                .expect(w);
            let list = line.split_once("guideline for: ").unwrap().1;
            assert!(list.split(", ").any(|x| x == drug), "{drug}: {line}");
        }
        // Every other warning is shown as it is.
        for w in r.warnings.iter().filter(|w| no_guideline(w).is_none()) {
            assert!(text.contains(w.as_str()), "{w}");
        }
    }

    #[test]
    fn a_value_not_understood_stays_with_its_drug_in_view() {
        let engine = engine();
        let calls = crate::input::outside::parse("CYP2D6\t*1/*44x\n").unwrap();
        let resolved = engine.resolve_outside(&calls).unwrap();
        let empty = crate::allele::SampleCalls::empty("S1");
        let r = crate::report::build(&engine, &empty, &resolved, &["codeine".into()]).unwrap();
        let text = report_text(&r, Lang::En);
        let unclear = section(&text, "Drugs without a clear answer");
        for d in &r.drugs {
            assert!(!d.actionable);
            let block = unclear
                .split("\n\n")
                .find(|b| b.starts_with(&format!("{} · {}", d.drug, d.source.label())))
                .expect(&d.drug);
            assert!(
                block.contains("no answer: CYP2D6 *1/*44x: given but not understood"),
                "{block}"
            );
        }
    }

    #[test]
    fn swedish_headings() {
        let engine = engine();
        let r = example(&engine);
        let text = report_text(&r, Lang::Sv);
        for h in [
            "== Läkemedel som kräver en åtgärd (",
            "== Gener som inte testats",
            "== Genresultat ==",
        ] {
            assert!(text.contains(h), "{h}");
        }
        assert!(!text.contains("Drugs that call for action"));
        assert!(text.contains("inget svar: CYP2D6: inte angiven, inte testad eller inte anropad"));
    }

    #[test]
    fn a_source_with_no_result_says_why_instead_of_an_empty_key() {
        let engine = engine();
        let request =
            crate::Request::new(["CYP2C19=*2/*2".parse().unwrap()]).drugs(["clopidogrel"]);
        let mut result = engine.recommend(&request).unwrap();
        let call = &mut result.genes[0].candidates[0].calls[0];
        call.phenotype = None;
        call.lookup_keys.clear();
        call.derivation = "*2/*2 is not in the table".into();
        let text = recommendations_text(&result, Lang::En);
        assert!(!text.contains("(key: )"), "{text}");
        assert!(!text.contains("CPIC  - "), "{text}");
        assert!(
            text.contains("No Result (*2/*2 is not in the table)"),
            "{text}"
        );
        // A real call shows its phenotype and key.
        assert!(
            text.contains("Poor Metabolizer (key: Poor Metabolizer)"),
            "{text}"
        );
    }
}
