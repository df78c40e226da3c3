/**
 * Which keys differ between two configuration values, for `strata diff` and
 * for counting how many keys a write changed.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { guardDepth, MAX_DEPTH, nestingDepth } from "../max_depth.ts";

/** One key whose value differs; `before`/`after` are undefined when absent. */
export interface KeyChange {
  path: string[];
  before?: unknown;
  after?: unknown;
}

/**
 * Compares two tables leaf by leaf (arrays and date-times compare as whole
 * values) and lists the changed keys in the order they appear, `a`'s keys first.
 *
 * @example
 * ```ts
 * import { diffValues } from "./value_diff.ts";
 * const changes = diffValues({ a: 1, t: { x: 1 } }, { a: 2, t: { x: 1, y: 2 } });
 * console.assert(changes.length === 2);
 * ```
 */
export function diffValues(a: unknown, b: unknown): KeyChange[] {
  const out: KeyChange[] = [];
  walk(a, b, [], out);
  return out;
}

function walk(a: unknown, b: unknown, path: string[], out: KeyChange[]): void {
  if (isTable(a) || isTable(b)) guardDepth(path.length, "cannot compare the versions");
  if (isTable(a) && isTable(b)) {
    const ta = a;
    const tb = b;
    for (const k of Object.keys(ta)) {
      walk(ta[k], Object.hasOwn(tb, k) ? tb[k] : undefined, [...path, k], out);
    }
    for (const k of Object.keys(tb)) {
      if (!Object.hasOwn(ta, k)) walk(undefined, tb[k], [...path, k], out);
    }
    return;
  }
  if (a === undefined && isTable(b)) {
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
      walk(undefined, v, [...path, k], out);
    }
    return;
  }
  if (isTable(a) && b === undefined) {
    for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
      walk(v, undefined, [...path, k], out);
    }
    return;
  }
  if (!sameValue(a, b)) out.push({ path, before: a, after: b });
}

/** Deep equality over TOML values (bigints, date-times by their text, NaN equals NaN). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined) return "undefined";
  // JSON.stringify recurses: measure first (a value past the bound is refused, not overflowed).
  if (nestingDepth(value) > MAX_DEPTH) guardDepth(MAX_DEPTH + 1, "cannot compare the values");
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !isTable(v)) {
      return `${v.constructor?.name ?? "object"}:${String(v)}`;
    }
    return v;
  });
}
