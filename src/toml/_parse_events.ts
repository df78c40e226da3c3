/**
 * What a caller hands the parser core: its options, and the event callbacks
 * that tell a format-preserving editor where every header, key and value sits.
 *
 * @module
 */

import type { TomlPath, TomlTable, TomlValueKind, TomlVersion } from "./types.ts";

/** A `[a.b]` or `[[a.b]]` header line. */
export interface TomlHeaderEvent {
  /** Absolute path of the table the header opens; for `[[x]]` it ends with the new element's index. */
  path: TomlPath;
  /** True for `[[...]]` (an element of an array of tables). */
  isArray: boolean;
  /** UTF-16 offset of the opening `[`. */
  start: number;
  /** UTF-16 offset just after the closing `]` or `]]`. */
  end: number;
  /** 1-based line of the header. */
  line: number;
}

/** A `key = value` statement, at the top level, under a header, or inside an inline table. */
export interface TomlKeyValueEvent {
  /** Absolute path of the table the statement belongs to (the current header's table, or the inline table). */
  table: TomlPath;
  /** The key as written, one unquoted string per dotted segment. */
  key: string[];
  /** UTF-16 offset of the first character of the key (a quote for a quoted key). */
  keyStart: number;
  /** UTF-16 offset just after the last key segment (before any space and the `=`). */
  keyEnd: number;
  /** UTF-16 offset of the first character of the value. */
  valueStart: number;
  /** UTF-16 offset just after the value (before any space, comment or newline). */
  valueEnd: number;
  /** 1-based line of the key. */
  line: number;
  /** True when the statement is inside an inline table `{ ... }`. */
  inline: boolean;
}

/** One value, anywhere: a key's value, an array element, a nested inline table. */
export interface TomlValueEvent {
  /** Absolute path of the value, with numeric segments for array indexes. */
  path: TomlPath;
  /** The TOML type of the value. */
  kind: TomlValueKind;
  /** UTF-16 offset of the value's first character. */
  start: number;
  /** UTF-16 offset just after the value's last character. */
  end: number;
}

/**
 * Callbacks the parser calls during its single pass, in document order. Each
 * is optional; without `events` the parser does no path bookkeeping at all.
 *
 * - `header` for every `[table]` / `[[array.of.tables]]` line.
 * - `value` for every value once it is complete: scalars, and arrays and
 *   inline tables after their last element (so children come before their
 *   container). Paths are absolute, e.g. `["servers", 0, "ports", 1]`.
 * - `keyValue` for every `key = value` statement after its value's `value`
 *   event; inside an inline table `inline` is true and `table` is the inline
 *   table's path.
 *
 * Offsets are UTF-16 indexes into the text given to the parser (a leading BOM
 * counts as one), suitable for `text.slice(start, end)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseToml } from "./_parser.ts";
 * const seen: string[] = [];
 * parseToml("[[p]]\nx = [1, 2]\n", {
 *   events: {
 *     header: (e) => seen.push(`header ${JSON.stringify(e.path)}`),
 *     value: (e) => seen.push(`${e.kind} ${JSON.stringify(e.path)}`),
 *     keyValue: (e) => seen.push(`key ${e.key.join(".")} line ${e.line}`),
 *   },
 * });
 * assert.ok(seen.join("; ") ===
 *   'header ["p",0]; integer ["p",0,"x",0]; integer ["p",0,"x",1]; array ["p",0,"x"]; key x line 2');
 * ```
 */
export interface TomlParseEvents {
  /** A table header. */
  header?(event: TomlHeaderEvent): void;
  /** A `key = value` statement. */
  keyValue?(event: TomlKeyValueEvent): void;
  /** A value. */
  value?(event: TomlValueEvent): void;
}

/** Options of the parser core (`parseToml`). */
export interface ParseTomlOptions {
  /** Return every integer as a `bigint` (default: `number` when within 2^53). */
  bigint?: boolean;
  /** The TOML version to read: "1.1" (the default) or "1.0" (strict: refuses what 1.1 added). */
  toml?: TomlVersion;
  /** File name to put in front of error messages. */
  file?: string;
  /** Callbacks for a format-preserving editor. */
  events?: TomlParseEvents;
  /** Receives `[table, key]` for every key whose value is a float with a whole-number value (`1.0`). */
  wholeFloats?: [TomlTable, string][];
}
