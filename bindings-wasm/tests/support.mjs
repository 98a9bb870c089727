// Shared by the node:test suites of the WebAssembly package: the Node.js
// build of the package, paths into the repository, the knowledge-pack
// bytes the module embeds, and a checker for the package's errors.
//
// Not a test file itself (node --test runs only *.test.mjs here).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const root = resolve(here, "../..");

const require = createRequire(import.meta.url);

/** The package as Node.js loads it (CommonJS build in pkg/node). */
export const dosera = require("../pkg/node/dosera.js");

/** One engine over the bundled packs, shared by the read-only tests. */
export const engine = new dosera.Engine();

/** A file of the repository as bytes. */
export function bytes(rel) {
  return readFileSync(join(root, rel));
}

/** The synthetic example patient (one sample, GRCh38). */
export const examplePath = "tests/corpus/example-patient.vcf";

/** A small plain-text VCF: header lines, one data line per entry of `records`. */
export function vcf(samples, records, { reference = "GRCh38" } = {}) {
  const head = [
    "##fileformat=VCFv4.2",
    `##reference=${reference}`,
    ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", ...samples].join("\t"),
  ];
  const body = records.map(([chrom, pos, id, ref, alt, gts]) =>
    [chrom, pos, id, ref, alt, ".", "PASS", ".", "GT", ...gts].join("\t"),
  );
  return new TextEncoder().encode([...head, ...body].join("\n") + "\n");
}

let packDirCache;

/**
 * The folder where the build script of `dosera-guidelines` wrote the
 * assembled packs (`cpic.json`, `dpwg.json`) and the manifest copy for the
 * WebAssembly build: `DOSERA_PACK_DIR` when set (scripts/test-wasm sets it),
 * else asked of cargo the way scripts/test-c finds its generated header (a
 * no-op build when the module is current).
 */
export function packDir() {
  if (packDirCache) return packDirCache;
  let dir = process.env.DOSERA_PACK_DIR;
  if (!dir) {
    const out = execFileSync(
      "cargo",
      [
        "build", "--locked", "--profile", "wasm", "--target", "wasm32-unknown-unknown",
        "-p", "dosera-wasm", "--message-format=json-render-diagnostics",
      ],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 },
    );
    for (const line of out.split("\n")) {
      if (!line.includes('"reason":"build-script-executed"')) continue;
      const msg = JSON.parse(line);
      if (msg.package_id.includes("dosera-guidelines")) dir = msg.out_dir;
    }
  }
  assert.ok(dir && existsSync(join(dir, "cpic.json")), `no assembled packs in '${dir}'`);
  packDirCache = dir;
  return dir;
}

/** The assembled pack documents, one per source, in the order `sources`. */
export function packBytes(sources = ["cpic", "dpwg"]) {
  const dir = packDir();
  return sources.map((s) => new Uint8Array(readFileSync(join(dir, `${s}.json`))));
}

/**
 * Asserts that `fn` throws the package's error with this code: a real
 * `Error`, named `DoseraError`, with the numeric `code`, its `codeName`
 * (looked up in the engine's own table, not written here) and a message
 * matching `message`. Returns the error.
 */
export function throwsDosera(fn, code, message) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected error ${code}, but nothing was thrown`);
  assert.ok(caught instanceof Error, `not an Error: ${caught}`);
  assert.equal(caught.name, "DoseraError", `${caught.name}: ${caught.message}`);
  assert.equal(caught.code, code, `code ${caught.code} (${caught.codeName}): ${caught.message}`);
  const names = Object.entries(dosera.errorCodes()).filter(([, n]) => n === code);
  assert.equal(names.length, 1, `code ${code} is not in errorCodes()`);
  assert.equal(caught.codeName, names[0][0]);
  assert.equal(caught.codeName, dosera.ErrorCode[code]);
  assert.match(caught.message, message);
  return caught;
}

/** A deep copy through JSON (what a page would store and send back). */
export function copy(value) {
  return JSON.parse(JSON.stringify(value));
}
