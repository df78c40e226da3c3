/**
 * `parse`: TOML 1.1.0 text (or strictly 1.0.0) to plain JavaScript values.
 *
 * @module
 */

import { parseToml } from "./_parser.ts";
import type { TomlTable, TomlVersion } from "./types.ts";

export type { TomlPath, TomlTable, TomlValue, TomlValueKind } from "./types.ts";

/** Options of {@link parse}. */
export interface ParseOptions {
  /** Return every integer as a `bigint`, so `1` and `1.0` stay distinct. */
  bigint?: boolean;
  /** File name to put in front of error messages (`path/to/file: line 4, column 9: ...`). */
  file?: string;
  /**
   * The TOML version to read: "1.1" (the default) or "1.0", which refuses
   * what 1.1 added (newlines, comments and a trailing comma in an inline
   * table, the `\e` and `\xHH` escapes, a time without seconds).
   */
  toml?: TomlVersion;
  /**
   * Receives `[table, key]` for every key whose value is a float with a
   * whole-number value (`port = 1.0`): what tells it from `port = 1` without
   * `bigint` (keys inside arrays' inline tables included).
   */
  wholeFloats?: [TomlTable, string][];
}

/**
 * Parses a TOML 1.1.0 document (or, with `{ toml: "1.0" }`, a strict 1.0.0
 * one). Strings, booleans and floats become their JavaScript counterparts (`inf` and `nan` included); an integer becomes a
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
 * const inline = "point = {\n  x = 1, # across\n  y = 2,\n}\n";
 * assert.deepEqual(parse(inline), { point: { x: 1, y: 2 } });
 * assert.throws(() => parse(inline, { toml: "1.0" }));
 * ```
 */
export function parse(text: string, options: ParseOptions = {}): TomlTable {
  return parseToml(text, options);
}
