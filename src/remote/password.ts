/**
 * The password of the shared layer's server, never kept in strata's files,
 * looked up in this order: `PGPASSWORD` (one run's override), the OS
 * keychain (what `strata remote password` stores: service
 * `strata-postgres`, account `user@host:port/database`), then the first
 * matching line of `PGPASSFILE` or `~/.pgpass`. A keychain that does not
 * answer within 3 s counts as none, and why is kept for messages.
 *
 * @module
 */

import { askKeychain, type KeychainApi, keychainOf, keychainOff } from "../platform/keychain.ts";
import { type PasswordQuery, pgpassPassword } from "./pgpass.ts";

/** The keychain service of every server password strata stores. */
export const PASSWORD_SERVICE = "strata-postgres";

/** Where a password was found. */
export type PasswordSource = "PGPASSWORD" | "keychain" | "pgpass";

/** What the lookup found. */
export interface FoundPassword {
  /** The password, when one is known. */
  password?: string;
  /** Where it came from. */
  source?: PasswordSource;
  /** Why the keychain gave nothing, when it was asked and did not answer (an error, no answer in time). */
  keychainProblem?: string;
}

/** How to look a password up (tests give their own keychain and wait). */
export interface PasswordLookup {
  env: Record<string, string | undefined>;
  home?: string;
  /** The keychain (default: `Bun.secrets`, unless STRATA_KEYCHAIN turns it off). */
  keychain?: KeychainApi;
  /** How long the keychain may take, ms (default 3000). */
  waitMs?: number;
}

/**
 * The keychain account of a server's password: `user@host:port/database`.
 *
 * @example
 * ```ts
 * import { keychainAccount } from "./password.ts";
 * const q = { host: "db", port: "5432", database: "cfg", user: "ana" };
 * console.assert(keychainAccount(q) === "ana@db:5432/cfg");
 * ```
 */
export function keychainAccount(query: PasswordQuery): string {
  return `${query.user}@${query.host}:${query.port}/${query.database}`;
}

/** The password for `query`: PGPASSWORD, the keychain, then `.pgpass`. */
export async function findPassword(
  query: PasswordQuery,
  lookup: PasswordLookup,
): Promise<FoundPassword> {
  const { env, home } = lookup;
  if (env.PGPASSWORD) return { password: env.PGPASSWORD, source: "PGPASSWORD" };
  const found: FoundPassword = {};
  const keychain = "keychain" in lookup ? lookup.keychain : keychainOf(env);
  if (keychain !== undefined && !keychainOff(env)) {
    const answer = await askKeychain(
      () => keychain.get({ service: PASSWORD_SERVICE, name: keychainAccount(query) }),
      lookup.waitMs,
    );
    if (answer.ok && answer.value) return { password: answer.value, source: "keychain" };
    if (!answer.ok) found.keychainProblem = answer.reason;
  }
  const fromFile = pgpassPassword(query, env, home);
  return fromFile === undefined ? found : { ...found, password: fromFile, source: "pgpass" };
}

/** What storing or removing a password did. */
export type StoreOutcome =
  | { ok: true; changed: boolean }
  | { ok: false; why: "off" | "none" | "failed"; reason?: string };

/**
 * Stores `password` in the keychain (or, undefined, removes the one
 * stored); `changed` on removal: whether there was one.
 */
export async function storePassword(
  query: PasswordQuery,
  password: string | undefined,
  lookup: PasswordLookup,
): Promise<StoreOutcome> {
  if (keychainOff(lookup.env)) return { ok: false, why: "off" };
  const keychain = "keychain" in lookup ? lookup.keychain : keychainOf(lookup.env);
  if (keychain === undefined) return { ok: false, why: "none" };
  const name = keychainAccount(query);
  const answer = await askKeychain<boolean>(
    password === undefined
      ? () => keychain.delete({ service: PASSWORD_SERVICE, name })
      : () => keychain.set({ service: PASSWORD_SERVICE, name, value: password }).then(() => true),
    lookup.waitMs,
  );
  return answer.ok
    ? { ok: true, changed: answer.value }
    : { ok: false, why: "failed", reason: answer.reason };
}
