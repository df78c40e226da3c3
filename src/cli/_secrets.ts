/**
 * The CLI's side of secrets: the identity that opens an app's sealed values
 * (with the words that say where it came from and what to do when there is
 * none), the recipient that seals them, and opening the sealed values in a
 * resolved value. Loaded only by commands that open or seal a value.
 *
 * @module
 */

import { isSealed } from "../codec/is_sealed.ts";
import { openValue } from "../codec/sealed.ts";
import type { SealedContext } from "../codec/sealed_context.ts";
import { SealedError } from "../codec/sealed_error.ts";
import { type Identity, importIdentity } from "../codec/sealed_keys.ts";
import type { Config } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { formatKey, parseKey } from "../keys.ts";
import { lazyHome } from "../platform/home.ts";
import { describePlace, findIdentity, keyFileOf } from "../platform/identity_store.ts";
import type { PlatformContext } from "../platform/paths.ts";
import { readRecipient } from "../secrets/recipient.ts";
import type { CommandContext } from "./_commands.ts";

/** The app name sealed values of this configuration are bound to (`_file` with `--file`). */
export function sealedApp(config: Config): string {
  return config.app ?? "_file";
}

/** The platform facts the identity's places depend on, from the command's environment. */
export function platformOf(context: CommandContext): PlatformContext {
  const home = lazyHome(process.platform, context.env);
  return {
    platform: process.platform,
    env: context.env,
    cwd: process.cwd(),
    get home() {
      return home.get();
    },
  };
}

/** The identities that may open an app's values (the current one, and a rotation's pending one). */
export interface Identities {
  /** Tried in order. */
  ids: { identity: Identity; source: string }[];
}

/**
 * The identity of `app` (and a pending one left by an interrupted `key
 * rotate`), or a `usage` error that says where strata looked and what to do.
 */
export async function loadIdentities(context: CommandContext, app: string): Promise<Identities> {
  const ctx = platformOf(context);
  const found = await findIdentity(ctx, app);
  const pending = context.env.STRATA_IDENTITY || context.env.STRATA_IDENTITY_FILE
    ? undefined
    : await findIdentity(ctx, app, true);
  const ids: Identities["ids"] = [];
  for (const one of [found, pending]) {
    if (one === undefined) continue;
    const source = describePlace(one.place);
    ids.push({ identity: await importIdentity(one.text, source), source });
  }
  if (ids.length === 0) {
    throw new StrataError(
      "usage",
      `no identity to open the sealed values of app ${app}: none in STRATA_IDENTITY, ` +
        `STRATA_IDENTITY_FILE, the key file ${keyFileOf(ctx, app)} or an OS keychain. To fix: ` +
        `give strata the identity they were sealed for (STRATA_IDENTITY_FILE=PATH), or start ` +
        `one for new secrets: ${appFlag(app)} key init`,
    );
  }
  return { ids };
}

function appFlag(app: string): string {
  return app === "_file" ? "strata --file FILE" : `strata --app ${app}`;
}

/**
 * The recipient to seal values of `app` for: the one stored in strata's
 * configuration, else the one of the identity at hand; a `usage` error
 * when there is neither.
 */
export async function recipientFor(context: CommandContext, app: string): Promise<string> {
  const ctx = platformOf(context);
  const stored = readRecipient(ctx, app);
  if (stored !== undefined) return stored;
  const found = await findIdentity(ctx, app);
  if (found !== undefined) {
    return (await importIdentity(found.text, describePlace(found.place))).recipient;
  }
  throw new StrataError(
    "usage",
    `no recipient key to seal values of app ${app} for: there is no recipients.${
      formatKey([app])
    } in strata's configuration and no identity here. To fix: ${appFlag(app)} key init ` +
      `(or, to seal for someone else's identity: strata set recipients.${
        formatKey([app])
      } RECIPIENT --app strata, with the text their strata --app ${app} key show --recipient prints)`,
  );
}

/** Opens one sealed text at `context` with the identities, naming where it was sealed when moved. */
async function openOne(
  text: string,
  ids: Identities,
  where: SealedContext,
  config: Config,
): Promise<{ value: unknown; float: boolean }> {
  let last: unknown;
  for (const { identity, source } of ids.ids) {
    try {
      return await openValue(text, identity, where, { identitySource: source });
    } catch (e) {
      last = e;
      if (!(e instanceof SealedError) || e.reason !== "identity") break;
    }
  }
  if (last instanceof SealedError && last.reason === "moved") {
    // Name the place it was sealed for, when it is one of this configuration's.
    // (Opening again with candidates throws the error that names it.)
    await openValue(text, ids.ids[0].identity, where, {
      identitySource: ids.ids[0].source,
      candidates: candidatePlaces(config, where),
    });
  }
  throw last;
}

function candidatePlaces(config: Config, where: SealedContext): SealedContext[] {
  const layers = ["project", "user", "system", "file", "defaults"];
  const out: SealedContext[] = layers.filter((l) => l !== where.layer).map((layer) => ({
    ...where,
    layer,
  }));
  try {
    for (const entry of config.list()) {
      const key = parseKey(entry.key);
      if (formatKey(key) !== formatKey(where.key)) out.push({ ...where, key });
    }
  } catch {
    // The candidates only improve a message.
  }
  return out;
}

/**
 * `value` (the effective value of `key`) with every sealed value in it
 * opened: each is opened in the context of the layer it won from.
 * `float`: the value is a single float with a whole value (`3.0`).
 */
export async function revealValue(
  config: Config,
  key: string,
  value: unknown,
  ids: Identities,
): Promise<{ value: unknown; float: boolean }> {
  const app = sealedApp(config);
  const open = async (path: string[], text: string) => {
    const layer = config.resolve(formatKey(path))?.origin.layer ?? "user";
    return await openOne(text, ids, { app, layer, key: path }, config);
  };
  const walk = async (path: string[], v: unknown): Promise<unknown> => {
    if (isSealed(v)) return (await open(path, v)).value;
    if (Array.isArray(v)) return v;
    if (!isTable(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: await walk([...path, k], child),
        enumerable: true,
        writable: true,
      });
    }
    return out;
  };
  const keyPath = parseKey(key);
  if (isSealed(value)) return await open(keyPath, value);
  return { value: await walk(keyPath, value), float: false };
}
