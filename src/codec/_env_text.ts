/**
 * A typed value as the text of an environment variable: the inverse of the
 * environment layer's conversion, so `strata run` hands a program what the
 * environment layer would read back as the same value. Strings as they are;
 * numbers, booleans and date-times as their TOML literals; arrays and tables
 * as JSON (64-bit integers exact, date-times as their text).
 *
 * @module
 */

import { isTable } from "../is_table.ts";

function json(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isFinite(value)) return JSON.stringify(value);
    return Number.isNaN(value) ? '"nan"' : value > 0 ? '"inf"' : '"-inf"';
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(json).join(",")}]`;
  if (isTable(value)) {
    return `{${
      Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${json(v)}`).join(",")
    }}`;
  }
  return JSON.stringify(String(value));
}

/**
 * The variable text of a value. `float`: a whole number is a float (`3.0`).
 *
 * @example
 * ```ts
 * import { envText } from "./_env_text.ts";
 * console.assert(envText("a b") === "a b" && envText(5432) === "5432" && envText(3, true) === "3.0");
 * console.assert(envText(["a", 1]) === '["a",1]' && envText(true) === "true");
 * ```
 */
export function envText(value: unknown, float = false): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return float && Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) || isTable(value)) return json(value);
  return String(value);
}
