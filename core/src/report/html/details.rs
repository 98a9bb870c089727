//! Every drug's recommendations in detail: the guideline, each matched
//! recommendation, the non-answers and the warnings.

use crate::pack::words;
use crate::recommend::Match;

use super::page::Page;
use super::phrases::{action_text, non_answer_text};
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn drug_details(&mut self) {
        let r = self.report;
        if r.drugs.is_empty() {
            return;
        }
        self.raw("<section id=\"details\">\n");
        self.ui_in("h2", Ui::DrugDetails);
        for (i, d) in r.drugs.iter().enumerate() {
            self.raw(&format!("<section class=\"drug\" id=\"drug-{i}\">\n<h3>"));
            self.text(&format!("{} · {}", d.drug, d.source.label()));
            self.raw("</h3>\n<p class=\"small\">");
            self.text(&format!(
                "{}: {} ({} {}, {})",
                self.t(Ui::Guideline),
                d.guideline_name,
                self.t(Ui::GuidelineVersion),
                d.guideline_version,
                d.release
            ));
            self.raw("<br>");
            self.text(&d.guideline_id);
            self.raw(" · ");
            self.link(&d.url);
            self.raw("</p>\n");
            if d.matches.is_empty() {
                self.raw("<p><em>");
                self.text(self.t(Ui::NoMatch));
                self.raw("</em></p>\n");
            }
            for m in &d.matches {
                self.match_details(m);
            }
            if !d.candidates_agree {
                self.raw("<p class=\"note\">");
                self.text(self.t(Ui::CandidatesDisagree));
                self.raw("</p>\n");
            }
            let non_answers: Vec<String> = d
                .non_answers
                .iter()
                .map(|n| non_answer_text(n, self.lang))
                .collect();
            self.list(Ui::NonAnswers, &non_answers);
            self.list(Ui::Warnings, &d.warnings);
            self.raw("</section>\n");
        }
        self.raw("</section>\n");
    }

    fn match_details(&mut self, m: &Match) {
        self.raw("<h4>");
        self.text(&format!(
            "{} {} · {}",
            self.t(Ui::Recommendation),
            m.id,
            action_text(m.action, self.lang)
        ));
        self.raw("</h4>\n<dl class=\"meta small\">\n");
        self.dt_dd(Ui::Summary, &m.summary);
        self.dt_dd(Ui::Implication, &m.implication);
        if let Some(dose) = m.dose_text(self.lang) {
            self.dt_dd(Ui::Dose, &dose);
        }
        if !m.alternatives.is_empty() {
            self.dt_dd(Ui::Alternatives, &m.alternatives.join(", "));
        }
        let strength = m.strength.as_deref().map(|x| words::strength(x, self.lang));
        self.dt_dd(Ui::Strength, strength.as_deref().unwrap_or("–"));
        let population = m
            .population
            .as_deref()
            .map(|x| words::population(x, self.lang));
        self.dt_dd(Ui::Population, population.as_deref().unwrap_or("–"));
        let lookup: Vec<String> = m.lookup.iter().map(|(g, k)| format!("{g}: {k}")).collect();
        self.dt_dd(Ui::MatchedOn, &lookup.join("; "));
        if !m.candidates.is_empty() {
            self.dt_dd(Ui::ForCandidates, &m.candidates.join("; "));
        }
        self.raw("</dl>\n");
    }
}
