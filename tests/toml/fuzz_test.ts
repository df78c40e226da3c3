/**
 * Fuzz: thousands of random and mutated inputs (the toml-test files of the
 * 1.1.0 list with byte flips, truncations, deletions and insertions of TOML's
 * punctuation). Whatever happens, the only error is a TomlParseError with a
 * line and column inside the text; whatever parses must also survive
 * stringify -> parse unchanged, and stringify's text must read in strict 1.0
 * mode; whatever strict 1.0 mode reads, the default 1.1 reads the same. Seeded and bounded in count, so each run is
 * the same few seconds of work.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseToml } from "../../src/toml/_parser.ts";
import { stringify } from "../../src/toml/stringify.ts";
import { TomlParseError } from "../../src/toml/errors.ts";
import { decodeUtf8 } from "../../scripts/_toml_test_tagged.ts";
import { mulberry32 as prng } from "../../scripts/_mulberry32.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const suite = path.join(repo, "tests", "fixtures", "toml-test");

function corpus(): Uint8Array[] {
  const list = path.join(suite, "files-toml-1.1.0");
  return fs.readFileSync(list, "utf8").split("\n").filter((f) => f.endsWith(".toml")).map((f) =>
    new Uint8Array(fs.readFileSync(path.join(suite, f)))
  );
}

const PUNCTUATION = [..."[]{}=\"'\n#.,:-+_ \t\r\\0123456789eExobtrufalsinz"].map((c) =>
  c.charCodeAt(0)
);
const NOOP_EVENTS = { header() {}, keyValue() {}, value() {} };

/** Parses `text` one way or another; fails the test on anything but a located TomlParseError. */
function check(text: string, withEvents: boolean, label: string): void {
  let value;
  try {
    value = parseToml(text, { bigint: true, events: withEvents ? NOOP_EVENTS : undefined });
  } catch (e) {
    if (!(e instanceof TomlParseError)) {
      assert.fail(
        `${label}: threw ${String(e)} (not a TomlParseError) for ${
          JSON.stringify(text.slice(0, 300))
        }`,
      );
    }
    const lines = text.split("\n").length;
    if (!(e.line >= 1 && e.column >= 1 && e.line <= lines)) {
      assert.fail(
        `${label}: bad location ${e.line}:${e.column} for ${JSON.stringify(text.slice(0, 300))}`,
      );
    }
    return;
  }
  let strict;
  try {
    strict = parseToml(text, { bigint: true, toml: "1.0" });
  } catch (e) {
    if (!(e instanceof TomlParseError)) assert.fail(`${label}: strict 1.0 threw ${String(e)}`);
  }
  if (strict !== undefined) assert.deepEqual(strict, value, `${label}: 1.0 and 1.1 disagree`);
  const written = stringify(value, { bigint: true });
  let again;
  try {
    again = parseToml(written, { bigint: true, toml: "1.0" });
  } catch (e) {
    assert.fail(`${label}: stringify wrote unparsable TOML (${(e as Error).message}):\n${written}`);
  }
  assert.deepEqual(again, value, `${label}: round trip changed the value`);
}

function mutate(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const out = Array.from(bytes);
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    switch (Math.floor(rnd() * 6)) {
      case 0: // flip a bit
        if (out.length > 0) out[at % out.length] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: // truncate
        out.length = at;
        break;
      case 2: // delete a run
        out.splice(at, 1 + Math.floor(rnd() * 8));
        break;
      case 3: // duplicate a run
        out.splice(at, 0, ...out.slice(at, at + 1 + Math.floor(rnd() * 20)));
        break;
      default: // insert punctuation
        out.splice(at, 0, PUNCTUATION[Math.floor(rnd() * PUNCTUATION.length)]);
    }
  }
  return new Uint8Array(out);
}

test("mutated toml-test files: only located parse errors, and round trips of what parses", {
  timeout: 120_000,
}, () => {
  const files = corpus();
  const rnd = prng(0xf022);
  let parsed = 0;
  for (let i = 0; i < 50000; i++) {
    const bytes = mutate(files[i % files.length], rnd);
    let text: string;
    try {
      text = decodeUtf8(bytes);
    } catch (e) {
      assert.ok(e instanceof TomlParseError && e.line >= 1 && e.column >= 1, String(e));
      text = new TextDecoder().decode(bytes);
    }
    check(text, i % 4 === 0, `mutation ${i}`);
    parsed++;
  }
  assert.equal(parsed, 50000);
});

test("random TOML-ish text: only located parse errors", { timeout: 120_000 }, () => {
  const rnd = prng(0xbeef);
  const pieces = [
    "a",
    "b.c",
    "=",
    " = ",
    "\n",
    "\r\n",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    '"',
    "'",
    '"""',
    "'''",
    "#",
    "1",
    "0x1F",
    "1.5e3",
    "-",
    "+",
    "inf",
    "nan",
    "true",
    "1979-05-27",
    "T07:32:00",
    "Z",
    "+01:00",
    "\\",
    "\\u00e9",
    "é",
    "😀",
    "\u0000",
    "\t",
    " ",
    "\uFEFF",
    "\ud800",
  ];
  for (let i = 0; i < 20000; i++) {
    let text = "";
    const n = 1 + Math.floor(rnd() * 30);
    for (let k = 0; k < n; k++) text += pieces[Math.floor(rnd() * pieces.length)];
    check(text, i % 3 === 0, `random ${i}`);
  }
});

/** The value at an absolute event path. */
function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}

/**
 * The editor's foundation: every `value` event's span, parsed on its own,
 * gives the value found at the event's path, and every `keyValue` event's key
 * span reads back as the same key segments.
 */
function checkSpans(text: string, label: string): void {
  const values: { path: (string | number)[]; start: number; end: number }[] = [];
  const keys: { key: string[]; keyStart: number; keyEnd: number }[] = [];
  const root = parseToml(text, {
    bigint: true,
    events: { value: (e) => values.push(e), keyValue: (e) => keys.push(e) },
  });
  for (const e of values) {
    const alone = parseToml(`v = ${text.slice(e.start, e.end)}`, { bigint: true }).v;
    assert.deepEqual(alone, valueAt(root, e.path), `${label}: value at ${JSON.stringify(e.path)}`);
  }
  for (const e of keys) {
    const t = parseToml(`${text.slice(e.keyStart, e.keyEnd)} = 1`, { bigint: true });
    assert.equal(valueAt(t, e.key), 1n, `${label}: key ${JSON.stringify(e.key)}`);
  }
}

test("event spans of every valid suite file and of mutations that parse read back exactly", {
  timeout: 120_000,
}, () => {
  const list = fs.readFileSync(path.join(suite, "files-toml-1.1.0"), "utf8").split("\n");
  const valid = list.filter((f) => f.startsWith("valid/") && f.endsWith(".toml"));
  for (const f of valid) checkSpans(decodeUtf8(fs.readFileSync(path.join(suite, f))), f);
  const files = corpus();
  const rnd = prng(0x5a4e);
  let checked = 0;
  for (let i = 0; i < 20000 && checked < 3000; i++) {
    let text: string;
    try {
      text = decodeUtf8(mutate(files[i % files.length], rnd));
      parseToml(text);
    } catch {
      continue;
    }
    checkSpans(text, `span mutation ${i}`);
    checked++;
  }
  assert.ok(checked > 500, `only ${checked} mutations parsed`);
});
