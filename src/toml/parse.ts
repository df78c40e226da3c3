/**
 * `parse`: TOML 1.0.0 text to plain JavaScript values.
 *
 * @module
 */

import { parseToml } from "./_parser.ts";
import type { TomlTable } from "./types.ts";

export type { TomlPath, TomlTable, TomlValue, TomlValueKind } from "./types.ts";

/** Options of {@link parse}. */
export interface ParseOptions {
  /** Return every integer as a `bigint`, so `1` and `1.0` stay distinct. */
  bigint?: boolean;
  /** File name to put in front of error messages (`path/to/file: line 4, column 9: ...`). */
  file?: string;
  /**
   * Receives `[table, key]` for every key whose value is a float with a
   * whole-number value (`port = 1.0`): what tells it from `port = 1` without
   * `bigint` (keys inside arrays' inline tables included).
   */
  wholeFloats?: [TomlTable, string][];
}

/**
 * Parses a TOML 1.0.0 document. Strings, booleans and floats become their
 * JavaScript counterparts (`inf` and `nan` included); an integer becomes a
 * `number` when |n| <= 2^53 - 1 and a `bigint` beyond (never rounded), or
 * always a `bigint` with `{ bigint: true }`; date-times become
 * {@link TomlDateTime}; tables are plain objects in document order.
 *
 * @throws {TomlParseError} with `line`, `column` and `reason` for invalid text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parse } from "./parse.ts";
 * const config = parse('title = "demo"\n[db]\nport = 5432\nbig = 9007199254740993\n');
 * assert.ok(config.title === "demo");
 * assert.ok((config.db as { port: number }).port === 5432);
 * assert.ok((config.db as { big: bigint }).big === 9007199254740993n);
 * ```
 */
export function parse(text: string, options: ParseOptions = {}): TomlTable {
  return parseToml(text, options);
}
