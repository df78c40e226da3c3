/**
 * The official toml-test suite through the same functions the decoder and
 * encoder scripts use, for both versions: the TOML 1.1.0 list as read by
 * default, the TOML 1.0.0 list in strict 1.0 mode. Every valid case decodes
 * to the expected tagged JSON and round-trips through the encoder; every
 * invalid case raises a TomlParseError and nothing else. The cases are the
 * copy in tests/fixtures/toml-test.
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
import type { TomlVersion } from "../../src/toml/mod.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const suite = path.join(repo, "tests", "fixtures", "toml-test");

/** The cases a list names, split into valid and invalid. */
function listed(list: string): { valid: string[]; invalid: string[] } {
  const cases = fs.readFileSync(path.join(suite, list), "utf8").split("\n")
    .filter((f) => f.endsWith(".toml"));
  return {
    valid: cases.filter((f) => f.startsWith("valid/")),
    invalid: cases.filter((f) => f.startsWith("invalid/")),
  };
}

/** Cases grouped by folder, one test per folder keeps the output short. */
function byFolder(files: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const dir = path.posix.dirname(f);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return groups;
}

/** Every valid case of `files` decodes as expected and round-trips; returns the failures. */
function validFailures(files: string[], version: TomlVersion): string[] {
  const failures: string[] = [];
  for (const f of files) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(suite, f)));
    const expected = JSON.parse(
      fs.readFileSync(path.join(suite, f.replace(/\.toml$/, ".json")), "utf8"),
    );
    let decoded: unknown;
    try {
      decoded = JSON.parse(decodeToTaggedJson(bytes, version));
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
      // What strata writes is 1.0 whatever it read: it must read back strictly.
      encoded = encodeFromTaggedJson(JSON.stringify(expected), "1.0");
      const again = JSON.parse(decodeToTaggedJson(new TextEncoder().encode(encoded), "1.0"));
      const rt = taggedDifference(again, expected);
      if (rt) failures.push(`${f}: round trip differs at ${rt}\n${encoded}`);
    } catch (e) {
      failures.push(`${f}: round trip failed: ${(e as Error).message}\n${encoded}`);
    }
  }
  return failures;
}

/** Every invalid case of `files` is refused with a located TomlParseError; returns the failures. */
function invalidFailures(files: string[], version: TomlVersion): string[] {
  const failures: string[] = [];
  for (const f of files) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(suite, f)));
    try {
      decodeToTaggedJson(bytes, version);
      failures.push(`${f}: accepted`);
    } catch (e) {
      if (!(e instanceof TomlParseError)) {
        failures.push(`${f}: threw ${String(e)} instead of a TomlParseError`);
      } else if (!(e.line >= 1 && e.column >= 1) || !e.message.startsWith(`line ${e.line},`)) {
        failures.push(`${f}: bad location in ${e.message}`);
      }
    }
  }
  return failures;
}

const LISTS = [
  { list: "files-toml-1.1.0", version: "1.1", valid: 220, invalid: 492 },
  { list: "files-toml-1.0.0", version: "1.0", valid: 210, invalid: 499 },
] as const;

for (const { list, version, valid: validCount, invalid: invalidCount } of LISTS) {
  const { valid, invalid } = listed(list);
  const mode = version === "1.0" ? "strict 1.0" : "default";

  test(`${list} has ${validCount} valid and ${invalidCount} invalid cases`, () => {
    assert.equal(valid.length, validCount);
    assert.equal(invalid.length, invalidCount);
  });

  for (const [dir, files] of byFolder(valid)) {
    test(
      `${list} ${dir}: ${files.length} valid cases decode (${mode}) and round-trip`,
      { timeout: 120_000 },
      () => assert.deepEqual(validFailures(files, version), []),
    );
  }

  for (const [dir, files] of byFolder(invalid)) {
    test(
      `${list} ${dir}: ${files.length} invalid cases are rejected (${mode}) with a located error`,
      { timeout: 120_000 },
      () => assert.deepEqual(invalidFailures(files, version), []),
    );
  }
}

test("what 1.1 added is refused in strict 1.0 mode: the 1.1-only valid cases", () => {
  const only11 = listed("files-toml-1.1.0").valid.filter((f) =>
    !listed("files-toml-1.0.0").valid.includes(f)
  );
  const refused = only11.filter((f) => {
    try {
      decodeToTaggedJson(new Uint8Array(fs.readFileSync(path.join(suite, f))), "1.0");
      return false;
    } catch (e) {
      return e instanceof TomlParseError;
    }
  });
  // The new spec examples are mostly 1.0 text; these use what 1.1 added.
  assert.deepEqual(
    only11.filter((f) => !f.startsWith("valid/spec-1.1.0/")).sort(),
    [
      "valid/datetime/no-seconds.toml",
      "valid/inline-table/newline-comment.toml",
      "valid/inline-table/newline.toml",
      "valid/key/empty-05.toml",
      "valid/string/escape-esc.toml",
      "valid/string/hex-escape.toml",
    ],
  );
  for (const f of only11.filter((f) => !f.startsWith("valid/spec-1.1.0/"))) {
    assert.ok(refused.includes(f), `${f} is accepted in strict 1.0 mode`);
  }
});

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

test(
  "the scripts read TOML 1.1 by default and strictly 1.0 with --toml 1.0; a bad argument exits 2",
  { timeout: 120_000 },
  () => {
    const decoder = path.join(repo, "scripts", "toml-test-decoder.ts");
    const encoder = path.join(repo, "scripts", "toml-test-encoder.ts");
    const [dcmd, ...dargs] = scriptCommand(decoder);
    const sample = "t = {\n  a = 07:32, # no seconds\n}\n";
    const dec = spawnSync(dcmd, dargs, { input: sample, encoding: "utf8" });
    assert.equal(dec.status, 0, dec.stderr);
    assert.deepEqual(JSON.parse(dec.stdout), {
      t: { a: { type: "time-local", value: "07:32:00" } },
    });
    const strict = spawnSync(dcmd, [...dargs, "--toml", "1.0"], {
      input: sample,
      encoding: "utf8",
    });
    assert.equal(strict.status, 1);
    assert.equal(strict.stdout, "");
    assert.equal(
      strict.stderr,
      "line 1, column 6: a newline is not allowed inside an inline table { ... }: " +
        "keep it on one line, or use a [table]\n",
    );
    const eleven = spawnSync(dcmd, [...dargs, "--toml=1.1"], { input: sample, encoding: "utf8" });
    assert.equal(eleven.stdout, dec.stdout);
    const [ecmd, ...eargs] = scriptCommand(encoder);
    const enc = spawnSync(ecmd, [...eargs, "--toml", "1.0"], {
      input: dec.stdout,
      encoding: "utf8",
    });
    assert.equal(enc.status, 0, enc.stderr);
    assert.equal(enc.stdout, "[t]\na = 07:32:00\n");
    for (const [cmd, args, name] of [[dcmd, dargs, "decoder"], [ecmd, eargs, "encoder"]] as const) {
      const wrong = spawnSync(cmd, [...args, "--toml", "2.0"], { input: "", encoding: "utf8" });
      assert.equal(wrong.status, 2);
      assert.equal(
        wrong.stderr,
        `usage: toml-test-${name}.ts [--toml 1.0|1.1] (unknown TOML version "2.0")\n`,
      );
    }
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
