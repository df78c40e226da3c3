/**
 * mulberry32: a tiny seeded PRNG, so generated test data and bench inputs
 * are the same on every run with the same seed (tests print their seed).
 *
 * @module
 */

/**
 * A generator of numbers in [0, 1), seeded.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./_mulberry32.ts";
 * const a = mulberry32(7), b = mulberry32(7);
 * console.assert(a() === b());
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
