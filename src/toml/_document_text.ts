/**
 * Line-level helpers for the format-preserving editor: where a line starts
 * and ends, its indentation, whether it is blank or a comment, and which line
 * ending the file uses. Internal to `src/toml/`.
 *
 * @module
 */

/** The line ending a file uses: CRLF when its first line break is CRLF, else LF. */
export function detectEol(text: string): "\n" | "\r\n" {
  const i = text.indexOf("\n");
  return i > 0 && text.charCodeAt(i - 1) === 13 ? "\r\n" : "\n";
}

/** Offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  // lastIndexOf treats a negative start as 0 and would find a "\n" there.
  const start = offset <= 0 ? 0 : text.lastIndexOf("\n", offset - 1) + 1;
  return start === 0 ? firstLineStart(text) : start;
}

/** Where the first line's content starts: after a byte-order mark, which must stay first. */
export function firstLineStart(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/** Offset just after the line break ending the line that holds `offset` (or the text's end). */
export function lineEndAfter(text: string, offset: number): number {
  const i = text.indexOf("\n", offset);
  return i < 0 ? text.length : i + 1;
}

/** The spaces and tabs that open the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  let p = start;
  while (p < text.length && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  return text.slice(start, p);
}

/** The text of the line starting at `start`, without its line break. */
export function lineTextAt(text: string, start: number): string {
  const end = text.indexOf("\n", start);
  const line = end < 0 ? text.slice(start) : text.slice(start, end);
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** True when the line starting at `start` holds only spaces and tabs (and a line break). */
export function isBlankLine(text: string, start: number): boolean {
  return lineTextAt(text, start).trim() === "";
}

/** True when the line starting at `start` holds a comment and nothing else. */
export function isCommentLine(text: string, start: number): boolean {
  return lineTextAt(text, start).trimStart().startsWith("#");
}

/** Offset of the start of the line before the one starting at `start` (`start` must be > 0). */
export function previousLineStart(text: string, start: number): number {
  return lineStart(text, start - 1);
}

/**
 * True when the text after `end` on its line is only spaces, an optional
 * comma, and an optional comment: nothing else shares the line.
 */
export function restOfLineIsFree(text: string, end: number, allowComma: boolean): boolean {
  let p = end;
  const skipSpace = () => {
    while (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9) p++;
  };
  skipSpace();
  if (allowComma && text.charCodeAt(p) === 44) {
    p++;
    skipSpace();
  }
  const c = text.charCodeAt(p);
  return p >= text.length || c === 10 || c === 13 || c === 35;
}

/** `indent` minus the `base` it starts with, so nested indentation can be repeated. */
export function indentBeyond(indent: string, base: string): string {
  return indent.startsWith(base) ? indent.slice(base.length) : indent;
}
