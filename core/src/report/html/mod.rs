//! The report as one self-contained HTML5 page for a clinician, in English
//! or Swedish.
//!
//! The page holds its CSS inline and nothing else: no scripts, fonts,
//! images or anything fetched, and a Content-Security-Policy that forbids
//! loading any of them. Every value from the report is HTML-escaped. The
//! page carries no time stamp, so the same report always renders to the
//! same bytes.
//!
//! Order: header (sample, engine, pack release and hash), a warning when
//! the VCF looks like another genome build or covers no pharmacogene
//! position, the "decision support, not a diagnosis" line, drugs with an
//! action, the gene
//! table, the other drugs checked, what was not tested, then the details:
//! every recommendation and the evidence behind every gene.
//!
//! Fixed text comes from one table in this module, in both languages; data values
//! (phenotypes, recommendation summaries from the packs, warnings) are shown
//! as they are.

use crate::allele::{CallSource, PhaseState, Sex, SexSource};
use crate::genotype::MissingReason;
use crate::input::coverage::{BuildSign, CoverageFinding};
use crate::pack::words;
use crate::pack::{Action, Dose, DoseAdjustment, DoseBase};
use crate::recommend::{DrugResult, Match, NonAnswer, NonAnswerReason};

use super::{GeneReport, Report};

pub use crate::pack::words::{Lang, UnknownLang};

/// Escapes text for HTML element content and quoted attribute values.
///
/// `&`, `<`, `>`, `"` and `'` become character references; control
/// characters other than tab, newline and carriage return (which HTML does
/// not allow) become U+FFFD.
///
/// ```
/// use dosera::report::html::escape;
/// assert_eq!(escape("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
/// assert_eq!(escape("it's"), "it&#39;s");
/// assert_eq!(escape("*1/*2"), "*1/*2");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The URL if it is a plain `http(s)` address safe to put in `href`.
fn link_target(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\'' | '`'));
    (scheme_ok && clean && u.len() > 8).then_some(u)
}

/// Fixed text of the page. Each entry holds the English and the Swedish
/// wording side by side, so the two cannot drift apart unnoticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ui {
    Title,
    Disclaimer,
    DisclaimerMore,
    Sample,
    InputFile,
    GenomeBuild,
    SexLabel,
    SexMale,
    SexFemale,
    SexUnknown,
    SexGiven,
    SexInferred,
    Engine,
    Packs,
    AssumedReference,
    ActionableDrugs,
    ActionableIntro,
    NoActionable,
    Drug,
    Source,
    Action,
    Dose,
    Strength,
    BasedOn,
    Population,
    CandidatesDisagree,
    CandidatesAgree,
    NotTestedShort,
    OtherDrugs,
    OtherDrugsIntro,
    NoMatch,
    Genes,
    Gene,
    Diplotypes,
    Phenotypes,
    ResultFrom,
    FromVcf,
    FromOutside,
    MissingPositions,
    NoCall,
    NoResult,
    AllelesFound,
    DrugDetails,
    Guideline,
    GuidelineVersion,
    Recommendation,
    Summary,
    Implication,
    Alternatives,
    MatchedOn,
    ForCandidates,
    Warnings,
    DrugsAffected,
    NonAnswers,
    NonAnswerNoRow,
    NonAnswerNotGiven,
    NonAnswerNotUnderstood,
    Evidence,
    PositionsUsed,
    Undocumented,
    TreatedAsReference,
    NotTreatedAsReference,
    Phase,
    PhaseEffectively,
    PhaseUnphased,
    PhasePartly,
    Tied,
    LowerScoring,
    Uncallable,
    WhyNoCall,
    Notes,
    OutsideLines,
    Line,
    Interpretation,
    ActivityScore,
    Hemizygous,
    NotTested,
    NoResultGenes,
    NotInInput,
    UsedBy,
    Cyp2d6NotCalled,
    Cyp2d6FromVcf,
    MissingSummary,
    NoneMissing,
    NothingUntested,
    InputNotes,
    OtherBuild,
    OtherBuildMore,
    NoPharmacogenePosition,
    NoPharmacogenePositionMore,
    SignRefDiffers,
    SignNearButNotOn,
    CoverageRecords,
    CoverageOnChromosomes,
    CoverageOnPositions,
    CoverageRefAgrees,
    CoverageRefDiffers,
    CoverageNear,
    Footer,
}

impl Ui {
    /// The text in a language.
    fn text(self, lang: Lang) -> &'static str {
        let (en, sv) = self.pair();
        match lang {
            Lang::En => en,
            Lang::Sv => sv,
        }
    }

    fn pair(self) -> (&'static str, &'static str) {
        match self {
            Ui::Title => ("Pharmacogenomic report", "Farmakogenomisk rapport"),
            Ui::Disclaimer => ("Decision support, not a diagnosis", "Beslutsstöd, inte en diagnos"),
            Ui::DisclaimerMore => (
                "These results come from the genotypes in the input and the guideline packs named above. Read the linked guideline and weigh the clinical picture before prescribing.",
                "Resultaten bygger på genotyperna i indata och riktlinjepaketen som anges ovan. Läs den länkade riktlinjen och väg in den kliniska bilden innan du förskriver.",
            ),
            Ui::Sample => ("Sample", "Prov"),
            Ui::InputFile => ("Input file", "Indatafil"),
            Ui::GenomeBuild => ("Genome build", "Genomversion"),
            Ui::SexLabel => ("Sex (for chrX genes)", "Kön (för gener på X-kromosomen)"),
            Ui::SexMale => ("male", "man"),
            Ui::SexFemale => ("female", "kvinna"),
            Ui::SexUnknown => ("not known", "okänt"),
            Ui::SexGiven => ("given", "angivet"),
            Ui::SexInferred => ("inferred from chrX calls", "härlett från anrop på X-kromosomen"),
            Ui::Engine => ("Engine", "Programversion"),
            Ui::Packs => ("Guideline packs", "Riktlinjepaket"),
            Ui::AssumedReference => (
                "Positions absent from the input were assumed to be reference, as requested.",
                "Positioner som saknades i indata antogs vara referens, enligt begäran.",
            ),
            Ui::ActionableDrugs => ("Drugs with action", "Läkemedel med åtgärd"),
            Ui::ActionableIntro => (
                "Drugs whose matched recommendation departs from standard prescribing.",
                "Läkemedel där den matchade rekommendationen avviker från standardförskrivning.",
            ),
            Ui::NoActionable => (
                "No drug in this report calls for an action.",
                "Inget läkemedel i rapporten kräver någon åtgärd.",
            ),
            Ui::Drug => ("Drug", "Läkemedel"),
            Ui::Source => ("Source", "Källa"),
            Ui::Action => ("Action", "Åtgärd"),
            Ui::Dose => ("Dose adjustment", "Dosjustering"),
            Ui::Strength => ("Strength", "Evidensstyrka"),
            Ui::BasedOn => ("Based on", "Baserat på"),
            Ui::Population => ("Population", "Population"),
            Ui::CandidatesDisagree => (
                "Candidates disagree: the possible gene results lead to different advice.",
                "Kandidaterna går isär: de möjliga genresultaten leder till olika råd.",
            ),
            Ui::CandidatesAgree => (
                "The result is ambiguous, but every candidate leads to the same advice.",
                "Resultatet är tvetydigt, men alla kandidater leder till samma råd.",
            ),
            Ui::NotTestedShort => ("not tested", "inte testad"),
            Ui::OtherDrugs => ("Other drugs checked", "Övriga kontrollerade läkemedel"),
            Ui::OtherDrugsIntro => (
                "Standard prescribing, no recommendation, or no matching recommendation for these results.",
                "Standardförskrivning, ingen rekommendation eller ingen matchande rekommendation för dessa resultat.",
            ),
            Ui::NoMatch => ("no matching recommendation", "ingen matchande rekommendation"),
            Ui::Genes => ("Genes", "Gener"),
            Ui::Gene => ("Gene", "Gen"),
            Ui::Diplotypes => ("Diplotype(s)", "Diplotyp(er)"),
            Ui::Phenotypes => ("Phenotype(s)", "Fenotyp(er)"),
            Ui::ResultFrom => ("Result from", "Resultat från"),
            Ui::FromVcf => ("VCF", "VCF"),
            Ui::FromOutside => ("outside call", "externt anrop"),
            Ui::MissingPositions => ("Missing positions", "Saknade positioner"),
            Ui::NoCall => ("no call", "inget anrop"),
            Ui::NoResult => ("no result", "inget resultat"),
            Ui::AllelesFound => ("alleles found", "funna alleler"),
            Ui::DrugDetails => ("Recommendations in detail", "Rekommendationer i detalj"),
            Ui::Guideline => ("Guideline", "Riktlinje"),
            Ui::GuidelineVersion => ("version", "version"),
            Ui::Recommendation => ("Recommendation", "Rekommendation"),
            Ui::Summary => ("Summary", "Sammanfattning"),
            Ui::Implication => ("Implication", "Innebörd"),
            Ui::Alternatives => ("Named alternatives", "Namngivna alternativ"),
            Ui::MatchedOn => ("Matched on", "Matchad på"),
            Ui::ForCandidates => ("For", "Gäller"),
            Ui::Warnings => ("Warnings", "Varningar"),
            Ui::DrugsAffected => ("drugs", "läkemedel"),
            Ui::NonAnswers => (
                "Gene results this answer does not use",
                "Genresultat som svaret inte bygger på",
            ),
            Ui::NonAnswerNoRow => (
                "the guideline has no recommendation for this result",
                "riktlinjen har ingen rekommendation för detta resultat",
            ),
            Ui::NonAnswerNotGiven => ("not given, not tested or not called", "inte angiven, inte testad eller inte anropad"),
            Ui::NonAnswerNotUnderstood => (
                "given but not understood",
                "angiven men kunde inte tolkas",
            ),
            Ui::Evidence => ("Evidence per gene", "Underlag per gen"),
            Ui::PositionsUsed => ("Positions used", "Använda positioner"),
            Ui::Undocumented => (
                "Alleles no definition knows",
                "Alleler som ingen definition känner till",
            ),
            Ui::TreatedAsReference => ("treated as reference", "behandlad som referens"),
            Ui::NotTreatedAsReference => ("not treated as reference", "inte behandlad som referens"),
            Ui::Phase => ("Phase", "Fas"),
            Ui::PhaseEffectively => ("effectively phased", "i praktiken fasad"),
            Ui::PhaseUnphased => ("unphased", "ofasad"),
            Ui::PhasePartly => ("partly phased", "delvis fasad"),
            Ui::Tied => ("Tied candidates", "Likvärdiga kandidater"),
            Ui::LowerScoring => ("Also fit, with a lower score", "Passar också, med lägre poäng"),
            Ui::Uncallable => (
                "Alleles that could not be called (every defining position missing)",
                "Alleler som inte kunde anropas (alla definierande positioner saknas)",
            ),
            Ui::WhyNoCall => ("Why no call", "Varför inget anrop"),
            Ui::Notes => ("Notes", "Anteckningar"),
            Ui::OutsideLines => ("Outside-call lines used", "Använda rader med externa anrop"),
            Ui::Line => ("line", "rad"),
            Ui::Interpretation => ("Interpretation", "Tolkning"),
            Ui::ActivityScore => ("Activity score", "Aktivitetspoäng"),
            Ui::Hemizygous => ("hemizygous call", "hemizygot anrop"),
            Ui::NotTested => ("What was not tested", "Vad som inte testades"),
            Ui::NoResultGenes => (
                "Genes in the input with no result",
                "Gener i indata utan resultat",
            ),
            Ui::NotInInput => (
                "Genes the guidelines use that were not in the input",
                "Gener som riktlinjerna använder men som inte fanns i indata",
            ),
            Ui::UsedBy => ("used by", "används av"),
            Ui::Cyp2d6NotCalled => (
                "CYP2D6 was not called from the VCF: copy-number changes (deletions, duplications) and hybrid genes are not visible in a VCF. CYP2D6 needs a dedicated test, given as an outside call.",
                "CYP2D6 anropades inte från VCF-filen: kopietalsförändringar (deletioner, duplikationer) och hybridgener syns inte i en VCF-fil. CYP2D6 kräver ett särskilt test, angivet som externt anrop.",
            ),
            Ui::Cyp2d6FromVcf => (
                "CYP2D6 was called from SNVs and indels only (research mode): copy-number changes and hybrid genes were not seen.",
                "CYP2D6 anropades enbart från SNV:er och indels (forskningsläge): kopietalsförändringar och hybridgener syns inte.",
            ),
            Ui::MissingSummary => (
                "Definition positions with no usable genotype",
                "Definitionspositioner utan användbar genotyp",
            ),
            Ui::NoneMissing => (
                "Every definition position of the genes called from the VCF had a usable genotype.",
                "Alla definitionspositioner för generna som anropades från VCF-filen hade en användbar genotyp.",
            ),
            Ui::NothingUntested => (
                "Every gene the guidelines here use has a result.",
                "Alla gener som riktlinjerna här använder har ett resultat.",
            ),
            Ui::InputNotes => ("Notes on the request", "Anteckningar om förfrågan"),
            Ui::OtherBuild => (
                "Warning: the VCF looks like another genome build than GRCh38",
                "Varning: VCF-filen ser ut att vara från en annan genomversion än GRCh38",
            ),
            Ui::OtherBuildMore => (
                "Every gene call, phenotype and recommendation from the VCF on this page is unreliable. Check which genome build the variants were called against, and lift the file over to GRCh38 or call the variants against GRCh38.",
                "Alla genanrop, fenotyper och rekommendationer från VCF-filen på den här sidan är opålitliga. Kontrollera mot vilken genomversion varianterna anropades, och konvertera filen till GRCh38 eller anropa varianterna mot GRCh38.",
            ),
            Ui::NoPharmacogenePosition => (
                "Warning: the VCF covers no pharmacogene position",
                "Varning: VCF-filen täcker ingen farmakogenetisk position",
            ),
            Ui::NoPharmacogenePositionMore => (
                "No record of the file lies on or near a position the allele definitions use. The genes from the VCF have no result for lack of data, not because the patient carries no variant. Use a VCF that covers the pharmacogenes (a whole genome, an exome or a pharmacogene panel).",
                "Ingen post i filen ligger på eller nära en position som alleldefinitionerna använder. Generna från VCF-filen saknar resultat för att data saknas, inte för att patienten saknar varianter. Använd en VCF-fil som täcker farmakogenerna (helgenom, exom eller en farmakogenpanel).",
            ),
            Ui::SignRefDiffers => (
                "On definition positions, the reference base (REF) of the file differs from GRCh38's more often than it agrees.",
                "På definitionspositionerna skiljer sig filens referensbas (REF) från GRCh38 oftare än den stämmer.",
            ),
            Ui::SignNearButNotOn => (
                "Records lie near the pharmacogenes (within 2 Mb), but none on a definition position with GRCh38's reference base.",
                "Poster ligger nära farmakogenerna (inom 2 Mb), men ingen på en definitionsposition med GRCh38:s referensbas.",
            ),
            Ui::CoverageRecords => ("Records read", "Lästa poster"),
            Ui::CoverageOnChromosomes => (
                "on chromosomes that carry a pharmacogene",
                "på kromosomer med en farmakogen",
            ),
            Ui::CoverageOnPositions => ("on definition positions", "på definitionspositioner"),
            Ui::CoverageRefAgrees => ("REF as in GRCh38", "REF som i GRCh38"),
            Ui::CoverageRefDiffers => ("REF not as in GRCh38", "REF inte som i GRCh38"),
            Ui::CoverageNear => (
                "near a pharmacogene but on none of its positions",
                "nära en farmakogen men inte på någon av dess positioner",
            ),
            Ui::Footer => (
                "Made by dosera. The page holds no time stamp: the same input gives the same page.",
                "Skapad av dosera. Sidan saknar tidsstämpel: samma indata ger samma sida.",
            ),
        }
    }
}

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

fn missing_text(reason: MissingReason, lang: Lang) -> &'static str {
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
    let of = match dose.of.as_str() {
        "starting dose" | "lowest starting dose" => DoseBase::Starting,
        "maintenance dose" => DoseBase::Maintenance,
        "daily dose" => DoseBase::Daily,
        "loading dose" => DoseBase::Loading,
        "current dose" => DoseBase::Current,
        "initial dose" => DoseBase::Initial,
        "total dose" => DoseBase::Total,
        _ => DoseBase::Usual,
    };
    words::dose_text(
        &Dose {
            percent: Some([dose.percent_min, dose.percent_max]),
            amount: None,
            unit: None,
            per: None,
            of,
            frequency: None,
            max: None,
            titration: None,
        },
        lang,
    )
}

const CSS: &str = "\
:root{--ink:#1a1a1a;--muted:#555;--line:#c8c8c8;--act:#8a1c00;--actbg:#fff3ee;--warnbg:#fff8db;--head:#eef2f6}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:var(--ink);max-width:1100px;margin:0 auto;padding:1.2em}
h1{font-size:1.6em;margin:.2em 0 .4em}
h2{font-size:1.3em;margin:1.6em 0 .5em;border-bottom:2px solid var(--ink);padding-bottom:.15em}
h3{font-size:1.08em;margin:1.1em 0 .3em}
h4{font-size:1em;margin:.7em 0 .2em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0}
.disclaimer{border:3px solid var(--act);background:var(--actbg);padding:.6em .9em;margin:1em 0;font-size:1.05em}
.disclaimer strong{font-size:1.2em;display:block}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
th,td{border:1px solid var(--line);padding:.3em .45em;text-align:left;vertical-align:top}
thead th{background:var(--head)}
td.action.yes{color:var(--act);font-weight:600}
td.action .small{font-weight:normal}
.note{background:var(--warnbg);padding:.15em .35em;display:inline-block;margin-top:.2em}
.muted{color:var(--muted)}
.small{font-size:.85em}
.positions{font-size:.8em;color:var(--muted);word-spacing:.2em}
section.drug,section.gene{border-top:1px solid var(--line);padding-top:.2em}
ul{margin:.2em 0 .5em;padding-left:1.3em}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
a{color:#0b4f9c}
footer{margin-top:2em;font-size:.85em;color:var(--muted)}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
.disclaimer,thead th,.note{background:none}
.disclaimer{border-width:2px}
a{color:inherit;text-decoration:none}
a[href^='http']::after{content:' (' attr(href) ')';font-size:.8em;word-break:break-all}
h2{break-after:avoid}
h3,h4{break-after:avoid}
tr,section.drug,.disclaimer{break-inside:avoid}
thead{display:table-header-group}
#details,#evidence{break-before:page}
}
";

/// Renders the report as one self-contained HTML5 page.
///
/// The output depends on nothing but `report` and `lang`: rendering twice
/// gives the same bytes.
///
/// ```
/// use dosera::allele::CallOptions;
/// use dosera::report::html::{render, Lang};
/// let engine = dosera::Engine::bundled().unwrap();
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
/// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
/// let report = dosera::report::build(&engine, &calls[0], &[], &[]).unwrap();
/// let page = render(&report, Lang::Sv);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("Beslutsstöd, inte en diagnos"));
/// assert!(page.contains("CYP2C19"));
/// assert!(!page.contains("<script"));
/// ```
pub fn render(report: &Report, lang: Lang) -> String {
    let mut local;
    let report = if lang == Lang::En {
        report
    } else {
        local = report.clone();
        local.localise(lang);
        &local
    };
    let mut page = Page {
        out: String::with_capacity(64 * 1024),
        lang,
        report,
    };
    page.document();
    page.out
}

struct Page<'a> {
    out: String,
    lang: Lang,
    report: &'a Report,
}

impl Page<'_> {
    fn t(&self, ui: Ui) -> &'static str {
        ui.text(self.lang)
    }

    /// Appends markup as written (never report data).
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Appends escaped text.
    fn text(&mut self, s: &str) {
        self.out.push_str(&escape(s));
    }

    /// Appends `<tag>` escaped fixed text `</tag>`.
    fn ui_in(&mut self, tag: &str, ui: Ui) {
        let text = escape(self.t(ui));
        self.out.push_str(&format!("<{tag}>{text}</{tag}>"));
    }

    fn link(&mut self, url: &str) {
        match link_target(url) {
            Some(u) => {
                let u = escape(u);
                self.out.push_str(&format!(
                    "<a href=\"{u}\" rel=\"noopener noreferrer\">{u}</a>"
                ));
            }
            None => self.text(url),
        }
    }

    fn document(&mut self) {
        let r = self.report;
        self.raw("<!DOCTYPE html>\n<html lang=\"");
        self.raw(self.lang.code());
        self.raw("\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n");
        self.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        self.raw("<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
        self.text(&format!("{} · {}", self.t(Ui::Title), r.input.sample));
        self.raw("</title>\n<style>\n");
        self.raw(CSS);
        self.raw("</style>\n</head>\n<body>\n");
        self.header();
        self.actionable();
        self.genes();
        self.other_drugs();
        self.not_tested();
        self.drug_details();
        self.evidence();
        self.request_notes();
        self.raw("<footer>");
        self.text(self.t(Ui::Footer));
        self.raw("</footer>\n</body>\n</html>\n");
    }

    fn header(&mut self) {
        let r = self.report;
        self.raw("<header>\n");
        self.ui_in("h1", Ui::Title);
        self.raw("<dl class=\"meta\">\n");
        self.dt_dd(Ui::Sample, &r.input.sample);
        if let Some(file) = &r.input.file {
            self.dt_dd(Ui::InputFile, file);
        }
        self.dt_dd(Ui::GenomeBuild, &r.input.build);
        let sex = match r.input.sex {
            Some(Sex::Male) => self.t(Ui::SexMale),
            Some(Sex::Female) => self.t(Ui::SexFemale),
            None => self.t(Ui::SexUnknown),
        };
        let sex = match r.input.sex_source {
            SexSource::Given => format!("{sex} ({})", self.t(Ui::SexGiven)),
            SexSource::Inferred => format!("{sex} ({})", self.t(Ui::SexInferred)),
            SexSource::Unknown => sex.to_string(),
        };
        self.dt_dd(Ui::SexLabel, &sex);
        self.dt_dd(Ui::Engine, &format!("dosera {}", r.engine_version));
        let short = r.packs_sha256.get(..12).unwrap_or(&r.packs_sha256);
        self.raw("<dt>");
        self.text(self.t(Ui::Packs));
        self.raw("</dt><dd>");
        self.text(&r.packs_release);
        self.raw(" · sha256 <code title=\"");
        self.text(&r.packs_sha256);
        self.raw("\">");
        self.text(short);
        self.raw("</code></dd>\n</dl>\n");
        self.coverage();
        self.raw("<div class=\"disclaimer\" role=\"note\"><strong>");
        self.text(self.t(Ui::Disclaimer));
        self.raw("</strong>");
        self.text(self.t(Ui::DisclaimerMore));
        if r.input.assume_reference {
            self.raw(" ");
            self.text(self.t(Ui::AssumedReference));
        }
        self.raw("</div>\n</header>\n");
    }

    /// The banner of a VCF that looks like another build or covers no
    /// pharmacogene position: what it means, what points that way, and
    /// the counts behind it.
    fn coverage(&mut self) {
        let Some(c) = &self.report.input.coverage else {
            return;
        };
        let (title, more) = match c {
            CoverageFinding::OtherBuild { .. } => (Ui::OtherBuild, Ui::OtherBuildMore),
            CoverageFinding::NoPharmacogenePosition { .. } => {
                (Ui::NoPharmacogenePosition, Ui::NoPharmacogenePositionMore)
            }
        };
        self.raw("<div class=\"disclaimer\" id=\"coverage\" role=\"alert\"><strong>");
        self.text(self.t(title));
        self.raw("</strong>");
        self.text(self.t(more));
        self.raw("\n<ul>\n");
        for sign in c.signs() {
            self.raw("<li>");
            self.text(self.t(match sign {
                BuildSign::RefDiffers => Ui::SignRefDiffers,
                BuildSign::NearButNotOn => Ui::SignNearButNotOn,
            }));
            self.raw("</li>\n");
        }
        let n = c.counts();
        let counts = format!(
            "{}: {} ({} {}; {} {}: {} {}, {} {}; {} {})",
            self.t(Ui::CoverageRecords),
            n.records,
            n.on_pharmacogene_chromosomes,
            self.t(Ui::CoverageOnChromosomes),
            n.on_definition_positions,
            self.t(Ui::CoverageOnPositions),
            n.ref_agrees,
            self.t(Ui::CoverageRefAgrees),
            n.ref_differs,
            self.t(Ui::CoverageRefDiffers),
            n.near_pharmacogenes,
            self.t(Ui::CoverageNear),
        );
        self.raw("<li class=\"small\">");
        self.text(&counts);
        self.raw("</li>\n</ul></div>\n");
    }

    fn dt_dd(&mut self, ui: Ui, value: &str) {
        self.raw("<dt>");
        self.text(self.t(ui));
        self.raw("</dt><dd>");
        self.text(value);
        self.raw("</dd>\n");
    }

    /// `GENE *1/*2 (Normal Metabolizer)` for each gene the guideline uses,
    /// or `GENE: not tested`.
    fn based_on(&self, drug: &DrugResult) -> Vec<String> {
        drug.genes
            .iter()
            .map(|gene| match self.report.gene(gene) {
                Some(g) => {
                    let dips = self.diplotype_text(g);
                    let phen = if g.phenotypes.is_empty() {
                        self.t(Ui::NoResult).to_string()
                    } else {
                        g.phenotypes
                            .iter()
                            .map(|p| words::phenotype(p, self.lang))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    format!("{} {dips} ({phen})", g.gene)
                }
                None => format!("{gene}: {}", self.t(Ui::NotTestedShort)),
            })
            .collect()
    }

    fn diplotype_text(&self, g: &GeneReport) -> String {
        if !g.diplotypes.is_empty() {
            return g.diplotypes.join(" | ");
        }
        if let Some(c) = &g.call {
            if !c.allele_matches.is_empty() {
                return format!(
                    "{}: {}",
                    self.t(Ui::AllelesFound),
                    c.allele_matches.join(", ")
                );
            }
        }
        self.t(Ui::NoCall).to_string()
    }

    /// True when any gene the drug uses has more than one candidate.
    fn ambiguous(&self, drug: &DrugResult) -> bool {
        drug.genes.iter().any(|gene| {
            self.report
                .gene(gene)
                .is_some_and(|g| g.diplotypes.len() > 1 || g.phenotypes.len() > 1)
        })
    }

    fn actionable(&mut self) {
        let r = self.report;
        self.raw("<section id=\"actionable\">\n");
        self.ui_in("h2", Ui::ActionableDrugs);
        let drugs: Vec<(usize, &DrugResult)> = r
            .drugs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.actionable)
            .collect();
        if drugs.is_empty() {
            self.ui_in("p", Ui::NoActionable);
            self.raw("</section>\n");
            return;
        }
        self.raw("<p class=\"muted\">");
        self.text(self.t(Ui::ActionableIntro));
        self.raw("</p>\n<table>\n<thead><tr>");
        for ui in [
            Ui::Drug,
            Ui::Source,
            Ui::Action,
            Ui::Dose,
            Ui::Strength,
            Ui::BasedOn,
        ] {
            self.ui_in("th", ui);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (i, d) in drugs {
            let rows: Vec<&Match> = d.matches.iter().collect();
            let span = rows.len().max(1);
            for (k, m) in rows.iter().enumerate() {
                self.raw("<tr class=\"act\">");
                if k == 0 {
                    self.raw(&format!("<td rowspan=\"{span}\"><a href=\"#drug-{i}\">"));
                    self.text(&d.drug);
                    self.raw(&format!("</a></td><td rowspan=\"{span}\">"));
                    self.text(d.source.label());
                    self.raw("</td>");
                }
                // Only an action that departs from standard prescribing is
                // marked; a drug's other candidate rows stay plain.
                if m.action.is_actionable() {
                    self.raw("<td class=\"action yes\">");
                } else {
                    self.raw("<td class=\"action\">");
                }
                self.text(action_text(m.action, self.lang));
                if rows.len() > 1 {
                    // Say what tells the rows apart: population, candidate.
                    if let Some(p) = &m.population {
                        self.raw("<br><span class=\"small muted\">");
                        self.text(&format!(
                            "{}: {}",
                            self.t(Ui::Population),
                            words::population(p, self.lang)
                        ));
                        self.raw("</span>");
                    }
                    if !m.candidates.is_empty() && self.ambiguous(d) {
                        self.raw("<br><span class=\"small muted\">");
                        self.text(&format!(
                            "{}: {}",
                            self.t(Ui::ForCandidates),
                            m.candidates.join("; ")
                        ));
                        self.raw("</span>");
                    }
                }
                self.raw("</td><td>");
                let dose = m.dose_text(self.lang);
                self.text(dose.as_deref().unwrap_or("–"));
                self.raw("</td><td>");
                let strength = m.strength.as_deref().map(|x| words::strength(x, self.lang));
                self.text(strength.as_deref().unwrap_or("–"));
                self.raw("</td>");
                if k == 0 {
                    self.raw(&format!("<td rowspan=\"{span}\">"));
                    let based = self.based_on(d);
                    for (j, b) in based.iter().enumerate() {
                        if j > 0 {
                            self.raw("<br>");
                        }
                        self.text(b);
                    }
                    self.non_answers_inline(d);
                    self.disagreement(d);
                    self.raw("</td>");
                }
                self.raw("</tr>\n");
            }
        }
        self.raw("</tbody>\n</table>\n</section>\n");
    }

    /// The drug's non-answers, one per line, under the genes it is based
    /// on (a gene absent from the report is already "not tested" there).
    fn non_answers_inline(&mut self, d: &DrugResult) {
        let report = self.report;
        for n in d
            .non_answers
            .iter()
            .filter(|n| n.reason != NonAnswerReason::NotGiven || report.gene(&n.gene).is_some())
        {
            self.raw("<br><span class=\"note small\">");
            self.text(&non_answer_text(n, self.lang));
            self.raw("</span>");
        }
    }

    fn disagreement(&mut self, d: &DrugResult) {
        if !d.candidates_agree {
            self.raw("<br><span class=\"note\">");
            self.text(self.t(Ui::CandidatesDisagree));
            self.raw("</span>");
        } else if self.ambiguous(d) {
            self.raw("<br><span class=\"note\">");
            self.text(self.t(Ui::CandidatesAgree));
            self.raw("</span>");
        }
    }

    fn genes(&mut self) {
        let r = self.report;
        self.raw("<section id=\"genes\">\n");
        self.ui_in("h2", Ui::Genes);
        self.raw("<table>\n<thead><tr>");
        for ui in [
            Ui::Gene,
            Ui::Diplotypes,
            Ui::Phenotypes,
            Ui::ResultFrom,
            Ui::MissingPositions,
        ] {
            self.ui_in("th", ui);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (i, g) in r.genes.iter().enumerate() {
            self.raw(&format!("<tr><td><a href=\"#gene-{i}\">"));
            self.text(&g.gene);
            self.raw("</a></td><td>");
            self.text(&self.diplotype_text(g).replace(" | ", " or "));
            self.raw("</td><td>");
            if g.phenotypes.is_empty() {
                self.raw("<em>");
                self.text(self.t(Ui::NoResult));
                self.raw("</em>");
            } else {
                let p: Vec<String> = g
                    .phenotypes
                    .iter()
                    .map(|p| words::phenotype(p, self.lang))
                    .collect();
                self.text(&p.join(" | "));
            }
            if !g.activity_scores.is_empty() {
                self.raw("<br><span class=\"small muted\">");
                self.text(&format!(
                    "{}: {}",
                    self.t(Ui::ActivityScore),
                    g.activity_scores.join(" | ")
                ));
                self.raw("</span>");
            }
            self.raw("</td><td>");
            self.text(match g.source {
                CallSource::Vcf => self.t(Ui::FromVcf),
                CallSource::Outside => self.t(Ui::FromOutside),
            });
            self.raw("</td><td>");
            if g.call.is_some() {
                self.text(&g.missing_positions.len().to_string());
            } else {
                self.raw("–");
            }
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody>\n</table>\n</section>\n");
    }

    fn other_drugs(&mut self) {
        let r = self.report;
        let drugs: Vec<(usize, &DrugResult)> = r
            .drugs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.actionable)
            .collect();
        if drugs.is_empty() {
            return;
        }
        self.raw("<section id=\"other-drugs\">\n");
        self.ui_in("h2", Ui::OtherDrugs);
        self.raw("<p class=\"muted\">");
        self.text(self.t(Ui::OtherDrugsIntro));
        self.raw("</p>\n<table>\n<thead><tr>");
        for ui in [Ui::Drug, Ui::Source, Ui::Action, Ui::BasedOn] {
            self.ui_in("th", ui);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (i, d) in drugs {
            self.raw(&format!("<tr><td><a href=\"#drug-{i}\">"));
            self.text(&d.drug);
            self.raw("</a></td><td>");
            self.text(d.source.label());
            self.raw("</td><td>");
            let mut actions: Vec<&'static str> = Vec::new();
            for m in &d.matches {
                let a = action_text(m.action, self.lang);
                if !actions.contains(&a) {
                    actions.push(a);
                }
            }
            if actions.is_empty() {
                self.raw("<em>");
                self.text(self.t(Ui::NoMatch));
                self.raw("</em>");
            } else {
                self.text(&actions.join(", "));
            }
            self.raw("</td><td>");
            self.text(&self.based_on(d).join("; "));
            self.non_answers_inline(d);
            self.disagreement(d);
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody>\n</table>\n</section>\n");
    }

    fn not_tested(&mut self) {
        let r = self.report;
        self.raw("<section id=\"not-tested\">\n");
        self.ui_in("h2", Ui::NotTested);
        self.raw("<ul>\n");
        let mut said = false;

        // CYP2D6: unless an outside call gave it, copy number and hybrids
        // were not seen.
        match r.gene("CYP2D6") {
            Some(g) if g.source == CallSource::Outside => {}
            Some(_) => {
                self.raw("<li><strong>");
                self.text(self.t(Ui::Cyp2d6FromVcf));
                self.raw("</strong></li>\n");
                said = true;
            }
            None => {
                self.raw("<li><strong>");
                self.text(self.t(Ui::Cyp2d6NotCalled));
                self.raw("</strong></li>\n");
                said = true;
            }
        }

        // Genes the guidelines of this report use that are not in it.
        let mut absent: Vec<(&str, Vec<&str>)> = Vec::new();
        for d in &r.drugs {
            for gene in &d.genes {
                if r.gene(gene).is_some() {
                    continue;
                }
                match absent.iter_mut().find(|(g, _)| g == gene) {
                    Some((_, drugs)) => {
                        if !drugs.contains(&d.drug.as_str()) {
                            drugs.push(&d.drug);
                        }
                    }
                    None => absent.push((gene, vec![&d.drug])),
                }
            }
        }
        absent.sort_by(|a, b| a.0.cmp(b.0));
        if !absent.is_empty() {
            said = true;
            self.raw("<li>");
            self.text(self.t(Ui::NotInInput));
            self.raw(":<ul>\n");
            for (gene, drugs) in &absent {
                self.raw("<li><strong>");
                self.text(gene);
                self.raw("</strong> <span class=\"small muted\">(");
                self.text(&format!("{} {}", self.t(Ui::UsedBy), drugs.join(", ")));
                self.raw(")</span></li>\n");
            }
            self.raw("</ul></li>\n");
        }

        // Genes in the input with no result.
        let no_result: Vec<&GeneReport> = r
            .genes
            .iter()
            .filter(|g| g.phenotypes.is_empty() && g.recommendation_input.is_none())
            .collect();
        if !no_result.is_empty() {
            said = true;
            self.raw("<li>");
            self.text(self.t(Ui::NoResultGenes));
            self.raw(":<ul>\n");
            for g in no_result {
                self.raw("<li><strong>");
                self.text(&g.gene);
                self.raw("</strong>");
                let why = g
                    .call
                    .as_ref()
                    .and_then(|c| c.no_call_reason.as_deref())
                    .or_else(|| g.warnings.first().map(String::as_str));
                if let Some(why) = why {
                    self.raw(": ");
                    self.text(why);
                }
                self.raw("</li>\n");
            }
            self.raw("</ul></li>\n");
        }

        // Missing positions.
        let missing: Vec<&GeneReport> = r
            .genes
            .iter()
            .filter(|g| !g.missing_positions.is_empty())
            .collect();
        let any_vcf = r.genes.iter().any(|g| g.call.is_some());
        if missing.is_empty() {
            if any_vcf {
                self.raw("<li>");
                self.text(self.t(Ui::NoneMissing));
                self.raw("</li>\n");
            }
        } else {
            self.raw("<li>");
            said = true;
            self.text(self.t(Ui::MissingSummary));
            self.raw(":<ul>\n");
            for g in missing {
                self.raw("<li><strong>");
                self.text(&g.gene);
                self.raw("</strong>: ");
                self.text(&g.missing_positions.len().to_string());
                let mut reasons: Vec<(&'static str, usize)> = Vec::new();
                if let Some(c) = &g.call {
                    for m in c.evidence.missing.iter().filter(|m| !m.assumed_reference) {
                        let t = missing_text(m.reason, self.lang);
                        match reasons.iter_mut().find(|(x, _)| *x == t) {
                            Some((_, n)) => *n += 1,
                            None => reasons.push((t, 1)),
                        }
                    }
                }
                if !reasons.is_empty() {
                    let list: Vec<String> =
                        reasons.iter().map(|(t, n)| format!("{t}: {n}")).collect();
                    self.raw(" <span class=\"small muted\">(");
                    self.text(&list.join(", "));
                    self.raw(")</span>");
                }
                self.raw("</li>\n");
            }
            self.raw("</ul></li>\n");
        }
        if !said {
            self.raw("<li>");
            self.text(self.t(Ui::NothingUntested));
            self.raw("</li>\n");
        }
        self.raw("</ul>\n</section>\n");
    }

    fn drug_details(&mut self) {
        let r = self.report;
        if r.drugs.is_empty() {
            return;
        }
        self.raw("<section id=\"details\">\n");
        self.ui_in("h2", Ui::DrugDetails);
        for (i, d) in r.drugs.iter().enumerate() {
            self.raw(&format!("<section class=\"drug\" id=\"drug-{i}\">\n<h3>"));
            self.text(&format!("{} · {}", d.drug, d.source.label()));
            self.raw("</h3>\n<p class=\"small\">");
            self.text(&format!(
                "{}: {} ({} {}, {})",
                self.t(Ui::Guideline),
                d.guideline_name,
                self.t(Ui::GuidelineVersion),
                d.guideline_version,
                d.release
            ));
            self.raw("<br>");
            self.text(&d.guideline_id);
            self.raw(" · ");
            self.link(&d.url);
            self.raw("</p>\n");
            if d.matches.is_empty() {
                self.raw("<p><em>");
                self.text(self.t(Ui::NoMatch));
                self.raw("</em></p>\n");
            }
            for m in &d.matches {
                self.match_details(m);
            }
            if !d.candidates_agree {
                self.raw("<p class=\"note\">");
                self.text(self.t(Ui::CandidatesDisagree));
                self.raw("</p>\n");
            }
            let non_answers: Vec<String> = d
                .non_answers
                .iter()
                .map(|n| non_answer_text(n, self.lang))
                .collect();
            self.list(Ui::NonAnswers, &non_answers);
            self.list(Ui::Warnings, &d.warnings);
            self.raw("</section>\n");
        }
        self.raw("</section>\n");
    }

    fn match_details(&mut self, m: &Match) {
        self.raw("<h4>");
        self.text(&format!(
            "{} {} · {}",
            self.t(Ui::Recommendation),
            m.id,
            action_text(m.action, self.lang)
        ));
        self.raw("</h4>\n<dl class=\"meta small\">\n");
        self.dt_dd(Ui::Summary, &m.summary);
        self.dt_dd(Ui::Implication, &m.implication);
        if let Some(dose) = m.dose_text(self.lang) {
            self.dt_dd(Ui::Dose, &dose);
        }
        if !m.alternatives.is_empty() {
            self.dt_dd(Ui::Alternatives, &m.alternatives.join(", "));
        }
        let strength = m.strength.as_deref().map(|x| words::strength(x, self.lang));
        self.dt_dd(Ui::Strength, strength.as_deref().unwrap_or("–"));
        let population = m
            .population
            .as_deref()
            .map(|x| words::population(x, self.lang));
        self.dt_dd(Ui::Population, population.as_deref().unwrap_or("–"));
        let lookup: Vec<String> = m.lookup.iter().map(|(g, k)| format!("{g}: {k}")).collect();
        self.dt_dd(Ui::MatchedOn, &lookup.join("; "));
        if !m.candidates.is_empty() {
            self.dt_dd(Ui::ForCandidates, &m.candidates.join("; "));
        }
        self.raw("</dl>\n");
    }

    fn list(&mut self, title: Ui, items: &[String]) {
        if items.is_empty() {
            return;
        }
        self.raw("<p class=\"small\"><strong>");
        self.text(self.t(title));
        self.raw("</strong></p>\n<ul class=\"small\">\n");
        for item in items {
            self.raw("<li>");
            self.text(item);
            self.raw("</li>\n");
        }
        self.raw("</ul>\n");
    }

    fn evidence(&mut self) {
        let r = self.report;
        if r.genes.is_empty() {
            return;
        }
        self.raw("<section id=\"evidence\">\n");
        self.ui_in("h2", Ui::Evidence);
        for (i, g) in r.genes.iter().enumerate() {
            self.raw(&format!("<section class=\"gene\" id=\"gene-{i}\">\n<h3>"));
            self.text(&g.gene);
            self.raw("</h3>\n");
            if let Some(c) = &g.call {
                let e = &c.evidence;
                self.raw("<dl class=\"meta small\">\n");
                if let Some(phase) = e.phase {
                    let p = match phase {
                        PhaseState::EffectivelyPhased => Ui::PhaseEffectively,
                        PhaseState::Unphased => Ui::PhaseUnphased,
                        PhaseState::PartlyPhased => Ui::PhasePartly,
                    };
                    self.dt_dd(Ui::Phase, self.t(p));
                }
                if c.hemizygous {
                    self.dt_dd(Ui::Diplotypes, self.t(Ui::Hemizygous));
                }
                if c.diplotypes.len() > 1 {
                    self.dt_dd(Ui::Tied, &c.diplotype_names().join(", "));
                }
                if !e.lower_scoring.is_empty() {
                    self.dt_dd(Ui::LowerScoring, &e.lower_scoring.join(", "));
                }
                if let Some(why) = &c.no_call_reason {
                    self.dt_dd(Ui::WhyNoCall, why);
                }
                if !e.uncallable_alleles.is_empty() {
                    self.dt_dd(Ui::Uncallable, &e.uncallable_alleles.join(", "));
                }
                self.raw("</dl>\n");
                if !e.missing.is_empty() {
                    let items: Vec<String> = e
                        .missing
                        .iter()
                        .map(|m| {
                            let id = m
                                .rsid
                                .as_deref()
                                .map(|r| format!(" {r}"))
                                .unwrap_or_default();
                            let assumed = if m.assumed_reference {
                                format!(" ({})", self.t(Ui::TreatedAsReference))
                            } else {
                                String::new()
                            };
                            format!(
                                "{}{id}: {}{assumed}",
                                m.position,
                                missing_text(m.reason, self.lang)
                            )
                        })
                        .collect();
                    self.list(Ui::MissingPositions, &items);
                }
                if !e.undocumented.is_empty() {
                    let items: Vec<String> = e
                        .undocumented
                        .iter()
                        .map(|u| {
                            let id = u
                                .rsid
                                .as_deref()
                                .map(|r| format!(" {r}"))
                                .unwrap_or_default();
                            let how = if u.treated_as_reference {
                                self.t(Ui::TreatedAsReference)
                            } else {
                                self.t(Ui::NotTreatedAsReference)
                            };
                            format!("{}{id}: {} ({how})", u.position, u.allele)
                        })
                        .collect();
                    self.list(Ui::Undocumented, &items);
                }
                self.raw("<p class=\"small\"><strong>");
                self.text(&format!(
                    "{}: {}",
                    self.t(Ui::PositionsUsed),
                    e.positions_used.len()
                ));
                self.raw("</strong></p>\n");
                if !e.positions_used.is_empty() {
                    let items: Vec<String> = e
                        .positions_used
                        .iter()
                        .map(|p| match &p.rsid {
                            Some(rs) => format!("{rs} {}", p.genotype),
                            None => format!("{} {}", p.position, p.genotype),
                        })
                        .collect();
                    self.raw("<p class=\"positions\">");
                    self.text(&items.join(" · "));
                    self.raw("</p>\n");
                }
                self.list(Ui::Notes, &c.notes);
            }
            if !g.outside.is_empty() {
                let items: Vec<String> = g
                    .outside
                    .iter()
                    .map(|o| {
                        let fields: Vec<String> = o
                            .call
                            .fields()
                            .map(|(f, v)| format!("{}: {v}", f.label()))
                            .collect();
                        format!(
                            "{} {}: {} [{}]",
                            self.t(Ui::Line),
                            o.call.line,
                            fields.join(", "),
                            o.used.label()
                        )
                    })
                    .collect();
                self.list(Ui::OutsideLines, &items);
            }
            if let Some(interp) = &g.interpretation {
                let mut items: Vec<String> = Vec::new();
                for cand in &interp.candidates {
                    for sc in &cand.calls {
                        items.push(format!(
                            "{} · {}: {}",
                            cand.label,
                            sc.source.label(),
                            sc.derivation
                        ));
                    }
                }
                items.extend(interp.notes.iter().cloned());
                self.list(Ui::Interpretation, &items);
            }
            self.list(Ui::Warnings, &g.warnings);
            self.raw("</section>\n");
        }
        self.raw("</section>\n");
    }

    fn request_notes(&mut self) {
        let r = self.report;
        if r.warnings.is_empty() {
            return;
        }
        self.raw("<section id=\"request-notes\">\n");
        self.ui_in("h2", Ui::InputNotes);
        self.raw("<ul class=\"small muted\">\n");
        // The non-answers' warnings in the page's language, the others as
        // they are.
        let english = r.strict_warnings();
        let lang = self.lang;
        let mut notes: Vec<String> = r
            .warnings
            .iter()
            .filter(|w| !english.contains(w))
            .cloned()
            .collect();
        notes.extend(crate::recommend::strict_lines(
            r.drugs.iter().flat_map(|d| {
                d.non_answers
                    .iter()
                    .map(move |n| (d.drug.as_str(), d.source, n))
            }),
            &|n| non_answer_text(n, lang),
            Ui::DrugsAffected.text(lang),
        ));
        for w in &notes {
            self.raw("<li>");
            self.text(w);
            self.raw("</li>\n");
        }
        self.raw("</ul>\n</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        let hostile = r#"<script>alert("x")</script><img src=x onerror='y'>&amp;"#;
        let e = escape(hostile);
        for bad in ["<", ">", "\"", "'"] {
            assert!(!e.contains(bad), "{bad} left in {e}");
        }
        assert!(e.contains("&amp;amp;"));
        assert_eq!(escape("a\u{0}b\u{7}c\td\n"), "a\u{FFFD}b\u{FFFD}c\td\n");
        assert_eq!(escape("Åäö µ *1/*2 → ok"), "Åäö µ *1/*2 → ok");
    }

    #[test]
    fn only_plain_http_links_become_hrefs() {
        assert_eq!(
            link_target("https://www.pharmgkb.org/x"),
            Some("https://www.pharmgkb.org/x")
        );
        assert_eq!(link_target("HTTP://a.b/"), Some("HTTP://a.b/"));
        for bad in [
            "javascript:alert(1)",
            "https://a.b/\" onclick=\"x",
            "https://a b",
            "data:text/html,x",
            "//evil.example/x",
            "https://",
            "",
        ] {
            assert_eq!(link_target(bad), None, "{bad}");
        }
    }

    #[test]
    fn lang_parses_two_codes_only() {
        assert_eq!(" EN ".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("sv".parse::<Lang>(), Ok(Lang::Sv));
        for bad in ["", "se", "english", "sv-SE"] {
            assert!(bad.parse::<Lang>().is_err(), "{bad}");
        }
    }

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
