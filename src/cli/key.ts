/**
 * `strata key init | show | rotate`: the identity that opens an app's sealed
 * values and the recipient that seals them.
 *
 * @module
 */

import { generateIdentity, importIdentity } from "../codec/sealed_keys.ts";
import { openValue } from "../codec/sealed.ts";
import { SealedError } from "../codec/sealed_error.ts";
import type { SealedContext } from "../codec/sealed_context.ts";
import { StrataError } from "../errors.ts";
import {
  describePlace,
  findIdentity,
  type FoundIdentity,
  promotePending,
  storedIdentity,
  storeIdentity,
} from "../platform/identity_store.ts";
import type { FileFormat } from "../platform/paths.ts";
import { readRecipient, recipientKey, writeRecipient } from "../secrets/recipient.ts";
import { planReseal, resealEdit } from "../secrets/reseal.ts";
import type { WritableLayer } from "../config/config.ts";
import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { platformOf, sealedApp } from "./_secrets.ts";

/** `strata key --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] key init [--key-file]
       strata [--app NAME | --file PATH] key show [--recipient]
       strata [--app NAME | --file PATH] key rotate

Secrets are stored sealed (enc:v1:...) for the app's identity, an X25519 key
pair: the recipient (public key) seals, the identity (private key) opens.

  init     make the app's identity. The private key goes to the OS keychain
           when one answers, else to a key file readable by you only
           ($XDG_CONFIG_HOME/strata/keys/APP.key, mode 600); the recipient is
           stored in strata's own configuration (recipients.APP), where any
           writer can read it to seal values. Says which place was used.
  show     print the recipient and where the identity is
  rotate   make a new identity and re-seal every sealed value of the app's
           files (project, user, system) with it, through the write
           protocol; the new key is stored before anything is re-sealed, and
           the old one is removed last. Values in older backups stay sealed
           for the old identity.

Where strata finds the identity, in order: STRATA_IDENTITY (the
strata-identity-v1:... text), STRATA_IDENTITY_FILE (a file holding it, mode
600), the key file, the OS keychain (STRATA_KEYCHAIN=0 turns it off).
With --file, values are bound to the app "_file" and the layer "file".

Options:
  --key-file    (init) store the identity in the key file even when a keychain answers
  --recipient   (show) print the recipient text only

Examples:
  strata --app demo key init
  strata --app demo key show --recipient
  strata --app demo key rotate
  STRATA_IDENTITY_FILE=/run/secrets/demo.key strata --app demo run -- ./server
`;

/** The flags of `key`. */
export const options = {
  "key-file": { type: "boolean" },
  recipient: { type: "boolean" },
} as const;

/** Runs `strata key`. */
export async function run(context: CommandContext): Promise<number> {
  const [action] = expectPositionals(context.positionals, "key", ["init|show|rotate"]);
  const config = openFromContext(context);
  const app = sealedApp(config);
  if (action === "init") return await init(context, app);
  if (action === "show") return await show(context, app);
  if (action === "rotate") return await rotate(context, app, config);
  throw usage("key", `unknown action "${action}": use init, show or rotate`);
}

function flag(app: string): string {
  return app === "_file" ? "strata --file FILE" : `strata --app ${app}`;
}

async function init(context: CommandContext, app: string): Promise<number> {
  const ctx = platformOf(context);
  const existing = await storedIdentity(ctx, app);
  if (existing !== undefined) {
    throw new StrataError(
      "usage",
      `app ${app} already has an identity (${
        describePlace(existing.place)
      }); nothing was changed. To see its recipient: ${flag(app)} key show; to replace it: ` +
        `${flag(app)} key rotate`,
    );
  }
  const made = await generateIdentity();
  const place = await storeIdentity(ctx, app, made.identity, {
    place: context.flags["key-file"] === true ? "key-file" : undefined,
  });
  const file = await writeRecipient(ctx, app, made.recipient);
  const off = ["0", "off", "no", "false"].includes(
    (context.env.STRATA_KEYCHAIN ?? "").toLowerCase(),
  );
  const why = place.kind === "keychain"
    ? ""
    : context.flags["key-file"] === true
    ? " (--key-file)"
    : off
    ? ` (the keychain is turned off: STRATA_KEYCHAIN=${context.env.STRATA_KEYCHAIN})`
    : " (no OS keychain answered)";
  context.out(
    `identity of app ${app}: stored in ${describePlace(place)}${why}\n` +
      `recipient: ${made.recipient}\n` +
      `  (stored as ${recipientKey(app)} in ${file}; give it to any writer that seals values)\n`,
  );
  if (context.env.STRATA_IDENTITY || context.env.STRATA_IDENTITY_FILE) {
    context.err(
      `strata: warning: STRATA_IDENTITY or STRATA_IDENTITY_FILE is set: it is used instead of ` +
        `the identity just stored until it is unset\n`,
    );
  }
  return 0;
}

async function show(context: CommandContext, app: string): Promise<number> {
  const ctx = platformOf(context);
  const recipient = readRecipient(ctx, app);
  const found = await findIdentity(ctx, app);
  const own = found && await importIdentity(found.text, describePlace(found.place));
  const shown = recipient ?? own?.recipient;
  if (shown === undefined) {
    context.err(
      `strata: app ${app} has no recipient and no identity here. To make one: ${
        flag(app)
      } key init\n`,
    );
    return 1;
  }
  if (context.flags.recipient === true) {
    context.out(`${shown}\n`);
    return 0;
  }
  const lines = [`recipient: ${shown}`];
  lines.push(
    own === undefined
      ? "identity:  none here (values can be sealed here, not opened)"
      : `identity:  ${describePlace(found!.place)}`,
  );
  context.out(`${lines.join("\n")}\n`);
  if (own !== undefined && recipient !== undefined && own.recipient !== recipient) {
    context.err(
      `strata: warning: the identity (${describePlace(found!.place)}) does not match the ` +
        `recipient stored as ${recipientKey(app)}: values sealed here cannot be opened with ` +
        `it. Store the matching recipient, or use the matching identity\n`,
    );
  }
  return 0;
}

async function rotate(
  context: CommandContext,
  app: string,
  config: ReturnType<typeof openFromContext>,
): Promise<number> {
  const ctx = platformOf(context);
  if (context.env.STRATA_IDENTITY || context.env.STRATA_IDENTITY_FILE) {
    throw new StrataError(
      "usage",
      `key rotate works on the identity stored on this machine, but STRATA_IDENTITY or ` +
        `STRATA_IDENTITY_FILE is set; nothing was changed. To fix: run it where the identity is ` +
        `stored, without those variables`,
    );
  }
  const old = await storedIdentity(ctx, app);
  if (old === undefined) {
    throw new StrataError(
      "usage",
      `app ${app} has no identity stored here to rotate; nothing was changed. To make one: ${
        flag(app)
      } key init`,
    );
  }
  // The new key is stored before anything is re-sealed: an interrupted
  // rotation leaves it as the pending key, which reads try too and a new
  // `key rotate` goes on with.
  let pending: FoundIdentity | undefined = await storedIdentity(ctx, app, true);
  if (pending === undefined) {
    const made = await generateIdentity();
    const place = await storeIdentity(ctx, app, made.identity, {
      pending: true,
      place: old.place.kind,
    });
    pending = { text: made.identity, place };
  }
  const oldId = await importIdentity(old.text, describePlace(old.place));
  const newId = await importIdentity(pending.text, describePlace(pending.place));
  const open = async (sealed: string, where: SealedContext) => {
    try {
      return await openValue(sealed, oldId, where, { identitySource: describePlace(old.place) });
    } catch (e) {
      if (!(e instanceof SealedError) || e.reason !== "identity") throw e;
      return await openValue(sealed, newId, where, {
        identitySource: describePlace(pending!.place),
      });
    }
  };
  const fs = process.getBuiltinModule("node:fs") as typeof import("node:fs");
  let values = 0;
  let files = 0;
  // Every value is opened and re-sealed before the first file is written.
  const plans = [];
  for (const layer of config.layers()) {
    if (!layer.writable || !layer.exists || layer.file === undefined) continue;
    let text: string;
    try {
      text = fs.readFileSync(layer.file, "utf8");
    } catch {
      continue;
    }
    const format = (layer.format ?? "toml") as FileFormat;
    const swaps = await planReseal(
      text,
      format,
      layer.file,
      { app, layer: layer.layer },
      open,
      newId.recipient,
    );
    if (swaps.length > 0) plans.push({ layer, format, swaps });
  }
  for (const { layer, format, swaps } of plans) {
    const written = layer.layer === "file" ? undefined : layer.layer as WritableLayer;
    const result = await config.update(resealEdit(swaps, format), { layer: written });
    if (result.changed) files++;
    values += swaps.length;
  }
  printWarnings(context, config.warnings());
  const file = await writeRecipient(ctx, app, newId.recipient);
  const place = await promotePending(ctx, app, pending);
  context.out(
    `rotated the identity of app ${app}: ${values} sealed value${
      values === 1 ? "" : "s"
    } re-sealed in ${files} file${files === 1 ? "" : "s"}\n` +
      `identity:  ${describePlace(place)} (the old one is removed)\n` +
      `recipient: ${newId.recipient}\n  (stored as ${recipientKey(app)} in ${file})\n`,
  );
  context.err(
    `strata: note: give the new identity to every machine and job that opens these values ` +
      `(STRATA_IDENTITY_FILE), and the new recipient to every writer that seals them; values ` +
      `in backups made before now stay sealed for the old identity\n`,
  );
  return 0;
}
