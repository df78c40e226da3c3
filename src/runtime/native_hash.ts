/**
 * A fast hash of a text where the runtime has one (Bun's `Bun.hash`, a
 * 64-bit wyhash); `undefined` under Deno and Node, whose callers then keep
 * the text itself instead.
 *
 * @module
 */

/** Bun's native hash of `text` as decimal text, or `undefined` outside Bun. */
export function nativeHash(text: string): string | undefined {
  const bun = (globalThis as { Bun?: { hash(text: string): number | bigint } }).Bun;
  return bun ? String(bun.hash(text)) : undefined;
}
