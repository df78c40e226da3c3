/**
 * The TOML 1.0.0 parser core: one pass over the text with `charCodeAt`, no
 * regular expressions on the hot path, and optional event callbacks that tell
 * a format-preserving editor where every header, key and value sits.
 *
 * Internal to `src/toml/`: other modules use `parse.ts` (values) or
 * `document.ts` (editing).
 *
 * @module
 */

import { readDateTime, TomlDateTime } from "./datetime.ts";
import { positionOf, TomlParseError } from "./errors.ts";
import { StrataError } from "../errors.ts";
import { MAX_DEPTH } from "../max_depth.ts";

/** Any TOML value as strata returns it. */
export type TomlValue =
  | string
  | number
  | bigint
  | boolean
  | TomlDateTime
  | TomlValue[]
  | TomlTable;

/** A TOML table: a plain object whose keys are the (unquoted) TOML keys. */
export interface TomlTable {
  [key: string]: TomlValue;
}

/** An absolute location in the document: keys, and indexes into arrays. */
export type TomlPath = (string | number)[];

/** The TOML type of a value, as the `value` event reports it. */
export type TomlValueKind =
  | "string"
  | "integer"
  | "float"
  | "boolean"
  | "offset-date-time"
  | "local-date-time"
  | "local-date"
  | "local-time"
  | "array"
  | "table";

/** A `[a.b]` or `[[a.b]]` header line. */
export interface TomlHeaderEvent {
  /** Absolute path of the table the header opens; for `[[x]]` it ends with the new element's index. */
  path: TomlPath;
  /** True for `[[...]]` (an element of an array of tables). */
  isArray: boolean;
  /** UTF-16 offset of the opening `[`. */
  start: number;
  /** UTF-16 offset just after the closing `]` or `]]`. */
  end: number;
  /** 1-based line of the header. */
  line: number;
}

/** A `key = value` statement, at the top level, under a header, or inside an inline table. */
export interface TomlKeyValueEvent {
  /** Absolute path of the table the statement belongs to (the current header's table, or the inline table). */
  table: TomlPath;
  /** The key as written, one unquoted string per dotted segment. */
  key: string[];
  /** UTF-16 offset of the first character of the key (a quote for a quoted key). */
  keyStart: number;
  /** UTF-16 offset just after the last key segment (before any space and the `=`). */
  keyEnd: number;
  /** UTF-16 offset of the first character of the value. */
  valueStart: number;
  /** UTF-16 offset just after the value (before any space, comment or newline). */
  valueEnd: number;
  /** 1-based line of the key. */
  line: number;
  /** True when the statement is inside an inline table `{ ... }`. */
  inline: boolean;
}

/** One value, anywhere: a key's value, an array element, a nested inline table. */
export interface TomlValueEvent {
  /** Absolute path of the value, with numeric segments for array indexes. */
  path: TomlPath;
  /** The TOML type of the value. */
  kind: TomlValueKind;
  /** UTF-16 offset of the value's first character. */
  start: number;
  /** UTF-16 offset just after the value's last character. */
  end: number;
}

/**
 * Callbacks the parser calls during its single pass, in document order. Each
 * is optional; without `events` the parser does no path bookkeeping at all.
 *
 * - `header` for every `[table]` / `[[array.of.tables]]` line.
 * - `value` for every value once it is complete: scalars, and arrays and
 *   inline tables after their last element (so children come before their
 *   container). Paths are absolute, e.g. `["servers", 0, "ports", 1]`.
 * - `keyValue` for every `key = value` statement after its value's `value`
 *   event; inside an inline table `inline` is true and `table` is the inline
 *   table's path.
 *
 * Offsets are UTF-16 indexes into the text given to the parser (a leading BOM
 * counts as one), suitable for `text.slice(start, end)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseToml } from "./_parser.ts";
 * const seen: string[] = [];
 * parseToml("[[p]]\nx = [1, 2]\n", {
 *   events: {
 *     header: (e) => seen.push(`header ${JSON.stringify(e.path)}`),
 *     value: (e) => seen.push(`${e.kind} ${JSON.stringify(e.path)}`),
 *     keyValue: (e) => seen.push(`key ${e.key.join(".")} line ${e.line}`),
 *   },
 * });
 * assert.ok(seen.join("; ") ===
 *   'header ["p",0]; integer ["p",0,"x",0]; integer ["p",0,"x",1]; array ["p",0,"x"]; key x line 2');
 * ```
 */
export interface TomlParseEvents {
  /** A table header. */
  header?(event: TomlHeaderEvent): void;
  /** A `key = value` statement. */
  keyValue?(event: TomlKeyValueEvent): void;
  /** A value. */
  value?(event: TomlValueEvent): void;
}

/** Options of {@link parseToml}. */
export interface ParseTomlOptions {
  /** Return every integer as a `bigint` (default: `number` when within 2^53). */
  bigint?: boolean;
  /** File name to put in front of error messages. */
  file?: string;
  /** Callbacks for a format-preserving editor. */
  events?: TomlParseEvents;
  /** Receives `[table, key]` for every key whose value is a float with a whole-number value (`1.0`). */
  wholeFloats?: [TomlTable, string][];
}

/** Deepest nesting accepted (bounds the recursion): the one bound of `src/max_depth.ts`. */
export { MAX_DEPTH };

// How a table or array came to exist; decides what may extend it later.
// Tables absent from the map were written inline (`{...}`) and are closed;
// arrays absent from the map are static (`[...]`) and cannot take `[[x]]`.
const IMPLICIT = 1; // created as a parent by a header: `[a.b]` creates `a`
const EXPLICIT = 2; // opened by its own header, or the root
const DOTTED = 3; // created by a dotted key: `a.b = 1` creates `a`
const AOT = 4; // an array of tables made by `[[x]]`

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

const hasOwn = Object.prototype.hasOwnProperty;

/** Thrown inside the first pass when a conflict needs the first definition's line. */
class NeedsDiagnosis {}

/**
 * Parses TOML 1.0.0 text into plain values, optionally reporting the
 * document's structure through `options.events`.
 *
 * @throws {TomlParseError} for any text that is not valid TOML 1.0.0.
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
  try {
    return new Parser(text, options, undefined).parseDocument();
  } catch (e) {
    if (!(e instanceof NeedsDiagnosis)) throw e;
    // A conflict (duplicate key, table defined twice): parse again, this time
    // remembering where everything was defined, to name the first definition.
    const again = { bigint: options.bigint, file: options.file };
    new Parser(text, again, new Map()).parseDocument();
    throw new TomlParseError("internal: conflict vanished on the second pass", 1, 1, options.file);
  }
}

/** Renders one key segment as TOML would need it written (bare when possible). */
function quoteKey(key: string): string {
  if (key.length > 0 && /^[A-Za-z0-9_-]+$/.test(key)) return key;
  return JSON.stringify(key);
}

function keyText(keys: readonly string[]): string {
  return keys.map(quoteKey).join(".");
}

/** A key for a message: `"host"`, `"a.b"`, or `"x y".z` when already quoted. */
function shownKey(keys: readonly string[]): string {
  const text = keyText(keys);
  return text.includes('"') ? text : `"${text}"`;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBareKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
    c === 45;
}

/** Characters that may follow a scalar value: space, tab, newline, `#`, `,`, `]`, `}`. */
function endsValue(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 35 || c === 44 || c === 93 ||
    c === 125 || c !== c;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function setKey(table: TomlTable, key: string, value: TomlValue): void {
  if (key === "__proto__") {
    Object.defineProperty(table, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    table[key] = value;
  }
}

/** "an integer", "a float", ... for a TOML kind, in conflict messages. */
function kindName(kind: TomlValueKind): string {
  switch (kind) {
    case "integer":
      return "an integer";
    case "array":
      return "an array";
    case "table":
      return "an inline table";
    case "offset-date-time":
      return "an offset date-time";
    default:
      return `a ${kind.replaceAll("-", " ")}`;
  }
}

/** Best guess from the value alone (the first pass does not keep kinds). */
function typeName(value: unknown): string {
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a float";
  if (typeof value === "bigint") return "an integer";
  if (typeof value === "boolean") return "a boolean";
  if (value instanceof TomlDateTime) return "a date-time";
  if (Array.isArray(value)) return "an array";
  return "an inline table";
}

class Parser {
  readonly src: string;
  readonly len: number;
  pos = 0;
  readonly bigint: boolean;
  readonly wholeFloats: [TomlTable, string][] | undefined;
  readonly file: string | undefined;
  readonly events: TomlParseEvents | undefined;
  /** Paths are kept only when someone needs them (events, or diagnosis). */
  readonly track: boolean;
  /** Second pass only: path key -> offset of its first definition. */
  readonly diag: Map<string, number> | undefined;
  /** Second pass only: path key -> TOML kind of the value there. */
  readonly diagKinds: Map<string, TomlValueKind> | undefined;
  readonly meta = new Map<object, number>();
  depth = 0;
  /** How many keys the current table header has (0 at the top level). */
  sectionDepth = 0;
  /** The table `key = value` lines go to, and its path when tracking. */
  table: TomlTable = {};
  tablePath: TomlPath = [];
  /** Kind of the last scalar read by a number or date reader. */
  kind: TomlValueKind = "integer";
  // Forward-only cursor for line numbers of events (offsets only grow).
  lineCursor = 0;
  lineCursorLine = 1;
  readonly failAt: (reason: string, at: number) => never;

  constructor(src: string, options: ParseTomlOptions, diag: Map<string, number> | undefined) {
    this.src = src;
    this.len = src.length;
    this.bigint = options.bigint === true;
    this.wholeFloats = options.wholeFloats;
    this.file = options.file;
    this.events = options.events;
    this.diag = diag;
    this.diagKinds = diag === undefined ? undefined : new Map();
    this.track = options.events !== undefined || diag !== undefined;
    this.failAt = (reason, at) => this.fail(reason, at);
  }

  fail(reason: string, at: number = this.pos): never {
    const { line, column } = positionOf(this.src, at);
    throw new TomlParseError(reason, line, column, this.file);
  }

  /** A conflict with an earlier definition at `path`; names its line on the second pass. */
  conflict(reason: string, at: number, path: TomlPath | undefined): never {
    if (this.diag === undefined) throw new NeedsDiagnosis();
    const first = path === undefined ? undefined : this.diag.get(JSON.stringify(path));
    if (first !== undefined) {
      reason = reason.replace("{line}", String(positionOf(this.src, first).line));
    } else {
      reason = reason.replace(/ \([^()]*\{line\}\)/, "");
    }
    return this.fail(reason, at);
  }

  /** The kind of the value at `path` for a message: exact on the diagnosis pass. */
  typeOf(value: TomlValue, path: TomlPath | undefined): string {
    const kind = path === undefined ? undefined : this.diagKinds?.get(JSON.stringify(path));
    return kind === undefined ? typeName(value) : kindName(kind);
  }

  record(path: TomlPath, at: number): void {
    if (this.diag === undefined) return;
    const key = JSON.stringify(path);
    if (!this.diag.has(key)) this.diag.set(key, at);
  }

  lineAt(offset: number): number {
    // Offsets mostly grow, but a statement's keyValue event comes after the
    // events inside its value, so step back from the cursor rather than
    // rescanning from the start (which would be quadratic).
    const src = this.src;
    let line = this.lineCursorLine;
    if (offset >= this.lineCursor) {
      for (let i = this.lineCursor; i < offset; i++) if (src.charCodeAt(i) === 10) line++;
    } else {
      for (let i = offset; i < this.lineCursor; i++) if (src.charCodeAt(i) === 10) line--;
    }
    this.lineCursor = offset;
    this.lineCursorLine = line;
    return line;
  }

  /** Describes the character at `at` for an error message. */
  found(at: number = this.pos): string {
    if (at >= this.len) return "the end of the file";
    const c = this.src.charCodeAt(at);
    if (c === 10 || c === 13) return "the end of the line";
    if (c < 32 || c === 127) return `control character ${codePointName(c)}`;
    const cp = this.src.codePointAt(at)!;
    const shown = JSON.stringify(String.fromCodePoint(cp));
    return cp > 127 ? `${shown} (${codePointName(cp)})` : shown;
  }

  skipWs(): void {
    const src = this.src;
    let p = this.pos;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c !== 32 && c !== 9) break;
      p++;
    }
    this.pos = p;
  }

  /** Skips spaces, tabs, newlines and comments (inside arrays). */
  skipWsNl(): void {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10) this.pos++;
      else if (c === 13) {
        if (src.charCodeAt(this.pos + 1) !== 10) {
          this.fail("a carriage return must be followed by a newline (\\n)");
        }
        this.pos += 2;
      } else if (c === 35) this.skipComment();
      else return;
    }
  }

  /** At `#`: skips to the end of the line, refusing control characters. */
  skipComment(): void {
    const src = this.src;
    const len = this.len;
    let p = this.pos + 1;
    for (; p < len; p++) {
      const c = src.charCodeAt(p);
      if (c < 32) {
        if (c === 9) continue;
        if (c === 10) break;
        if (c === 13 && src.charCodeAt(p + 1) === 10) break;
        this.fail(`control character ${codePointName(c)} is not allowed in a comment`, p);
      } else if (c === 127) {
        this.fail(`control character ${codePointName(c)} is not allowed in a comment`, p);
      }
    }
    this.pos = p;
  }

  /** After a statement: optional spaces and comment, then a newline or the end. */
  endOfLine(afterHeader: boolean): void {
    this.skipWs();
    const src = this.src;
    let c = src.charCodeAt(this.pos);
    if (c === 35) {
      this.skipComment();
      c = src.charCodeAt(this.pos);
    }
    if (c === 10) {
      this.pos++;
      return;
    }
    if (c === 13 && src.charCodeAt(this.pos + 1) === 10) {
      this.pos += 2;
      return;
    }
    if (this.pos >= this.len) return;
    if (c === 13) this.fail("a carriage return must be followed by a newline (\\n)");
    this.fail(
      afterHeader
        ? `expected a newline after the table header, found ${this.found()}`
        : `expected a newline or a comment after the value, found ${this.found()}`,
    );
  }

  parseDocument(): TomlTable {
    const src = this.src;
    const root: TomlTable = {};
    this.meta.set(root, EXPLICIT);
    this.table = root;
    this.tablePath = [];
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
    for (;;) {
      this.skipWs();
      if (this.pos >= this.len) break;
      const c = src.charCodeAt(this.pos);
      if (c === 10) {
        this.pos++;
        continue;
      }
      if (c === 13) {
        if (src.charCodeAt(this.pos + 1) !== 10) {
          this.fail("a carriage return must be followed by a newline (\\n)");
        }
        this.pos += 2;
        continue;
      }
      if (c === 35) {
        this.skipComment();
        continue;
      }
      if (c === 91) {
        this.parseHeader(root);
        this.endOfLine(true);
      } else {
        this.parseKeyValue(this.table, this.tablePath, false);
        this.endOfLine(false);
      }
    }
    return root;
  }

  // ---------------------------------------------------------------- keys

  /** Reads one key segment (bare, "basic" or 'literal'). */
  parseKeySegment(): string {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    if (isBareKeyChar(c)) {
      let p = start + 1;
      while (isBareKeyChar(src.charCodeAt(p))) p++;
      this.pos = p;
      return src.slice(start, p);
    }
    if (c === 34) {
      if (src.charCodeAt(start + 1) === 34 && src.charCodeAt(start + 2) === 34) {
        this.fail("a key cannot be a multi-line string; use \"...\" or '...'");
      }
      return this.parseBasicString();
    }
    if (c === 39) {
      if (src.charCodeAt(start + 1) === 39 && src.charCodeAt(start + 2) === 39) {
        this.fail("a key cannot be a multi-line string; use \"...\" or '...'");
      }
      return this.parseLiteralString();
    }
    if (c === 61) this.fail('expected a key before "="');
    return this.fail(
      `expected a key, found ${this.found()}` +
        (c > 127 || c === 46 || c === 32 || c === 9
          ? '; a key with characters other than A-Z a-z 0-9 _ - must be quoted: "..."'
          : ""),
    );
  }

  /** Reads `a.b."c"` with optional spaces around the dots; stops after trailing spaces. */
  parseKeyPath(): string[] {
    const start = this.pos;
    const keys = [this.parseKeySegment()];
    this.skipWs();
    while (this.src.charCodeAt(this.pos) === 46) {
      if (keys.length >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`, start);
      this.pos++;
      this.skipWs();
      keys.push(this.parseKeySegment());
      this.skipWs();
    }
    return keys;
  }

  // ---------------------------------------------------------------- headers

  parseHeader(root: TomlTable): void {
    const src = this.src;
    const start = this.pos;
    this.pos++;
    const isArray = src.charCodeAt(this.pos) === 91;
    if (isArray) this.pos++;
    this.skipWs();
    const keys = this.parseKeyPath();
    // Only error messages need the header as text, so it is built on demand.
    const shown = (): string => isArray ? `[[${keyText(keys)}]]` : `[${keyText(keys)}]`;
    if (src.charCodeAt(this.pos) !== 93) {
      this.fail(
        `expected "${
          isArray ? "]]" : "]"
        }" to close the table header ${shown()}, found ${this.found()}`,
      );
    }
    this.pos++;
    if (isArray) {
      if (src.charCodeAt(this.pos) !== 93) {
        this.fail(`expected "]]" to close the table header ${shown()}, found ${this.found()}`);
      }
      this.pos++;
    }
    const end = this.pos;
    const track = this.track;
    const path: TomlPath = [];
    let t = root;
    const last = keys.length - 1;
    for (let i = 0; i < last; i++) {
      const k = keys[i];
      let child = t[k];
      if (child === undefined || !hasOwn.call(t, k)) {
        const created: TomlTable = {};
        this.meta.set(created, IMPLICIT);
        setKey(t, k, created);
        child = created;
        if (track) {
          path.push(k);
          this.record(path, start);
        }
      } else {
        const m = this.meta.get(child as object);
        if (track) path.push(k);
        if (Array.isArray(child)) {
          if (m !== AOT) {
            this.conflict(
              `cannot open table ${shown()}: ${
                shownKey(keys.slice(0, i + 1))
              } is an array value (line {line}), not an array of tables`,
              start,
              path,
            );
          }
          if (track) path.push(child.length - 1);
          child = child[child.length - 1];
        } else if (m === undefined) {
          this.conflict(
            `cannot open table ${shown()}: ${shownKey(keys.slice(0, i + 1))} is already ${
              this.typeOf(child, path)
            } (line {line})`,
            start,
            path,
          );
        }
      }
      t = child as TomlTable;
    }
    const k = keys[last];
    const existing = t[k];
    const exists = existing !== undefined && hasOwn.call(t, k);
    if (track) path.push(k);
    if (isArray) {
      let arr: TomlTable[];
      if (!exists) {
        arr = [];
        this.meta.set(arr, AOT);
        setKey(t, k, arr);
        if (track) this.record(path, start);
      } else if (Array.isArray(existing) && this.meta.get(existing) === AOT) {
        arr = existing as TomlTable[];
      } else {
        return this.conflict(
          Array.isArray(existing)
            ? `cannot append to ${
              shownKey(keys)
            } with ${shown()}: it is a static array (line {line}), not an array of tables`
            : `cannot open ${shown()}: ${shownKey(keys)} is already ${
              this.meta.get(existing as object) === undefined
                ? this.typeOf(existing, path)
                : "a table"
            } (line {line})`,
          start,
          path,
        );
      }
      const element: TomlTable = {};
      this.meta.set(element, EXPLICIT);
      arr.push(element);
      if (track) {
        path.push(arr.length - 1);
        this.record(path, start);
      }
      t = element;
    } else {
      if (!exists) {
        const created: TomlTable = {};
        this.meta.set(created, EXPLICIT);
        setKey(t, k, created);
        t = created;
        if (track) this.record(path, start);
      } else {
        const m = this.meta.get(existing as object);
        if (m === IMPLICIT) {
          this.meta.set(existing as object, EXPLICIT);
          t = existing as TomlTable;
        } else if (m === EXPLICIT) {
          return this.conflict(
            `table ${shown()} is defined twice (first on line {line})`,
            start,
            path,
          );
        } else if (m === DOTTED) {
          return this.conflict(
            `table ${shown()} was already created by dotted keys (line {line}); add its keys there`,
            start,
            path,
          );
        } else if (m === AOT) {
          return this.conflict(
            `${
              shownKey(keys)
            } is an array of tables (line {line}); write [${shown()}] to add an element`,
            start,
            path,
          );
        } else {
          return this.conflict(
            `cannot open table ${shown()}: ${shownKey(keys)} is already ${
              this.typeOf(existing, path)
            } (line {line})`,
            start,
            path,
          );
        }
      }
    }
    this.table = t;
    this.sectionDepth = keys.length;
    if (track) {
      this.tablePath = path;
      this.events?.header?.({ path: path.slice(), isArray, start, end, line: this.lineAt(start) });
    }
  }

  // ---------------------------------------------------------------- key = value

  parseKeyValue(table: TomlTable, tablePath: TomlPath, inline: boolean): void {
    const src = this.src;
    const keyStart = this.pos;
    const first = this.parseKeySegment();
    let keyEnd = this.pos;
    this.skipWs();
    let keys: string[] | undefined;
    if (src.charCodeAt(this.pos) === 46) {
      keys = [first];
      while (src.charCodeAt(this.pos) === 46) {
        this.pos++;
        this.skipWs();
        keys.push(this.parseKeySegment());
        keyEnd = this.pos;
        this.skipWs();
      }
    }
    // Tables nest no deeper than arrays may: whatever parses can be walked recursively.
    if (this.sectionDepth + this.depth + (keys === undefined ? 1 : keys.length) > MAX_DEPTH) {
      this.fail(`nesting deeper than ${MAX_DEPTH} levels`, keyStart);
    }
    if (src.charCodeAt(this.pos) !== 61) {
      this.fail(`expected "=" after key ${shownKey(keys ?? [first])}`);
    }
    this.pos++;
    this.skipWs();
    const track = this.track;
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
          this.meta.set(created, DOTTED);
          setKey(t, k, created);
          child = created;
          if (path !== undefined) this.record(path, keyStart);
        } else {
          const m = this.meta.get(child as object);
          if (m === IMPLICIT) this.meta.set(child as object, DOTTED);
          else if (m !== DOTTED) this.dottedConflict(child, m, keys, i, keyStart, path);
        }
        t = child as TomlTable;
      }
      last = keys[n];
    }
    if (path !== undefined) path.push(last);
    const existing = t[last];
    if (existing !== undefined && hasOwn.call(t, last)) {
      this.conflict(
        `duplicate key ${shownKey(keys ?? [first])} (first defined on line {line})`,
        keyStart,
        path,
      );
    }
    const valueStart = this.pos;
    const value = this.parseValue(path);
    setKey(t, last, value);
    // A number came from parseNumberOrDate, which just set this.kind for it.
    if (
      this.wholeFloats !== undefined && typeof value === "number" && this.kind === "float" &&
      Number.isInteger(value)
    ) {
      this.wholeFloats.push([t, last]);
    }
    if (path !== undefined) {
      this.record(path, keyStart);
      const onKeyValue = this.events?.keyValue;
      if (onKeyValue !== undefined) {
        onKeyValue({
          table: tablePath.slice(),
          key: keys ?? [first],
          keyStart,
          keyEnd,
          valueStart,
          valueEnd: this.pos,
          line: this.lineAt(keyStart),
          inline,
        });
      }
    }
  }

  dottedConflict(
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
      return this.conflict(
        `cannot add ${whole} with a dotted key: table [${
          keyText(keys.slice(0, i + 1))
        }] has its own header (line {line}); add the key under that header`,
        at,
        path,
      );
    }
    if (m === AOT) {
      return this.conflict(
        `cannot add ${whole} with a dotted key: ${part} is an array of tables (line {line})`,
        at,
        path,
      );
    }
    if (typeof child === "object" && !Array.isArray(child) && !(child instanceof TomlDateTime)) {
      return this.conflict(
        `cannot add ${whole}: ${part} is an inline table (line {line}), which is complete as written`,
        at,
        path,
      );
    }
    return this.conflict(
      `cannot add ${whole}: ${part} is already ${this.typeOf(child, path)} (line {line})`,
      at,
      path,
    );
  }

  // ---------------------------------------------------------------- values

  parseValue(path: TomlPath | undefined): TomlValue {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    let value: TomlValue;
    let kind: TomlValueKind;
    if (c === 34) {
      value = src.charCodeAt(start + 1) === 34 && src.charCodeAt(start + 2) === 34
        ? this.parseMultilineBasicString()
        : this.parseBasicString();
      kind = "string";
    } else if (c === 39) {
      value = src.charCodeAt(start + 1) === 39 && src.charCodeAt(start + 2) === 39
        ? this.parseMultilineLiteralString()
        : this.parseLiteralString();
      kind = "string";
    } else if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 105 || c === 110) {
      value = this.parseNumberOrDate();
      kind = this.kind;
    } else if (
      c === 116 && src.charCodeAt(start + 1) === 114 && src.charCodeAt(start + 2) === 117 &&
      src.charCodeAt(start + 3) === 101 && endsValue(src.charCodeAt(start + 4))
    ) {
      this.pos = start + 4;
      value = true;
      kind = "boolean";
    } else if (
      c === 102 && src.charCodeAt(start + 1) === 97 && src.charCodeAt(start + 2) === 108 &&
      src.charCodeAt(start + 3) === 115 && src.charCodeAt(start + 4) === 101 &&
      endsValue(src.charCodeAt(start + 5))
    ) {
      this.pos = start + 5;
      value = false;
      kind = "boolean";
    } else if (c === 91) {
      value = this.parseArray(path);
      kind = "array";
    } else if (c === 123) {
      value = this.parseInlineTable(path);
      kind = "table";
    } else {
      return this.badValue(start);
    }
    if (path !== undefined) {
      this.diagKinds?.set(JSON.stringify(path), kind);
      const onValue = this.events?.value;
      if (onValue !== undefined) onValue({ path: path.slice(), kind, start, end: this.pos });
    }
    return value;
  }

  badValue(start: number): never {
    const src = this.src;
    const c = src.charCodeAt(start);
    if (start >= this.len || c === 10 || c === 13 || c === 35) {
      this.fail(`expected a value, found ${this.found(start)}`);
    }
    let p = start;
    while (p < this.len && !endsValue(src.charCodeAt(p)) && src.charCodeAt(p) !== 61) p++;
    const word = src.slice(start, p);
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(word)) {
      if (/^(true|false)$/i.test(word)) {
        this.fail(`invalid value ${word}: booleans are lower case (true, false)`, start);
      }
      this.fail(`invalid value ${word}: a string needs quotes (${JSON.stringify(word)})`, start);
    }
    return this.fail(`expected a value, found ${this.found(start)}`, start);
  }

  parseArray(path: TomlPath | undefined): TomlValue[] {
    const src = this.src;
    const open = this.pos;
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.pos++;
    const arr: TomlValue[] = [];
    for (;;) {
      this.skipWsNl();
      let c = src.charCodeAt(this.pos);
      if (c === 93) {
        this.pos++;
        break;
      }
      if (this.pos >= this.len) this.unterminatedArray(open);
      arr.push(this.parseValue(path === undefined ? undefined : [...path, arr.length]));
      this.skipWsNl();
      c = src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        break;
      }
      if (this.pos >= this.len) this.unterminatedArray(open);
      this.fail(`expected "," or "]" after an array element, found ${this.found()}`);
    }
    this.depth--;
    return arr;
  }

  unterminatedArray(open: number): never {
    return this.fail(
      `unterminated array: add the closing "]" (the array opens on line ${
        positionOf(this.src, open).line
      })`,
    );
  }

  parseInlineTable(path: TomlPath | undefined): TomlTable {
    const src = this.src;
    const open = this.pos;
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.pos++;
    const table: TomlTable = {};
    const tablePath = path ?? [];
    this.skipWs();
    if (src.charCodeAt(this.pos) === 125) {
      this.pos++;
      this.depth--;
      return table;
    }
    for (;;) {
      this.inlineTableGap(open);
      this.parseKeyValue(table, tablePath, true);
      this.skipWs();
      const c = src.charCodeAt(this.pos);
      if (c === 44) {
        const comma = this.pos;
        this.pos++;
        this.skipWs();
        if (src.charCodeAt(this.pos) === 125) {
          this.fail(
            'trailing comma is not allowed in an inline table: remove the "," before "}"',
            comma,
          );
        }
        continue;
      }
      if (c === 125) {
        this.pos++;
        break;
      }
      this.inlineTableGap(open);
      this.fail(`expected "," or "}" after a value in an inline table, found ${this.found()}`);
    }
    this.depth--;
    return table;
  }

  /** Refuses what cannot appear between the parts of an inline table. */
  inlineTableGap(open: number): void {
    const c = this.src.charCodeAt(this.pos);
    if (this.pos >= this.len) {
      this.fail(
        `unterminated inline table: add the closing "}" (it opens on line ${
          positionOf(this.src, open).line
        })`,
      );
    }
    if (c === 10 || c === 13) {
      this.fail(
        "a newline is not allowed inside an inline table { ... }: keep it on one line, or use a [table]",
      );
    }
    if (c === 35) {
      this.fail("a comment is not allowed inside an inline table { ... }");
    }
  }

  // ---------------------------------------------------------------- strings

  unterminated(open: number, quote: string): never {
    return this.fail(`unterminated string: add the closing ${quote}`, open);
  }

  controlInString(c: number, at: number, literal: boolean): never {
    return this.fail(
      literal
        ? `control character ${
          codePointName(c)
        } is not allowed in a literal string; use a "basic" string with an escape`
        : `control character ${
          codePointName(c)
        } is not allowed in a string; write it as the escape \\u${c.toString(16).padStart(4, "0")}`,
      at,
    );
  }

  /** At `"`: a single-line basic string. */
  parseBasicString(): string {
    const src = this.src;
    const open = this.pos;
    let p = open + 1;
    let start = p;
    let out = "";
    for (;;) {
      const c = src.charCodeAt(p);
      // Most characters are above '"' and neither a backslash nor DEL: one test for them.
      if (c > 34 && c !== 92 && c !== 127) {
        p++;
        continue;
      }
      if (c === 34) break;
      if (c === 92) {
        out += src.slice(start, p);
        out += this.escape(p, open);
        p = this.pos;
        start = p;
        continue;
      }
      if (c === 32 || c === 33 || c === 9) {
        p++;
        continue;
      }
      if (c === 10 || c === 13 || c !== c) this.unterminated(open, '"');
      this.controlInString(c, p, false);
    }
    this.pos = p + 1;
    return start === open + 1 ? src.slice(start, p) : out + src.slice(start, p);
  }

  /** At a backslash: returns the escaped text and sets `pos` after the escape. */
  escape(p: number, open: number): string {
    const src = this.src;
    const c = src.charCodeAt(p + 1);
    this.pos = p + 2;
    switch (c) {
      case 98:
        return "\b";
      case 116:
        return "\t";
      case 110:
        return "\n";
      case 102:
        return "\f";
      case 114:
        return "\r";
      case 34:
        return '"';
      case 92:
        return "\\";
      case 117:
        return this.unicodeEscape(p, 4);
      case 85:
        return this.unicodeEscape(p, 8);
    }
    if (c !== c || c === 10 || c === 13) this.unterminated(open, '"');
    const shown = c < 32 || c === 127
      ? codePointName(c)
      : String.fromCodePoint(src.codePointAt(p + 1)!);
    return this.fail(
      `invalid escape \\${shown} in string (valid: \\b \\t \\n \\f \\r \\" \\\\ \\uXXXX \\UXXXXXXXX)`,
      p,
    );
  }

  unicodeEscape(p: number, count: number): string {
    const src = this.src;
    let cp = 0;
    for (let i = 0; i < count; i++) {
      const d = hexValue(src.charCodeAt(p + 2 + i));
      if (d < 0) {
        this.fail(
          `invalid escape ${src.slice(p, p + 2)}: expected ${count} hexadecimal digits`,
          p,
        );
      }
      cp = cp * 16 + d;
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      this.fail(
        `invalid escape ${src.slice(p, p + 2 + count)}: U+${
          cp.toString(16).toUpperCase()
        } is not a Unicode scalar value`,
        p,
      );
    }
    this.pos = p + 2 + count;
    return String.fromCodePoint(cp);
  }

  /** At `"""`: a multi-line basic string. */
  parseMultilineBasicString(): string {
    const src = this.src;
    const open = this.pos;
    let p = open + 3;
    // A newline right after the opening quotes is not part of the string.
    if (src.charCodeAt(p) === 10) p++;
    else if (src.charCodeAt(p) === 13 && src.charCodeAt(p + 1) === 10) p += 2;
    let start = p;
    let out = "";
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 34) {
        if (src.charCodeAt(p + 1) === 34 && src.charCodeAt(p + 2) === 34) {
          // Up to two quotes right before the closing three belong to the string.
          let q = p + 3;
          if (src.charCodeAt(q) === 34) q++;
          if (src.charCodeAt(q) === 34) q++;
          this.pos = q;
          return out + src.slice(start, q - 3);
        }
        p++;
        continue;
      }
      if (c === 92) {
        out += src.slice(start, p);
        const n = src.charCodeAt(p + 1);
        if (n === 32 || n === 9 || n === 10 || n === 13) {
          // A line-ending backslash eats the newline and the whitespace after it.
          let q = p + 1;
          while (src.charCodeAt(q) === 32 || src.charCodeAt(q) === 9) q++;
          const e = src.charCodeAt(q);
          if (e !== 10 && !(e === 13 && src.charCodeAt(q + 1) === 10)) {
            this.fail(
              'invalid escape "\\ ": a backslash followed by spaces must end the line',
              p,
            );
          }
          for (;;) {
            const w = src.charCodeAt(q);
            if (w === 32 || w === 9 || w === 10) q++;
            else if (w === 13 && src.charCodeAt(q + 1) === 10) q += 2;
            else break;
          }
          p = q;
        } else {
          out += this.escape(p, open);
          p = this.pos;
        }
        start = p;
        continue;
      }
      if (c < 32 || c === 127) {
        if (c === 13) {
          if (src.charCodeAt(p + 1) !== 10) {
            this.fail("a carriage return must be followed by a newline (\\n)", p);
          }
          p += 2;
          continue;
        }
        if (c !== 9 && c !== 10) this.controlInString(c, p, false);
      } else if (c !== c) {
        this.unterminated(open, '"""');
      }
      p++;
    }
  }

  /** At `'`: a single-line literal string (no escapes). */
  parseLiteralString(): string {
    const src = this.src;
    const open = this.pos;
    let p = open + 1;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 39) break;
      if (c < 32 || c === 127) {
        if (c === 10 || c === 13) this.unterminated(open, "'");
        if (c !== 9) this.controlInString(c, p, true);
      } else if (c !== c) {
        this.unterminated(open, "'");
      }
      p++;
    }
    this.pos = p + 1;
    return src.slice(open + 1, p);
  }

  /** At `'''`: a multi-line literal string. */
  parseMultilineLiteralString(): string {
    const src = this.src;
    const open = this.pos;
    let p = open + 3;
    if (src.charCodeAt(p) === 10) p++;
    else if (src.charCodeAt(p) === 13 && src.charCodeAt(p + 1) === 10) p += 2;
    const start = p;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 39) {
        if (src.charCodeAt(p + 1) === 39 && src.charCodeAt(p + 2) === 39) {
          let q = p + 3;
          if (src.charCodeAt(q) === 39) q++;
          if (src.charCodeAt(q) === 39) q++;
          this.pos = q;
          return src.slice(start, q - 3);
        }
      } else if (c < 32 || c === 127) {
        if (c === 13) {
          if (src.charCodeAt(p + 1) !== 10) {
            this.fail("a carriage return must be followed by a newline (\\n)", p);
          }
          p++;
        } else if (c !== 9 && c !== 10) this.controlInString(c, p, true);
      } else if (c !== c) {
        this.unterminated(open, "'''");
      }
      p++;
    }
  }

  // ---------------------------------------------------------------- numbers and dates

  /** Integers, floats and date-times; sets `kind`. */
  parseNumberOrDate(): TomlValue {
    const src = this.src;
    const start = this.pos;
    let c = src.charCodeAt(start);
    if (isDigit(c) && isDigit(src.charCodeAt(start + 1))) {
      const c2 = src.charCodeAt(start + 2);
      if (
        c2 === 58 ||
        (isDigit(c2) && isDigit(src.charCodeAt(start + 3)) && src.charCodeAt(start + 4) === 45)
      ) {
        const read = readDateTime(src, start, this.failAt);
        this.pos = read.end;
        this.kind = read.value.kind;
        this.checkEnd(start, "date-time");
        return read.value;
      }
    }
    let p = start;
    const signed = c === 43 || c === 45;
    const neg = c === 45;
    if (signed) c = src.charCodeAt(++p);
    if (c === 105 || c === 110) {
      const word = src.slice(p, p + 3);
      if (word === "inf" || word === "nan") {
        this.pos = p + 3;
        this.kind = "float";
        this.checkEnd(start, "float");
        return word === "nan" ? NaN : neg ? -Infinity : Infinity;
      }
      return this.badValue(start);
    }
    if (c === 48 && !signed) {
      const n = src.charCodeAt(p + 1);
      if (n === 120) return this.parseRadix(start, 16, "hexadecimal");
      if (n === 111) return this.parseRadix(start, 8, "octal");
      if (n === 98) return this.parseRadix(start, 2, "binary");
    }
    if (!isDigit(c)) {
      this.fail(`invalid number: expected a digit, found ${this.found(p)}`, p);
    }
    if (c === 48) {
      const n = src.charCodeAt(p + 1);
      if (isDigit(n) || n === 95) {
        this.fail("invalid number: leading zeros are not allowed", p);
      }
    }
    let value = 0;
    let digits = 0;
    let underscore = false;
    for (;;) {
      c = src.charCodeAt(p);
      if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        digits++;
        p++;
      } else if (c === 95) {
        this.checkUnderscore(p);
        underscore = true;
        p++;
      } else break;
    }
    let isFloat = false;
    if (c === 46) {
      isFloat = true;
      p++;
      if (!isDigit(src.charCodeAt(p))) {
        this.fail("invalid float: expected a digit after the decimal point", p);
      }
      p = this.skipDigits(p);
      c = src.charCodeAt(p);
    }
    if (c === 101 || c === 69) {
      isFloat = true;
      p++;
      c = src.charCodeAt(p);
      if (c === 43 || c === 45) p++;
      if (!isDigit(src.charCodeAt(p))) {
        this.fail("invalid float: expected digits in the exponent", p);
      }
      p = this.skipDigits(p);
    }
    this.pos = p;
    if (isFloat) {
      this.kind = "float";
      this.checkEnd(start, "float");
      const text = src.slice(start, p);
      return Number(text.includes("_") ? text.replaceAll("_", "") : text);
    }
    this.kind = "integer";
    this.checkEnd(start, "integer");
    if (!this.bigint && digits <= 15) return neg ? 0 - value : value;
    const text = src.slice(start, p);
    const big = BigInt(underscore ? text.replaceAll("_", "") : text);
    return this.integerResult(big, start);
  }

  integerResult(big: bigint, start: number): number | bigint {
    if (big > I64_MAX || big < I64_MIN) {
      this.fail(
        "integer out of range: TOML integers are 64-bit (-9223372036854775808 to 9223372036854775807)",
        start,
      );
    }
    if (this.bigint) return big;
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big;
  }

  /** Digits with single underscores between them, from `p`; returns the end. */
  skipDigits(p: number): number {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c >= 48 && c <= 57) p++;
      else if (c === 95) {
        this.checkUnderscore(p);
        p++;
      } else return p;
    }
  }

  checkUnderscore(p: number): void {
    if (!isDigit(this.src.charCodeAt(p - 1)) || !isDigit(this.src.charCodeAt(p + 1))) {
      this.fail("invalid number: an underscore must be between two digits", p);
    }
  }

  parseRadix(start: number, base: number, name: string): number | bigint {
    const src = this.src;
    let p = start + 2;
    let value = 0;
    let c = src.charCodeAt(p);
    let d = hexValue(c);
    if (d < 0 || d >= base) {
      this.fail(`invalid ${name} integer: expected a digit after "${src.slice(start, p)}"`, p);
    }
    let underscore = false;
    for (;;) {
      c = src.charCodeAt(p);
      d = hexValue(c);
      if (d >= 0 && d < base) {
        value = value * base + d;
        p++;
      } else if (c === 95) {
        const before = hexValue(src.charCodeAt(p - 1));
        const after = hexValue(src.charCodeAt(p + 1));
        if (before < 0 || before >= base || after < 0 || after >= base) {
          this.fail("invalid number: an underscore must be between two digits", p);
        }
        underscore = true;
        p++;
      } else break;
    }
    this.pos = p;
    this.kind = "integer";
    if (isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
      this.fail(`invalid ${name} integer: ${this.found(p)} is not a ${name} digit`, p);
    }
    this.checkEnd(start, `${name} integer`);
    if (!this.bigint && value <= Number.MAX_SAFE_INTEGER) return value;
    const text = src.slice(start, p);
    return this.integerResult(BigInt(underscore ? text.replaceAll("_", "") : text), start);
  }

  /** A number, boolean or date-time must be followed by a separator. */
  checkEnd(start: number, what: string): void {
    const src = this.src;
    const c = src.charCodeAt(this.pos);
    if (endsValue(c)) return;
    let p = this.pos;
    while (p < this.len && !endsValue(src.charCodeAt(p))) p++;
    this.fail(`invalid ${what} ${JSON.stringify(src.slice(start, p))}: unexpected ${this.found()}`);
  }
}

function codePointName(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}
