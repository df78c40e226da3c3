/**
 * The one error a TOML text can raise: {@link TomlParseError}, located by
 * line and column so a person can go straight to the mistake.
 *
 * @module
 */

import { StrataError } from "../errors.ts";

/**
 * A TOML text could not be parsed. `line` and `column` are 1-based; the
 * column counts characters (Unicode code points), not bytes or UTF-16 units.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parse } from "./parse.ts";
 * import { TomlParseError } from "./errors.ts";
 * assert.throws(
 *   () => parse('host "example.org"'),
 *   (e) =>
 *     e instanceof TomlParseError && e.line === 1 && e.column === 6 &&
 *     e.message === 'line 1, column 6: expected "=" after key "host"',
 * );
 * ```
 */
export class TomlParseError extends StrataError {
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
    this.name = "TomlParseError";
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
