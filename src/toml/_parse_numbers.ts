/**
 * Numbers and date-times: decimal, hexadecimal, octal and binary integers
 * (64-bit, never rounded), floats, and the hand-off to the date-time reader.
 *
 * @module
 */

import { readDateTime } from "./_parse_datetime.ts";
import {
  endsValue,
  hexValue,
  I64_MAX,
  I64_MIN,
  isDigit,
  type ParserState,
} from "./_parser_state.ts";
import { badValue } from "./_parse_values.ts";
import type { TomlValue } from "./types.ts";

/** Integers, floats and date-times; sets `kind`. */
export function parseNumberOrDate(s: ParserState): TomlValue {
  const src = s.src;
  const start = s.pos;
  let c = src.charCodeAt(start);
  if (isDigit(c) && isDigit(src.charCodeAt(start + 1))) {
    const c2 = src.charCodeAt(start + 2);
    if (
      c2 === 58 ||
      (isDigit(c2) && isDigit(src.charCodeAt(start + 3)) && src.charCodeAt(start + 4) === 45)
    ) {
      const read = readDateTime(src, start, s.failAt, s.v11);
      s.pos = read.end;
      s.kind = read.value.kind;
      checkEnd(s, start, "date-time");
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
      s.pos = p + 3;
      s.kind = "float";
      checkEnd(s, start, "float");
      return word === "nan" ? NaN : neg ? -Infinity : Infinity;
    }
    return badValue(s, start);
  }
  if (c === 48 && !signed) {
    const n = src.charCodeAt(p + 1);
    if (n === 120) return parseRadix(s, start, 16, "hexadecimal");
    if (n === 111) return parseRadix(s, start, 8, "octal");
    if (n === 98) return parseRadix(s, start, 2, "binary");
  }
  if (!isDigit(c)) {
    s.fail(`invalid number: expected a digit, found ${s.found(p)}`, p);
  }
  if (c === 48) {
    const n = src.charCodeAt(p + 1);
    if (isDigit(n) || n === 95) {
      s.fail("invalid number: leading zeros are not allowed", p);
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
      checkUnderscore(s, p);
      underscore = true;
      p++;
    } else break;
  }
  let isFloat = false;
  if (c === 46) {
    isFloat = true;
    p++;
    if (!isDigit(src.charCodeAt(p))) {
      s.fail("invalid float: expected a digit after the decimal point", p);
    }
    p = skipDigits(s, p);
    c = src.charCodeAt(p);
  }
  if (c === 101 || c === 69) {
    isFloat = true;
    p++;
    c = src.charCodeAt(p);
    if (c === 43 || c === 45) p++;
    if (!isDigit(src.charCodeAt(p))) {
      s.fail("invalid float: expected digits in the exponent", p);
    }
    p = skipDigits(s, p);
  }
  s.pos = p;
  if (isFloat) {
    s.kind = "float";
    checkEnd(s, start, "float");
    const text = src.slice(start, p);
    return Number(text.includes("_") ? text.replaceAll("_", "") : text);
  }
  s.kind = "integer";
  checkEnd(s, start, "integer");
  if (!s.bigint && digits <= 15) return neg ? 0 - value : value;
  const text = src.slice(start, p);
  const big = BigInt(underscore ? text.replaceAll("_", "") : text);
  return integerResult(s, big, start);
}

/** A 64-bit integer as `number` when exact (and not in bigint mode), else `bigint`. */
function integerResult(s: ParserState, big: bigint, start: number): number | bigint {
  if (big > I64_MAX || big < I64_MIN) {
    s.fail(
      "integer out of range: TOML integers are 64-bit (-9223372036854775808 to 9223372036854775807)",
      start,
    );
  }
  if (s.bigint) return big;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** Digits with single underscores between them, from `p`; returns the end. */
function skipDigits(s: ParserState, p: number): number {
  const src = s.src;
  for (;;) {
    const c = src.charCodeAt(p);
    if (c >= 48 && c <= 57) p++;
    else if (c === 95) {
      checkUnderscore(s, p);
      p++;
    } else return p;
  }
}

/** An underscore in a number must sit between two digits. */
function checkUnderscore(s: ParserState, p: number): void {
  if (!isDigit(s.src.charCodeAt(p - 1)) || !isDigit(s.src.charCodeAt(p + 1))) {
    s.fail("invalid number: an underscore must be between two digits", p);
  }
}

/** `0x`, `0o` or `0b` integers: digits of `base`, single underscores between them. */
function parseRadix(
  s: ParserState,
  start: number,
  base: number,
  name: string,
): number | bigint {
  const src = s.src;
  let p = start + 2;
  let value = 0;
  let c = src.charCodeAt(p);
  let d = hexValue(c);
  if (d < 0 || d >= base) {
    s.fail(`invalid ${name} integer: expected a digit after "${src.slice(start, p)}"`, p);
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
        s.fail("invalid number: an underscore must be between two digits", p);
      }
      underscore = true;
      p++;
    } else break;
  }
  s.pos = p;
  s.kind = "integer";
  if (isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
    s.fail(`invalid ${name} integer: ${s.found(p)} is not a ${name} digit`, p);
  }
  checkEnd(s, start, `${name} integer`);
  if (!s.bigint && value <= Number.MAX_SAFE_INTEGER) return value;
  const text = src.slice(start, p);
  return integerResult(s, BigInt(underscore ? text.replaceAll("_", "") : text), start);
}

/** A number, boolean or date-time must be followed by a separator. */
function checkEnd(s: ParserState, start: number, what: string): void {
  const src = s.src;
  const c = src.charCodeAt(s.pos);
  if (endsValue(c)) return;
  let p = s.pos;
  while (p < s.len && !endsValue(src.charCodeAt(p))) p++;
  s.fail(`invalid ${what} ${JSON.stringify(src.slice(start, p))}: unexpected ${s.found()}`);
}
