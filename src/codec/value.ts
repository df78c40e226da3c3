/**
 * The value codec: typed values from text and to text, for every edge but
 * the printers for people. Text in: a person's text (argv `set KEY VALUE
 * --type`, an environment variable, `--set`, a `.env` file) converted to a
 * key's known type ({@link fromText}); no guessing: text becomes a number
 * only when the key is known to hold one, so `"1.10"` for a string key stays
 * `"1.10"`. Text out: a program's environment (`toEnvText`), journal lines
 * (`journalLine`) and the parsed-values cache (`cacheSpecials`,
 * `cacheValuesJson`, `decodeSpecial`). A sealed secret is one kind of value
 * here (`isSealed`, `maskSealed`): stored and written as the sealed text it
 * is, shown as `(sealed)`, never opened by the codec. The printers for
 * people and scripts (`toPersonText`, `toLiteral`, `toJsonText`) are in
 * `value_text.ts`, which builds on this module and re-exports it: they need
 * the TOML writer, which the `get` path never loads. This module loads
 * neither the TOML writer nor any cryptography.
 *
 * Accepted spellings:
 * - `int`: TOML integers: `42`, `-7`, `1_000`, `0xff`, `0o755`, `0b1010`;
 *   64-bit signed range; beyond 2^53 the value is a `bigint` (never rounded).
 * - `float`: TOML floats (`3.14`, `1e6`, `inf`, `-inf`, `nan`, underscores)
 *   and plain integers (`3` is the float 3.0).
 * - `bool`: `true`/`false`, and for scripts' sake `yes`/`no`, `on`/`off`,
 *   `1`/`0` (any case); always written back as `true`/`false`.
 * - `date`: any of TOML's four date-time kinds (`1979-05-27T07:32:00Z`,
 *   `1979-05-27 07:32:00`, `1979-05-27`, `07:32:00`).
 * - `json`: a JSON value (`[1, 2]`, `{"a": 1}`) or a TOML inline value
 *   (`{ a = 1 }`); `null` has no TOML form and is refused.
 * - `string`: the text exactly as given.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { TomlDateTime } from "../toml/datetime.ts";
import { parse } from "../toml/parse.ts";

export { envText as toEnvText } from "./_env_text.ts";
export {
  cacheSpecials,
  cacheValuesJson,
  decodeSpecial,
  journalLine,
  type Special,
} from "./_stored_json.ts";
export { isSealed, SEALED_PREFIX } from "./is_sealed.ts";
export { holdsSealed, maskSealed, SEALED_SHOWN, SECRET_SHOWN } from "./shown.ts";

/** The types a key can be known to have. */
export type ValueType = "string" | "int" | "float" | "bool" | "date" | "json";

/** Every {@link ValueType}, for `--type` validation and help texts. */
export const valueTypes: readonly ValueType[] = ["string", "int", "float", "bool", "date", "json"];

/** How a type is named in messages: "db.port is an integer". */
export const typeNames: Record<ValueType, string> = {
  string: "a string",
  int: "an integer",
  float: "a float",
  bool: "a boolean",
  date: "a date-time",
  json: "an array or table",
};

const kindTypes: Record<string, ValueType> = {
  string: "string",
  integer: "int",
  float: "float",
  boolean: "bool",
  "offset-date-time": "date",
  "local-date-time": "date",
  "local-date": "date",
  "local-time": "date",
  array: "json",
  table: "json",
};

/**
 * The value type of a stored TOML kind (`integer`, `float`, `local-date`,
 * `array`, ... as `TomlDocument.kindOf` names them).
 *
 * @example
 * ```ts
 * import { typeOfKind } from "./value.ts";
 * console.assert(typeOfKind("float") === "float" && typeOfKind("local-date") === "date");
 * ```
 */
export function typeOfKind(kind: string | undefined): ValueType | undefined {
  return kind === undefined ? undefined : kindTypes[kind];
}

/**
 * The value type of a plain value (a number with no fraction counts as an
 * integer, since a JavaScript value cannot tell `1.0` from `1`).
 */
export function typeOfValue(value: unknown): ValueType | undefined {
  switch (typeof value) {
    case "string":
      return "string";
    case "bigint":
      return "int";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "boolean":
      return "bool";
  }
  if (value instanceof TomlDateTime || value instanceof Date) return "date";
  if (Array.isArray(value) || isTable(value)) return "json";
  return undefined;
}

/**
 * Refuses `text` as a `--type` argument unless it names a {@link ValueType}.
 *
 * @example
 * ```ts
 * import { parseValueType } from "./value.ts";
 * console.assert(parseValueType("int") === "int");
 * ```
 */
export function parseValueType(text: string): ValueType {
  if ((valueTypes as readonly string[]).includes(text)) return text as ValueType;
  throw new StrataError(
    "usage",
    `unknown type ${JSON.stringify(text)}: use one of ${valueTypes.join(", ")}`,
  );
}

const decimalInt = /^[+-]?(0|[1-9](_?[0-9])*)$/;
const radixInt = /^0(x[0-9A-Fa-f](_?[0-9A-Fa-f])*|o[0-7](_?[0-7])*|b[01](_?[01])*)$/;
const decimalFloat = /^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$/;
const specialFloat = /^[+-]?(inf|nan)$/;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/**
 * A person's text that does not fit a type. `reason` is the short form
 * (`"abc" is not an integer`) for callers that add where the type comes
 * from; `hint` says how to write a fitting value.
 */
export class ConversionError extends StrataError {
  /** `"abc" is not an integer`. */
  readonly reason: string;
  /** How to write a fitting value, e.g. `write digits such as 42`; may be empty. */
  readonly hint: string;

  constructor(reason: string, hint: string) {
    super("type", hint ? `${reason} (${hint})` : reason);
    this.name = "ConversionError";
    this.reason = reason;
    this.hint = hint;
  }
}

function notA(text: string, type: ValueType, hint: string): ConversionError {
  return new ConversionError(`${clipText(JSON.stringify(text))} is not ${typeNames[type]}`, hint);
}

/** Reads a TOML integer: a `number` when exact, else a `bigint`. */
function toInt(text: string): number | bigint {
  const t = text.trim();
  let big: bigint;
  if (decimalInt.test(t)) {
    big = BigInt(t.replace(/_/g, ""));
  } else if (radixInt.test(t)) {
    big = BigInt(t.replace(/_/g, ""));
  } else {
    throw notA(text, "int", "write digits such as 42, -7, 1_000 or 0xff");
  }
  if (big < int64Min || big > int64Max) {
    throw notA(text, "int", "out of the 64-bit range -2^63 to 2^63-1");
  }
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big;
}

function toFloat(text: string): number {
  const t = text.trim();
  if (specialFloat.test(t)) {
    if (t.endsWith("nan")) return NaN;
    return t.startsWith("-") ? -Infinity : Infinity;
  }
  if (!decimalFloat.test(t)) throw notA(text, "float", "write a number such as 3.14 or 1e6");
  return Number(t.replace(/_/g, ""));
}

const boolWords: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  on: true,
  off: false,
  "1": true,
  "0": false,
};

function toBool(text: string): boolean {
  const b = boolWords[text.trim().toLowerCase()];
  if (b === undefined) throw notA(text, "bool", "write true or false");
  return b;
}

function toDate(text: string): TomlDateTime {
  try {
    return TomlDateTime.parse(text.trim());
  } catch {
    throw notA(text, "date", "write e.g. 1979-05-27T07:32:00Z, 1979-05-27 or 07:32:00");
  }
}

/** Refuses `null` anywhere inside a value from JSON: TOML cannot hold it (no recursion: any depth). */
function checkNoNull(value: unknown, text: string): void {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null) {
      throw notA(text, "json", "null has no TOML form: leave the key out or unset it");
    }
    const children = Array.isArray(v) ? v : isTable(v) ? Object.values(v) : [];
    for (const child of children) stack.push(child);
  }
}

function toJson(text: string, tomlInline?: (text: string) => unknown): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (!tomlInline) {
      throw notA(text, "json", `not JSON: ${(e as Error).message}`);
    }
    try {
      return tomlInline(text);
    } catch {
      throw notA(
        text,
        "json",
        'write JSON such as ["a", "b"] or {"k": 1}, or TOML such as { k = 1 }',
      );
    }
  }
  checkNoNull(value, text);
  return value;
}

/**
 * Converts a person's text to `type`, or throws a {@link StrataError}
 * (`type`) whose message starts with the refused text, e.g.
 * `"abc" is not an integer (write digits such as 42, ...)`.
 * `tomlInline` reads a TOML inline value (`{ a = 1 }`) for the `json` type
 * when the text is not JSON; the caller passes the TOML parser's reader so
 * this module stays free of it.
 *
 * @example
 * ```ts
 * import { convertText } from "./value.ts";
 * console.assert(convertText("0x10", "int") === 16);
 * console.assert(convertText("1.10", "string") === "1.10");
 * console.assert(convertText("on", "bool") === true);
 * ```
 */
export function convertText(
  text: string,
  type: ValueType,
  tomlInline?: (text: string) => unknown,
): unknown {
  switch (type) {
    case "string":
      return text;
    case "int":
      return toInt(text);
    case "float":
      return toFloat(text);
    case "bool":
      return toBool(text);
    case "date":
      return toDate(text);
    case "json":
      return toJson(text, tomlInline);
  }
}

/** Reads a TOML inline value (`{ a = 1 }`, `[1, 2]`), for the `json` type. */
export function tomlInline(text: string): unknown {
  if (/[\r\n]/.test(text)) throw new Error("one line only");
  return parse(`v = ${text}`).v;
}

/**
 * A person's text converted to `type`, as every edge converts it (argv,
 * environment, `--set`, the shared layer, `.env` imports): {@link convertText}
 * with TOML inline values (`{ a = 1 }`) accepted for `json`.
 *
 * @example
 * ```ts
 * import { fromText } from "./value.ts";
 * console.assert(fromText("0x10", "int") === 16);
 * console.assert((fromText("{ a = 1 }", "json") as { a: number }).a === 1);
 * ```
 */
export function fromText(text: string, type: ValueType): unknown {
  return convertText(text, type, tomlInline);
}

/**
 * Checks a program's (not a person's) value against a known type: the
 * library's `set` refuses `"5432"` for an integer key instead of writing a
 * string. Returns the reason it does not fit, or undefined when it does.
 */
export function mismatch(value: unknown, type: ValueType): string | undefined {
  const ok = (() => {
    switch (type) {
      case "string":
        return typeof value === "string";
      case "int":
        return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
      case "float":
        return typeof value === "number";
      case "bool":
        return typeof value === "boolean";
      case "date":
        return value instanceof TomlDateTime || value instanceof Date;
      case "json":
        return Array.isArray(value) || isTable(value);
    }
  })();
  if (ok) return undefined;
  const shown = typeof value === "bigint" ? `${value}` : clipText(safeJson(value));
  return `${shown} is not ${typeNames[type]}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? `${v}` : v) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An integer beyond the 64-bit range TOML (and strata's writers) can hold, and where. */
export interface WideInteger {
  /** Keys (and array indexes, as text) from the value's root. */
  path: string[];
  /** The integer, exactly. */
  value: bigint;
}

/**
 * Every integer in `value` beyond the 64-bit signed range (a JSON file may
 * hold one: strata reads it exactly and keeps its text, but never writes
 * one), walked without recursion.
 *
 * @example
 * ```ts
 * import { wideIntegers } from "./value.ts";
 * const found = wideIntegers({ id: 2n ** 64n, list: [1, -(2n ** 63n)] });
 * console.assert(found.length === 1 && found[0].path[0] === "id");
 * ```
 */
export function wideIntegers(value: unknown): WideInteger[] {
  const out: WideInteger[] = [];
  // Each entry points at its parent: a path is spelled out only for what is found.
  type Step = { value: unknown; key?: string; parent?: Step };
  const pathOf = (step: Step): string[] => {
    const path: string[] = [];
    for (let s: Step | undefined = step; s?.key !== undefined; s = s.parent) path.push(s.key);
    return path.reverse();
  };
  const stack: Step[] = [{ value }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const v = step.value;
    if (typeof v === "bigint") {
      if (v < int64Min || v > int64Max) out.push({ path: pathOf(step), value: v });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], key: String(i), parent: step });
      }
    } else if (isTable(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: v[keys[i]], key: keys[i], parent: step });
      }
    }
  }
  return out;
}
