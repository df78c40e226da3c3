import { test } from "node:test";
import assert from "node:assert/strict";
import { decodePlaintext, encodePlaintext } from "../../src/codec/sealed_plaintext.ts";
import { parse } from "../../src/toml/parse.ts";

test("the plaintext is the value's inline TOML, on one line", () => {
  const doc = parse("d = 1979-05-27T07:32:00Z\nt = 07:32:00\n");
  const cases: [unknown, string][] = [
    ["hunter2", '"hunter2"'],
    ["line\nbreak\t\u0000\u007f", '"line\\nbreak\\t\\u0000\\u007f"'],
    [5432, "5432"],
    [9223372036854775807n, "9223372036854775807"],
    [2.5, "2.5"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
    [true, "true"],
    [doc.d, "1979-05-27T07:32:00Z"],
    [doc.t, "07:32:00"],
    [[1, ["a"], {}], '[1, ["a"], {}]'],
    [{ "a b": { c: 1 } }, '{ "a b" = { c = 1 } }'],
  ];
  for (const [value, text] of cases) {
    assert.equal(encodePlaintext(value as never), text);
    assert.deepEqual(decodePlaintext(text), { value, float: false }, text);
  }
});

test("a whole float keeps its type both ways", () => {
  assert.equal(encodePlaintext(3, { float: true }), "3.0");
  assert.equal(encodePlaintext(3), "3");
  assert.equal(encodePlaintext([3], { float: true }), "[3]"); // top-level numbers only
  assert.deepEqual(decodePlaintext("3.0"), { value: 3, float: true });
  assert.deepEqual(decodePlaintext("3e0"), { value: 3, float: true });
  assert.deepEqual(decodePlaintext("3"), { value: 3, float: false });
});

test("anything but one TOML value is refused", () => {
  for (
    const bad of ["", " ", "hunter2", "1 2", "1\nw = 2", "1\r", '"a"\n', '"""a\nb"""', "[1", "{a=1"]
  ) {
    assert.equal(decodePlaintext(bad), undefined, JSON.stringify(bad));
  }
});
