import { test } from "node:test";
import assert from "node:assert/strict";
import { formatKey, parseKey } from "../src/keys.ts";
import { StrataError } from "../src/errors.ts";

test("parseKey reads bare, basic and literal segments", () => {
  assert.deepEqual(parseKey("db.host"), ["db", "host"]);
  assert.deepEqual(parseKey('servers."eu.west".port'), ["servers", "eu.west", "port"]);
  assert.deepEqual(parseKey("'C:\\temp' . size"), ["C:\\temp", "size"]);
  assert.deepEqual(parseKey('"a\\"b\\u00e9\\n"'), ['a"bé\n']);
  assert.deepEqual(parseKey('""'), [""]);
  assert.deepEqual(parseKey("Database.Host"), ["Database", "Host"]);
  assert.deepEqual(parseKey("1.2"), ["1", "2"]);
});

test("parseKey errors say where", () => {
  const cases: Array<[string, string]> = [
    ["", "empty key at column 1"],
    ["a..b", "empty segment at column 3"],
    ["a.", "a key segment is missing at column 3"],
    ["a b", 'unexpected "b" at column 3'],
    ['a."b', "unterminated quoted segment at column 3"],
    ["a/b", 'unexpected "/" at column 2'],
    ['"\\q"', "unknown escape \\q at column 2"],
  ];
  for (const [text, what] of cases) {
    assert.throws(() => parseKey(text), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, "usage");
      assert.ok(e.message.startsWith(`invalid key ${JSON.stringify(text)}: ${what}; `), e.message);
      return true;
    });
  }
});

test("formatKey quotes only what needs it and round-trips", () => {
  assert.equal(formatKey(["db", "host"]), "db.host");
  assert.equal(formatKey(["servers", "eu.west", "port"]), 'servers."eu.west".port');
  assert.equal(formatKey(["a b", 'q"', "", "tab\t"]), '"a b"."q\\"".""."tab\\t"');
  for (const path of [["x", "y.z", "é", "\u0001", "back\\slash"]]) {
    assert.deepEqual(parseKey(formatKey(path)), path);
  }
});
