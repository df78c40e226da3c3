/**
 * strata's own TOML engine: `parse` text into plain values,
 * `stringify` values into text a person would write, and edit a document
 * without losing a comment (`TomlDocument`).
 *
 * - It reads TOML 1.1.0 (multi-line inline tables with comments and trailing
 *   commas, `\e` and `\xHH` escapes, times without seconds), or strictly
 *   1.0.0 with `parse(text, { toml: "1.0" })`.
 * - What it writes is TOML 1.0.0, which every 1.0 and 1.1 reader takes: the
 *   serializer and the editor's new text never use syntax 1.1 added, and the
 *   editor leaves what a person wrote (1.1 syntax included) as it was.
 *
 * - Integers are `number` up to 2^53 - 1 and `bigint` beyond (or always, with
 *   `{ bigint: true }`); nothing is rounded.
 * - Date-times are {@link TomlDateTime} values of four kinds.
 * - Every error in the text is a {@link TomlParseError} with line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parse, stringify } from "./mod.ts";
 * const value = parse("[server]\nport = 8080 # the default\n");
 * assert.ok(stringify(value) === "[server]\nport = 8080\n");
 * ```
 *
 * @module
 */

export { parse, type ParseOptions } from "./parse.ts";
export type { TomlPath, TomlTable, TomlValue, TomlValueKind, TomlVersion } from "./types.ts";
export { formatKey, formatValue, stringify, type StringifyOptions } from "./stringify.ts";
export { TomlDateTime, type TomlDateTimeFields, type TomlDateTimeKind } from "./datetime.ts";
export { TomlParseError } from "./errors.ts";
// The format-preserving editor (src/toml/document.ts) is re-exported here by its author:
export { TomlDocument, type TomlEntry, type TomlKeyPath, type TomlSetOptions } from "./document.ts";
