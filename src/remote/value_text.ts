/**
 * A typed value as the server keeps it: its TOML literal and its TOML kind.
 * The literal is what the snapshot file holds, byte for byte, so nothing is
 * lost on the way (an integer beyond 2^53, a local time, `1.0`, a sealed
 * `enc:v1:` string stays sealed).
 *
 * @module
 */

import { parse } from "../toml/parse.ts";
import { formatValue } from "../toml/stringify.ts";
import { TomlDateTime } from "../toml/datetime.ts";
import type { ValueType } from "../codec/value.ts";

/** A value as stored: TOML literal text and TOML kind. */
export interface StoredValue {
  /** One-line TOML literal: `42`, `1.0`, `"x"`, `1979-05-27T07:32:00Z`, `[1, 2]`. */
  text: string;
  /** `integer`, `float`, `string`, `boolean`, a date-time kind, `array` or `table`. */
  kind: string;
}

/**
 * Encodes a typed value. `type` tells a whole float (`3.0`) from an integer.
 *
 * @example
 * ```ts
 * import { encodeValue } from "./value_text.ts";
 * console.assert(encodeValue(3, "float").text === "3.0");
 * console.assert(encodeValue(9007199254740993n, "int").text === "9007199254740993");
 * ```
 */
export function encodeValue(value: unknown, type?: ValueType): StoredValue {
  if (typeof value === "number" && (type === "float" || !Number.isInteger(value))) {
    return { text: formatValue(value, { bigint: true }), kind: "float" };
  }
  if (typeof value === "number" || typeof value === "bigint") {
    return { text: formatValue(value), kind: "integer" };
  }
  if (typeof value === "string") return { text: formatValue(value), kind: "string" };
  if (typeof value === "boolean") return { text: formatValue(value), kind: "boolean" };
  if (value instanceof TomlDateTime) return { text: formatValue(value), kind: value.kind };
  if (Array.isArray(value)) return { text: formatValue(value), kind: "array" };
  return { text: formatValue(value), kind: "table" };
}

/**
 * Decodes a stored literal back to a value (as the TOML parser reads it:
 * integers beyond 2^53 as `bigint`, date-times as `TomlDateTime`).
 *
 * @example
 * ```ts
 * import { decodeValue } from "./value_text.ts";
 * console.assert(decodeValue("9007199254740993") === 9007199254740993n);
 * ```
 */
export function decodeValue(text: string): unknown {
  return parse(`v = ${text}`).v;
}
