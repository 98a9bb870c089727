//! Allele definitions prepared for matching: per position, the alleles in
//! VCF notation; per named allele, a bitmask of the alleles it accepts at
//! each position it sets (IUPAC codes expanded); per position and allele,
//! the named alleles accepting it (reference-filled where undefined).

use std::collections::HashMap;

use super::bits::Bits;
use crate::genotype::position_alleles;
use crate::input::vcf::Region;
use crate::pack::{DefinitionPosition, Gene};

/// Genes whose undocumented alleles are read as reference (the others are
/// not called when an undocumented allele is seen).
const UNDOCUMENTED_AS_REFERENCE: &[&str] = &["CACNA1S", "DPYD", "G6PD", "NUDT15", "RYR1", "TPMT"];
/// Genes whose unphased calls list the alleles found instead of diplotypes;
/// the phenotype comes from the two lowest-function alleles. (RYR1 is
/// phenotyped that way too, but the reference tool still returns its
/// diplotypes, so it is called like any other gene.)
const LOWEST_FUNCTION: &[&str] = &["DPYD", "RYR1"];
/// Genes only called from VCF on request (copy number and hybrids are
/// invisible to SNV calls).
pub(crate) const RESEARCH_ONLY: &[&str] = &["CYP2D6"];

/// A named allele prepared for matching.
#[derive(Debug, Clone)]
pub(crate) struct AlleleDef {
    pub name: String,
    /// The positions the definition sets, in ascending index order (where
    /// it sets none, the reference allele's alleles are accepted).
    pub sets: Vec<SetPosition>,
    /// Some position is set with an IUPAC ambiguity code.
    pub any_iupac: bool,
    /// Reference allele of the gene.
    pub reference: bool,
}

/// A position a named allele's definition sets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SetPosition {
    /// Position index in the gene definition.
    pub index: usize,
    /// Accepted position alleles as a bitmask.
    pub mask: u32,
    /// The definition used an IUPAC ambiguity code.
    pub iupac: bool,
}

impl AlleleDef {
    /// True when the definition sets position `index` with an IUPAC code.
    pub(crate) fn iupac(&self, index: usize) -> bool {
        self.any_iupac
            && self
                .sets
                .binary_search_by_key(&index, |s| s.index)
                .is_ok_and(|k| self.sets[k].iupac)
    }
}

/// One gene's definitions prepared for matching.
#[derive(Debug, Clone)]
pub(crate) struct GeneDefinition {
    pub symbol: String,
    pub chrom: String,
    pub positions: Vec<DefinitionPosition>,
    /// Per position: alleles in VCF notation, REF first.
    pub known: Vec<Vec<String>>,
    /// Per position: ignored by the matcher.
    pub ignored: Vec<bool>,
    pub alleles: Vec<AlleleDef>,
    /// Per position and position allele: the named alleles (indexes into
    /// `alleles`) that accept it after reference filling.
    pub accepting: Vec<Vec<Bits>>,
    /// The empty set of named alleles (accepting an allele index the
    /// position does not know).
    pub no_alleles: Bits,
    /// Index of the reference allele in `alleles`.
    pub reference: usize,
    pub required: Vec<usize>,
    pub amp_tier1: Vec<usize>,
    /// Curated groups of diplotypes unphased data cannot tell apart; the
    /// first is preferred.
    pub priorities: Vec<Vec<String>>,
    pub undocumented_as_reference: bool,
    pub lowest_function: bool,
    /// Lowest-function gene whose unphased pairs are still called (RYR1, as
    /// the reference matcher's output shows); DPYD lists alleles only.
    pub lowest_function_keeps_pairs: bool,
    /// Lowest-function gene whose heterozygous sites, when every one is
    /// phased but they lie in several phase sets, are called by trying each
    /// relative orientation of the sets (DPYD, as the reference tool does).
    pub orients_phase_sets: bool,
    pub research_only: bool,
}

/// All callable genes and a position index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Definitions {
    pub genes: Vec<GeneDefinition>,
    /// position → (gene index, position index); the chromosome is checked
    /// against the gene's.
    pub by_pos: HashMap<u64, Vec<(usize, usize)>>,
}

fn iupac(code: char) -> Option<&'static str> {
    Some(match code {
        'R' => "AG",
        'Y' => "CT",
        'S' => "CG",
        'W' => "AT",
        'K' => "GT",
        'M' => "AC",
        'B' => "CGT",
        'D' => "AGT",
        'H' => "ACT",
        'V' => "ACG",
        'N' => "ACGT",
        _ => return None,
    })
}

/// Mask of the position alleles a definition string accepts, and whether it
/// was an IUPAC code.
fn accept_mask(known: &[String], def: &str) -> (u32, bool) {
    let def = def.trim().to_ascii_uppercase();
    if let Some(i) = known.iter().position(|k| *k == def) {
        return (bit(i), false);
    }
    let mut chars = def.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(bases) = iupac(c) {
            let mut m = 0;
            for (i, k) in known.iter().enumerate() {
                if k.len() == 1 && bases.contains(k.as_str()) {
                    m |= bit(i);
                }
            }
            return (m, true);
        }
    }
    (0, false)
}

pub(crate) fn bit(i: usize) -> u32 {
    if i < 32 {
        1 << i
    } else {
        0
    }
}

impl GeneDefinition {
    pub(crate) fn from_gene(gene: &Gene) -> Option<GeneDefinition> {
        let def = gene.definition.as_ref()?;
        let n = def.positions.len();
        let known: Vec<Vec<String>> = def.positions.iter().map(position_alleles).collect();
        let ex = &def.exemptions;
        let ignored: Vec<bool> = def
            .positions
            .iter()
            .map(|p| ex.ignored_positions.contains(&p.position))
            .collect();
        let reference_def = def.alleles.iter().find(|a| a.reference)?;
        let ref_masks: Vec<u32> = (0..n)
            .map(|i| match reference_def.allele_at(i) {
                Some(s) => accept_mask(&known[i], s).0,
                None => bit(0),
            })
            .collect();
        let mut alleles = Vec::new();
        let mut reference = 0;
        // Per position: the alleles whose definitions set it, with their masks.
        let mut setting: Vec<Vec<(usize, u32)>> = vec![Vec::new(); n];
        for a in &def.alleles {
            if a.structural_variant || ex.ignored_alleles.contains(&a.name) {
                continue;
            }
            let ai = alleles.len();
            let mut sets = Vec::with_capacity(a.alleles.len());
            // Indexes beyond the positions are not part of the definition
            // (`check_references` reports them).
            for (&index, s) in a.alleles.iter().take_while(|(&i, _)| i < n) {
                let (mask, iupac) = accept_mask(&known[index], s);
                sets.push(SetPosition { index, mask, iupac });
                setting[index].push((ai, mask));
            }
            if a.reference {
                reference = ai;
            }
            alleles.push(AlleleDef {
                name: a.name.clone(),
                any_iupac: sets.iter().any(|s| s.iupac),
                sets,
                reference: a.reference,
            });
        }
        // After reference filling, an allele accepts at a position what its
        // definition sets there, or else what the reference allele accepts.
        let accepting = (0..n)
            .map(|i| {
                let mut unset = Bits::full(alleles.len());
                for &(ai, _) in &setting[i] {
                    unset.clear(ai);
                }
                (0..known[i].len())
                    .map(|k| {
                        let mut set = if ref_masks[i] & bit(k) != 0 {
                            unset.clone()
                        } else {
                            Bits::empty(alleles.len())
                        };
                        for &(ai, m) in &setting[i] {
                            if m & bit(k) != 0 {
                                set.set(ai);
                            }
                        }
                        set
                    })
                    .collect()
            })
            .collect();
        let index_of = |pos: u64| def.positions.iter().position(|p| p.position == pos);
        let chrom = def.positions.first().map(|p| p.chromosome.clone())?;
        Some(GeneDefinition {
            symbol: gene.symbol.clone(),
            chrom,
            positions: def.positions.clone(),
            known,
            ignored,
            no_alleles: Bits::empty(alleles.len()),
            alleles,
            accepting,
            reference,
            required: ex
                .required_positions
                .iter()
                .filter_map(|p| index_of(*p))
                .collect(),
            amp_tier1: ex
                .amp_tier1_positions
                .iter()
                .filter_map(|p| index_of(*p))
                .collect(),
            priorities: ex
                .unphased_priorities
                .iter()
                .map(|g| g.split('|').map(|s| s.trim().to_string()).collect())
                .collect(),
            undocumented_as_reference: UNDOCUMENTED_AS_REFERENCE.contains(&gene.symbol.as_str()),
            lowest_function: LOWEST_FUNCTION.contains(&gene.symbol.as_str()),
            lowest_function_keeps_pairs: gene.symbol == "RYR1",
            orients_phase_sets: gene.symbol == "DPYD",
            research_only: RESEARCH_ONLY.contains(&gene.symbol.as_str()),
        })
    }
}

impl Definitions {
    pub(crate) fn new<'a>(genes: impl IntoIterator<Item = &'a Gene>) -> Definitions {
        let mut out = Definitions::default();
        for gene in genes {
            if out.genes.iter().any(|g| g.symbol == gene.symbol) {
                continue;
            }
            let Some(def) = GeneDefinition::from_gene(gene) else {
                continue;
            };
            let gi = out.genes.len();
            for (pi, p) in def.positions.iter().enumerate() {
                out.by_pos.entry(p.position).or_default().push((gi, pi));
            }
            out.genes.push(def);
        }
        out
    }

    /// One region per gene, from its first to its last definition
    /// position on its chromosome: every (chromosome, position) that
    /// [`Definitions::wants`] accepts lies in one of them, so a VCF read
    /// through an index (`VcfReader::restrict_to`) misses no wanted record.
    pub(crate) fn regions(&self) -> Vec<Region> {
        self.genes
            .iter()
            .filter_map(|gene| {
                let start = gene.positions.iter().map(|p| p.position).min()?;
                let end = gene.positions.iter().map(|p| p.position).max()?;
                Some(Region::new(gene.chrom.clone(), start, end))
            })
            .collect()
    }

    /// Number of distinct (chromosome, position) definition positions.
    pub(crate) fn position_count(&self) -> u64 {
        let mut all: Vec<(&str, u64)> = self
            .genes
            .iter()
            .flat_map(|g| g.positions.iter().map(|p| (g.chrom.as_str(), p.position)))
            .collect();
        all.sort_unstable();
        all.dedup();
        all.len() as u64
    }

    /// True when a (chromosome, position) is a definition position.
    pub(crate) fn wants(&self, chrom: &str, pos: u64) -> bool {
        self.by_pos
            .get(&pos)
            .is_some_and(|v| v.iter().any(|(g, _)| self.genes[*g].chrom == chrom))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn regions_hold_every_wanted_position() {
        let engine = crate::Engine::bundled().expect("bundled packs");
        let defs = engine.definitions();
        let regions = defs.regions();
        assert_eq!(regions.len(), defs.genes.len());
        for (&pos, entries) in &defs.by_pos {
            for &(g, _) in entries {
                let chrom = &defs.genes[g].chrom;
                assert!(defs.wants(chrom, pos));
                assert!(
                    regions
                        .iter()
                        .any(|r| r.chrom == *chrom && (r.start..=r.end).contains(&pos)),
                    "{chrom}:{pos}"
                );
            }
        }
    }
}
