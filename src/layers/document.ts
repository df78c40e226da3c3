/**
 * One interface over both file formats, so the layers read and write TOML
 * and JSON alike: `TomlDocument` for `.toml`, `JsonDocument` for `.json`.
 *
 * @module
 */

import { JsonDocument } from "../json/document.ts";
import type { FileFormat } from "../platform/paths.ts";
import { isTable } from "../is_table.ts";
import { parse, type TomlTable } from "../toml/parse.ts";
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
): { values: Record<string, unknown>; document?: ConfigDocument; floats?: Set<string> } {
  if (format === "json") {
    const document = JsonDocument.parse(text, file);
    return { values: document.toValue(), document };
  }
  // Integers are numbers when exact (bigints beyond); the parser names the
  // keys whose whole number was written as a float (`1.0`), rare enough that
  // only then is the tree walked to find their paths.
  const wholeFloats: [TomlTable, string][] = [];
  const values = parse(text, file === undefined ? { wholeFloats } : { file, wholeFloats });
  const floats = new Set<string>();
  if (wholeFloats.length > 0) {
    const paths = new Map<object, string[]>();
    const walk = (node: TomlTable, path: string[]) => {
      paths.set(node, path);
      // Inside an array nothing is a key of its own (arrays are leaves): not walked.
      for (const k of Object.keys(node)) {
        const v = node[k];
        if (isTable(v)) walk(v, [...path, k]);
      }
    };
    walk(values, []);
    for (const [table, key] of wholeFloats) {
      const path = paths.get(table);
      if (path !== undefined) floats.add(pathId([...path, key]));
    }
  }
  return { values: values as Record<string, unknown>, floats };
}

/** The key of a path in a set of paths. */
export function pathId(path: readonly string[]): string {
  return JSON.stringify(path);
}

/**
 * A document's values for a reader that only looks: a TOML document's own
 * (no copy: a 20,000-key document's copy costs more than writing its parse
 * cache), a JSON document's (kept once made). Never change them.
 */
export function viewValues(doc: ConfigDocument): Readonly<Record<string, unknown>> {
  return doc instanceof TomlDocument ? doc.viewValue() : doc.toValue();
}

/**
 * The table keys of `values` whose whole-number value the document holds as
 * a float, asked of the document (for values that did not come from
 * {@link parseValues}).
 */
export function floatPaths(values: unknown, doc: ConfigDocument): Set<string> {
  const floats = new Set<string>();
  // A TOML document lists them in one pass (a kindOf per number costs a lookup each).
  if (doc instanceof TomlDocument) {
    for (const path of doc.wholeFloatPaths()) floats.add(pathId(path));
    return floats;
  }
  const walk = (node: unknown, path: string[]) => {
    if (!isTable(node)) return;
    for (const k of Object.keys(node)) {
      path.push(k);
      const v = node[k];
      if (typeof v === "number" && Number.isInteger(v) && doc.kindOf(path) === "float") {
        floats.add(pathId(path));
      } else walk(v, path);
      path.pop();
    }
  };
  walk(values, []);
  return floats;
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
