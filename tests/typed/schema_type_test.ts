import { test } from "node:test";
import assert from "node:assert/strict";
import { schemaToType } from "../../src/typed/schema_type.ts";

const HEAD = "// Written by `strata types` from /usr/share/demo/schema.json.\n" +
  "// Do not edit: run `strata types` again after changing the schema.\n\n";

test("an object schema becomes an interface: required, defaults (also below) and descriptions", () => {
  const text = schemaToType({
    type: "object",
    description: "Demo app",
    required: ["name"],
    $defs: { port: { type: "integer", minimum: 1, maximum: 65535 } },
    properties: {
      name: { type: "string" },
      db: {
        type: "object",
        description: "The database\nwhere data lives",
        properties: {
          host: { type: "string", default: "localhost" },
          port: { $ref: "#/$defs/port" },
        },
      },
      cache: { type: "object", properties: { size: { type: "integer" } } },
      level: { enum: ["debug", "info"] },
      mode: { const: "fast" },
      "log.file": { type: ["string", "null"] },
      servers: {
        type: "object",
        additionalProperties: { type: "object", properties: { port: { $ref: "#/$defs/port" } } },
      },
      tags: { type: "array", items: { type: "string" }, "x-strata-merge": "union" },
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false },
      either: { anyOf: [{ type: "integer" }, { type: "array", items: { type: "integer" } }] },
      anything: true,
    },
  }, { name: "DemoConfig", source: "/usr/share/demo/schema.json" });
  assert.equal(
    text,
    HEAD + `/** Demo app */
export interface DemoConfig {
  name: string;
  /**
   * The database
   * where data lives
   */
  db: {
    host: string;
    port?: number;
  };
  cache?: {
    size?: number;
  };
  level?: "debug" | "info";
  mode?: "fast";
  "log.file"?: string | null;
  servers?: {
    [key: string]: {
      port?: number;
    };
  };
  tags?: string[];
  pair?: [string, number];
  either?: number | number[];
  anything?: unknown;
}
`,
  );
});

test("a schema that is not an object shape becomes a type alias; a self reference is unknown", () => {
  assert.equal(
    schemaToType({ type: ["integer", "string"] }, { name: "Port" }),
    "// Written by `strata types` from the application's schema.\n" +
      "// Do not edit: run `strata types` again after changing the schema.\n\n" +
      "export type Port = number | string;\n",
  );
  const tree = schemaToType({
    $defs: { node: { type: "object", properties: { next: { $ref: "#/$defs/node" } } } },
    $ref: "#/$defs/node",
  }, { name: "Tree" });
  assert.ok(
    tree.endsWith("export type Tree = {\n  next?: unknown;\n};\n"),
    tree,
  );
});

test("property and index types: named keys next to additionalProperties widen the index", () => {
  const text = schemaToType({
    type: "object",
    properties: { main: { type: "integer" } },
    additionalProperties: { type: "integer" },
    patternProperties: { "^x-": { type: "string" } },
  }, { name: "Mixed" });
  assert.ok(
    text.endsWith("export interface Mixed {\n  main?: number;\n  [key: string]: unknown;\n}\n"),
  );
  const free = schemaToType({ type: "object" }, { name: "Free" });
  assert.ok(free.endsWith("export type Free = Record<string, unknown>;\n"), free);
});
