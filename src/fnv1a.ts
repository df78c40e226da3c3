/**
 * FNV-1a, the short stable hash that names a config file's state (backups,
 * journal, parse cache) after its absolute path. A name, not security, so no
 * crypto import on the start-up path.
 *
 * @module
 */

/**
 * FNV-1a (32 bits) of the UTF-8 bytes of `text`, as 8 lower-case hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fnv1a32 } from "./fnv1a.ts";
 * assert.equal(fnv1a32(""), "811c9dc5");
 * assert.equal(fnv1a32("a"), "e40c292c");
 * ```
 */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
