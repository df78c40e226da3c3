/**
 * A JSON reader that keeps where every value and key is in the text, so the
 * document editor can splice a change into the original bytes and leave the
 * rest (order, indentation, spacing, line endings) exactly as written.
 *
 * @module
 */

import { MAX_DEPTH } from "../max_depth.ts";
import { JsonParseError } from "./errors.ts";

/** A member `"key": value` of an object, with its position. */
export interface JsonMember {
  /** The key, unescaped. */
  key: string;
  /** Offset of the key's opening quote. */
  keyStart: number;
  /** Offset just after the key's closing quote. */
  keyEnd: number;
  /** 1-based line of the key. */
  line: number;
  /** The member's value. */
  value: JsonNode;
}

/** A parsed JSON value with its span `[start, end)` in the text. */
export type JsonNode =
  | { type: "object"; start: number; end: number; members: JsonMember[] }
  | { type: "array"; start: number; end: number; items: JsonNode[] }
  | { type: "string" | "number" | "true" | "false" | "null"; start: number; end: number };

/** A key for a message: quoted, and cut short when it is long (a message stays readable). */
function quoted(key: string): string {
  const q = JSON.stringify(key);
  return q.length <= 80 ? q : `${q.slice(0, 80)}…" (${key.length} characters)`;
}
/** A JSON number (a sticky regex keeps `lastIndex`: one is made per parse, none is shared). */
const numberSource = "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";

/**
 * Parses `text` (a leading byte-order mark is skipped) into a node tree.
 * Duplicate keys in one object are refused: which one wins is not defined
 * by JSON, and a person should decide. Throws {@link JsonParseError}.
 */
export function parseJsonSyntax(text: string, file?: string): JsonNode {
  const numberPattern = new RegExp(numberSource, "y");
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineAt = 0;
  let line = 1;
  const n = text.length;

  const lineOf = (offset: number): number => {
    for (; lineAt < offset; lineAt++) if (text.charCodeAt(lineAt) === 10) line++;
    return line;
  };
  const fail = (reason: string, at: number): never => {
    throw JsonParseError.at(text, at, reason, file);
  };
  const describe = (at: number): string =>
    at >= n ? "the end of the text" : JSON.stringify(String.fromCodePoint(text.codePointAt(at)!));
  const skip = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
    }
  };
  const readString = (): number => {
    const start = i;
    i++;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return start;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
            fail("bad \\u escape: expected 4 hex digits", i);
          }
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          fail(`unknown escape "\\${e ?? ""}" in a string`, i);
        }
      } else if (c < 0x20) {
        fail(
          c === 10
            ? "a string runs past the end of the line (missing closing quote?)"
            : "control character in a string (escape it)",
          i,
        );
      }
    }
    return fail("unterminated string (missing closing quote)", start);
  };
  const stringValue = (start: number, end: number): string => JSON.parse(text.slice(start, end));

  const readValue = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`, i);
    skip();
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 123) return readObject(depth);
    if (c === 91) return readArray(depth);
    if (c === 34) {
      readString();
      return { type: "string", start, end: i };
    }
    for (const word of ["true", "false", "null"] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { type: word, start, end: i };
      }
    }
    numberPattern.lastIndex = i;
    const m = numberPattern.exec(text);
    if (m && m[0].length > 0 && m[0] !== "-") {
      i += m[0].length;
      return { type: "number", start, end: i };
    }
    return fail(`expected a value, found ${describe(i)}`, i);
  };

  const readObject = (depth: number): JsonNode => {
    const start = i;
    i++;
    const members: JsonMember[] = [];
    const seen = new Set<string>();
    skip();
    if (text.charCodeAt(i) === 125) {
      i++;
      return { type: "object", start, end: i, members };
    }
    for (;;) {
      skip();
      if (text.charCodeAt(i) !== 34) {
        fail(
          text.charCodeAt(i) === 125
            ? 'trailing comma before "}" (JSON allows none)'
            : `expected a key in double quotes, found ${describe(i)}`,
          i,
        );
      }
      const keyStart = readString();
      const keyEnd = i;
      const key = stringValue(keyStart, keyEnd);
      if (seen.has(key)) fail(`duplicate key ${quoted(key)}: remove one of them`, keyStart);
      seen.add(key);
      const memberLine = lineOf(keyStart);
      skip();
      if (text.charCodeAt(i) !== 58) fail(`expected ":" after key ${quoted(key)}`, i);
      i++;
      const value = readValue(depth + 1);
      members.push({ key, keyStart, keyEnd, line: memberLine, value });
      skip();
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        continue;
      }
      if (d === 125) {
        i++;
        return { type: "object", start, end: i, members };
      }
      fail(
        `expected "," or "}" after the value of ${quoted(key)}, found ${describe(i)}`,
        i,
      );
    }
  };

  const readArray = (depth: number): JsonNode => {
    const start = i;
    i++;
    const items: JsonNode[] = [];
    skip();
    if (text.charCodeAt(i) === 93) {
      i++;
      return { type: "array", start, end: i, items };
    }
    for (;;) {
      skip();
      if (text.charCodeAt(i) === 93) fail('trailing comma before "]" (JSON allows none)', i);
      items.push(readValue(depth + 1));
      skip();
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        continue;
      }
      if (d === 93) {
        i++;
        return { type: "array", start, end: i, items };
      }
      fail(`expected "," or "]" in an array, found ${describe(i)}`, i);
    }
  };

  const root = readValue(0);
  skip();
  if (i < n) fail(`unexpected ${describe(i)} after the end of the JSON value`, i);
  return root;
}

/**
 * The plain value of a node: objects become plain objects (a key named
 * `__proto__` is an ordinary key), integers beyond 2^53 become `bigint`.
 */
export function nodeValue(text: string, node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const m of node.members) {
        Object.defineProperty(out, m.key, {
          value: nodeValue(text, m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case "array":
      return node.items.map((item) => nodeValue(text, item));
    case "string":
      return JSON.parse(text.slice(node.start, node.end));
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "number": {
      const literal = text.slice(node.start, node.end);
      const n = Number(literal);
      if (/^-?[0-9]+$/.test(literal) && !Number.isSafeInteger(n)) return BigInt(literal);
      return n;
    }
  }
}

/**
 * The TOML-style kind name of a node, as `TomlDocument.kindOf` names kinds:
 * a number written with a fraction or exponent is a `float`, else an `integer`.
 */
export function nodeKind(text: string, node: JsonNode): string {
  switch (node.type) {
    case "object":
      return "table";
    case "array":
      return "array";
    case "string":
      return "string";
    case "true":
    case "false":
      return "boolean";
    case "null":
      return "null";
    case "number":
      return /[.eE]/.test(text.slice(node.start, node.end)) ? "float" : "integer";
  }
}
