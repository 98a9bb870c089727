//! The page being written: the report, the language and the markup so
//! far, with the few ways of appending to it (markup as written, escaped
//! text, fixed text, links, term lists and item lists). Each section of
//! the page is an `impl Page` in a file of its own.

use crate::pack::words::Lang;
use crate::report::changes::Change;
use crate::report::stored::StoredReport;
use crate::report::Report;

use super::escape::{escape, link_target};
use super::ui::Ui;

pub(super) struct Page<'a> {
    pub(super) out: String,
    pub(super) lang: Lang,
    pub(super) report: &'a Report,
    /// The earlier report and what changed since, when one was given.
    pub(super) since: Option<(&'a StoredReport, &'a [Change])>,
}

impl Page<'_> {
    pub(super) fn t(&self, ui: Ui) -> &'static str {
        ui.text(self.lang)
    }

    /// Appends markup as written (never report data).
    pub(super) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Appends escaped text.
    pub(super) fn text(&mut self, s: &str) {
        self.out.push_str(&escape(s));
    }

    /// Appends `<tag>` escaped fixed text `</tag>`.
    pub(super) fn ui_in(&mut self, tag: &str, ui: Ui) {
        let text = escape(self.t(ui));
        self.out.push_str(&format!("<{tag}>{text}</{tag}>"));
    }

    pub(super) fn link(&mut self, url: &str) {
        match link_target(url) {
            Some(u) => {
                let u = escape(u);
                self.out.push_str(&format!(
                    "<a href=\"{u}\" rel=\"noopener noreferrer\">{u}</a>"
                ));
            }
            None => self.text(url),
        }
    }

    pub(super) fn dt_dd(&mut self, ui: Ui, value: &str) {
        self.raw("<dt>");
        self.text(self.t(ui));
        self.raw("</dt><dd>");
        self.text(value);
        self.raw("</dd>\n");
    }

    pub(super) fn list(&mut self, title: Ui, items: &[String]) {
        if items.is_empty() {
            return;
        }
        self.raw("<p class=\"small\"><strong>");
        self.text(self.t(title));
        self.raw("</strong></p>\n<ul class=\"small\">\n");
        for item in items {
            self.raw("<li>");
            self.text(item);
            self.raw("</li>\n");
        }
        self.raw("</ul>\n");
    }
}
