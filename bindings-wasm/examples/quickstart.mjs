// Node.js loads the module at import; in a browser, `await init()` first
// (the calculator in bindings-wasm/www does).
import { Engine, ErrorCode } from "dosera";

const engine = new Engine();
const result = engine.recommend({
  genes: [{ gene: "CYP2C19", value: "*2/*2" }],
  drugs: ["clopidogrel"],
});
for (const drug of result.drugs) {
  for (const m of drug.matches) {
    console.log(`${drug.drug} (${drug.source}, ${drug.release}): ${m.action}`);
  }
}
try {
  engine.interpret("CYP2C19", "*2/*99");
} catch (e) {
  console.log(e.code === ErrorCode.UnknownAllele, e.message);
}
