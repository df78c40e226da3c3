/**
 * The base of every "this text does not parse" error, whatever the format:
 * located by line and column so a person can go straight to the mistake.
 *
 * @module
 */

import { StrataError } from "./errors.ts";

/**
 * A text could not be parsed. `line` and `column` are 1-based; the column
 * counts characters (Unicode code points), not bytes or UTF-16 units. The
 * message reads `file: line 4, column 9: reason` (without `file: ` when the
 * text has no file).
 *
 * @example
 * ```ts
 * import { ParseError } from "./parse_error.ts";
 * const e = new ParseError("expected a value", 2, 5, "app.toml");
 * console.assert(e.message === "app.toml: line 2, column 5: expected a value" && e.exitCode === 3);
 * ```
 */
export class ParseError extends StrataError {
  /** 1-based line of the mistake. */
  readonly line: number;
  /** 1-based column of the mistake, in characters. */
  readonly column: number;
  /** What is wrong, as a sentence without the location. */
  readonly reason: string;
  /** The file the text came from, when the caller named it. */
  readonly file?: string;

  constructor(reason: string, line: number, column: number, file?: string) {
    const where = `line ${line}, column ${column}`;
    super("parse", file ? `${file}: ${where}: ${reason}` : `${where}: ${reason}`);
    this.name = "ParseError";
    this.line = line;
    this.column = column;
    this.reason = reason;
    if (file !== undefined) this.file = file;
  }
}

/**
 * The 1-based line and column (in code points) of a UTF-16 offset in `text`.
 * Only called on error paths and by event consumers, so a plain scan is fine.
 */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    // The second half of a surrogate pair is the same character as the first.
    if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    column++;
  }
  return { line, column };
}
