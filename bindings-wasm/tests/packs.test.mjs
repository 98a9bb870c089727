// Engine.fromPacks with the pack documents the module embeds (assembled by
// the dosera-guidelines build script), and the pack identity every result
// carries.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { bytes, dosera, engine, examplePath, packBytes, packDir } from "./support.mjs";

const { Engine } = dosera;
const sha256 = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

/** A result without the two fields that name the pack set. */
function withoutSet(result) {
  const { packs_release, packs_sha256, ...rest } = result;
  assert.ok(packs_release && packs_sha256);
  return rest;
}

describe("Engine.fromPacks", () => {
  const [cpic, dpwg] = packBytes();
  const loaded = Engine.fromPacks([cpic, dpwg]);

  test("the pack folder is the one this module embeds", () => {
    // The bundled sha256 is that of the manifest the build script verified
    // and copied next to the packs.
    const manifest = readFileSync(join(packDir(), "MANIFEST.toml"));
    assert.equal(sha256(manifest), engine.packs().sha256);
    assert.ok(manifest.toString().includes(`release = "${engine.packs().release}"`));
  });

  test("packs(): the packs' releases joined, sha256 over the bytes as given", () => {
    const p = loaded.packs();
    const bundled = engine.packs();
    assert.deepStrictEqual(p.packs, bundled.packs);
    assert.equal(p.release, bundled.packs.map((x) => x.release).join("+"));
    assert.equal(p.sha256, sha256(cpic, dpwg));
    assert.equal(p.engine_version, dosera.version());
    // Order given changes the sha256, not the sources' order.
    const reversed = Engine.fromPacks([dpwg, cpic]).packs();
    assert.equal(reversed.sha256, sha256(dpwg, cpic));
    assert.deepEqual(reversed.packs.map((x) => x.source), ["cpic", "dpwg"]);
  });

  test("the same lookups as the bundled engine", () => {
    assert.deepStrictEqual(loaded.genes(), engine.genes());
    assert.deepStrictEqual(loaded.drugs(), engine.drugs());
    assert.deepStrictEqual(loaded.alleles("CYP2D6"), engine.alleles("CYP2D6"));
    assert.deepStrictEqual(loaded.choices("CYP2D6"), engine.choices("CYP2D6"));
    assert.deepStrictEqual(loaded.interpret("CYP2C19", "*1/*2|*2/*2"), engine.interpret("CYP2C19", "*1/*2|*2/*2"));
  });

  test("the same recommendations as the bundled engine, under its own pack identity", () => {
    for (const request of [
      { genes: [{ gene: "CYP2C19", value: "*2/*2" }], drugs: ["clopidogrel"] },
      { genes: [{ gene: "CYP2D6", value: "1.0" }, { gene: "CYP2C19", value: "*1/*17" }] },
      { genes: [{ gene: "HLA-B", value: "*57:01 positive" }], sources: ["dpwg"] },
    ]) {
      const mine = loaded.recommend(request);
      const theirs = engine.recommend(request);
      assert.ok(mine.drugs.length > 0);
      assert.deepStrictEqual(withoutSet(mine), withoutSet(theirs));
      assert.equal(mine.packs_release, loaded.packs().release);
      assert.equal(mine.packs_sha256, loaded.packs().sha256);
    }
  });

  test("the same VCF reports as the bundled engine", () => {
    const vcf = bytes(examplePath);
    const mine = loaded.evaluateVcf(vcf).samples;
    const theirs = engine.evaluateVcf(vcf).samples;
    assert.equal(mine.length, 1);
    assert.deepStrictEqual(withoutSet(mine[0].report), withoutSet(theirs[0].report));
    assert.equal(mine[0].report.packs_sha256, loaded.packs().sha256);
  });

  test("one source alone: only its guidelines", () => {
    const dpwgOnly = Engine.fromPacks([dpwg]);
    assert.deepEqual(dpwgOnly.packs().packs.map((x) => x.source), ["dpwg"]);
    const recs = dpwgOnly.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }], drugs: ["clopidogrel"] });
    assert.deepEqual(recs.drugs.map((d) => d.source), ["dpwg"]);
    assert.ok(dpwgOnly.drugs().every((d) => d.sources.every((s) => s === "dpwg")));
    dpwgOnly.free();
  });

  test("engines are independent objects; a freed one refuses use", () => {
    const extra = Engine.fromPacks([cpic]);
    extra.free();
    assert.throws(() => extra.genes(), Error);
    assert.ok(loaded.genes().length > 0);
  });
});
