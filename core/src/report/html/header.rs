//! The page's header: sample, input, sex, engine and pack release, the
//! banner of a VCF that misses the pharmacogenes, and the "decision
//! support, not a diagnosis" line.

use crate::allele::{Sex, SexSource};
use crate::input::coverage::{BuildSign, CoverageFinding};

use super::page::Page;
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn header(&mut self) {
        let r = self.report;
        self.raw("<header>\n");
        self.ui_in("h1", Ui::Title);
        self.raw("<dl class=\"meta\">\n");
        self.dt_dd(Ui::Sample, &r.input.sample);
        if let Some(file) = &r.input.file {
            self.dt_dd(Ui::InputFile, file);
        }
        self.dt_dd(Ui::GenomeBuild, &r.input.build);
        let sex = match r.input.sex {
            Some(Sex::Male) => self.t(Ui::SexMale),
            Some(Sex::Female) => self.t(Ui::SexFemale),
            None => self.t(Ui::SexUnknown),
        };
        let sex = match r.input.sex_source {
            SexSource::Given => format!("{sex} ({})", self.t(Ui::SexGiven)),
            SexSource::Inferred => format!("{sex} ({})", self.t(Ui::SexInferred)),
            SexSource::Unknown => sex.to_string(),
        };
        self.dt_dd(Ui::SexLabel, &sex);
        self.dt_dd(Ui::Engine, &format!("dosera {}", r.engine_version));
        let short = r.packs_sha256.get(..12).unwrap_or(&r.packs_sha256);
        self.raw("<dt>");
        self.text(self.t(Ui::Packs));
        self.raw("</dt><dd>");
        self.text(&r.packs_release);
        self.raw(" · sha256 <code title=\"");
        self.text(&r.packs_sha256);
        self.raw("\">");
        self.text(short);
        self.raw("</code></dd>\n</dl>\n");
        self.coverage();
        self.raw("<div class=\"disclaimer\" role=\"note\"><strong>");
        self.text(self.t(Ui::Disclaimer));
        self.raw("</strong>");
        self.text(self.t(Ui::DisclaimerMore));
        if r.input.assume_reference {
            self.raw(" ");
            self.text(self.t(Ui::AssumedReference));
        }
        self.raw("</div>\n</header>\n");
    }

    /// The banner of a VCF that looks like another build or covers no
    /// pharmacogene position: what it means, what points that way, and
    /// the counts behind it.
    fn coverage(&mut self) {
        let Some(c) = &self.report.input.coverage else {
            return;
        };
        let (title, more) = match c {
            CoverageFinding::OtherBuild { .. } => (Ui::OtherBuild, Ui::OtherBuildMore),
            CoverageFinding::NoPharmacogenePosition { .. } => {
                (Ui::NoPharmacogenePosition, Ui::NoPharmacogenePositionMore)
            }
        };
        self.raw("<div class=\"disclaimer\" id=\"coverage\" role=\"alert\"><strong>");
        self.text(self.t(title));
        self.raw("</strong>");
        self.text(self.t(more));
        self.raw("\n<ul>\n");
        for sign in c.signs() {
            self.raw("<li>");
            self.text(self.t(match sign {
                BuildSign::RefDiffers => Ui::SignRefDiffers,
                BuildSign::NearButNotOn => Ui::SignNearButNotOn,
            }));
            self.raw("</li>\n");
        }
        let n = c.counts();
        let counts = format!(
            "{}: {} ({} {}; {} {}: {} {}, {} {}; {} {})",
            self.t(Ui::CoverageRecords),
            n.records,
            n.on_pharmacogene_chromosomes,
            self.t(Ui::CoverageOnChromosomes),
            n.on_definition_positions,
            self.t(Ui::CoverageOnPositions),
            n.ref_agrees,
            self.t(Ui::CoverageRefAgrees),
            n.ref_differs,
            self.t(Ui::CoverageRefDiffers),
            n.near_pharmacogenes,
            self.t(Ui::CoverageNear),
        );
        self.raw("<li class=\"small\">");
        self.text(&counts);
        self.raw("</li>\n</ul></div>\n");
    }
}
