// Every error code the JS API can produce, each from a real bad input: a
// JS Error named DoseraError with `code`, `codeName` and a message naming
// the problem. The codes no JS input can reach are listed, with why, and
// the ErrorCode enum is checked against the engine's table and the Rust
// source so the three cannot drift apart.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";

import { bytes, copy, dosera, engine, examplePath, packBytes, root, throwsDosera, vcf } from "./support.mjs";

const { Engine, ErrorCode } = dosera;

const example = bytes(examplePath);
const one = (gene, value, extra = {}) => ({ genes: [{ gene, value }], ...extra });
/** The example patient's report (input for the report functions). */
const report = () => engine.evaluateVcf(example).samples[0].report;

describe("error codes table", () => {
  test("ErrorCode equals errorCodes() exactly", () => {
    const table = dosera.errorCodes();
    // wasm-bindgen enums map both ways; the name → number half is the enum.
    const named = Object.fromEntries(Object.entries(ErrorCode).filter(([k]) => !/^\d+$/.test(k)));
    assert.deepStrictEqual(named, table);
    for (const [name, code] of Object.entries(table)) assert.equal(ErrorCode[code], name);
    assert.equal(Object.keys(ErrorCode).length, 2 * Object.keys(table).length);
  });

  test("errorCodes() equals the Rust ErrorCode enum in core/src/error.rs", () => {
    const src = readFileSync(join(root, "core/src/error.rs"), "utf8");
    const body = src.match(/pub enum ErrorCode \{([\s\S]*?)\n\}/)[1];
    const rust = Object.fromEntries([...body.matchAll(/^\s*(\w+) = (\d+),/gm)].map(([, n, c]) => [n, Number(c)]));
    assert.ok(Object.keys(rust).length >= 18, JSON.stringify(rust));
    assert.deepStrictEqual(dosera.errorCodes(), rust);
  });

  test("codes fall in their ranges", () => {
    for (const [name, code] of Object.entries(dosera.errorCodes())) {
      assert.ok([1, 2, 3, 9].includes(Math.floor(code / 100)), `${name} ${code}`);
    }
  });
});

describe("1xx input errors", () => {
  test("101 UnknownGene: interpret, alleles, choices and recommend", () => {
    throwsDosera(() => engine.interpret("CYP9Z9", "*1/*1"), ErrorCode.UnknownGene, /CYP9Z9/);
    throwsDosera(() => engine.alleles("NOTAGENE"), 101, /NOTAGENE/);
    throwsDosera(() => engine.choices("NOTAGENE"), 101, /NOTAGENE/);
    throwsDosera(() => engine.recommend(one("CYP9Z9", "*1/*1")), 101, /unknown gene `CYP9Z9`/);
  });

  test("102 UnknownAllele: an allele CYP2C19 does not define", () => {
    const e = throwsDosera(() => engine.interpret("CYP2C19", "*2/*99"), ErrorCode.UnknownAllele, /\*99/);
    assert.match(e.message, /CYP2C19/);
    throwsDosera(() => engine.recommend(one("CYP2C19", "*999/*1")), 102, /\*999/);
  });

  test("103 MalformedDiplotype: a diplotype with a missing allele", () => {
    const e = throwsDosera(() => engine.interpret("CYP2C19", "*2/"), ErrorCode.MalformedDiplotype, /`\*2\/`/);
    assert.match(e.message, /CYP2C19/);
    // One allele for an autosomal gene; an empty candidate of an ambiguous value.
    throwsDosera(() => engine.recommend(one("CYP2C19", "*1")), 103, /expected two alleles/);
    throwsDosera(() => engine.interpret("CYP2C19", "*1/*2|"), 103, /empty diplotype/);
  });

  test("104 MalformedGeneResult: a value that is no accepted form", () => {
    throwsDosera(() => engine.interpret("CYP2C19", "banana"), ErrorCode.MalformedGeneResult, /banana/);
    // An activity score on a gene without activity scores.
    throwsDosera(() => engine.recommend(one("CYP2C19", "1.5")), 104, /1\.5/);
  });

  test("105 UnknownDrug: recommend and evaluateVcf", () => {
    throwsDosera(() => engine.recommend(one("CYP2C19", "*2/*2", { drugs: ["notadrugamol"] })), ErrorCode.UnknownDrug, /notadrugamol/);
    throwsDosera(() => engine.evaluateVcf(example, { drugs: ["notadrugamol"] }), 105, /notadrugamol/);
  });

  test("106 UnknownSource cannot be produced: an unknown source is a usage error (302)", () => {
    // Sources are typed values ("cpic" | "dpwg") read with the request, so
    // an unknown one is refused while reading it, as a bad argument (the C
    // API does the same); 106 comes from parsing a source name on the
    // command line. See also the unreachable-codes test below.
    const e = throwsDosera(() => engine.recommend(one("CYP2C19", "*2/*2", { sources: ["fda"] })), ErrorCode.Usage, /`fda`/);
    assert.match(e.message, /cpic/);
    assert.match(e.message, /dpwg/);
  });

  test("107 InvalidVcf: garbage, empty, truncated gzip, a broken record", () => {
    throwsDosera(() => engine.evaluateVcf(new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x7f])), ErrorCode.InvalidVcf, /not a VCF/);
    throwsDosera(() => engine.evaluateVcf(new TextEncoder().encode("hello, world\n")), 107, /not a VCF/);
    throwsDosera(() => engine.evaluateVcf(new Uint8Array(0)), 107, /empty/);
    const gz = gzipSync(example);
    throwsDosera(() => engine.evaluateVcf(gz.subarray(0, gz.length >> 1)), 107, /corrupt|truncated/);
    const broken = new TextEncoder().encode(new TextDecoder().decode(vcf(["S1"], [["chr10", "94781859", "rs4244285", "G", "A", ["0/1"]]])).replace("94781859", "notanumber"));
    throwsDosera(() => engine.evaluateVcf(broken), 107, /line 4/);
  });

  test("108 UnsupportedBuild: a GRCh37 VCF", () => {
    const grch37 = vcf(["S1"], [["10", "96521657", "rs4244285", "G", "A", ["0/1"]]], { reference: "GRCh37" });
    throwsDosera(() => engine.evaluateVcf(grch37), ErrorCode.UnsupportedBuild, /GRCh37/);
    const relabelled = new TextEncoder().encode(new TextDecoder().decode(example).replaceAll("GRCh38", "GRCh37"));
    throwsDosera(() => engine.evaluateVcf(relabelled), 108, /not on GRCh38/);
  });

  test("109 UnknownSample: by name and by index", () => {
    throwsDosera(() => engine.evaluateVcf(example, { sample: "NOBODY" }), ErrorCode.UnknownSample, /NOBODY/);
    throwsDosera(() => engine.evaluateVcf(example, { sample: "3" }), 109, /`3`/);
  });

  test("110 MalformedOutsideCall: options.outside lines that cannot be read", () => {
    throwsDosera(() => engine.evaluateVcf(example, { outside: "CYP2D6\n" }), ErrorCode.MalformedOutsideCall, /line 1/);
    throwsDosera(() => engine.evaluateVcf(example, { outside: "CYP2C19\t*1/*1\nCYP2D6\t*1/*1\t\t\textra\n" }), 110, /line 2.*extra/);
  });

  test("111 MalformedReport: reportHtml, reportFhir and reanalyze of reports that are not one", () => {
    const wrong = { ...report(), schema_version: 999 };
    throwsDosera(() => dosera.reportHtml(wrong, "en"), ErrorCode.MalformedReport, /schema version 999/);
    throwsDosera(() => dosera.reportHtml(report(), "en", wrong), 111, /schema version 999/);
    throwsDosera(() => engine.reanalyze(wrong), 111, /schema version 999/);
    throwsDosera(() => engine.reanalyze("not json"), 111, /not JSON/);
    throwsDosera(() => dosera.reportFhir(wrong), 111, /999/);
    throwsDosera(() => dosera.reportHtml({ hello: "world" }, "en"), 111, /schema_version/);
    const noGenes = copy(report());
    delete noGenes.genes;
    throwsDosera(() => dosera.reportFhir(noGenes), 111, /genes/);
  });

  test("113 NoGuideline: reanalyze for a known drug no guideline covers", () => {
    throwsDosera(() => engine.reanalyze(report(), ["metformin"]), ErrorCode.NoGuideline, /^metformin: no CPIC or DPWG guideline/);
  });

  test("112 NonAnswer: strict mode, a result given but not answered", () => {
    // An outside call with a typo: given, not understood.
    const typo = { outside: "CYP2D6\t*1/*44x\n", drugs: ["codeine"], genes: ["CYP2C19"] };
    const plain = engine.evaluateVcf(example, typo).samples[0].report;
    const codeine = plain.drugs.filter((d) => d.drug === "codeine");
    assert.equal(codeine.length, 2);
    for (const d of codeine) {
      assert.deepEqual(d.non_answers.map((n) => [n.gene, n.reason, n.value]), [["CYP2D6", "not_understood", "*1/*44x"]]);
    }
    const e = throwsDosera(() => engine.evaluateVcf(example, { ...typo, strict: true }), ErrorCode.NonAnswer, /not answered \(strict\)/);
    assert.match(e.message, /CYP2D6 \*1\/\*44x: given but not understood/);
    // A result the guidelines have no row for.
    const noRow = one("CYP2D6", "No Result", { drugs: ["codeine"] });
    assert.ok(engine.recommend(noRow).drugs.every((d) => d.non_answers[0].reason === "no_row"));
    throwsDosera(() => engine.recommend({ ...noRow, strict: true }), 112, /CYP2D6 No Result: the guideline has no recommendation/);
    // A gene not given is the input's scope, not an error.
    const absent = engine.recommend(one("CYP2C19", "*1/*1", { drugs: ["codeine"], strict: true }));
    assert.ok(absent.drugs.every((d) => d.non_answers[0].reason === "not_given"));
  });
});

describe("2xx knowledge-pack errors (Engine.fromPacks)", () => {
  test("202 SchemaVersion: a pack written for another schema version", () => {
    const [cpic] = packBytes(["cpic"]);
    const text = new TextDecoder().decode(cpic);
    const old = text.replace(/"schema_version":\d+/, '"schema_version":1');
    assert.notEqual(old, text);
    throwsDosera(() => Engine.fromPacks([new TextEncoder().encode(old)]), ErrorCode.SchemaVersion, /schema version 1 /);
    // Also when the rest of the document no longer fits this build.
    throwsDosera(() => Engine.fromPacks([new TextEncoder().encode('{"meta":{"schema_version":77}}')]), 202, /77/);
  });

  test("203 InvalidPack: not JSON, truncated, corrupted, no pack, a source twice, a stub", () => {
    const [cpic, dpwg] = packBytes();
    throwsDosera(() => Engine.fromPacks([new TextEncoder().encode("{not json")]), ErrorCode.InvalidPack, /no readable pack metadata/);
    throwsDosera(() => Engine.fromPacks([cpic.subarray(0, 4096)]), 203, /EOF/);
    const corrupted = cpic.slice();
    corrupted[corrupted.length >> 1] = 0x01; // a control byte inside the document
    throwsDosera(() => Engine.fromPacks([corrupted, dpwg]), 203, /invalid knowledge pack/);
    throwsDosera(() => Engine.fromPacks([]), 203, /no pack given/);
    throwsDosera(() => Engine.fromPacks([cpic, cpic]), 203, /two packs for source/);
    throwsDosera(() => Engine.fromPacks([new TextEncoder().encode('{"meta":{"schema_version":3}}')]), 203, /invalid knowledge pack/);
  });

  test("201 ChecksumMismatch cannot arise from bytes: a valid-JSON change loads with a new sha256", () => {
    // fromPacks takes assembled documents without a manifest, so there is
    // no checksum to compare with (201 is for pack folders, which the
    // package cannot read). A corruption that still parses as a pack loads;
    // what shows it is the sha256 every result carries.
    const [cpic, dpwg] = packBytes();
    const text = new TextDecoder().decode(cpic);
    const changed = new TextEncoder().encode(text.replace('"attribution":"', '"attribution":"X'));
    assert.equal(changed.length, cpic.length + 1);
    const good = Engine.fromPacks([cpic, dpwg]);
    const bad = Engine.fromPacks([changed, dpwg]);
    assert.notEqual(bad.packs().sha256, good.packs().sha256);
    const recs = bad.recommend(one("CYP2C19", "*2/*2"));
    assert.equal(recs.packs_sha256, bad.packs().sha256);
    bad.free();
    good.free();
  });
});

describe("302 usage errors", () => {
  test("options: an unknown field, a wrong type, not an object", () => {
    throwsDosera(() => engine.evaluateVcf(example, { smaple: "EXAMPLE-1" }), ErrorCode.Usage, /unknown field `smaple`/);
    throwsDosera(() => engine.evaluateVcf(example, { drugs: "clopidogrel" }), 302, /options:.*invalid type/);
    throwsDosera(() => engine.evaluateVcf(example, { sex: "unknown" }), 302, /options:.*`unknown`/);
    throwsDosera(() => engine.evaluateVcf(example, 42), 302, /options/);
  });

  test("lang: a language other than en and sv", () => {
    throwsDosera(() => dosera.reportHtml(report(), "de"), ErrorCode.Usage, /`de`/);
    throwsDosera(() => dosera.actionText("avoid", "fr"), 302, /`fr`/);
    throwsDosera(() => dosera.doseText({ percent_min: 50, percent_max: 50, of: "starting dose" }, "EN_us"), 302, /EN_us/);
    throwsDosera(() => dosera.actionText("avoid"), 302, /language/);
  });

  test("fromPacks: a pack that is not a Uint8Array", () => {
    const [cpic] = packBytes(["cpic"]);
    throwsDosera(() => Engine.fromPacks([new TextDecoder().decode(cpic)]), ErrorCode.Usage, /packs\[0\] is not a Uint8Array/);
    throwsDosera(() => Engine.fromPacks([cpic, [1, 2, 3]]), 302, /packs\[1\]/);
    throwsDosera(() => Engine.fromPacks([cpic.buffer]), 302, /packs\[0\]/);
  });

  test("recommend: a missing or malformed request", () => {
    throwsDosera(() => engine.recommend(), ErrorCode.Usage, /request: missing/);
    throwsDosera(() => engine.recommend({}), 302, /missing field `genes`/);
    throwsDosera(() => engine.recommend(null), 302, /request/);
    throwsDosera(() => engine.recommend({ genes: [{ gene: "CYP2C19" }] }), 302, /missing field `value`/);
    throwsDosera(() => engine.recommend({ genes: "CYP2C19=*2/*2" }), 302, /request/);
  });

  test("actionText and doseText: values of the wrong shape", () => {
    throwsDosera(() => dosera.actionText("dance", "en"), ErrorCode.Usage, /action:.*`dance`/);
    throwsDosera(() => dosera.actionText(undefined, "en"), 302, /action: missing/);
    throwsDosera(() => dosera.doseText({ percent_min: 50 }, "en"), 302, /dose:.*percent_max/);
  });

  test("reportHtml and reportFhir: no report at all", () => {
    throwsDosera(() => dosera.reportHtml(undefined, "en"), ErrorCode.Usage, /report: missing/);
    throwsDosera(() => dosera.reportFhir(null), 302, /report: missing/);
  });

  test("arguments of the wrong JS type are usage errors, not crashes", () => {
    throwsDosera(() => engine.interpret(2019, "*1/*1"), ErrorCode.Usage, /gene: expected a string/);
    throwsDosera(() => engine.interpret("CYP2C19", undefined), 302, /value: expected a string/);
    throwsDosera(() => engine.alleles({ gene: "CYP2C19" }), 302, /gene/);
    throwsDosera(() => engine.choices(null), 302, /gene/);
    throwsDosera(() => dosera.reportHtml(report(), 1), 302, /language/);
    throwsDosera(() => engine.evaluateVcf("##fileformat=VCFv4.2\n"), 302, /data: expected a Uint8Array/);
    throwsDosera(() => engine.evaluateVcf(), 302, /data/);
    // The engine is still usable afterwards.
    assert.equal(engine.interpret("CYP2C19", "*2/*2").candidates.length, 1);
  });
});

test("a drug no guideline covers is a note in the result; an unknown name is an error with a suggestion", () => {
  const result = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }], drugs: ["metformin"] });
  assert.equal(result.drugs.length, 0);
  assert.ok(
    result.warnings.some((w) => /^metformin: no CPIC or DPWG guideline/.test(w)),
    JSON.stringify(result.warnings),
  );
  throwsDosera(
    () => engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }], drugs: ["clopidogrl"] }),
    ErrorCode.UnknownDrug,
    /did you mean clopidogrel\?/,
  );
});

test("codes no JS input reaches still exist in errorCodes()", () => {
  const table = dosera.errorCodes();
  const unreachable = {
    // Parsing a source name from text (the CLI's --source); in the JS API
    // sources are typed request fields, refused as Usage (302) when unknown.
    UnknownSource: 106,
    // Pack folders with a MANIFEST.toml of checksums; fromPacks takes
    // assembled documents without a manifest, so there is nothing to check.
    ChecksumMismatch: 201,
    // Upstream files read by the importer, which is part of the CLI only.
    Import: 204,
    // File reads and writes: the package reads nothing from disk; VCFs and
    // packs arrive as bytes, reports leave as values and strings.
    Io: 301,
    // A bug: no input reaches it (writing a value as JSON cannot fail for
    // the types handed out). panic.test.mjs forces a panic, which the
    // module's panic hook turns into 901 before the abort.
    Internal: 901,
  };
  for (const [name, code] of Object.entries(unreachable)) {
    assert.equal(table[name], code, name);
    assert.equal(ErrorCode[name], code, name);
  }
  // Every other code is produced by a test in this file.
  // 113 (a known drug no guideline covers) comes from reanalyze's drugs;
  // recommend() answers such a drug with a note in its warnings instead.
  const covered = [101, 102, 103, 104, 105, 107, 108, 109, 110, 111, 112, 113, 202, 203, 302];
  assert.deepEqual(
    [...covered, ...Object.values(unreachable)].sort((a, b) => a - b),
    Object.values(table).sort((a, b) => a - b),
  );
});
