/**
 * `stringify`: plain values to TOML text that reads like a person wrote it.
 * Also the pieces the format-preserving editor needs to write one value
 * (`formatValue`) or one key segment (`formatKey`).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { MAX_DEPTH } from "../max_depth.ts";
import { TomlDateTime } from "./datetime.ts";
import type { TomlTable } from "./types.ts";

/** Options of {@link stringify} and {@link formatValue}. */
export interface StringifyOptions {
  /**
   * Integers are `bigint`s: every `number` is written as a float (`1.0`), so
   * that `parse(text, { bigint: true })` gives back the same values.
   */
  bigint?: boolean;
  /**
   * For display only: an integer beyond TOML's 64-bit range (read from a
   * JSON file) is written as its digits instead of refused. The text is then
   * not TOML; never use it for a file.
   */
  wideIntegers?: boolean;
}

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/**
 * Writes a table as a TOML document: in each table, its keys in insertion
 * order with plain values first, then (still in key order) `[sub.tables]`
 * and `[[arrays.of.tables]]` (arrays whose elements are all tables). Keys are
 * bare when they can be, strings are quoted only as much as they need.
 *
 * @throws {StrataError} code "type" for a value TOML cannot hold (`null`,
 * `undefined`, a function, a symbol, a circular reference), naming the key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stringify } from "./stringify.ts";
 * const text = stringify({ title: "demo", db: { host: "localhost", ports: [5432, 5433] } });
 * assert.ok(text === 'title = "demo"\n\n[db]\nhost = "localhost"\nports = [5432, 5433]\n');
 * ```
 */
export function stringify(table: TomlTable, options: StringifyOptions = {}): string {
  if (!isPlainTable(table)) {
    throw new StrataError("type", "stringify needs a plain object (a TOML table) at the top level");
  }
  const w = new Writer(options.bigint === true, options.wideIntegers === true);
  w.body(table, "", undefined, false);
  return w.out;
}

/**
 * Writes one value as inline TOML: scalars, `[1, 2]` arrays and
 * `{ a = 1 }` inline tables, all on one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./stringify.ts";
 * assert.ok(formatValue({ a: 1, "b c": [true, "x"] }) === '{ a = 1, "b c" = [true, "x"] }');
 * assert.ok(formatValue(1.0, { bigint: true }) === "1.0");
 * ```
 */
export function formatValue(value: unknown, options: StringifyOptions = {}): string {
  return new Writer(options.bigint === true, options.wideIntegers === true).inline(value, 0);
}

/**
 * One key segment as TOML needs it: bare (`port`, `eu-west_1`) when it has
 * only `A-Z a-z 0-9 _ -`, otherwise a quoted basic string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatKey } from "./stringify.ts";
 * assert.ok(formatKey("port") === "port");
 * assert.ok(formatKey("eu.west") === '"eu.west"');
 * assert.ok(formatKey("") === '""');
 * ```
 */
export function formatKey(segment: string): string {
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    const bare = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
      c === 95 || c === 45;
    if (!bare) return basicString(segment);
  }
  return segment.length === 0 ? '""' : segment;
}

function isPlainTable(v: unknown): v is TomlTable {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function pathText(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += (out ? "." : "") + formatKey(seg);
  }
  return out || "(top level)";
}

const VALUE = 0;
const TABLE = 1;
const TABLES = 2;

/** How a value is written inside its table: `key = value`, `[table]` or `[[tables]]`. */
function placement(v: unknown): number {
  if (typeof v !== "object" || v === null) return VALUE;
  if (Array.isArray(v)) return v.length > 0 && v.every(isPlainTable) ? TABLES : VALUE;
  return isPlainTable(v) ? TABLE : VALUE;
}

class Writer {
  /** The text so far: complete lines, each ending in "\n". */
  out = "";
  readonly bigint: boolean;
  /** Where the writer is, for error messages (pushed and popped, never copied). */
  readonly path: (string | number)[] = [];

  /** Keys repeat across tables (`host`, `port`): format each spelling once. */
  readonly keys = new Map<string, string>();

  readonly wideIntegers: boolean;

  constructor(bigint: boolean, wideIntegers = false) {
    this.bigint = bigint;
    this.wideIntegers = wideIntegers;
  }

  key(segment: string): string {
    let text = this.keys.get(segment);
    if (text === undefined) {
      text = formatKey(segment);
      this.keys.set(segment, text);
    }
    return text;
  }

  tooDeep(): never {
    throw new StrataError(
      "type",
      `cannot write ${pathText(this.path)}: nesting deeper than ${MAX_DEPTH} levels ` +
        "(is there a circular reference?)",
    );
  }

  /**
   * Writes `table`: its header line when given (skipped for a table that only
   * holds sub-tables), its plain values, then its sub-tables and arrays of tables.
   */
  body(
    table: TomlTable,
    name: string,
    header: string | undefined,
    alwaysHeader: boolean,
  ): void {
    const path = this.path;
    if (path.length > MAX_DEPTH) this.tooDeep();
    const keys = Object.keys(table);
    const kinds: number[] = [];
    let values = 0;
    for (let i = 0; i < keys.length; i++) {
      const kind = placement(table[keys[i]]);
      kinds.push(kind);
      if (kind === VALUE) values++;
    }
    if (header !== undefined && (alwaysHeader || values > 0 || keys.length === 0)) {
      this.out += this.out.length > 0 ? "\n" + header + "\n" : header + "\n";
    }
    if (values > 0) {
      for (let i = 0; i < keys.length; i++) {
        if (kinds[i] !== VALUE) continue;
        const key = keys[i];
        const v = table[key];
        path.push(key);
        this.out += this.key(key) + " = " +
          (typeof v === "string" && v.includes("\n") ? multilineString(v) : this.inline(v, 0)) +
          "\n";
        path.pop();
      }
    }
    if (values === keys.length) return;
    for (let i = 0; i < keys.length; i++) {
      const kind = kinds[i];
      if (kind === VALUE) continue;
      const key = keys[i];
      path.push(key);
      const sub = name === "" ? this.key(key) : name + "." + this.key(key);
      if (kind === TABLE) {
        this.body(table[key] as TomlTable, sub, `[${sub}]`, false);
      } else {
        for (const element of table[key] as TomlTable[]) {
          this.body(element, sub, `[[${sub}]]`, true);
        }
      }
      path.pop();
    }
  }

  inline(v: unknown, depth: number): string {
    switch (typeof v) {
      case "string":
        return stringLiteral(v);
      case "boolean":
        return v ? "true" : "false";
      case "number":
        return this.number(v);
      case "bigint":
        if (!this.wideIntegers && (v > I64_MAX || v < I64_MIN)) {
          throw new StrataError(
            "type",
            `cannot write ${pathText(this.path)}: ${v} is outside TOML's 64-bit integer range`,
          );
        }
        return String(v);
    }
    if (v instanceof TomlDateTime) return v.toString();
    if (v instanceof Date) {
      if (!Number.isFinite(v.getTime())) {
        throw new StrataError("type", `cannot write ${pathText(this.path)}: the Date is invalid`);
      }
      return TomlDateTime.fromDate(v).toString();
    }
    if (depth > MAX_DEPTH) this.tooDeep();
    const path = this.path;
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      let out = "[";
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        out += (i === 0 ? "" : ", ") + this.inline(v[i], depth + 1);
        path.pop();
      }
      return out + "]";
    }
    if (isPlainTable(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0) return "{}";
      let out = "{ ";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        path.push(key);
        out += (i === 0 ? "" : ", ") + this.key(key) + " = " + this.inline(v[key], depth + 1);
        path.pop();
      }
      return out + " }";
    }
    const what = v === null
      ? "null"
      : v === undefined
      ? "undefined"
      : typeof v === "object"
      ? `a ${(v as object).constructor?.name ?? "object"}`
      : `a ${typeof v}`;
    throw new StrataError(
      "type",
      `cannot write ${
        pathText(this.path)
      }: ${what} has no TOML form; remove the key or give it a value`,
    );
  }

  number(n: number): string {
    if (n !== n) return "nan";
    if (n === Infinity) return "inf";
    if (n === -Infinity) return "-inf";
    // -0 is written as a float even without `bigint`, so its sign survives.
    if (n === 0 && 1 / n < 0) return "-0.0";
    if (!this.bigint && Number.isSafeInteger(n)) return String(n);
    const text = String(n);
    // A float must show a "." or an exponent, or it would read back as an integer.
    return text.includes(".") || text.includes("e") ? text : text + ".0";
  }
}

/** True for characters a basic string must escape (controls, `"`, `\`). */
function needsEscape(c: number): boolean {
  return c < 32 || c === 127 || c === 34 || c === 92;
}

/** A single-line string: literal `'...'` when that avoids escapes, else basic. */
function stringLiteral(s: string): string {
  let i = 0;
  const n = s.length;
  // Fast path: nothing to escape (the common case) is one scan and a concatenation.
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127 || c === 34 || c === 92) break;
  }
  if (i === n) return '"' + s + '"';
  let literalOk = true;
  for (i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127 || c === 39) {
      literalOk = false;
      break;
    }
  }
  // A tab is fine in a literal string, but only worth it when other escapes are avoided.
  if (literalOk && (s.includes('"') || s.includes("\\"))) return "'" + s + "'";
  return basicString(s);
}

const SHORT_ESCAPES: Record<number, string> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  92: "\\\\",
};

/** A basic string `"..."` with every character that needs it escaped. */
function basicString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!needsEscape(c)) continue;
    out += s.slice(start, i) + escapeChar(c);
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

function escapeChar(c: number): string {
  return SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
}

/**
 * A multi-line basic string `"""` with the text on its own lines. Escapes
 * keep it exact: backslashes, carriage returns, other controls, and any `"`
 * that could form a run of three with its neighbours.
 */
function multilineString(s: string): string {
  let out = '"""\n';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 34) {
      if (i === s.length - 1 || s.charCodeAt(i + 1) === 34) esc = '\\"';
    } else if (c === 92) esc = "\\\\";
    else if ((c < 32 && c !== 10 && c !== 9) || c === 127) esc = escapeChar(c);
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return out + s.slice(start) + '"""';
}
