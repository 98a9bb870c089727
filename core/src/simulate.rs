//! Synthetic cohorts: multi-sample GRCh38 VCFs over every allele-definition
//! position, each sample's diplotypes drawn from the real allele
//! definitions, written with the truth, so that correctness and speed can
//! be checked at any number of samples without patient data.
//!
//! For each sample and each gene with definitions (CYP2D6 only when asked:
//! it is research-only), two named alleles are drawn uniformly from the
//! gene's callable alleles (not structural, not exempted); an IUPAC code in
//! a definition is resolved to one of its bases at random. A sample is male
//! or female at random: a male's chrX genes (G6PD) get one allele, written
//! as a haploid genotype. Genotypes are unphased (`0/1`) unless
//! [`SimulateOptions::phased`] is set. Positions that no drawn allele
//! changes are written as `0/0`: every definition position is genotyped.
//!
//! The truth is a TSV with one row per sample and gene:
//! `sample`, `sex`, `gene`, `allele1`, `allele2` (empty for a hemizygous
//! gene), alleles in the order drawn.
//!
//! Optionally, `filler` records that are not at definition positions are
//! spread over the genome (at positions no definition uses), to model a
//! whole-genome VCF that holds far more than the PGx regions.
//!
//! ```
//! use dosera::simulate::{simulate, SimulateOptions};
//! let engine = dosera::Engine::bundled()?;
//! let mut vcf = Vec::new();
//! let mut truth = Vec::new();
//! let options = SimulateOptions { samples: 3, seed: 7, ..SimulateOptions::default() };
//! let summary = simulate(&engine, &options, &mut vcf, &mut truth)?;
//! assert_eq!(summary.samples, 3);
//! let text = String::from_utf8(vcf).unwrap();
//! assert!(text.starts_with("##fileformat=VCFv4.2"));
//! assert_eq!(String::from_utf8(truth).unwrap().lines().count(), 1 + 3 * summary.genes);
//! # Ok::<(), dosera::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use crate::allele::Sex;
use crate::pack::{AlleleDefinition, NamedAllele, Source};
use crate::{Engine, Error, Result};

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulateOptions {
    /// Number of samples (`S0000001`, …).
    pub samples: usize,
    /// Seed of the random draws: the same seed gives the same files.
    pub seed: u64,
    /// Include CYP2D6 (research-only: SNVs and small indels only).
    pub cyp2d6: bool,
    /// Write phased genotypes (`0|1`, allele 1 on the first haplotype).
    pub phased: bool,
    /// Records at other positions, spread over chromosomes 1–22.
    pub filler: u64,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            samples: 100,
            seed: 1,
            cyp2d6: false,
            phased: false,
            filler: 0,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Samples written.
    pub samples: usize,
    /// Genes drawn for each sample.
    pub genes: usize,
    /// Data records written (definition positions plus filler).
    pub records: u64,
}

/// A small, fast, seedable generator (SplitMix64): the draws only need to
/// be repeatable, not cryptographic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    ///
    /// ```
    /// let mut a = dosera::simulate::Rng::new(5);
    /// let mut b = dosera::simulate::Rng::new(5);
    /// assert_eq!(a.below(1000), b.below(1000));
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }
}

/// One gene as the generator uses it.
struct SimGene<'a> {
    symbol: &'a str,
    def: &'a AlleleDefinition,
    alleles: Vec<&'a NamedAllele>,
    chrx: bool,
}

/// One record to write: a definition position and the genes' positions on it.
struct SimSite<'a> {
    chrom: &'a str,
    pos: u64,
    id: &'a str,
    ref_allele: &'a str,
    /// REF first, then ALTs as they are met.
    alleles: Vec<String>,
    /// (gene index, position index in its definition).
    uses: Vec<(usize, usize)>,
}

fn genes<'a>(engine: &'a Engine, options: &SimulateOptions) -> Vec<SimGene<'a>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for source in Source::ALL {
        let Some(pack) = engine.pack(source) else {
            continue;
        };
        for gene in &pack.genes {
            let Some(def) = &gene.definition else {
                continue;
            };
            let research = crate::allele::RESEARCH_ONLY.contains(&gene.symbol.as_str());
            if (research && !options.cyp2d6) || !seen.insert(gene.symbol.as_str()) {
                continue;
            }
            let alleles: Vec<&NamedAllele> = def
                .alleles
                .iter()
                .filter(|a| {
                    !a.structural_variant && !def.exemptions.ignored_alleles.contains(&a.name)
                })
                .collect();
            if alleles.is_empty() || def.positions.is_empty() {
                continue;
            }
            let chrx = def.positions.iter().all(|p| p.chromosome == "chrX");
            out.push(SimGene {
                symbol: &gene.symbol,
                def,
                alleles,
                chrx,
            });
        }
    }
    out.sort_by(|a, b| a.symbol.cmp(b.symbol));
    out
}

/// Chromosome order of GRCh38 VCFs: chr1..chr22, chrX, chrY, chrM.
fn chrom_rank(chrom: &str) -> u32 {
    let bare = chrom.strip_prefix("chr").unwrap_or(chrom);
    match bare {
        "X" => 23,
        "Y" => 24,
        "M" | "MT" => 25,
        n => n.parse().unwrap_or(26),
    }
}

fn iupac(code: &str) -> Option<&'static [&'static str]> {
    Some(match code {
        "R" => &["A", "G"],
        "Y" => &["C", "T"],
        "S" => &["C", "G"],
        "W" => &["A", "T"],
        "K" => &["G", "T"],
        "M" => &["A", "C"],
        "B" => &["C", "G", "T"],
        "D" => &["A", "G", "T"],
        "H" => &["A", "C", "T"],
        "V" => &["A", "C", "G"],
        "N" => &["A", "C", "G", "T"],
        _ => return None,
    })
}

/// GRCh38 lengths of chromosomes 1–22 (filler records stay inside them).
const AUTOSOME_LENGTHS: [u64; 22] = [
    248_956_422,
    242_193_529,
    198_295_559,
    190_214_555,
    181_538_259,
    170_805_979,
    159_345_973,
    145_138_636,
    138_394_717,
    133_797_422,
    135_086_622,
    133_275_309,
    114_364_328,
    107_043_718,
    101_991_189,
    90_338_345,
    83_257_441,
    80_373_285,
    58_617_616,
    64_444_167,
    46_709_983,
    50_818_468,
];

const BASES: [&str; 4] = ["A", "C", "G", "T"];

fn io(e: std::io::Error) -> Error {
    Error::Io {
        path: "simulated output".into(),
        source: e,
    }
}

/// Writes a synthetic cohort VCF (plain text; wrap `vcf` in a bgzip writer
/// for `.vcf.gz`) and its truth TSV.
pub fn simulate(
    engine: &Engine,
    options: &SimulateOptions,
    vcf: &mut dyn Write,
    truth: &mut dyn Write,
) -> Result<Summary> {
    if options.samples == 0 {
        return Err(Error::Usage("a cohort needs at least one sample".into()));
    }
    let genes = genes(engine, options);
    let mut rng = Rng::new(options.seed);

    // The draws: per sample, its sex and per gene one or two alleles and,
    // per haplotype, the resolution of IUPAC codes (made when written).
    let n = options.samples;
    let mut sexes = Vec::with_capacity(n);
    // draws[g][s] = (first allele, second allele or usize::MAX when hemizygous)
    let mut draws: Vec<Vec<(u32, u32)>> = vec![Vec::with_capacity(n); genes.len()];
    for _ in 0..n {
        let sex = if rng.below(2) == 0 {
            Sex::Female
        } else {
            Sex::Male
        };
        sexes.push(sex);
        for (g, gene) in genes.iter().enumerate() {
            let k = gene.alleles.len();
            let a = rng.below(k) as u32;
            let b = if gene.chrx && sex == Sex::Male {
                u32::MAX
            } else {
                rng.below(k) as u32
            };
            draws[g].push((a, b));
        }
    }

    // Truth first: it does not depend on the IUPAC resolutions.
    let mut t = String::from("sample\tsex\tgene\tallele1\tallele2\n");
    for s in 0..n {
        for (g, gene) in genes.iter().enumerate() {
            let (a, b) = draws[g][s];
            let second = if b == u32::MAX {
                ""
            } else {
                gene.alleles[b as usize].name.as_str()
            };
            t.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                sample_name(s),
                sex_name(sexes[s]),
                gene.symbol,
                gene.alleles[a as usize].name,
                second
            ));
        }
        if t.len() > 1 << 20 {
            truth.write_all(t.as_bytes()).map_err(io)?;
            t.clear();
        }
    }
    truth.write_all(t.as_bytes()).map_err(io)?;

    // Records: every definition position once, in genomic order.
    let mut by_pos: BTreeMap<(u32, u64), SimSite<'_>> = BTreeMap::new();
    for (g, gene) in genes.iter().enumerate() {
        for (i, p) in gene.def.positions.iter().enumerate() {
            let site = by_pos
                .entry((chrom_rank(&p.chromosome), p.position))
                .or_insert_with(|| SimSite {
                    chrom: &p.chromosome,
                    pos: p.position,
                    id: p.rsid.as_deref().unwrap_or("."),
                    ref_allele: &p.ref_allele,
                    alleles: std::iter::once(p.ref_allele.clone())
                        .chain(p.alts.iter().cloned())
                        .collect(),
                    uses: Vec::new(),
                });
            site.uses.push((g, i));
        }
    }

    let mut header = String::from("##fileformat=VCFv4.2\n");
    header.push_str("##source=dosera simulate (synthetic cohort)\n");
    header.push_str("##reference=GRCh38\n");
    for (i, len) in AUTOSOME_LENGTHS.iter().enumerate() {
        header.push_str(&format!("##contig=<ID=chr{},length={len}>\n", i + 1));
    }
    header.push_str("##contig=<ID=chrX,length=156040895>\n");
    header.push_str("##contig=<ID=chrM,length=16569>\n");
    header.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    header.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
    for s in 0..n {
        header.push('\t');
        header.push_str(&sample_name(s));
    }
    header.push('\n');
    vcf.write_all(header.as_bytes()).map_err(io)?;

    // Filler positions: sorted per chromosome, away from definition positions.
    let mut filler: Vec<(u32, u64)> = Vec::new();
    let total: u64 = AUTOSOME_LENGTHS.iter().sum();
    if let Some(step) = total.checked_div(options.filler) {
        let step = step.max(1);
        let mut frng = Rng::new(options.seed.wrapping_add(1));
        let mut at = 0u64;
        for _ in 0..options.filler {
            at += step;
            let jitter = (frng.next_u64() % step.max(2)) / 2;
            let mut off = at.saturating_sub(jitter);
            let mut chrom = 0usize;
            while chrom < 21 && off > AUTOSOME_LENGTHS[chrom] {
                off -= AUTOSOME_LENGTHS[chrom];
                chrom += 1;
            }
            let pos = off.clamp(1, AUTOSOME_LENGTHS[chrom]);
            let key = (chrom as u32 + 1, pos);
            if !by_pos.contains_key(&key) {
                filler.push(key);
            }
        }
        filler.sort_unstable();
        filler.dedup();
    }

    let mut records = 0u64;
    let mut line = String::new();
    let mut fill = filler.iter().peekable();
    let mut frng = Rng::new(options.seed.wrapping_add(2));
    for (&key, site) in by_pos.iter_mut() {
        while let Some(&&f) = fill.peek() {
            if f >= key {
                break;
            }
            write_filler(vcf, &mut frng, f, n, &mut line)?;
            records += 1;
            fill.next();
        }
        line.clear();
        // Genotype per sample: allele index per haplotype. The first gene
        // using the position decides (definitions do not share positions
        // in practice; a shared one follows the first gene's draws).
        let (g0, i0) = site.uses[0];
        let gene = &genes[g0];
        let hap = |which: u32, site: &mut SimSite<'_>, rng: &mut Rng| -> u32 {
            let Some(v) = gene.alleles[which as usize].allele_at(i0) else {
                return 0;
            };
            let v = match iupac(&v.to_ascii_uppercase()) {
                Some(bases) => bases[rng.below(bases.len())].to_string(),
                None => v.to_string(),
            };
            match site.alleles.iter().position(|x| *x == v) {
                Some(i) => i as u32,
                None => {
                    site.alleles.push(v);
                    site.alleles.len() as u32 - 1
                }
            }
        };
        let mut gts: Vec<(u32, Option<u32>)> = Vec::with_capacity(n);
        for &(a, b) in &draws[g0] {
            let first = hap(a, site, &mut rng);
            let second = (b != u32::MAX).then(|| hap(b, site, &mut rng));
            gts.push((first, second));
        }
        let alt = if site.alleles.len() > 1 {
            site.alleles[1..].join(",")
        } else {
            ".".to_string()
        };
        line.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t.\tPASS\t.\tGT",
            site.chrom, site.pos, site.id, site.ref_allele, alt
        ));
        let sep = if options.phased { '|' } else { '/' };
        for (a, b) in gts {
            line.push('\t');
            line.push_str(&a.to_string());
            if let Some(b) = b {
                line.push(sep);
                line.push_str(&b.to_string());
            }
        }
        line.push('\n');
        vcf.write_all(line.as_bytes()).map_err(io)?;
        records += 1;
    }
    for &f in fill {
        write_filler(vcf, &mut frng, f, n, &mut line)?;
        records += 1;
    }
    vcf.flush().map_err(io)?;
    Ok(Summary {
        samples: n,
        genes: genes.len(),
        records,
    })
}

fn write_filler(
    vcf: &mut dyn Write,
    rng: &mut Rng,
    (chrom, pos): (u32, u64),
    samples: usize,
    line: &mut String,
) -> Result<()> {
    let r = rng.below(4);
    let a = (r + 1 + rng.below(3)) % 4;
    line.clear();
    line.push_str(&format!(
        "chr{chrom}\t{pos}\t.\t{}\t{}\t.\tPASS\t.\tGT",
        BASES[r], BASES[a]
    ));
    for _ in 0..samples {
        line.push_str(["\t0/0", "\t0/1", "\t1/1"][rng.below(3)]);
    }
    line.push('\n');
    vcf.write_all(line.as_bytes()).map_err(io)
}

/// Name of sample `i` (0-based): `S0000001`, …
pub fn sample_name(i: usize) -> String {
    format!("S{:07}", i + 1)
}

fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}
