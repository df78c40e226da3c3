/**
 * A validator for the documented subset of JSON Schema that an application
 * may ship beside its defaults: `type`, `enum`, `minimum`/`maximum`,
 * `minLength`/`maxLength`, `pattern`, `required`, `properties`,
 * `additionalProperties`, `items`, `default`, `description`, plus strata's own
 * `x-strata-merge` (how an array merges across layers).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";

/** The JSON Schema types strata understands. */
export type SchemaType = "string" | "integer" | "number" | "boolean" | "object" | "array";

/** How an array value combines across layers. */
export type MergeStrategy = "replace" | "append" | "union";

/** One schema node of the supported subset. */
export interface Schema {
  type?: SchemaType | SchemaType[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  default?: unknown;
  description?: string;
  "x-strata-merge"?: MergeStrategy;
}

/** One way a value breaks the schema, at a key path. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

const schemaTypes: readonly string[] = [
  "string",
  "integer",
  "number",
  "boolean",
  "object",
  "array",
];
const mergeStrategies: readonly string[] = ["replace", "append", "union"];
const knownKeywords = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "examples",
  "type",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "default",
  "description",
  "x-strata-merge",
]);

/**
 * Checks that a parsed JSON value is a schema of the supported subset, and
 * returns it typed. A keyword outside the subset is refused rather than
 * silently ignored: a person who writes `oneOf` must learn it is not checked.
 *
 * @example
 * ```ts
 * import { checkSchema } from "./validate.ts";
 * const schema = checkSchema({ type: "object", properties: { port: { type: "integer" } } }, "schema.json");
 * ```
 */
export function checkSchema(value: unknown, file: string): Schema {
  checkNode(value, [], file);
  return value as Schema;
}

function checkNode(node: unknown, at: string[], file: string): void {
  const where = () => `${file}: schema at ${at.length ? at.join("/") : "(root)"}`;
  const fail = (what: string) => {
    throw new StrataError("schema", `${where()}: ${what}; mend the schema file`);
  };
  if (!isTable(node)) fail("expected a JSON object");
  const n = node as Record<string, unknown>;
  for (const k of Object.keys(n)) {
    if (!knownKeywords.has(k)) {
      fail(`unsupported keyword "${k}" (supported: ${[...knownKeywords].join(", ")})`);
    }
  }
  const types = n.type === undefined ? [] : Array.isArray(n.type) ? n.type : [n.type];
  for (const t of types) {
    if (typeof t !== "string" || !schemaTypes.includes(t)) {
      fail(`"type" must be one of ${schemaTypes.join(", ")}, not ${JSON.stringify(t)}`);
    }
  }
  for (const k of ["minimum", "maximum", "minLength", "maxLength"]) {
    if (n[k] !== undefined && typeof n[k] !== "number") fail(`"${k}" must be a number`);
  }
  if (n.pattern !== undefined) {
    if (typeof n.pattern !== "string") fail(`"pattern" must be a string`);
    try {
      new RegExp(n.pattern as string, "u");
    } catch (e) {
      fail(`"pattern" is not a valid regular expression (${(e as Error).message})`);
    }
  }
  if (n.enum !== undefined && !Array.isArray(n.enum)) fail(`"enum" must be an array`);
  if (
    n.required !== undefined &&
    (!Array.isArray(n.required) || n.required.some((r) => typeof r !== "string"))
  ) fail(`"required" must be an array of key names`);
  if (n.description !== undefined && typeof n.description !== "string") {
    fail(`"description" must be a string`);
  }
  const merge = n["x-strata-merge"];
  if (merge !== undefined && (typeof merge !== "string" || !mergeStrategies.includes(merge))) {
    fail(`"x-strata-merge" must be one of ${mergeStrategies.join(", ")}`);
  }
  if (n.properties !== undefined) {
    if (!isTable(n.properties)) fail(`"properties" must be an object`);
    for (const [k, sub] of Object.entries(n.properties as Record<string, unknown>)) {
      checkNode(sub, [...at, "properties", k], file);
    }
  }
  if (n.additionalProperties !== undefined && typeof n.additionalProperties !== "boolean") {
    checkNode(n.additionalProperties, [...at, "additionalProperties"], file);
  }
  if (n.items !== undefined) checkNode(n.items, [...at, "items"], file);
}

/**
 * Validates a configuration value against a schema and returns every issue
 * found (an empty array when the value conforms). Date-times count as strings.
 *
 * @example
 * ```ts
 * import { validate } from "./validate.ts";
 * const issues = validate({ type: "object", properties: { port: { type: "integer", maximum: 65535 } } }, { port: 70000 });
 * console.assert(issues[0].message === "70000 is greater than the maximum 65535");
 * ```
 */
export function validate(schema: Schema, value: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  validateNode(schema, value, [], issues);
  return issues;
}

function validateNode(
  schema: Schema,
  value: unknown,
  path: (string | number)[],
  issues: SchemaIssue[],
): void {
  const report = (message: string) => issues.push({ path, message });
  const types = schema.type === undefined
    ? []
    : Array.isArray(schema.type)
    ? schema.type
    : [schema.type];
  if (types.length > 0 && !types.some((t) => hasType(value, t))) {
    report(`expected ${types.join(" or ")}, found ${describeType(value)} ${preview(value)}`);
    return;
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => sameValue(allowed, value))) {
    report(`${preview(value)} is not one of ${schema.enum.map(preview).join(", ")}`);
  }
  if (typeof value === "number" || typeof value === "bigint") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      report(`${preview(value)} is less than the minimum ${schema.minimum}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      report(`${preview(value)} is greater than the maximum ${schema.maximum}`);
    }
  }
  if (typeof value === "string") validateString(schema, value, report);
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => validateNode(schema.items!, v, [...path, i], issues));
  } else if (isTable(value)) {
    validateTable(schema, value as Record<string, unknown>, path, issues);
  }
}

function validateString(schema: Schema, value: string, report: (m: string) => void): void {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    report(`${preview(value)} is shorter than ${schema.minLength} characters`);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    report(`${preview(value)} is longer than ${schema.maxLength} characters`);
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
    report(`${preview(value)} does not match the pattern ${schema.pattern}`);
  }
}

function validateTable(
  schema: Schema,
  table: Record<string, unknown>,
  path: (string | number)[],
  issues: SchemaIssue[],
): void {
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(table, name)) {
      issues.push({ path: [...path, name], message: `required key is missing` });
    }
  }
  for (const [k, v] of Object.entries(table)) {
    const sub = schema.properties?.[k];
    if (sub) validateNode(sub, v, [...path, k], issues);
    else if (schema.additionalProperties === false) {
      const known = Object.keys(schema.properties ?? {});
      issues.push({
        path: [...path, k],
        message: `unknown key (known here: ${known.length ? known.join(", ") : "none"})`,
      });
    } else if (isTable(schema.additionalProperties)) {
      validateNode(schema.additionalProperties as Schema, v, [...path, k], issues);
    }
  }
}

/**
 * The schema node that governs a key path, if the schema says anything about
 * it: through `properties`, then `additionalProperties`, and `items` for a
 * numeric segment.
 */
export function schemaAt(schema: Schema, path: readonly (string | number)[]): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === "number") node = node.items;
    else if (node.properties && Object.hasOwn(node.properties, segment)) {
      node = node.properties[segment];
    } else if (isTable(node.additionalProperties)) node = node.additionalProperties as Schema;
    else return undefined;
  }
  return node;
}

function hasType(value: unknown, type: SchemaType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string" || isDateTime(value);
    case "integer":
      return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
    case "number":
      return typeof value === "bigint" || typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return isTable(value);
    case "array":
      return Array.isArray(value);
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  if (isDateTime(value)) return "a date-time";
  if (typeof value === "bigint") return "an integer";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a float";
  return `a ${typeof value}`;
}

function preview(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (isDateTime(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (
    (typeof a === "number" || typeof a === "bigint") &&
    (typeof b === "number" || typeof b === "bigint")
  ) {
    // deno-lint-ignore eqeqeq -- 1 == 1n on purpose: JSON enums hold numbers, TOML may give bigints
    return a == b;
  }
  if (isDateTime(b)) return a === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A TOML date-time (or a JS Date): an object that is not a plain table. */
function isDateTime(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isTable(value);
}
