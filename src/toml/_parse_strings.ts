/**
 * Strings: basic and literal, single- and multi-line, and the escapes a
 * basic string may hold.
 *
 * @module
 */

import { codePointName, hexValue, type ParserState } from "./_parser_state.ts";

/** The string opened at `open` with `quote` is not closed. */
function unterminated(s: ParserState, open: number, quote: string): never {
  return s.fail(`unterminated string: add the closing ${quote}`, open);
}

/** A control character inside a string, with the escape to write instead. */
function controlInString(s: ParserState, c: number, at: number, literal: boolean): never {
  return s.fail(
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
export function parseBasicString(s: ParserState): string {
  const src = s.src;
  const open = s.pos;
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
      out += readEscape(s, p, open);
      p = s.pos;
      start = p;
      continue;
    }
    if (c === 32 || c === 33 || c === 9) {
      p++;
      continue;
    }
    if (c === 10 || c === 13 || c !== c) unterminated(s, open, '"');
    controlInString(s, c, p, false);
  }
  s.pos = p + 1;
  return start === open + 1 ? src.slice(start, p) : out + src.slice(start, p);
}

const VALID_ESCAPES_10 = '\\b \\t \\n \\f \\r \\" \\\\ \\uXXXX \\UXXXXXXXX';
const VALID_ESCAPES_11 = '\\b \\t \\n \\f \\r \\e \\" \\\\ \\xHH \\uXXXX \\UXXXXXXXX';

/** At a backslash: returns the escaped text and sets `pos` after the escape. */
function readEscape(s: ParserState, p: number, open: number): string {
  const src = s.src;
  const c = src.charCodeAt(p + 1);
  s.pos = p + 2;
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
      return unicodeEscape(s, p, 4);
    case 85:
      return unicodeEscape(s, p, 8);
    case 101: // \e, TOML 1.1
      if (s.v11) return "\x1b";
      break;
    case 120: // \xHH, TOML 1.1
      if (s.v11) return unicodeEscape(s, p, 2);
      break;
  }
  if (c !== c || c === 10 || c === 13) unterminated(s, open, '"');
  const shown = c < 32 || c === 127
    ? codePointName(c)
    : String.fromCodePoint(src.codePointAt(p + 1)!);
  return s.fail(
    `invalid escape \\${shown} in string (valid: ${s.v11 ? VALID_ESCAPES_11 : VALID_ESCAPES_10})`,
    p,
  );
}

/** `\\xHH`, `\\uXXXX` or `\\UXXXXXXXX` at `p`: `count` hexadecimal digits naming a code point. */
function unicodeEscape(s: ParserState, p: number, count: number): string {
  const src = s.src;
  let cp = 0;
  for (let i = 0; i < count; i++) {
    const d = hexValue(src.charCodeAt(p + 2 + i));
    if (d < 0) {
      s.fail(
        `invalid escape ${src.slice(p, p + 2)}: expected ${count} hexadecimal digits`,
        p,
      );
    }
    cp = cp * 16 + d;
  }
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    s.fail(
      `invalid escape ${src.slice(p, p + 2 + count)}: U+${
        cp.toString(16).toUpperCase()
      } is not a Unicode scalar value`,
      p,
    );
  }
  s.pos = p + 2 + count;
  return String.fromCodePoint(cp);
}

/** At `"""`: a multi-line basic string. */
export function parseMultilineBasicString(s: ParserState): string {
  const src = s.src;
  const open = s.pos;
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
        s.pos = q;
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
          s.fail(
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
        out += readEscape(s, p, open);
        p = s.pos;
      }
      start = p;
      continue;
    }
    if (c < 32 || c === 127) {
      if (c === 13) {
        if (src.charCodeAt(p + 1) !== 10) {
          s.fail("a carriage return must be followed by a newline (\\n)", p);
        }
        p += 2;
        continue;
      }
      if (c !== 9 && c !== 10) controlInString(s, c, p, false);
    } else if (c !== c) {
      unterminated(s, open, '"""');
    }
    p++;
  }
}

/** At `'`: a single-line literal string (no escapes). */
export function parseLiteralString(s: ParserState): string {
  const src = s.src;
  const open = s.pos;
  let p = open + 1;
  for (;;) {
    const c = src.charCodeAt(p);
    if (c === 39) break;
    if (c < 32 || c === 127) {
      if (c === 10 || c === 13) unterminated(s, open, "'");
      if (c !== 9) controlInString(s, c, p, true);
    } else if (c !== c) {
      unterminated(s, open, "'");
    }
    p++;
  }
  s.pos = p + 1;
  return src.slice(open + 1, p);
}

/** At `'''`: a multi-line literal string. */
export function parseMultilineLiteralString(s: ParserState): string {
  const src = s.src;
  const open = s.pos;
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
        s.pos = q;
        return src.slice(start, q - 3);
      }
    } else if (c < 32 || c === 127) {
      if (c === 13) {
        if (src.charCodeAt(p + 1) !== 10) {
          s.fail("a carriage return must be followed by a newline (\\n)", p);
        }
        p++;
      } else if (c !== 9 && c !== 10) controlInString(s, c, p, true);
    } else if (c !== c) {
      unterminated(s, open, "'''");
    }
    p++;
  }
}
