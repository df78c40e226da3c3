/**
 * How an array combines across layers when the schema says so per key
 * (`"x-strata-merge"`). Tables always merge key by key; scalars always replace.
 *
 * @module
 */

import type { MergeStrategy } from "./validate.ts";

/**
 * Combines the arrays a key holds in several layers, lowest layer first.
 * `replace` keeps the top layer's array; `append` concatenates lowest first;
 * `union` concatenates and drops later duplicates (compared by value).
 *
 * @example
 * ```ts
 * import { mergeArrays } from "./merge_arrays.ts";
 * const merged = mergeArrays("union", [["a", "b"], ["b", "c"]]);
 * console.assert(JSON.stringify(merged) === '["a","b","c"]');
 * ```
 */
export function mergeArrays(strategy: MergeStrategy, lowestFirst: unknown[][]): unknown[] {
  if (lowestFirst.length === 0) return [];
  if (strategy === "replace") return lowestFirst[lowestFirst.length - 1];
  const all = lowestFirst.flat();
  if (strategy === "append") return all;
  const seen = new Set<string>();
  return all.filter((item) => {
    const identity = identityOf(item);
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}

function identityOf(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
}
