/**
 * Typed values as the JSON strata keeps on disk: journal lines and the
 * parsed-values cache. JSON cannot hold everything TOML can: a journal
 * writes a `bigint` as its digits in a string; the cache lists such values
 * apart (`specials`) and puts them back on reading. Sealed values are kept
 * as they are stored (sealed), never opened: nothing here loads the
 * cryptography.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { TomlDateTime } from "../toml/datetime.ts";

/** The JSON replacer of journal lines: a `bigint` as its decimal digits. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * One journal entry as its line of NDJSON (with the final newline). Absent
 * values (undefined) are left out, which is how "the key was not set" is
 * recorded.
 *
 * @example
 * ```ts
 * import { journalLine } from "./_stored_json.ts";
 * console.assert(journalLine({ key: "a", new: 2n ** 64n, old: undefined }) === '{"key":"a","new":"18446744073709551616"}\n');
 * ```
 */
export function journalLine(entry: object): string {
  return JSON.stringify(entry, jsonSafe) + "\n";
}

/**
 * A value JSON cannot hold, by where it is: `[path, kind, text]`; kind `F`
 * marks a whole number written as a float (`1.0`), whose value JSON holds.
 */
export type Special = [(string | number)[], "b" | "f" | "d" | "F", string];

/** Collects what JSON cannot hold (a read-only walk: `path` is a stack, copied only for a find). */
function findSpecials(value: unknown, path: (string | number)[], out: Special[]): void {
  if (typeof value === "bigint") {
    out.push([path.slice(), "b", value.toString()]);
  } else if (typeof value === "number") {
    if (!Number.isFinite(value) || Object.is(value, -0)) {
      out.push([path.slice(), "f", Object.is(value, -0) ? "-0" : String(value)]);
    }
  } else if (value instanceof TomlDateTime) {
    out.push([path.slice(), "d", value.toString()]);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      findSpecials(value[i], path, out);
      path.pop();
    }
  } else if (isTable(value)) {
    for (const k of Object.keys(value)) {
      path.push(k);
      findSpecials(value[k], path, out);
      path.pop();
    }
  }
}

/** Every value in `values` JSON cannot hold, with where it is. */
export function cacheSpecials(values: Record<string, unknown>): Special[] {
  const specials: Special[] = [];
  findSpecials(values, [], specials);
  return specials;
}

/** JSON of `values`, with null where a special value is (restored from `specials` on reading). */
export function cacheValuesJson(values: Record<string, unknown>, specials: Special[]): string {
  if (specials.length === 0) return JSON.stringify(values);
  return JSON.stringify(values, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return typeof raw === "bigint" || raw instanceof TomlDateTime ? null : v;
  });
}

/** The value a cache's special stands for. */
export function decodeSpecial(kind: Special[1], text: string): unknown {
  if (kind === "b") return BigInt(text);
  if (kind === "d") return TomlDateTime.parse(text);
  return text === "-0" ? -0 : Number(text);
}
