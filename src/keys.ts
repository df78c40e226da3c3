/**
 * Dotted key paths as people write them: `db.host`, `servers."eu.west".port`,
 * `'C:\temp'.size`. The syntax is TOML's dotted key: bare segments
 * (`A-Z a-z 0-9 _ -`), "basic" quoted segments with escapes, and 'literal'
 * quoted segments, joined by dots (spaces around a dot are allowed).
 *
 * @module
 */

import { clipText } from "./clip.ts";
import { StrataError } from "./errors.ts";
import { MAX_DEPTH } from "./max_depth.ts";

/**
 * Whether a character code may be in a bare key (`A-Z a-z 0-9 _ -`).
 * Character tests, not a regular expression: keys are parsed on every read,
 * and a one-shot command's first regular expression costs start-up time.
 */
function isBareCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
    c === 45;
}

function isBare(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) if (!isBareCode(segment.charCodeAt(i))) return false;
  return segment.length > 0;
}

const escapes: Record<string, string> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\x1b",
  '"': '"',
  "\\": "\\",
};

function keyError(text: string, column: number, what: string): StrataError {
  return new StrataError(
    "usage",
    `invalid key ${clipText(JSON.stringify(text))}: ${what} at column ${column}; ` +
      `write a dotted path such as db.host, and quote a segment that holds a dot or a space: servers."eu.west".port`,
  );
}

/**
 * Splits a dotted key into its segments, unquoting quoted ones.
 * Throws a {@link StrataError} (`usage`) that names the column of the mistake.
 *
 * @example
 * ```ts
 * import { parseKey } from "./keys.ts";
 * const path = parseKey('servers."eu.west".port');
 * console.assert(path.join("|") === "servers|eu.west|port");
 * ```
 */
export function parseKey(text: string): string[] {
  const path: string[] = [];
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= n) {
      throw keyError(text, i + 1, path.length === 0 ? "empty key" : "a key segment is missing");
    }
    const c = text[i];
    if (c === '"') {
      const start = i + 1;
      i++;
      let seg = "";
      for (;;) {
        if (i >= n) throw keyError(text, start, "unterminated quoted segment");
        const ch = text[i];
        if (ch === '"') break;
        if (ch === "\\") {
          const e = text[i + 1];
          if (e === "u" || e === "U") {
            const len = e === "u" ? 4 : 8;
            const hex = text.slice(i + 2, i + 2 + len);
            if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) {
              throw keyError(text, i + 1, `bad \\${e} escape`);
            }
            const cp = parseInt(hex, 16);
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
              throw keyError(text, i + 1, "escape is not a Unicode scalar value");
            }
            seg += String.fromCodePoint(cp);
            i += 2 + len;
            continue;
          }
          if (e === undefined || !(e in escapes)) {
            throw keyError(text, i + 1, `unknown escape \\${e ?? ""}`);
          }
          seg += escapes[e];
          i += 2;
          continue;
        }
        seg += ch;
        i++;
      }
      i++;
      path.push(seg);
    } else if (c === "'") {
      const start = i + 1;
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw keyError(text, start, "unterminated quoted segment");
      path.push(text.slice(i + 1, end));
      i = end + 1;
    } else if (isBareCode(text.charCodeAt(i))) {
      const start = i;
      while (i < n && isBareCode(text.charCodeAt(i))) i++;
      path.push(text.slice(start, i));
    } else if (c === ".") {
      throw keyError(text, i + 1, "empty segment");
    } else {
      throw keyError(text, i + 1, `unexpected ${JSON.stringify(c)}`);
    }
    skipSpace();
    if (i >= n) return path;
    if (path.length >= MAX_DEPTH) {
      throw keyError(
        text,
        i + 1,
        `more than ${MAX_DEPTH} segments (strata nests at most ${MAX_DEPTH} levels)`,
      );
    }
    if (text[i] !== ".") throw keyError(text, i + 1, `unexpected ${JSON.stringify(text[i])}`);
    i++;
  }
}

/**
 * Quotes one key segment only when it needs it (TOML basic-string rules).
 *
 * @example
 * ```ts
 * import { formatSegment } from "./keys.ts";
 * console.assert(formatSegment("eu.west") === '"eu.west"');
 * console.assert(formatSegment("port") === "port");
 * ```
 */
export function formatSegment(segment: string): string {
  if (isBare(segment)) return segment;
  let out = '"';
  for (const ch of segment) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/**
 * Joins key segments into the dotted text {@link parseKey} reads back.
 *
 * @example
 * ```ts
 * import { formatKey } from "./keys.ts";
 * console.assert(formatKey(["servers", "eu.west", "port"]) === 'servers."eu.west".port');
 * ```
 */
export function formatKey(path: readonly string[]): string {
  return path.map(formatSegment).join(".");
}
