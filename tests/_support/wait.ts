/**
 * Waiting on a condition instead of a fixed sleep: a loaded machine only
 * makes the wait longer, never the test wrong.
 *
 * @module
 */

/** Polls `check` every 10 ms until it returns true; the time it took, in ms. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out (${timeoutMs} ms): ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}
