//! Changed since your last report: shown when an earlier stored report of
//! the patient is given. Names the earlier report's pack release, then
//! every change of results or advice, one line each (the text formatter's
//! [`change_line`]); changes of guideline version or row id alone are
//! listed apart, as they do not change the advice.

use crate::report::text::change_line;

use super::page::Page;
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn since(&mut self) {
        let Some((earlier, changes)) = self.since else {
            return;
        };
        self.raw("<section id=\"since\">\n");
        self.ui_in("h2", Ui::Since);
        self.raw("<p class=\"small\">");
        self.text(&format!(
            "{}: {} ({}), dosera {}",
            self.t(Ui::SinceEarlier),
            earlier.packs_release,
            earlier.input.sample,
            earlier.engine_version
        ));
        self.raw("</p>\n");
        let lines = |advice: bool| -> Vec<String> {
            changes
                .iter()
                .filter(|c| c.changes_advice() == advice)
                .map(|c| change_line(c, self.lang))
                .collect()
        };
        let (advice, versions) = (lines(true), lines(false));
        if advice.is_empty() {
            self.raw("<p>");
            self.text(self.t(Ui::SinceNothing));
            self.raw("</p>\n");
        } else {
            self.raw("<ul>\n");
            for l in &advice {
                self.raw("<li>");
                self.text(l);
                self.raw("</li>\n");
            }
            self.raw("</ul>\n");
        }
        self.list(Ui::SinceVersionsOnly, &versions);
        self.raw("</section>\n");
    }
}
