/**
 * The one test for "is this value a TOML table": a plain object (not an
 * array, not a date-time, not null).
 *
 * @module
 */

/**
 * True for a plain object (prototype `Object.prototype` or null).
 *
 * @example
 * ```ts
 * import { isTable } from "./is_table.ts";
 * console.assert(isTable({ a: 1 }) && !isTable([1]) && !isTable(new Date()));
 * ```
 */
export function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
