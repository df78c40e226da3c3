/**
 * Values as the page shows and edits them: a literal to read (TOML-like) and
 * the text a person would type to set it again (what `strata set` takes).
 * Sealed secrets are never sent: only the fact that they are sealed (the
 * value codec's `holdsSealed`).
 *
 * @module
 */

import { holdsSealed } from "../codec/shown.ts";
import { isTable } from "../is_table.ts";

/** A value as the page receives it. */
export interface ShownValue {
  /** For reading: `"db.example.org"`, `5432`, `[1, 2]`, `sealed`. */
  text: string;
  /** For editing: the text `set` takes (`db.example.org`, `5432`, `[1,2]`); absent when sealed. */
  input?: string;
  /** The value holds a sealed secret (`enc:v1:...`): shown as sealed, never as its text. */
  sealed?: boolean;
}

/**
 * How the page shows `value`.
 *
 * @example
 * ```ts
 * import { showValue } from "./_values.ts";
 * console.assert(showValue("x").text === '"x"');
 * console.assert(showValue("x").input === "x");
 * console.assert(showValue("enc:v1:QUJD").sealed === true);
 * ```
 */
export function showValue(value: unknown): ShownValue {
  if (holdsSealed(value)) return { text: "sealed", sealed: true };
  if (typeof value === "string") return { text: JSON.stringify(value), input: value };
  const text = literal(value);
  return { text, input: text };
}

/** JSON for arrays and tables (what `set --type json` reads back), plain text for the rest. */
function literal(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isFinite(value)) return String(value);
    return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  }
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(jsonOf).join(", ")}]`;
  if (isTable(value)) {
    const items = Object.entries(value as Record<string, unknown>);
    return `{${items.map(([k, v]) => `${JSON.stringify(k)}: ${jsonOf(v)}`).join(", ")}}`;
  }
  return String(value);
}

function jsonOf(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return literal(value);
  }
  if (Array.isArray(value) || isTable(value)) return literal(value);
  return JSON.stringify(String(value));
}
