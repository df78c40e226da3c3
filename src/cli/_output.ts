/**
 * How the CLI prints values: for people (a string as is, other values as
 * TOML text) and for scripts (JSON, with 64-bit integers kept exact and
 * date-times as their TOML text).
 *
 * @module
 */

import { isSealed } from "../codec/is_sealed.ts";
import { maskSealed, SEALED_SHOWN } from "../codec/shown.ts";
import { formatValue, stringify } from "../toml/stringify.ts";
import type { TomlTable } from "../toml/parse.ts";
import type { Origin } from "../config.ts";
import { isTable } from "../is_table.ts";

/**
 * A value as `strata get` prints it: a string as is, a table as a TOML
 * document, anything else as its TOML literal. Ends with a newline.
 *
 * @example
 * ```ts
 * import { formatForPerson } from "./_output.ts";
 * console.assert(formatForPerson("a b") === "a b\n");
 * console.assert(formatForPerson(8080) === "8080\n");
 * ```
 */
export function formatForPerson(value: unknown, float = false): string {
  value = maskSealed(value);
  if (typeof value === "string") return `${value}\n`;
  if (isTable(value)) return `${stringify(value as TomlTable, { wideIntegers }).trimEnd()}\n`;
  return `${formatLiteral(value, float)}\n`;
}

/**
 * A value as one TOML literal (strings quoted), for `list` and `explain`.
 * `float`: the key is known to hold a float, so an integral number is
 * written `2.0` (a JavaScript number cannot tell `2.0` from `2`).
 *
 * @example
 * ```ts
 * import { formatLiteral } from "./_output.ts";
 * console.assert(formatLiteral("x") === '"x"');
 * console.assert(formatLiteral(2, true) === "2.0" && formatLiteral(2) === "2");
 * ```
 */
export function formatLiteral(value: unknown, float = false): string {
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
 * import { needsFloatCheck } from "./_output.ts";
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
 * import { toJson } from "./_output.ts";
 * console.assert(toJson({ n: 2n ** 64n }, 0) === '{"n":18446744073709551616}');
 * ```
 */
export function toJson(value: unknown, indent = 2): string {
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

/**
 * Where a value came from, for people: `user /home/me/.config/demo/config.toml:3`,
 * `environment DEMO_DB__HOST`, `command-line --set db.host=x`.
 *
 * @example
 * ```ts
 * import { describeOrigin } from "./_output.ts";
 * console.assert(describeOrigin({ layer: "environment", env: "DEMO_PORT" }) === "environment DEMO_PORT");
 * ```
 */
export function describeOrigin(origin: Origin): string {
  return `${origin.layer} ${where(origin)}`.trimEnd();
}

/**
 * The place part of an origin: `file:line`, the variable name, or the `--set` item.
 *
 * @example
 * ```ts
 * import { where } from "./_output.ts";
 * console.assert(where({ file: "/c.toml", line: 3 }) === "/c.toml:3");
 * ```
 */
export function where(
  origin: { file?: string; line?: number; env?: string; arg?: string; pointer?: string },
): string {
  // The schema's defaults: the schema file and the JSON pointer of the `default`.
  if (origin.pointer !== undefined) {
    return `${origin.file ?? "the program's schema"}#${origin.pointer}`;
  }
  if (origin.file) return origin.line ? `${origin.file}:${origin.line}` : origin.file;
  if (origin.env) return origin.env;
  if (origin.arg) return `--set ${origin.arg}`;
  return "";
}

/**
 * Lays out rows of cells in columns separated by two spaces (last cell unpadded).
 *
 * @example
 * ```ts
 * import { columns } from "./_output.ts";
 * console.assert(columns([["a", "1"], ["bbb", "2"]]) === "a    1\nbbb  2\n");
 * ```
 */
export function columns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  }
  return rows.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  ")
      .trimEnd() + "\n"
  ).join("");
}
