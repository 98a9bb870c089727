//! The report as one self-contained HTML5 page for a clinician, in English
//! or Swedish.
//!
//! The page holds its CSS inline and nothing else: no scripts, fonts,
//! images or anything fetched, and a Content-Security-Policy that forbids
//! loading any of them. Every value from the report is HTML-escaped. The
//! page carries no time stamp, so the same report always renders to the
//! same bytes.
//!
//! Order: header (sample, engine, pack release and hash), a warning when
//! the VCF looks like another genome build or covers no pharmacogene
//! position, the "decision support, not a diagnosis" line, drugs with an
//! action, what was not tested, the other drugs checked (those without a
//! clear answer in view; those with no action folded in a `<details>`
//! closed by default), the gene table, then the details: every
//! recommendation and the evidence behind every gene.
//!
//! The page fits a 390 px phone without sideways scrolling: a table too
//! wide for the screen scrolls inside its own box, and long strings wrap.
//!
//! Fixed text comes from one table (`ui.rs`), in both languages; data values
//! (phenotypes, recommendation summaries from the packs, warnings) are shown
//! as they are.
//!
//! Files, each using only those before it: `escape.rs` (report data made
//! safe), `css.rs` (the stylesheet), `ui.rs` (the fixed text),
//! `phrases.rs` (report values in words), `page.rs` (the page being
//! written and how to append to it), one file per section (`header.rs`,
//! `genes.rs`, `drugs.rs`, `not_tested.rs`, `details.rs`, `evidence.rs`,
//! `notes.rs`, `since.rs`), and `document.rs` (the whole page in order).

mod css;
mod details;
mod document;
mod drugs;
mod escape;
mod evidence;
mod genes;
mod header;
mod not_tested;
mod notes;
mod page;
mod phrases;
mod since;
mod ui;

pub use crate::pack::words::{Lang, UnknownLang};
pub use document::{render, render_since};
pub use escape::escape;
pub use phrases::{action_text, dose_text, non_answer_text};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_two_codes_only() {
        assert_eq!(" EN ".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("sv".parse::<Lang>(), Ok(Lang::Sv));
        for bad in ["", "se", "english", "sv-SE"] {
            assert!(bad.parse::<Lang>().is_err(), "{bad}");
        }
    }
}
