import { test } from "node:test";
import assert from "node:assert/strict";
import { guardDepth, MAX_DEPTH, nestingDepth } from "../src/max_depth.ts";
import { MAX_DEPTH as TOML_MAX_DEPTH } from "../src/toml/_parser.ts";
import { StrataError } from "../src/errors.ts";
import { wideIntegers } from "../src/values.ts";

/** An array nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

test("one bound: the TOML parser's", () => {
  assert.equal(MAX_DEPTH, 512);
  assert.equal(TOML_MAX_DEPTH, MAX_DEPTH);
});

test("nestingDepth counts arrays and tables without recursion, and stops past the limit", () => {
  assert.equal(nestingDepth("x"), 0);
  assert.equal(nestingDepth([]), 1);
  assert.equal(nestingDepth({ a: [1, { b: [] }] }), 4);
  assert.equal(nestingDepth(nested(512)), 512);
  assert.equal(nestingDepth(nested(100_000)), 513);
  assert.equal(nestingDepth(nested(100_000), 10), 11);
});

test("guardDepth refuses past the bound with a type error", () => {
  guardDepth(512, "walk");
  assert.throws(() => guardDepth(513, "cannot walk"), (e: unknown) => {
    assert.ok(e instanceof StrataError);
    assert.equal(e.code, "type");
    assert.equal(
      e.message,
      "cannot walk: the value nests deeper than 512 levels, the most strata handles",
    );
    return true;
  });
});

test("wideIntegers finds integers beyond 64 bits, with their paths, in order", () => {
  const found = wideIntegers({
    ok: [2n ** 63n - 1n, -(2n ** 63n)],
    id: 2n ** 64n,
    deep: { list: [1, -(2n ** 63n) - 1n] },
  });
  assert.deepEqual(found, [
    { path: ["id"], value: 2n ** 64n },
    { path: ["deep", "list", "1"], value: -(2n ** 63n) - 1n },
  ]);
  assert.deepEqual(wideIntegers(nested(100_000)), []);
});
