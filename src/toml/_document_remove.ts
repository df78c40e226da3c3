/**
 * How the editor removes a value: a statement with its whole line(s), an
 * inline-table entry or an array element with its comma (or its own line),
 * a table with its header blocks and sub-tables, then tidy blank lines.
 * Internal to `src/toml/`.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { type Path, startsWith, statementUnder, type ValueSpan } from "./_document_index.ts";
import {
  firstLineStart,
  isBlankLine,
  lineEndAfter,
  lineStart,
  previousLineStart,
} from "./_document_text.ts";
import { indexOf, valueAt } from "./_document_values.ts";
import type { DocumentEditor } from "./_document_edit.ts";
import { removeInlineEntry } from "./_document_inline.ts";

/** Removes `path` (which exists). */
export function removeValue(ed: DocumentEditor, path: Path): void {
  const place = ed.placeOf(path);
  const before = ed.text;
  switch (place.kind) {
    case "root":
      throw new StrataError(
        "type",
        "cannot delete the whole document; delete its keys one by one",
      );
    case "statement":
      if (place.kv.inline) removeInlineEntry(ed, place.kv);
      else {removeLines(ed, [[
          lineStart(before, place.kv.keyStart),
          lineEndAfter(before, place.kv.valueEnd),
        ]]);}
      break;
    case "element":
      removeElement(ed, path, place.span);
      break;
    case "dotted":
      if (place.by.inline) {
        // Dotted keys inside an inline table: remove each entry under the path.
        for (;;) {
          const kv = ed.idx.inlineStatements.find((s) => statementUnder(s, path));
          if (!kv) break;
          removeInlineEntry(ed, kv);
        }
        break;
      }
      removeTable(ed, path);
      break;
    case "header": {
      const array = path.slice(0, -1);
      const arr = valueAt(ed.idx.value, array);
      removeTable(ed, path);
      // The last element of an [[array]] leaves an empty array, not no key.
      if (Array.isArray(arr) && arr.length === 1) ed.insert(array, []);
      break;
    }
    default:
      removeTable(ed, path);
  }
  // A file that had no final line break keeps having none.
  const t = ed.text;
  if (!before.endsWith("\n") && t.endsWith("\n")) {
    ed.commit(t.slice(0, t.endsWith("\r\n") ? -2 : -1));
  }
}

/** Removes every header block and statement line under `path`. */
function removeTable(ed: DocumentEditor, path: Path): void {
  const t = ed.text;
  const ranges: [number, number][] = [];
  ed.idx.headers.forEach((h, i) => {
    if (startsWith(h.path, path)) ranges.push([lineStart(t, h.start), ed.blockContentEnd(i)]);
  });
  for (const s of ed.idx.statements) {
    if (statementUnder(s, path)) {
      ranges.push([lineStart(t, s.keyStart), lineEndAfter(t, s.valueEnd)]);
    }
  }
  removeLines(ed, ranges);
}

/**
 * Removes whole-line ranges, then tidies blank lines: a range with a blank
 * line (or the file's start) above it takes the blank lines below it too,
 * and a range that reaches the end takes the blank lines above it.
 */
function removeLines(ed: DocumentEditor, ranges: [number, number][]): void {
  const merged: [number, number][] = [];
  for (const r of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  let t = ed.text;
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
  ed.commit(t);
}

/** Removes one element of a static array: its whole line when it has one, else with its comma. */
function removeElement(ed: DocumentEditor, path: Path, span: ValueSpan): void {
  const t = ed.text;
  const parent = path.slice(0, -1);
  const i = indexOf(path[path.length - 1]);
  const el = (n: number) => ed.idx.findValue([...parent, String(n)]);
  if (ed.ownsLines(span)) {
    return ed.splice(lineStart(t, span.start), lineEndAfter(t, span.end), "");
  }
  const next = el(i + 1);
  if (next) return ed.splice(span.start, next.start, "");
  const prev = el(i - 1);
  if (prev) return ed.splice(prev.end, span.end, "");
  const arr = ed.idx.findValue(parent)!;
  ed.splice(arr.start + 1, arr.end - 1, "");
}
