/**
 * The official toml-test suite (TOML 1.0.0 list) through the same functions
 * the decoder and encoder scripts use: every valid case decodes to the
 * expected tagged JSON and round-trips through the encoder; every invalid
 * case raises a TomlParseError and nothing else.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  decodeToTaggedJson,
  encodeFromTaggedJson,
  taggedDifference,
} from "../../scripts/_toml_test_tagged.ts";
import { TomlParseError } from "../../src/toml/errors.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const suite = process.env.TOML_TEST_DIR ?? path.resolve(repo, "..", "shared", "toml-test");
const listFile = path.join(suite, "files-toml-1.0.0");

if (!fs.existsSync(listFile)) {
  throw new Error(
    `toml-test suite not found at ${suite} (no files-toml-1.0.0): put it beside the clone ` +
      "as ../shared/toml-test or set TOML_TEST_DIR",
  );
}

const cases = fs.readFileSync(listFile, "utf8").split("\n").filter((f) => f.endsWith(".toml"));
const valid = cases.filter((f) => f.startsWith("valid/"));
const invalid = cases.filter((f) => f.startsWith("invalid/"));

/** Cases grouped by folder, one test per folder keeps the output short. */
function byFolder(files: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const dir = path.posix.dirname(f);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return groups;
}

test("the 1.0.0 list has 210 valid and 499 invalid cases", { timeout: 120_000 }, () => {
  assert.equal(valid.length, 210);
  assert.equal(invalid.length, 499);
});

for (const [dir, files] of byFolder(valid)) {
  test(
    `toml-test ${dir}: ${files.length} valid cases decode and round-trip`,
    { timeout: 120_000 },
    () => {
      const failures: string[] = [];
      for (const f of files) {
        const bytes = new Uint8Array(fs.readFileSync(path.join(suite, f)));
        const expected = JSON.parse(
          fs.readFileSync(path.join(suite, f.replace(/\.toml$/, ".json")), "utf8"),
        );
        let decoded: unknown;
        try {
          decoded = JSON.parse(decodeToTaggedJson(bytes));
        } catch (e) {
          failures.push(`${f}: rejected: ${(e as Error).message}`);
          continue;
        }
        const diff = taggedDifference(decoded, expected);
        if (diff) {
          failures.push(`${f}: decoded differs at ${diff}`);
          continue;
        }
        let encoded = "";
        try {
          encoded = encodeFromTaggedJson(JSON.stringify(expected));
          const again = JSON.parse(decodeToTaggedJson(new TextEncoder().encode(encoded)));
          const rt = taggedDifference(again, expected);
          if (rt) failures.push(`${f}: round trip differs at ${rt}\n${encoded}`);
        } catch (e) {
          failures.push(`${f}: round trip failed: ${(e as Error).message}\n${encoded}`);
        }
      }
      assert.deepEqual(failures, []);
    },
  );
}

for (const [dir, files] of byFolder(invalid)) {
  test(`toml-test ${dir}: ${files.length} invalid cases are rejected with a located error`, {
    timeout: 120_000,
  }, () => {
    const failures: string[] = [];
    for (const f of files) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(suite, f)));
      try {
        decodeToTaggedJson(bytes);
        failures.push(`${f}: accepted`);
      } catch (e) {
        if (!(e instanceof TomlParseError)) {
          failures.push(`${f}: threw ${String(e)} instead of a TomlParseError`);
        } else if (!(e.line >= 1 && e.column >= 1) || !e.message.startsWith(`line ${e.line},`)) {
          failures.push(`${f}: bad location in ${e.message}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });
}

/** How to run a script with the runtime running this test. */
function scriptCommand(script: string): string[] {
  const isDeno = "Deno" in globalThis;
  return isDeno ? [process.execPath, "run", "-A", script] : [process.execPath, script];
}

test(
  "the decoder and encoder scripts speak the protocol on stdin/stdout",
  { timeout: 120_000 },
  () => {
    const decoder = path.join(repo, "scripts", "toml-test-decoder.ts");
    const encoder = path.join(repo, "scripts", "toml-test-encoder.ts");
    const sample = "a = 1\nb = 1.0\n[t]\nd = 1979-05-27\n";
    const [dcmd, ...dargs] = scriptCommand(decoder);
    const dec = spawnSync(dcmd, dargs, { input: sample, encoding: "utf8" });
    assert.equal(dec.status, 0, dec.stderr);
    assert.deepEqual(JSON.parse(dec.stdout), {
      a: { type: "integer", value: "1" },
      b: { type: "float", value: "1" },
      t: { d: { type: "date-local", value: "1979-05-27" } },
    });
    const [ecmd, ...eargs] = scriptCommand(encoder);
    const enc = spawnSync(ecmd, eargs, { input: dec.stdout, encoding: "utf8" });
    assert.equal(enc.status, 0, enc.stderr);
    assert.equal(enc.stdout, "a = 1\nb = 1.0\n\n[t]\nd = 1979-05-27\n");
    const bad = spawnSync(dcmd, dargs, { input: "a = \n", encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, "");
    assert.equal(bad.stderr, "line 1, column 5: expected a value, found the end of the line\n");
  },
);

test("invalid UTF-8 is a parse error at the bad byte; a BOM is skipped once", () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('a = 1\nb = "é'), 0xc3, 0x22, 0x0a]);
  assert.throws(
    () => decodeToTaggedJson(bytes),
    (e) =>
      e instanceof TomlParseError && e.line === 2 && e.column === 7 &&
      e.message ===
        "line 2, column 7: invalid UTF-8 (byte 0xC3): a TOML file must be UTF-8 encoded",
  );
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("a = 1\n")]);
  assert.deepEqual(JSON.parse(decodeToTaggedJson(bom)), { a: { type: "integer", value: "1" } });
  const twice = new Uint8Array([0xef, 0xbb, 0xbf, ...bom]);
  assert.throws(() => decodeToTaggedJson(twice), TomlParseError);
});
