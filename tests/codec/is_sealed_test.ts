import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { isSealed, SEALED_PREFIX } from "../../src/codec/is_sealed.ts";
import { runScript } from "../_support/mod.ts";

const codec = path.resolve(import.meta.dirname!, "../../src/codec");

test("isSealed tells sealed values of any version by their shape only", () => {
  assert.equal(SEALED_PREFIX, "enc:v1:");
  for (const yes of ["enc:v1:", "enc:v1:AAAA", "enc:v2:whatever", "enc:v10:x", "enc:v1:!"]) {
    assert.equal(isSealed(yes), true, yes);
  }
  for (
    const no of [
      "",
      "enc:",
      "enc:v:",
      "enc:v1",
      "enc:V1:AAAA",
      "ENC:v1:AAAA",
      " enc:v1:AAAA",
      "xenc:v1:AAAA",
      "enc:va:AAAA",
      "hunter2",
      5432,
      true,
      null,
      undefined,
      ["enc:v1:AAAA"],
      { v: "enc:v1:AAAA" },
    ]
  ) {
    assert.equal(isSealed(no), false, String(no));
  }
});

test("is_sealed.ts imports nothing: the get path pays one string test", () => {
  const source = fs.readFileSync(path.join(codec, "is_sealed.ts"), "utf8");
  assert.doesNotMatch(source, /^\s*(import|export)\b[^;]*\bfrom\b/m);
  assert.doesNotMatch(source, /\bimport\s*\(/);
  assert.doesNotMatch(source, /\bcrypto\b/);
});

/** Every module reachable from `file` by static imports (relative and bare specifiers). */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const source = fs.readFileSync(file, "utf8");
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)]
    .map((m) => m[1]);
  seen.set(file, specifiers);
  for (const s of specifiers) {
    if (s.startsWith(".")) importGraph(path.resolve(path.dirname(file), s), seen);
  }
  return seen;
}

test("the sealing modules import no node: builtin (never node:crypto), only WebCrypto", () => {
  const graph = importGraph(path.join(codec, "sealed.ts"));
  const files = [...graph.keys()].map((f) => path.relative(codec, f)).sort();
  // The codec's own files, the TOML reader and writer it formats plaintexts with, keys, errors.
  assert.ok(
    files.includes("_sealed_crypto.ts") && files.includes("../toml/parse.ts"),
    files.join(),
  );
  const outside = [...graph.values()].flat().filter((s) => !s.startsWith("."));
  assert.deepEqual(outside, []);
  for (const file of graph.keys()) {
    assert.doesNotMatch(fs.readFileSync(file, "utf8"), /node:crypto/, file);
  }
});

test("importing every codec module and using its pure parts calls no cryptography", async () => {
  const probe = path.join(import.meta.dirname!, "_import_probe.ts");
  const run = await runScript(probe, []);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.ok(result.modules.includes("sealed.ts") && result.modules.includes("is_sealed.ts"));
  assert.equal(result.atImport, 0);
  // The probe does see calls: one seal makes several.
  assert.ok(result.afterSeal > 5, String(result.afterSeal));
});
