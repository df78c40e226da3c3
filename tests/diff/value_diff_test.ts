import { test } from "node:test";
import assert from "node:assert/strict";
import { diffValues, sameValue } from "../../src/diff/value_diff.ts";

test("changed, added and removed leaves are listed with their paths", () => {
  const a = { name: "x", db: { host: "a", port: 1 }, old: { k: true }, list: [1, 2] };
  const b = { name: "x", db: { host: "b", port: 1, user: "u" }, list: [1, 2, 3], fresh: 1n };
  assert.deepEqual(diffValues(a, b), [
    { path: ["db", "host"], before: "a", after: "b" },
    { path: ["db", "user"], before: undefined, after: "u" },
    { path: ["old", "k"], before: true, after: undefined },
    { path: ["list"], before: [1, 2], after: [1, 2, 3] },
    { path: ["fresh"], before: undefined, after: 1n },
  ]);
});

test("a table replaced by a scalar is one change; equal values none", () => {
  assert.deepEqual(diffValues({ a: { b: 1 } }, { a: 5 }), [{
    path: ["a"],
    before: { b: 1 },
    after: 5,
  }]);
  assert.deepEqual(diffValues({ a: [1, { b: 2n }] }, { a: [1, { b: 2n }] }), []);
});

test("sameValue tells integers from bigints of other values and NaN equals NaN", () => {
  assert.ok(sameValue(NaN, NaN));
  assert.ok(!sameValue(1n, 2n));
  assert.ok(!sameValue(1, "1"));
  assert.ok(!sameValue(Infinity, -Infinity));
});
