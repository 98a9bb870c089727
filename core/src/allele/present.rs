//! The matcher's view of one definition position with a usable genotype.

/// A position with a usable genotype, as the matcher sees it.
#[derive(Debug, Clone)]
pub(crate) struct Present {
    /// Position index in the gene definition.
    pub index: usize,
    /// Allele indexes (into the position's allele list); equal when
    /// homozygous; `b == a` for hemizygous calls too.
    pub a: u8,
    pub b: u8,
    /// Phase block of a phased heterozygous call.
    pub block: Option<String>,
}

impl Present {
    pub(crate) fn het(&self) -> bool {
        self.a != self.b
    }
}
