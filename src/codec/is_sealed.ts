/**
 * `isSealed`: does a stored value hold a sealed secret? The one part of the
 * sealed-value codec on the `get` path, so it imports nothing and touches no
 * cryptography: a read of a plain key in a file that also holds sealed
 * values pays for one string test per value.
 *
 * @module
 */

/** The text every sealed value of format version 1 starts with. */
export const SEALED_PREFIX = "enc:v1:";

/** `enc:v<digits>:`: the prefix of every sealed value, of any format version. */
const ANY_VERSION = /^enc:v[0-9]+:/;

/**
 * True when `value` is a string in the sealed-value form `enc:v<N>:...` (any
 * format version, so a value sealed by a newer strata is still shown as
 * sealed, never as its ciphertext). A string that merely contains `enc:` is
 * not sealed. It checks the shape only: whether the value opens is
 * `openValue`'s business.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSealed } from "./is_sealed.ts";
 * assert.equal(isSealed("enc:v1:AAAA"), true);
 * assert.equal(isSealed("hunter2"), false);
 * assert.equal(isSealed(5432), false);
 * ```
 */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("enc:v") && ANY_VERSION.test(value);
}
