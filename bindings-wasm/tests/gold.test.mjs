// Gold cases (tests/conformance/gold-recommendations.json): what the
// prescriber reads through the WebAssembly API (the calculator's path), in
// English and Swedish, says what the guideline says.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { engine, root } from "./support.mjs";

const gold = JSON.parse(readFileSync(join(root, "tests/conformance/gold-recommendations.json"), "utf8"));

function text(c, answer) {
  const out = [];
  for (const d of answer.drugs) {
    if (d.drug !== c.drug) continue;
    if (c.source && d.source !== c.source) continue;
    if (c.gene_guideline && !d.genes.includes(c.gene_guideline)) continue;
    for (const m of d.matches) {
      if (c.population && m.population !== c.population) continue;
      out.push(m.summary, m.implication);
    }
    out.push(...d.warnings);
  }
  return out.join("\n");
}

describe("gold cases", () => {
  test("there are gold cases", () => assert.ok(gold.cases.length >= 25));
  for (const c of gold.cases) {
    for (const lang of ["en", "sv"]) {
      test(`${c.name} [${lang}]`, () => {
        const genes = c.genes.map((g) => {
          const i = g.indexOf("=");
          return { gene: g.slice(0, i), value: g.slice(i + 1) };
        });
        const request = { genes, drugs: [c.drug], lang };
        if (c.source) request.sources = [c.source];
        const t = text(c, engine.recommend(request));
        for (const p of c[lang] ?? []) assert.ok(t.includes(p), `missing «${p}» in:\n${t}`);
        for (const p of c.not ?? []) assert.ok(!t.includes(p), `must not say «${p}»:\n${t}`);
      });
    }
  }
});
