// Type check of the package's TypeScript declarations (Node.js build):
// every export called with correct types, typed fields read back with their
// exact types, and `@ts-expect-error` lines proving wrong types are
// rejected (tsc fails if any of them stops being an error).
//
// Checked, not run: bindings-wasm/node_modules/.bin/tsc -p
// bindings-wasm/tests/tsconfig.json --noEmit (scripts/test-wasm).

import {
  actionText,
  doseText,
  Engine,
  ErrorCode,
  errorCodes,
  reportFhir,
  reportHtml,
  version,
} from "../pkg/node/dosera.js";
import type {
  Action,
  AlleleInfo,
  Change,
  ChangeKind,
  DoseAdjustment,
  DoseraError,
  DrugResult,
  GeneChoices,
  GeneInfo,
  GeneResult,
  InputKind,
  Lang,
  PackReleases,
  Reanalysis,
  Recommendations,
  RecommendRequest,
  Report,
  SampleResult,
  Source,
  VcfOptions,
  VcfResult,
} from "../pkg/node/dosera.js";
// The package's own name resolves (exports map, "node" condition) to
// declarations of the same shapes.
import type { Engine as PackageEngine, Report as PackageReport } from "dosera";

/** True only when A and B are the same type (`any` is not `Action`). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function exact<A, B>(_proof: Equals<A, B>): void {}

/** Keeps values "used" for noUnusedLocals. */
function use(..._values: unknown[]): void {}

/** The package's errors, told apart from other exceptions. */
function isDoseraError(e: unknown): e is DoseraError {
  return e instanceof Error && e.name === "DoseraError";
}

export function moduleFunctions(): void {
  const v: string = version();
  const codes: Record<string, number> = errorCodes();
  const lang: Lang = "sv";
  const action: Action = "avoid";
  const words: string = actionText(action, lang);
  const dose: DoseAdjustment = { percent_min: 50, percent_max: 50, of: "starting dose" };
  const doseWords: string = doseText(dose, "en");
  const code: number = ErrorCode.UnknownAllele;
  exact<typeof ErrorCode.Usage, ErrorCode.Usage>(true);
  use(v, codes, words, doseWords, code);
}

export function engineLookups(engine: Engine): void {
  const packs: PackReleases = engine.packs();
  const sha: string = packs.sha256;
  const sources: Source[] = packs.packs.map((p) => p.source);
  const genes: GeneInfo[] = engine.genes();
  const callable: boolean = genes[0].vcf_definition;
  const alleles: AlleleInfo[] = engine.alleles("CYP2C19");
  const fn: string | null | undefined = alleles[0].function;
  const choices: GeneChoices = engine.choices("CYP2D6");
  const scores: string[] = choices.activity_scores;
  const drugs = engine.drugs();
  exact<(typeof drugs)[number]["sources"], Source[]>(true);
  use(sha, sources, callable, fn, scores);
}

export function interpretAndRecommend(engine: Engine): Action {
  const result: GeneResult = engine.interpret("CYP2C19", "*2/*2");
  const kind: InputKind = result.kind;
  exact<typeof result.candidates[0]["calls"][0]["phenotype"], string | null | undefined>(true);

  const request: RecommendRequest = {
    genes: [{ gene: "CYP2C19", value: "*1/*2|*2/*2" }],
    drugs: ["clopidogrel"],
    sources: ["cpic"],
  };
  const r: Recommendations = engine.recommend(request);
  // Only genes are required.
  engine.recommend({ genes: [{ gene: "CYP2D6", value: "1.0" }] });
  const first: DrugResult = r.drugs[0];
  const agree: boolean = first.candidates_agree;
  const action = r.drugs[0].matches[0].action;
  exact<typeof action, Action>(true);
  const maybeDose = r.drugs[0].matches[0].dose;
  exact<typeof maybeDose, DoseAdjustment | null | undefined>(true);
  if (maybeDose) use(doseText(maybeDose, "en"));
  const lookup: string | undefined = first.matches[0].lookup["CYP2C19"];
  use(kind, agree, lookup);
  return action;
}

export function vcfAndReports(engine: Engine, bytes: Uint8Array): string {
  // Options are optional.
  const plain: VcfResult = engine.evaluateVcf(bytes);
  const options: VcfOptions = { sample: "0", drugs: ["clopidogrel"], assume_reference: true, sex: "female" };
  const chosen = engine.evaluateVcf(bytes, options);
  engine.evaluateVcf([0x23, 0x23], {});
  const sample: SampleResult = chosen.samples[0];
  const name: string = sample.sample;
  const report = sample.report;
  exact<typeof report, Report | null | undefined>(true);
  if (!report) {
    const code: number | undefined = sample.error?.code;
    return `${name}: ${code}`;
  }
  const schema: number = report.schema_version;
  const html: string = reportHtml(report, "en") + reportHtml(report, "sv");
  const fhir: string = reportFhir(report);
  const missing: number[] = report.genes[0].missing_positions;
  const viaPackage: PackageReport = report;
  use(plain, schema, fhir, missing, viaPackage);
  return html;
}

export function reanalysis(engine: Engine, stored: string, report: Report): string {
  // A stored report as text or as an object; drugs are optional.
  const r: Reanalysis = engine.reanalyze(stored);
  const narrowed: Reanalysis = engine.reanalyze(JSON.parse(stored) as object, ["clopidogrel"]);
  const changed: boolean = r.advice_changed;
  const versions: [number, string, string] = [r.old_schema_version, r.old_release, r.new_release];
  const change: Change = r.changes[0];
  const kind: ChangeKind = change.kind;
  exact<typeof change.drug, string | null | undefined>(true);
  exact<typeof change.source, Source | null | undefined>(true);
  use(narrowed, changed, versions, kind);
  // The page with what changed since an earlier report (optional).
  return reportHtml(report, "en", stored) + reportHtml(report, "sv", report) + reportHtml(report, "en");
}

export function packs(blobs: Uint8Array[]): Engine {
  const engine: Engine = Engine.fromPacks(blobs);
  const same: PackageEngine = engine;
  use(same);
  {
    using scoped = new Engine();
    use(scoped.genes());
  }
  return engine;
}

export function errors(engine: Engine): number | undefined {
  try {
    engine.interpret("CYP2C19", "*2/*99");
  } catch (e) {
    if (isDoseraError(e)) {
      const name: "DoseraError" = e.name;
      const codeName: string = e.codeName;
      use(name, codeName);
      return e.code === ErrorCode.UnknownAllele ? e.code : undefined;
    }
  }
  return undefined;
}

// Wrong types are rejected.
export function rejected(engine: Engine, bytes: Uint8Array, report: Report, r: Recommendations): void {
  // @ts-expect-error a number is not a gene symbol
  engine.interpret(2019, "*1/*1");
  // @ts-expect-error the value is required
  engine.interpret("CYP2C19");
  // @ts-expect-error a number is not a gene symbol
  engine.alleles(5);
  // @ts-expect-error a gene input needs a value
  engine.recommend({ genes: [{ gene: "CYP2C19" }] });
  // @ts-expect-error a request needs genes
  engine.recommend({ drugs: ["clopidogrel"] });
  // @ts-expect-error sources are cpic or dpwg
  engine.recommend({ genes: [], sources: ["fda"] });
  // @ts-expect-error a string is not VCF bytes
  engine.evaluateVcf("##fileformat=VCFv4.2");
  // @ts-expect-error unknown option
  engine.evaluateVcf(bytes, { smaple: "S1" });
  // @ts-expect-error assume_reference is a boolean
  engine.evaluateVcf(bytes, { assume_reference: "yes" });
  // @ts-expect-error packs are bytes
  Engine.fromPacks(["{}"]);
  // @ts-expect-error not an action
  actionText("dance", "en");
  // @ts-expect-error not a language
  actionText("avoid", "de");
  // @ts-expect-error a dose needs percent_max and of
  doseText({ percent_min: 50 }, "en");
  // @ts-expect-error recommendations are not a report
  reportHtml(r, "en");
  // @ts-expect-error an earlier report is an object or its JSON text
  reportHtml(report, "en", 3);
  // @ts-expect-error a stored report is an object or its JSON text
  engine.reanalyze(2026);
  // @ts-expect-error drugs are a list of names
  engine.reanalyze(JSON.stringify(report), "clopidogrel");
  // @ts-expect-error not a kind of change
  const notKind: ChangeKind = "colour";
  // @ts-expect-error a report is an object
  reportFhir(JSON.stringify(report));
  // @ts-expect-error an action is not any string
  const wrong: Action = r.drugs[0].matches[0].summary;
  // @ts-expect-error the phenotype may be missing
  const phenotype: string = engine.interpret("CYP2C19", "*1/*1").candidates[0].calls[0].phenotype;
  // @ts-expect-error the report of a sample may be missing
  const sure: Report = engine.evaluateVcf(bytes).samples[0].report;
  use(wrong, phenotype, sure, notKind);
}
