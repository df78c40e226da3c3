/**
 * Keys and `key = value` statements: bare, quoted and dotted keys, and the
 * tables a dotted key creates on its way to the value.
 *
 * @module
 */

import { TomlDateTime } from "./datetime.ts";
import {
  AOT,
  DOTTED,
  EXPLICIT,
  hasOwn,
  IMPLICIT,
  isBareKeyChar,
  keyText,
  MAX_DEPTH,
  type ParserState,
  setKey,
  shownKey,
} from "./_parser_state.ts";
import { parseBasicString, parseLiteralString } from "./_parse_strings.ts";
import { skipWs } from "./_parse_trivia.ts";
import { parseValue } from "./_parse_values.ts";
import type { TomlPath, TomlTable, TomlValue } from "./types.ts";

/** Reads one key segment (bare, "basic" or 'literal'). */
function parseKeySegment(s: ParserState): string {
  const src = s.src;
  const start = s.pos;
  const c = src.charCodeAt(start);
  if (isBareKeyChar(c)) {
    let p = start + 1;
    while (isBareKeyChar(src.charCodeAt(p))) p++;
    s.pos = p;
    return src.slice(start, p);
  }
  if (c === 34) {
    if (src.charCodeAt(start + 1) === 34 && src.charCodeAt(start + 2) === 34) {
      s.fail("a key cannot be a multi-line string; use \"...\" or '...'");
    }
    return parseBasicString(s);
  }
  if (c === 39) {
    if (src.charCodeAt(start + 1) === 39 && src.charCodeAt(start + 2) === 39) {
      s.fail("a key cannot be a multi-line string; use \"...\" or '...'");
    }
    return parseLiteralString(s);
  }
  if (c === 61) s.fail('expected a key before "="');
  return s.fail(
    `expected a key, found ${s.found()}` +
      (c > 127 || c === 46 || c === 32 || c === 9
        ? '; a key with characters other than A-Z a-z 0-9 _ - must be quoted: "..."'
        : ""),
  );
}

/** Reads `a.b."c"` with optional spaces around the dots; stops after trailing spaces. */
export function parseKeyPath(s: ParserState): string[] {
  const start = s.pos;
  const keys = [parseKeySegment(s)];
  skipWs(s);
  while (s.src.charCodeAt(s.pos) === 46) {
    if (keys.length >= MAX_DEPTH) s.fail(`nesting deeper than ${MAX_DEPTH} levels`, start);
    s.pos++;
    skipWs(s);
    keys.push(parseKeySegment(s));
    skipWs(s);
  }
  return keys;
}

/**
 * A `key = value` statement into `table` (whose path is `tablePath`):
 * creates the tables a dotted key names, refuses a key defined before, and
 * reports the statement to the events.
 */
export function parseKeyValue(
  s: ParserState,
  table: TomlTable,
  tablePath: TomlPath,
  inline: boolean,
): void {
  const src = s.src;
  const keyStart = s.pos;
  const first = parseKeySegment(s);
  let keyEnd = s.pos;
  skipWs(s);
  let keys: string[] | undefined;
  if (src.charCodeAt(s.pos) === 46) {
    keys = [first];
    while (src.charCodeAt(s.pos) === 46) {
      s.pos++;
      skipWs(s);
      keys.push(parseKeySegment(s));
      keyEnd = s.pos;
      skipWs(s);
    }
  }
  // Tables nest no deeper than arrays may: whatever parses can be walked recursively.
  if (s.sectionDepth + s.depth + (keys === undefined ? 1 : keys.length) > MAX_DEPTH) {
    s.fail(`nesting deeper than ${MAX_DEPTH} levels`, keyStart);
  }
  if (src.charCodeAt(s.pos) !== 61) {
    s.fail(`expected "=" after key ${shownKey(keys ?? [first])}`);
  }
  s.pos++;
  skipWs(s);
  const track = s.track;
  let t = table;
  let last = first;
  let path: TomlPath | undefined;
  if (track) path = tablePath.slice();
  if (keys !== undefined) {
    const n = keys.length - 1;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      if (path !== undefined) path.push(k);
      let child = t[k];
      if (child === undefined || !hasOwn.call(t, k)) {
        const created: TomlTable = {};
        s.meta.set(created, DOTTED);
        setKey(t, k, created);
        child = created;
        if (path !== undefined) s.record(path, keyStart);
      } else {
        const m = s.meta.get(child as object);
        if (m === IMPLICIT) s.meta.set(child as object, DOTTED);
        else if (m !== DOTTED) dottedConflict(s, child, m, keys, i, keyStart, path);
      }
      t = child as TomlTable;
    }
    last = keys[n];
  }
  if (path !== undefined) path.push(last);
  const existing = t[last];
  if (existing !== undefined && hasOwn.call(t, last)) {
    s.conflict(
      `duplicate key ${shownKey(keys ?? [first])} (first defined on line {line})`,
      keyStart,
      path,
    );
  }
  const valueStart = s.pos;
  const value = parseValue(s, path);
  setKey(t, last, value);
  // A number came from parseNumberOrDate, which just set s.kind for it.
  if (
    s.wholeFloats !== undefined && typeof value === "number" && s.kind === "float" &&
    Number.isInteger(value)
  ) {
    s.wholeFloats.push([t, last]);
  }
  if (path !== undefined) {
    s.record(path, keyStart);
    const onKeyValue = s.events?.keyValue;
    if (onKeyValue !== undefined) {
      onKeyValue({
        // Paths are never changed once made (a deeper one is a new array): shared, not copied.
        table: tablePath,
        key: keys ?? [first],
        keyStart,
        keyEnd,
        valueStart,
        valueEnd: s.pos,
        line: s.lineAt(keyStart),
        inline,
      });
    }
  }
}

/** A dotted key runs into something that is not a table it may extend. */
function dottedConflict(
  s: ParserState,
  child: TomlValue,
  m: number | undefined,
  keys: string[],
  i: number,
  at: number,
  path: TomlPath | undefined,
): never {
  const whole = shownKey(keys);
  const part = shownKey(keys.slice(0, i + 1));
  if (m === EXPLICIT) {
    return s.conflict(
      `cannot add ${whole} with a dotted key: table [${
        keyText(keys.slice(0, i + 1))
      }] has its own header (line {line}); add the key under that header`,
      at,
      path,
    );
  }
  if (m === AOT) {
    return s.conflict(
      `cannot add ${whole} with a dotted key: ${part} is an array of tables (line {line})`,
      at,
      path,
    );
  }
  if (typeof child === "object" && !Array.isArray(child) && !(child instanceof TomlDateTime)) {
    return s.conflict(
      `cannot add ${whole}: ${part} is an inline table (line {line}), which is complete as written`,
      at,
      path,
    );
  }
  return s.conflict(
    `cannot add ${whole}: ${part} is already ${s.typeOf(child, path)} (line {line})`,
    at,
    path,
  );
}
