// parseValues: integers as numbers when exact (bigints beyond), and the set of
// table keys whose whole-number value is written as a float (`1.0`), outside
// arrays; the same floats as the document editor reports for the same text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { floatPaths, parseDocument, parseValues, pathId } from "../../src/layers/document.ts";

const text = `a = 1.0
b = 1
c = 1.5
d = [2.0, { e = 3.0 }]
f.g = 4.0
big = 9007199254740993
neg = -9007199254740991
h = 1e3
[t]
i = { j = 5.0, k = 6 }
[[arr]]
l = 7.0
[t.sub]
m = 8e0
"__proto__" = 2.0
`;

test("parseValues keeps exact integers as numbers, bigger ones as bigints", () => {
  const { values } = parseValues(text, "toml");
  assert.equal(values.b, 1);
  assert.equal(values.big, 9007199254740993n);
  assert.equal(values.neg, -9007199254740991);
  assert.deepEqual(values.d, [2, { e: 3 }]);
  const t = values.t as Record<string, Record<string, unknown>>;
  assert.deepEqual(t.i, { j: 5, k: 6 });
  assert.equal(Object.getOwnPropertyDescriptor(t.sub, "__proto__")?.value, 2);
});

test("parseValues names the keys whose whole number is a float, outside arrays", () => {
  const { floats } = parseValues(text, "toml");
  const expected = [["a"], ["f", "g"], ["h"], ["t", "i", "j"], ["t", "sub", "m"], [
    "t",
    "sub",
    "__proto__",
  ]].map(pathId);
  assert.deepEqual([...floats!].sort(), expected.sort());
  const doc = parseDocument(text, "toml");
  assert.deepEqual([...floatPaths(doc.toValue(), doc)].sort(), expected.sort());
});

test("parseValues of a text with no float finds none", () => {
  assert.equal(parseValues("a = 1\n[t]\nb = 'x'\n", "toml").floats!.size, 0);
});
