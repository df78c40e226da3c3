/**
 * `TomlDocument`: the format-preserving TOML editor. Open a text, read values
 * with their types and lines, set or delete keys, and get back text in which
 * everything the edit did not touch is byte for byte the same: comments
 * (including one at the end of the changed line), blank lines, order, quoting
 * of keys, indentation, LF or CRLF line endings, a missing final newline.
 *
 * Paths are arrays of key segments, already unquoted (`["servers", "eu.west",
 * "port"]`). Elements of arrays (both `[[x]]` arrays of tables and `[...]`
 * arrays) are addressed by their index, given as a number or as its decimal
 * string (`["bin", 0, "name"]` and `["bin", "0", "name"]` are the same):
 * where the value at that point is an array the segment is an index, where
 * it is a table the segment is a key, so there is no ambiguity.
 *
 * Every edit re-parses the new text; an edit that would produce invalid TOML
 * (or a different value than asked for) throws and leaves the document as it
 * was.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { TomlParseError } from "./errors.ts";
import type { TomlTable, TomlValue } from "./types.ts";
import { indexDocument, type Path } from "./_document_index.ts";
import { DocumentEditor, showPath } from "./_document_edit.ts";
import {
  checkWritable,
  copyValue,
  isTable,
  LONE_SURROGATE,
  sameValue,
  valueAt,
} from "./_document_values.ts";

/** A key path: key segments, and array indexes as numbers or decimal strings. */
export type TomlKeyPath = readonly (string | number)[];

/** One leaf of a document, as {@link TomlDocument.entries} lists it. */
export interface TomlEntry {
  /** Key segments (array indexes never appear: arrays are leaves). */
  path: string[];
  /** 1-based line where the key is defined. */
  line: number;
  /** TOML type: "integer", "float", "string", "boolean", a date-time kind, "array", or "table" (an empty table). */
  kind: string;
}

/** Options of {@link TomlDocument.set}. */
export interface TomlSetOptions {
  /**
   * Write every JavaScript `number` in the value as a TOML float (`3` as
   * `3.0`): a number cannot tell `3` from `3.0`, and a key known to be a
   * float must read back as one. Bigints stay integers.
   */
  float?: boolean;
}

function normalize(path: TomlKeyPath): Path {
  return path.map((seg) => {
    if (typeof seg === "number") {
      if (!Number.isInteger(seg) || seg < 0) {
        throw new StrataError("usage", `an array index must be a whole number >= 0, not ${seg}`);
      }
      return String(seg);
    }
    return seg;
  });
}

/**
 * A TOML text open for format-preserving edits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TomlDocument } from "./document.ts";
 * const doc = TomlDocument.parse('# settings\nport = 8080 # dev\n\n[db]\nhost = "x"\n');
 * doc.set(["port"], 9090);
 * doc.set(["db", "user"], "app");
 * doc.set(["cache", "ttl"], 60);
 * assert.equal(
 *   doc.toString(),
 *   '# settings\nport = 9090 # dev\n\n[db]\nhost = "x"\nuser = "app"\n\n[cache]\nttl = 60\n',
 * );
 * assert.equal(doc.lineOf(["db", "user"]), 6);
 * assert.equal(doc.delete(["db", "host"]), true);
 * assert.equal(doc.toString().includes("host"), false);
 * ```
 */
export class TomlDocument {
  #editor: DocumentEditor;

  private constructor(editor: DocumentEditor) {
    this.#editor = editor;
  }

  /**
   * Opens a TOML text; `file` names it in error messages.
   *
   * @throws {TomlParseError} when the text is not valid TOML 1.1.0.
   */
  static parse(text: string, file?: string): TomlDocument {
    return new TomlDocument(new DocumentEditor(indexDocument(text, file), file));
  }

  /**
   * The document's values, as `parse()` gives them: a copy, so changing it
   * changes nothing until it is passed to {@link set}.
   */
  toValue(): TomlTable {
    return copyValue(this.#editor.idx.value) as TomlTable;
  }

  /**
   * The document's values without the copy {@link toValue} makes: for a
   * reader that only looks (the parse cache's writer). Changing it, or
   * keeping it past the next edit, is a mistake.
   */
  viewValue(): Readonly<TomlTable> {
    return this.#editor.idx.value as TomlTable;
  }

  /** The value at `path` (a copy, like {@link toValue}), or undefined when there is none. */
  get(path: TomlKeyPath): TomlValue | undefined {
    const v = valueAt(this.#editor.idx.value, normalize(path));
    return v === undefined ? undefined : copyValue(v);
  }

  /** The TOML type of the value at `path` ("integer", "float", "local-date", "array", "table", ...). */
  kindOf(path: TomlKeyPath): string | undefined {
    const p = normalize(path);
    const v = valueAt(this.#editor.idx.value, p);
    return v === undefined ? undefined : this.#editor.kindOf(p, v);
  }

  /**
   * The 1-based line where the key at `path` is defined: its `key = value`
   * line, the header line of a `[table]` or `[[array]]` element, the first
   * dotted key that made a table, the first header of an array of tables.
   */
  lineOf(path: TomlKeyPath): number | undefined {
    const p = normalize(path);
    if (valueAt(this.#editor.idx.value, p) === undefined) return undefined;
    return this.#editor.lineOf(p);
  }

  /**
   * Every leaf key in document-value order: values that are not tables
   * (arrays, including arrays of tables, are leaves) and empty tables.
   */
  entries(): TomlEntry[] {
    const out: TomlEntry[] = [];
    this.#editor.idx.maps(); // one pass of path maps instead of a scan per key
    const walk = (node: TomlTable, path: string[]) => {
      for (const [k, v] of Object.entries(node)) {
        const p = [...path, k];
        if (isTable(v) && Object.keys(v).length > 0) walk(v, p);
        else {out.push({
            path: p,
            line: this.#editor.lineOf(p) ?? 0,
            kind: this.#editor.kindOf(p, v),
          });}
      }
    };
    walk(this.#editor.idx.value, []);
    return out;
  }

  /**
   * The key paths whose value is a whole number written as a float (`3.0`,
   * `1e3`), outside arrays (their elements are not keys): what a reader of
   * plain values cannot tell from `3`. One pass over the values the parser
   * reported, instead of a {@link kindOf} per number.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TomlDocument } from "./document.ts";
   * const doc = TomlDocument.parse("a = 1.0\nb = 1\nc = 1.5\nd = [2.0]\n[t]\ne = { f = 3.0 }\n");
   * assert.deepEqual(doc.wholeFloatPaths(), [["a"], ["t", "e", "f"]]);
   * ```
   */
  wholeFloatPaths(): string[][] {
    const out: string[][] = [];
    const root = this.#editor.idx.value;
    for (const v of this.#editor.idx.values) {
      if (v.kind !== "float" || v.path.some((seg) => typeof seg !== "string")) continue;
      const path = v.path as string[];
      const value = valueAt(root, path);
      if (typeof value === "number" && Number.isInteger(value)) out.push(path);
    }
    return out;
  }

  /**
   * Sets the value at `path`: an existing value's text is replaced in place
   * (a table is reconciled key by key, so its comments stay); a new key is
   * written where a person would put it. Setting the element at index
   * `length` of an array appends an element. With `{ float: true }` numbers
   * are written as floats (`3.0`).
   *
   * @throws {StrataError} code "type" when a parent of `path` is not a table
   * (or not an array with that index), when `value` has no TOML form, or
   * when the edit cannot be written as valid TOML; the document is unchanged.
   */
  set(path: TomlKeyPath, value: TomlValue, options: TomlSetOptions = {}): void {
    const p = normalize(path);
    const editor = this.#editor;
    if (p.length === 0) {
      throw new StrataError(
        "type",
        `${editor.where()}cannot set the whole document; set its keys one by one`,
      );
    }
    const where = `${showPath(p)}${editor.file ? ` in ${editor.file}` : ""}`;
    checkWritable(value, where);
    if (p.some((seg) => LONE_SURROGATE.test(seg))) {
      throw new StrataError(
        "type",
        `cannot set ${where}: a key with a lone surrogate (not valid Unicode) has no TOML form`,
      );
    }
    editor.checkParents(p);
    this.#transaction(`set ${showPath(p)}`, () => {
      editor.floats = options.float === true;
      try {
        editor.set(p, value);
      } finally {
        editor.floats = false;
      }
      const now = valueAt(editor.idx.value, p);
      if (!sameValue(now, value, true)) {
        throw new StrataError(
          "type",
          `${editor.where()}set ${showPath(p)} did not produce the value asked for`,
        );
      }
    });
  }

  /**
   * Removes the key at `path` with its whole line(s), including a multi-line
   * value and the comment at the end of its line; comment lines above it
   * stay. A `[table]` goes with its header, body and sub-tables; the last
   * key of a `[table]` leaves the header in place. Returns false when there
   * was nothing to remove.
   */
  delete(path: TomlKeyPath): boolean {
    const p = normalize(path);
    const editor = this.#editor;
    const old = valueAt(editor.idx.value, p);
    if (old === undefined) return false;
    this.#transaction(`delete ${showPath(p)}`, () => {
      const parent = valueAt(editor.idx.value, p.slice(0, -1));
      const length = Array.isArray(parent) ? parent.length : 0;
      editor.delete(p);
      const after = valueAt(editor.idx.value, p.slice(0, -1));
      const gone = Array.isArray(parent)
        ? Array.isArray(after) && after.length === length - 1
        : valueAt(editor.idx.value, p) === undefined;
      if (!gone) {
        throw new StrataError(
          "type",
          `${editor.where()}delete ${showPath(p)} did not remove the key`,
        );
      }
    });
    return true;
  }

  /** The text, with every edit applied. */
  toString(): string {
    return this.#editor.idx.text;
  }

  /** Runs an edit; on any failure the document goes back to where it was. */
  #transaction(what: string, edit: () => void): void {
    const before = this.#editor.idx;
    try {
      edit();
    } catch (e) {
      this.#editor.idx = before;
      if (e instanceof TomlParseError) {
        throw new StrataError(
          "type",
          `${this.#editor.where()}cannot ${what}: the edit would make the text invalid TOML ` +
            `(${e.reason}); the document is unchanged`,
          { cause: e },
        );
      }
      throw e;
    }
  }
}
