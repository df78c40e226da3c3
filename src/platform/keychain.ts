/**
 * The OS keychain, through `Bun.secrets` (macOS Keychain, the Secret
 * Service over D-Bus on Linux, the Credential Manager on Windows), asked
 * with a bound: a keychain that does not answer in time counts as none.
 * `STRATA_KEYCHAIN=off` (or 0, no, false) turns it off; other runtimes have
 * none. Nothing happens at import.
 *
 * @module
 */

/** The part of `Bun.secrets` strata uses. */
export interface KeychainApi {
  get(options: { service: string; name: string }): Promise<string | null>;
  set(options: { service: string; name: string; value: string }): Promise<void>;
  delete(options: { service: string; name: string }): Promise<boolean>;
}

/** How long a keychain may take to answer, ms. */
export const KEYCHAIN_WAIT_MS = 3000;

/** What asking the keychain gave: the answer, or why there is none. */
export type KeychainAnswer<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Whether `STRATA_KEYCHAIN` turns the keychain off. */
export function keychainOff(env: Record<string, string | undefined>): boolean {
  return ["0", "off", "no", "false"].includes((env.STRATA_KEYCHAIN ?? "").toLowerCase());
}

/**
 * The keychain, unless `STRATA_KEYCHAIN` turns it off or the runtime has none.
 *
 * @example
 * ```ts
 * import { keychainOf } from "./keychain.ts";
 * console.assert(keychainOf({ STRATA_KEYCHAIN: "off" }) === undefined);
 * ```
 */
export function keychainOf(env: Record<string, string | undefined>): KeychainApi | undefined {
  if (keychainOff(env)) return undefined;
  return (globalThis as { Bun?: { secrets?: KeychainApi } }).Bun?.secrets;
}

/**
 * One keychain call, bounded by `waitMs`: its value, or the reason there is
 * none (its error's message, or that it did not answer in time).
 */
export async function askKeychain<T>(
  call: () => Promise<T>,
  waitMs = KEYCHAIN_WAIT_MS,
): Promise<KeychainAnswer<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<KeychainAnswer<T>>((done) => {
    timer = setTimeout(
      () => done({ ok: false, reason: `no answer within ${waitMs / 1000} s` }),
      waitMs,
    );
  });
  try {
    return await Promise.race([
      call().then((value): KeychainAnswer<T> => ({ ok: true, value })),
      late,
    ]);
  } catch (e) {
    return { ok: false, reason: (e as Error)?.message ?? String(e) };
  } finally {
    clearTimeout(timer);
  }
}
