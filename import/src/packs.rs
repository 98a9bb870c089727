//! Puts the gene and guideline imports together into one pack per source.

use std::path::Path;

use super::genes::import_genes;
use super::recommendations::import_guidelines;
use super::vocabulary::add_vocabulary;
use dosera::pack::{Pack, PackMeta, Source, UpstreamRelease, SCHEMA_VERSION};
use dosera::Result;

/// Options of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// Release suffix; packs are named `<source>-<release>`.
    pub release: String,
    /// Keep upstream recommendation text (for packs users build for
    /// themselves; never for bundled packs).
    pub verbatim: bool,
}

/// What an import produced: the packs and notes for the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// One pack per source, CPIC first.
    pub packs: Vec<Pack>,
    /// Notes on anything merged, dropped or unusual.
    pub report: Vec<String>,
}

/// Reads the upstream files under `reference` (laid out as published:
/// `definitions/`, `phenotypes/`, `recommendations/`, `supplements-2026/`)
/// and builds the CPIC and DPWG packs, newest data winning.
///
/// ```no_run
/// use dosera_import::{import, ImportOptions};
/// let options = ImportOptions { release: "2026.11.1".into(), verbatim: false };
/// let imported = import("../shared/reference".as_ref(), &options).unwrap();
/// assert_eq!(imported.packs.len(), 2);
/// ```
pub fn import(reference: &Path, options: &ImportOptions) -> Result<Imported> {
    let genes = import_genes(reference)?;
    let mut guidelines = import_guidelines(reference, options.verbatim)?;
    let mut report = genes.report.clone();
    let vocabulary = add_vocabulary(
        reference,
        &mut guidelines.cpic_drugs,
        &mut guidelines.dpwg_drugs,
        &mut report,
    )?;
    guidelines.upstream_cpic.push(vocabulary.clone());
    guidelines.upstream_dpwg.push(UpstreamRelease {
        used_for: "ATC codes and RxNorm ids of drugs".into(),
        ..vocabulary
    });
    let mut cpic_upstream = genes.upstream.clone();
    cpic_upstream.extend(guidelines.upstream_cpic.iter().cloned());
    let mut dpwg_upstream: Vec<_> = genes
        .upstream
        .iter()
        .filter(|u| u.used_for.to_ascii_lowercase().contains("dpwg"))
        .cloned()
        .collect();
    dpwg_upstream.extend(guidelines.upstream_dpwg.iter().cloned());
    let cpic = Pack {
        meta: PackMeta {
            schema_version: SCHEMA_VERSION,
            source: Source::Cpic,
            release: format!("cpic-{}", options.release),
            license: "CC0-1.0".into(),
            attribution: "Clinical Pharmacogenetics Implementation Consortium (CPIC), \
                          cpicpgx.org; allele definitions from PharmVar and ClinPGx/PharmGKB \
                          as distributed with PharmCAT"
                .into(),
            verbatim: options.verbatim,
            upstream: cpic_upstream,
        },
        drugs: guidelines.cpic_drugs,
        genes: genes.cpic,
        guidelines: guidelines.cpic,
    };
    let dpwg = Pack {
        meta: PackMeta {
            schema_version: SCHEMA_VERSION,
            source: Source::Dpwg,
            release: format!("dpwg-{}", options.release),
            license: "CC-BY-SA-4.0".into(),
            attribution: "Dutch Pharmacogenetics Working Group (DPWG) guidelines as \
                          annotated by PharmGKB/ClinPGx (clinpgx.org), CC BY-SA 4.0; \
                          this pack is an adaptation shared under the same licence"
                .into(),
            verbatim: options.verbatim,
            upstream: dpwg_upstream,
        },
        drugs: guidelines.dpwg_drugs,
        genes: genes.dpwg,
        guidelines: guidelines.dpwg,
    };
    report.extend(guidelines.report);
    Ok(Imported {
        packs: vec![cpic, dpwg],
        report,
    })
}
