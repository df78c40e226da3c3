/**
 * The error a JSON text can raise: {@link JsonParseError}, located by line
 * and column like the TOML parser's errors.
 *
 * @module
 */

import { ParseError, positionOf } from "../parse_error.ts";

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
export class JsonParseError extends ParseError {
  constructor(reason: string, line: number, column: number, file?: string) {
    super(reason, line, column, file);
    this.name = "JsonParseError";
  }

  /** The error for a mistake at UTF-16 offset `offset` of `text`. */
  static at(text: string, offset: number, reason: string, file?: string): JsonParseError {
    const { line, column } = positionOf(text, offset);
    return new JsonParseError(reason, line, column, file);
  }
}
