//! The evidence behind every gene: phase, tied and lower-scoring
//! candidates, missing and undocumented positions, the positions used,
//! outside-call lines and the interpretation.

use crate::allele::PhaseState;

use super::page::Page;
use super::phrases::missing_text;
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn evidence(&mut self) {
        let r = self.report;
        if r.genes.is_empty() {
            return;
        }
        self.raw("<section id=\"evidence\">\n");
        self.ui_in("h2", Ui::Evidence);
        for (i, g) in r.genes.iter().enumerate() {
            self.raw(&format!("<section class=\"gene\" id=\"gene-{i}\">\n<h3>"));
            self.text(&g.gene);
            self.raw("</h3>\n");
            if let Some(c) = &g.call {
                let e = &c.evidence;
                self.raw("<dl class=\"meta small\">\n");
                if let Some(phase) = e.phase {
                    let p = match phase {
                        PhaseState::EffectivelyPhased => Ui::PhaseEffectively,
                        PhaseState::Unphased => Ui::PhaseUnphased,
                        PhaseState::PartlyPhased => Ui::PhasePartly,
                    };
                    self.dt_dd(Ui::Phase, self.t(p));
                }
                if c.hemizygous {
                    self.dt_dd(Ui::Diplotypes, self.t(Ui::Hemizygous));
                }
                if c.diplotypes.len() > 1 {
                    self.dt_dd(Ui::Tied, &c.diplotype_names().join(", "));
                }
                if !e.lower_scoring.is_empty() {
                    self.dt_dd(Ui::LowerScoring, &e.lower_scoring.join(", "));
                }
                if let Some(why) = &c.no_call_reason {
                    self.dt_dd(Ui::WhyNoCall, why);
                }
                if !e.uncallable_alleles.is_empty() {
                    self.dt_dd(Ui::Uncallable, &e.uncallable_alleles.join(", "));
                }
                self.raw("</dl>\n");
                if !e.missing.is_empty() {
                    let items: Vec<String> = e
                        .missing
                        .iter()
                        .map(|m| {
                            let id = m
                                .rsid
                                .as_deref()
                                .map(|r| format!(" {r}"))
                                .unwrap_or_default();
                            let assumed = if m.assumed_reference {
                                format!(" ({})", self.t(Ui::TreatedAsReference))
                            } else {
                                String::new()
                            };
                            format!(
                                "{}{id}: {}{assumed}",
                                m.position,
                                missing_text(m.reason, self.lang)
                            )
                        })
                        .collect();
                    self.list(Ui::MissingPositions, &items);
                }
                if !e.undocumented.is_empty() {
                    let items: Vec<String> = e
                        .undocumented
                        .iter()
                        .map(|u| {
                            let id = u
                                .rsid
                                .as_deref()
                                .map(|r| format!(" {r}"))
                                .unwrap_or_default();
                            let how = if u.treated_as_reference {
                                self.t(Ui::TreatedAsReference)
                            } else {
                                self.t(Ui::NotTreatedAsReference)
                            };
                            format!("{}{id}: {} ({how})", u.position, u.allele)
                        })
                        .collect();
                    self.list(Ui::Undocumented, &items);
                }
                self.raw("<p class=\"small\"><strong>");
                self.text(&format!(
                    "{}: {}",
                    self.t(Ui::PositionsUsed),
                    e.positions_used.len()
                ));
                self.raw("</strong></p>\n");
                if !e.positions_used.is_empty() {
                    let items: Vec<String> = e
                        .positions_used
                        .iter()
                        .map(|p| match &p.rsid {
                            Some(rs) => format!("{rs} {}", p.genotype),
                            None => format!("{} {}", p.position, p.genotype),
                        })
                        .collect();
                    self.raw("<p class=\"positions\">");
                    self.text(&items.join(" · "));
                    self.raw("</p>\n");
                }
                self.list(Ui::Notes, &c.notes);
            }
            if !g.outside.is_empty() {
                let items: Vec<String> = g
                    .outside
                    .iter()
                    .map(|o| {
                        let fields: Vec<String> = o
                            .call
                            .fields()
                            .map(|(f, v)| format!("{}: {v}", f.label()))
                            .collect();
                        format!(
                            "{} {}: {} [{}]",
                            self.t(Ui::Line),
                            o.call.line,
                            fields.join(", "),
                            o.used.label()
                        )
                    })
                    .collect();
                self.list(Ui::OutsideLines, &items);
            }
            if let Some(interp) = &g.interpretation {
                let mut items: Vec<String> = Vec::new();
                for cand in &interp.candidates {
                    for sc in &cand.calls {
                        items.push(format!(
                            "{} · {}: {}",
                            cand.label,
                            sc.source.label(),
                            sc.derivation
                        ));
                    }
                }
                items.extend(interp.notes.iter().cloned());
                self.list(Ui::Interpretation, &items);
            }
            self.list(Ui::Warnings, &g.warnings);
            self.raw("</section>\n");
        }
        self.raw("</section>\n");
    }
}
