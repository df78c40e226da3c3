/**
 * Values: which reader a value's first character calls, and the two
 * containers written in place, arrays `[...]` and inline tables `{...}`.
 *
 * @module
 */

import { endsValue, MAX_DEPTH, type ParserState } from "./_parser_state.ts";
import { positionOf } from "./errors.ts";
import { parseKeyValue } from "./_parse_keys.ts";
import { parseNumberOrDate } from "./_parse_numbers.ts";
import {
  parseBasicString,
  parseLiteralString,
  parseMultilineBasicString,
  parseMultilineLiteralString,
} from "./_parse_strings.ts";
import { skipWs, skipWsNl } from "./_parse_trivia.ts";
import type { TomlPath, TomlTable, TomlValue, TomlValueKind } from "./types.ts";

/** Any value, read by what its first character says it is; reports it to the events. */
export function parseValue(s: ParserState, path: TomlPath | undefined): TomlValue {
  const src = s.src;
  const start = s.pos;
  const c = src.charCodeAt(start);
  let value: TomlValue;
  let kind: TomlValueKind;
  if (c === 34) {
    value = src.charCodeAt(start + 1) === 34 && src.charCodeAt(start + 2) === 34
      ? parseMultilineBasicString(s)
      : parseBasicString(s);
    kind = "string";
  } else if (c === 39) {
    value = src.charCodeAt(start + 1) === 39 && src.charCodeAt(start + 2) === 39
      ? parseMultilineLiteralString(s)
      : parseLiteralString(s);
    kind = "string";
  } else if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 105 || c === 110) {
    value = parseNumberOrDate(s);
    kind = s.kind;
  } else if (
    c === 116 && src.charCodeAt(start + 1) === 114 && src.charCodeAt(start + 2) === 117 &&
    src.charCodeAt(start + 3) === 101 && endsValue(src.charCodeAt(start + 4))
  ) {
    s.pos = start + 4;
    value = true;
    kind = "boolean";
  } else if (
    c === 102 && src.charCodeAt(start + 1) === 97 && src.charCodeAt(start + 2) === 108 &&
    src.charCodeAt(start + 3) === 115 && src.charCodeAt(start + 4) === 101 &&
    endsValue(src.charCodeAt(start + 5))
  ) {
    s.pos = start + 5;
    value = false;
    kind = "boolean";
  } else if (c === 91) {
    value = parseArray(s, path);
    kind = "array";
  } else if (c === 123) {
    value = parseInlineTable(s, path);
    kind = "table";
  } else {
    return badValue(s, start);
  }
  if (path !== undefined) {
    s.diagKinds?.set(JSON.stringify(path), kind);
    const onValue = s.events?.value;
    // Never changed once made (a deeper path is a new array): given, not copied.
    if (onValue !== undefined) onValue({ path, kind, start, end: s.pos });
  }
  return value;
}

/** Explains why the text at `start` is not a value (a bare word, `True`, nothing). */
export function badValue(s: ParserState, start: number): never {
  const src = s.src;
  const c = src.charCodeAt(start);
  if (start >= s.len || c === 10 || c === 13 || c === 35) {
    s.fail(`expected a value, found ${s.found(start)}`);
  }
  let p = start;
  while (p < s.len && !endsValue(src.charCodeAt(p)) && src.charCodeAt(p) !== 61) p++;
  const word = src.slice(start, p);
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(word)) {
    if (/^(true|false)$/i.test(word)) {
      s.fail(`invalid value ${word}: booleans are lower case (true, false)`, start);
    }
    s.fail(`invalid value ${word}: a string needs quotes (${JSON.stringify(word)})`, start);
  }
  return s.fail(`expected a value, found ${s.found(start)}`, start);
}

/** At `[`: an array, over as many lines as it likes, with comments and a trailing comma. */
function parseArray(s: ParserState, path: TomlPath | undefined): TomlValue[] {
  const src = s.src;
  const open = s.pos;
  if (++s.depth > MAX_DEPTH) s.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  s.pos++;
  const arr: TomlValue[] = [];
  for (;;) {
    skipWsNl(s);
    let c = src.charCodeAt(s.pos);
    if (c === 93) {
      s.pos++;
      break;
    }
    if (s.pos >= s.len) unterminatedArray(s, open);
    arr.push(parseValue(s, path === undefined ? undefined : [...path, arr.length]));
    skipWsNl(s);
    c = src.charCodeAt(s.pos);
    if (c === 44) {
      s.pos++;
      continue;
    }
    if (c === 93) {
      s.pos++;
      break;
    }
    if (s.pos >= s.len) unterminatedArray(s, open);
    s.fail(`expected "," or "]" after an array element, found ${s.found()}`);
  }
  s.depth--;
  return arr;
}

/** The array opened at `open` has no `]`. */
function unterminatedArray(s: ParserState, open: number): never {
  return s.fail(
    `unterminated array: add the closing "]" (the array opens on line ${
      positionOf(s.src, open).line
    })`,
  );
}

/** At `{`: an inline table, on one line (TOML 1.0) or over several (1.1). */
function parseInlineTable(s: ParserState, path: TomlPath | undefined): TomlTable {
  const src = s.src;
  const open = s.pos;
  if (++s.depth > MAX_DEPTH) s.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  s.pos++;
  const table: TomlTable = {};
  const tablePath = path ?? [];
  if (s.v11) {
    inlineTableEntries(s, open, table, tablePath);
    s.depth--;
    return table;
  }
  skipWs(s);
  if (src.charCodeAt(s.pos) === 125) {
    s.pos++;
    s.depth--;
    return table;
  }
  for (;;) {
    inlineTableGap(s, open);
    parseKeyValue(s, table, tablePath, true);
    skipWs(s);
    const c = src.charCodeAt(s.pos);
    if (c === 44) {
      const comma = s.pos;
      s.pos++;
      skipWs(s);
      if (src.charCodeAt(s.pos) === 125) {
        s.fail(
          'trailing comma is not allowed in an inline table: remove the "," before "}"',
          comma,
        );
      }
      continue;
    }
    if (c === 125) {
      s.pos++;
      break;
    }
    inlineTableGap(s, open);
    s.fail(`expected "," or "}" after a value in an inline table, found ${s.found()}`);
  }
  s.depth--;
  return table;
}

/**
 * TOML 1.1 inline-table entries, after the `{`: newlines and comments may
 * come between the parts and a comma may follow the last entry.
 */
function inlineTableEntries(
  s: ParserState,
  open: number,
  table: TomlTable,
  tablePath: TomlPath,
): void {
  const src = s.src;
  for (;;) {
    skipWsNl(s);
    let c = src.charCodeAt(s.pos);
    if (c === 125) break;
    if (s.pos >= s.len) unterminatedInlineTable(s, open);
    if (c === 44) s.fail('expected a key or "}" in an inline table, found ","');
    parseKeyValue(s, table, tablePath, true);
    skipWsNl(s);
    c = src.charCodeAt(s.pos);
    if (c === 44) {
      s.pos++;
      continue;
    }
    if (c === 125) break;
    if (s.pos >= s.len) unterminatedInlineTable(s, open);
    s.fail(`expected "," or "}" after a value in an inline table, found ${s.found()}`);
  }
  s.pos++;
}

function unterminatedInlineTable(s: ParserState, open: number): never {
  return s.fail(
    `unterminated inline table: add the closing "}" (it opens on line ${
      positionOf(s.src, open).line
    })`,
  );
}

/** TOML 1.0: refuses what cannot appear between the parts of an inline table. */
function inlineTableGap(s: ParserState, open: number): void {
  const c = s.src.charCodeAt(s.pos);
  if (s.pos >= s.len) unterminatedInlineTable(s, open);
  if (c === 10 || c === 13) {
    s.fail(
      "a newline is not allowed inside an inline table { ... }: keep it on one line, or use a [table]",
    );
  }
  if (c === 35) {
    s.fail("a comment is not allowed inside an inline table { ... }");
  }
}
