/**
 * The parser core's state and the helpers every grammar area shares: where
 * the cursor is, how a table came to exist, and how an error is located and
 * worded.
 *
 * @module
 */

import { TomlDateTime } from "./datetime.ts";
import { positionOf, TomlParseError } from "./errors.ts";
import type { ParseTomlOptions, TomlParseEvents } from "./_parse_events.ts";
import type { TomlPath, TomlTable, TomlValue, TomlValueKind } from "./types.ts";

/** Deepest nesting accepted (bounds the recursion): the one bound of `src/max_depth.ts`. */
export { MAX_DEPTH } from "../max_depth.ts";

// How a table or array came to exist; decides what may extend it later.
// Tables absent from the map were written inline (`{...}`) and are closed;
// arrays absent from the map are static (`[...]`) and cannot take `[[x]]`.
export const IMPLICIT = 1; // created as a parent by a header: `[a.b]` creates `a`
export const EXPLICIT = 2; // opened by its own header, or the root
export const DOTTED = 3; // created by a dotted key: `a.b = 1` creates `a`
export const AOT = 4; // an array of tables made by `[[x]]`

/** Bounds of a TOML integer (64-bit signed). */
export const I64_MAX = 9223372036854775807n;
export const I64_MIN = -9223372036854775808n;

/** `Object.hasOwn` without the allocation of a call through `Object`. */
export const hasOwn = Object.prototype.hasOwnProperty;

/** Thrown inside the first pass when a conflict needs the first definition's line. */
export class NeedsDiagnosis {}

/** Renders one key segment as TOML would need it written (bare when possible). */
function quoteKey(key: string): string {
  if (key.length > 0 && /^[A-Za-z0-9_-]+$/.test(key)) return key;
  return JSON.stringify(key);
}

/** Dotted key text, each segment bare or quoted as needed. */
export function keyText(keys: readonly string[]): string {
  return keys.map(quoteKey).join(".");
}

/** A key for a message: `"host"`, `"a.b"`, or `"x y".z` when already quoted. */
export function shownKey(keys: readonly string[]): string {
  const text = keyText(keys);
  return text.includes('"') ? text : `"${text}"`;
}

/** ASCII `0`-`9`. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A character of a bare key: `A-Z a-z 0-9 _ -`. */
export function isBareKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
    c === 45;
}

/** Characters that may follow a scalar value: space, tab, newline, `#`, `,`, `]`, `}`. */
export function endsValue(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 35 || c === 44 || c === 93 ||
    c === 125 || c !== c;
}

/** The value of a hexadecimal digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Sets `table[key]`, defining `__proto__` as an ordinary own key. */
export function setKey(table: TomlTable, key: string, value: TomlValue): void {
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

/**
 * The cursor and bookkeeping of one parse. The grammar functions in the
 * `_parse_*.ts` files read the text through it and move `pos` forward.
 */
export class ParserState {
  readonly src: string;
  readonly len: number;
  pos = 0;
  readonly bigint: boolean;
  /** TOML 1.1 syntax is accepted (the default); false in strict 1.0 mode. */
  readonly v11: boolean;
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
    this.v11 = options.toml !== "1.0";
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
}

/** `U+0007` for a character in a message. */
export function codePointName(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}
