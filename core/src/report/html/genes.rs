//! The gene table: diplotypes, phenotypes, where each result came from and
//! how many positions were missing.

use crate::allele::CallSource;
use crate::pack::words;
use crate::report::GeneReport;

use super::page::Page;
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn diplotype_text(&self, g: &GeneReport) -> String {
        if !g.diplotypes.is_empty() {
            return g.diplotypes.join(" | ");
        }
        if let Some(c) = &g.call {
            if !c.allele_matches.is_empty() {
                return format!(
                    "{}: {}",
                    self.t(Ui::AllelesFound),
                    c.allele_matches.join(", ")
                );
            }
        }
        self.t(Ui::NoCall).to_string()
    }

    pub(super) fn genes(&mut self) {
        let r = self.report;
        self.raw("<section id=\"genes\">\n");
        self.ui_in("h2", Ui::Genes);
        self.raw("<div class=\"wide\"><table>\n<thead><tr>");
        for ui in [
            Ui::Gene,
            Ui::Diplotypes,
            Ui::Phenotypes,
            Ui::ResultFrom,
            Ui::MissingPositions,
        ] {
            self.ui_in("th", ui);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (i, g) in r.genes.iter().enumerate() {
            self.raw(&format!("<tr><td><a href=\"#gene-{i}\">"));
            self.text(&g.gene);
            self.raw("</a></td><td>");
            self.text(&self.diplotype_text(g).replace(" | ", " or "));
            self.raw("</td><td>");
            if g.phenotypes.is_empty() {
                self.raw("<em>");
                self.text(self.t(Ui::NoResult));
                self.raw("</em>");
            } else {
                let p: Vec<String> = g
                    .phenotypes
                    .iter()
                    .map(|p| words::phenotype(p, self.lang))
                    .collect();
                self.text(&p.join(" | "));
            }
            if !g.activity_scores.is_empty() {
                self.raw("<br><span class=\"small muted\">");
                self.text(&format!(
                    "{}: {}",
                    self.t(Ui::ActivityScore),
                    g.activity_scores.join(" | ")
                ));
                self.raw("</span>");
            }
            self.raw("</td><td>");
            self.text(match g.source {
                CallSource::Vcf => self.t(Ui::FromVcf),
                CallSource::Outside => self.t(Ui::FromOutside),
            });
            self.raw("</td><td>");
            if g.call.is_some() {
                self.text(&g.missing_positions.len().to_string());
            } else {
                self.raw("–");
            }
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody>\n</table></div>\n</section>\n");
    }
}
