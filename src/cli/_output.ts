/**
 * How the CLI prints: values through the value codec (for people: a string
 * as is, other values as TOML text; for scripts: JSON, with 64-bit integers
 * kept exact and date-times as their TOML text; sealed values as
 * `(sealed)`), origins, and columns.
 *
 * @module
 */

import type { Origin } from "../config/config.ts";

// The value codec (src/codec/value_text.ts) is the one place values become
// text; these are the names the commands know it by.
export {
  needsFloatCheck,
  toJsonText as toJson,
  toLiteral as formatLiteral,
  toPersonText as formatForPerson,
} from "../codec/value_text.ts";

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
export function where(origin: Omit<Origin, "layer">): string {
  // The shared layer: the scope and server, then the snapshot's file:line.
  if (origin.remote !== undefined) {
    const at = where({ ...origin, remote: undefined });
    return at ? `${origin.remote}, snapshot ${at}` : origin.remote;
  }
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
