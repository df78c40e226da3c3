/**
 * Base64url without padding (RFC 4648 section 5), strict: the text forms of
 * sealed values and keys use it, and a reader accepts only the one canonical
 * spelling of each byte string (no padding, no white space, no stray bits),
 * so a value that was altered or cut short is noticed here.
 *
 * @module
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;
const NOT_ALPHABET = /[^A-Za-z0-9_-]/;

/**
 * Bytes to base64url text, without `=` padding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBase64url } from "./base64url.ts";
 * assert.equal(encodeBase64url(new Uint8Array([251, 255])), "-_8");
 * ```
 */
export function encodeBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Base64url text (no padding) to bytes, or `undefined` when the text is not
 * the canonical encoding of any byte string: a character outside
 * `A-Z a-z 0-9 - _`, padding, a length that no encoding has (4n + 1), or
 * non-zero unused bits in the last character.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeBase64url } from "./base64url.ts";
 * assert.deepEqual(decodeBase64url("-_8"), new Uint8Array([251, 255]));
 * assert.equal(decodeBase64url("-_9"), undefined); // stray bits
 * ```
 */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") +
    "=".repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return encodeBase64url(bytes) === text ? bytes : undefined;
}

/**
 * 1-based position of the first character of `text` that base64url does not
 * use, or 0 when there is none (what an error message points at).
 */
export function badBase64urlColumn(text: string): number {
  const m = NOT_ALPHABET.exec(text);
  return m === null ? 0 : m.index + 1;
}
