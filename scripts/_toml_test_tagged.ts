/**
 * Shared pieces of the toml-test decoder and encoder scripts: the "tagged
 * JSON" form of TOML values (see `tests/fixtures/toml-test/README.md`), strict
 * UTF-8 decoding, the `--toml` option, and the suite's comparison rules (used
 * by the tests).
 *
 * @module
 */

import { TomlDateTime } from "../src/toml/datetime.ts";
import { TomlParseError } from "../src/toml/errors.ts";
import { parse } from "../src/toml/parse.ts";
import { stringify } from "../src/toml/stringify.ts";
import type { TomlTable, TomlValue, TomlVersion } from "../src/toml/mod.ts";

/** A value in tagged JSON: a scalar `{type, value}`, an array, or a table. */
export type Tagged = { type: string; value: string } | Tagged[] | { [key: string]: Tagged };

const TAG_OF_KIND = {
  "offset-date-time": "datetime",
  "local-date-time": "datetime-local",
  "local-date": "date-local",
  "local-time": "time-local",
} as const;

const KIND_OF_TAG: Record<string, string> = {
  "datetime": "offset-date-time",
  "datetime-local": "local-date-time",
  "date-local": "local-date",
  "time-local": "local-time",
};

/** A parsed TOML value (parsed with `{ bigint: true }`) as tagged JSON. */
export function toTagged(value: TomlValue): Tagged {
  switch (typeof value) {
    case "string":
      return { type: "string", value };
    case "bigint":
      return { type: "integer", value: String(value) };
    case "number":
      return { type: "float", value: formatFloat(value) };
    case "boolean":
      return { type: "bool", value: String(value) };
  }
  if (value instanceof TomlDateTime) return { type: TAG_OF_KIND[value.kind], value: String(value) };
  if (Array.isArray(value)) return value.map(toTagged);
  const out: { [key: string]: Tagged } = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: toTagged(value[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function formatFloat(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Object.is(n, -0)) return "-0.0";
  return String(n);
}

function isScalarTag(x: unknown): x is { type: string; value: string } {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  const o = x as Record<string, unknown>;
  return keys.length === 2 && typeof o.type === "string" && typeof o.value === "string";
}

/** Tagged JSON back to TOML values (integers as `bigint`, floats as `number`). */
export function fromTagged(x: unknown): TomlValue {
  if (Array.isArray(x)) return x.map(fromTagged);
  if (isScalarTag(x)) {
    const { type, value } = x;
    switch (type) {
      case "string":
        return value;
      case "integer":
        return BigInt(value);
      case "float":
        return parseFloatTag(value);
      case "bool":
        return value === "true";
    }
    const kind = KIND_OF_TAG[type];
    if (kind === undefined) throw new Error(`unknown tagged type ${JSON.stringify(type)}`);
    const d = TomlDateTime.parse(value);
    if (d.kind !== kind) throw new Error(`${value} is not a ${type}`);
    return d;
  }
  if (x === null || typeof x !== "object") throw new Error(`not tagged JSON: ${JSON.stringify(x)}`);
  const out: TomlTable = {};
  for (const [key, v] of Object.entries(x)) {
    Object.defineProperty(out, key, {
      value: fromTagged(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function parseFloatTag(value: string): number {
  const v = value.replaceAll("_", "");
  if (v === "inf" || v === "+inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (v === "nan" || v === "+nan" || v === "-nan") return NaN;
  return Number(v);
}

/**
 * Decodes bytes as strict UTF-8, keeping a BOM for the parser to handle.
 * Invalid UTF-8 is reported as a {@link TomlParseError} at the bad byte.
 */
export function decodeUtf8(bytes: Uint8Array, file?: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const good = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, at));
    let line = 1;
    let column = 1;
    for (const ch of good) {
      if (ch === "\n") {
        line++;
        column = 1;
      } else column++;
    }
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    throw new TomlParseError(
      `invalid UTF-8 (byte 0x${hex}): a TOML file must be UTF-8 encoded`,
      line,
      column,
      file,
    );
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/**
 * The decoder: TOML bytes to tagged JSON text, reading `version` (1.1 unless
 * told otherwise). Throws {@link TomlParseError}.
 */
export function decodeToTaggedJson(bytes: Uint8Array, version: TomlVersion = "1.1"): string {
  const table = parse(decodeUtf8(bytes), { bigint: true, toml: version });
  return JSON.stringify(toTagged(table), null, 2);
}

/**
 * The encoder: tagged JSON text to TOML text. strata always writes TOML
 * that a 1.0 reader takes; the result is checked to read back as `version`.
 */
export function encodeFromTaggedJson(json: string, version: TomlVersion = "1.1"): string {
  const text = stringify(fromTagged(JSON.parse(json)) as TomlTable, { bigint: true });
  parse(text, { toml: version });
  return text;
}

/**
 * The TOML version named by the scripts' arguments: none (1.1), or
 * `--toml 1.0` / `--toml=1.1`. Anything else is an Error with the usage.
 */
export function versionFromArgs(args: readonly string[], script: string): TomlVersion {
  let version: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--toml" && i + 1 < args.length) version = args[++i];
    else if (a.startsWith("--toml=")) version = a.slice("--toml=".length);
    else {throw new Error(
        `usage: ${script} [--toml 1.0|1.1] (unknown argument ${JSON.stringify(a)})`,
      );}
  }
  if (version === undefined) return "1.1";
  if (version === "1.0" || version === "1.1") return version;
  throw new Error(
    `usage: ${script} [--toml 1.0|1.1] (unknown TOML version ${JSON.stringify(version)})`,
  );
}

/**
 * Compares two tagged JSON values by the suite's rules: integers exactly,
 * floats by value (nan equals nan), date-times by the value they denote,
 * strings exactly. Returns "" when equal, else where they differ.
 */
export function taggedDifference(a: unknown, b: unknown, at = "$"): string {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${at}: array vs non-array`;
    if (a.length !== b.length) return `${at}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = taggedDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return "";
  }
  if (isScalarTag(a) && isScalarTag(b)) {
    if (a.type !== b.type) return `${at}: type ${a.type} vs ${b.type}`;
    if (normalScalar(a) !== normalScalar(b)) return `${at}: ${a.value} vs ${b.value}`;
    return "";
  }
  if (isScalarTag(a) !== isScalarTag(b)) return `${at}: scalar vs table`;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return `${at}: not tagged JSON`;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (JSON.stringify(ka) !== JSON.stringify(kb)) {
    return `${at}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  }
  for (const k of ka) {
    const d = taggedDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${at}.${k}`,
    );
    if (d) return d;
  }
  return "";
}

function normalScalar(t: { type: string; value: string }): string {
  switch (t.type) {
    case "integer":
      return String(BigInt(t.value));
    case "float": {
      const n = parseFloatTag(t.value);
      return Number.isNaN(n) ? "nan" : Object.is(n, -0) ? "0" : String(n);
    }
    case "datetime": {
      const d = TomlDateTime.parse(t.value);
      const extra = d.fraction.slice(3).replace(/0+$/, "");
      return `${d.toDate().getTime()}.${extra}`;
    }
    case "datetime-local":
    case "date-local":
    case "time-local": {
      const d = TomlDateTime.parse(t.value);
      return new TomlDateTime(d.kind, { ...d, fraction: d.fraction.replace(/0+$/, "") }).toString();
    }
  }
  return t.value;
}
