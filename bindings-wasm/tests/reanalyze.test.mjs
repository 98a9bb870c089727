// Engine.reanalyze: stored reports of every report schema version
// (tests/fixtures/reports) read again with the bundled packs, and
// reportHtml with an earlier report (the "changed since" section).
//
// v1 and v2 were written with the pack release 2026.12.1 and list changes;
// v3 with the bundled release (2026.12.2) and lists none.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { bytes, dosera, engine, examplePath, root, throwsDosera } from "./support.mjs";

const { ErrorCode } = dosera;
const fixtures = join(root, "tests/fixtures/reports");
const VERSIONS = ["v1", "v2", "v3"];
/** The stored report of a case, as text. */
const stored = (version, name) => readFileSync(join(fixtures, version, `${name}.json`), "utf8");
const cases = (version) =>
  readdirSync(join(fixtures, version))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length));
/** The fields of the answer, as the C API's dosera_reanalyze_json writes them. */
const FIELDS = ["sample", "old_schema_version", "old_engine_version", "old_release", "new_release", "advice_changed", "changes"];
const KINDS = [
  "phenotype", "activity_score", "guideline_added", "guideline_removed", "guideline_version", "result",
  "action", "dose", "strength", "alternatives", "advice", "recommendation",
];

describe("Engine.reanalyze", () => {
  for (const version of VERSIONS) {
    test(`every ${version} report: its schema version, the releases, and ${version === "v3" ? "no" : "the"} changes`, () => {
      const names = cases(version);
      assert.ok(names.length >= 7, names.join(", "));
      for (const name of names) {
        const text = stored(version, name);
        const r = engine.reanalyze(text);
        assert.deepEqual(Object.keys(r), FIELDS, name);
        assert.equal(r.sample, JSON.parse(text).input.sample, name);
        assert.equal(r.old_schema_version, Number(version.slice(1)), name);
        assert.equal(r.old_engine_version, "0.1.0");
        assert.equal(r.old_release, version === "v3" ? "2026.12.2" : "2026.12.1");
        assert.equal(r.new_release, engine.packs().release);
        assert.equal(r.advice_changed, r.changes.some((c) => !["guideline_version", "recommendation"].includes(c.kind)));
        for (const c of r.changes) {
          assert.ok(KINDS.includes(c.kind), c.kind);
          assert.equal(typeof c.before, "string");
          assert.equal(typeof c.after, "string");
          assert.ok(c.gene !== undefined || c.drug !== undefined, JSON.stringify(c));
          if (c.drug !== undefined) assert.ok(["cpic", "dpwg"].includes(c.source), JSON.stringify(c));
        }
        if (version === "v3") assert.deepEqual(r.changes, [], name);
        // The parsed object gives the same answer as the text.
        assert.deepStrictEqual(engine.reanalyze(JSON.parse(text)), r, name);
      }
      if (version !== "v3") {
        const r = engine.reanalyze(stored(version, "example-patient"));
        assert.ok(r.advice_changed && r.changes.length > 0);
      }
    });
  }

  test("v1 and v2 reports of one case list the same changes", () => {
    for (const name of cases("v1")) {
      const [a, b] = ["v1", "v2"].map((v) => engine.reanalyze(stored(v, name)));
      assert.deepStrictEqual(b.changes, a.changes, name);
    }
  });

  test("drugs narrows the drugs looked at; names are read as the packs spell them", () => {
    const text = stored("v1", "outside-calls");
    const all = engine.reanalyze(text);
    const one = engine.reanalyze(text, ["Plavix"]);
    assert.deepStrictEqual(engine.reanalyze(text, ["clopidogrel"]), one);
    const clopidogrel = (r) => r.changes.filter((c) => c.drug === "clopidogrel" && c.kind !== "guideline_removed");
    assert.ok(clopidogrel(one).length > 0);
    assert.deepStrictEqual(clopidogrel(one), clopidogrel(all));
    assert.ok(one.changes.filter((c) => c.drug).every((c) => c.drug === "clopidogrel" || c.kind === "guideline_removed"));
    assert.deepStrictEqual(engine.reanalyze(text, undefined), all);
    assert.deepStrictEqual(engine.reanalyze(text, null), all);
  });

  test("111 MalformedReport: a report that is not one, of any kind", () => {
    throwsDosera(() => engine.reanalyze("{"), ErrorCode.MalformedReport, /not JSON/);
    throwsDosera(() => engine.reanalyze('{"schema_version": 9}'), 111, /schema version 9/);
    throwsDosera(() => engine.reanalyze({ hello: "world" }), 111, /not a dosera report/);
    const noGenes = JSON.parse(stored("v1", "outside-calls"));
    delete noGenes.genes;
    throwsDosera(() => engine.reanalyze(noGenes), 111, /version 1 report.*genes/);
  });

  test("302 Usage, 105 UnknownDrug and 113 NoGuideline for the arguments", () => {
    const text = stored("v3", "outside-calls");
    throwsDosera(() => engine.reanalyze(), ErrorCode.Usage, /report: missing/);
    throwsDosera(() => engine.reanalyze(42), 302, /report: expected a stored report/);
    throwsDosera(() => engine.reanalyze([text]), 302, /report/);
    throwsDosera(() => engine.reanalyze(text, "clopidogrel"), 302, /drugs:.*invalid type/);
    throwsDosera(() => engine.reanalyze(text, [5]), 302, /drugs:.*invalid type/);
    throwsDosera(() => engine.reanalyze(text, ["clopidogrl"]), ErrorCode.UnknownDrug, /did you mean clopidogrel\?/);
    throwsDosera(() => engine.reanalyze(text, ["metformin"]), ErrorCode.NoGuideline, /metformin: no CPIC or DPWG guideline/);
    // The engine goes on.
    assert.deepEqual(engine.reanalyze(text).changes, []);
  });
});

describe("reportHtml with an earlier report", () => {
  const drugs = [
    "azathioprine", "mercaptopurine", "thioguanine", "clopidogrel", "codeine",
    "abacavir", "carbamazepine", "warfarin", "fluorouracil", "simvastatin",
  ];
  const report = engine.evaluateVcf(bytes(examplePath), { drugs }).samples[0].report;

  test("the page opens with what changed since; text and object give the same page", () => {
    const previous = stored("v1", "example-patient");
    const since = dosera.reportHtml(report, "en", previous);
    assert.match(since, /<section id="since">/);
    assert.doesNotMatch(dosera.reportHtml(report, "en"), /<section id="since">/);
    assert.equal(dosera.reportHtml(report, "en", JSON.parse(previous)), since);
    assert.equal(dosera.reportHtml(report, "en", undefined), dosera.reportHtml(report, "en"));
    assert.equal(dosera.reportHtml(report, "en", null), dosera.reportHtml(report, "en"));
    const sv = dosera.reportHtml(report, "sv", previous);
    assert.match(sv, /<html lang="sv"/);
    assert.match(sv, /<section id="since">/);
  });

  test("an earlier report that is not one: 111; of the wrong type: 302", () => {
    throwsDosera(() => dosera.reportHtml(report, "en", "{"), ErrorCode.MalformedReport, /not JSON/);
    throwsDosera(() => dosera.reportHtml(report, "en", { schema_version: 0 }), 111, /schema version 0/);
    throwsDosera(() => dosera.reportHtml(report, "en", 7), ErrorCode.Usage, /previous: expected a stored report/);
  });
});
