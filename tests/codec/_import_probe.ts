/**
 * Run in a fresh process by is_sealed_test.ts: counts every WebCrypto call
 * while importing each module of src/codec/ and using its pure functions,
 * then once more while sealing, and prints both counts as JSON.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";

const counts = { atImport: 0, afterSeal: 0 };
let calls = 0;
const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>;
const proto = Object.getPrototypeOf(subtle) as Record<string, unknown>;
for (const name of Object.getOwnPropertyNames(proto)) {
  const original = subtle[name];
  if (name === "constructor" || typeof original !== "function") continue;
  Object.defineProperty(subtle, name, {
    value: (...args: unknown[]) => {
      calls++;
      return original.apply(subtle, args);
    },
  });
}
const random = crypto.getRandomValues.bind(crypto);
Object.defineProperty(crypto, "getRandomValues", {
  value: <T extends ArrayBufferView | null>(array: T): T => {
    calls++;
    return random(array as never) as T;
  },
});

const folder = path.resolve(import.meta.dirname!, "../../src/codec");
const modules: Record<string, Record<string, unknown>> = {};
for (const file of fs.readdirSync(folder).filter((f) => f.endsWith(".ts")).sort()) {
  modules[file] = await import(path.join(folder, file));
}
const { isSealed } = await import("../../src/codec/is_sealed.ts");
const keys = await import("../../src/codec/sealed_keys.ts");
const context = await import("../../src/codec/sealed_context.ts");
const plaintext = await import("../../src/codec/sealed_plaintext.ts");
isSealed("enc:v1:AAAA");
isSealed("plain");
keys.parseRecipient("strata-recipient-v1:3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08");
context.encodeContext({ app: "a", layer: "user", key: ["k"] });
plaintext.decodePlaintext(plaintext.encodePlaintext({ a: [1, "x"] }));
counts.atImport = calls;
const { sealValue } = await import("../../src/codec/sealed.ts");
await sealValue("x", "strata-recipient-v1:3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08", {
  app: "a",
  layer: "user",
  key: ["k"],
});
counts.afterSeal = calls;
console.log(JSON.stringify({ ...counts, modules: Object.keys(modules) }));
