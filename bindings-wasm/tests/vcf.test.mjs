// evaluateVcf (plain, bgzip/gzip, byte arrays, options, several samples)
// and the report functions reportHtml and reportFhir.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";

import { bytes, dosera, engine, examplePath, vcf } from "./support.mjs";

const example = bytes(examplePath);
const gene = (report, symbol) => report.genes.find((g) => g.gene === symbol);
const drug = (report, name, source) => report.drugs.find((d) => d.drug === name && d.source === source);

/** CYP2C19 rs4244285 (*2), the one variant of the small VCFs here. */
const star2 = (gts) => ["chr10", "94781859", "rs4244285", "G", "A", gts];

describe("evaluateVcf", () => {
  test("the example patient without options: one report, CYP2C19 *2/*2", () => {
    const result = engine.evaluateVcf(example);
    assert.equal(result.samples.length, 1);
    const [s] = result.samples;
    assert.equal(s.sample, "EXAMPLE-1");
    assert.equal(s.error, null);
    const r = s.report;
    assert.equal(r.input.sample, "EXAMPLE-1");
    assert.equal(r.input.build, "GRCh38");
    assert.deepEqual(gene(r, "CYP2C19").diplotypes, ["*2/*2"]);
    assert.deepEqual(gene(r, "CYP2C19").phenotypes, ["Poor Metabolizer"]);
    assert.equal(gene(r, "CYP2C19").source, "vcf");
    assert.equal(drug(r, "clopidogrel", "cpic").matches[0].action, "use_alternative");
    const symbols = r.genes.map((g) => g.gene);
    assert.deepEqual(symbols, [...symbols].sort(), "genes are alphabetical");
    // Every gene a VCF can call is reported.
    const callable = engine.genes().filter((g) => g.vcf_definition).map((g) => g.symbol);
    for (const g of symbols) assert.ok(callable.includes(g), g);
  });

  test("every report names the packs of the engine", () => {
    const p = engine.packs();
    const r = engine.evaluateVcf(example).samples[0].report;
    assert.equal(r.packs_release, p.release);
    assert.equal(r.packs_sha256, p.sha256);
    assert.equal(r.engine_version, dosera.version());
  });

  test("gzip, a number[] and a Buffer give the same result as plain bytes", () => {
    const plain = engine.evaluateVcf(new Uint8Array(example));
    assert.deepStrictEqual(engine.evaluateVcf(gzipSync(example)), plain);
    assert.deepStrictEqual(engine.evaluateVcf(Array.from(example)), plain);
    assert.deepStrictEqual(engine.evaluateVcf(example), plain);
  });

  test("options restrict genes and drugs; an empty options object is the default", () => {
    assert.deepStrictEqual(engine.evaluateVcf(example, {}), engine.evaluateVcf(example));
    assert.deepStrictEqual(engine.evaluateVcf(example, null), engine.evaluateVcf(example));
    const r = engine.evaluateVcf(example, { genes: ["CYP2C19"], drugs: ["clopidogrel"] }).samples[0].report;
    assert.deepEqual(r.genes.map((g) => g.gene), ["CYP2C19"]);
    assert.deepEqual([...new Set(r.drugs.map((d) => d.drug))], ["clopidogrel"]);
  });

  test("options.outside replaces the VCF call and drives the advice", () => {
    const r = engine.evaluateVcf(example, { outside: "CYP2D6\t*4/*4\n", drugs: ["codeine"] }).samples[0].report;
    const cyp2d6 = gene(r, "CYP2D6");
    assert.equal(cyp2d6.source, "outside");
    assert.deepEqual(cyp2d6.diplotypes, ["*4/*4"]);
    assert.deepEqual(cyp2d6.phenotypes, ["Poor Metabolizer"]);
    // CPIC: avoid codeine in CYP2D6 poor metabolizers.
    assert.ok(drug(r, "codeine", "cpic").matches.every((m) => m.action === "avoid"));
  });

  test("options.sample picks one sample by name or by index", () => {
    const data = vcf(["P1", "P2"], [star2(["0/1", "1/1"])]);
    const byName = engine.evaluateVcf(data, { sample: "P2", genes: ["CYP2C19"] });
    assert.deepEqual(byName.samples.map((s) => s.sample), ["P2"]);
    const byIndex = engine.evaluateVcf(data, { sample: "1", genes: ["CYP2C19"] });
    assert.deepStrictEqual(byIndex, byName);
  });

  test("assume_reference fills positions absent from the VCF, and says so", () => {
    const data = vcf(["P1"], [star2(["1/1"])]);
    const plain = engine.evaluateVcf(data, { genes: ["CYP2C19"] }).samples[0].report;
    const assumed = engine.evaluateVcf(data, { genes: ["CYP2C19"], assume_reference: true }).samples[0].report;
    assert.deepEqual(gene(plain, "CYP2C19").diplotypes, ["*2/*2"]);
    const missing = gene(plain, "CYP2C19").missing_positions;
    assert.ok(missing.length > 0);
    assert.ok(gene(plain, "CYP2C19").call.evidence.missing.every((m) => !m.assumed_reference));
    assert.equal(plain.input.assume_reference, false);
    assert.equal(assumed.input.assume_reference, true);
    assert.deepEqual(gene(assumed, "CYP2C19").missing_positions, []);
    const filled = gene(assumed, "CYP2C19").call.evidence.missing;
    assert.deepEqual(filled.map((m) => m.position), missing);
    assert.ok(filled.every((m) => m.assumed_reference === true));
  });

  test("batch safety: a sample with no genotypes (./.) does not cost the others", () => {
    const data = vcf(["A", "EMPTY", "C"], [star2(["0/1", "./.", "1/1"])]);
    const result = engine.evaluateVcf(data, { genes: ["CYP2C19"], drugs: ["clopidogrel"] });
    assert.deepEqual(result.samples.map((s) => s.sample), ["A", "EMPTY", "C"]);
    for (const s of result.samples) {
      assert.ok(s.report || s.error, s.sample);
      if (s.report) assert.equal(s.report.input.sample, s.sample);
    }
    const [a, empty, c] = result.samples.map((s) => s.report);
    const aPhenotypes = gene(a, "CYP2C19").phenotypes;
    assert.ok(aPhenotypes.length > 0 && aPhenotypes.every((p) => p === "Intermediate Metabolizer"), aPhenotypes.join());
    assert.deepEqual(gene(c, "CYP2C19").phenotypes, ["Poor Metabolizer"]);
    // The uncalled sample gets no diplotype and no advice, but its rows.
    assert.deepEqual(gene(empty, "CYP2C19").diplotypes, []);
    assert.ok(drug(empty, "clopidogrel", "cpic"));
    assert.ok(drug(empty, "clopidogrel", "cpic").matches.every((m) => m.action !== "use_alternative"));
  });

  test("samples come back in file order", () => {
    const names = ["Z9", "A1", "M5", "B2"];
    const result = engine.evaluateVcf(vcf(names, [star2(["0/0", "0/1", "1/1", "./."])]), { genes: ["CYP2C19"] });
    assert.deepEqual(result.samples.map((s) => s.sample), names);
  });
});

describe("reportHtml", () => {
  const report = engine.evaluateVcf(example).samples[0].report;
  const en = dosera.reportHtml(report, "en");
  const sv = dosera.reportHtml(report, "sv");

  test("a whole page in each language, and the two differ", () => {
    for (const [lang, html] of [["en", en], ["sv", sv]]) {
      assert.match(html, /^<!DOCTYPE html>/i, lang);
      assert.match(html, new RegExp(`<html lang="${lang}"`), lang);
      assert.match(html, /<\/html>\s*$/, lang);
      assert.ok(html.includes("EXAMPLE-1"), lang);
      assert.ok(html.includes("clopidogrel"), lang);
      assert.ok(html.includes(report.packs_release), lang);
    }
    assert.notEqual(en, sv);
    assert.ok(sv.includes(dosera.actionText("use_alternative", "sv")));
    assert.ok(en.includes(dosera.actionText("use_alternative", "en")));
  });

  test("nothing is loaded from outside the page", () => {
    for (const html of [en, sv]) {
      assert.doesNotMatch(html, /<script\b[^>]*\bsrc\s*=/i);
      assert.doesNotMatch(html, /<link\b[^>]*\bhref\s*=\s*["']?(https?:)?\/\//i);
      assert.doesNotMatch(html, /<(img|iframe|embed|object|source|video|audio)\b[^>]*\b(src|data)\s*=\s*["']?(https?:)?\/\//i);
      assert.doesNotMatch(html, /@import/i);
      assert.doesNotMatch(html, /url\(\s*["']?(https?:)?\/\//i);
      assert.match(html, /Content-Security-Policy/);
    }
  });

  test("the report of a page's JSON round trip renders the same", () => {
    assert.equal(dosera.reportHtml(JSON.parse(JSON.stringify(report)), "en"), en);
  });
});

describe("reportFhir", () => {
  test("a FHIR Bundle with the report, the patient and one observation per gene at least", () => {
    const report = engine.evaluateVcf(example).samples[0].report;
    const bundle = JSON.parse(dosera.reportFhir(report));
    assert.equal(bundle.resourceType, "Bundle");
    assert.ok(Array.isArray(bundle.entry) && bundle.entry.length > 0);
    const types = bundle.entry.map((e) => e.resource.resourceType);
    assert.ok(types.includes("DiagnosticReport"));
    assert.ok(types.includes("Patient"));
    assert.ok(types.filter((t) => t === "Observation").length >= report.genes.length);
    const text = JSON.stringify(bundle);
    assert.ok(text.includes("CYP2C19") && text.includes("Poor Metabolizer"));
  });
});
