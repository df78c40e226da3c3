// The keywords and formats of the supported subset, the checks made when a
// schema loads (keywords not checked, $ref to nowhere, cycles, depth), the
// per-key check of one layer's value, and the schema's defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSchema } from "../../src/schema/check_schema.ts";
import { matchesFormat } from "../../src/schema/formats.ts";
import { checkLeaf, leafIssues, schemaAt } from "../../src/schema/nodes_at.ts";
import { schemaDefaults } from "../../src/schema/schema_defaults.ts";
import { validate } from "../../src/schema/validate.ts";
import type { SchemaNode } from "../../src/schema/types.ts";

const messages = (schema: SchemaNode, value: unknown) =>
  validate(schema, value).map((i) => `${i.pointer} ${i.message}`);

test("formats: valid and invalid examples of each checked format", () => {
  const cases: Record<string, [string[], string[]]> = {
    email: [["ops@example.org", "a.b+c@sub.example.co", "x@[10.0.0.1]"], [
      "ops",
      "@example.org",
      "a..b@example.org",
      "ops@exa mple.org",
      "ops@-bad.org",
    ]],
    hostname: [["example.org", "db-1", "a.b.c"], ["-db", "db_1", "a..b", "x".repeat(64), ""]],
    ipv4: [["10.0.0.1", "255.255.255.255", "0.0.0.0"], [
      "256.1.1.1",
      "1.2.3",
      "01.2.3.4",
      "1.2.3.4 ",
    ]],
    ipv6: [["::1", "2001:db8::8a2e:370:7334", "::", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1"], [
      "1:2:3:4:5:6:7:8:9",
      "2001:db8:::1",
      "1::2::3",
      "12345::",
      "::ffff:256.0.0.1",
      "1:2:3:4:5:6:7",
    ]],
    uri: [["https://example.org/a?b=c#d", "urn:isbn:0451450523", "mailto:ops@example.org"], [
      "example.org",
      "/relative/path",
      "http://exa mple.org",
      "1http://x",
    ]],
    "date-time": [["1979-05-27T07:32:00Z", "1979-05-27t07:32:00.5+01:00", "2024-02-29T23:59:60Z"], [
      "1979-05-27 07:32:00Z",
      "1979-05-27T07:32:00",
      "2023-02-29T00:00:00Z",
      "1979-13-27T07:32:00Z",
    ]],
    date: [["1979-05-27", "2000-02-29"], ["1979-5-27", "1900-02-29", "1979-04-31", "27.05.1979"]],
    time: [["07:32:00Z", "23:59:59.999+05:30"], ["07:32:00", "24:00:00Z", "07:60:00Z"]],
    uuid: [["123e4567-e89b-12d3-a456-426614174000"], [
      "123e4567e89b12d3a456426614174000",
      "123e4567-e89b-12d3-a456-42661417400g",
    ]],
    regex: [["^[a-z]+$", "a|b"], ["(", "[z-a]"]],
  };
  for (const [format, [good, bad]] of Object.entries(cases)) {
    for (const text of good) assert.ok(matchesFormat(format, text), `${format} ${text}`);
    for (const text of bad) assert.ok(!matchesFormat(format, text), `${format} ${text}`);
  }
  assert.deepEqual(messages({ format: "email" }, "nobody"), [
    `/format "nobody" is not a valid email`,
  ]);
  assert.ok(matchesFormat("duration", "anything"), "a format not checked accepts");
});

test("const, pattern, bounds, arrays and table keywords", () => {
  assert.deepEqual(messages({ const: "on" }, "off"), [`/const "off" is not "on"`]);
  assert.deepEqual(messages({ exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.25 }, 1), [
    "/exclusiveMaximum 1 is not less than 1",
  ]);
  assert.deepEqual(messages({ multipleOf: 5 }, 12), ["/multipleOf 12 is not a multiple of 5"]);
  assert.deepEqual(messages({ minItems: 2, uniqueItems: true, contains: { const: 9 } }, [1, 1]), [
    "/uniqueItems holds 1 more than once",
    "/contains holds no item that matches #/contains",
  ]);
  assert.deepEqual(
    messages({ prefixItems: [{ type: "string" }], items: { type: "integer" } }, ["a", 1, "b"]),
    [
      '/items/type expected integer, found a string "b"',
    ],
  );
  assert.deepEqual(
    messages({
      patternProperties: { "^x-": { type: "string" } },
      propertyNames: { pattern: "^[a-z-]+$" },
    }, {
      "x-a": 1,
      B: "b",
    }),
    [
      "/patternProperties/^x-/type expected string, found an integer 1",
      `/propertyNames/pattern the key name "B" does not match the pattern ^[a-z-]+$`,
    ],
  );
  assert.deepEqual(
    messages({ dependentRequired: { tls: ["cert"] }, maxProperties: 1 }, { tls: true, x: 1 }),
    [
      "/dependentRequired/tls required key is missing (required when tls is set)",
      "/maxProperties has 2 keys, more than 1",
    ],
  );
});

test("$ref within the document ($defs, definitions, #), allOf, anyOf, oneOf, not, if/then/else", () => {
  const schema: SchemaNode = {
    $defs: { port: { type: "integer", maximum: 65535 } },
    definitions: { name: { type: "string", minLength: 1 } },
    properties: {
      port: { $ref: "#/$defs/port" },
      name: { $ref: "#/definitions/name" },
      both: { allOf: [{ minimum: 1 }, { maximum: 3 }] },
      either: { anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+$" }] },
      one: { oneOf: [{ type: "integer" }, { minimum: 0 }] },
      notx: { not: { const: "x" } },
      mode: {
        if: { const: "tls" },
        then: { type: "string" },
        else: { enum: ["plain", "none"] },
      },
    },
  };
  assert.deepEqual(checkSchema(schema, "s.json").warnings, []);
  assert.deepEqual(
    messages(schema, {
      port: 70000,
      name: "",
      both: 5,
      either: "a1",
      one: 5,
      notx: "x",
      mode: "udp",
    }),
    [
      "/$defs/port/maximum 70000 is greater than the maximum 65535",
      '/definitions/name/minLength "" is shorter than 1 characters',
      "/properties/both/allOf/1/maximum 5 is greater than the maximum 3",
      '/properties/either/anyOf "a1" matches none of the anyOf choices (closest: expected integer, found a string "a1")',
      "/properties/one/oneOf 5 matches more than one of the oneOf choices (0 and 1)",
      '/properties/notx/not "x" matches #/properties/notx/not, which it must not',
      '/properties/mode/else/enum "udp" is not one of "plain", "none"',
    ],
  );
  assert.deepEqual(
    messages(schema, {
      port: 1,
      name: "n",
      both: 2,
      either: "12",
      one: -1,
      notx: "y",
      mode: "tls",
    }),
    [],
  );
  assert.deepEqual(
    messages({ properties: { self: { $ref: "#" } }, maxProperties: 1 }, { self: { a: 1, b: 2 } }),
    [
      "/maxProperties has 2 keys, more than 1",
    ],
  );
});

test("keywords strata does not check are warned about with their JSON pointer, annotations are not", () => {
  const { warnings } = checkSchema({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://example.org/s.json",
    title: "t",
    $comment: "c",
    examples: [1],
    deprecated: false,
    readOnly: false,
    writeOnly: false,
    "x-vendor": 1,
    properties: {
      a: { dependentSchemas: {}, unevaluatedProperties: false, format: "duration" },
    },
  }, "s.json");
  assert.deepEqual(warnings, [
    `s.json: the schema keyword "dependentSchemas" at #/properties/a is not checked by strata (it is ignored); express the rule with the supported keywords or remove it`,
    `s.json: the schema keyword "unevaluatedProperties" at #/properties/a is not checked by strata (it is ignored); express the rule with the supported keywords or remove it`,
    `s.json: the format "duration" at #/properties/a/format is not checked by strata (checked: email, hostname, ipv4, ipv6, uri, date-time, date, time, uuid, regex)`,
  ]);
});

test("a $ref cycle and a schema nested 20,000 deep are clear errors, not a stack overflow", () => {
  assert.throws(
    () =>
      checkSchema({
        $defs: { a: { $ref: "#/$defs/b" }, b: { allOf: [{ $ref: "#/$defs/a" }] } },
        $ref: "#/$defs/a",
      }, "s.json"),
    {
      code: "schema",
      message:
        "s.json: the schema refers to itself without reaching a part of the value (#/$defs/a -> #/$defs/b -> #/$defs/b/allOf/0 -> #/$defs/a): checking would never end; mend the schema file",
    },
  );
  assert.throws(() => checkSchema({ $ref: "#" }, "s.json"), /refers to itself .*\(# -> #\)/);
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 20000; i++) deep = { properties: { a: deep } };
  assert.throws(() => checkSchema(deep, "s.json"), {
    code: "schema",
    message: new RegExp(
      "^s\\.json: the schema nests more than 256 levels deep \\(at #/properties/a/properties/a/.*\\.\\.\\.\\); " +
        "strata does not follow it further: flatten it, sharing parts through \\$defs and \\$ref$",
    ),
  });
  // Recursion over the value (a tree) is fine, and bounded by the value's depth.
  const tree = checkSchema({
    $defs: {
      node: {
        type: "object",
        properties: { kids: { type: "array", items: { $ref: "#/$defs/node" } } },
      },
    },
    $ref: "#/$defs/node",
  }, "s.json");
  let value: Record<string, unknown> = {};
  for (let i = 0; i < 2000; i++) value = { kids: [value] };
  assert.match(
    validate(tree.schema, value)[0].message,
    /nested more than 512 levels deep: not checked further/,
  );
});

test("one layer's value is checked per key: the path, then every rule on the key", () => {
  const schema: SchemaNode = {
    additionalProperties: false,
    properties: {
      server: {
        type: "object",
        allOf: [{ properties: { port: { $ref: "#/$defs/port" } } }],
        properties: { host: { format: "hostname" } },
      },
    },
    $defs: { port: { type: "integer", maximum: 65535 } },
  };
  assert.deepEqual(checkLeaf(schema, ["server", "port"], 99999), [
    {
      path: ["server", "port"],
      message: "99999 is greater than the maximum 65535",
      pointer: "/$defs/port/maximum",
    },
  ]);
  assert.deepEqual(checkLeaf(schema, ["sever", "port"], 1), [
    {
      path: ["sever"],
      message: "unknown key (known here: server)",
      pointer: "/additionalProperties",
    },
  ]);
  assert.deepEqual(checkLeaf(schema, ["server"], 5), [
    {
      path: ["server"],
      message: "expected object, found an integer 5",
      pointer: "/properties/server/type",
    },
  ]);
  assert.deepEqual(leafIssues(schema, { server: { host: "bad_host", port: 80 } }), [
    {
      path: ["server", "host"],
      message: `"bad_host" is not a valid hostname`,
      pointer: "/properties/server/properties/host/format",
    },
  ]);
  assert.equal(schemaAt(schema, ["server", "port"])?.maximum, 65535);
});

test("the schema's defaults, with the JSON pointer of each", () => {
  const d = schemaDefaults({
    $defs: { timeout: { type: "integer", default: 30 } },
    properties: {
      server: {
        default: { host: "localhost", port: 80 },
        properties: { port: { default: 8080 }, timeout: { $ref: "#/$defs/timeout" } },
      },
      self: { properties: { again: { $ref: "#/properties/self" } } },
    },
  });
  assert.deepEqual(d.values, { server: { host: "localhost", port: 8080, timeout: 30 } });
  assert.deepEqual([...d.pointers], [
    ["server\0host", "/properties/server/default/host"],
    ["server\0port", "/properties/server/properties/port/default"],
    ["server\0timeout", "/$defs/timeout/default"],
  ]);
  assert.deepEqual(Object.keys(d.keys), ["server", "self"]);
});

test("an empty table in one layer is not held to its table's rules (other layers fill it)", () => {
  const schema: SchemaNode = {
    additionalProperties: false,
    properties: { server: { type: "object", required: ["port"], minProperties: 1 } },
  };
  assert.deepEqual(leafIssues(schema, { server: {} }), []);
  assert.deepEqual(leafIssues(schema, { sever: {} }), [
    {
      path: ["sever"],
      message: "unknown key (known here: server)",
      pointer: "/additionalProperties",
    },
  ]);
});
