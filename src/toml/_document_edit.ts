/**
 * The editing engine behind {@link TomlDocument}: every change is a splice of
 * the text at spans the parser reported, followed by a re-parse of the new
 * text. Nothing outside the splice changes, so comments, blank lines, order,
 * quoting and indentation survive. Internal to `src/toml/`.
 *
 * Where new text goes (the "person" rules):
 * - a new key of the top level: after the last top-level statement; with
 *   none, above the first header (and the comment lines stuck to it), with a
 *   blank line before that header; with no header, at the end.
 * - a new key of a `[table]` or `[[array]]` element: after the last
 *   statement of its block, indented like it (or like the file's other
 *   blocks when the block is empty).
 * - a new key of a table made by dotted keys (`site.owner.name = ...`): a
 *   dotted statement after the last statement that shares the prefix.
 * - a new key of an inline table: inside its braces, after the last entry.
 * - a new key whose table has no header of its own, or a table value: a new
 *   `[section]` at the end of the file (or, under an `[[array]]` element, at
 *   the end of that element's region, where the header still refers to it).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { formatKey, formatValue } from "./stringify.ts";
import type { TomlTable, TomlValue } from "./_parser.ts";
import {
  type DocIndex,
  type HeaderSpan,
  indexDocument,
  type KeyValueSpan,
  type Path,
  samePath,
  startsWith,
  statementUnder,
  strings,
  type ValueSpan,
} from "./_document_index.ts";
import {
  detectEol,
  firstLineStart,
  indentAt,
  indentBeyond,
  isBlankLine,
  isCommentLine,
  lineEndAfter,
  lineStart,
  lineTextAt,
  previousLineStart,
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

  constructor(idx: DocIndex, file: string | undefined) {
    this.idx = idx;
    this.file = file;
    this.eol = detectEol(idx.text);
  }

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
    const t = this.idx.text;
    this.commit(t.slice(0, start) + insert + t.slice(end));
  }

  commit(text: string): void {
    this.idx = indexDocument(text, this.file);
  }

  // ------------------------------------------------------------ questions

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

  reconcileTable(path: Path, existing: TomlTable, value: TomlTable): void {
    for (const k of Object.keys(existing)) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) this.delete([...path, k]);
    }
    for (const [k, v] of Object.entries(value)) this.set([...path, k], v);
    // A dotted-key table whose keys all went is gone; write the (empty) table.
    if (valueAt(this.idx.value, path) === undefined) this.insert(path, value);
  }

  reconcileArray(path: Path, existing: TomlValue[], value: TomlTable[]): void {
    const common = Math.min(existing.length, value.length);
    for (let i = 0; i < common; i++) this.set([...path, String(i)], value[i]);
    for (let i = existing.length - 1; i >= value.length; i--) this.delete([...path, String(i)]);
    for (let i = existing.length; i < value.length; i++) this.set([...path, String(i)], value[i]);
  }

  insert(path: Path, value: TomlValue): void {
    // The deepest ancestor that exists decides the style of the new text.
    let node: TomlValue = this.idx.value;
    let depth = 0;
    for (; depth < path.length; depth++) {
      const child = childOf(node, path[depth]);
      if (child === undefined) break;
      node = child;
    }
    const parent = path.slice(0, depth);
    const rest = path.slice(depth);
    if (Array.isArray(node)) return this.appendElement(parent, node, value);
    const place = this.placeOf(parent);
    switch (place.kind) {
      case "root":
      case "header":
        if (rest.length === 1 && !isTable(value) && !isTableArray(value)) {
          const block = place.kind === "root" ? -1 : this.idx.headers.indexOf(place.header);
          return this.insertStatement(block, rest[0], value);
        }
        return this.appendSection(parent, rest, value);
      case "implicit":
        return this.appendSection(parent, rest, value);
      case "statement":
      case "element":
        return this.insertInline(parent, [rest[0]], nest(rest.slice(1), value));
      case "dotted":
        if (place.by.inline) {
          const container = strings(place.by.table);
          return this.insertInline(
            container,
            [...parent.slice(container.length), rest[0]],
            nest(rest.slice(1), value),
          );
        }
        return this.insertDotted(place.by.block, parent, rest, value);
      case "aot":
        throw new Error("unreachable: an array of tables is an array");
    }
  }

  /** Inserts `line` as a line of its own after the line holding `offset`. */
  insertLineAfter(offset: number, line: string): void {
    const t = this.text;
    const pos = lineEndAfter(t, offset);
    if (pos === t.length && !t.endsWith("\n")) this.splice(pos, pos, this.eol + line);
    else this.splice(pos, pos, line + this.eol);
  }

  insertStatement(block: number, key: string, value: TomlValue): void {
    const statement = `${formatKey(key)} = ${this.format(value)}`;
    const t = this.text;
    const last = this.idx.lastInBlock(block);
    if (last) return this.insertLineAfter(last.valueEnd, indentAt(t, last.keyStart) + statement);
    const headers = this.idx.headers;
    if (block >= 0) {
      const h = headers[block];
      return this.insertLineAfter(h.end, indentAt(t, h.start) + this.bodyIndentDelta() + statement);
    }
    if (headers.length === 0) {
      // No tables at all: the key goes at the end, after any comments.
      if (t.length === firstLineStart(t) || t.endsWith("\n")) {
        return this.splice(t.length, t.length, statement + this.eol);
      }
      return this.splice(t.length, t.length, this.eol + statement);
    }
    // Top-level keys go before the first header and the comment lines stuck
    // to it, leaving a blank line between the key and that header.
    let at = lineStart(t, headers[0].start);
    const first = firstLineStart(t);
    while (at > first && isCommentLine(t, previousLineStart(t, at))) at = previousLineStart(t, at);
    this.splice(at, at, statement + this.eol + this.eol);
  }

  insertDotted(block: number, table: Path, rest: Path, value: TomlValue): void {
    const blockPath = block >= 0 ? this.idx.headers[block].path : [];
    const stmts = this.blockStatements(block).filter((s) => statementUnder(s, table));
    const last = stmts[stmts.length - 1];
    const key = [...table.slice(blockPath.length), ...rest].map(formatKey).join(".");
    this.insertLineAfter(
      last.valueEnd,
      `${indentAt(this.text, last.keyStart)}${key} = ${this.format(value)}`,
    );
  }

  insertInline(container: Path, keys: Path, value: TomlValue): void {
    const entry = `${keys.map(formatKey).join(".")} = ${this.format(value)}`;
    const entries = this.idx.inlineStatements.filter((s) => samePath(s.table, container));
    if (entries.length > 0) {
      const end = Math.max(...entries.map((e) => e.valueEnd));
      return this.splice(end, end, `, ${entry}`);
    }
    const span = this.idx.findValue(container)!;
    this.splice(span.start + 1, span.end - 1, ` ${entry} `);
  }

  /** Adds `value` as a new last element of the array at `path`. */
  appendElement(path: Path, arr: TomlValue[], value: TomlValue): void {
    const place = this.placeOf(path);
    if (place.kind === "aot") {
      if (!isTable(value)) {
        throw new Error("unreachable: set() refuses non-table elements of [[arrays]]");
      }
      const last = this.idx.findHeader([...path, String(arr.length - 1)])!;
      const indent = indentAt(this.text, last.start);
      const lines = this.sectionLines(this.headerName(path), value, true, indent);
      return this.insertSection(this.regionEnd(last), lines);
    }
    const text = this.format(value);
    const span = this.idx.findValue(path)!;
    if (arr.length === 0) return this.splice(span.start + 1, span.end - 1, text);
    const lastEl = this.idx.findValue([...path, String(arr.length - 1)])!;
    const t = this.text;
    if (this.ownsLines(lastEl) && lineEndAfter(t, lastEl.end) < span.end) {
      // One element per line: the new one gets a line of its own.
      let p = lastEl.end;
      while (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9) p++;
      const comma = t.charCodeAt(p) === 44;
      const line = indentAt(t, lastEl.start) + text + (comma ? "," : "") + this.eol;
      const at = lineEndAfter(t, lastEl.end);
      const next = t.slice(0, at) + line + t.slice(at);
      return this.commit(comma ? next : next.slice(0, lastEl.end) + "," + next.slice(lastEl.end));
    }
    this.splice(lastEl.end, lastEl.end, `, ${text}`);
  }

  /** True when an array element sits alone on its line(s), with at most a comma and a comment after it. */
  ownsLines(span: ValueSpan): boolean {
    const t = this.text;
    return t.slice(lineStart(t, span.start), span.start).trim() === "" &&
      restOfLineIsFree(t, span.end, true);
  }

  /** Lines of a `[name]` (or `[[name]]`) section holding `table`, sub-tables after. */
  sectionLines(name: string, table: TomlTable, isArray: boolean, indent: string): string[] {
    const body = indent + this.bodyIndentDelta();
    const lines = [indent + (isArray ? `[[${name}]]` : `[${name}]`)];
    const later: string[] = [];
    for (const [k, v] of Object.entries(table)) {
      const sub = `${name}.${formatKey(k)}`;
      if (isTable(v)) later.push("", ...this.sectionLines(sub, v, false, indent));
      else if (isTableArray(v)) {
        for (const el of v) later.push("", ...this.sectionLines(sub, el, true, indent));
      } else lines.push(`${body}${formatKey(k)} = ${this.format(v)}`);
    }
    return [...lines, ...later];
  }

  /** Writes a new section for `parent` + `rest` = `value` (at the end, or its array element's region). */
  appendSection(parent: Path, rest: Path, value: TomlValue): void {
    let table: Path;
    let lines: string[];
    const indent = (p: Path) => this.sectionIndent(p);
    if (isTable(value)) {
      table = [...parent, ...rest];
      lines = this.sectionLines(this.headerName(table), value, false, indent(table));
    } else if (isTableArray(value)) {
      table = [...parent, ...rest];
      const name = this.headerName(table);
      lines = value.flatMap((
        el,
        i,
      ) => [...(i > 0 ? [""] : []), ...this.sectionLines(name, el, true, indent(table))]);
    } else {
      table = [...parent, ...rest.slice(0, -1)];
      const one: TomlTable = {};
      Object.defineProperty(one, rest[rest.length - 1], {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      lines = this.sectionLines(this.headerName(table), one, false, indent(table));
    }
    // Under an [[array]] element a header refers to the last element written
    // so far, so the section must sit inside that element's region.
    for (let i = table.length - 1; i > 0; i--) {
      const h = this.idx.findHeader(table.slice(0, i));
      if (h?.isArray) return this.insertSection(this.regionEnd(h), lines);
    }
    this.insertSection(this.text.length, lines);
  }

  /** A new header copies the indentation of its nearest ancestor's header, else of the last header. */
  sectionIndent(table: Path): string {
    for (let i = table.length - 1; i > 0; i--) {
      const h = this.idx.findHeader(table.slice(0, i));
      if (h) return indentAt(this.text, h.start);
    }
    const headers = this.idx.headers;
    return headers.length > 0 ? indentAt(this.text, headers[headers.length - 1].start) : "";
  }

  /** Inserts section lines at `at` (a line start), separated from what is above by a blank line. */
  insertSection(at: number, lines: string[]): void {
    const t = this.text;
    const eol = this.eol;
    if (at < t.length) return this.splice(at, at, eol + lines.join(eol) + eol);
    let prefix = "";
    const empty = t.length === firstLineStart(t);
    if (!empty) {
      if (!t.endsWith("\n")) prefix = eol;
      const lastLine = lineTextAt(
        t,
        t.endsWith("\n") ? lineStart(t, t.length - 1) : lineStart(t, t.length),
      );
      if (lastLine.trim() !== "") prefix += eol;
    }
    const suffix = empty || t.endsWith("\n") ? eol : "";
    this.splice(t.length, t.length, prefix + lines.join(eol) + suffix);
  }

  // ------------------------------------------------------------ delete

  /** Removes `path` (which exists). */
  delete(path: Path): void {
    const place = this.placeOf(path);
    const before = this.text;
    switch (place.kind) {
      case "root":
        throw new StrataError(
          "type",
          "cannot delete the whole document; delete its keys one by one",
        );
      case "statement":
        if (place.kv.inline) this.removeInlineEntry(place.kv);
        else {this.removeLines([[
            lineStart(before, place.kv.keyStart),
            lineEndAfter(before, place.kv.valueEnd),
          ]]);}
        break;
      case "element":
        this.removeElement(path, place.span);
        break;
      case "dotted":
        if (place.by.inline) {
          // Dotted keys inside an inline table: remove each entry under the path.
          for (;;) {
            const kv = this.idx.inlineStatements.find((s) => statementUnder(s, path));
            if (!kv) break;
            this.removeInlineEntry(kv);
          }
          break;
        }
        this.removeTable(path);
        break;
      case "header": {
        const array = path.slice(0, -1);
        const arr = valueAt(this.idx.value, array);
        this.removeTable(path);
        // The last element of an [[array]] leaves an empty array, not no key.
        if (Array.isArray(arr) && arr.length === 1) this.insert(array, []);
        break;
      }
      default:
        this.removeTable(path);
    }
    // A file that had no final line break keeps having none.
    const t = this.text;
    if (!before.endsWith("\n") && t.endsWith("\n")) {
      this.commit(t.slice(0, t.endsWith("\r\n") ? -2 : -1));
    }
  }

  /** Removes every header block and statement line under `path`. */
  removeTable(path: Path): void {
    const t = this.text;
    const ranges: [number, number][] = [];
    this.idx.headers.forEach((h, i) => {
      if (startsWith(h.path, path)) ranges.push([lineStart(t, h.start), this.blockContentEnd(i)]);
    });
    for (const s of this.idx.statements) {
      if (statementUnder(s, path)) {
        ranges.push([lineStart(t, s.keyStart), lineEndAfter(t, s.valueEnd)]);
      }
    }
    this.removeLines(ranges);
  }

  /**
   * Removes whole-line ranges, then tidies blank lines: a range with a blank
   * line (or the file's start) above it takes the blank lines below it too,
   * and a range that reaches the end takes the blank lines above it.
   */
  removeLines(ranges: [number, number][]): void {
    const merged: [number, number][] = [];
    for (const r of [...ranges].sort((a, b) => a[0] - b[0])) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    let t = this.text;
    for (let i = merged.length - 1; i >= 0; i--) {
      let [s, e] = merged[i];
      const first = firstLineStart(t);
      if (s <= first || isBlankLine(t, previousLineStart(t, s))) {
        while (e < t.length && isBlankLine(t, e)) e = lineEndAfter(t, e);
      }
      if (e >= t.length) {
        while (s > first && isBlankLine(t, previousLineStart(t, s))) s = previousLineStart(t, s);
      }
      t = t.slice(0, s) + t.slice(e);
    }
    this.commit(t);
  }

  /** Removes one `key = value` from an inline table with its comma. */
  removeInlineEntry(kv: KeyValueSpan): void {
    const entries = this.idx.inlineStatements
      .filter((s) => samePath(s.table, kv.table))
      .sort((a, b) => a.keyStart - b.keyStart);
    const i = entries.indexOf(kv);
    if (i < entries.length - 1) return this.splice(kv.keyStart, entries[i + 1].keyStart, "");
    if (i > 0) return this.splice(entries[i - 1].valueEnd, kv.valueEnd, "");
    const span = this.idx.findValue(strings(kv.table))!;
    this.splice(span.start + 1, span.end - 1, "");
  }

  /** Removes one element of a static array: its whole line when it has one, else with its comma. */
  removeElement(path: Path, span: ValueSpan): void {
    const t = this.text;
    const parent = path.slice(0, -1);
    const i = indexOf(path[path.length - 1]);
    const el = (n: number) => this.idx.findValue([...parent, String(n)]);
    if (this.ownsLines(span)) {
      return this.splice(lineStart(t, span.start), lineEndAfter(t, span.end), "");
    }
    const next = el(i + 1);
    if (next) return this.splice(span.start, next.start, "");
    const prev = el(i - 1);
    if (prev) return this.splice(prev.end, span.end, "");
    const arr = this.idx.findValue(parent)!;
    this.splice(arr.start + 1, arr.end - 1, "");
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

/** `value` wrapped in tables named by `keys`, innermost last: nest(["a","b"], 1) is { a: { b: 1 } }. */
function nest(keys: Path, value: TomlValue): TomlValue {
  let v = value;
  for (let i = keys.length - 1; i >= 0; i--) {
    const t: TomlTable = {};
    Object.defineProperty(t, keys[i], {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    v = t;
  }
  return v;
}

function lineNumberAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
