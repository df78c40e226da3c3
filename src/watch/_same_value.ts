/**
 * Whether two configuration values are the same value: what decides that a
 * key changed (a file rewritten with the same value is no change).
 *
 * @module
 */

/**
 * Deep equality of configuration values: tables by their keys, arrays by
 * position, dates by time, `NaN` equal to itself, other value objects (TOML
 * date-times) by their text.
 *
 * @example
 * ```ts
 * import { sameValue } from "./_same_value.ts";
 * console.assert(sameValue({ a: [1, NaN] }, { a: [1, NaN] }) && !sameValue(1, 1n));
 * ```
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  const protoA = Object.getPrototypeOf(a);
  const protoB = Object.getPrototypeOf(b);
  const plain = (p: unknown) => p === Object.prototype || p === null;
  if (!plain(protoA) || !plain(protoB)) return protoA === protoB && String(a) === String(b);
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) =>
    Object.hasOwn(b, k) &&
    sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}
