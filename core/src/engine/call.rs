//! Reading a VCF and calling its samples' genes: the engine hands its
//! allele definitions and packs to the allele stage.

use super::Engine;
use crate::allele::{CallOptions, Caller, Prepared, SampleCalls, VcfSites};
use crate::input::vcf::VcfReader;
use crate::Result;

impl Engine {
    /// The allele stage over this engine's definitions and packs.
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller::new(self.definitions(), self.knowledge())
    }

    /// Reads every record at a definition position from a VCF, checking the
    /// genome build (header contigs, then REF at definition positions),
    /// and judges where the records lie ([`VcfSites::coverage`]): a file of
    /// another build whose header does not say so, or one that covers no
    /// pharmacogene position, is reported as such rather than as a
    /// patient without variants.
    ///
    /// When the file is read through an index and no record on a
    /// definition position has GRCh38's REF, the whole file is read again
    /// (the records beyond the gene regions tell another build from a file
    /// of other regions), so the judgement is the same with or without the
    /// index.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    ///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
    /// let sites = engine.read_sites(&mut reader).unwrap();
    /// assert_eq!(sites.sites.len(), 1);
    /// assert_eq!(sites.coverage, None);
    ///
    /// // The same variant (CYP2C19*2) at its GRCh37 position.
    /// let grch37 = vcf.replace("94781859", "96541616");
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(grch37.into_bytes()).unwrap();
    /// let sites = engine.read_sites(&mut reader).unwrap();
    /// assert!(sites.sites.is_empty());
    /// let finding = sites.coverage.unwrap();
    /// assert!(finding.message().starts_with("this VCF looks like another genome build"));
    /// ```
    pub fn read_sites(&self, reader: &mut VcfReader) -> Result<VcfSites> {
        self.caller().read_sites(reader)
    }

    /// Calls every gene for the samples of a VCF: the one named (or
    /// indexed) by `options.sample`, or all of them.
    ///
    /// ```
    /// use dosera::allele::CallOptions;
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
    ///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
    /// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
    /// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
    /// let cyp2c19 = calls[0].gene("CYP2C19").unwrap();
    /// // Most CYP2C19 positions are absent from this VCF: they are reported, not assumed.
    /// assert!(!cyp2c19.evidence.missing.is_empty());
    /// ```
    pub fn call_vcf(
        &self,
        reader: &mut VcfReader,
        options: &CallOptions,
    ) -> Result<Vec<SampleCalls>> {
        self.caller().call_vcf(reader, options)
    }

    /// The records read against the definitions once, ready to call any
    /// sample of `sites` (what cohort calling shares between samples).
    pub(crate) fn prepare<'a>(
        &'a self,
        sites: &'a VcfSites,
        options: &'a CallOptions,
    ) -> Prepared<'a> {
        self.caller().prepare(sites, options)
    }

    /// Calls every gene for sample `index` of sites already read.
    pub fn call_sites(&self, sites: &VcfSites, index: usize, options: &CallOptions) -> SampleCalls {
        self.caller().call_sites(sites, index, options)
    }
}
