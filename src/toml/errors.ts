/**
 * The one error a TOML text can raise: {@link TomlParseError}, located by
 * line and column so a person can go straight to the mistake.
 *
 * @module
 */

import { ParseError, positionOf } from "../parse_error.ts";

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
export class TomlParseError extends ParseError {
  constructor(reason: string, line: number, column: number, file?: string) {
    super(reason, line, column, file);
    this.name = "TomlParseError";
  }
}

/** The 1-based line and column (in code points) of a UTF-16 offset in `text`. */
export { positionOf };
