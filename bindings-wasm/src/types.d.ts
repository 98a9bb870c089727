// TypeScript definitions of dosera's values. Generated from the JSON Schemas
// of the Rust types by bindings-wasm/src/typescript.rs: do not edit by hand
// (DOSERA_REGENERATE=1 cargo test -p dosera-wasm rewrites this file).

/** Every error the package throws: a JS `Error` with a stable code. */
export interface DoseraError extends Error {
  name: "DoseraError";
  /** Stable number, as in the `ErrorCode` enum (1xx input, 2xx pack, 3xx usage, 9xx internal). */
  code: number;
  /** Name of the code (`"UnknownAllele"`). */
  codeName: string;
}

/** What the prescriber is asked to do, as a fact. */
export type Action = "standard_dosing" | "reduce_dose" | "increase_dose" | "avoid" | "use_alternative" | "consider_alternative" | "monitor" | "no_recommendation" | "other";

/** Everything one recommendation row says, as facts. */
export interface Advice {
  /** The primary action, without conditions. */
  action: Action;
  /** The primary dose. */
  dose?: Dose | null;
  /** More advice the fields cannot hold (a full sentence). */
  detail?: Phrase | null;
  /** Advice under conditions. */
  conditions?: Condition[];
  /** Drugs the guideline names as alternatives. */
  alternatives?: string[];
  /** A kind of alternative the guideline names without naming a drug. */
  alternative_kind?: Phrase | null;
  /** Drugs named as affected by the same result. */
  also_affected?: string[];
  /** Drugs named as also to avoid. */
  avoid_drugs?: string[];
  /** Drugs named otherwise (comparison, co-medication). */
  other_drugs?: string[];
  /** What to monitor. */
  monitoring?: Phrase[];
  /** The implication. */
  implication: Implication;
  /**
   * What the guideline says that these facts do not carry: shown as
   * "see the guideline for …".
   */
  not_carried?: Phrase[];
}

/** An alternative drug whose own advice this patient's results also change. */
export interface AffectedAlternative {
  /** The alternative drug. */
  drug: string;
  /** Its actions for this patient's gene results (same source). */
  actions: Action[];
}

/** An allele and its function. */
export interface AlleleInfo {
  /** Allele name. */
  name: string;
  /** Clinical function, when assigned. */
  function?: string | null;
  /** Activity value, for activity-score genes. */
  activity?: string | null;
  /** Pack the function comes from. */
  source: Source;
}

/** An absolute amount (`75 mg` per `day`). */
export interface Amount {
  /** The number. */
  amount: number;
  /** Unit (`mg`, `mg/kg`, `µg`). */
  unit: string;
  /** Per what (`day`, `week`, `dose`), if stated. */
  per?: string | null;
}

/** A brand name of a drug and where it is sold. */
export interface Brand {
  /** Brand name as written (`Plavix`). */
  name: string;
  /** Where it is sold (`US`, `EU, SE`). */
  region: string;
}

/** A sign that a VCF was called against another genome build. */
export type BuildSign = "ref_differs" | "near_but_not_on";

/** Where a gene call came from. */
export type CallSource = "vcf" | "outside";

/** One possible result for a gene. */
export interface Candidate {
  /** Label shown to the user (`*1/*2`, `Poor Metabolizer`). */
  label: string;
  /** Canonical alleles, for diplotype input. */
  alleles?: string[];
  /** The phenotype and lookup keys per source. */
  calls: SourceCall[];
}

/** One change for one patient: a gene's result or a drug's advice. */
export interface Change {
  /** The drug, for a drug's change. */
  drug?: string | null;
  /** The guideline source, for a drug's change. */
  source?: Source | null;
  /**
   * The gene, for a gene's change; for a drug's change, the genes of
   * the guideline (`CYP2C9`, `NUDT15+TPMT`), which tell two guidelines
   * of one source for the same drug apart.
   */
  gene?: string | null;
  /** What changed. */
  kind: ChangeKind;
  /** Before (empty when there was nothing). */
  before: string;
  /** After (empty when there is nothing). */
  after: string;
  /** The guideline version before, for a drug's change. */
  old_guideline_version?: string | null;
  /** The guideline version after, for a drug's change. */
  new_guideline_version?: string | null;
}

/**
 * What kind of change a [`Change`] is: a gene's phenotype or activity
 * score, a guideline added, removed or re-versioned, or what the matched
 * rows say (the gene results used, action, dose, strength, alternatives,
 * other advice details, or only their ids).
 */
export type ChangeKind = "phenotype" | "activity_score" | "guideline_added" | "guideline_removed" | "guideline_version" | "result" | "action" | "dose" | "strength" | "alternatives" | "advice" | "recommendation";

/**
 * Advice that holds only under a condition (an indication, a duration, a
 * population, an insufficient response, …).
 */
export interface Condition {
  /** When it applies. */
  when: Phrase;
  /** What to do then. */
  action: Action;
  /** Dose then. */
  dose?: Dose | null;
  /** More advice for this condition. */
  detail?: Phrase | null;
}

/**
 * What the records of a VCF show about where they lie.
 * 
 * chrM is left out of the REF and "near" counts: GRCh37's MT and GRCh38's
 * chrM share their coordinates (both are the rCRS), so records there say
 * nothing about the build. They still count as records, and on a
 * definition position as covering one.
 * 
 * ```
 * use dosera::input::coverage::Coverage;
 * let c = Coverage { records: 10, ..Coverage::default() };
 * assert_eq!(c.on_definition_positions, 0);
 * ```
 */
export interface Coverage {
  /** Data records read on a recognised chromosome. */
  records: number;
  /** Records on a chromosome that carries a pharmacogene. */
  on_pharmacogene_chromosomes: number;
  /** Records on a definition position. */
  on_definition_positions: number;
  /**
   * Records on a definition position (chrM aside) whose REF is the
   * GRCh38 base the definitions carry.
   */
  ref_agrees: number;
  /** Records on a definition position (chrM aside) whose REF is not. */
  ref_differs: number;
  /**
   * Records within [`NEAR_WINDOW`] of a pharmacogene's definition
   * positions but on none of them (chrM aside).
   */
  near_pharmacogenes: number;
  /** Definition positions the loaded definitions hold. */
  definition_positions: number;
}

/**
 * What a VCF's records say about its use for pharmacogenomics, when it is
 * anything but ordinary. Clinical data, not an error: the report is still
 * made, and says this first, in every output.
 * 
 * ```
 * use dosera::input::coverage::{BuildSign, Coverage, CoverageFinding};
 * // CYP2C19*2 at its GRCh37 position: one record, near CYP2C19, on no
 * // definition position.
 * let grch37 = Coverage {
 *     records: 1,
 *     on_pharmacogene_chromosomes: 1,
 *     near_pharmacogenes: 1,
 *     definition_positions: 900,
 *     ..Coverage::default()
 * };
 * let finding = CoverageFinding::judge(&grch37).unwrap();
 * assert_eq!(finding.signs(), [BuildSign::NearButNotOn]);
 * assert!(finding.message().starts_with("this VCF looks like another genome build"));
 * 
 * // Records far from every pharmacogene.
 * let elsewhere = Coverage { records: 3, definition_positions: 900, ..Coverage::default() };
 * assert!(matches!(
 *     CoverageFinding::judge(&elsewhere),
 *     Some(CoverageFinding::NoPharmacogenePosition { .. })
 * ));
 * 
 * // One record on a definition position with GRCh38's REF: nothing to say.
 * let ordinary = Coverage { on_definition_positions: 1, ref_agrees: 1, ..grch37 };
 * assert_eq!(CoverageFinding::judge(&ordinary), None);
 * ```
 */
export type CoverageFinding = Record<string, unknown>;

/** A gene–drug pair as CPIC levels it. */
export interface CpicLevel {
  /** Gene symbol. */
  gene: string;
  /** CPIC level (`A`, `B`, `C`, `D`, `A/B`, `B/C`, `C/D`). */
  level: string;
  /** `Final` or `Provisional`. */
  status: string;
}

/** One diplotype returned for a gene. */
export interface DiplotypeCall {
  /** Display name (`*1/*2`; a single allele for hemizygous calls). */
  name: string;
  /** The alleles (two, or one when hemizygous). */
  alleles: string[];
  /** Match score: defined positions matched, summed over both alleles. */
  score: number;
  /**
   * True when this diplotype is the preferred pick of a curated priority
   * group (NAT2 unphased priorities).
   */
  preferred?: boolean;
}

/** Which way the effect goes for this result. */
export type Direction = "increased" | "decreased" | "normal" | "unknown";

/** A dose as the guideline states it: a share of a usual dose, or an absolute amount, with frequency, cap and titration where given. */
export interface Dose {
  /** Share of the dose named by `of`, percent, `[min, max]`. */
  percent?: number[] | null;
  /** Absolute amount `[min, max]`, in `unit`. */
  amount?: number[] | null;
  /** Unit of `amount`. */
  unit?: string | null;
  /** `amount` per what (`day`, `week`, `dose`). */
  per?: string | null;
  /** Which dose the share refers to. */
  of?: DoseBase;
  /** A changed schedule (three times a week instead of daily). */
  frequency?: Phrase | null;
  /** A cap. */
  max?: Amount | null;
  /** Titration or waiting time. */
  titration?: Phrase | null;
}

/** A dose change stated as a share of the usual dose. */
export interface DoseAdjustment {
  /** Lower bound, percent of the usual dose (e.g. `50`). */
  percent_min: number;
  /** Upper bound, percent of the usual dose (equal to `percent_min` for a single value). */
  percent_max: number;
  /** Which dose it applies to (`starting dose`, `standard dose`, `maintenance dose`). */
  of: string;
}

/** Which dose a share or amount refers to. */
export type DoseBase = "starting" | "usual" | "maintenance" | "daily" | "loading" | "current" | "initial" | "total";

/** A drug, its guidelines and the other names it is known by. */
export interface DrugInfo {
  /** Lower-case generic name. */
  name: string;
  /** Sources with a guideline (empty for a known drug no guideline covers). */
  sources: Source[];
  /** Genes used. */
  genes: string[];
  /** Guideline ids. */
  guidelines: string[];
  /** Common brand names. */
  brands?: Brand[];
  /** ATC codes, where the upstream data gives them. */
  atc?: string[];
  /** RxNorm id, where the upstream data gives one. */
  rxnorm?: string | null;
  /**
   * For a drug no guideline covers: the genes CPIC lists it with and
   * their level.
   */
  cpic_levels?: CpicLevel[];
}

/** One drug under one guideline of one source. */
export interface DrugResult {
  /** Drug. */
  drug: string;
  /** Source. */
  source: Source;
  /** Pack release the guideline came from. */
  release: string;
  /** Guideline id. */
  guideline_id: string;
  /** Guideline name. */
  guideline_name: string;
  /** Guideline version as published. */
  guideline_version: string;
  /** Where to read the guideline. */
  url: string;
  /** Genes the guideline uses. */
  genes: string[];
  /** Matched recommendations. */
  matches: Match[];
  /** True when every candidate combination leads to the same advice. */
  candidates_agree: boolean;
  /** True when any matched recommendation departs from standard prescribing. */
  actionable: boolean;
  /**
   * Genes of the guideline whose result this answer does not use, and
   * why: not given (matched as `No Result`), given but not understood
   * (matched as `No Result`), or a result the guideline has no row for.
   * Empty for a guideline with no lookup table at all (its note in
   * `warnings` says why).
   */
  non_answers: NonAnswer[];
  /** Warnings (the guideline's own note, a limit reached, …). */
  warnings: string[];
  /**
   * Other sources whose advice for the same drug and result differs
   * (also said in `warnings`).
   */
  disagreements?: SourceDisagreement[];
}

/** What the implication is about. */
export type Effect = "exposure" | "efficacy" | "toxicity" | "response" | "none";

/** Everything behind a gene call. */
export interface Evidence {
  /** Positions with a usable genotype. */
  positions_used: PositionEvidence[];
  /** Positions with no usable genotype, and why. */
  missing: MissingPosition[];
  /** Alleles no definition knows. */
  undocumented?: Undocumented[];
  /** Named alleles whose every defining position is missing. */
  uncallable_alleles?: string[];
  /**
   * Diplotypes that also fit the genotypes but were kept out of the call
   * by `top_candidate_only`: lower scores, or a curated unphased
   * priority preferring another pair. Listed so a reader can see what
   * unphased data cannot rule out.
   */
  lower_scoring?: string[];
  /** Phase state, when any position was used. */
  phase?: PhaseState | null;
}

/** The call for one gene of one sample. */
export interface GeneCall {
  /** Gene symbol. */
  gene: string;
  /** Where the call came from. */
  source: CallSource;
  /**
   * Diplotypes in rank order (score, then allele names); empty when no
   * call was possible.
   */
  diplotypes: DiplotypeCall[];
  /**
   * Lowest-function genes (DPYD, RYR1) on unphased data: every named
   * allele the genotypes show (listed twice when homozygous).
   */
  allele_matches?: string[];
  /**
   * The two alleles the phenotype is taken from, when that is not simply
   * the diplotype (lowest-function genes, SLCO1B1 fallback).
   */
  phenotype_alleles?: string[] | null;
  /**
   * When no diplotype fits but one variant alone decides the phenotype
   * (the SLCO1B1 rs4149056 fallback): that variant's genotype as a
   * report shows it (`rs4149056 C/rs4149056 T`).
   */
  decided_by?: string | null;
  /** True for a hemizygous call (G6PD in a male sample). */
  hemizygous?: boolean;
  /** Why no diplotype could be called. */
  no_call_reason?: string | null;
  /** Notes on the call (assumptions, fallbacks, curated ambiguity notes). */
  notes?: string[];
  /** The evidence. */
  evidence: Evidence;
}

/** The values a gene result may take, for pickers ([`Engine::choices`]). */
export interface GeneChoices {
  /** HGNC symbol. */
  symbol: string;
  /** Phenotypes the gene's rules assign, alphabetical. */
  phenotypes: string[];
  /** Activity scores the recommendations use, lowest first. */
  activity_scores: string[];
  /** Other lookup keys the recommendations use (carrier status, …). */
  other_keys: string[];
}

/** A gene and what the packs hold for it. */
export interface GeneInfo {
  /** HGNC symbol. */
  symbol: string;
  /** Sources with rules or guidelines for this gene. */
  sources: Source[];
  /** Phenotype methods used (per source). */
  methods: PhenotypeMethod[];
  /** Number of named alleles. */
  alleles: number;
  /** True when the gene has GRCh38 definitions (callable from a VCF). */
  vcf_definition: boolean;
  /** Drugs whose guidelines use this gene. */
  drugs: string[];
}

/**
 * One gene result as given: a gene and a value.
 * 
 * ```
 * let input: dosera::GeneInput = "CYP2C19=*2/*2".parse().unwrap();
 * assert_eq!(input.gene, "CYP2C19");
 * assert_eq!(input.value, "*2/*2");
 * assert!("CYP2C19".parse::<dosera::GeneInput>().is_err());
 * ```
 */
export interface GeneInput {
  /** Gene symbol (any case). */
  gene: string;
  /** Diplotype(s), phenotype, activity score, allele status or lookup key. */
  value: string;
}

/** One gene in the report. */
export interface GeneReport {
  /** Gene symbol. */
  gene: string;
  /** Where the call came from. */
  source: CallSource;
  /**
   * Diplotypes in rank order (`*1/*2`); empty when none was called. When
   * no diplotype fits but one variant decides the phenotype (the SLCO1B1
   * rs4149056 fallback), that variant's genotype
   * (`rs4149056 C/rs4149056 T`); the VCF call stays uncalled.
   */
  diplotypes: string[];
  /** Phenotype per candidate (CPIC rules, else DPWG), in candidate order. */
  phenotypes: string[];
  /** Activity score per candidate, for activity-score genes. */
  activity_scores?: string[];
  /** The gene result passed on to the recommendation step, if any. */
  recommendation_input?: string | null;
  /** Definition positions with no usable genotype (VCF calls). */
  missing_positions: number[];
  /** The VCF call with its evidence (also kept when an outside call replaced it). */
  call?: GeneCall | null;
  /**
   * The outside-call lines used for this gene (several lines are the
   * candidates of one ambiguous result).
   */
  outside?: ResolvedOutside[];
  /** The interpretation under each source's rules. */
  interpretation?: GeneResult | null;
  /** Problems with this gene's result. */
  warnings?: string[];
}

/** A gene result interpreted against the loaded packs. */
export interface GeneResult {
  /** Canonical gene symbol. */
  gene: string;
  /** The value as given. */
  input: string;
  /** What the value was read as. */
  kind: InputKind;
  /** One candidate per diplotype given (one for other kinds). */
  candidates: Candidate[];
  /** Notes on how the value was read. */
  notes: string[];
}

/** The implication of the result for this drug. */
export interface Implication {
  /** What kind of effect. */
  effect: Effect;
  /** Its direction. */
  direction: Direction;
  /** The effect named precisely (`risk of myelosuppression`). */
  what: Phrase;
  /** Compared with whom (`normal metabolizers`), when the text says. */
  compared_to?: Phrase | null;
  /** A second effect or figures. */
  detail?: Phrase | null;
}

/** What kind of value a gene result was. */
export type InputKind = "diplotype" | "phenotype" | "activity_score" | "allele_status" | "lookup_key";

/** What was read and how. */
export interface InputSummary {
  /** The VCF file, when one was read. */
  file?: string | null;
  /** Sample name. */
  sample: string;
  /** Genome build the calls assume. */
  build: string;
  /** Sex used for chrX genes. */
  sex?: Sex | null;
  /** How the sex was known. */
  sex_source: SexSource;
  /** Missing positions were assumed reference (on request). */
  assume_reference: boolean;
  /**
   * Set when the VCF's records miss the pharmacogenes: they look like
   * another genome build, or cover no pharmacogene position. Its
   * [`message`](CoverageFinding::message) is also the first of the
   * report's warnings, and every gene called from the VCF (and every
   * drug whose guideline reads one) carries its
   * [`flag`](CoverageFinding::flag).
   */
  coverage?: CoverageFinding | null;
}

/** Language of clinical and fixed text: `en` or `sv`. */
export type Lang = "en" | "sv";

/** A recommendation that matched, and for which candidates. */
export interface Match {
  /** Recommendation id. */
  id: string;
  /** Population. */
  population?: string | null;
  /** Strength / classification. */
  strength?: string | null;
  /** Action. */
  action: Action;
  /** Dose adjustment. */
  dose?: DoseAdjustment | null;
  /** Alternatives. */
  alternatives: string[];
  /** Lookup key per gene, as the guideline writes it. */
  lookup: Record<string, string>;
  /** Summary in the project's words. */
  summary: string;
  /** Implication in the project's words. */
  implication: string;
  /**
   * What the guideline row says, as reviewed facts (the summary and
   * implication are written from them).
   */
  facts: Advice;
  /**
   * Alternatives this row names whose own advice (same source) this
   * patient's gene results also change (shown beside the alternative).
   */
  affected_alternatives?: AffectedAlternative[];
  /** Candidate combinations leading here (`CYP2D6 *1/*4`). */
  candidates: string[];
}

/** A definition position with no usable genotype. */
export interface MissingPosition {
  /** 1-based GRCh38 position. */
  position: number;
  /** dbSNP id, when known. */
  rsid?: string | null;
  /** Why it is missing. */
  reason: MissingReason;
  /** True when the caller asked to assume reference and it was. */
  assumed_reference?: boolean;
}

/** Why a definition position has no usable genotype. */
export type MissingReason = "not_in_vcf" | "no_genotype" | "partial_genotype" | "ref_mismatch" | "depth_conflict" | "haploid_autosome" | "polyploid" | "conflicting_records";

/**
 * One gene of a drug's guideline whose result the drug's answer does not
 * use, and why.
 * 
 * ```
 * use dosera::{Engine, NonAnswerReason, Request};
 * let engine = Engine::bundled()?;
 * // Codeine needs CYP2D6; only CYP2C19 is given.
 * let request = Request::new(["CYP2C19=*1/*1".parse()?]).drugs(["codeine"]);
 * let result = engine.recommend(&request)?;
 * let n = &result.drugs[0].non_answers[0];
 * assert_eq!((n.gene.as_str(), n.reason), ("CYP2D6", NonAnswerReason::NotGiven));
 * assert_eq!(n.describe(), "CYP2D6: not given, not tested or not called");
 * # Ok::<(), dosera::Error>(())
 * ```
 */
export interface NonAnswer {
  /** Gene symbol. */
  gene: string;
  /** Which kind of non-answer. */
  reason: NonAnswerReason;
  /**
   * The result as given or called (`*1/*44x`, `Poor Metabolizer`);
   * `null` when the gene was not given.
   */
  value?: string | null;
  /**
   * The lookup keys the guideline was searched for (`no_row`), when
   * they say more than the value.
   */
  lookup_keys: string[];
  /** Why, in words: what could not be read, why there is no result. */
  detail?: string | null;
}

/**
 * Which of the three kinds of non-answer.
 * 
 * ```
 * use dosera::NonAnswerReason;
 * assert_eq!(serde_json::to_string(&NonAnswerReason::NotUnderstood).unwrap(), "\"not_understood\"");
 * assert!(NonAnswerReason::NoRow.fails_strict());
 * assert!(!NonAnswerReason::NotGiven.fails_strict());
 * ```
 */
export type NonAnswerReason = "no_row" | "not_given" | "not_understood";

/**
 * One line of an outside-call file, as written (after trimming and the
 * pack-free rewrites described in the [module documentation](self)).
 * 
 * ```
 * let calls = dosera::input::outside::parse("CYP2D6\t\tPM\n").unwrap();
 * assert_eq!(
 *     calls[0],
 *     dosera::input::outside::OutsideCall {
 *         gene: "CYP2D6".into(),
 *         diplotype: None,
 *         phenotype: Some("Poor Metabolizer".into()),
 *         activity_score: None,
 *         line: 1,
 *     }
 * );
 * ```
 */
export interface OutsideCall {
  /** Gene as written (trimmed). */
  gene: string;
  /** Diplotype, or one allele for a hemizygous gene. */
  diplotype?: string | null;
  /** Phenotype (or HLA carrier status such as `*31:01 positive`). */
  phenotype?: string | null;
  /** Activity score as written. */
  activity_score?: string | null;
  /** 1-based line number in the file. */
  line: number;
}

/** A pack used for the result. */
export interface PackInfo {
  /** Source. */
  source: Source;
  /** Pack release. */
  release: string;
  /** Licence of the content. */
  license: string;
  /** Attribution to show. */
  attribution: string;
}

/**
 * Engine version and the knowledge-pack releases behind every result
 * ([`Engine::releases`]).
 */
export interface PackReleases {
  /** Engine version. */
  engine_version: string;
  /** Release of the pack set. */
  release: string;
  /** sha256 of the pack set. */
  sha256: string;
  /** Each source's pack. */
  packs: PackInfo[];
}

/** Phase state of the sample at a gene's heterozygous positions. */
export type PhaseState = "effectively_phased" | "unphased" | "partly_phased";

/** How a gene's result becomes a phenotype and a lookup key. */
export type PhenotypeMethod = "function_pair" | "activity_score" | "allele_status" | "diplotype_table";

/** A short text in the project's words, in English and Swedish. */
export interface Phrase {
  /** English. */
  en: string;
  /** Swedish. */
  sv: string;
}

/** One definition position as the call used it. */
export interface PositionEvidence {
  /** 1-based GRCh38 position. */
  position: number;
  /** dbSNP id, when known. */
  rsid?: string | null;
  /** Genotype as read (`C/T`, `C|T`, or one allele when hemizygous). */
  genotype: string;
  /** Phase set, when the call was phased within one. */
  phase_set?: string | null;
}

/**
 * What `Engine.reanalyze` answers: the core's reanalysis without the new
 * report, with `advice_changed` (the object the C API's
 * `dosera_reanalyze_json` writes).
 */
export interface Reanalysis {
  /** The sample. */
  sample: string;
  /** Schema version of the stored report. */
  old_schema_version: number;
  /** dosera version that wrote the stored report. */
  old_engine_version: string;
  /** Knowledge-pack release of the stored report. */
  old_release: string;
  /** Knowledge-pack release used now. */
  new_release: string;
  /**
   * True when any change alters the patient's results or advice (not
   * only a guideline version or row id).
   */
  advice_changed: boolean;
  /** What changed, genes first. */
  changes: Change[];
}

/**
 * What to evaluate.
 * 
 * ```
 * let request = dosera::Request::new(["CYP2C19=*2/*2".parse().unwrap()])
 *     .drugs(["clopidogrel"])
 *     .sources([dosera::Source::Cpic]);
 * assert_eq!(request.drugs.len(), 1);
 * ```
 */
export interface RecommendRequest {
  /** Gene results. */
  genes: GeneInput[];
  /** Drugs; empty means every drug whose guidelines use a gene given. */
  drugs?: string[];
  /** Sources; empty means every loaded source. */
  sources?: Source[];
  /**
   * Strict mode: a gene result given but not answered (a value not
   * understood, or a result the guideline has no row for) is an error
   * ([`Error::NonAnswer`]) instead of a warning.
   */
  strict?: boolean;
  /** Language of the clinical text (`en`, the default, or `sv`). */
  lang?: Lang;
}

/** The answer to a [`Request`]. */
export interface Recommendations {
  /** Engine version. */
  engine_version: string;
  /** Release of the pack set used. */
  packs_release: string;
  /** sha256 of the pack manifest used. */
  packs_sha256: string;
  /** Per source: pack release and licence. */
  packs: PackInfo[];
  /** Interpreted gene results. */
  genes: GeneResult[];
  /** Per drug, source and guideline: what matched. Actionable first. */
  drugs: DrugResult[];
  /**
   * Request-level warnings (e.g. a drug with no guideline in a source),
   * and every non-answer of a result that was given (see
   * [`NonAnswerReason::fails_strict`]), naming the drugs it affects.
   */
  warnings: string[];
}

/** A sample's full report. */
export interface Report {
  /** Version of this JSON shape. */
  schema_version: number;
  /** dosera version. */
  engine_version: string;
  /** Knowledge-pack release. */
  packs_release: string;
  /** SHA-256 over the pack files. */
  packs_sha256: string;
  /** What was read. */
  input: InputSummary;
  /** One entry per gene, alphabetical. */
  genes: GeneReport[];
  /** Per drug and source: matched recommendations. */
  drugs: DrugResult[];
  /**
   * Problems with the input as a whole, and every non-answer of a
   * result that was given (a value not understood, a result the
   * guideline has no row for), naming the drugs it affects.
   */
  warnings: string[];
  /**
   * Language of the clinical text (`en` unless [`Report::localise`]
   * wrote it in another; left out of the JSON when `en`).
   */
  lang?: Lang;
}

/**
 * An outside call checked against the loaded packs and turned into the
 * gene input the engine uses.
 * 
 * ```
 * use dosera::input::outside::{parse, UsedField};
 * let engine = dosera::Engine::bundled().unwrap();
 * let calls = parse("CYP2D6\t*1/*1\t\t0.5\n").unwrap();
 * let r = &engine.resolve_outside(&calls).unwrap()[0];
 * assert_eq!(r.gene, "CYP2D6");
 * assert_eq!(r.used, UsedField::ActivityScore);
 * assert_eq!(r.input.as_ref().unwrap().value, "0.5");
 * assert_eq!(r.warnings.len(), 1); // *1/*1 scores 2.0, not 0.5
 * ```
 */
export interface ResolvedOutside {
  /** The line as parsed. */
  call: OutsideCall;
  /** Canonical gene symbol. */
  gene: string;
  /**
   * What the engine will use: the canonical symbol and the value of the
   * field that drives the result (after any respelling); `None` when the
   * line gives no usable result (a no-call `.`, or only a diplotype with
   * an allele the definitions do not know), in which case the gene goes
   * to the guidelines as No Result and `warnings` says why.
   */
  input?: GeneInput | null;
  /** The field that drives the result. */
  used: UsedField;
  /** Respellings made and disagreements between fields, in words. */
  warnings: string[];
}

/** Why one sample has no report. */
export interface SampleError {
  /** Stable error code. */
  code: number;
  /** What went wrong, in one line. */
  message: string;
}

/** One sample: its report, or the error that kept it from being reported. */
export interface SampleResult {
  /** Sample name from the VCF header. */
  sample: string;
  /** The report; null when the sample failed. */
  report?: Report | null;
  /** Why the sample has no report; null when it has one. */
  error?: SampleError | null;
}

/** Sex as it matters for chrX genes. */
export type Sex = "male" | "female";

/** How the sex used for chrX genes was known. */
export type SexSource = "given" | "inferred" | "unknown";

/** Who published the guideline content of a pack. */
export type Source = "cpic" | "dpwg";

/** Phenotype and lookup keys under one source's rules. */
export interface SourceCall {
  /** Source whose rules were applied. */
  source: Source;
  /** Phenotype, when one follows. */
  phenotype?: string | null;
  /** Activity score, for activity genes. */
  activity_score?: string | null;
  /** Allele functions, for diplotype input. */
  functions?: Array<string | null>;
  /**
   * Lookup keys this result matches (usually one; several when the
   * source cannot tell them apart from the value given).
   */
  lookup_keys: string[];
  /** How the phenotype was derived, in words. */
  derivation: string;
}

/** Another source advises differently for the same drug and result. */
export interface SourceDisagreement {
  /** The other source. */
  other: Source;
  /** This result's actions. */
  actions: Action[];
  /** The other source's actions. */
  other_actions: Action[];
}

/** An allele at a position that no definition knows. */
export interface Undocumented {
  /** 1-based GRCh38 position. */
  position: number;
  /** dbSNP id, when known. */
  rsid?: string | null;
  /** The allele seen. */
  allele: string;
  /** True when, by the gene's rule, it was read as reference. */
  treated_as_reference: boolean;
}

/**
 * A field of an outside-call line.
 * 
 * ```
 * use dosera::input::outside::UsedField;
 * assert_eq!(serde_json::to_string(&UsedField::ActivityScore).unwrap(), "\"activity_score\"");
 * ```
 */
export type UsedField = "diplotype" | "phenotype" | "activity_score";

/**
 * Options of a whole-VCF evaluation, in the JSON form the C API and the
 * WebAssembly package take (every field optional, unknown fields refused).
 * 
 * ```
 * use dosera::VcfOptions;
 * let options: VcfOptions =
 *     serde_json::from_str(r#"{"sample": "S1", "drugs": ["clopidogrel"]}"#).unwrap();
 * assert_eq!(options.sample.as_deref(), Some("S1"));
 * assert!(!options.assume_reference);
 * assert!(serde_json::from_str::<VcfOptions>(r#"{"smaple": "S1"}"#).is_err());
 * ```
 */
export interface VcfOptions {
  /** Sample name or 0-based index; every sample when absent. */
  sample?: string | null;
  /** Outside calls, as the text of an outside-call TSV. */
  outside?: string | null;
  /** Drugs; every drug using a reported gene when empty. */
  drugs?: string[];
  /** Genes to call; every VCF gene when empty. */
  genes?: string[];
  /**
   * Treat positions absent from the VCF as reference (each call made so
   * says it).
   */
  assume_reference?: boolean;
  /** Keep every matching diplotype, not only the top-scoring ones. */
  all_matches?: boolean;
  /** Research mode: combinations and leftover variants. */
  combinations?: boolean;
  /** Research mode: call CYP2D6 from SNVs and small indels. */
  cyp2d6?: boolean;
  /** Sex of the sample(s), when known. */
  sex?: Sex | null;
  /**
   * Strict mode: a gene result given but not answered in any sample (a
   * value not understood, a result the guideline has no row for) makes
   * [`evaluate`] fail with [`Error::NonAnswer`] (code 112).
   */
  strict?: boolean;
}

/** The outcome of a VCF evaluation: one entry per sample, in file order. */
export interface VcfResult {
  /** Every sample evaluated. */
  samples: SampleResult[];
}
