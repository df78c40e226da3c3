/**
 * The date-time reader: RFC 3339 text as TOML writes it, checked field by
 * field (a February 30th or a minute 60 is refused where it is written).
 *
 * @module
 */

import { TomlDateTime } from "./datetime.ts";

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Days in each month of a common year; February is fixed up for leap years. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** True when `src` has an ASCII digit at `i`. */
function digitAt(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Reads `count` digits at `at` as a number, or calls `fail`. */
function digits(
  src: string,
  at: number,
  count: number,
  what: string,
  fail: (reason: string, at: number) => never,
): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const c = src.charCodeAt(at + i);
    if (!(c >= 48 && c <= 57)) fail(`invalid ${what}: expected ${count} digits`, at + i);
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * Reads a TOML date-time starting at `start`, for the parser and for
 * {@link TomlDateTime.parse}. The caller has seen the start of a date
 * (`DDDD-`) or a time (`DD:`); `fail(reason, offset)` must throw.
 * `secondsOptional` reads TOML 1.1, where `07:32` means `07:32:00`.
 * Returns the value and the offset just after it.
 */
export function readDateTime(
  src: string,
  start: number,
  fail: (reason: string, at: number) => never,
  secondsOptional: boolean,
): { value: TomlDateTime; end: number } {
  let p = start;
  if (src.charCodeAt(p + 2) === 58) {
    const t = readTime(src, p, fail, secondsOptional);
    return { value: new TomlDateTime("local-time", t), end: t.end };
  }
  const year = digits(src, p, 4, "date", fail);
  if (src.charCodeAt(p + 4) !== 45) fail('invalid date: expected "-" after the year', p + 4);
  const month = digits(src, p + 5, 2, "date", fail);
  if (src.charCodeAt(p + 7) !== 45) fail('invalid date: expected "-" after the month', p + 7);
  const day = digits(src, p + 8, 2, "date", fail);
  if (month < 1 || month > 12) fail(`invalid date: month ${pad(month, 2)} does not exist`, p + 5);
  const max = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > max) {
    fail(
      `invalid date: day ${pad(day, 2)} does not exist in ${pad(year, 4)}-${pad(month, 2)}`,
      p + 8,
    );
  }
  p += 10;
  const sep = src.charCodeAt(p);
  // A space separates date and time only when a time follows; otherwise the
  // value is a local date and the space belongs to what comes after it.
  const timeFollows = sep === 84 || sep === 116 ||
    (sep === 32 && digitAt(src, p + 1) && digitAt(src, p + 2) && src.charCodeAt(p + 3) === 58);
  if (!timeFollows) {
    return { value: new TomlDateTime("local-date", { year, month, day }), end: p };
  }
  const t = readTime(src, p + 1, fail, secondsOptional);
  p = t.end;
  const o = src.charCodeAt(p);
  let offset = "";
  if (o === 90 || o === 122) {
    offset = "Z";
    p++;
  } else if (o === 43 || o === 45) {
    const oh = digits(src, p + 1, 2, "offset", fail);
    if (src.charCodeAt(p + 3) !== 58) fail('invalid offset: expected "+hh:mm" or "-hh:mm"', p + 3);
    const om = digits(src, p + 4, 2, "offset", fail);
    if (oh > 23) fail(`invalid offset: hour ${pad(oh, 2)} is over 23`, p + 1);
    if (om > 59) fail(`invalid offset: minute ${pad(om, 2)} is over 59`, p + 4);
    offset = src.slice(p, p + 6);
    p += 6;
  }
  const fields = {
    year,
    month,
    day,
    hour: t.hour,
    minute: t.minute,
    second: t.second,
    fraction: t.fraction,
    offset,
  };
  return {
    value: new TomlDateTime(offset ? "offset-date-time" : "local-date-time", fields),
    end: p,
  };
}

function readTime(
  src: string,
  p: number,
  fail: (reason: string, at: number) => never,
  secondsOptional: boolean,
): { hour: number; minute: number; second: number; fraction: string; end: number } {
  const hour = digits(src, p, 2, "time", fail);
  if (src.charCodeAt(p + 2) !== 58) fail('invalid time: expected ":" after the hour', p + 2);
  const minute = digits(src, p + 3, 2, "time", fail);
  if (src.charCodeAt(p + 5) !== 58) {
    if (secondsOptional) {
      if (hour > 23) fail(`invalid time: hour ${pad(hour, 2)} is over 23`, p);
      if (minute > 59) fail(`invalid time: minute ${pad(minute, 2)} is over 59`, p + 3);
      return { hour, minute, second: 0, fraction: "", end: p + 5 };
    }
    fail('invalid time: expected ":" and seconds after the minute (TOML 1.0 needs seconds)', p + 5);
  }
  const second = digits(src, p + 6, 2, "time", fail);
  if (hour > 23) fail(`invalid time: hour ${pad(hour, 2)} is over 23`, p);
  if (minute > 59) fail(`invalid time: minute ${pad(minute, 2)} is over 59`, p + 3);
  if (second > 60) fail(`invalid time: second ${pad(second, 2)} is over 60`, p + 6);
  p += 8;
  let fraction = "";
  if (src.charCodeAt(p) === 46) {
    const from = p + 1;
    let q = from;
    while (digitAt(src, q)) q++;
    if (q === from) fail("invalid time: expected digits after the decimal point", q);
    fraction = src.slice(from, q);
    p = q;
  }
  return { hour, minute, second, fraction, end: p };
}
