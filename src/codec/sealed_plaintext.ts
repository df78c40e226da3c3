/**
 * What a sealed value holds: the UTF-8 text of one TOML value in inline form,
 * on one line (`5432`, `"hunter2"`, `true`, `1979-05-27T07:32:00Z`,
 * `["a", "b"]`, `{ user = "ana", pass = "x" }`). The type survives sealing:
 * a secret port stays an integer and a date stays a date, in TOML and JSON
 * files alike, and every language that reads TOML can read it back.
 *
 * @module
 */

import { parse } from "../toml/parse.ts";
import type { TomlTable, TomlValue } from "../toml/parse.ts";
import { formatValue } from "../toml/stringify.ts";

/** Options of {@link encodePlaintext}. */
export interface PlaintextOptions {
  /**
   * A `number` with a whole value is a float (`3.0`), not an integer (`3`):
   * a JavaScript number cannot tell them apart.
   */
  float?: boolean;
}

/** A value as it came out of a sealed value. */
export interface OpenedValue {
  /** The value, typed as `parse` types it. */
  value: TomlValue;
  /** The value is a float with a whole-number value (`3.0`), which a JavaScript number cannot show. */
  float: boolean;
}

/**
 * The plaintext text of a value: its inline TOML form.
 *
 * @throws {StrataError} code "type" for a value TOML cannot hold (`null`, an integer beyond 64 bits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePlaintext } from "./sealed_plaintext.ts";
 * assert.equal(encodePlaintext("hunter2"), '"hunter2"');
 * assert.equal(encodePlaintext(3, { float: true }), "3.0");
 * assert.equal(encodePlaintext({ user: "ana", port: 5432 }), '{ user = "ana", port = 5432 }');
 * ```
 */
export function encodePlaintext(value: TomlValue, options: PlaintextOptions = {}): string {
  const asFloat = options.float === true && typeof value === "number";
  return formatValue(value, asFloat ? { bigint: true } : {});
}

/**
 * The value of a plaintext text, or undefined when it is not one TOML value
 * on one line (the TOML document `v = <text>` must parse and hold only `v`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePlaintext } from "./sealed_plaintext.ts";
 * assert.deepEqual(decodePlaintext("3.0"), { value: 3, float: true });
 * assert.deepEqual(decodePlaintext('"x"'), { value: "x", float: false });
 * assert.equal(decodePlaintext("1\nw = 2"), undefined);
 * ```
 */
export function decodePlaintext(text: string): OpenedValue | undefined {
  if (text.includes("\n") || text.includes("\r")) return undefined;
  const wholeFloats: [TomlTable, string][] = [];
  let doc: TomlTable;
  try {
    doc = parse(`v = ${text}\n`, { wholeFloats });
  } catch {
    return undefined;
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== "v") return undefined;
  const float = wholeFloats.some(([table, key]) => table === doc && key === "v");
  return { value: doc.v, float };
}
