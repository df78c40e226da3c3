/**
 * The value codec with its printers: everything `value.ts` does (text in
 * for every edge, the environment, journal and cache forms; re-exported
 * here), and text out for people (`toPersonText`, `toLiteral`: a string as is or
 * quoted, other values as TOML), for scripts (`toJsonText`: 64-bit integers
 * exact, date-times as their TOML text) and for a program's environment
 * (`toEnvText`). Sealed secrets are one kind of value here: every text out
 * shows a sealed value as `(sealed)` (`maskSealed`), so no edge prints one
 * by a path nobody thought of; opening one is `sealed.ts`'s business, asked
 * for on purpose (`--reveal`, `run`).
 *
 * Imports the TOML writer (what printing a value needs), so commands load
 * it only when they print more than a plain string; never the cryptography.
 *
 * @module
 */

import { isSealed } from "./is_sealed.ts";
import { maskSealed, SEALED_SHOWN } from "./shown.ts";
import { formatValue, stringify } from "../toml/stringify.ts";
import type { TomlTable } from "../toml/parse.ts";
import { isTable } from "../is_table.ts";

export * from "./value.ts";

/**
 * A value as `strata get` prints it: a string as is, a table as a TOML
 * document, anything else as its TOML literal. Ends with a newline.
 *
 * @example
 * ```ts
 * import { toPersonText } from "./value_text.ts";
 * console.assert(toPersonText("a b") === "a b\n");
 * console.assert(toPersonText(8080) === "8080\n");
 * ```
 */
export function toPersonText(value: unknown, float = false): string {
  value = maskSealed(value);
  if (typeof value === "string") return `${value}\n`;
  if (isTable(value)) return `${stringify(value as TomlTable, { wideIntegers }).trimEnd()}\n`;
  return `${toLiteral(value, float)}\n`;
}

/**
 * A value as one TOML literal (strings quoted), for `list` and `explain`.
 * `float`: the key is known to hold a float, so an integral number is
 * written `2.0` (a JavaScript number cannot tell `2.0` from `2`).
 *
 * @example
 * ```ts
 * import { toLiteral } from "./value_text.ts";
 * console.assert(toLiteral("x") === '"x"');
 * console.assert(toLiteral(2, true) === "2.0" && toLiteral(2) === "2");
 * ```
 */
export function toLiteral(value: unknown, float = false): string {
  if (isSealed(value)) return SEALED_SHOWN;
  value = maskSealed(value);
  return formatValue(value as never, { bigint: float && typeof value === "number", wideIntegers });
}

/**
 * A JSON file may hold an integer beyond 64 bits: strata reads it exactly,
 * and shows it as its digits (it never writes one).
 */
const wideIntegers = true;

/**
 * Whether printing `value` needs to know if its key holds a float: only an
 * integral number is ambiguous (`2` or `2.0`), so only then is the type
 * looked up (which can cost a parse of the file).
 *
 * @example
 * ```ts
 * import { needsFloatCheck } from "./value_text.ts";
 * console.assert(needsFloatCheck(2) && !needsFloatCheck(2.5) && !needsFloatCheck("2"));
 * ```
 */
export function needsFloatCheck(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value);
}

/**
 * JSON text for scripts. Integers beyond 2^53 (bigint) are written as exact
 * JSON numbers; date-times as their TOML text; `inf`/`nan` (which JSON cannot
 * hold) as the strings "inf", "-inf", "nan".
 *
 * @example
 * ```ts
 * import { toJsonText } from "./value_text.ts";
 * console.assert(toJsonText({ n: 2n ** 64n }, 0) === '{"n":18446744073709551616}');
 * ```
 */
export function toJsonText(value: unknown, indent = 2): string {
  return write(maskSealed(value), indent, "");
}

function write(value: unknown, indent: number, pad: string): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isFinite(value)) return JSON.stringify(value);
    return Number.isNaN(value) ? '"nan"' : value > 0 ? '"inf"' : '"-inf"';
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const inner = pad + " ".repeat(indent);
  const [open, close, sep] = indent ? ["\n" + inner, "\n" + pad, ",\n" + inner] : ["", "", ","];
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${open}${value.map((v) => write(v, indent, inner)).join(sep)}${close}]`;
  }
  if (isTable(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return "{}";
    const colon = indent ? ": " : ":";
    const items = entries.map(([k, v]) => JSON.stringify(k) + colon + write(v, indent, inner));
    return `{${open}${items.join(sep)}${close}}`;
  }
  // A TOML date-time (or another value object): its text form.
  return JSON.stringify(String(value));
}
