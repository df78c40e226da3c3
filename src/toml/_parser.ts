/**
 * The TOML parser core: one pass over the text with `charCodeAt`, no
 * regular expressions on the hot path, and optional event callbacks that tell
 * a format-preserving editor where every header, key and value sits.
 *
 * The grammar lives in one file per area: `_parse_trivia.ts` (spaces,
 * newlines, comments), `_parse_keys.ts` (keys and `key = value`),
 * `_parse_tables.ts` (headers), `_parse_values.ts` (values, arrays, inline
 * tables), `_parse_strings.ts`, `_parse_numbers.ts` and `_parse_datetime.ts`;
 * `_parser_state.ts` holds the cursor they share.
 *
 * Internal to `src/toml/` and its tests in `tests/toml/`: other modules use
 * `parse.ts` (values) or `document.ts` (editing).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { TomlParseError } from "./errors.ts";
import type { ParseTomlOptions } from "./_parse_events.ts";
import { parseKeyValue } from "./_parse_keys.ts";
import { parseHeader } from "./_parse_tables.ts";
import { endOfLine, skipComment, skipWs } from "./_parse_trivia.ts";
import { EXPLICIT, NeedsDiagnosis, ParserState } from "./_parser_state.ts";
import { TOML_VERSIONS, type TomlTable } from "./types.ts";

export type {
  ParseTomlOptions,
  TomlHeaderEvent,
  TomlKeyValueEvent,
  TomlParseEvents,
  TomlValueEvent,
} from "./_parse_events.ts";
export type { TomlPath, TomlTable, TomlValue, TomlValueKind, TomlVersion } from "./types.ts";
export { MAX_DEPTH } from "./_parser_state.ts";

/**
 * Parses TOML 1.1.0 text (or, with `toml: "1.0"`, strictly 1.0.0 text) into
 * plain values, optionally reporting the document's structure through
 * `options.events`.
 *
 * @throws {TomlParseError} for any text that is not valid TOML of that version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseToml } from "./_parser.ts";
 * const t = parseToml('a.b = 1\n[c]\nd = "x"\n');
 * assert.ok(JSON.stringify(t) === '{"a":{"b":1},"c":{"d":"x"}}');
 * ```
 */
export function parseToml(text: string, options: ParseTomlOptions = {}): TomlTable {
  if (typeof text !== "string") {
    throw new StrataError("type", `TOML text must be a string, not ${typeof text}`);
  }
  if (options.toml !== undefined && !TOML_VERSIONS.includes(options.toml)) {
    throw new StrataError(
      "type",
      `unknown TOML version ${JSON.stringify(options.toml)}: use "1.1" or "1.0"`,
    );
  }
  try {
    return parseDocument(new ParserState(text, options, undefined));
  } catch (e) {
    if (!(e instanceof NeedsDiagnosis)) throw e;
    // A conflict (duplicate key, table defined twice): parse again, this time
    // remembering where everything was defined, to name the first definition.
    const again = { bigint: options.bigint, file: options.file, toml: options.toml };
    parseDocument(new ParserState(text, again, new Map()));
    throw new TomlParseError("internal: conflict vanished on the second pass", 1, 1, options.file);
  }
}

/** Statements, headers, comments and blank lines, to the end of the text. */
function parseDocument(s: ParserState): TomlTable {
  const src = s.src;
  const root: TomlTable = {};
  s.meta.set(root, EXPLICIT);
  s.table = root;
  s.tablePath = [];
  if (src.charCodeAt(0) === 0xfeff) s.pos = 1;
  for (;;) {
    skipWs(s);
    if (s.pos >= s.len) break;
    const c = src.charCodeAt(s.pos);
    if (c === 10) {
      s.pos++;
      continue;
    }
    if (c === 13) {
      if (src.charCodeAt(s.pos + 1) !== 10) {
        s.fail("a carriage return must be followed by a newline (\\n)");
      }
      s.pos += 2;
      continue;
    }
    if (c === 35) {
      skipComment(s);
      continue;
    }
    if (c === 91) {
      parseHeader(s, root);
      endOfLine(s, true);
    } else {
      parseKeyValue(s, s.table, s.tablePath, false);
      endOfLine(s, false);
    }
  }
  return root;
}
