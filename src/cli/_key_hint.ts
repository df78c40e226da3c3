/**
 * For a key that no layer sets: the key the person most likely meant (same
 * letters in another case, or one typo away), from the keys that are set.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { formatKey } from "../keys.ts";
import { nearest } from "./_suggest.ts";

/**
 * The line to print on stderr when `key` is set nowhere but a near key is,
 * or "" (nothing to say: a script's `|| fallback` stays quiet).
 *
 * @example
 * ```ts ignore
 * context.err(keyHint(config, "DB.PORT")); // "strata: DB.PORT is not set; did you mean db.port?\n"
 * ```
 */
export function keyHint(config: Config, key: string): string {
  let known: Set<string>;
  try {
    known = new Set();
    for (const leaf of config.list()) {
      known.add(leaf.key);
      // Tables are keys too (`get db` prints the table).
      for (let i = 1; i < leaf.path.length; i++) known.add(formatKey(leaf.path.slice(0, i)));
    }
  } catch {
    return ""; // A layer that cannot be read is reported elsewhere.
  }
  known.delete(key);
  const near = nearest(key, known);
  return near === undefined ? "" : `strata: ${key} is not set; did you mean ${near}?\n`;
}
