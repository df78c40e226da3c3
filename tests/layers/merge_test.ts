import { test } from "node:test";
import assert from "node:assert/strict";
import {
  assignPath,
  lookup,
  mergedLeaves,
  mergedValue,
  mergeSources,
} from "../../src/layers/merge.ts";

test("lookup finds values, reports absence and blocking prefixes", () => {
  const t = { a: { b: 1 }, s: "x", arr: [1] };
  assert.deepEqual(lookup(t, ["a", "b"]), { found: true, value: 1 });
  assert.deepEqual(lookup(t, ["a"]), { found: true, value: { b: 1 } });
  assert.deepEqual(lookup(t, ["a", "c"]), { found: false });
  assert.deepEqual(lookup(t, ["s", "x"]), { found: false, blockedAt: 1 });
  assert.deepEqual(lookup(t, ["arr", "0"]), { found: false, blockedAt: 1 });
  assert.deepEqual(lookup(undefined, ["a"]), { found: false });
  assert.deepEqual(lookup(t, ["toString"]), { found: false });
});

test("merge: tables key by key, arrays and scalars replace, leaves keep their layer", () => {
  const m = mergeSources([
    { layer: "top", value: { t: { a: 1 }, arr: [9], s: { x: 1 } } },
    { layer: "mid", value: { t: { b: 2 }, s: "scalar" } },
    { layer: "low", value: { t: { a: 0, c: 3 }, arr: [1, 2], s: { y: 2 } } },
  ])!;
  assert.deepEqual(mergedValue(m), { t: { a: 1, c: 3, b: 2 }, arr: [9], s: { x: 1 } });
  assert.deepEqual(mergedLeaves(m).map((l) => [l.path.join("."), l.layer]), [
    ["t.a", "top"],
    ["t.c", "low"],
    ["t.b", "mid"],
    ["arr", "top"],
    ["s.x", "top"],
  ]);
  assert.deepEqual(mergedValue(m, (leaf) => `${leaf.layer}:${leaf.path.join(".")}`), {
    t: { a: "top:t.a", c: "low:t.c", b: "mid:t.b" },
    arr: "top:arr",
    s: { x: "top:s.x" },
  });
});

test("assignPath creates tables and keeps __proto__ an ordinary key", () => {
  const t: Record<string, unknown> = {};
  assignPath(t, ["__proto__", "x"], 1);
  assert.deepEqual(Object.keys(t), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(t), Object.prototype);
  assert.deepEqual(lookup(t, ["__proto__", "x"]), { found: true, value: 1 });
});
