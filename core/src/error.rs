//! The one public error type and its stable codes.

use crate::names::Suggestions;

/// Everything that can stop a request from being evaluated.
///
/// Clinical non-answers (Indeterminate, no guideline for a drug, ambiguous
/// calls) are not errors: they are reported in the results. `Err` means the
/// request itself could not be evaluated.
///
/// A name that is not known carries "did you mean …" suggestions
/// ([`crate::names::suggest`]), shown at the end of its message.
///
/// ```
/// use dosera::names::Suggestions;
/// let err = dosera::Error::UnknownGene {
///     gene: "CYP2C1".into(),
///     suggestions: Suggestions::new(vec!["CYP2C19".into()]),
/// };
/// assert_eq!(err.to_string(), "unknown gene `CYP2C1`; did you mean CYP2C19?");
/// assert_eq!(err.code() as u32, 101);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A gene symbol not in any loaded pack.
    #[error("unknown gene `{gene}`{suggestions}")]
    UnknownGene {
        /// The gene as given.
        gene: String,
        /// Close gene symbols.
        suggestions: Suggestions,
    },
    /// An allele name the gene does not define.
    #[error("unknown allele `{allele}` for {gene}{suggestions}")]
    UnknownAllele {
        /// Gene symbol.
        gene: String,
        /// The allele as given.
        allele: String,
        /// Close allele names of the gene.
        suggestions: Suggestions,
    },
    /// A diplotype that could not be read.
    #[error("malformed diplotype `{value}` for {gene}: {reason}")]
    MalformedDiplotype {
        /// Gene symbol.
        gene: String,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A gene result (`GENE=VALUE`) that is none of the accepted forms.
    #[error("cannot read gene result `{0}`: {1}")]
    MalformedGeneResult(String, String),
    /// A name that is no drug, brand name, ATC code or RxNorm id of the
    /// loaded packs.
    #[error("unknown drug `{drug}`{suggestions}")]
    UnknownDrug {
        /// The drug as given.
        drug: String,
        /// Close drug and brand names.
        suggestions: Suggestions,
    },
    /// A known drug that no guideline of the loaded packs covers (upstream
    /// lists it, e.g. at a CPIC level with no prescribing action). Where a
    /// request names such a drug, the result carries this as a warning; the
    /// error is what a direct lookup ([`crate::Engine::drug_name`]) returns.
    #[error("{note}")]
    NoGuideline {
        /// Generic name.
        drug: String,
        /// What is known about it, in one line.
        note: String,
    },
    /// A source other than cpic or dpwg.
    #[error("unknown source `{0}` (expected cpic or dpwg)")]
    UnknownSource(String),
    /// A VCF that cannot be read (bad header, bad record, truncated file).
    #[error("invalid VCF{}: {reason}", line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    InvalidVcf {
        /// 1-based line (plain VCF) or record number, when known.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
    /// Input on a genome build other than GRCh38.
    #[error("input is not on GRCh38: {0}")]
    UnsupportedBuild(String),
    /// A sample name or index not in the VCF.
    #[error("sample `{0}` is not in the VCF")]
    UnknownSample(String),
    /// An outside-call line that cannot be read.
    #[error("outside call line {line}: {reason}")]
    MalformedOutsideCall {
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A pack file whose sha256 differs from its manifest.
    #[error(
        "checksum mismatch for pack file `{file}`: manifest has {expected}, file has {actual}"
    )]
    ChecksumMismatch {
        /// File path relative to the pack root.
        file: String,
        /// Checksum in the manifest.
        expected: String,
        /// Checksum of the file.
        actual: String,
    },
    /// A pack written for another schema version.
    #[error("pack schema version {found} is not supported (this build reads {supported})")]
    SchemaVersion {
        /// Version in the pack.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// A pack that could not be parsed or fails a structural check.
    #[error("invalid knowledge pack: {0}")]
    InvalidPack(String),
    /// Upstream input to the importer that could not be read.
    #[error("cannot import `{file}`: {reason}")]
    Import {
        /// Upstream file.
        file: String,
        /// What went wrong.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("i/o error on `{path}`")]
    Io {
        /// The path involved.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A report (JSON) that cannot be read: malformed, or written for
    /// another report schema version.
    #[error("cannot read report: {0}")]
    MalformedReport(String),
    /// In strict mode: a gene result was given but led to no
    /// recommendation (a value not understood, or a result the guideline
    /// has no row for). Without strict mode these are warnings in the
    /// result.
    #[error("not answered (strict): {0}")]
    NonAnswer(String),
    /// A request that contradicts itself (e.g. no sources selected).
    #[error("invalid request: {0}")]
    Usage(String),
    /// A bug: an internal invariant did not hold.
    #[error("internal error: {0}")]
    Internal(String),
    /// One sample of a VCF could not be reported (the others were); `code`
    /// is the code of what went wrong for it.
    #[error("sample `{sample}` was not reported: {message}")]
    SampleFailed {
        /// Sample name.
        sample: String,
        /// The code of the sample's own error.
        code: ErrorCode,
        /// The sample's own error, in one line.
        message: String,
    },
}

/// Stable numeric codes, grouped by range: 1xx input, 2xx knowledge pack,
/// 3xx usage, 9xx internal. Bindings expose these unchanged.
///
/// ```
/// use dosera::ErrorCode;
/// assert_eq!(ErrorCode::ChecksumMismatch as u32, 201);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Unknown gene.
    UnknownGene = 101,
    /// Unknown allele.
    UnknownAllele = 102,
    /// Malformed diplotype.
    MalformedDiplotype = 103,
    /// Malformed gene result.
    MalformedGeneResult = 104,
    /// Unknown drug.
    UnknownDrug = 105,
    /// Unknown source.
    UnknownSource = 106,
    /// Unreadable VCF.
    InvalidVcf = 107,
    /// Not GRCh38.
    UnsupportedBuild = 108,
    /// Sample not in the VCF.
    UnknownSample = 109,
    /// Unreadable outside-call file.
    MalformedOutsideCall = 110,
    /// Unreadable report, or another report schema version.
    MalformedReport = 111,
    /// Strict mode: a result given but not answered.
    NonAnswer = 112,
    /// A known drug no guideline of the loaded packs covers.
    NoGuideline = 113,
    /// Pack checksum mismatch.
    ChecksumMismatch = 201,
    /// Pack schema version not supported.
    SchemaVersion = 202,
    /// Pack invalid.
    InvalidPack = 203,
    /// Import failed.
    Import = 204,
    /// I/O failure.
    Io = 301,
    /// Invalid request.
    Usage = 302,
    /// Internal error.
    Internal = 901,
}

/// The range an [`ErrorCode`] belongs to: what bindings map to an
/// exception class and the CLI to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorRange {
    /// 1xx: the input could not be evaluated.
    Input,
    /// 2xx: a knowledge-pack problem.
    Pack,
    /// 3xx: usage (I/O, a request that contradicts itself).
    Usage,
    /// 9xx: internal error.
    Internal,
}

impl ErrorCode {
    /// The range of this code.
    ///
    /// ```
    /// use dosera::{ErrorCode, ErrorRange};
    /// assert_eq!(ErrorCode::UnknownDrug.range(), ErrorRange::Input);
    /// assert_eq!(ErrorCode::ChecksumMismatch.range(), ErrorRange::Pack);
    /// assert_eq!(ErrorCode::Io.range(), ErrorRange::Usage);
    /// assert_eq!(ErrorCode::Internal.range(), ErrorRange::Internal);
    /// ```
    pub fn range(self) -> ErrorRange {
        match self as u32 {
            100..=199 => ErrorRange::Input,
            200..=299 => ErrorRange::Pack,
            300..=399 => ErrorRange::Usage,
            _ => ErrorRange::Internal,
        }
    }

    /// Every code, in numeric order: what bindings check their own status
    /// lists against.
    ///
    /// ```
    /// use dosera::ErrorCode;
    /// assert!(ErrorCode::ALL.windows(2).all(|w| (w[0] as u32) < (w[1] as u32)));
    /// ```
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::UnknownGene,
        ErrorCode::UnknownAllele,
        ErrorCode::MalformedDiplotype,
        ErrorCode::MalformedGeneResult,
        ErrorCode::UnknownDrug,
        ErrorCode::UnknownSource,
        ErrorCode::InvalidVcf,
        ErrorCode::UnsupportedBuild,
        ErrorCode::UnknownSample,
        ErrorCode::MalformedOutsideCall,
        ErrorCode::MalformedReport,
        ErrorCode::NonAnswer,
        ErrorCode::NoGuideline,
        ErrorCode::ChecksumMismatch,
        ErrorCode::SchemaVersion,
        ErrorCode::InvalidPack,
        ErrorCode::Import,
        ErrorCode::Io,
        ErrorCode::Usage,
        ErrorCode::Internal,
    ];
}

impl Error {
    /// The stable code of this error.
    ///
    /// ```
    /// let err = dosera::Error::UnknownDrug {
    ///     drug: "aspirinn".into(),
    ///     suggestions: Default::default(),
    /// };
    /// assert_eq!(err.code(), dosera::ErrorCode::UnknownDrug);
    /// ```
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::UnknownGene { .. } => ErrorCode::UnknownGene,
            Error::UnknownAllele { .. } => ErrorCode::UnknownAllele,
            Error::MalformedDiplotype { .. } => ErrorCode::MalformedDiplotype,
            Error::MalformedGeneResult(..) => ErrorCode::MalformedGeneResult,
            Error::UnknownDrug { .. } => ErrorCode::UnknownDrug,
            Error::NoGuideline { .. } => ErrorCode::NoGuideline,
            Error::UnknownSource(_) => ErrorCode::UnknownSource,
            Error::InvalidVcf { .. } => ErrorCode::InvalidVcf,
            Error::UnsupportedBuild(_) => ErrorCode::UnsupportedBuild,
            Error::UnknownSample(_) => ErrorCode::UnknownSample,
            Error::MalformedOutsideCall { .. } => ErrorCode::MalformedOutsideCall,
            Error::MalformedReport(_) => ErrorCode::MalformedReport,
            Error::NonAnswer(_) => ErrorCode::NonAnswer,
            Error::ChecksumMismatch { .. } => ErrorCode::ChecksumMismatch,
            Error::SchemaVersion { .. } => ErrorCode::SchemaVersion,
            Error::InvalidPack(_) => ErrorCode::InvalidPack,
            Error::Import { .. } => ErrorCode::Import,
            Error::Io { .. } => ErrorCode::Io,
            Error::Usage(_) => ErrorCode::Usage,
            Error::Internal(_) => ErrorCode::Internal,
            Error::SampleFailed { code, .. } => *code,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_their_ranges() {
        let input = [
            Error::UnknownGene {
                gene: String::new(),
                suggestions: Suggestions::default(),
            },
            Error::MalformedGeneResult(String::new(), String::new()),
            Error::UnknownDrug {
                drug: String::new(),
                suggestions: Suggestions::default(),
            },
            Error::NoGuideline {
                drug: String::new(),
                note: String::new(),
            },
        ];
        for e in input {
            let c = e.code() as u32;
            assert!((100..200).contains(&c), "{e}: {c}");
        }
        let pack = Error::InvalidPack(String::new()).code() as u32;
        assert!((200..300).contains(&pack));
        assert_eq!(Error::Internal(String::new()).code() as u32, 901);
    }
}
