/**
 * How recovery results read for people: values as TOML literals, absent
 * values named, times without the noise. Pure functions; the commands print.
 *
 * @module
 */

import { toLiteral } from "../codec/value_text.ts";
import { formatKey } from "../keys.ts";
import type { JournalEntry } from "../store/journal.ts";
import type { KeyChange } from "../diff/value_diff.ts";

/**
 * A value as one TOML literal, `(absent)` when undefined.
 *
 * @example
 * ```ts
 * import { literal } from "./report_text.ts";
 * console.assert(literal("a") === '"a"' && literal(undefined) === "(absent)");
 * ```
 */
export function literal(value: unknown): string {
  if (value === undefined) return "(absent)";
  if (value === null) return "null";
  try {
    // The value codec: a sealed value shows as (sealed); a JSON file's
    // integer beyond 64 bits as its digits.
    return toLiteral(value);
  } catch {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  }
}

/**
 * An ISO time as `2026-11-26 00:12:03` (UTC; the journal keeps the milliseconds).
 *
 * @example
 * ```ts
 * import { shortTime } from "./report_text.ts";
 * console.assert(shortTime("2026-11-26T00:12:03.123Z") === "2026-11-26 00:12:03");
 * ```
 */
export function shortTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
}

/**
 * One changed key: `~ a: 1 -> 2`, `+ b = "x"`, `- c = 3`.
 *
 * @example
 * ```ts
 * import { changeLine } from "./report_text.ts";
 * console.assert(changeLine({ path: ["a"], before: 1, after: 2 }) === "~ a: 1 -> 2");
 * ```
 */
export function changeLine(change: KeyChange): string {
  const key = formatKey(change.path);
  if (change.before === undefined) return `+ ${key} = ${literal(change.after)}`;
  if (change.after === undefined) return `- ${key} = ${literal(change.before)}`;
  return `~ ${key}: ${literal(change.before)} -> ${literal(change.after)}`;
}

/**
 * A journal line's change for people: `db.port: 5432 -> 6543`,
 * `db.port = 6543 (new)`, `db.port removed (was 5432)`.
 */
export function entryChange(entry: JournalEntry): string {
  if (entry.key === "") {
    const what = entry.action === "restore"
      ? `whole file restored from ${String(entry.restored)}`
      : entry.action === "edit"
      ? "edited (comments or layout only)"
      : "whole file";
    return typeof entry.replaced === "string" ? `${what}, replacing ${entry.replaced}` : what;
  }
  const had = "old" in entry;
  const has = "new" in entry;
  if (!had) return `${entry.key} = ${literal(entry.new)} (new)`;
  if (!has) return `${entry.key} removed (was ${literal(entry.old)})`;
  return `${entry.key}: ${literal(entry.old)} -> ${literal(entry.new)}`;
}

/** What kind of write a journal line belongs to: `set`, `restore ID`, `undo`, `edit`. */
export function entryAction(entry: JournalEntry): string {
  if (entry.action === "restore") return `restore ${String(entry.restored ?? "")}`.trimEnd();
  if (typeof entry.action === "string") return entry.action;
  return "";
}
