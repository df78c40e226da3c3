/**
 * TOML's four date-time kinds, kept faithfully: an offset date-time keeps its
 * offset, a local date-time or time stays local, fractional seconds keep every
 * digit that was written.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { readDateTime } from "./_parse_datetime.ts";

/** Which of TOML's four date-time kinds a value is. */
export type TomlDateTimeKind = "offset-date-time" | "local-date-time" | "local-date" | "local-time";

/** The parts of a date-time; fields a kind does not have are 0 or "". */
export interface TomlDateTimeFields {
  /** Year, 0 to 9999 (0 for a local time). */
  year: number;
  /** Month, 1 to 12 (0 for a local time). */
  month: number;
  /** Day of the month, 1 to 31 (0 for a local time). */
  day: number;
  /** Hour, 0 to 23. */
  hour: number;
  /** Minute, 0 to 59. */
  minute: number;
  /** Second, 0 to 60 (60 only for a leap second). */
  second: number;
  /** Fractional-second digits as written, without the dot ("" when none). */
  fraction: string;
  /** "Z", or "+hh:mm" / "-hh:mm"; "" for the local kinds. */
  offset: string;
}

/**
 * A TOML date-time value. `toString()` gives its RFC 3339 text (upper-case
 * `T` and `Z`, fractional digits as written); `toDate()` gives the instant.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TomlDateTime } from "./datetime.ts";
 * const d = TomlDateTime.parse("1979-05-27 07:32:00.500-07:00");
 * assert.ok(d.kind === "offset-date-time");
 * assert.ok(d.toString() === "1979-05-27T07:32:00.500-07:00");
 * assert.ok(d.toDate().toISOString() === "1979-05-27T14:32:00.500Z");
 * ```
 */
export class TomlDateTime implements TomlDateTimeFields {
  /** Which of the four kinds this is. */
  readonly kind: TomlDateTimeKind;
  /** Year, 0 to 9999 (0 for a local time). */
  readonly year: number;
  /** Month, 1 to 12 (0 for a local time). */
  readonly month: number;
  /** Day of the month (0 for a local time). */
  readonly day: number;
  /** Hour, 0 to 23 (0 for a local date). */
  readonly hour: number;
  /** Minute (0 for a local date). */
  readonly minute: number;
  /** Second, 0 to 60 (0 for a local date). */
  readonly second: number;
  /** Fractional-second digits as written, without the dot ("" when none). */
  readonly fraction: string;
  /** "Z" or "+hh:mm"/"-hh:mm" for an offset date-time, else "". */
  readonly offset: string;

  /** Builds a value from its parts; the parts are trusted (use `parse` for text). */
  constructor(kind: TomlDateTimeKind, fields: Partial<TomlDateTimeFields>) {
    this.kind = kind;
    this.year = fields.year ?? 0;
    this.month = fields.month ?? 0;
    this.day = fields.day ?? 0;
    this.hour = fields.hour ?? 0;
    this.minute = fields.minute ?? 0;
    this.second = fields.second ?? 0;
    this.fraction = fields.fraction ?? "";
    this.offset = fields.offset ?? "";
  }

  /**
   * Reads one date-time written as in TOML (`1979-05-27T07:32:00Z`,
   * `1979-05-27 07:32:00`, `1979-05-27`, `07:32:00.25`, and as TOML 1.1
   * allows, `07:32` for `07:32:00`); throws a
   * {@link StrataError} with code "type" when `text` is not exactly that.
   */
  static parse(text: string): TomlDateTime {
    const fail = (reason: string): never => {
      throw new StrataError("type", `${JSON.stringify(text)} is not a TOML date-time: ${reason}`);
    };
    const read = readDateTime(text, 0, fail, true);
    if (read.end !== text.length) fail(`unexpected ${JSON.stringify(text.slice(read.end))}`);
    return read.value;
  }

  /** The offset date-time (UTC, millisecond precision) of a JavaScript `Date`. */
  static fromDate(date: Date): TomlDateTime {
    const ms = date.getTime();
    if (!Number.isFinite(ms)) throw new StrataError("type", "an invalid Date has no TOML form");
    const d = new Date(ms);
    const frac = d.getUTCMilliseconds();
    return new TomlDateTime("offset-date-time", {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      fraction: frac === 0 ? "" : String(frac).padStart(3, "0"),
      offset: "Z",
    });
  }

  /** RFC 3339 text: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)` or the local part. */
  toString(): string {
    const date = pad4(this.year) + "-" + pad2(this.month) + "-" + pad2(this.day);
    if (this.kind === "local-date") return date;
    let time = pad2(this.hour) + ":" + pad2(this.minute) + ":" + pad2(this.second);
    if (this.fraction !== "") time += "." + this.fraction;
    if (this.kind === "local-time") return time;
    return date + "T" + time + this.offset;
  }

  /** The same text as `toString()`, so `JSON.stringify` writes the date-time. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * The instant as a `Date` (milliseconds; finer digits are cut). An offset
   * date-time is exact; a local date-time or date is read in the host's time
   * zone, as `new Date(y, m, d)` does; a local time has no date and throws a
   * {@link StrataError} with code "type".
   */
  toDate(): Date {
    if (this.kind === "local-time") {
      throw new StrataError("type", `local time ${this} has no date, so it is not an instant`);
    }
    const ms = Number((this.fraction + "000").slice(0, 3));
    if (this.kind === "offset-date-time") {
      // Year 2000 first (Date.UTC maps years 0-99 to 19xx), seconds added last
      // (a leap second 60 must not roll the date over before the year is set).
      const d = new Date(Date.UTC(2000, this.month - 1, this.day, this.hour, this.minute, 0, ms));
      d.setUTCFullYear(this.year);
      let shift = 0;
      if (this.offset !== "Z" && this.offset !== "z") {
        const sign = this.offset.charCodeAt(0) === 45 ? -1 : 1;
        shift = sign * (Number(this.offset.slice(1, 3)) * 60 + Number(this.offset.slice(4, 6)));
      }
      return new Date(d.getTime() + this.second * 1000 - shift * 60000);
    }
    const d = new Date(2000, this.month - 1, this.day, this.hour, this.minute, 0, ms);
    d.setFullYear(this.year);
    return new Date(d.getTime() + this.second * 1000);
  }
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

function pad4(n: number): string {
  return n >= 1000 ? "" + n : n >= 100 ? "0" + n : n >= 10 ? "00" + n : "000" + n;
}
