/**
 * The shape of the sealed values of a layer's text, without a key: which
 * leaves are sealed, and whether each still has the form of a sealed value
 * (`enc:v1:`, canonical base64url, at least 61 bytes). `edit`, `restore` and
 * `doctor` use it to refuse a text whose sealed value was cut or altered by
 * hand, and to leave sealed values out of the schema check (their
 * plaintext was checked when they were sealed). No cryptography here.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { badBase64urlColumn, decodeBase64url } from "./base64url.ts";
import { isSealed, SEALED_PREFIX } from "./is_sealed.ts";

/** Bytes of the smallest sealed value: key 32, nonce 12, ciphertext 1, tag 16. */
const MIN_PAYLOAD = 61;

/**
 * Every sealed value among a parsed file's tables (arrays are leaves), with its key path.
 *
 * @example
 * ```ts
 * import { sealedLeaves } from "./sealed_shape.ts";
 * console.assert(sealedLeaves({ db: { pw: "enc:v1:AAAA", host: "h" } })[0][0].join(".") === "db.pw");
 * ```
 */
export function sealedLeaves(values: unknown, path: string[] = []): [string[], string][] {
  if (isSealed(values)) return [[path, values]];
  if (!isTable(values)) return [];
  return Object.entries(values).flatMap(([k, v]) => sealedLeaves(v, [...path, k]));
}

/**
 * What is wrong with the form of a sealed text, or undefined when it has
 * the form of a version 1 sealed value (whether it opens is another matter).
 *
 * @example
 * ```ts
 * import { sealedShapeProblem } from "./sealed_shape.ts";
 * console.assert(sealedShapeProblem("enc:v1:AAAA")?.includes("cut short"));
 * console.assert(sealedShapeProblem("enc:v2:AAAA")?.includes("format v2"));
 * ```
 */
export function sealedShapeProblem(text: string): string | undefined {
  if (!text.startsWith(SEALED_PREFIX)) {
    const version = /^enc:v([0-9]+):/.exec(text)?.[1];
    return `it is in format v${version}, which this strata cannot open`;
  }
  const body = text.slice(SEALED_PREFIX.length);
  const column = badBase64urlColumn(body);
  if (column > 0) {
    return `character ${SEALED_PREFIX.length + column} (${
      JSON.stringify(body[column - 1])
    }) is not base64url`;
  }
  const payload = decodeBase64url(body);
  if (payload === undefined) return `its ${body.length} characters end mid-byte (cut short?)`;
  if (payload.length < MIN_PAYLOAD) {
    return `it holds ${payload.length} bytes, fewer than the ${MIN_PAYLOAD} of the smallest ` +
      `sealed value (cut short?)`;
  }
  return undefined;
}

/**
 * `values` without its sealed leaves (copied only where it holds one).
 *
 * @example
 * ```ts
 * import { withoutSealed } from "./sealed_shape.ts";
 * console.assert(JSON.stringify(withoutSealed({ a: "enc:v1:AAAA", b: 1 })) === '{"b":1}');
 * ```
 */
export function withoutSealed(values: Record<string, unknown>): Record<string, unknown> {
  if (sealedLeaves(values).length === 0) return values;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (isSealed(v)) continue;
    const kept = isTable(v) ? withoutSealed(v) : v;
    Object.defineProperty(out, k, { value: kept, enumerable: true, writable: true });
  }
  return out;
}
