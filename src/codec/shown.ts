/**
 * What a value looks like where people and scripts see it: a sealed value
 * is shown as `(sealed)`, never as its text, and a secret held in plaintext
 * (the environment layer's) as `(secret)`. Every printer of the CLI (`get`,
 * `list`, `explain`, `history`, `diff`, `watch`, JSON output) passes values
 * through {@link maskSealed}, so no edge prints a sealed text or a plaintext
 * by a path nobody thought of. Imports nothing that costs start-up time.
 *
 * @module
 */

import { isTable } from "../is_table.ts";
import { isSealed } from "./is_sealed.ts";

/** How a sealed value is shown. */
export const SEALED_SHOWN = "(sealed)";
/** How a secret held in plaintext (an environment variable) is shown. */
export const SECRET_SHOWN = "(secret)";

/**
 * Whether `value` is, or holds (in a table or an array), a sealed value.
 *
 * @example
 * ```ts
 * import { holdsSealed } from "./shown.ts";
 * console.assert(holdsSealed({ db: { pw: "enc:v1:AAAA" } }) && !holdsSealed({ db: "x" }));
 * ```
 */
export function holdsSealed(value: unknown): boolean {
  if (isSealed(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSealed);
  if (isTable(value)) return Object.values(value).some(holdsSealed);
  return false;
}

/**
 * `value` with every sealed value in it replaced by `(sealed)` (copied only
 * where it holds one; the same value otherwise).
 *
 * @example
 * ```ts
 * import { maskSealed } from "./shown.ts";
 * console.assert(maskSealed("enc:v1:AAAA") === "(sealed)");
 * const masked = maskSealed({ user: "ana", pw: "enc:v1:AAAA" }) as Record<string, unknown>;
 * console.assert(masked.pw === "(sealed)" && masked.user === "ana");
 * ```
 */
export function maskSealed(value: unknown): unknown {
  if (isSealed(value)) return SEALED_SHOWN;
  if (!holdsSealed(value)) return value;
  if (Array.isArray(value)) return value.map(maskSealed);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    Object.defineProperty(out, k, { value: maskSealed(v), enumerable: true, writable: true });
  }
  return out;
}
