// The boundary test of the WebAssembly package: a panic inside the module
// (forced through the hidden __panicForTesting export) reaches JS as a
// DoseraError with code 901, never as a bare WebAssembly trap, and every
// later call is refused with the same kind of error, asking for a reload.
//
// A file of its own: node --test runs each file in its own process, and
// after the panic this process's module is stopped on purpose.

import assert from "node:assert/strict";
import { test } from "node:test";

import { dosera, engine } from "./support.mjs";

const { ErrorCode } = dosera;

/** Calls `f`, which must throw a DoseraError of code 901; returns it. */
function internalError(f) {
  let caught;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}`);
  assert.ok(!(caught instanceof WebAssembly.RuntimeError), `a bare trap: ${caught}`);
  assert.equal(caught.name, "DoseraError");
  assert.equal(caught.code, ErrorCode.Internal);
  assert.equal(caught.codeName, "Internal");
  return caught;
}

test("a panic becomes DoseraError 901, and the module stops cleanly", () => {
  // Working before.
  const before = engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }] });
  assert.ok(before.drugs.length > 0);

  const panic = internalError(() => dosera.__panicForTesting("forced for the boundary test"));
  assert.match(panic.message, /panic: forced for the boundary test/);
  assert.match(panic.message, /must be reloaded/);

  // Every later call is refused with a DoseraError, not run on what the
  // panic left behind, and not a trap.
  const calls = {
    recommend: () => engine.recommend({ genes: [{ gene: "CYP2C19", value: "*2/*2" }] }),
    genes: () => engine.genes(),
    evaluateVcf: () => engine.evaluateVcf(new Uint8Array([35, 35])),
    newEngine: () => new dosera.Engine(),
    errorCodes: () => dosera.errorCodes(),
    panicAgain: () => dosera.__panicForTesting("again"),
  };
  for (const [name, call] of Object.entries(calls)) {
    const e = internalError(call);
    assert.match(e.message, /stopped the dosera module; reload it/, name);
  }
});
