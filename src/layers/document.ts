/**
 * One interface over both file formats, so the layers read and write TOML
 * and JSON alike: `TomlDocument` for `.toml`, `JsonDocument` for `.json`.
 *
 * @module
 */

import { JsonDocument } from "../json/document.ts";
import type { FileFormat } from "../platform/paths.ts";
import { parse } from "../toml/parse.ts";
import { TomlDocument } from "../toml/document.ts";

/** What the core needs of a parsed, editable configuration file. */
export interface ConfigDocument {
  /** The whole document as plain values. */
  toValue(): Record<string, unknown>;
  /** The value at a path, or undefined. */
  get(path: string[]): unknown;
  /** The TOML kind of the value at a path (`integer`, `float`, `table`, ...), or undefined. */
  kindOf(path: string[]): string | undefined;
  /** The 1-based line of the key at a path, or undefined. */
  lineOf(path: string[]): number | undefined;
  /** Sets a value, keeping the rest of the text; `float`: numbers are written as floats. */
  set(path: string[], value: unknown, options?: { float?: boolean }): void;
  /** Removes a key; false when it was not there. */
  delete(path: string[]): boolean;
  /** The text with the changes. */
  toString(): string;
}

/**
 * Parses `text` as an editable document of the given format (an empty text
 * is an empty document). Throws the format's parse error, located.
 */
export function parseDocument(text: string, format: FileFormat, file?: string): ConfigDocument {
  return format === "json" ? JsonDocument.parse(text, file) : TomlDocument.parse(text, file);
}

/**
 * Only the values (the fast path of a read: no editor bookkeeping).
 */
export function parseValues(
  text: string,
  format: FileFormat,
  file?: string,
): { values: Record<string, unknown>; document?: ConfigDocument } {
  if (format === "json") {
    const document = JsonDocument.parse(text, file);
    return { values: document.toValue(), document };
  }
  return { values: parse(text, file === undefined ? {} : { file }) as Record<string, unknown> };
}

/**
 * Sets a value; with `float`, numbers are written as floats (`3.0`): a
 * JavaScript number cannot tell `3` from `3.0`, and a key known to be a
 * float must read back as one.
 */
export function setValue(
  doc: ConfigDocument,
  path: string[],
  value: unknown,
  options: { float?: boolean } = {},
): ConfigDocument {
  doc.set(path, value, { float: options.float === true });
  return doc;
}
