/**
 * Small helpers over plain TOML values for the editor: what is a table, what
 * is an array of tables, walking a path, comparing two values, and checking
 * that a value can be written at all. Internal to `src/toml/`.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { TomlDateTime } from "./datetime.ts";
import type { TomlTable, TomlValue } from "./types.ts";

/** True for a table (a plain object, not an array or date-time). */
export function isTable(v: unknown): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof TomlDateTime);
}

/** True for a non-empty array whose every element is a table: written as `[[x]]` sections. */
export function isTableArray(v: unknown): v is TomlTable[] {
  return Array.isArray(v) && v.length > 0 && v.every(isTable);
}

const INDEX = /^(0|[1-9][0-9]*)$/;
/** Half of a surrogate pair without its other half: not Unicode, so not writable as UTF-8. */
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/** The array index a segment names, or -1 when it is not a canonical decimal index. */
export function indexOf(segment: string): number {
  return INDEX.test(segment) ? Number(segment) : -1;
}

/** The child of `node` named by `segment` (own keys only; arrays by index), or undefined. */
export function childOf(node: unknown, segment: string): TomlValue | undefined {
  if (Array.isArray(node)) {
    const i = indexOf(segment);
    return i >= 0 && i < node.length ? node[i] : undefined;
  }
  if (isTable(node) && Object.prototype.hasOwnProperty.call(node, segment)) return node[segment];
  return undefined;
}

/** The value at `path` under `root`, or undefined. */
export function valueAt(root: TomlTable, path: readonly string[]): TomlValue | undefined {
  let node: TomlValue | undefined = root;
  for (const seg of path) {
    node = childOf(node, seg);
    if (node === undefined) return undefined;
  }
  return node;
}

/** A deep copy of a value (date-times are immutable and shared). */
export function copyValue(v: TomlValue): TomlValue {
  if (Array.isArray(v)) return v.map(copyValue);
  if (!isTable(v)) return v;
  const out: TomlTable = {};
  for (const k of Object.keys(v)) {
    // defineProperty, so a key named "__proto__" stays an ordinary key.
    Object.defineProperty(out, k, {
      value: copyValue(v[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * True when `a` and `b` are the same TOML value. With `loose`, a bigint and a
 * number of the same integer value are equal (the parser picks one of them
 * for a given text, whichever the caller passed in).
 */
export function sameValue(a: unknown, b: unknown, loose = false): boolean {
  if (typeof a === "number" && typeof b === "number") {
    return a === b ? (a !== 0 || Object.is(a, b) || loose) : Number.isNaN(a) && Number.isNaN(b);
  }
  if (loose && (typeof a === "bigint" || typeof b === "bigint")) {
    const num = (x: unknown) =>
      typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x));
    return num(a) && num(b) && BigInt(a as number) === BigInt(b as number);
  }
  if (a instanceof TomlDateTime || b instanceof TomlDateTime) {
    return a instanceof TomlDateTime && b instanceof TomlDateTime && a.kind === b.kind &&
      a.toString() === b.toString();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i], loose));
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) =>
      Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k], loose)
    );
  }
  return a === b;
}

/**
 * Throws a {@link StrataError} (code "type") naming `where` (the key, and
 * the file when known) when `value`
 * holds anything TOML cannot write: `null`, `undefined`, a function, a
 * symbol, a `Date`-like object that is not a {@link TomlDateTime}.
 */
export function checkWritable(value: unknown, where: string, seen: Set<object> = new Set()): void {
  const fail = (what: string): never => {
    throw new StrataError(
      "type",
      `cannot set ${where}: ${what} has no TOML form (TOML has strings, numbers, booleans, ` +
        `date-times, arrays and tables; use delete to remove a key)`,
    );
  };
  if (value === null) fail("null");
  switch (typeof value) {
    case "string":
      if (LONE_SURROGATE.test(value)) fail("a string with a lone surrogate (not valid Unicode)");
      return;
    case "number":
    case "boolean":
      return;
    case "bigint":
      if (value > I64_MAX || value < I64_MIN) fail(`${value} (outside TOML's 64-bit integers)`);
      return;
    case "undefined":
      return fail("undefined");
    case "function":
    case "symbol":
      return fail(`a ${typeof value}`);
  }
  if (value instanceof TomlDateTime) return;
  if (value instanceof Date) fail("a Date (use TomlDateTime.fromDate)");
  if (seen.has(value as object)) fail("a circular reference");
  seen.add(value as object);
  if (Array.isArray(value)) value.forEach((v) => checkWritable(v, where, seen));
  else {
    for (const [k, v] of Object.entries(value as object)) {
      if (LONE_SURROGATE.test(k)) fail("a key with a lone surrogate (not valid Unicode)");
      checkWritable(v, where, seen);
    }
  }
  seen.delete(value as object);
}
