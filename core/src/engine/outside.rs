//! Outside calls: the engine checks parsed lines against its packs.

use super::Engine;
use crate::input::outside::OutsideCall;
use crate::recommend::{resolve_outside, ResolvedOutside};
use crate::Result;

impl Engine {
    /// Checks every outside call against the loaded packs and picks the field
    /// that drives each gene's result (the rules are in [`crate::input::outside`]).
    ///
    /// Errors: [`Error::UnknownGene`] for a gene no pack knows; every other
    /// problem (a value the gene cannot take, a value in the wrong field, a
    /// gene whose lines drive different fields, a line with no value) is an
    /// [`Error::MalformedOutsideCall`] naming the line and carrying the
    /// engine's own message.
    ///
    /// ```
    /// use dosera::input::outside::{parse, UsedField};
    /// let engine = dosera::Engine::bundled().unwrap();
    ///
    /// let calls = parse("G6PD\tB (wildtype)/B (wildtype)\nCYP2D6\t*36+*10/*1\n").unwrap();
    /// let resolved = engine.resolve_outside(&calls).unwrap();
    /// assert_eq!(resolved[0].input.as_ref().unwrap().value, "B (reference)/B (reference)");
    /// assert_eq!(resolved[0].used, UsedField::Diplotype);
    /// assert_eq!(resolved[1].input.as_ref().unwrap().value, "*36 + *10/*1");
    ///
    /// // An allele the definitions do not know is flagged, not guessed at.
    /// let calls = parse("CYP2C19\t*1/*99\n").unwrap();
    /// let r = &engine.resolve_outside(&calls).unwrap()[0];
    /// assert!(r.input.is_none());
    /// assert!(r.warnings[0].contains("unknown allele `*99`"), "{:?}", r.warnings);
    ///
    /// // Several lines for one gene: an ambiguous result, every line kept.
    /// let calls = parse("CYP2D6\t*1/*4\nCYP2D6\t*1/*10\n").unwrap();
    /// assert_eq!(engine.resolve_outside(&calls).unwrap().len(), 2);
    /// let calls = parse("CYP2D6\t*1/*4\nCYP2D6\t\tPM\n").unwrap();
    /// assert!(engine.resolve_outside(&calls).is_err()); // a diplotype and a phenotype
    ///
    /// let calls = parse("CYP9Z9\t*1/*1\n").unwrap();
    /// let e = engine.resolve_outside(&calls).unwrap_err().to_string();
    /// assert!(e.starts_with("unknown gene `CYP9Z9`"), "{e}");
    /// ```
    pub fn resolve_outside(&self, calls: &[OutsideCall]) -> Result<Vec<ResolvedOutside>> {
        resolve_outside(&self.recommender(), calls)
    }
}
