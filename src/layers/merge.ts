/**
 * The waterfall's arithmetic: looking a path up in one layer's values, and
 * merging layers (tables merge key by key; arrays and scalars replace).
 * Pure functions over plain values.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { guardDepth } from "../max_depth.ts";

/** What one layer says about a path. */
export type Lookup =
  | { found: true; value: unknown }
  /** Absent here; `blockedAt` is set when a prefix of the path holds a non-table (which hides what lower layers have under it). */
  | { found: false; blockedAt?: number };

/**
 * Looks `path` up in `table`. A non-table value at a proper prefix of the
 * path "blocks" it: in the merged view that value replaces the whole subtree.
 *
 * @example
 * ```ts
 * import { lookup } from "./merge.ts";
 * const t = { db: { host: "h" }, port: 5 };
 * console.assert(lookup(t, ["db", "host"]).found);
 * const r = lookup(t, ["port", "x"]);
 * console.assert(!r.found && r.blockedAt === 1);
 * ```
 */
export function lookup(
  table: Record<string, unknown> | undefined,
  path: readonly string[],
): Lookup {
  let node: unknown = table;
  for (let i = 0; i < path.length; i++) {
    if (!isTable(node)) return i === 0 ? { found: false } : { found: false, blockedAt: i };
    if (!Object.prototype.hasOwnProperty.call(node, path[i])) return { found: false };
    node = node[path[i]];
  }
  return path.length === 0 && node === undefined ? { found: false } : { found: true, value: node };
}

/** One layer's contribution to a merge: its values and an identifier. */
export interface MergeSource<L> {
  /** The layer (passed back with every leaf). */
  layer: L;
  /** The layer's value at the merged path (a table or anything else). */
  value: unknown;
}

/** A leaf of a merged tree and the layer it came from. */
export interface MergedLeaf<L> {
  /** Path from the merge's root. */
  path: string[];
  /** The value as the layer holds it. */
  value: unknown;
  /** The winning layer. */
  layer: L;
}

/** A merged tree: tables merged across layers, leaves remembering their layer. */
export type MergedNode<L> =
  | { table: true; children: Map<string, MergedNode<L>> }
  | { table: false; value: unknown; layer: L };

function fromValue<L>(value: unknown, layer: L, depth: number): MergedNode<L> {
  if (!isTable(value)) return { table: false, value, layer };
  guardDepth(depth, "cannot merge the layers");
  const children = new Map<string, MergedNode<L>>();
  for (const k of Object.keys(value)) children.set(k, fromValue(value[k], layer, depth + 1));
  return { table: true, children };
}

function overlay<L>(
  below: MergedNode<L> | undefined,
  value: unknown,
  layer: L,
  depth: number,
): MergedNode<L> {
  if (!isTable(value) || below === undefined || !below.table) {
    return fromValue(value, layer, depth);
  }
  guardDepth(depth, "cannot merge the layers");
  for (const k of Object.keys(value)) {
    below.children.set(k, overlay(below.children.get(k), value[k], layer, depth + 1));
  }
  return below;
}

/**
 * Merges values of several layers, `sources` ordered top (winning) first.
 *
 * @example
 * ```ts
 * import { mergeSources, mergedValue } from "./merge.ts";
 * const m = mergeSources([
 *   { layer: "user", value: { db: { host: "u" }, list: [1] } },
 *   { layer: "defaults", value: { db: { host: "d", port: 5 }, list: [1, 2] } },
 * ]);
 * console.assert(JSON.stringify(mergedValue(m!)) === '{"db":{"host":"u","port":5},"list":[1]}');
 * ```
 */
export function mergeSources<L>(sources: readonly MergeSource<L>[]): MergedNode<L> | undefined {
  let node: MergedNode<L> | undefined;
  for (let i = sources.length - 1; i >= 0; i--) {
    node = overlay(node, sources[i].value, sources[i].layer, 0);
  }
  return node;
}

/**
 * The plain value of a merged tree; `convert` may change each leaf (e.g. an
 * environment variable's text to the key's type).
 */
export function mergedValue<L>(
  node: MergedNode<L>,
  convert?: (leaf: MergedLeaf<L>) => unknown,
  path: string[] = [],
): unknown {
  if (!node.table) {
    return convert ? convert({ path, value: node.value, layer: node.layer }) : node.value;
  }
  guardDepth(path.length, "cannot merge the layers");
  const out: Record<string, unknown> = {};
  for (const [k, child] of node.children) {
    Object.defineProperty(out, k, {
      value: mergedValue(child, convert, [...path, k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * The leaves of a merged tree (arrays are leaves; an empty table has none),
 * in tree order, with paths prefixed by `prefix`.
 */
export function mergedLeaves<L>(node: MergedNode<L>, prefix: string[] = []): MergedLeaf<L>[] {
  const out: MergedLeaf<L>[] = [];
  const walk = (n: MergedNode<L>, path: string[]) => {
    if (!n.table) {
      out.push({ path, value: n.value, layer: n.layer });
      return;
    }
    guardDepth(path.length, "cannot list the keys");
    for (const [k, child] of n.children) walk(child, [...path, k]);
  };
  walk(node, prefix);
  return out;
}

/**
 * Sets `path` in a plain table, creating tables on the way and replacing a
 * non-table in the way (the later assignment wins, as with repeated `--set`).
 */
export function assignPath(
  table: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let node = table;
  for (let i = 0; i < path.length - 1; i++) {
    const next = Object.prototype.hasOwnProperty.call(node, path[i]) ? node[path[i]] : undefined;
    if (isTable(next)) {
      node = next;
      continue;
    }
    const created: Record<string, unknown> = {};
    define(node, path[i], created);
    node = created;
  }
  define(node, path[path.length - 1], value);
}

/** Assigns an own, enumerable property (a key named `__proto__` is an ordinary key). */
export function define(table: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
