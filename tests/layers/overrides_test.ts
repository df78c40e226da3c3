import { test } from "node:test";
import assert from "node:assert/strict";
import { parseOverrides } from "../../src/layers/overrides.ts";

test("--set items: first = outside quotes splits, later items win", () => {
  const layer = parseOverrides(["a.b=1", 'q."x=y"=z', "a.b=2", "e="]);
  assert.deepEqual(layer.values, { a: { b: "2" }, q: { "x=y": "z" }, e: "" });
  assert.deepEqual(layer.entries.map((e) => [e.arg, e.path, e.text]), [
    ["a.b=1", ["a", "b"], "1"],
    ['q."x=y"=z', ["q", "x=y"], "z"],
    ["a.b=2", ["a", "b"], "2"],
    ["e=", ["e"], ""],
  ]);
});

test("a later item replaces a scalar with a table and back", () => {
  assert.deepEqual(parseOverrides(["a=1", "a.b=2"]).values, { a: { b: "2" } });
  assert.deepEqual(parseOverrides(["a.b=2", "a=1"]).values, { a: "1" });
});

test("malformed items are usage errors", () => {
  assert.throws(
    () => parseOverrides(["novalue"]),
    /^StrataError: --set "novalue": expected KEY=VALUE, e.g. --set db.port=5432$/,
  );
  assert.throws(
    () => parseOverrides(["a..b=1"]),
    /--set "a..b=1": invalid key "a..b": empty segment at column 3/,
  );
  assert.throws(() => parseOverrides(["=1"]), /empty key/);
});
