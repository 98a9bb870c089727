// Success paths of the package's functions and of the Engine's lookups,
// interpretation and recommendations (VCF, reports and packs are in their
// own suites). Facts asserted are small and clinically meaningful; the rest
// is checked for consistency between calls, not against copies of output.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { dosera, engine, root } from "./support.mjs";

const ACTIONS = [
  "standard_dosing", "reduce_dose", "increase_dose", "avoid", "use_alternative",
  "consider_alternative", "monitor", "no_recommendation", "other",
];

/** The source's call of the only candidate of a result. */
function call(result, source) {
  assert.equal(result.candidates.length, 1, JSON.stringify(result.candidates));
  const c = result.candidates[0].calls.find((x) => x.source === source);
  assert.ok(c, `no ${source} call`);
  return c;
}

/** The one drug result for drug and source. */
function drugResult(recs, drug, source) {
  const found = recs.drugs.filter((d) => d.drug === drug && d.source === source);
  assert.equal(found.length, 1, `${drug}/${source}: ${found.length} results`);
  return found[0];
}

describe("module functions", () => {
  test("version() is the workspace version and the engine's", () => {
    const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
    const workspace = cargo.match(/^version = "([^"]+)"/m)[1];
    assert.equal(dosera.version(), workspace);
    assert.equal(engine.packs().engine_version, dosera.version());
  });

  test("actionText gives a label for every action, in English and Swedish", () => {
    for (const action of ACTIONS) {
      const en = dosera.actionText(action, "en");
      const sv = dosera.actionText(action, "sv");
      assert.ok(en.length > 0 && sv.length > 0, action);
    }
    assert.equal(dosera.actionText("avoid", "sv"), "undvik");
    assert.match(dosera.actionText("avoid", "en"), /avoid/i);
    assert.match(dosera.actionText("reduce_dose", "en"), /reduce/i);
    // The two languages are different texts, not one text twice.
    const en = new Set(ACTIONS.map((a) => dosera.actionText(a, "en")));
    const sv = new Set(ACTIONS.map((a) => dosera.actionText(a, "sv")));
    assert.equal(en.size, ACTIONS.length, "English labels are distinct");
    assert.equal(sv.size, ACTIONS.length, "Swedish labels are distinct");
    assert.ok([...en].some((t) => !sv.has(t)));
  });

  test("nonAnswerText words the three kinds of non-answer apart, in English and Swedish", () => {
    const n = (reason, value, detail = null) => ({ gene: "CYP2D6", reason, value, lookup_keys: [], detail });
    assert.equal(dosera.nonAnswerText(n("not_given", null), "en"), "CYP2D6: not given, not tested or not called");
    assert.equal(
      dosera.nonAnswerText(n("not_understood", "*1/*44x", "unknown allele `*44x` for CYP2D6"), "en"),
      "CYP2D6 *1/*44x: given but not understood (unknown allele `*44x` for CYP2D6)",
    );
    assert.equal(dosera.nonAnswerText(n("not_understood", "*1/*44x"), "sv"), "CYP2D6 *1/*44x: angiven men kunde inte tolkas");
    const kinds = ["no_row", "not_given", "not_understood"];
    for (const lang of ["en", "sv"]) {
      assert.equal(new Set(kinds.map((k) => dosera.nonAnswerText(n(k, "x"), lang))).size, 3, lang);
    }
  });

  test("doseText states the share and the dose it applies to", () => {
    const half = { percent_min: 50, percent_max: 50, of: "starting dose" };
    const en = dosera.doseText(half, "en");
    assert.match(en, /50\s*%/);
    assert.match(en, /starting dose/);
    assert.doesNotMatch(en, /25/);
    const range = dosera.doseText({ percent_min: 25, percent_max: 50, of: "starting dose" }, "en");
    assert.match(range, /25/);
    assert.match(range, /50/);
    const sv = dosera.doseText(half, "sv");
    assert.match(sv, /50\s*%/);
    assert.match(sv, /startdos/);
    assert.notEqual(sv, en);
  });

  test("a dose from a real recommendation reads back in words", () => {
    const recs = engine.recommend({ genes: [{ gene: "CYP2C9", value: "*3/*3" }], drugs: ["celecoxib"] });
    const dose = drugResult(recs, "celecoxib", "cpic").matches[0].dose;
    assert.ok(dose, "CPIC reduces the celecoxib starting dose for CYP2C9 poor metabolizers");
    assert.ok(dose.percent_max < 100);
    const text = dosera.doseText(dose, "en");
    assert.match(text, new RegExp(String(dose.percent_max)));
    assert.ok(text.includes(dose.of), `${text} names '${dose.of}'`);
  });
});

describe("Engine lookups", () => {
  test("packs() names the engine, release, sha256 and both sources", () => {
    const p = engine.packs();
    assert.ok(p.release.length > 0);
    assert.match(p.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(p.packs.map((x) => x.source), ["cpic", "dpwg"]);
    for (const pack of p.packs) {
      assert.ok(pack.release.startsWith(pack.source), pack.release);
      assert.ok(pack.license.length > 0 && pack.attribution.length > 0);
    }
    assert.match(p.packs.find((x) => x.source === "cpic").attribution, /CPIC/);
    assert.match(p.packs.find((x) => x.source === "dpwg").attribution, /DPWG/);
  });

  test("genes() lists the pharmacogenes with their drugs", () => {
    const genes = engine.genes();
    const cyp2c19 = genes.find((g) => g.symbol === "CYP2C19");
    assert.ok(cyp2c19);
    assert.equal(cyp2c19.vcf_definition, true);
    assert.ok(cyp2c19.drugs.includes("clopidogrel"));
    assert.ok(cyp2c19.alleles > 10);
    assert.ok(genes.find((g) => g.symbol === "CYP2D6").methods.includes("activity_score"));
    assert.ok(genes.find((g) => g.symbol === "HLA-B").drugs.includes("abacavir"));
    const symbols = genes.map((g) => g.symbol);
    assert.equal(new Set(symbols).size, symbols.length, "no gene twice");
    for (const g of genes) {
      assert.ok(g.sources.length > 0 && g.sources.every((s) => s === "cpic" || s === "dpwg"), g.symbol);
    }
  });

  test("drugs() and genes() agree with each other", () => {
    const genes = new Map(engine.genes().map((g) => [g.symbol, g]));
    const drugs = engine.drugs();
    const clopidogrel = drugs.find((d) => d.name === "clopidogrel");
    assert.deepEqual(clopidogrel.genes, ["CYP2C19"]);
    assert.deepEqual([...clopidogrel.sources].sort(), ["cpic", "dpwg"]);
    for (const d of drugs) {
      assert.equal(d.name, d.name.toLowerCase());
      assert.ok(d.guidelines.length > 0, d.name);
      for (const g of d.genes) {
        assert.ok(genes.has(g), `${d.name} uses unknown gene ${g}`);
        assert.ok(genes.get(g).drugs.includes(d.name), `${g} does not list ${d.name}`);
      }
    }
  });

  test("alleles() gives CYP2C19 alleles with their function", () => {
    const alleles = engine.alleles("CYP2C19");
    const fn = (name) => alleles.find((a) => a.name === name && a.source === "cpic")?.function;
    assert.equal(fn("*1"), "Normal function");
    assert.equal(fn("*2"), "No function");
    assert.equal(fn("*17"), "Increased function");
    assert.equal(alleles.filter((a) => a.source === "cpic").length, engine.genes().find((g) => g.symbol === "CYP2C19").alleles);
    // Any case is accepted for the symbol.
    assert.deepEqual(engine.alleles("cyp2c19"), alleles);
  });

  test("choices('CYP2D6') lists activity scores, each accepted by interpret", () => {
    const c = engine.choices("CYP2D6");
    assert.equal(c.symbol, "CYP2D6");
    for (const score of ["0.0", "1.0", "2.0"]) assert.ok(c.activity_scores.includes(score), score);
    assert.ok(c.phenotypes.includes("Poor Metabolizer"));
    for (const score of c.activity_scores) {
      const r = engine.interpret("CYP2D6", score);
      assert.equal(r.kind, "activity_score", score);
    }
    for (const phenotype of c.phenotypes) {
      assert.equal(engine.interpret("CYP2D6", phenotype).kind, "phenotype", phenotype);
    }
    for (const key of c.other_keys) engine.interpret("CYP2D6", key);
  });

  test("choices('HLA-B') offers the carrier statuses", () => {
    const c = engine.choices("HLA-B");
    assert.ok(c.other_keys.includes("*57:01 positive"), JSON.stringify(c.other_keys));
    assert.deepEqual(c.activity_scores, []);
  });
});

describe("Engine.interpret", () => {
  test("CYP2C19 *2/*2 is a Poor Metabolizer under CPIC and DPWG", () => {
    const r = engine.interpret("CYP2C19", "*2/*2");
    assert.equal(r.gene, "CYP2C19");
    assert.equal(r.input, "*2/*2");
    assert.equal(r.kind, "diplotype");
    assert.deepEqual(r.candidates[0].alleles, ["*2", "*2"]);
    assert.equal(call(r, "cpic").phenotype, "Poor Metabolizer");
    assert.deepEqual(call(r, "cpic").functions, ["No function", "No function"]);
    assert.equal(call(r, "dpwg").phenotype, "Poor Metabolizer");
  });

  test("the gene symbol is read in any case and canonicalised", () => {
    assert.equal(engine.interpret("cyp2c19", "*1/*1").gene, "CYP2C19");
  });

  test("CYP2D6 activity score 1.0 is an Intermediate Metabolizer under CPIC", () => {
    const r = engine.interpret("CYP2D6", "1.0");
    assert.equal(r.kind, "activity_score");
    const cpic = call(r, "cpic");
    assert.equal(cpic.activity_score, "1.0");
    assert.equal(cpic.phenotype, "Intermediate Metabolizer");
    assert.ok(cpic.lookup_keys.includes("1.0"));
  });

  test("a CYP2D6 diplotype gets its activity score (*1/*4 = 1.0)", () => {
    const cpic = call(engine.interpret("CYP2D6", "*1/*4"), "cpic");
    assert.equal(cpic.activity_score, "1.0");
    assert.equal(cpic.phenotype, "Intermediate Metabolizer");
  });

  test("HLA-B *57:01 positive is an allele status", () => {
    const r = engine.interpret("HLA-B", "*57:01 positive");
    assert.equal(r.kind, "allele_status");
    assert.ok(call(r, "cpic").lookup_keys.includes("*57:01 positive"));
  });

  test("a phenotype is taken as given", () => {
    const r = engine.interpret("CYP2C19", "Poor Metabolizer");
    assert.equal(r.kind, "phenotype");
    assert.equal(call(r, "cpic").phenotype, "Poor Metabolizer");
  });

  test("an ambiguous value keeps every candidate, in order", () => {
    const r = engine.interpret("CYP2C19", "*1/*2|*2/*2");
    assert.deepEqual(r.candidates.map((c) => c.label), ["*1/*2", "*2/*2"]);
    const cpic = r.candidates.map((c) => c.calls.find((x) => x.source === "cpic").phenotype);
    assert.deepEqual(cpic, ["Intermediate Metabolizer", "Poor Metabolizer"]);
  });
});

describe("Engine.recommend", () => {
  test("CYP2C19 *2/*2: CPIC advises an alternative to clopidogrel", () => {
    const recs = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }], drugs: ["clopidogrel"] });
    const cpic = drugResult(recs, "clopidogrel", "cpic");
    assert.ok(cpic.matches.length > 0);
    assert.equal(cpic.matches[0].action, "use_alternative");
    assert.ok(cpic.matches[0].alternatives.some((a) => a === "prasugrel" || a === "ticagrelor"));
    assert.equal(cpic.matches[0].lookup.CYP2C19, "Poor Metabolizer");
    assert.equal(cpic.actionable, true);
    assert.equal(cpic.candidates_agree, true);
    assert.deepEqual(cpic.genes, ["CYP2C19"]);
    assert.match(cpic.url, /^https:\/\//);
    // DPWG advises against clopidogrel as well.
    const dpwg = drugResult(recs, "clopidogrel", "dpwg");
    assert.ok(dpwg.matches.every((m) => m.action !== "standard_dosing"));
    assert.deepEqual(recs.genes.map((g) => g.gene), ["CYP2C19"]);
  });

  test("CYP2C19 *1/*1: standard clopidogrel dosing under CPIC", () => {
    const recs = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*1/*1" }], drugs: ["clopidogrel"] });
    const cpic = drugResult(recs, "clopidogrel", "cpic");
    assert.ok(cpic.matches.length > 0);
    assert.ok(cpic.matches.every((m) => m.action === "standard_dosing"));
    assert.equal(cpic.actionable, false);
  });

  test("HLA-B *57:01 positive: avoid abacavir", () => {
    const recs = engine.recommend({ genes: [{ gene: "HLA-B", value: "*57:01 positive" }], drugs: ["abacavir"] });
    for (const source of ["cpic", "dpwg"]) {
      const r = drugResult(recs, "abacavir", source);
      assert.ok(r.matches.length > 0, source);
      assert.ok(r.matches.every((m) => m.action === "avoid"), source);
    }
  });

  test("an ambiguous value shows both candidates and whether they agree", () => {
    const value = "*1/*2|*2/*2";
    const recs = engine.recommend({ genes: [{ gene: "CYP2C19", value }], drugs: ["clopidogrel"] });
    assert.deepEqual(recs.genes[0].candidates.map((c) => c.label), ["*1/*2", "*2/*2"]);
    for (const source of ["cpic", "dpwg"]) {
      const r = drugResult(recs, "clopidogrel", source);
      assert.equal(typeof r.candidates_agree, "boolean");
      // Each candidate leads somewhere, and the flag says whether the
      // advice per candidate is the same.
      const per = ["CYP2C19 *1/*2", "CYP2C19 *2/*2"].map((label) =>
        JSON.stringify(r.matches.filter((m) => m.candidates.includes(label)).map((m) => [m.action, m.dose, m.alternatives]).sort()),
      );
      for (const p of per) assert.notEqual(p, "[]", `${source}: a candidate without a match`);
      assert.equal(r.candidates_agree, per[0] === per[1], source);
    }
  });

  test("normal and poor metabolizer candidates disagree for clopidogrel", () => {
    const recs = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*1/*1|*2/*2" }], drugs: ["clopidogrel"] });
    const cpic = drugResult(recs, "clopidogrel", "cpic");
    assert.equal(cpic.candidates_agree, false);
    const actions = (label) => new Set(cpic.matches.filter((m) => m.candidates.includes(label)).map((m) => m.action));
    assert.ok(actions("CYP2C19 *1/*1").has("standard_dosing"));
    assert.ok(actions("CYP2C19 *2/*2").has("use_alternative"));
  });

  test("without drugs, every drug using the gene; sources filter", () => {
    const all = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }] });
    const expected = engine.genes().find((g) => g.symbol === "CYP2C19").drugs;
    assert.deepEqual([...new Set(all.drugs.map((d) => d.drug))].sort(), [...expected].sort());
    const dpwg = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }], sources: ["dpwg"] });
    assert.ok(dpwg.drugs.length > 0);
    assert.ok(dpwg.drugs.every((d) => d.source === "dpwg"));
  });

  test("several genes: CYP2D6 activity score 1.0 reduces amitriptyline", () => {
    const recs = engine.recommend({
      genes: [{ gene: "CYP2C19", value: "*1/*1" }, { gene: "CYP2D6", value: "1.0" }],
      drugs: ["amitriptyline"],
    });
    const cpic = drugResult(recs, "amitriptyline", "cpic");
    assert.deepEqual([...cpic.genes].sort(), ["CYP2C19", "CYP2D6"]);
    assert.ok(cpic.matches.length > 0);
    const m = cpic.matches[0];
    assert.equal(m.action, "reduce_dose");
    assert.ok(m.dose && m.dose.percent_max < 100);
    assert.equal(m.lookup.CYP2D6, "1.0");
  });

  test("every result names the packs it came from", () => {
    const p = engine.packs();
    const recs = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }] });
    assert.equal(recs.engine_version, dosera.version());
    assert.equal(recs.packs_release, p.release);
    assert.equal(recs.packs_sha256, p.sha256);
    assert.deepEqual(recs.packs.map((x) => [x.source, x.release]), p.packs.map((x) => [x.source, x.release]));
    const releases = new Map(p.packs.map((x) => [x.source, x.release]));
    for (const d of recs.drugs) assert.equal(d.release, releases.get(d.source), d.drug);
  });
});
