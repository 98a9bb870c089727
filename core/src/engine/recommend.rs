//! Interpreting gene results and recommending: the engine hands its packs
//! to the recommend stage.

use super::Engine;
use crate::recommend::Recommender;
use crate::{GeneInput, GeneResult, Recommendations, Request, Result};

impl Engine {
    /// The recommend stage over this engine's packs.
    pub(crate) fn recommender(&self) -> Recommender<'_> {
        Recommender(self.knowledge())
    }

    /// Interprets one gene result: phenotypes and lookup keys under each
    /// loaded source's rules.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let r = engine.interpret(&"CYP2C19=*2/*2".parse().unwrap()).unwrap();
    /// let cpic = &r.candidates[0].calls[0];
    /// assert_eq!(cpic.phenotype.as_deref(), Some("Poor Metabolizer"));
    ///
    /// let err = engine.interpret(&"CYP2C19=*2/*99".parse().unwrap()).unwrap_err();
    /// assert!(err.to_string().contains("*99"));
    /// ```
    pub fn interpret(&self, input: &GeneInput) -> Result<GeneResult> {
        self.recommender().interpret(input)
    }

    /// Recommendations for gene results.
    ///
    /// ```
    /// let engine = dosera::Engine::bundled().unwrap();
    /// let request = dosera::Request::new(["CYP2C19=*2/*2".parse().unwrap()])
    ///     .drugs(["clopidogrel"])
    ///     .sources([dosera::Source::Cpic]);
    /// let result = engine.recommend(&request).unwrap();
    /// let drug = &result.drugs[0];
    /// assert_eq!(drug.drug, "clopidogrel");
    /// assert!(drug.actionable);
    /// assert_eq!(drug.matches[0].lookup["CYP2C19"], "Poor Metabolizer");
    /// ```
    pub fn recommend(&self, request: &Request) -> Result<Recommendations> {
        self.recommender().recommend(request)
    }
}
