/**
 * The parts of a schema that apply to one key, and checking one value of a
 * layer against them. A value is checked per key: against what the schema
 * says of that key (through `properties`, `patternProperties`,
 * `additionalProperties`, `items`, `$ref` and `allOf` on the way down, and
 * every keyword at the key itself). Rules that tie keys together (`required`,
 * and `anyOf`/`oneOf`/`if` written on a table) need the merged table.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { pointerJoin, resolveRef } from "./pointer.ts";
import type { Schema, SchemaIssue, SchemaNode } from "./types.ts";
import { unknownKey, validateAt } from "./validate.ts";

/** A part of the schema and its JSON pointer. */
export interface Located {
  /** The schema. */
  node: SchemaNode;
  /** Its JSON pointer in the document (`""` for the root). */
  at: string;
}

/** A node with what applies to the same value through `$ref` and `allOf`. */
function expand(root: SchemaNode, start: Located): Located[] {
  const out: Located[] = [];
  const seen = new Set<SchemaNode>();
  const todo = [start];
  while (todo.length > 0) {
    const item = todo.pop()!;
    if (seen.has(item.node) && typeof item.node === "object") continue;
    seen.add(item.node);
    out.push(item);
    const node = item.node;
    if (typeof node !== "object") continue;
    if (node.$ref !== undefined) {
      const target = resolveRef(root, node.$ref);
      if (target) todo.push({ node: target.node as SchemaNode, at: target.pointer });
    }
    node.allOf?.forEach((sub, i) => todo.push({ node: sub, at: pointerJoin(item.at, "allOf", i) }));
  }
  return out;
}

function allowsTable(node: Schema): boolean {
  if (node.type === undefined) return true;
  return Array.isArray(node.type) ? node.type.includes("object") : node.type === "object";
}

/** The schema parts for a path, and what is wrong with the path itself. */
export function nodesAt(
  root: SchemaNode,
  path: readonly (string | number)[],
): { nodes: Located[]; issues: SchemaIssue[] } {
  let level: Located[] = [{ node: root, at: "" }];
  const issues: SchemaIssue[] = [];
  for (let i = 0; i < path.length && level.length > 0; i++) {
    const segment = path[i];
    const next: Located[] = [];
    for (const item of level.flatMap((l) => expand(root, l))) {
      const node = item.node;
      if (node === true) continue;
      if (node === false) {
        issues.push({
          path: path.slice(0, i),
          message: "no value is allowed here",
          pointer: item.at || "/",
        });
        continue;
      }
      if (typeof segment === "number") {
        const prefix = node.prefixItems ?? [];
        if (segment < prefix.length) {
          next.push({ node: prefix[segment], at: pointerJoin(item.at, "prefixItems", segment) });
        } else if (node.items !== undefined) {
          next.push({ node: node.items, at: pointerJoin(item.at, "items") });
        }
        continue;
      }
      if (!allowsTable(node)) {
        issues.push({
          path: path.slice(0, i),
          message: `expected ${[node.type].flat().join(" or ")}, found a table`,
          pointer: pointerJoin(item.at, "type"),
        });
        continue;
      }
      let matched = false;
      if (node.properties && Object.hasOwn(node.properties, segment)) {
        matched = true;
        next.push({
          node: node.properties[segment],
          at: pointerJoin(item.at, "properties", segment),
        });
      }
      for (const [pattern, sub] of Object.entries(node.patternProperties ?? {})) {
        if (!new RegExp(pattern, "u").test(segment)) continue;
        matched = true;
        next.push({ node: sub, at: pointerJoin(item.at, "patternProperties", pattern) });
      }
      if (matched || node.additionalProperties === undefined) continue;
      if (node.additionalProperties === false) {
        issues.push({
          path: path.slice(0, i + 1),
          message: unknownKey(node),
          pointer: pointerJoin(item.at, "additionalProperties"),
        });
      } else {
        next.push({
          node: node.additionalProperties,
          at: pointerJoin(item.at, "additionalProperties"),
        });
      }
    }
    level = next;
  }
  return { nodes: level, issues };
}

/**
 * The schema that governs a key path, merged from every part that applies
 * to it unconditionally; undefined when the schema says nothing about it.
 * For a key's type, description and merge rule (the first part that says wins).
 *
 * @example
 * ```ts
 * import { schemaAt } from "./nodes_at.ts";
 * const root = { $defs: { port: { type: "integer" as const } }, properties: { p: { $ref: "#/$defs/port" } } };
 * console.assert(schemaAt(root, ["p"])?.type === "integer");
 * ```
 */
export function schemaAt(
  root: SchemaNode,
  path: readonly (string | number)[],
): Schema | undefined {
  const parts = nodesAt(root, path).nodes.flatMap((l) => expand(root, l))
    .flatMap((l) => (typeof l.node === "object" ? [l.node] : []));
  if (parts.length === 0) return undefined;
  return Object.assign({}, ...parts.reverse());
}

/**
 * The ways one layer's value at `path` breaks the schema: the path itself
 * (an unknown key, a table where the schema wants a value) and every rule
 * on the key.
 *
 * @example
 * ```ts
 * import { checkLeaf } from "./nodes_at.ts";
 * const root = { properties: { port: { type: "integer" as const, maximum: 65535 } } };
 * console.assert(checkLeaf(root, ["port"], 99999)[0].pointer === "/properties/port/maximum");
 * ```
 */
export function checkLeaf(
  root: SchemaNode,
  path: readonly string[],
  value: unknown,
): SchemaIssue[] {
  const { nodes, issues } = nodesAt(root, path);
  if (issues.length > 0) return dedupe(issues);
  for (const { node, at } of nodes) issues.push(...validateAt(root, node, at, value, [...path]));
  return dedupe(issues);
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const id = `${i.path.join("\0")}\0${i.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Every leaf of a layer's values (arrays are leaves) checked with
 * {@link checkLeaf}. What ties keys together is left to the merged view.
 *
 * @example
 * ```ts
 * import { leafIssues } from "./nodes_at.ts";
 * const root = { properties: { db: { properties: { port: { maximum: 10 } } } } };
 * console.assert(leafIssues(root, { db: { port: 11 } }).length === 1);
 * ```
 */
export function leafIssues(root: SchemaNode, values: Record<string, unknown>): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const walk = (table: Record<string, unknown>, path: string[]) => {
    for (const k of Object.keys(table)) {
      const value = table[k];
      if (!isTable(value)) out.push(...checkLeaf(root, [...path, k], value));
      else if (Object.keys(value).length > 0) walk(value, [...path, k]);
      // An empty table: only whether the key may be there (its rules need its keys, from any layer).
      else out.push(...nodesAt(root, [...path, k]).issues);
    }
  };
  walk(values, []);
  return dedupe(out);
}
