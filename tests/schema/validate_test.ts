import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSchema, schemaAt, validate } from "../../src/schema/validate.ts";
import type { Schema } from "../../src/schema/validate.ts";
import { StrataError } from "../../src/errors.ts";

const schema: Schema = checkSchema({
  type: "object",
  required: ["db"],
  additionalProperties: false,
  properties: {
    db: {
      type: "object",
      description: "Database connection",
      properties: {
        host: { type: "string", minLength: 1, maxLength: 20, pattern: "^[a-z0-9.-]+$" },
        port: { type: "integer", minimum: 1, maximum: 65535 },
      },
    },
    mode: { type: "string", enum: ["fast", "safe"] },
    ratio: { type: "number" },
    debug: { type: "boolean" },
    tags: { type: "array", items: { type: "string" }, "x-strata-merge": "union" },
    servers: {
      type: "object",
      additionalProperties: { type: "object", properties: { port: { type: "integer" } } },
    },
  },
}, "schema.json").schema;

test("a conforming value has no issues", () => {
  const value = {
    db: { host: "db.example", port: 5432 },
    mode: "safe",
    ratio: 0.5,
    debug: false,
    tags: ["a"],
    servers: { "eu.west": { port: 8080 } },
  };
  assert.deepEqual(validate(schema, value), []);
});

test("every keyword reports its own issue at the key path", () => {
  const value = {
    db: { host: "DB_HOST!", port: 70000 },
    mode: "slow",
    ratio: "half",
    debug: 1,
    tags: ["a", 2],
    servers: { "eu.west": { port: 1.5 } },
    extra: true,
  };
  assert.deepEqual(validate(schema, value), [
    {
      path: ["db", "host"],
      message: `"DB_HOST!" does not match the pattern ^[a-z0-9.-]+$`,
      pointer: "/properties/db/properties/host/pattern",
    },
    {
      path: ["db", "port"],
      message: "70000 is greater than the maximum 65535",
      pointer: "/properties/db/properties/port/maximum",
    },
    {
      path: ["mode"],
      message: `"slow" is not one of "fast", "safe"`,
      pointer: "/properties/mode/enum",
    },
    {
      path: ["ratio"],
      message: `expected number, found a string "half"`,
      pointer: "/properties/ratio/type",
    },
    {
      path: ["debug"],
      message: "expected boolean, found an integer 1",
      pointer: "/properties/debug/type",
    },
    {
      path: ["tags", 1],
      message: "expected string, found an integer 2",
      pointer: "/properties/tags/items/type",
    },
    {
      path: ["servers", "eu.west", "port"],
      message: "expected integer, found a float 1.5",
      pointer: "/properties/servers/additionalProperties/properties/port/type",
    },
    {
      path: ["extra"],
      message: "unknown key (known here: db, mode, ratio, debug, tags, servers)",
      pointer: "/additionalProperties",
    },
  ]);
});

test("required keys, string lengths in characters, and bigint bounds", () => {
  assert.deepEqual(validate(schema, {}), [
    { path: ["db"], message: "required key is missing", pointer: "/required" },
  ]);
  assert.deepEqual(validate(schema, { db: { host: "" } }), [
    {
      path: ["db", "host"],
      message: `"" is shorter than 1 characters`,
      pointer: "/properties/db/properties/host/minLength",
    },
    {
      path: ["db", "host"],
      message: `"" does not match the pattern ^[a-z0-9.-]+$`,
      pointer: "/properties/db/properties/host/pattern",
    },
  ]);
  assert.deepEqual(validate({ type: "string", maxLength: 2 }, "éé"), []);
  assert.deepEqual(validate({ type: "integer", maximum: 10 }, 2n ** 60n), [
    {
      path: [],
      message: "1152921504606846976 is greater than the maximum 10",
      pointer: "/maximum",
    },
  ]);
  assert.deepEqual(validate({ enum: [1, 2] }, 2n), []);
});

test("schemaAt follows properties, additionalProperties and items", () => {
  assert.equal(schemaAt(schema, ["db", "port"])?.maximum, 65535);
  assert.equal(schemaAt(schema, ["servers", "any", "port"])?.type, "integer");
  assert.equal(schemaAt(schema, ["tags", 0])?.type, "string");
  assert.equal(schemaAt(schema, ["nope", "x"]), undefined);
});

test("a malformed schema is refused with where and what", () => {
  const attempt = (s: unknown) => {
    try {
      checkSchema(s, "app.schema.json");
      return "accepted";
    } catch (e) {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, "schema");
      return e.message;
    }
  };
  assert.equal(
    attempt({ properties: { a: { oneOf: [] } } }),
    `app.schema.json: schema at #/properties/a: "oneOf" must be a non-empty array of schemas; mend the schema file`,
  );
  assert.equal(
    attempt({ type: "int" }),
    `app.schema.json: schema at #: "type" must be one of string, integer, number, boolean, object, array, null, not "int"; mend the schema file`,
  );
  assert.match(attempt({ pattern: "(" }), /"pattern" is not a valid regular expression/);
  assert.match(
    attempt({ "x-strata-merge": "zip" }),
    /"x-strata-merge" must be one of replace, append, union/,
  );
  assert.equal(
    attempt([]),
    "app.schema.json: schema at #: expected a JSON object; mend the schema file",
  );
  assert.equal(
    attempt({ properties: { a: { $ref: "other.json#/x" } } }),
    `app.schema.json: schema at #/properties/a: "$ref": "other.json#/x" names no schema in this file (strata follows references within the document only, like "#/$defs/port"); mend the schema file`,
  );
  assert.match(attempt({ $ref: "#/$defs/nope" }), /"\$ref": "#\/\$defs\/nope" names no schema/);
  assert.match(attempt({ items: [{}] }), /"items" as an array .* use "prefixItems"/);
});
