/**
 * The whole merged configuration as one tree, for `Config.values()`.
 *
 * @module
 */

import { failOnUnreadable, findValue } from "../layers/resolve.ts";
import type { Snapshot } from "../layers/types.ts";

/**
 * Every layer merged, top layer first, checked as {@link findValue} checks
 * one key (a value that breaks its type or the schema throws); `{}` when no
 * layer holds anything.
 */
export function mergedTree(snap: Snapshot): Record<string, unknown> {
  failOnUnreadable(snap);
  return (findValue(snap, [])?.value ?? {}) as Record<string, unknown>;
}
