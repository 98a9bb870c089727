//! Report values in words in the page's language: actions, doses,
//! non-answers and why a position has no usable genotype.

use crate::genotype::MissingReason;
use crate::pack::words::{self, Lang};
use crate::pack::{Action, DoseAdjustment};
use crate::recommend::{NonAnswer, NonAnswerReason};

use super::ui::Ui;

/// The action of a recommendation in words, in `lang`.
///
/// ```
/// use dosera::pack::Action;
/// use dosera::report::html::{action_text, Lang};
/// assert_eq!(action_text(Action::Avoid, Lang::Sv), "undvik");
/// assert_eq!(action_text(Action::Avoid, Lang::En), Action::Avoid.label());
/// ```
pub fn action_text(action: Action, lang: Lang) -> &'static str {
    words::action_label(action, lang)
}

/// Why a gene result is not used by a drug's answer, as one line in
/// `lang` (`CYP2D6 *1/*44x: given but not understood (…)`, `CYP2D6
/// *1/*44x: angiven men kunde inte tolkas (…)`): the one wording of a
/// [`NonAnswer`] every output format uses (in English,
/// [`NonAnswer::describe`]). Values and details are data, shown as they
/// are.
///
/// ```
/// use dosera::{NonAnswer, NonAnswerReason};
/// use dosera::report::html::{non_answer_text, Lang};
/// let n = NonAnswer {
///     gene: "CYP2D6".into(),
///     reason: NonAnswerReason::NotGiven,
///     value: None,
///     lookup_keys: Vec::new(),
///     detail: None,
/// };
/// assert_eq!(non_answer_text(&n, Lang::En), n.describe());
/// assert_eq!(non_answer_text(&n, Lang::Sv), "CYP2D6: inte angiven, inte testad eller inte anropad");
/// ```
pub fn non_answer_text(n: &NonAnswer, lang: Lang) -> String {
    let ui = match n.reason {
        NonAnswerReason::NoRow => Ui::NonAnswerNoRow,
        NonAnswerReason::NotGiven => Ui::NonAnswerNotGiven,
        NonAnswerReason::NotUnderstood => Ui::NonAnswerNotUnderstood,
    };
    n.describe_in(ui.text(lang))
}

pub(super) fn missing_text(reason: MissingReason, lang: Lang) -> &'static str {
    match lang {
        Lang::En => reason.describe(),
        Lang::Sv => match reason {
            MissingReason::NotInVcf => "ingen VCF-post",
            MissingReason::NoGenotype => "ingen genotyp anropad",
            MissingReason::PartialGenotype => "endast en allel anropad",
            MissingReason::RefMismatch => "REF skiljer sig från GRCh38",
            MissingReason::DepthConflict => "heterozygot anrop utan läsningar för båda allelerna",
            MissingReason::HaploidAutosome => "haploitt anrop på en autosom",
            MissingReason::Polyploid => "fler än två alleler anropade",
            MissingReason::ConflictingRecords => "poster för samma variant motsäger varandra",
        },
    }
}

/// A dose adjustment in words, in `lang` (`50% of the usual starting dose`,
/// `50 % av den vanliga startdosen`), by the one dose formatter
/// ([`words::dose_text`]).
///
/// ```
/// use dosera::pack::DoseAdjustment;
/// use dosera::report::html::{dose_text, Lang};
/// let d = DoseAdjustment { percent_min: 50.0, percent_max: 50.0, of: "starting dose".into() };
/// assert_eq!(dose_text(&d, Lang::En), "50% of the usual starting dose");
/// assert_eq!(dose_text(&d, Lang::Sv), "50 % av den vanliga startdosen");
/// ```
pub fn dose_text(dose: &DoseAdjustment, lang: Lang) -> String {
    words::dose_text(&dose.dose(), lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_answer_words_are_the_core_labels_in_english() {
        for (ui, reason) in [
            (Ui::NonAnswerNoRow, NonAnswerReason::NoRow),
            (Ui::NonAnswerNotGiven, NonAnswerReason::NotGiven),
            (Ui::NonAnswerNotUnderstood, NonAnswerReason::NotUnderstood),
        ] {
            assert_eq!(ui.text(Lang::En), reason.label());
        }
    }

    #[test]
    fn ui_table_has_both_languages() {
        assert_eq!(Ui::NotTested.text(Lang::Sv), "Vad som inte testades");
        assert_eq!(Ui::Genes.text(Lang::En), "Genes");
        // Spot checks that the table is not a copy of itself.
        for ui in [
            Ui::Title,
            Ui::Genes,
            Ui::NotTested,
            Ui::Disclaimer,
            Ui::OtherBuild,
            Ui::NoPharmacogenePosition,
        ] {
            assert_ne!(ui.text(Lang::En), ui.text(Lang::Sv), "{ui:?}");
        }
        for a in Action::ALL {
            assert!(!action_text(a, Lang::Sv).is_empty());
            assert_ne!(action_text(a, Lang::Sv), action_text(a, Lang::En));
        }
    }

    #[test]
    fn doses_read_naturally() {
        let d = DoseAdjustment {
            percent_min: 150.0,
            percent_max: 200.0,
            of: "maintenance dose".into(),
        };
        assert_eq!(
            dose_text(&d, Lang::En),
            "150–200% of the usual maintenance dose"
        );
        assert_eq!(
            dose_text(&d, Lang::Sv),
            "150–200 % av den vanliga underhållsdosen"
        );
        let d = DoseAdjustment {
            percent_min: 12.5,
            percent_max: 12.5,
            of: "odd dose".into(),
        };
        assert_eq!(dose_text(&d, Lang::Sv), "12,5 % av den vanliga dosen");
    }
}
