//! The whole page: the document head with its stylesheet, the sections in
//! their order, and the footer.

use crate::pack::words::Lang;
use crate::report::changes::Change;
use crate::report::stored::StoredReport;
use crate::report::Report;

use super::css::CSS;
use super::page::Page;
use super::ui::Ui;

/// Renders the report as one self-contained HTML5 page.
///
/// The output depends on nothing but `report` and `lang`: rendering twice
/// gives the same bytes.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::html::{render, Lang};
/// let engine = dosera::Engine::bundled().unwrap();
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
/// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
/// let report = dosera::report::build(&engine, &calls[0], &[], &[]).unwrap();
/// let page = render(&report, Lang::Sv);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("Beslutsstöd, inte en diagnos"));
/// assert!(page.contains("CYP2C19"));
/// assert!(!page.contains("<script"));
/// ```
pub fn render(report: &Report, lang: Lang) -> String {
    page(report, lang, None)
}

/// The page of `report` in `lang` (its clinical text localised first),
/// with the "changed since" section when an earlier report is given.
fn page(report: &Report, lang: Lang, since: Option<(&StoredReport, &[Change])>) -> String {
    let mut local;
    let report = if lang == Lang::En {
        report
    } else {
        local = report.clone();
        local.localise(lang);
        &local
    };
    let mut page = Page {
        out: String::with_capacity(64 * 1024),
        lang,
        report,
        since,
    };
    page.document();
    page.out
}

/// [`render`] with a "changed since your last report" section after the
/// header: what differs between an earlier stored report of the patient
/// (any readable schema version) and this one
/// ([`crate::report::changes::compare`]). A drug of the earlier report
/// that this one does not list at all is left out (it was not asked for).
///
/// ```
/// use dosera::report::{html::{render_since, Lang}, stored::StoredReport};
/// let engine = dosera::Engine::bundled().unwrap();
/// let calls = dosera::input::outside::parse("CYP2C19\t*2/*2\n").unwrap();
/// let resolved = engine.resolve_outside(&calls).unwrap();
/// let empty = dosera::allele::SampleCalls::empty("S1");
/// let report = dosera::report::build(&engine, &empty, &resolved, &["clopidogrel".into()]).unwrap();
/// let mut earlier = StoredReport::of(&report);
/// let page = render_since(&report, &earlier, Lang::En);
/// assert!(page.contains("Changed since your last report"));
/// assert!(page.contains("Nothing in the results or advice has changed."));
/// earlier.genes[0].phenotypes = vec!["Normal Metabolizer".into()];
/// let page = render_since(&report, &earlier, Lang::Sv);
/// assert!(page.contains("CYP2C19: fenotyp: normal metaboliserare → långsam metaboliserare"), "{page}");
/// ```
pub fn render_since(report: &Report, earlier: &StoredReport, lang: Lang) -> String {
    // Drugs this report was not asked for are not said to be removed.
    let mut changes = crate::report::changes::compare_in(earlier, report, lang);
    changes.retain(|c| {
        c.kind != crate::report::changes::ChangeKind::GuidelineRemoved
            || report
                .drugs
                .iter()
                .any(|d| Some(&d.drug) == c.drug.as_ref())
    });
    page(report, lang, Some((earlier, &changes)))
}

impl Page<'_> {
    fn document(&mut self) {
        let r = self.report;
        self.raw("<!DOCTYPE html>\n<html lang=\"");
        self.raw(self.lang.code());
        self.raw("\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n");
        self.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        self.raw("<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
        self.text(&format!("{} · {}", self.t(Ui::Title), r.input.sample));
        self.raw("</title>\n<style>\n");
        self.raw(CSS);
        self.raw("</style>\n</head>\n<body>\n");
        self.header();
        self.since();
        self.actionable();
        self.not_tested();
        self.other_drugs();
        self.genes();
        self.drug_details();
        self.evidence();
        self.request_notes();
        self.raw("<footer>");
        self.text(self.t(Ui::Footer));
        self.raw("</footer>\n</body>\n</html>\n");
    }
}
