import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadSchemaFile, schemaFromValue } from "../../src/schema/load_schema.ts";
import { descriptionAt, mergeStrategyAt, refuseBrokenSet } from "../../src/schema/check_value.ts";

test("a schema file is read and checked; a missing one is no schema; a bad one is refused", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  try {
    const file = path.join(dir, "schema.json");
    assert.equal(loadSchemaFile(file), undefined);
    assert.throws(() => loadSchemaFile(file, true), { code: "not_found" });
    fs.writeFileSync(file, '{"type": "object", "properties": {"port": {"type": "integer"}}}');
    assert.deepEqual(loadSchemaFile(file)?.schema.properties?.port, { type: "integer" });
    assert.equal(loadSchemaFile(file)?.file, file);
    fs.writeFileSync(file, "{ nope");
    assert.throws(() => loadSchemaFile(file), (e: Error & { code?: string }) => {
      assert.equal(e.code, "schema");
      assert.match(e.message, new RegExp(`^${file}: the schema is not valid JSON`));
      return true;
    });
    fs.writeFileSync(file, '{"oneOf": []}');
    assert.throws(() => loadSchemaFile(file), /"oneOf" must be a non-empty array of schemas/);
    fs.writeFileSync(file, '{"properties": {"a": {"unevaluatedProperties": false}}}');
    assert.deepEqual(loadSchemaFile(file)?.warnings, [
      `${file}: the schema keyword "unevaluatedProperties" at #/properties/a is not checked by strata ` +
      `(it is ignored); express the rule with the supported keywords or remove it`,
    ]);
    assert.throws(() => schemaFromValue([1]), { code: "usage" });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("a set is refused for issues at, under or above its key only", () => {
  const loaded = {
    file: "/s.json",
    schema: {
      type: "object" as const,
      required: ["name"],
      additionalProperties: false,
      properties: {
        name: { type: "string" as const },
        port: { type: "integer" as const, maximum: 65535, description: "TCP port" },
        db: {
          type: "object" as const,
          additionalProperties: false,
          properties: { host: { type: "string" as const } },
        },
        plugins: { type: "array" as const, "x-strata-merge": "union" as const },
      },
    },
  };
  refuseBrokenSet(loaded, { port: 80 }, ["port"]); // name missing: another layer may set it
  refuseBrokenSet(loaded, { port: 80, db: { host: 1 } }, ["port"]); // an old issue elsewhere
  assert.throws(
    () => refuseBrokenSet(loaded, { port: 70000 }, ["port"]),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, "schema");
      assert.equal(
        e.message,
        "port: 70000 is greater than the maximum 65535 (the schema /s.json); nothing was written",
      );
      return true;
    },
  );
  assert.throws(
    () => refuseBrokenSet(loaded, { db: { hots: "x" } }, ["db", "hots"]),
    /: db\.hots: unknown key \(known here: host\)/,
  );
  assert.throws(
    () => refuseBrokenSet(loaded, { colour: "x" }, ["colour"]),
    /: colour: unknown key/,
  );
  assert.equal(descriptionAt(loaded.schema, ["port"]), "TCP port");
  assert.equal(descriptionAt(loaded.schema, ["nope"]), undefined);
  assert.equal(mergeStrategyAt(loaded.schema, ["plugins"]), "union");
  assert.equal(mergeStrategyAt(loaded.schema, ["port"]), "replace");
});
