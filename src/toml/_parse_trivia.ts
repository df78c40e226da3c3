/**
 * Trivia: spaces, tabs, newlines and comments between the parts of a document.
 *
 * @module
 */

import { codePointName, type ParserState } from "./_parser_state.ts";

/** Skips spaces and tabs. */
export function skipWs(s: ParserState): void {
  const src = s.src;
  let p = s.pos;
  for (;;) {
    const c = src.charCodeAt(p);
    if (c !== 32 && c !== 9) break;
    p++;
  }
  s.pos = p;
}

/** Skips spaces, tabs, newlines and comments (inside arrays). */
export function skipWsNl(s: ParserState): void {
  const src = s.src;
  for (;;) {
    const c = src.charCodeAt(s.pos);
    if (c === 32 || c === 9 || c === 10) s.pos++;
    else if (c === 13) {
      if (src.charCodeAt(s.pos + 1) !== 10) {
        s.fail("a carriage return must be followed by a newline (\\n)");
      }
      s.pos += 2;
    } else if (c === 35) skipComment(s);
    else return;
  }
}

/** At `#`: skips to the end of the line, refusing control characters. */
export function skipComment(s: ParserState): void {
  const src = s.src;
  const len = s.len;
  let p = s.pos + 1;
  for (; p < len; p++) {
    const c = src.charCodeAt(p);
    if (c < 32) {
      if (c === 9) continue;
      if (c === 10) break;
      if (c === 13 && src.charCodeAt(p + 1) === 10) break;
      s.fail(`control character ${codePointName(c)} is not allowed in a comment`, p);
    } else if (c === 127) {
      s.fail(`control character ${codePointName(c)} is not allowed in a comment`, p);
    }
  }
  s.pos = p;
}

/** After a statement: optional spaces and comment, then a newline or the end. */
export function endOfLine(s: ParserState, afterHeader: boolean): void {
  skipWs(s);
  const src = s.src;
  let c = src.charCodeAt(s.pos);
  if (c === 35) {
    skipComment(s);
    c = src.charCodeAt(s.pos);
  }
  if (c === 10) {
    s.pos++;
    return;
  }
  if (c === 13 && src.charCodeAt(s.pos + 1) === 10) {
    s.pos += 2;
    return;
  }
  if (s.pos >= s.len) return;
  if (c === 13) s.fail("a carriage return must be followed by a newline (\\n)");
  s.fail(
    afterHeader
      ? `expected a newline after the table header, found ${s.found()}`
      : `expected a newline or a comment after the value, found ${s.found()}`,
  );
}
