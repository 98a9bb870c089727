// The shared golden corpus (tests/corpus/golden/*/): the same inputs the
// Rust and C tests replay, through the JS API, must give exactly the
// answers in expected.json (written by the Rust API). The rules are those
// of golden_answer in bindings-c/src/tests.rs:
//
// - request.json present: Engine.recommend(request);
// - otherwise the VCF input.vcf, or the file named in input.vcf.ref
//   (relative to the repository root), with options.json (optional) as the
//   options: Engine.evaluateVcf; every sample must have a report;
// - expected.json holds the one report of a one-sample answer, else the
//   array of reports in sample order.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { copy, engine, root } from "./support.mjs";

const golden = join(root, "tests/corpus/golden");
const cases = readdirSync(golden)
  .filter((name) => statSync(join(golden, name)).isDirectory())
  .sort();

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** The JS API's answer to one case, in the shape of expected.json. */
function answer(dir) {
  const request = join(dir, "request.json");
  if (existsSync(request)) return engine.recommend(readJson(request));
  const ref = join(dir, "input.vcf.ref");
  const vcf = existsSync(ref)
    ? readFileSync(join(root, readFileSync(ref, "utf8").trim()))
    : readFileSync(join(dir, "input.vcf"));
  const optionsPath = join(dir, "options.json");
  const options = existsSync(optionsPath) ? readJson(optionsPath) : undefined;
  const { samples } = engine.evaluateVcf(vcf, options);
  const reports = samples.map((s) => {
    assert.equal(s.error, null, `${s.sample}: ${s.error && s.error.message}`);
    assert.ok(s.report, s.sample);
    return s.report;
  });
  return reports.length === 1 ? reports[0] : reports;
}

describe("golden corpus", () => {
  test("the corpus has its cases", () => {
    assert.ok(cases.length >= 3, `golden cases: ${cases.join(", ")}`);
  });

  for (const name of cases) {
    test(name, () => {
      const dir = join(golden, name);
      const expected = readJson(join(dir, "expected.json"));
      const actual = answer(dir);
      assert.deepStrictEqual(actual, expected);
      // Through JSON text and back (what a page stores), still the same.
      assert.deepStrictEqual(copy(actual), expected);
    });
  }

  test("the comparison notices a changed recommendation", () => {
    // Guards the guard: a changed action deep inside an answer must fail
    // the comparison above.
    const dir = join(golden, cases[0]);
    const expected = readJson(join(dir, "expected.json"));
    const changed = copy(answer(dir));
    const first = Array.isArray(changed) ? changed[0] : changed;
    const match = first.drugs.find((d) => d.matches.length > 0).matches[0];
    match.action = match.action === "avoid" ? "standard_dosing" : "avoid";
    assert.throws(() => assert.deepStrictEqual(changed, expected), assert.AssertionError);
  });
});
