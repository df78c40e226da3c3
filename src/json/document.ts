/**
 * `JsonDocument`: a JSON configuration file that can be changed key by key
 * while everything else stays as the person wrote it: key order, indentation
 * (2 or 4 spaces, tabs: copied from the neighbours), spacing around `:`,
 * line endings (LF or CRLF) and the trailing newline. Every change is a
 * splice into the original text; the rest of the bytes do not move.
 *
 * Same interface as `TomlDocument`, so the layers read and write both
 * formats alike.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { formatKey } from "../keys.ts";
import { MAX_DEPTH, nestingDepth, tooDeepReason } from "../max_depth.ts";
import { TomlDateTime } from "../toml/datetime.ts";
import { type JsonMember, type JsonNode, nodeKind, nodeValue, parseJsonSyntax } from "./_syntax.ts";
import { JsonParseError } from "./errors.ts";

/** One key of a document with where it is (see {@link JsonDocument.entries}). */
export interface JsonEntry {
  /** The key's path. */
  path: string[];
  /** Its value. */
  value: unknown;
  /** 1-based line of the key. */
  line: number;
}

type ObjectNode = Extract<JsonNode, { type: "object" }>;

/**
 * A parsed JSON document that keeps the text it came from.
 *
 * @example
 * ```ts
 * import { JsonDocument } from "./document.ts";
 * const doc = JsonDocument.parse('{\n    "db": {\n        "host": "a"\n    }\n}\n');
 * doc.set(["db", "port"], 5432);
 * console.assert(doc.toString() === '{\n    "db": {\n        "host": "a",\n        "port": 5432\n    }\n}\n');
 * ```
 */
export class JsonDocument {
  #text: string;
  #root: JsonNode | undefined;
  #file?: string;
  #value: unknown;

  private constructor(text: string, file?: string) {
    this.#text = text;
    this.#file = file;
    this.#root = text.trim() === "" || text === "\uFEFF" ? undefined : parseJsonSyntax(text, file);
    if (this.#root !== undefined && this.#root.type !== "object") {
      // Located where the value starts (after any blank lines), like every parse error.
      throw JsonParseError.at(
        text,
        this.#root.start,
        `the top level of a configuration file must be an object ({ ... }), found ${
          describeNode(this.#root)
        }: put the values under keys, e.g. {"items": ...}`,
        file,
      );
    }
  }

  /**
   * Parses `text` (an empty text is an empty document); throws a
   * `JsonParseError` naming line and column. `file` goes into messages.
   */
  static parse(text: string, file?: string): JsonDocument {
    return new JsonDocument(text, file);
  }

  /** The whole document as a plain value (a table). */
  toValue(): Record<string, unknown> {
    if (this.#value === undefined) {
      this.#value = this.#root === undefined ? {} : nodeValue(this.#text, this.#root);
    }
    return this.#value as Record<string, unknown>;
  }

  /** The value at `path`, or undefined when absent. */
  get(path: readonly string[]): unknown {
    const node = this.#find(path);
    return node === undefined ? undefined : nodeValue(this.#text, node);
  }

  /**
   * The TOML-style kind of the value at `path` (`string`, `integer`, `float`,
   * `boolean`, `array`, `table`, or `null`), or undefined when absent.
   */
  kindOf(path: readonly string[]): string | undefined {
    const node = this.#find(path);
    return node === undefined ? undefined : nodeKind(this.#text, node);
  }

  /** The 1-based line where the key at `path` is written, or undefined. */
  lineOf(path: readonly string[]): number | undefined {
    return this.#member(path)?.member.line;
  }

  /**
   * Every key that holds a value other than an object (objects are walked
   * into; an empty object is listed), in document order, with its line.
   */
  entries(): JsonEntry[] {
    const out: JsonEntry[] = [];
    const walk = (node: ObjectNode, prefix: string[]) => {
      for (const m of node.members) {
        const path = [...prefix, m.key];
        if (m.value.type === "object" && m.value.members.length > 0) walk(m.value, path);
        else out.push({ path, value: nodeValue(this.#text, m.value), line: m.line });
      }
    };
    if (this.#root?.type === "object") walk(this.#root, []);
    return out;
  }

  /** The document's text, with every change spliced in. */
  toString(): string {
    return this.#text;
  }

  /**
   * Sets the value at `path`, creating the objects on the way. A new key
   * goes after its last sibling, indented like it. With `float`, whole
   * numbers are written with a fraction (`3.0`). Throws a
   * {@link StrataError} (`type`) when a key on the way holds something other
   * than an object.
   */
  set(path: readonly string[], value: unknown, options: { float?: boolean } = {}): void {
    if (path.length === 0) throw new StrataError("usage", "cannot set the whole document");
    // Everything below walks the value recursively, and the parser reads it back: one bound.
    const fit = MAX_DEPTH - path.length;
    if (nestingDepth(value, fit) > fit) {
      throw new StrataError("type", `${clipText(formatKey(path))}: ${tooDeepReason(path.length)}`);
    }
    checkJsonValue(value, path);
    // JSON has one number type; a float key keeps a fraction so its kind reads back.
    if (options.float) value = floatsMarked(value);
    if (this.#root === undefined) {
      const eol = "\n";
      const nested = nest(path.slice(1), value);
      this.#replace(
        0,
        this.#text.length,
        `{${eol}  ${JSON.stringify(path[0])}: ${
          serialize(nested, "  ", "  ", eol, false)
        }${eol}}${eol}`,
      );
      return;
    }
    let node = this.#root as ObjectNode;
    for (let i = 0; i < path.length; i++) {
      const member = node.members.find((m) => m.key === path[i]);
      if (member === undefined) {
        this.#insert(node, path[i], nest(path.slice(i + 1), value));
        return;
      }
      if (i === path.length - 1) {
        const old = member.value;
        const inline = !this.#text.slice(old.start, old.end).includes("\n") &&
          old.end - old.start > 2;
        const base = this.#lineIndent(member.keyStart);
        this.#replace(
          old.start,
          old.end,
          serialize(value, base, this.#indentUnit(), this.#eol(), inline),
        );
        return;
      }
      if (member.value.type !== "object") {
        throw new StrataError(
          "type",
          `${this.#where(member)}${formatKey(path.slice(0, i + 1))} holds ${
            describeNode(member.value)
          }, not a table, so ${formatKey(path)} cannot be set inside it; unset ${
            formatKey(path.slice(0, i + 1))
          } first`,
        );
      }
      node = member.value;
    }
  }

  /** Removes the key at `path`; returns false when it was not there. */
  delete(path: readonly string[]): boolean {
    const found = this.#member(path);
    if (found === undefined) return false;
    const { parent, index } = found;
    const members = parent.members;
    const m = members[index];
    if (members.length === 1) {
      this.#replace(parent.start + 1, parent.end - 1, "");
    } else if (index < members.length - 1) {
      this.#replace(m.keyStart, members[index + 1].keyStart, "");
    } else {
      this.#replace(members[index - 1].value.end, m.value.end, "");
    }
    return true;
  }

  #where(member: JsonMember): string {
    return this.#file ? `${this.#file}:${member.line}: ` : `line ${member.line}: `;
  }

  #find(path: readonly string[]): JsonNode | undefined {
    if (path.length === 0) return this.#root;
    return this.#member(path)?.member.value;
  }

  #member(
    path: readonly string[],
  ): { member: JsonMember; parent: ObjectNode; index: number } | undefined {
    let node = this.#root;
    if (node === undefined || path.length === 0) return undefined;
    for (let i = 0; i < path.length; i++) {
      if (node === undefined || node.type !== "object") return undefined;
      const index: number = node.members.findIndex((m) => m.key === path[i]);
      if (index < 0) return undefined;
      if (i === path.length - 1) return { member: node.members[index], parent: node, index };
      node = node.members[index].value;
    }
    return undefined;
  }

  /** Adds `"key": value` as the last member of `node`. */
  #insert(node: ObjectNode, key: string, value: unknown): void {
    const eol = this.#eol();
    const unit = this.#indentUnit();
    const members = node.members;
    if (members.length > 0) {
      const last = members[members.length - 1];
      const inline = this.#lineStart(members[0].keyStart) === this.#lineStart(node.start);
      const colon = this.#text.slice(last.keyEnd, last.value.start);
      const sep = colon.includes("\n") ? ": " : colon;
      const indent = this.#lineIndent(last.keyStart);
      const text = `,${inline ? " " : eol + indent}${JSON.stringify(key)}${sep}${
        serialize(value, indent, unit, eol, inline)
      }`;
      this.#replace(last.value.end, last.value.end, text);
      return;
    }
    const outer = this.#lineIndent(node.start);
    const inner = outer + unit;
    // A document written on one line stays on one line.
    const root = this.#root!;
    const multiLine = this.#text.slice(root.start, root.end).includes("\n");
    const text = multiLine
      ? `${eol}${inner}${JSON.stringify(key)}: ${
        serialize(value, inner, unit, eol, false)
      }${eol}${outer}`
      : `${JSON.stringify(key)}: ${serialize(value, inner, unit, eol, true)}`;
    this.#replace(node.start + 1, node.end - 1, text);
  }

  #replace(start: number, end: number, text: string): void {
    const next = this.#text.slice(0, start) + text + this.#text.slice(end);
    this.#text = next;
    this.#root = parseJsonSyntax(next, this.#file);
    this.#value = undefined;
  }

  #lineStart(offset: number): number {
    return this.#text.lastIndexOf("\n", offset - 1) + 1;
  }

  #lineIndent(offset: number): string {
    const start = this.#lineStart(offset);
    let end = start;
    while (this.#text[end] === " " || this.#text[end] === "\t") end++;
    return this.#text.slice(start, end);
  }

  #eol(): string {
    return this.#text.includes("\r\n") ? "\r\n" : "\n";
  }

  /** The indentation step: the first member's indentation in the file, else 2 spaces. */
  #indentUnit(): string {
    const m = /\n([ \t]+)\S/.exec(this.#text);
    if (!m) return "  ";
    return m[1][0] === "\t" ? "\t" : m[1];
  }
}

/** A number written with a fraction (`3.0`), for keys known to hold floats. */
class FloatText {
  constructor(readonly text: string) {}
}

/** `value` with every whole number replaced by its float text. */
function floatsMarked(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) {
    return new FloatText(Object.is(value, -0) ? "-0.0" : `${value}.0`);
  }
  if (Array.isArray(value)) return value.map(floatsMarked);
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      Object.defineProperty(out, k, {
        value: floatsMarked(value[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** `value` wrapped in objects for each segment of `path`. */
function nest(path: readonly string[], value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const o: Record<string, unknown> = {};
    Object.defineProperty(o, path[i], {
      value: out,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    out = o;
  }
  return out;
}

function describeNode(node: JsonNode): string {
  switch (node.type) {
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "null":
      return "null";
    default:
      return "a boolean";
  }
}

/** Refuses what JSON cannot hold, naming the key. */
function checkJsonValue(value: unknown, path: readonly string[]): void {
  const bad = (what: string): never => {
    throw new StrataError(
      "type",
      `${
        clipText(formatKey(path))
      }: ${what} cannot be written to a JSON file; use a TOML file or another value`,
    );
  };
  const walk = (v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) bad(String(v));
    else if (v === null || v === undefined) bad(String(v));
    else if (typeof v === "function" || typeof v === "symbol") bad(typeof v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isTable(v)) Object.values(v).forEach(walk);
    else if (typeof v === "object" && !(v instanceof TomlDateTime) && !(v instanceof Date)) {
      bad("this kind of object");
    }
  };
  walk(value);
}

/**
 * JSON text of `value`; `base` is the indentation of the line it starts on.
 * Inline: one line (`[1, 2]`, `{"a": 1}`); else one member per line.
 */
function serialize(
  value: unknown,
  base: string,
  unit: string,
  eol: string,
  inline: boolean,
): string {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof FloatText) return value.text;
  if (value instanceof TomlDateTime) return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(TomlDateTime.fromDate(value).toString());
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (inline) return `[${value.map((v) => serialize(v, base, unit, eol, true)).join(", ")}]`;
    const inner = base + unit;
    return `[${eol}${
      value.map((v) => inner + serialize(v, inner, unit, eol, false)).join("," + eol)
    }${eol}${base}]`;
  }
  if (isTable(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const item = (k: string, indent: string, inl: boolean) =>
      `${JSON.stringify(k)}: ${serialize(value[k], indent, unit, eol, inl)}`;
    if (inline) return `{${keys.map((k) => item(k, base, true)).join(", ")}}`;
    const inner = base + unit;
    return `{${eol}${keys.map((k) => inner + item(k, inner, false)).join("," + eol)}${eol}${base}}`;
  }
  return JSON.stringify(value);
}
