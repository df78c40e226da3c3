/**
 * A validator for the documented subset of JSON Schema that an application
 * may ship beside its defaults (see docs/recovery.md, "The schema"): types
 * and values (`type`, `enum`, `const`, bounds, lengths, `pattern`,
 * `format`), tables (`properties`, `patternProperties`,
 * `additionalProperties`, `required`, ...), arrays (`items`, `prefixItems`,
 * ...), composition (`$ref` within the document, `allOf`, `anyOf`, `oneOf`,
 * `not`, `if`/`then`/`else`), plus strata's own `x-strata-merge`.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { matchesFormat } from "./formats.ts";
import { pointerJoin, resolveRef } from "./pointer.ts";
import type { Schema, SchemaIssue, SchemaNode, SchemaType } from "./types.ts";

export { checkSchema } from "./check_schema.ts";
export type { MergeStrategy, Schema, SchemaIssue, SchemaNode, SchemaType } from "./types.ts";

/** How deep a value is followed (a recursive `$ref` over a deep value stops here, reported). */
const maxValueDepth = 512;

/** What one validation carries: the document (for `$ref`) and compiled patterns. */
interface Context {
  root: SchemaNode;
  patterns: Map<string, RegExp>;
}

/** A fresh validation context for a schema document. */
function contextOf(root: SchemaNode): Context {
  return { root, patterns: new Map() };
}

function regexOf(ctx: Context, pattern: string): RegExp {
  let re = ctx.patterns.get(pattern);
  if (re === undefined) ctx.patterns.set(pattern, re = new RegExp(pattern, "u"));
  return re;
}

/**
 * Validates a configuration value against a schema and returns every issue
 * found (an empty array when the value conforms). TOML date-times count as
 * strings.
 *
 * @example
 * ```ts
 * import { validate } from "./validate.ts";
 * const issues = validate({ type: "object", properties: { port: { type: "integer", maximum: 65535 } } }, { port: 70000 });
 * console.assert(issues[0].message === "70000 is greater than the maximum 65535");
 * console.assert(issues[0].pointer === "/properties/port/maximum");
 * ```
 */
export function validate(schema: SchemaNode, value: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  validateNode(contextOf(schema), schema, "", value, [], issues, 0);
  return issues;
}

/**
 * Validates `value` against `node`, a part of the document `root` found at
 * `pointer`, as the value at `path` (for `$ref` and for where issues are).
 */
export function validateAt(
  root: SchemaNode,
  node: SchemaNode,
  pointer: string,
  value: unknown,
  path: (string | number)[],
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  validateNode(contextOf(root), node, pointer, value, path, issues, 0);
  return issues;
}

function validateNode(
  ctx: Context,
  node: SchemaNode,
  at: string,
  value: unknown,
  path: (string | number)[],
  issues: SchemaIssue[],
  depth: number,
): void {
  if (node === true) return;
  if (node === false) {
    issues.push({ path, message: "no value is allowed here", pointer: at || "/" });
    return;
  }
  if (depth > maxValueDepth) {
    issues.push({
      path,
      message: `nested more than ${maxValueDepth} levels deep: not checked further`,
      pointer: at || "/",
    });
    return;
  }
  const report = (keyword: string, message: string) =>
    issues.push({ path, message, pointer: pointerJoin(at, keyword) });
  if (node.$ref !== undefined) {
    const target = resolveRef(ctx.root, node.$ref);
    if (target) {
      validateNode(ctx, target.node as SchemaNode, target.pointer, value, path, issues, depth + 1);
    }
  }
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (types.length > 0 && !types.some((t) => hasType(value, t))) {
    report(
      "type",
      `expected ${types.join(" or ")}, found ${describeType(value)} ${preview(value)}`,
    );
    return;
  }
  if (node.enum !== undefined && !node.enum.some((allowed) => sameValue(allowed, value))) {
    report("enum", `${preview(value)} is not one of ${node.enum.map(preview).join(", ")}`);
  }
  if (node.const !== undefined && !sameValue(node.const, value)) {
    report("const", `${preview(value)} is not ${preview(node.const)}`);
  }
  if (typeof value === "number" || typeof value === "bigint") validateNumber(node, value, report);
  if (typeof value === "string") validateString(ctx, node, value, report);
  else if (isDateTime(value)) validateDateTime(node, value, report);
  if (Array.isArray(value)) validateArray(ctx, node, at, value, path, issues, depth, report);
  else if (isTable(value)) validateTable(ctx, node, at, value, path, issues, depth, report);
  validateComposition(ctx, node, at, value, path, issues, depth, report);
}

type Report = (keyword: string, message: string) => void;

function validateNumber(node: Schema, value: number | bigint, report: Report): void {
  const v = preview(value);
  if (node.minimum !== undefined && value < node.minimum) {
    report("minimum", `${v} is less than the minimum ${node.minimum}`);
  }
  if (node.maximum !== undefined && value > node.maximum) {
    report("maximum", `${v} is greater than the maximum ${node.maximum}`);
  }
  if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) {
    report("exclusiveMinimum", `${v} is not greater than ${node.exclusiveMinimum}`);
  }
  if (node.exclusiveMaximum !== undefined && value >= node.exclusiveMaximum) {
    report("exclusiveMaximum", `${v} is not less than ${node.exclusiveMaximum}`);
  }
  if (node.multipleOf !== undefined) {
    const q = Number(value) / node.multipleOf;
    if (!Number.isFinite(q) || Math.abs(q - Math.round(q)) > 1e-9) {
      report("multipleOf", `${v} is not a multiple of ${node.multipleOf}`);
    }
  }
}

function validateString(ctx: Context, node: Schema, value: string, report: Report): void {
  const length = [...value].length;
  if (node.minLength !== undefined && length < node.minLength) {
    report("minLength", `${preview(value)} is shorter than ${node.minLength} characters`);
  }
  if (node.maxLength !== undefined && length > node.maxLength) {
    report("maxLength", `${preview(value)} is longer than ${node.maxLength} characters`);
  }
  if (node.pattern !== undefined && !regexOf(ctx, node.pattern).test(value)) {
    report("pattern", `${preview(value)} does not match the pattern ${node.pattern}`);
  }
  if (node.format !== undefined && !matchesFormat(node.format, value)) {
    report("format", `${preview(value)} is not a valid ${node.format}`);
  }
}

/** A TOML date-time value is checked by its kind (its text was checked by the parser). */
function validateDateTime(node: Schema, value: unknown, report: Report): void {
  const kind = (value as { kind?: string }).kind;
  const wanted: Record<string, string[]> = {
    "date-time": ["offset-date-time", "local-date-time"],
    date: ["local-date"],
    time: ["local-time"],
  };
  const allowed = node.format === undefined ? undefined : wanted[node.format];
  if (allowed && kind !== undefined && !allowed.includes(kind)) {
    report("format", `${preview(value)} is a ${kind}, not a ${node.format}`);
  }
}

function validateArray(
  ctx: Context,
  node: Schema,
  at: string,
  value: unknown[],
  path: (string | number)[],
  issues: SchemaIssue[],
  depth: number,
  report: Report,
): void {
  const prefix = node.prefixItems ?? [];
  value.forEach((item, i) => {
    if (i < prefix.length) {
      validateNode(
        ctx,
        prefix[i],
        pointerJoin(at, "prefixItems", i),
        item,
        [...path, i],
        issues,
        depth + 1,
      );
    } else if (node.items !== undefined) {
      validateNode(
        ctx,
        node.items,
        pointerJoin(at, "items"),
        item,
        [...path, i],
        issues,
        depth + 1,
      );
    }
  });
  if (node.minItems !== undefined && value.length < node.minItems) {
    report("minItems", `has ${value.length} items, fewer than ${node.minItems}`);
  }
  if (node.maxItems !== undefined && value.length > node.maxItems) {
    report("maxItems", `has ${value.length} items, more than ${node.maxItems}`);
  }
  if (node.uniqueItems === true) {
    const seen = new Set<string>();
    for (const item of value) {
      const id = identity(item);
      if (seen.has(id)) {
        report("uniqueItems", `holds ${preview(item)} more than once`);
        break;
      }
      seen.add(id);
    }
  }
  if (node.contains !== undefined) {
    const found = value.some((item, i) =>
      validateAt(ctx.root, node.contains!, pointerJoin(at, "contains"), item, [...path, i])
        .length === 0
    );
    if (!found) report("contains", `holds no item that matches #${pointerJoin(at, "contains")}`);
  }
}

function validateTable(
  ctx: Context,
  node: Schema,
  at: string,
  table: Record<string, unknown>,
  path: (string | number)[],
  issues: SchemaIssue[],
  depth: number,
  report: Report,
): void {
  for (const name of node.required ?? []) {
    if (!Object.hasOwn(table, name)) {
      issues.push({
        path: [...path, name],
        message: "required key is missing",
        pointer: pointerJoin(at, "required"),
      });
    }
  }
  const keys = Object.keys(table);
  for (const [key, needs] of Object.entries(node.dependentRequired ?? {})) {
    if (!Object.hasOwn(table, key)) continue;
    for (const name of needs) {
      if (!Object.hasOwn(table, name)) {
        issues.push({
          path: [...path, name],
          message: `required key is missing (required when ${key} is set)`,
          pointer: pointerJoin(at, "dependentRequired", key),
        });
      }
    }
  }
  if (node.minProperties !== undefined && keys.length < node.minProperties) {
    report("minProperties", `has ${keys.length} keys, fewer than ${node.minProperties}`);
  }
  if (node.maxProperties !== undefined && keys.length > node.maxProperties) {
    report("maxProperties", `has ${keys.length} keys, more than ${node.maxProperties}`);
  }
  for (const k of keys) {
    const child = [...path, k];
    if (node.propertyNames !== undefined) {
      const bad = validateAt(
        ctx.root,
        node.propertyNames,
        pointerJoin(at, "propertyNames"),
        k,
        child,
      );
      for (const issue of bad) issues.push({ ...issue, message: `the key name ${issue.message}` });
    }
    let matched = false;
    if (node.properties && Object.hasOwn(node.properties, k)) {
      matched = true;
      validateNode(
        ctx,
        node.properties[k],
        pointerJoin(at, "properties", k),
        table[k],
        child,
        issues,
        depth + 1,
      );
    }
    for (const [pattern, sub] of Object.entries(node.patternProperties ?? {})) {
      if (!regexOf(ctx, pattern).test(k)) continue;
      matched = true;
      validateNode(
        ctx,
        sub,
        pointerJoin(at, "patternProperties", pattern),
        table[k],
        child,
        issues,
        depth + 1,
      );
    }
    if (matched || node.additionalProperties === undefined) continue;
    if (node.additionalProperties === false) {
      issues.push({
        path: child,
        message: unknownKey(node),
        pointer: pointerJoin(at, "additionalProperties"),
      });
    } else {
      validateNode(
        ctx,
        node.additionalProperties,
        pointerJoin(at, "additionalProperties"),
        table[k],
        child,
        issues,
        depth + 1,
      );
    }
  }
}

/** The message for a key `additionalProperties: false` refuses. */
export function unknownKey(node: Schema): string {
  const known = Object.keys(node.properties ?? {});
  return `unknown key (known here: ${known.length ? known.join(", ") : "none"})`;
}

function validateComposition(
  ctx: Context,
  node: Schema,
  at: string,
  value: unknown,
  path: (string | number)[],
  issues: SchemaIssue[],
  depth: number,
  report: Report,
): void {
  const branch = (sub: SchemaNode, ...segments: (string | number)[]) => {
    const found: SchemaIssue[] = [];
    validateNode(ctx, sub, pointerJoin(at, ...segments), value, path, found, depth + 1);
    return found;
  };
  node.allOf?.forEach((sub, i) => issues.push(...branch(sub, "allOf", i)));
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const subs = node[keyword];
    if (subs === undefined) continue;
    const results = subs.map((sub, i) => branch(sub, keyword, i));
    const passing = results.flatMap((r, i) => (r.length === 0 ? [i] : []));
    if (passing.length === 0) {
      const closest = results.reduce((a, b) => (b.length < a.length ? b : a));
      const hint = closest[0] ? ` (closest: ${closest[0].message})` : "";
      report(keyword, `${preview(value)} matches none of the ${keyword} choices${hint}`);
    } else if (keyword === "oneOf" && passing.length > 1) {
      report(
        keyword,
        `${preview(value)} matches more than one of the oneOf choices (${passing.join(" and ")})`,
      );
    }
  }
  if (node.not !== undefined && branch(node.not, "not").length === 0) {
    report("not", `${preview(value)} matches #${pointerJoin(at, "not")}, which it must not`);
  }
  if (node.if !== undefined) {
    const then = branch(node.if, "if").length === 0;
    const next = then ? node.then : node.else;
    if (next !== undefined) issues.push(...branch(next, then ? "then" : "else"));
  }
}

export { schemaAt } from "./nodes_at.ts";

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
    case "null":
      return value === null;
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  if (isDateTime(value)) return "a date-time";
  if (value === null) return "null";
  if (typeof value === "bigint") return "an integer";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a float";
  return `a ${typeof value}`;
}

/** A value as a message shows it: JSON, shortened. */
export function preview(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (isDateTime(value)) return String(value);
  const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v)) ??
    String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function identity(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
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
  return identity(a) === identity(b);
}

/** A TOML date-time (or a JS Date): an object that is not a plain table. */
function isDateTime(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isTable(value);
}
