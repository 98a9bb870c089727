//! Puts the gene and guideline imports together into one pack per source.

use std::path::Path;

use super::genes::import_genes_with;
use super::recommendations::import_guidelines_with;
use super::supplements::Supplements;
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
    /// Supplement groups to leave out, by name (see
    /// [`SUPPLEMENT_GROUPS`](crate::SUPPLEMENT_GROUPS)); empty for the
    /// default, newest-wins import. Leaving a group out builds an older
    /// pack: `thiopurines-2026` takes TPMT and NUDT15 from the PharmCAT
    /// 3.1.1 phenotype files and the azathioprine, mercaptopurine and
    /// thioguanine guidelines from the CPIC 2024-03-25 set. An unknown name
    /// is an [`Error::Usage`](dosera::Error::Usage) that lists the known
    /// ones. Bundled packs never leave anything out.
    pub leave_out: Vec<String>,
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
/// and builds the CPIC and DPWG packs, newest data winning (except for
/// the supplement groups [`ImportOptions::leave_out`] names).
///
/// ```no_run
/// use dosera_import::{import, ImportOptions};
/// let options = ImportOptions {
///     release: "2026.11.1".into(),
///     verbatim: false,
///     leave_out: Vec::new(),
/// };
/// let imported = import("../shared/reference".as_ref(), &options).unwrap();
/// assert_eq!(imported.packs.len(), 2);
/// ```
pub fn import(reference: &Path, options: &ImportOptions) -> Result<Imported> {
    let supplements = Supplements::leaving_out(&options.leave_out)?;
    let genes = import_genes_with(reference, supplements)?;
    let mut guidelines = import_guidelines_with(reference, options.verbatim, supplements)?;
    let mut report: Vec<String> = supplements
        .left_out()
        .into_iter()
        .map(|group| {
            format!(
                "supplement group {group} left out: these packs are older than a default \
                 import and are not the bundled packs; rows of the older guidelines that no \
                 reviewer has read carry the keyword classifier's facts, marked as not \
                 reviewed (listed below)"
            )
        })
        .collect();
    report.extend(genes.report.iter().cloned());
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
