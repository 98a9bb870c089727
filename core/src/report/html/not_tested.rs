//! What was not tested: CYP2D6's blind spots, genes the guidelines use that
//! were not in the input, genes with no result, and missing positions.

use crate::allele::CallSource;
use crate::report::GeneReport;

use super::page::Page;
use super::phrases::missing_text;
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn not_tested(&mut self) {
        let r = self.report;
        self.raw("<section id=\"not-tested\">\n");
        self.ui_in("h2", Ui::NotTested);
        self.raw("<ul>\n");
        let mut said = false;

        // CYP2D6: unless an outside call gave it, copy number and hybrids
        // were not seen.
        match r.gene("CYP2D6") {
            Some(g) if g.source == CallSource::Outside => {}
            Some(_) => {
                self.raw("<li><strong>");
                self.text(self.t(Ui::Cyp2d6FromVcf));
                self.raw("</strong></li>\n");
                said = true;
            }
            None => {
                self.raw("<li><strong>");
                self.text(self.t(Ui::Cyp2d6NotCalled));
                self.raw("</strong></li>\n");
                said = true;
            }
        }

        // Genes the guidelines of this report use that are not in it.
        let mut absent: Vec<(&str, Vec<&str>)> = Vec::new();
        for d in &r.drugs {
            for gene in &d.genes {
                if r.gene(gene).is_some() {
                    continue;
                }
                match absent.iter_mut().find(|(g, _)| g == gene) {
                    Some((_, drugs)) => {
                        if !drugs.contains(&d.drug.as_str()) {
                            drugs.push(&d.drug);
                        }
                    }
                    None => absent.push((gene, vec![&d.drug])),
                }
            }
        }
        absent.sort_by(|a, b| a.0.cmp(b.0));
        if !absent.is_empty() {
            said = true;
            self.raw("<li>");
            self.text(self.t(Ui::NotInInput));
            self.raw(":<ul>\n");
            for (gene, drugs) in &absent {
                self.raw("<li><strong>");
                self.text(gene);
                self.raw("</strong> <span class=\"small muted\">(");
                self.text(&format!("{} {}", self.t(Ui::UsedBy), drugs.join(", ")));
                self.raw(")</span></li>\n");
            }
            self.raw("</ul></li>\n");
        }

        // Genes in the input with no result.
        let no_result: Vec<&GeneReport> = r
            .genes
            .iter()
            .filter(|g| g.phenotypes.is_empty() && g.recommendation_input.is_none())
            .collect();
        if !no_result.is_empty() {
            said = true;
            self.raw("<li>");
            self.text(self.t(Ui::NoResultGenes));
            self.raw(":<ul>\n");
            for g in no_result {
                self.raw("<li><strong>");
                self.text(&g.gene);
                self.raw("</strong>");
                let why = g
                    .call
                    .as_ref()
                    .and_then(|c| c.no_call_reason.as_deref())
                    .or_else(|| g.warnings.first().map(String::as_str));
                if let Some(why) = why {
                    self.raw(": ");
                    self.text(why);
                }
                self.raw("</li>\n");
            }
            self.raw("</ul></li>\n");
        }

        // Missing positions.
        let missing: Vec<&GeneReport> = r
            .genes
            .iter()
            .filter(|g| !g.missing_positions.is_empty())
            .collect();
        let any_vcf = r.genes.iter().any(|g| g.call.is_some());
        if missing.is_empty() {
            if any_vcf {
                self.raw("<li>");
                self.text(self.t(Ui::NoneMissing));
                self.raw("</li>\n");
            }
        } else {
            self.raw("<li>");
            said = true;
            self.text(self.t(Ui::MissingSummary));
            self.raw(":<ul>\n");
            for g in missing {
                self.raw("<li><strong>");
                self.text(&g.gene);
                self.raw("</strong>: ");
                self.text(&g.missing_positions.len().to_string());
                let mut reasons: Vec<(&'static str, usize)> = Vec::new();
                if let Some(c) = &g.call {
                    for m in c.evidence.missing.iter().filter(|m| !m.assumed_reference) {
                        let t = missing_text(m.reason, self.lang);
                        match reasons.iter_mut().find(|(x, _)| *x == t) {
                            Some((_, n)) => *n += 1,
                            None => reasons.push((t, 1)),
                        }
                    }
                }
                if !reasons.is_empty() {
                    let list: Vec<String> =
                        reasons.iter().map(|(t, n)| format!("{t}: {n}")).collect();
                    self.raw(" <span class=\"small muted\">(");
                    self.text(&list.join(", "));
                    self.raw(")</span>");
                }
                self.raw("</li>\n");
            }
            self.raw("</ul></li>\n");
        }
        if !said {
            self.raw("<li>");
            self.text(self.t(Ui::NothingUntested));
            self.raw("</li>\n");
        }
        self.raw("</ul>\n</section>\n");
    }
}
