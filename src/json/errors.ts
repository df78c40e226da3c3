/**
 * The error a JSON text can raise: {@link JsonParseError}, located by line
 * and column like the TOML parser's errors.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { positionOf } from "../toml/errors.ts";

/**
 * A JSON text could not be parsed. `line` and `column` are 1-based; the
 * column counts characters (Unicode code points).
 *
 * @example
 * ```ts
 * import { JsonDocument } from "./document.ts";
 * import { JsonParseError } from "./errors.ts";
 * try {
 *   JsonDocument.parse('{\n  "a": 1,\n}');
 * } catch (e) {
 *   console.assert(e instanceof JsonParseError && e.line === 3 && e.column === 1);
 * }
 * ```
 */
export class JsonParseError extends StrataError {
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
    this.name = "JsonParseError";
    this.line = line;
    this.column = column;
    this.reason = reason;
    if (file !== undefined) this.file = file;
  }

  /** The error for a mistake at UTF-16 offset `offset` of `text`. */
  static at(text: string, offset: number, reason: string, file?: string): JsonParseError {
    const { line, column } = positionOf(text, offset);
    return new JsonParseError(reason, line, column, file);
  }
}
