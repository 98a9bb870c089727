//! Notes on the request: the report's warnings, with the non-answers'
//! lines in the page's language.

use super::page::Page;
use super::phrases::non_answer_text;
use super::ui::Ui;

impl Page<'_> {
    pub(super) fn request_notes(&mut self) {
        let r = self.report;
        if r.warnings.is_empty() {
            return;
        }
        self.raw("<section id=\"request-notes\">\n");
        self.ui_in("h2", Ui::InputNotes);
        self.raw("<ul class=\"small muted\">\n");
        // The non-answers' warnings in the page's language, the others as
        // they are.
        let english = r.strict_warnings();
        let lang = self.lang;
        let mut notes: Vec<String> = r
            .warnings
            .iter()
            .filter(|w| !english.contains(w))
            .cloned()
            .collect();
        notes.extend(crate::recommend::strict_lines(
            r.drugs.iter().flat_map(|d| {
                d.non_answers
                    .iter()
                    .map(move |n| (d.drug.as_str(), d.source, n))
            }),
            &|n| non_answer_text(n, lang),
            Ui::DrugsAffected.text(lang),
        ));
        for w in &notes {
            self.raw("<li>");
            self.text(w);
            self.raw("</li>\n");
        }
        self.raw("</ul>\n</section>\n");
    }
}
