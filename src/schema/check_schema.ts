/**
 * Checking a schema when it loads: every keyword of the supported subset
 * is well formed, every `$ref` names a place in the same document, no
 * `$ref`/`allOf`/... cycle would loop forever, the nesting is bounded, and
 * every keyword strata does not check is reported (never silently ignored).
 * Iterative, so a schema nested 20,000 levels deep is an error, not a
 * stack overflow.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { checkedFormats } from "./formats.ts";
import { pointerJoin, resolveRef } from "./pointer.ts";
import type { Schema } from "./types.ts";

/** How deep schemas may nest (real configuration schemas stay far below). */
export const maxSchemaDepth = 256;

const schemaTypes = ["string", "integer", "number", "boolean", "object", "array", "null"];
const mergeStrategies = ["replace", "append", "union"];
/** Keywords that only annotate: accepted, nothing to check. */
const annotations = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
const oneSchema = ["additionalProperties", "propertyNames", "items", "contains"];
const sameInstance = ["not", "if", "then", "else"];
const schemaMaps = ["properties", "patternProperties", "$defs", "definitions"];
const schemaLists = ["allOf", "anyOf", "oneOf", "prefixItems"];
const numbers = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
const counts = [
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "minItems",
  "maxItems",
];
const checked = new Set([
  ...oneSchema,
  ...sameInstance,
  ...schemaMaps,
  ...schemaLists,
  ...numbers,
  ...counts,
  "type",
  "enum",
  "const",
  "multipleOf",
  "pattern",
  "format",
  "required",
  "dependentRequired",
  "uniqueItems",
  "$ref",
  "x-strata-merge",
  "x-strata-secret",
]);

/** The keywords strata checks (for messages and docs), sorted. */
export const checkedKeywords: readonly string[] = [...checked].sort();

/** A checked schema and what it leaves unchecked. */
export interface CheckedSchema {
  /** The schema, typed. */
  schema: Schema;
  /** One line per keyword or format strata does not check, naming its JSON pointer. */
  warnings: string[];
}

function validRegex(text: string): string | undefined {
  try {
    new RegExp(text, "u");
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Checks that a parsed JSON value is a schema strata can apply. A malformed
 * keyword, a `$ref` to nowhere, a cycle or a nesting past
 * {@link maxSchemaDepth} is a `schema` StrataError naming the JSON pointer;
 * a keyword or format strata does not check is a warning.
 *
 * @example
 * ```ts
 * import { checkSchema } from "./check_schema.ts";
 * const { warnings } = checkSchema({ properties: { a: { dependentSchemas: {} } } }, "s.json");
 * console.assert(warnings[0].includes('"dependentSchemas" at #/properties/a'));
 * ```
 */
export function checkSchema(value: unknown, file: string): CheckedSchema {
  const warnings: string[] = [];
  const pointers = new Map<object, string>();
  const stack: { node: unknown; at: string; depth: number }[] = [{ node: value, at: "", depth: 0 }];
  const fail = (at: string, what: string): never => {
    throw new StrataError("schema", `${file}: schema at #${at}: ${what}; mend the schema file`);
  };
  if (!isTable(value)) fail("", "expected a JSON object");
  while (stack.length > 0) {
    const { node, at, depth } = stack.pop()!;
    if (node === true || node === false) continue;
    if (!isTable(node)) fail(at, "expected a JSON object (or true/false)");
    if (depth > maxSchemaDepth) {
      const shown = at.length > 120 ? `${at.slice(0, 120)}...` : at;
      throw new StrataError(
        "schema",
        `${file}: the schema nests more than ${maxSchemaDepth} levels deep (at #${shown}); ` +
          `strata does not follow it further: flatten it, sharing parts through $defs and $ref`,
      );
    }
    const n = node as Record<string, unknown>;
    pointers.set(n, at);
    const push = (child: unknown, ...segments: (string | number)[]) =>
      stack.push({ node: child, at: pointerJoin(at, ...segments), depth: depth + 1 });
    for (const k of Object.keys(n)) {
      if (checked.has(k) || annotations.has(k) || k.startsWith("x-")) continue;
      warnings.push(
        `${file}: the schema keyword "${k}" at #${at} is not checked by strata ` +
          `(it is ignored); express the rule with the supported keywords or remove it`,
      );
    }
    checkScalars(n, (what) => fail(at, what));
    if (typeof n.format === "string" && !checkedFormats.includes(n.format)) {
      warnings.push(
        `${file}: the format "${n.format}" at #${
          pointerJoin(at, "format")
        } is not checked by strata ` +
          `(checked: ${checkedFormats.join(", ")})`,
      );
    }
    if (n.$ref !== undefined) {
      if (typeof n.$ref !== "string") fail(at, `"$ref" must be a string`);
      if (resolveRef(value, n.$ref as string) === undefined) {
        fail(
          at,
          `"$ref": ${JSON.stringify(n.$ref)} names no schema in this file ` +
            `(strata follows references within the document only, like "#/$defs/port")`,
        );
      }
    }
    for (const k of [...oneSchema, ...sameInstance]) {
      if (n[k] === undefined) continue;
      if (k === "items" && Array.isArray(n[k])) {
        fail(at, `"items" as an array (a draft-07 tuple) is not supported: use "prefixItems"`);
      }
      push(n[k], k);
    }
    for (const k of schemaMaps) {
      if (n[k] === undefined) continue;
      if (!isTable(n[k])) fail(at, `"${k}" must be an object`);
      for (const [name, sub] of Object.entries(n[k] as Record<string, unknown>)) {
        if (k === "patternProperties") {
          const bad = validRegex(name);
          if (bad) {
            fail(
              at,
              `"patternProperties" key ${
                JSON.stringify(name)
              } is not a valid regular expression (${bad})`,
            );
          }
        }
        push(sub, k, name);
      }
    }
    for (const k of schemaLists) {
      if (n[k] === undefined) continue;
      if (!Array.isArray(n[k]) || (n[k] as unknown[]).length === 0) {
        fail(at, `"${k}" must be a non-empty array of schemas`);
      }
      (n[k] as unknown[]).forEach((sub, i) => push(sub, k, i));
    }
  }
  checkCycles(value, pointers, file);
  return { schema: value as Schema, warnings };
}

/** The keywords whose value is not a schema: their shapes. */
function checkScalars(n: Record<string, unknown>, fail: (what: string) => never): void {
  const types = n.type === undefined ? [] : Array.isArray(n.type) ? n.type : [n.type];
  for (const t of types) {
    if (typeof t !== "string" || !schemaTypes.includes(t)) {
      fail(`"type" must be one of ${schemaTypes.join(", ")}, not ${JSON.stringify(t)}`);
    }
  }
  for (const k of numbers) {
    if (n[k] !== undefined && typeof n[k] !== "number") fail(`"${k}" must be a number`);
  }
  if (n.multipleOf !== undefined && !(typeof n.multipleOf === "number" && n.multipleOf > 0)) {
    fail(`"multipleOf" must be a number greater than 0`);
  }
  for (const k of counts) {
    const c = n[k];
    if (c !== undefined && !(typeof c === "number" && Number.isInteger(c) && c >= 0)) {
      fail(`"${k}" must be a whole number, 0 or more`);
    }
  }
  if (n.pattern !== undefined) {
    if (typeof n.pattern !== "string") fail(`"pattern" must be a string`);
    const bad = validRegex(n.pattern as string);
    if (bad) fail(`"pattern" is not a valid regular expression (${bad})`);
  }
  if (n.format !== undefined && typeof n.format !== "string") fail(`"format" must be a string`);
  if (n.enum !== undefined && !Array.isArray(n.enum)) fail(`"enum" must be an array`);
  if (n.uniqueItems !== undefined && typeof n.uniqueItems !== "boolean") {
    fail(`"uniqueItems" must be true or false`);
  }
  const names = (v: unknown) => Array.isArray(v) && v.every((r) => typeof r === "string");
  if (n.required !== undefined && !names(n.required)) {
    fail(`"required" must be an array of key names`);
  }
  if (
    n.dependentRequired !== undefined &&
    !(isTable(n.dependentRequired) && Object.values(n.dependentRequired).every(names))
  ) fail(`"dependentRequired" must map key names to arrays of key names`);
  if (n.description !== undefined && typeof n.description !== "string") {
    fail(`"description" must be a string`);
  }
  const merge = n["x-strata-merge"];
  if (merge !== undefined && (typeof merge !== "string" || !mergeStrategies.includes(merge))) {
    fail(`"x-strata-merge" must be one of ${mergeStrategies.join(", ")}`);
  }
  const secret = n["x-strata-secret"];
  if (secret !== undefined && typeof secret !== "boolean") {
    fail(`"x-strata-secret" must be true or false`);
  }
}

/**
 * Refuses a loop that checking a value would follow forever: `$ref`,
 * `allOf`/`anyOf`/`oneOf`, `not` and `if`/`then`/`else` apply a schema to
 * the same value, so a cycle through them never reaches the value's parts.
 * (A `$ref` under `properties` or `items` is recursion over the value, and fine.)
 */
function checkCycles(root: unknown, pointers: Map<object, string>, file: string): void {
  const edges = (n: Record<string, unknown>): unknown[] => {
    const out: unknown[] = [];
    if (typeof n.$ref === "string") out.push(resolveRef(root, n.$ref)!.node);
    for (const k of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(n[k])) out.push(...n[k] as unknown[]);
    }
    for (const k of sameInstance) if (n[k] !== undefined) out.push(n[k]);
    return out.filter(isTable);
  };
  const state = new Map<object, "open" | "done">();
  for (const start of pointers.keys()) {
    if (state.has(start)) continue;
    // Iterative depth-first search; `path` holds the open nodes.
    const path: { node: Record<string, unknown>; next: unknown[] }[] = [];
    const open = (node: Record<string, unknown>) => {
      state.set(node, "open");
      path.push({ node, next: edges(node) });
    };
    open(start as Record<string, unknown>);
    while (path.length > 0) {
      const top = path[path.length - 1];
      const child = top.next.pop() as Record<string, unknown> | undefined;
      if (child === undefined) {
        state.set(top.node, "done");
        path.pop();
        continue;
      }
      if (state.get(child) === "open") {
        const from = path.findIndex((p) => p.node === child);
        const loop = [...path.slice(from).map((p) => p.node), child].map((n) =>
          `#${pointers.get(n)}`
        );
        throw new StrataError(
          "schema",
          `${file}: the schema refers to itself without reaching a part of the value ` +
            `(${loop.join(" -> ")}): checking would never end; mend the schema file`,
        );
      }
      if (!state.has(child)) open(child);
    }
  }
}
