/**
 * How the editor adds and removes an entry of an inline table, in the
 * table's own layout: on one line (`{ a = 1, b = 2 }`), or, as TOML 1.1
 * allows, one entry per line with comments and a trailing comma. Only the
 * entry's own text changes (plus the one comma that separates it); the
 * other entries, their comments and the braces stay as written.
 * Internal to `src/toml/`.
 *
 * @module
 */

import { type KeyValueSpan, type Path, samePath, strings } from "./_document_index.ts";
import { indentAt, lineEndAfter, lineStart, restOfLineIsFree } from "./_document_text.ts";
import type { DocumentEditor } from "./_document_edit.ts";

/** Offset of the first character after `p` that is not a space or a tab. */
function skipBlanks(t: string, p: number): number {
  while (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9) p++;
  return p;
}

/** Offset of the first character before `p` that is not a space or a tab, plus one. */
function skipBlanksBack(t: string, p: number): number {
  while (p > 0 && (t.charCodeAt(p - 1) === 32 || t.charCodeAt(p - 1) === 9)) p--;
  return p;
}

/** True when only spaces and tabs come before `offset` on its line. */
function startsLine(t: string, offset: number): boolean {
  return t.slice(lineStart(t, offset), offset).trim() === "";
}

/** The entries of the inline table at `table`, in text order. */
function entriesOf(ed: DocumentEditor, table: readonly (string | number)[]): KeyValueSpan[] {
  return ed.idx.inlineStatements
    .filter((s) => samePath(s.table, table))
    .sort((a, b) => a.keyStart - b.keyStart);
}

/**
 * True when `kv` has lines of its own inside a multi-line inline table:
 * nothing but indentation before it, and after it only its comma and a
 * comment. An entry without a comma qualifies only as the last one (a
 * following entry would need that comma).
 */
function ownsLines(t: string, kv: KeyValueSpan, last: boolean): boolean {
  if (!startsLine(t, kv.keyStart) || !restOfLineIsFree(t, kv.valueEnd, true)) return false;
  return last || t.charCodeAt(skipBlanks(t, kv.valueEnd)) === 44;
}

/** Adds `entry` (`key = value`) to the inline table at `container`. */
export function insertInlineEntry(ed: DocumentEditor, container: Path, entry: string): void {
  const t = ed.text;
  const entries = entriesOf(ed, container);
  if (entries.length > 0) {
    const last = entries.reduce((a, b) => (b.valueEnd > a.valueEnd ? b : a));
    if (!ownsLines(t, last, true)) return ed.splice(last.valueEnd, last.valueEnd, `, ${entry}`);
    // One entry per line: the new one gets a line of its own, below the last,
    // with a trailing comma when the last one has one.
    const comma = t.charCodeAt(skipBlanks(t, last.valueEnd)) === 44;
    const at = lineEndAfter(t, last.valueEnd);
    const line = indentAt(t, last.keyStart) + entry + (comma ? "," : "") + ed.eol;
    const next = t.slice(0, at) + line + t.slice(at);
    return ed.commit(comma ? next : next.slice(0, last.valueEnd) + "," + next.slice(last.valueEnd));
  }
  const span = ed.idx.findValue(container)!;
  const close = span.end - 1;
  const inside = t.slice(span.start + 1, close);
  if (!/[\r\n]/.test(inside)) return ed.splice(span.start + 1, close, ` ${entry} `);
  // An empty table over several lines (perhaps with comments): a line of its
  // own above the closing brace, or after the last line inside it.
  const closeIndent = indentAt(t, lineStart(t, close));
  const line = closeIndent + "  " + entry;
  if (startsLine(t, close)) {
    const at = lineStart(t, close);
    return ed.splice(at, at, line + ed.eol);
  }
  const at = skipBlanksBack(t, close);
  ed.splice(at, close, ed.eol + line + ed.eol + closeIndent);
}

/** Removes the entry `kv` from its inline table, with the comma that separates it. */
export function removeInlineEntry(ed: DocumentEditor, kv: KeyValueSpan): void {
  const t = ed.text;
  const entries = entriesOf(ed, kv.table);
  const i = entries.indexOf(kv);
  const table = ed.idx.findValue(strings(kv.table))!;
  const multiLine = /[\r\n]/.test(t.slice(table.start, table.end));
  if (!multiLine) {
    // One line: the entry and one comma, as a 1.0 reader expects.
    if (i < entries.length - 1) return ed.splice(kv.keyStart, entries[i + 1].keyStart, "");
    if (i > 0) return ed.splice(entries[i - 1].valueEnd, kv.valueEnd, "");
    return ed.splice(table.start + 1, table.end - 1, "");
  }
  if (ownsLines(t, kv, i === entries.length - 1)) {
    return ed.splice(lineStart(t, kv.keyStart), lineEndAfter(t, kv.valueEnd), "");
  }
  // Shares a line with a brace or another entry: only its text and its own
  // comma go; newlines and comments around it stay.
  let end = kv.valueEnd;
  const after = skipBlanks(t, end);
  if (t.charCodeAt(after) === 44) end = skipBlanks(t, after + 1);
  else if (i > 0) {
    // The last entry without a comma: the comma before it goes too when it
    // sits on the same stretch of spaces (else it stays, as a trailing comma).
    const prevEnd = entries[i - 1].valueEnd;
    const comma = skipBlanks(t, prevEnd);
    if (t.charCodeAt(comma) === 44 && skipBlanks(t, comma + 1) === kv.keyStart) {
      return ed.splice(prevEnd, kv.valueEnd, "");
    }
  }
  let start = kv.keyStart;
  const c = t.charCodeAt(end);
  if (c === 10 || c === 13) start = skipBlanksBack(t, start);
  else if (startsLine(t, start)) {
    // First on its line, before a brace or another entry: that one takes its place.
    start = skipBlanksBack(t, start);
    end = skipBlanks(t, end);
  }
  ed.splice(start, end, "");
}
