//! Diplotypes under a source that phenotypes by an explicit diplotype
//! table (DPWG): the table's row where it has one, and otherwise the
//! phenotype or activity score the allele functions give (CPIC's
//! assignments, which the packs hold), read into the source's own lookup
//! keys. A newer allele name the table does not list (CYP2C19 `*38`)
//! thus still reaches the source's guidelines; where the table defines a
//! diplotype differently from the allele functions, the table wins and the
//! derivation says so.

use super::Recommender;
use crate::pack::{Gene, PhenotypeMethod, Source};
use crate::phenotype;

use super::gene_input::{derivation_words, no_call};
use super::SourceCall;

impl Recommender<'_> {
    /// The call for `alleles` under `source`, whose own rules for `symbol`
    /// are the diplotype table `table`.
    pub(super) fn table_call(
        &self,
        source: Source,
        symbol: &str,
        table: &Gene,
        alleles: &[String],
    ) -> SourceCall {
        let label = alleles.join("/");
        let derived = self.function_call(source, symbol, alleles);
        match phenotype::from_alleles(table, alleles) {
            Ok(Some(p)) => {
                let mut derivation = derivation_words(table, alleles, &p);
                if let Some((d, from)) = &derived {
                    if !d.lookup_keys.contains(&p.lookup_key) {
                        derivation.push_str(&format!(
                            "; the {} table defines {label} differently from the allele \
                             functions ({from} → {}), and its own row is used",
                            source.label(),
                            d.lookup_keys.join(" or ")
                        ));
                    }
                }
                SourceCall {
                    source,
                    phenotype: Some(p.phenotype.clone()),
                    activity_score: p.activity_score.clone(),
                    functions: p.functions.clone(),
                    lookup_keys: vec![p.lookup_key.clone()],
                    derivation,
                }
            }
            outcome => match derived {
                Some((mut call, from)) => {
                    call.derivation = format!(
                        "{label} is not in the {} diplotype table; {from} → {} key {}",
                        source.label(),
                        source.label(),
                        call.lookup_keys.join(" or ")
                    );
                    call
                }
                None => no_call(
                    source,
                    match outcome {
                        Err(e) => format!("{} rules cannot read {label}: {e}", source.label()),
                        _ => format!(
                            "{label} is not in the {} table for {symbol}, and no allele \
                             functions are known for it",
                            source.label()
                        ),
                    },
                ),
            },
        }
    }

    /// What the allele functions of another source's rules (CPIC) give
    /// `alleles`, read into `source`'s keys as if that phenotype (or, for
    /// activity-score genes, that score) had been given; with the words
    /// saying how. `None` when no source phenotypes the gene by function or
    /// score, or its rules cannot read the alleles.
    fn function_call(
        &self,
        source: Source,
        symbol: &str,
        alleles: &[String],
    ) -> Option<(SourceCall, String)> {
        let (rules, rules_source) = Source::ALL
            .iter()
            .filter(|s| **s != source)
            .filter_map(|s| self.gene(*s, symbol).map(|g| (g, *s)))
            .find(|(g, _)| {
                matches!(
                    g.phenotyping.method,
                    PhenotypeMethod::FunctionPair | PhenotypeMethod::ActivityScore
                )
            })?;
        let p = phenotype::from_alleles(rules, alleles).ok()??;
        let mut call = match (&rules.phenotyping.method, &p.activity_score) {
            (PhenotypeMethod::ActivityScore, Some(score)) => {
                self.score_call(source, symbol, score).ok()??
            }
            _ => self.phenotype_call(source, symbol, &p.phenotype),
        };
        call.functions = p.functions.clone();
        let from = format!(
            "{} allele functions: {}",
            rules_source.label(),
            derivation_words(rules, alleles, &p)
        );
        Some((call, from))
    }
}
