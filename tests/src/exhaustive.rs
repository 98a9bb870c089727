//! The exhaustive all-pairs test: for every gene with allele definitions and
//! every unordered pair of its named alleles (IUPAC codes expanded into
//! separate cases), write the two haplotypes as unphased genotypes and check
//! the call. Cases are batched into multi-sample VCFs, one sample per case,
//! so a gene is read once however many pairs it has.
//!
//! The judging code here is written independently of the matcher: it reads
//! the pack's definitions itself and decides, per position, whether a called
//! pair could have produced the genotypes written.

use std::collections::BTreeMap;

use dosera::allele::GeneCall;
use dosera::pack::{AlleleDefinition, DefinitionPosition, NamedAllele};

/// How a case's genotypes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every definition position genotyped.
    Exact,
    /// One definition position written as a no-call (`./.`), chosen in turn
    /// so that every position is dropped in some case.
    Dropped,
}

/// One generated case: a pair of concrete haplotypes.
#[derive(Debug, Clone)]
pub struct Case {
    /// First allele name.
    pub a: String,
    /// Second allele name (equal to `a` for homozygous cases; absent for
    /// hemizygous cases).
    pub b: Option<String>,
    /// Per position, the VCF allele on each haplotype.
    pub haps: Vec<Vec<String>>,
    /// Position index written as a no-call, in [`Mode::Dropped`].
    pub dropped: Option<usize>,
}

impl Case {
    /// `*1/*2`, or `*1` for a hemizygous case.
    pub fn label(&self) -> String {
        match &self.b {
            Some(b) => format!("{}/{}", self.a, b),
            None => self.a.clone(),
        }
    }
}

fn iupac_bases(code: &str) -> Option<&'static str> {
    Some(match code {
        "R" => "AG",
        "Y" => "CT",
        "S" => "CG",
        "W" => "AT",
        "K" => "GT",
        "M" => "AC",
        "B" => "CGT",
        "D" => "AGT",
        "H" => "ACT",
        "V" => "ACG",
        "N" => "ACGT",
        _ => return None,
    })
}

/// The alleles a definition entry accepts at a position: the reference
/// when undefined, each base of an IUPAC code, or the allele itself.
pub fn accepted(p: &DefinitionPosition, entry: Option<&str>) -> Vec<String> {
    match entry {
        None => vec![p.ref_allele.clone()],
        Some(s) => match iupac_bases(&s.to_ascii_uppercase()) {
            Some(bases) => bases.chars().map(|c| c.to_string()).collect(),
            None => vec![s.to_string()],
        },
    }
}

/// Alleles the exhaustive test draws from: callable ones (not structural,
/// not ignored by the gene's exemptions).
pub fn test_alleles(def: &AlleleDefinition) -> Vec<&NamedAllele> {
    def.alleles
        .iter()
        .filter(|a| !a.structural_variant && !def.exemptions.ignored_alleles.contains(&a.name))
        .collect()
}

/// Every concrete haplotype an allele stands for (IUPAC codes expanded).
pub fn haplotypes(def: &AlleleDefinition, allele: &NamedAllele) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::with_capacity(def.positions.len())];
    for (i, p) in def.positions.iter().enumerate() {
        let options = accepted(p, allele.allele_at(i));
        if options.len() == 1 {
            for h in &mut out {
                h.push(options[0].clone());
            }
        } else {
            let mut next = Vec::with_capacity(out.len() * options.len());
            for h in &out {
                for o in &options {
                    let mut h2 = h.clone();
                    h2.push(o.clone());
                    next.push(h2);
                }
            }
            out = next;
        }
    }
    out
}

/// Every diploid case of a gene: unordered allele pairs, homozygous ones
/// included, each IUPAC expansion a case of its own.
pub fn diploid_cases(def: &AlleleDefinition, mode: Mode) -> Vec<Case> {
    let alleles = test_alleles(def);
    let haps: Vec<Vec<Vec<String>>> = alleles.iter().map(|a| haplotypes(def, a)).collect();
    let n = def.positions.len();
    let mut cases = Vec::new();
    for i in 0..alleles.len() {
        for j in i..alleles.len() {
            for ha in &haps[i] {
                for hb in &haps[j] {
                    let dropped = match mode {
                        Mode::Exact => None,
                        Mode::Dropped => Some(cases.len() % n),
                    };
                    cases.push(Case {
                        a: alleles[i].name.clone(),
                        b: Some(alleles[j].name.clone()),
                        haps: (0..n).map(|k| vec![ha[k].clone(), hb[k].clone()]).collect(),
                        dropped,
                    });
                }
            }
        }
    }
    cases
}

/// Hemizygous cases (chrX genes in a male sample): one per allele expansion.
pub fn haploid_cases(def: &AlleleDefinition) -> Vec<Case> {
    let n = def.positions.len();
    test_alleles(def)
        .into_iter()
        .flat_map(|a| {
            haplotypes(def, a).into_iter().map(move |h| Case {
                a: a.name.clone(),
                b: None,
                haps: (0..n).map(|k| vec![h[k].clone()]).collect(),
                dropped: None,
            })
        })
        .collect()
}

/// A multi-sample VCF with one sample (`c0`, `c1`, …) per case.
pub fn write_vcf(def: &AlleleDefinition, cases: &[Case]) -> String {
    let mut out = String::from("##fileformat=VCFv4.2\n");
    out.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    out.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
    for i in 0..cases.len() {
        out.push_str(&format!("\tc{i}"));
    }
    out.push('\n');
    let mut order: Vec<usize> = (0..def.positions.len()).collect();
    order.sort_by_key(|&k| def.positions[k].position);
    for k in order {
        let p = &def.positions[k];
        let mut alleles = vec![p.ref_allele.clone()];
        alleles.extend(p.alts.iter().cloned());
        let mut gts = Vec::with_capacity(cases.len());
        for c in cases {
            if c.dropped == Some(k) {
                gts.push(if c.haps[k].len() == 1 { "." } else { "./." }.to_string());
                continue;
            }
            let idx: Vec<String> = c.haps[k]
                .iter()
                .map(|a| {
                    let i = match alleles.iter().position(|x| x == a) {
                        Some(i) => i,
                        None => {
                            alleles.push(a.clone());
                            alleles.len() - 1
                        }
                    };
                    i.to_string()
                })
                .collect();
            gts.push(idx.join("/"));
        }
        let alt = if alleles.len() > 1 {
            alleles[1..].join(",")
        } else {
            ".".to_string()
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t.\tPASS\t.\tGT\t{}\n",
            p.chromosome,
            p.position,
            p.rsid.as_deref().unwrap_or("."),
            alleles[0],
            alt,
            gts.join("\t")
        ));
    }
    out
}

/// True when `called` names the allele `written`: the same name, or its
/// parent (`*45` for the sub-allele `*45.001`, which the engine reports by
/// the name the function tables use).
pub fn names_allele(called: &str, written: &str) -> bool {
    called == written
        || written
            .strip_prefix(called)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The definitions a called name may stand for: the allele of that name,
/// or every sub-allele of a parent name.
fn definitions_named<'a>(def: &'a AlleleDefinition, called: &str) -> Vec<&'a NamedAllele> {
    match def.alleles.iter().find(|a| a.name == called) {
        Some(a) => vec![a],
        None => def
            .alleles
            .iter()
            .filter(|a| names_allele(called, &a.name))
            .collect(),
    }
}

/// Whether the named alleles (two, or one when hemizygous) could have
/// produced the case's genotypes at every genotyped position. A parent name
/// fits when one of its sub-alleles does.
pub fn fits(def: &AlleleDefinition, case: &Case, names: &[String]) -> bool {
    if names.len() != case.haps.first().map_or(0, Vec::len) {
        return false;
    }
    let options: Vec<Vec<&NamedAllele>> = names.iter().map(|n| definitions_named(def, n)).collect();
    match options.as_slice() {
        [xs] => xs.iter().any(|x| fits_alleles(def, case, &[x])),
        [xs, ys] => xs
            .iter()
            .any(|x| ys.iter().any(|y| fits_alleles(def, case, &[x, y]))),
        _ => false,
    }
}

fn fits_alleles(def: &AlleleDefinition, case: &Case, found: &[&NamedAllele]) -> bool {
    def.positions.iter().enumerate().all(|(k, p)| {
        if case.dropped == Some(k) {
            return true;
        }
        let acc: Vec<Vec<String>> = found.iter().map(|a| accepted(p, a.allele_at(k))).collect();
        let seen = &case.haps[k];
        match (acc.as_slice(), seen.as_slice()) {
            ([x], [s]) => x.contains(s),
            ([x, y], [s, t]) => {
                (x.contains(s) && y.contains(t)) || (x.contains(t) && y.contains(s))
            }
            _ => false,
        }
    })
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The call returned the written pair.
    Exact,
    /// The call returned other alleles that give the same genotypes
    /// (unphased data cannot tell them apart); the pair written was among
    /// the ties or not.
    Equivalent,
    /// No call, as expected: the position dropped was the gene's only one,
    /// or one its definitions require.
    NoCallExpected,
    /// The call missed the pair; the reason says how.
    Failed(String),
}

/// Judges one call against its case.
///
/// Diplotype calls pass when one of the returned (top-scoring) diplotypes is
/// the written pair, or a pair that fits the same genotypes. Lowest-function
/// calls that list allele matches instead of pairs (DPYD on unphased data)
/// pass when every listed allele's defining variants are present and the
/// written pair's non-reference alleles are listed or explained by listed
/// alleles that fit together with them.
pub fn judge(def: &AlleleDefinition, case: &Case, call: &GeneCall) -> Verdict {
    let written: Vec<String> = std::iter::once(case.a.clone())
        .chain(case.b.clone())
        .collect();
    if let Some(k) = case.dropped {
        let pos = def.positions[k].position;
        let nothing_left = def.positions.len() == 1;
        let required = def.exemptions.required_positions.contains(&pos);
        if nothing_left || required {
            return if call.is_called() {
                Verdict::Failed(format!(
                    "called {} with {pos} missing, which the gene cannot do without",
                    call.diplotype_names().join(", ")
                ))
            } else {
                Verdict::NoCallExpected
            };
        }
    }
    if call.diplotypes.is_empty() && !call.allele_matches.is_empty() {
        return judge_allele_matches(def, case, call, &written);
    }
    if call.diplotypes.is_empty() {
        return Verdict::Failed(format!(
            "no call: {}",
            call.no_call_reason.as_deref().unwrap_or("no reason given")
        ));
    }
    let mut equivalent = false;
    for d in &call.diplotypes {
        let same = match (d.alleles.as_slice(), written.as_slice()) {
            ([x], [w]) => names_allele(x, w),
            ([x, y], [v, w]) => {
                (names_allele(x, v) && names_allele(y, w))
                    || (names_allele(x, w) && names_allele(y, v))
            }
            _ => false,
        };
        if same {
            return Verdict::Exact;
        }
        if fits(def, case, &d.alleles) {
            equivalent = true;
        }
    }
    if equivalent {
        Verdict::Equivalent
    } else {
        Verdict::Failed(format!("called {}", call.diplotype_names().join(", ")))
    }
}

fn judge_allele_matches(
    def: &AlleleDefinition,
    case: &Case,
    call: &GeneCall,
    written: &[String],
) -> Verdict {
    let reference = def
        .alleles
        .iter()
        .find(|a| a.reference)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let listed = &call.allele_matches;
    // Each listed allele must be carried on one of the two strands.
    for name in listed {
        if *name == reference {
            continue;
        }
        let pair = [name.clone(), reference.clone()];
        let any_partner = test_alleles(def)
            .iter()
            .any(|other| fits(def, case, &[name.clone(), other.name.clone()]));
        if !any_partner && !fits(def, case, &pair) {
            return Verdict::Failed(format!("listed {name}, which the genotypes do not show"));
        }
    }
    let by_name: BTreeMap<&str, &NamedAllele> =
        def.alleles.iter().map(|a| (a.name.as_str(), a)).collect();
    // A written allele is visible when it differs from the reference at a
    // position that was genotyped.
    let visible = |name: &str| {
        by_name.get(name).is_some_and(|a| {
            def.positions.iter().enumerate().any(|(k, p)| {
                case.dropped != Some(k) && !accepted(p, a.allele_at(k)).contains(&p.ref_allele)
            })
        })
    };
    let missing: Vec<&String> = written
        .iter()
        .filter(|w| **w != reference && !listed.iter().any(|l| names_allele(l, w)))
        .collect();
    if missing.is_empty() {
        Verdict::Exact
    } else if missing.iter().all(|w| !visible(w)) {
        Verdict::Equivalent
    } else {
        Verdict::Failed(format!(
            "listed {} but not {}",
            listed.join(", "),
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}
