/**
 * Where an app's identity (the private key that opens its sealed values)
 * lives, and reading and storing it: `STRATA_IDENTITY` (the text itself),
 * `STRATA_IDENTITY_FILE` (a file holding it), the OS keychain (through
 * `Bun.secrets`, where one answers), or a key file in strata's own config
 * folder (`<config>/strata/keys/<app>.key`, mode 0600). A key file that
 * others may read is refused, as ssh refuses such a private key.
 *
 * Nothing happens at import; `node:fs` is taken when a file is read.
 *
 * @module
 */

import type * as NodeFs from "node:fs";
import { StrataError } from "../errors.ts";
import { pathFor } from "./path_api.ts";
import { type PlatformContext, userConfigDir } from "./paths.ts";
import { askKeychain, keychainOf } from "./keychain.ts";

/** Where an identity was found or stored. */
export interface IdentityPlace {
  /** `environment` (STRATA_IDENTITY), `identity-file` (STRATA_IDENTITY_FILE), `key-file`, `keychain`. */
  kind: "environment" | "identity-file" | "key-file" | "keychain";
  /** The variable, the file, or the keychain entry (`service strata, account demo`). */
  where: string;
}

/** An identity's text and where it came from. */
export interface FoundIdentity {
  /** `strata-identity-v1:...`. */
  text: string;
  /** Where it was read. */
  place: IdentityPlace;
}

/** The keychain service name of every strata identity (the account is the app). */
export const KEYCHAIN_SERVICE = "strata";

/** Words for a place, for messages: `the key file /home/ann/.config/strata/keys/demo.key`. */
export function describePlace(place: IdentityPlace): string {
  switch (place.kind) {
    case "environment":
      return "STRATA_IDENTITY";
    case "identity-file":
      return `STRATA_IDENTITY_FILE ${place.where}`;
    case "key-file":
      return `the key file ${place.where}`;
    case "keychain":
      return `the OS keychain (${place.where})`;
  }
}

/**
 * The key file of an app's identity: `keys/<app>.key` in strata's own
 * config folder (`$XDG_CONFIG_HOME/strata` on Linux).
 *
 * @example
 * ```ts
 * import { keyFileOf } from "./identity_store.ts";
 * const ctx = { platform: "linux", env: { XDG_CONFIG_HOME: "/c" }, home: "/h", cwd: "/" };
 * console.assert(keyFileOf(ctx, "demo") === "/c/strata/keys/demo.key");
 * ```
 */
export function keyFileOf(ctx: PlatformContext, app: string, pending = false): string {
  return pathFor(ctx.platform).join(
    userConfigDir(ctx, "strata"),
    "keys",
    `${app}${pending ? ".next" : ""}.key`,
  );
}

function fsModule(): typeof NodeFs {
  return process.getBuiltinModule("node:fs") as typeof NodeFs;
}

/** A keychain call, or undefined when no keychain answers (an error, or no answer in time). */
async function ask<T>(call: () => Promise<T>): Promise<T | undefined> {
  const answer = await askKeychain(call);
  return answer.ok ? answer.value : undefined;
}

/**
 * Reads a file holding an identity; refuses one that others may read (on
 * POSIX systems), naming the file and the `chmod` that mends it.
 */
export function readKeyFile(file: string, what: string, rotate = ""): string | undefined {
  const fs = fsModule();
  let stat: NodeFs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw new StrataError("io", `cannot read ${what} ${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!stat.isFile()) {
    throw new StrataError("io", `${what} ${file} is not a regular file; point it at the key file`);
  }
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    throw new StrataError(
      "io",
      `${what} ${file} is readable by others (mode ${
        (stat.mode & 0o777).toString(8).padStart(3, "0")
      }): a private key must be readable by its owner only, so it is not used. To fix: ` +
        `chmod 600 ${file}${rotate ? ` (and consider the key exposed: ${rotate})` : ""}`,
    );
  }
  return fs.readFileSync(file, "utf8");
}

/**
 * The identity of `app` for opening values, in order: `STRATA_IDENTITY`,
 * `STRATA_IDENTITY_FILE`, the key file, the keychain. Undefined when there
 * is none. `pending`: the identity a rotation writes first (see `key rotate`).
 */
export async function findIdentity(
  ctx: PlatformContext,
  app: string,
  pending = false,
): Promise<FoundIdentity | undefined> {
  const env = ctx.env;
  if (!pending) {
    const given = env.STRATA_IDENTITY?.trim();
    if (given) return { text: given, place: { kind: "environment", where: "STRATA_IDENTITY" } };
    const file = env.STRATA_IDENTITY_FILE?.trim();
    if (file) {
      const text = readKeyFile(file, "STRATA_IDENTITY_FILE");
      if (text === undefined) {
        throw new StrataError(
          "io",
          `STRATA_IDENTITY_FILE names ${file}, which does not exist; point it at the identity's ` +
            `key file, or unset it to use the identity stored for app ${app}`,
        );
      }
      return { text, place: { kind: "identity-file", where: file } };
    }
  }
  const stored = await storedIdentity(ctx, app, pending);
  return stored;
}

/** The identity stored for `app` on this machine (key file, then keychain); never the variables. */
export async function storedIdentity(
  ctx: PlatformContext,
  app: string,
  pending = false,
): Promise<FoundIdentity | undefined> {
  const keyFile = keyFileOf(ctx, app, pending);
  const text = readKeyFile(
    keyFile,
    "the key file",
    `strata ${app === "_file" ? "--file FILE" : `--app ${app}`} key rotate`,
  );
  if (text !== undefined) return { text, place: { kind: "key-file", where: keyFile } };
  const chain = keychainOf(ctx.env);
  if (chain === undefined) return undefined;
  const name = pending ? `${app}.next` : app;
  const found = await ask(() => chain.get({ service: KEYCHAIN_SERVICE, name }));
  if (typeof found !== "string" || found === "") return undefined;
  return {
    text: found,
    place: { kind: "keychain", where: `service ${KEYCHAIN_SERVICE}, account ${name}` },
  };
}

/**
 * Stores an identity for `app`: in the keychain when one answers (and
 * `place` is not `key-file`), else in the key file (0600, folder 0700, written
 * atomically). Returns where it went.
 */
export async function storeIdentity(
  ctx: PlatformContext,
  app: string,
  text: string,
  options: { pending?: boolean; place?: IdentityPlace["kind"] } = {},
): Promise<IdentityPlace> {
  const name = options.pending ? `${app}.next` : app;
  const chain = options.place === "key-file" ? undefined : keychainOf(ctx.env);
  if (chain !== undefined) {
    const stored = await ask(async () => {
      await chain.set({ service: KEYCHAIN_SERVICE, name, value: text });
      return (await chain.get({ service: KEYCHAIN_SERVICE, name })) === text;
    });
    if (stored === true) {
      return { kind: "keychain", where: `service ${KEYCHAIN_SERVICE}, account ${name}` };
    }
  }
  const file = keyFileOf(ctx, app, options.pending);
  const { writeFileAtomic } = await import("../store/atomic_write.ts");
  writeFileAtomic(file, `${text}\n`, { mode: 0o600 });
  return { kind: "key-file", where: file };
}

/** Removes a stored identity (a rotation's old or pending one). */
export async function removeIdentity(
  ctx: PlatformContext,
  place: IdentityPlace,
): Promise<void> {
  if (place.kind === "key-file") {
    fsModule().rmSync(place.where, { force: true });
  } else if (place.kind === "keychain") {
    const chain = keychainOf(ctx.env);
    const name = place.where.replace(/^.*account /, "");
    if (chain) await ask(() => chain.delete({ service: KEYCHAIN_SERVICE, name }));
  }
}

/**
 * Makes the pending identity of a rotation the identity: the key file is
 * renamed over the old one (one atomic step), or the keychain entry is set.
 */
export async function promotePending(
  ctx: PlatformContext,
  app: string,
  pending: FoundIdentity,
): Promise<IdentityPlace> {
  if (pending.place.kind === "key-file") {
    const target = keyFileOf(ctx, app);
    fsModule().renameSync(pending.place.where, target);
    return { kind: "key-file", where: target };
  }
  const place = await storeIdentity(ctx, app, pending.text, { place: "keychain" });
  await removeIdentity(ctx, pending.place);
  return place;
}
