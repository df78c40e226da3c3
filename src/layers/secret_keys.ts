/**
 * Which keys hold secrets: a key whose value is stored sealed in any layer,
 * or that the schema marks (`"x-strata-secret": true`). A secret's value is
 * never taken from argv and never shown; the environment layer may still
 * carry one in plaintext (how containers hand secrets over).
 *
 * @module
 */

import { isSealed } from "../codec/is_sealed.ts";
import { secretAt } from "../schema/check_value.ts";
import { lookup } from "./merge.ts";
import type { Snapshot } from "./types.ts";

/**
 * True when any layer stores a sealed value at `keyPath`, or the schema
 * marks the key as a secret.
 *
 * @example
 * ```ts
 * import { isSecretPath } from "./secret_keys.ts";
 * const layer = { values: { db: { pw: "enc:v1:AAAA" } } };
 * console.assert(isSecretPath({ layers: [layer as never] }, ["db", "pw"]));
 * console.assert(!isSecretPath({ layers: [layer as never] }, ["db", "host"]));
 * ```
 */
export function isSecretPath(snap: Snapshot, keyPath: readonly string[]): boolean {
  for (const layer of snap.layers) {
    if (layer.values === undefined) continue;
    const found = lookup(layer.values, keyPath);
    if (found.found && isSealed(found.value)) return true;
  }
  const loaded = snap.schema?.();
  return loaded !== undefined && secretAt(loaded.schema, keyPath);
}
