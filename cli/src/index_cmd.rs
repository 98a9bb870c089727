//! `dosera index`: a tabix (or CSI) index beside a bgzipped VCF, so that
//! `dosera report` decompresses only the pharmacogene regions of a
//! whole-genome file instead of all of it.

use std::path::PathBuf;

use clap::Args;
use dosera::input::vcf::{write_index, IndexKind};
use dosera::Error;

#[derive(Args)]
pub struct IndexArgs {
    /// Bgzip-compressed VCF, sorted by contig and position.
    vcf: PathBuf,
    /// Write a CSI index (`VCF.csi`) instead of a tabix one (`VCF.tbi`).
    #[arg(long)]
    csi: bool,
}

pub fn run(args: IndexArgs) -> Result<(), Error> {
    let kind = if args.csi {
        IndexKind::Csi
    } else {
        IndexKind::Tabix
    };
    let summary = write_index(&args.vcf, kind)?;
    eprintln!(
        "wrote {} ({} index of {} records on {} contig{})",
        summary.path.display(),
        summary.kind,
        summary.records,
        summary.contigs,
        if summary.contigs == 1 { "" } else { "s" }
    );
    Ok(())
}
