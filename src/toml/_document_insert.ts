/**
 * Where and how the editor writes a new value (the "person" rules):
 * - a new key of the top level: after the last top-level statement; with
 *   none, above the first header (and the comment lines stuck to it), with a
 *   blank line before that header; with no header, at the end.
 * - a new key of a `[table]` or `[[array]]` element: after the last
 *   statement of its block, indented like it (or like the file's other
 *   blocks when the block is empty).
 * - a new key of a table made by dotted keys (`site.owner.name = ...`): a
 *   dotted statement after the last statement that shares the prefix.
 * - a new key of an inline table: inside its braces, after the last entry
 *   (on a line of its own when the entries have theirs).
 * - a new key whose table has no header of its own, or a table value: a new
 *   `[section]` at the end of the file (or, under an `[[array]]` element, at
 *   the end of that element's region, where the header still refers to it).
 * - a new element of an array: in the array's own style (same line, or a
 *   line of its own); of an `[[array]]`: a `[[section]]` after the last one.
 *
 * Internal to `src/toml/`.
 *
 * @module
 */

import { formatKey } from "./stringify.ts";
import type { TomlTable, TomlValue } from "./types.ts";
import { type KeyValueSpan, type Path, statementUnder, strings } from "./_document_index.ts";
import {
  firstLineStart,
  indentAt,
  isCommentLine,
  lineEndAfter,
  lineStart,
  lineTextAt,
  previousLineStart,
} from "./_document_text.ts";
import { childOf, isTable, isTableArray } from "./_document_values.ts";
import type { DocumentEditor } from "./_document_edit.ts";
import { insertInlineEntry } from "./_document_inline.ts";

/** Writes a new value at `path` (which does not exist yet): the deepest existing ancestor decides how. */
export function insertValue(ed: DocumentEditor, path: Path, value: TomlValue): void {
  // The deepest ancestor that exists decides the style of the new text.
  let node: TomlValue = ed.idx.value;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const child = childOf(node, path[depth]);
    if (child === undefined) break;
    node = child;
  }
  const parent = path.slice(0, depth);
  const rest = path.slice(depth);
  if (Array.isArray(node)) return appendElement(ed, parent, node, value);
  const place = ed.placeOf(parent);
  switch (place.kind) {
    case "root":
    case "header":
      if (rest.length === 1 && !isTable(value) && !isTableArray(value)) {
        const block = place.kind === "root" ? -1 : ed.idx.headers.indexOf(place.header);
        return insertStatement(ed, block, rest[0], value);
      }
      return appendSection(ed, parent, rest, value);
    case "implicit":
      return appendSection(ed, parent, rest, value);
    case "statement":
    case "element":
      return insertInline(ed, parent, [rest[0]], nest(rest.slice(1), value));
    case "dotted":
      if (place.by.inline) {
        const container = strings(place.by.table);
        return insertInline(
          ed,
          container,
          [...parent.slice(container.length), rest[0]],
          nest(rest.slice(1), value),
        );
      }
      return insertDotted(ed, place.by.block, parent, rest, value);
    case "aot":
      throw new Error("unreachable: an array of tables is an array");
  }
}

/** Inserts `line` as a line of its own after the line holding `offset`. */
function insertLineAfter(ed: DocumentEditor, offset: number, line: string): void {
  const t = ed.text;
  const pos = lineEndAfter(t, offset);
  if (pos === t.length && !t.endsWith("\n")) ed.splice(pos, pos, ed.eol + line);
  else ed.splice(pos, pos, line + ed.eol);
}

/** Where a statement's `=` is: its column after the indentation, and the spaces around it. */
function equalsOf(t: string, kv: KeyValueSpan): { column: number; before: string; after: string } {
  const eq = t.indexOf("=", kv.keyEnd);
  return {
    column: eq - lineStart(t, kv.keyStart) - indentAt(t, kv.keyStart).length,
    before: t.slice(kv.keyEnd, eq),
    after: t.slice(eq + 1, kv.valueStart),
  };
}

/**
 * `key = value` spaced like the neighbour statement: the same spaces around
 * `=`, and when the block aligns its `=` signs (`name    = "x"` above
 * `version = 2`), the new key is padded to the same column.
 */
function statementLike(
  ed: DocumentEditor,
  neighbour: KeyValueSpan | undefined,
  key: string,
  value: string,
): string {
  if (!neighbour) return `${key} = ${value}`;
  const t = ed.text;
  const near = equalsOf(t, neighbour);
  const i = ed.idx.statements.indexOf(neighbour);
  const above = i > 0 && ed.idx.statements[i - 1].block === neighbour.block
    ? equalsOf(t, ed.idx.statements[i - 1])
    : undefined;
  const aligned = near.before.length > 1 ||
    (above !== undefined && above.column === near.column && above.before.length > 1);
  const pad = aligned ? " ".repeat(Math.max(1, near.column - key.length)) : near.before;
  return `${key}${pad}=${near.after}${value}`;
}

function insertStatement(ed: DocumentEditor, block: number, key: string, value: TomlValue): void {
  const t = ed.text;
  const last = ed.idx.lastInBlock(block);
  const statement = statementLike(ed, last, formatKey(key), ed.format(value));
  if (last) return insertLineAfter(ed, last.valueEnd, indentAt(t, last.keyStart) + statement);
  const headers = ed.idx.headers;
  if (block >= 0) {
    const h = headers[block];
    return insertLineAfter(ed, h.end, indentAt(t, h.start) + ed.bodyIndentDelta() + statement);
  }
  if (headers.length === 0) {
    // No tables at all: the key goes at the end, after any comments.
    if (t.length === firstLineStart(t) || t.endsWith("\n")) {
      return ed.splice(t.length, t.length, statement + ed.eol);
    }
    return ed.splice(t.length, t.length, ed.eol + statement);
  }
  // Top-level keys go before the first header and the comment lines stuck
  // to it, leaving a blank line between the key and that header.
  let at = lineStart(t, headers[0].start);
  const first = firstLineStart(t);
  while (at > first && isCommentLine(t, previousLineStart(t, at))) at = previousLineStart(t, at);
  ed.splice(at, at, statement + ed.eol + ed.eol);
}

function insertDotted(
  ed: DocumentEditor,
  block: number,
  table: Path,
  rest: Path,
  value: TomlValue,
): void {
  const blockPath = block >= 0 ? ed.idx.headers[block].path : [];
  const stmts = ed.blockStatements(block).filter((s) => statementUnder(s, table));
  const last = stmts[stmts.length - 1];
  const key = [...table.slice(blockPath.length), ...rest].map(formatKey).join(".");
  const statement = statementLike(ed, last, key, ed.format(value));
  insertLineAfter(ed, last.valueEnd, indentAt(ed.text, last.keyStart) + statement);
}

function insertInline(ed: DocumentEditor, container: Path, keys: Path, value: TomlValue): void {
  insertInlineEntry(ed, container, `${keys.map(formatKey).join(".")} = ${ed.format(value)}`);
}

/** Adds `value` as a new last element of the array at `path`. */
function appendElement(ed: DocumentEditor, path: Path, arr: TomlValue[], value: TomlValue): void {
  const place = ed.placeOf(path);
  if (place.kind === "aot") {
    if (!isTable(value)) {
      throw new Error("unreachable: set() refuses non-table elements of [[arrays]]");
    }
    const last = ed.idx.findHeader([...path, String(arr.length - 1)])!;
    const indent = indentAt(ed.text, last.start);
    const lines = sectionLines(ed, ed.headerName(path), value, true, indent);
    return insertSection(ed, ed.regionEnd(last), lines);
  }
  const text = ed.format(value);
  const span = ed.idx.findValue(path)!;
  if (arr.length === 0) return ed.splice(span.start + 1, span.end - 1, text);
  const lastEl = ed.idx.findValue([...path, String(arr.length - 1)])!;
  const t = ed.text;
  if (ed.ownsLines(lastEl) && lineEndAfter(t, lastEl.end) < span.end) {
    // One element per line: the new one gets a line of its own.
    let p = lastEl.end;
    while (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9) p++;
    const comma = t.charCodeAt(p) === 44;
    const line = indentAt(t, lastEl.start) + text + (comma ? "," : "") + ed.eol;
    const at = lineEndAfter(t, lastEl.end);
    const next = t.slice(0, at) + line + t.slice(at);
    return ed.commit(comma ? next : next.slice(0, lastEl.end) + "," + next.slice(lastEl.end));
  }
  ed.splice(lastEl.end, lastEl.end, `, ${text}`);
}

/** Lines of a `[name]` (or `[[name]]`) section holding `table`, sub-tables after. */
function sectionLines(
  ed: DocumentEditor,
  name: string,
  table: TomlTable,
  isArray: boolean,
  indent: string,
): string[] {
  const body = indent + ed.bodyIndentDelta();
  const lines = [indent + (isArray ? `[[${name}]]` : `[${name}]`)];
  const later: string[] = [];
  for (const [k, v] of Object.entries(table)) {
    const sub = `${name}.${formatKey(k)}`;
    if (isTable(v)) later.push("", ...sectionLines(ed, sub, v, false, indent));
    else if (isTableArray(v)) {
      for (const el of v) later.push("", ...sectionLines(ed, sub, el, true, indent));
    } else lines.push(`${body}${formatKey(k)} = ${ed.format(v)}`);
  }
  return [...lines, ...later];
}

/** Writes a new section for `parent` + `rest` = `value` (at the end, or its array element's region). */
function appendSection(ed: DocumentEditor, parent: Path, rest: Path, value: TomlValue): void {
  let table: Path;
  let lines: string[];
  const indent = (p: Path) => sectionIndent(ed, p);
  if (isTable(value)) {
    table = [...parent, ...rest];
    lines = sectionLines(ed, ed.headerName(table), value, false, indent(table));
  } else if (isTableArray(value)) {
    table = [...parent, ...rest];
    const name = ed.headerName(table);
    lines = value.flatMap((
      el,
      i,
    ) => [...(i > 0 ? [""] : []), ...sectionLines(ed, name, el, true, indent(table))]);
  } else {
    table = [...parent, ...rest.slice(0, -1)];
    const one: TomlTable = {};
    Object.defineProperty(one, rest[rest.length - 1], {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    lines = sectionLines(ed, ed.headerName(table), one, false, indent(table));
  }
  // Under an [[array]] element a header refers to the last element written
  // so far, so the section must sit inside that element's region.
  for (let i = table.length - 1; i > 0; i--) {
    const h = ed.idx.findHeader(table.slice(0, i));
    if (h?.isArray) return insertSection(ed, ed.regionEnd(h), lines);
  }
  insertSection(ed, ed.text.length, lines);
}

/** A new header copies the indentation of its nearest ancestor's header, else of the last header. */
function sectionIndent(ed: DocumentEditor, table: Path): string {
  for (let i = table.length - 1; i > 0; i--) {
    const h = ed.idx.findHeader(table.slice(0, i));
    if (h) return indentAt(ed.text, h.start);
  }
  const headers = ed.idx.headers;
  return headers.length > 0 ? indentAt(ed.text, headers[headers.length - 1].start) : "";
}

/** Inserts section lines at `at` (a line start), separated from what is above by a blank line. */
function insertSection(ed: DocumentEditor, at: number, lines: string[]): void {
  const t = ed.text;
  const eol = ed.eol;
  if (at < t.length) return ed.splice(at, at, eol + lines.join(eol) + eol);
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
  ed.splice(t.length, t.length, prefix + lines.join(eol) + suffix);
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
