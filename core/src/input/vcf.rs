//! Temporary plain-text VCF reader (replaced by the noodles adapter).
#![allow(missing_docs)]
use super::{Contig, SampleCall, Site};
use crate::{Error, Result};

pub struct VcfReader {
    lines: std::vec::IntoIter<String>,
    samples: Vec<String>,
    contigs: Vec<Contig>,
    warnings: Vec<String>,
    record: u64,
}

pub fn normalize_chrom(name: &str) -> Option<String> {
    let n = name.strip_prefix("chr").unwrap_or(name);
    match n {
        "M" | "MT" => Some("chrM".into()),
        "X" | "Y" => Some(format!("chr{n}")),
        _ => n
            .parse::<u8>()
            .ok()
            .filter(|v| (1..=22).contains(v))
            .map(|v| format!("chr{v}")),
    }
}

impl VcfReader {
    pub fn from_path(path: &std::path::Path) -> Result<VcfReader> {
        let bytes = std::fs::read(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Self::from_bytes(bytes)
    }
    pub fn from_bytes(bytes: Vec<u8>) -> Result<VcfReader> {
        let text = String::from_utf8(bytes).map_err(|_| Error::InvalidVcf {
            line: None,
            reason: "not utf-8".into(),
        })?;
        let mut samples = Vec::new();
        let mut body = Vec::new();
        for l in text.lines() {
            if l.starts_with("#CHROM") {
                samples = l.split('\t').skip(9).map(String::from).collect();
            } else if !l.starts_with('#') && !l.trim().is_empty() {
                body.push(l.to_string());
            }
        }
        Ok(VcfReader {
            lines: body.into_iter(),
            samples,
            contigs: vec![],
            warnings: vec![],
            record: 0,
        })
    }
    pub fn samples(&self) -> &[String] {
        &self.samples
    }
    pub fn contigs(&self) -> &[Contig] {
        &self.contigs
    }
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    pub fn next_site(&mut self, wanted: &dyn Fn(&str, u64) -> bool) -> Result<Option<Site>> {
        for l in self.lines.by_ref() {
            self.record += 1;
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 8 {
                continue;
            }
            let Some(chrom) = normalize_chrom(f[0]) else {
                continue;
            };
            let pos: u64 = f[1].parse().unwrap_or(0);
            if !wanted(&chrom, pos) {
                continue;
            }
            let format: Vec<&str> = f.get(8).map(|s| s.split(':').collect()).unwrap_or_default();
            let calls = f
                .iter()
                .skip(9)
                .map(|s| {
                    let vals: Vec<&str> = s.split(':').collect();
                    let get = |k: &str| {
                        format
                            .iter()
                            .position(|x| *x == k)
                            .and_then(|i| vals.get(i))
                            .copied()
                    };
                    let gt = get("GT").unwrap_or("");
                    let alleles = if gt.is_empty() {
                        vec![]
                    } else {
                        gt.split(['/', '|']).map(|a| a.parse().ok()).collect()
                    };
                    SampleCall {
                        alleles,
                        phased: !gt.contains('/'),
                        phase_set: get("PS").filter(|v| *v != ".").map(String::from),
                        depths: get("AD").map(|v| v.split(',').map(|x| x.parse().ok()).collect()),
                    }
                })
                .collect();
            return Ok(Some(Site {
                chrom,
                pos,
                id: (f[2] != ".").then(|| f[2].to_string()),
                ref_allele: f[3].to_ascii_uppercase(),
                alts: if f[4] == "." {
                    vec![]
                } else {
                    f[4].split(',').map(|a| a.to_ascii_uppercase()).collect()
                },
                record: self.record,
                calls,
            }));
        }
        Ok(None)
    }
}
