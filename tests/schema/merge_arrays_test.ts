import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeArrays } from "../../src/schema/merge_arrays.ts";
import { valueTypeOfSchema } from "../../src/schema/value_type.ts";

test("replace keeps the top layer's array", () => {
  assert.deepEqual(mergeArrays("replace", [[1, 2], [3]]), [3]);
});

test("append concatenates lowest layer first", () => {
  assert.deepEqual(mergeArrays("append", [[1, 2], [2, 3], []]), [1, 2, 2, 3]);
});

test("union drops later duplicates by value, tables and bigints included", () => {
  assert.deepEqual(
    mergeArrays("union", [[{ a: 1 }, 1n, "x"], [{ a: 1 }, 1n, 1, "y"]]),
    [{ a: 1 }, 1n, "x", 1, "y"],
  );
  assert.deepEqual(mergeArrays("union", []), []);
});

test("a schema type maps to the conversion type", () => {
  assert.equal(valueTypeOfSchema({ type: "integer" }), "int");
  assert.equal(valueTypeOfSchema({ type: "number" }), "float");
  assert.equal(valueTypeOfSchema({ type: "boolean" }), "bool");
  assert.equal(valueTypeOfSchema({ type: "string" }), "string");
  assert.equal(valueTypeOfSchema({ type: "string", format: "date-time" }), "date");
  assert.equal(valueTypeOfSchema({ type: "array" }), "json");
  assert.equal(valueTypeOfSchema({ type: ["string", "integer"] }), undefined);
  assert.equal(valueTypeOfSchema({}), undefined);
});
