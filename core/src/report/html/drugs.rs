//! The drug tables: drugs with an action, then the other drugs checked
//! (those without a clear answer in view, the rest folded), each with the
//! gene results it is based on.

use crate::pack::words;
use crate::recommend::{DrugResult, Match, NonAnswerReason};
use crate::report::text::{group, Group};

use super::page::Page;
use super::phrases::{action_text, non_answer_text};
use super::ui::Ui;

impl Page<'_> {
    /// `GENE *1/*2 (Normal Metabolizer)` for each gene the guideline uses,
    /// or `GENE: not tested`.
    fn based_on(&self, drug: &DrugResult) -> Vec<String> {
        drug.genes
            .iter()
            .map(|gene| match self.report.gene(gene) {
                Some(g) => {
                    let dips = self.diplotype_text(g);
                    let phen = if g.phenotypes.is_empty() {
                        self.t(Ui::NoResult).to_string()
                    } else {
                        g.phenotypes
                            .iter()
                            .map(|p| words::phenotype(p, self.lang))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    format!("{} {dips} ({phen})", g.gene)
                }
                None => format!("{gene}: {}", self.t(Ui::NotTestedShort)),
            })
            .collect()
    }

    /// True when any gene the drug uses has more than one candidate.
    fn ambiguous(&self, drug: &DrugResult) -> bool {
        drug.genes.iter().any(|gene| {
            self.report
                .gene(gene)
                .is_some_and(|g| g.diplotypes.len() > 1 || g.phenotypes.len() > 1)
        })
    }

    pub(super) fn actionable(&mut self) {
        let r = self.report;
        self.raw("<section id=\"actionable\">\n");
        self.ui_in("h2", Ui::ActionableDrugs);
        let drugs: Vec<(usize, &DrugResult)> = r
            .drugs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.actionable)
            .collect();
        if drugs.is_empty() {
            self.ui_in("p", Ui::NoActionable);
            self.raw("</section>\n");
            return;
        }
        self.raw("<p class=\"muted\">");
        self.text(self.t(Ui::ActionableIntro));
        self.raw("</p>\n<div class=\"wide\"><table>\n<thead><tr>");
        for ui in [
            Ui::Drug,
            Ui::Source,
            Ui::Action,
            Ui::Dose,
            Ui::Strength,
            Ui::BasedOn,
        ] {
            self.ui_in("th", ui);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (i, d) in drugs {
            let rows: Vec<&Match> = d.matches.iter().collect();
            let span = rows.len().max(1);
            for (k, m) in rows.iter().enumerate() {
                self.raw("<tr class=\"act\">");
                if k == 0 {
                    self.raw(&format!("<td rowspan=\"{span}\"><a href=\"#drug-{i}\">"));
                    self.text(&d.drug);
                    self.raw(&format!("</a></td><td rowspan=\"{span}\">"));
                    self.text(d.source.label());
                    self.raw("</td>");
                }
                // Only an action that departs from standard prescribing is
                // marked; a drug's other candidate rows stay plain.
                if m.action.is_actionable() {
                    self.raw("<td class=\"action yes\">");
                } else {
                    self.raw("<td class=\"action\">");
                }
                self.text(action_text(m.action, self.lang));
                if rows.len() > 1 {
                    // Say what tells the rows apart: population, candidate.
                    if let Some(p) = &m.population {
                        self.raw("<br><span class=\"small muted\">");
                        self.text(&format!(
                            "{}: {}",
                            self.t(Ui::Population),
                            words::population(p, self.lang)
                        ));
                        self.raw("</span>");
                    }
                    if !m.candidates.is_empty() && self.ambiguous(d) {
                        self.raw("<br><span class=\"small muted\">");
                        self.text(&format!(
                            "{}: {}",
                            self.t(Ui::ForCandidates),
                            m.candidates.join("; ")
                        ));
                        self.raw("</span>");
                    }
                }
                self.raw("</td><td>");
                let dose = m.dose_text(self.lang);
                self.text(dose.as_deref().unwrap_or("–"));
                self.raw("</td><td>");
                let strength = m.strength.as_deref().map(|x| words::strength(x, self.lang));
                self.text(strength.as_deref().unwrap_or("–"));
                self.raw("</td>");
                if k == 0 {
                    self.raw(&format!("<td rowspan=\"{span}\">"));
                    let based = self.based_on(d);
                    for (j, b) in based.iter().enumerate() {
                        if j > 0 {
                            self.raw("<br>");
                        }
                        self.text(b);
                    }
                    self.non_answers_inline(d);
                    self.disagreement(d);
                    self.raw("</td>");
                }
                self.raw("</tr>\n");
            }
        }
        self.raw("</tbody>\n</table></div>\n</section>\n");
    }

    /// The drug's non-answers, one per line, under the genes it is based
    /// on (a gene absent from the report is already "not tested" there).
    fn non_answers_inline(&mut self, d: &DrugResult) {
        let report = self.report;
        for n in d
            .non_answers
            .iter()
            .filter(|n| n.reason != NonAnswerReason::NotGiven || report.gene(&n.gene).is_some())
        {
            self.raw("<br><span class=\"note small\">");
            self.text(&non_answer_text(n, self.lang));
            self.raw("</span>");
        }
    }

    fn disagreement(&mut self, d: &DrugResult) {
        if !d.candidates_agree {
            self.raw("<br><span class=\"note\">");
            self.text(self.t(Ui::CandidatesDisagree));
            self.raw("</span>");
        } else if self.ambiguous(d) {
            self.raw("<br><span class=\"note\">");
            self.text(self.t(Ui::CandidatesAgree));
            self.raw("</span>");
        }
    }

    /// The drugs with no action: those without a clear answer (no
    /// matching row, a result given but not used, candidates that lead to
    /// different advice) in view, the others folded away in a `<details>`
    /// closed by default.
    pub(super) fn other_drugs(&mut self) {
        let r = self.report;
        let of = |g: Group| -> Vec<(usize, &DrugResult)> {
            r.drugs
                .iter()
                .enumerate()
                .filter(|(_, d)| group(d) == g)
                .collect()
        };
        let unclear = of(Group::Unclear);
        let other = of(Group::Other);
        if unclear.is_empty() && other.is_empty() {
            return;
        }
        self.raw("<section id=\"other-drugs\">\n");
        self.ui_in("h2", Ui::OtherDrugs);
        self.raw("<p class=\"muted\">");
        self.text(self.t(Ui::OtherDrugsIntro));
        self.raw("</p>\n");
        if !unclear.is_empty() {
            self.raw("<h3>");
            self.text(&format!("{} ({})", self.t(Ui::UnclearDrugs), unclear.len()));
            self.raw("</h3>\n");
            self.other_table(&unclear);
        }
        if !other.is_empty() {
            self.raw("<details id=\"standard-drugs\">\n<summary>");
            self.text(&format!("{} ({})", self.t(Ui::StandardFolded), other.len()));
            self.raw("</summary>\n");
            self.other_table(&other);
            self.raw("</details>\n");
        }
        self.raw("</section>\n");
    }

    fn other_table(&mut self, drugs: &[(usize, &DrugResult)]) {
        self.raw("<div class=\"wide\"><table>\n<thead><tr>");
        for ui in [Ui::Drug, Ui::Source, Ui::Action, Ui::BasedOn] {
            self.ui_in("th", ui);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for &(i, d) in drugs {
            self.raw(&format!("<tr><td><a href=\"#drug-{i}\">"));
            self.text(&d.drug);
            self.raw("</a></td><td>");
            self.text(d.source.label());
            self.raw("</td><td>");
            let mut actions: Vec<&'static str> = Vec::new();
            for m in &d.matches {
                let a = action_text(m.action, self.lang);
                if !actions.contains(&a) {
                    actions.push(a);
                }
            }
            if actions.is_empty() {
                self.raw("<em>");
                self.text(self.t(Ui::NoMatch));
                self.raw("</em>");
            } else {
                self.text(&actions.join(", "));
            }
            self.raw("</td><td>");
            self.text(&self.based_on(d).join("; "));
            self.non_answers_inline(d);
            self.disagreement(d);
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody>\n</table></div>\n");
    }
}
