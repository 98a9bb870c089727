//! Groups of newer upstream data an import can leave out.
//!
//! A default import uses everything under `supplements-2026/`, newest data
//! winning. Leaving a group out builds the packs as they were before that
//! group arrived: its genes and guidelines come from the older files the
//! group replaces. Reanalysis tests use this to compare a patient's advice
//! under the old and the new knowledge.

use dosera::{Error, Result};

/// The 2026 CPIC thiopurine update: TPMT and NUDT15 allele functions and
/// phenotype rules, and the azathioprine, mercaptopurine and thioguanine
/// guidelines.
pub(crate) const THIOPURINES_2026: &str = "thiopurines-2026";

/// Names of the supplement groups [`crate::ImportOptions::leave_out`]
/// accepts.
///
/// ```
/// assert!(dosera_import::SUPPLEMENT_GROUPS.contains(&"thiopurines-2026"));
/// ```
pub const SUPPLEMENT_GROUPS: &[&str] = &[THIOPURINES_2026];

/// Guideline files of `supplements-2026/` that belong to the thiopurine
/// group.
pub(crate) const THIOPURINE_GUIDELINE_FILES: [&str; 3] = [
    "CPIC_azathioprine_2026.json",
    "CPIC_mercaptopurine_2026.json",
    "CPIC_thioguanine_2026.json",
];

/// Drugs of the thiopurine group's guidelines.
pub(crate) const THIOPURINE_DRUGS: [&str; 3] = ["azathioprine", "mercaptopurine", "thioguanine"];

/// Which supplement groups an import uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Supplements {
    /// The 2026 thiopurine update ([`THIOPURINES_2026`]).
    pub thiopurines_2026: bool,
}

impl Supplements {
    /// Every group: the default import.
    pub(crate) const ALL: Supplements = Supplements {
        thiopurines_2026: true,
    };

    /// The groups left after leaving out `names`; an unknown name is a
    /// usage error that lists the known ones.
    pub(crate) fn leaving_out(names: &[String]) -> Result<Supplements> {
        let mut out = Supplements::ALL;
        for name in names {
            match name.trim() {
                THIOPURINES_2026 => out.thiopurines_2026 = false,
                other => {
                    return Err(Error::Usage(format!(
                        "unknown supplement group `{other}` to leave out (known: {})",
                        SUPPLEMENT_GROUPS.join(", ")
                    )))
                }
            }
        }
        Ok(out)
    }

    /// Names of the groups left out, in [`SUPPLEMENT_GROUPS`] order.
    pub(crate) fn left_out(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.thiopurines_2026 {
            out.push(THIOPURINES_2026);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(Supplements::leaving_out(&[]).ok(), Some(Supplements::ALL));
        let old = Supplements::leaving_out(&["thiopurines-2026".into()]).ok();
        assert_eq!(
            old,
            Some(Supplements {
                thiopurines_2026: false
            })
        );
        assert_eq!(old.map(|s| s.left_out()), Some(vec!["thiopurines-2026"]));
        let err = Supplements::leaving_out(&["thiopurines-2025".into()])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("thiopurines-2025"), "{err}");
        assert!(err.contains("known: thiopurines-2026"), "{err}");
    }
}
