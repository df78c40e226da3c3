/**
 * The schema's `default`s as a layer's values: the bottom of the waterfall,
 * below the application's defaults. Each value remembers the JSON pointer
 * of the `default` it came from.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { assignPath, lookup } from "../layers/merge.ts";
import { maxSchemaDepth } from "./check_schema.ts";
import { pointerJoin, resolveRef } from "./pointer.ts";
import type { SchemaNode } from "./types.ts";

/** The defaults a schema gives, and where each is written. */
export interface SchemaDefaults {
  /** The values, nested by key. */
  values: Record<string, unknown>;
  /** The JSON pointer of the `default` that gives a key path (keys joined by NUL). */
  pointers: Map<string, string>;
  /** Every key the schema names under `properties`, nested (leaves are `true`): known keys for the environment. */
  keys: Record<string, unknown>;
}

/**
 * Collects the `default`s of `properties` (through `$ref` and `allOf`),
 * deeper ones over a table default of a parent. The root's own `default`
 * must be a table. Stops at a part already on the way down (a recursive
 * `$ref`) and below the schema depth bound.
 *
 * @example
 * ```ts
 * import { schemaDefaults } from "./schema_defaults.ts";
 * const d = schemaDefaults({ properties: { server: { properties: { timeout: { default: 30 } } } } });
 * console.assert(JSON.stringify(d.values) === '{"server":{"timeout":30}}');
 * console.assert(d.pointers.get("server\0timeout") === "/properties/server/properties/timeout/default");
 * ```
 */
export function schemaDefaults(root: SchemaNode): SchemaDefaults {
  const values: Record<string, unknown> = {};
  const keys: Record<string, unknown> = {};
  const pointers = new Map<string, string>();
  const put = (path: string[], value: unknown, at: string) => {
    if (path.length === 0) {
      if (!isTable(value)) return;
      for (const k of Object.keys(value)) put([k], value[k], pointerJoin(at, k));
      return;
    }
    if (isTable(value) && Object.keys(value).length > 0) {
      for (const k of Object.keys(value)) put([...path, k], value[k], pointerJoin(at, k));
      return;
    }
    assignPath(values, path, value);
    pointers.set(path.join("\0"), at);
  };
  const walk = (node: SchemaNode, at: string, path: string[], onPath: Set<SchemaNode>) => {
    if (typeof node !== "object" || onPath.has(node) || onPath.size > maxSchemaDepth) return;
    onPath.add(node);
    if (node.default !== undefined) put(path, node.default, pointerJoin(at, "default"));
    if (node.$ref !== undefined) {
      const target = resolveRef(root, node.$ref);
      if (target) walk(target.node as SchemaNode, target.pointer, path, onPath);
    }
    node.allOf?.forEach((sub, i) => walk(sub, pointerJoin(at, "allOf", i), path, onPath));
    for (const [k, sub] of Object.entries(node.properties ?? {})) {
      if (lookup(keys, [...path, k]).found === false) assignPath(keys, [...path, k], true);
      walk(sub, pointerJoin(at, "properties", k), [...path, k], onPath);
    }
    onPath.delete(node);
  };
  walk(root, "", [], new Set());
  return { values, pointers, keys };
}
