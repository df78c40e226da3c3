/**
 * The editing engine behind {@link TomlDocument}: every change is a splice of
 * the text at spans the parser reported, followed by a re-parse of the new
 * text. Nothing outside the splice changes, so comments, blank lines, order,
 * quoting and indentation survive. Internal to `src/toml/`.
 *
 * Where new text goes is in `_document_insert.ts`; how text is removed, in
 * `_document_remove.ts`.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { insertValue } from "./_document_insert.ts";
import { removeValue } from "./_document_remove.ts";
import { formatKey, formatValue } from "./stringify.ts";
import type { TomlTable, TomlValue } from "./types.ts";
import {
  type DocIndex,
  type HeaderSpan,
  indexDocument,
  type KeyValueSpan,
  type Path,
  replaceScalar,
  startsWith,
  type ValueSpan,
} from "./_document_index.ts";
import {
  detectEol,
  indentAt,
  indentBeyond,
  lineEndAfter,
  lineStart,
  restOfLineIsFree,
} from "./_document_text.ts";
import { childOf, indexOf, isTable, isTableArray, sameValue, valueAt } from "./_document_values.ts";

/** How the value at a path came to be written. */
export type Place =
  | { kind: "root" }
  | { kind: "header"; header: HeaderSpan }
  | { kind: "aot" }
  | { kind: "statement"; kv: KeyValueSpan }
  | { kind: "element"; span: ValueSpan }
  | { kind: "dotted"; by: KeyValueSpan }
  | { kind: "implicit" };

/** A path as a person reads it: `servers."eu.west".port`. */
export function showPath(path: readonly string[]): string {
  return path.length === 0 ? "(the top level)" : path.map(formatKey).join(".");
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** The mutable editing state of one document; `idx` is replaced after every splice. */
export class DocumentEditor {
  /** The current text and its structure. */
  idx: DocIndex;
  /** File name for messages. */
  readonly file: string | undefined;
  /** The line ending of new lines: the file's own, kept even when edits remove every line break. */
  readonly eol: string;

  /** Starts editing the document `idx` indexes; `file` names it in messages. */
  constructor(idx: DocIndex, file: string | undefined) {
    this.idx = idx;
    this.file = file;
    this.eol = detectEol(idx.text);
  }

  /** The current text. */
  get text(): string {
    return this.idx.text;
  }

  /** True while an edit writes every JavaScript number as a TOML float (`3` as `3.0`). */
  floats = false;

  /** One value as inline TOML, honouring {@link floats}. */
  format(value: unknown): string {
    // stringify's bigint mode writes every number as a float and bigints as integers.
    return this.floats ? formatValue(value, { bigint: true }) : formatValue(value);
  }

  /** Replaces `[start, end)` with `insert` and re-parses (throws when the result is not TOML). */
  splice(start: number, end: number, insert: string): void {
    // One scalar for another needs no parse of the whole text (a 20,000-key
    // file: ~40 ms in a fresh process); anything else is re-parsed.
    const quick = replaceScalar(this.idx, start, end, insert, this.file);
    if (quick) {
      this.idx = quick;
      return;
    }
    const t = this.idx.text;
    this.commit(t.slice(0, start) + insert + t.slice(end));
  }

  /** Makes `text` the document's text (re-parsed and re-indexed; throws when it is not TOML). */
  commit(text: string): void {
    this.idx = indexDocument(text, this.file);
  }

  // ------------------------------------------------------------ questions

  /** How the value at `path` (which exists) was written. */
  placeOf(path: Path): Place {
    const idx = this.idx;
    if (path.length === 0) return { kind: "root" };
    const header = idx.findHeader(path);
    if (header) return { kind: "header", header };
    const kv = idx.findStatement(path);
    if (kv) return { kind: "statement", kv };
    const span = idx.findValue(path);
    if (span) return { kind: "element", span };
    const by = idx.findDottedBy(path);
    if (by) return { kind: "dotted", by };
    if (Array.isArray(valueAt(idx.value, path))) return { kind: "aot" };
    return { kind: "implicit" };
  }

  /** Statements (outside inline tables) of the block opened by header `block` (-1: top level). */
  blockStatements(block: number): KeyValueSpan[] {
    return this.idx.statements.filter((s) => s.block === block);
  }

  /** Offset after the line of the block's last statement (or of its header). */
  blockContentEnd(block: number): number {
    const last = this.idx.lastInBlock(block);
    return lineEndAfter(this.text, last ? last.valueEnd : this.idx.headers[block].end);
  }

  /** The indentation a block's body adds to its header's, as the file's first such block shows. */
  bodyIndentDelta(): string {
    const { statements, headers } = this.idx;
    const first = statements.find((s) => s.block >= 0);
    if (!first) return "";
    return indentBeyond(
      indentAt(this.text, first.keyStart),
      indentAt(this.text, headers[first.block].start),
    );
  }

  /** The header text (without brackets) for a table path: array indexes dropped. */
  headerName(path: Path): string {
    const names: string[] = [];
    let node: unknown = this.idx.value;
    for (const seg of path) {
      if (Array.isArray(node)) {
        node = node[indexOf(seg)];
        continue;
      }
      names.push(formatKey(seg));
      node = childOf(node, seg);
    }
    return names.join(".");
  }

  /** Offset after the last content of an `[[x]]` element's region (its block and sub-tables). */
  regionEnd(header: HeaderSpan): number {
    const headers = this.idx.headers;
    const i = headers.indexOf(header);
    let end = this.blockContentEnd(i);
    for (let j = i + 1; j < headers.length && startsWith(headers[j].path, header.path); j++) {
      end = Math.max(end, this.blockContentEnd(j));
    }
    return end;
  }

  // ------------------------------------------------------------ set

  /** Sets `path` (already checked: parents are tables or arrays with valid indexes). */
  set(path: Path, value: TomlValue): void {
    const array = path.slice(0, -1);
    if (
      !isTable(value) && Array.isArray(valueAt(this.idx.value, array)) &&
      this.placeOf(array).kind === "aot"
    ) {
      throw new StrataError(
        "type",
        `${this.where()}cannot set ${showPath(path)}: ${showPath(array)} is an array of tables ` +
          `([[${this.headerName(array)}]]), so its elements must be tables; set ${
            showPath(array)
          } ` +
          `as a whole to change its kind`,
      );
    }
    const existing = valueAt(this.idx.value, path);
    if (existing === undefined) return this.insert(path, value);
    if (
      sameValue(existing, value) &&
      !(this.floats && typeof value === "number" && this.kindOf(path, existing) !== "float")
    ) {
      return;
    }
    const place = this.placeOf(path);
    if (isTable(existing) && isTable(value)) return this.reconcileTable(path, existing, value);
    if (place.kind === "statement") {
      return this.splice(place.kv.valueStart, place.kv.valueEnd, this.format(value));
    }
    if (place.kind === "element") {
      return this.splice(place.span.start, place.span.end, this.format(value));
    }
    if (place.kind === "aot" && isTableArray(value)) {
      return this.reconcileArray(path, existing as TomlValue[], value);
    }
    // A table written with headers or dotted keys becomes something else:
    // remove it, then write the new value where a new key would go.
    this.delete(path);
    this.insert(path, value);
  }

  /** Makes the table at `path` equal `value` key by key, keeping what stays as it is written. */
  reconcileTable(path: Path, existing: TomlTable, value: TomlTable): void {
    for (const k of Object.keys(existing)) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) this.delete([...path, k]);
    }
    for (const [k, v] of Object.entries(value)) this.set([...path, k], v);
    // A dotted-key table whose keys all went is gone; write the (empty) table.
    if (valueAt(this.idx.value, path) === undefined) this.insert(path, value);
  }

  /** Makes the `[[array]]` at `path` equal `value` element by element. */
  reconcileArray(path: Path, existing: TomlValue[], value: TomlTable[]): void {
    const common = Math.min(existing.length, value.length);
    for (let i = 0; i < common; i++) this.set([...path, String(i)], value[i]);
    for (let i = existing.length - 1; i >= value.length; i--) this.delete([...path, String(i)]);
    for (let i = existing.length; i < value.length; i++) this.set([...path, String(i)], value[i]);
  }

  /** Writes a new value at `path` (which does not exist yet) where a person would put it. */
  insert(path: Path, value: TomlValue): void {
    insertValue(this, path, value);
  }

  /** True when an array element sits alone on its line(s), with at most a comma and a comment after it. */
  ownsLines(span: ValueSpan): boolean {
    const t = this.text;
    return t.slice(lineStart(t, span.start), span.start).trim() === "" &&
      restOfLineIsFree(t, span.end, true);
  }

  // ------------------------------------------------------------ delete

  /** Removes `path` (which exists) with its whole line(s). */
  delete(path: Path): void {
    removeValue(this, path);
  }

  // ------------------------------------------------------------ reading

  /** 1-based line where the value at `path` is defined. */
  lineOf(path: Path): number | undefined {
    const place = this.placeOf(path);
    switch (place.kind) {
      case "root":
        return undefined;
      case "header":
        return place.header.line;
      case "statement":
        return place.kv.line;
      case "dotted":
        return place.by.line;
      case "element":
        return lineNumberAt(this.text, place.span.start);
      default: {
        const h = this.idx.headers.find((x) => startsWith(x.path, path));
        return h?.line;
      }
    }
  }

  /** The TOML type of the value at `path`. */
  kindOf(path: Path, value: TomlValue): string {
    const span = this.idx.findValue(path);
    if (span) return span.kind;
    return Array.isArray(value) ? "array" : "table";
  }

  /** A message prefix naming the file, when known. */
  where(): string {
    return this.file ? `${this.file}: ` : "";
  }

  /** Throws a type error when `path` cannot be set because a parent is not a table. */
  checkParents(path: Path): void {
    let node: TomlValue = this.idx.value;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const here = path.slice(0, i);
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        const n = indexOf(seg);
        if (n < 0) {
          throw new StrataError(
            "type",
            `${this.where()}cannot set ${showPath(path)}: ${showPath(here)} is an array; ` +
              `address its elements by index (${showPath([...here, "0"])})`,
          );
        }
        if (n > node.length || (n === node.length && !last)) {
          throw new StrataError(
            "type",
            `${this.where()}cannot set ${showPath(path)}: ${
              showPath(here)
            } has ${node.length} element(s); ` +
              `use an index below ${node.length}, or set ${
                showPath([...here, String(node.length)])
              } ` +
              `to a whole new element`,
          );
        }
        if (n === node.length) return;
        node = node[n];
        continue;
      }
      if (!isTable(node)) {
        const kind = this.kindOf(here, node);
        throw new StrataError(
          "type",
          `${this.where()}cannot set ${showPath(path)}: ${showPath(here)} is ${
            article(kind)
          }, not a table; ` +
            `delete ${showPath(here)} first or choose another key`,
        );
      }
      const child = childOf(node, seg);
      if (child === undefined) return;
      node = child;
    }
  }
}

function lineNumberAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
