//! The clinician's HTML report: snapshots of the example patient (English
//! and Swedish) and of an outside-call report, and checks that the page
//! fetches nothing, runs nothing, escapes what it shows and leaves nothing
//! of the report out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use dosera::report::html::{escape, render, Lang};
use dosera::report::Report;
use dosera::Engine;
use dosera_conformance::report_cases::{example_report, outside_report, partial_vcf_report};

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::bundled().unwrap());
static EXAMPLE: LazyLock<Report> = LazyLock::new(|| example_report(&ENGINE).unwrap());
static OUTSIDE: LazyLock<Report> = LazyLock::new(|| outside_report(&ENGINE).unwrap());
static PARTIAL: LazyLock<Report> = LazyLock::new(|| partial_vcf_report(&ENGINE).unwrap());

#[test]
fn example_en_snapshot() {
    insta::assert_snapshot!("example_en", render(&EXAMPLE, Lang::En));
}

#[test]
fn example_sv_snapshot() {
    insta::assert_snapshot!("example_sv", render(&EXAMPLE, Lang::Sv));
}

#[test]
fn outside_en_snapshot() {
    insta::assert_snapshot!("outside_en", render(&OUTSIDE, Lang::En));
}

#[test]
fn outside_sv_snapshot() {
    insta::assert_snapshot!("outside_sv", render(&OUTSIDE, Lang::Sv));
}

#[test]
fn partial_en_snapshot() {
    insta::assert_snapshot!("partial_en", render(&PARTIAL, Lang::En));
}

#[test]
fn partial_sv_snapshot() {
    insta::assert_snapshot!("partial_sv", render(&PARTIAL, Lang::Sv));
}

#[test]
fn missing_positions_are_counted_and_explained() {
    let g = PARTIAL.gene("CYP2C19").unwrap();
    let n = g.missing_positions.len();
    assert!(n > 0);
    let html = render(&PARTIAL, Lang::En);
    let nt = section(&html, "not-tested");
    assert!(
        nt.contains(&format!("<strong>CYP2C19</strong>: {n}")),
        "{nt}"
    );
    assert!(nt.contains("no VCF record"), "{nt}");
    let sv = render(&PARTIAL, Lang::Sv);
    assert!(section(&sv, "not-tested").contains("ingen VCF-post"));
    // The gene table shows the same count.
    assert!(section(&html, "genes").contains(&format!("<td>{n}</td>")));
}

/// Every `<tag …>` of the page, lower-cased, attributes included.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let end = after.find('>').expect("unclosed tag");
        out.push(after[..=end].to_ascii_lowercase());
        rest = &after[end + 1..];
    }
    out
}

/// The value of `name="…"` in a tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(&tag[i..i + j])
}

fn pages() -> Vec<String> {
    let mut v = Vec::new();
    for r in [&*EXAMPLE, &*OUTSIDE, &*PARTIAL] {
        for lang in Lang::ALL {
            v.push(render(r, lang));
        }
    }
    v
}

#[test]
fn nothing_runs_and_nothing_is_fetched() {
    for html in pages() {
        let lower = html.to_ascii_lowercase();
        for banned in [
            "<script",
            "<img",
            "<iframe",
            "<object",
            "<embed",
            "<link",
            "@import",
            "url(",
            "@font-face",
            " on",
        ] {
            if banned == " on" {
                // No event-handler attribute on any tag.
                for t in tags(&html) {
                    assert!(
                        !t.split_whitespace().skip(1).any(|a| a.starts_with("on")),
                        "event handler in {t}"
                    );
                }
                continue;
            }
            assert!(!lower.contains(banned), "{banned} in the page");
        }
        for t in tags(&html) {
            assert!(attr(&t, "src").is_none(), "src in {t}");
            if let Some(href) = attr(&t, "href") {
                // Links are anchors only: in-page, or a guideline page the
                // reader may choose to open.
                assert!(t.starts_with("<a "), "href outside <a>: {t}");
                assert!(
                    href.starts_with('#')
                        || href.starts_with("https://")
                        || href.starts_with("http://"),
                    "{t}"
                );
            }
        }
        // A policy that forbids loading anything, should a later change add it.
        assert!(html.contains("default-src 'none'"));
    }
}

#[test]
fn escaping_holds_against_hostile_report_values() {
    let hostile = r#"<script>alert('x')</script>"><img src=x onerror=alert(1)>&"#;
    let mut r = OUTSIDE.clone();
    r.input.sample = hostile.into();
    r.input.file = Some(hostile.into());
    r.packs_release = hostile.into();
    r.warnings.push(hostile.into());
    r.genes[0].warnings.push(hostile.into());
    r.genes[0].phenotypes.push(hostile.into());
    r.drugs[0].drug = hostile.into();
    r.drugs[0].url = "javascript:alert(1)".into();
    r.drugs[1].url = format!("https://example.invalid/\"{hostile}");
    r.drugs[0].matches[0].summary = hostile.into();
    r.drugs[0].matches[0].population = Some(hostile.into());
    for lang in Lang::ALL {
        let html = render(&r, lang);
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{lang}");
        assert!(!lower.contains("<img"), "{lang}");
        assert!(!lower.contains("href=\"javascript"), "{lang}");
        assert!(html.contains(&escape(hostile)), "{lang}");
        // The bad URLs are shown as text, not links.
        assert!(html.contains("javascript:alert(1)"));
        for t in tags(&html) {
            if let Some(href) = attr(&t, "href") {
                assert!(!href.contains("example.invalid"), "{t}");
            }
        }
    }
    assert_eq!(
        escape(hostile),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;"
    );
}

#[test]
fn swedish_differs_from_english() {
    let en = render(&EXAMPLE, Lang::En);
    let sv = render(&EXAMPLE, Lang::Sv);
    assert_ne!(en, sv);
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(sv.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"));
    for (e, s) in [
        ("Drugs with action", "Läkemedel med åtgärd"),
        ("Genes", "Gener"),
        ("What was not tested", "Vad som inte testades"),
        (
            "Decision support, not a diagnosis",
            "Beslutsstöd, inte en diagnos",
        ),
    ] {
        assert!(en.contains(&format!(">{e}<")), "{e}");
        assert!(!sv.contains(&format!(">{e}<")), "{e} in Swedish");
        assert!(sv.contains(s), "{s}");
        assert!(!en.contains(s), "{s} in English");
    }
    // Data values are the same in both.
    assert!(sv.contains("Poor Metabolizer") && en.contains("Poor Metabolizer"));
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("<section id=\"{id}\">")).expect(id);
    let end = html[start..].find("\n</section>\n").expect(id) + start;
    &html[start..end]
}

#[test]
fn every_gene_and_every_actionable_drug_appears() {
    let r = &*EXAMPLE;
    assert!(r.drugs.iter().any(|d| d.actionable));
    for lang in Lang::ALL {
        let html = render(r, lang);
        let genes = section(&html, "genes");
        for g in &r.genes {
            assert!(
                genes.contains(&format!(">{}</a>", escape(&g.gene))),
                "{}",
                g.gene
            );
            for d in &g.diplotypes {
                assert!(genes.contains(&escape(d)), "{} {d}", g.gene);
            }
            for p in &g.phenotypes {
                let shown = dosera::pack::words::phenotype(p, lang);
                assert!(genes.contains(&escape(&shown)), "{} {shown}", g.gene);
            }
        }
        let actionable = section(&html, "actionable");
        let rows: Vec<&str> = actionable.split("<tr class=\"act\">").skip(1).collect();
        let firsts: Vec<&str> = rows
            .iter()
            .copied()
            .filter(|r| r.contains("rowspan"))
            .collect();
        let expected: Vec<&dosera::DrugResult> = r.drugs.iter().filter(|d| d.actionable).collect();
        assert_eq!(firsts.len(), expected.len());
        for (row, d) in firsts.iter().zip(&expected) {
            assert!(
                row.contains(&format!(">{}</a>", escape(&d.drug))),
                "{}",
                d.drug
            );
            assert!(row.contains(d.source.label()), "{}", d.drug);
        }
        // Non-actionable drugs stay out of the summary.
        for d in r.drugs.iter().filter(|d| !d.actionable) {
            if !expected.iter().any(|a| a.drug == d.drug) {
                assert!(
                    !actionable.contains(&format!(">{}</a>", escape(&d.drug))),
                    "{}",
                    d.drug
                );
            }
        }
        // Every drug has its detail block, with its upstream link.
        for (i, d) in r.drugs.iter().enumerate() {
            assert!(html.contains(&format!("id=\"drug-{i}\"")));
            assert!(
                html.contains(&format!("href=\"{}\"", escape(&d.url))),
                "{}",
                d.url
            );
        }
    }
}

#[test]
fn what_was_not_tested_names_cyp2d6_and_absent_genes() {
    let html = render(&EXAMPLE, Lang::En);
    let nt = section(&html, "not-tested");
    assert!(nt.contains("CYP2D6 was not called from the VCF"));
    // The example has no HLA-B or CYP2D6, which guidelines here use.
    for gene in ["CYP2D6", "HLA-B"] {
        assert!(EXAMPLE.gene(gene).is_none());
        assert!(nt.contains(&format!("<strong>{gene}</strong>")), "{gene}");
    }
    // An outside CYP2D6 call removes the CYP2D6 caveat.
    let html = render(&OUTSIDE, Lang::En);
    let nt = section(&html, "not-tested");
    assert!(!nt.contains("CYP2D6 was not called"));
}

#[test]
fn ambiguous_candidates_that_disagree_are_said() {
    let r = &*OUTSIDE;
    let disagree: Vec<&dosera::DrugResult> =
        r.drugs.iter().filter(|d| !d.candidates_agree).collect();
    assert!(
        !disagree.is_empty(),
        "the outside case should have a disagreement"
    );
    let html = render(r, Lang::En);
    assert!(html.contains("Candidates disagree"));
    let sv = render(r, Lang::Sv);
    assert!(sv.contains("Kandidaterna går isär"));
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(render(&EXAMPLE, Lang::En), render(&EXAMPLE, Lang::En));
}
