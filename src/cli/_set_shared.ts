/**
 * `strata set --shared KEY VALUE`: writes the shared layer on the server
 * (compare-and-set on the key's version, retried), or queues the change in
 * the outbox when the server cannot be reached. Loaded only by that flag.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { formatKey, parseKey } from "../keys.ts";
import { encodeValue } from "../remote/value_text.ts";
import { fromText, type ValueType } from "../codec/value.ts";
import type { CommandContext } from "./_commands.ts";
import { openReplica } from "./_remote_open.ts";
import type { Replica } from "../remote/replica.ts";

/** Writes one key to the shared layer and prints what happened. */
export async function setShared(
  context: CommandContext,
  config: Config,
  key: string,
  text: string,
  type: ValueType | undefined,
): Promise<number> {
  const canonical = formatKey(parseKey(key));
  const known = config.typeOf(canonical);
  const chosen = type ?? known?.type ?? "string";
  const value = fromText(text, chosen);
  const stored = encodeValue(value, chosen);
  return await onReplica(context, config, canonical, async (replica) => {
    const result = await replica.write(canonical, stored);
    if (result.state === "written") {
      context.out(
        `${canonical} = ${stored.text}  (shared: ${replica.options.scope}, version ${result.version}, ` +
          `revision ${result.revision})\n`,
      );
      return 0;
    }
    context.err(
      `strata: the server ${replica.options.url} cannot be reached (${result.reason}); the change ` +
        `waits in the outbox: strata --app ${config.app} remote sync sends it\n`,
    );
    context.out(`${canonical} = ${stored.text}  (shared: queued)\n`);
    return 0;
  });
}

/** Removes one key from the shared layer (a deletion, kept in the server's history). */
export async function unsetShared(
  context: CommandContext,
  config: Config,
  key: string,
): Promise<number> {
  const canonical = formatKey(parseKey(key));
  return await onReplica(context, config, canonical, async (replica) => {
    const row = replica.mirror().rows[canonical];
    if (!row || row.deleted) {
      context.err(
        `strata: ${canonical} is not set in the shared layer (${replica.options.scope}, as of ` +
          `the last sync: strata --app ${config.app} remote sync)\n`,
      );
      return 1;
    }
    const result = await replica.write(canonical, { text: row.text, kind: row.kind }, true);
    if (result.state === "written") {
      context.out(
        `removed ${canonical} (was ${row.text})  (shared: ${replica.options.scope}, version ` +
          `${result.version})\n`,
      );
      return 0;
    }
    context.err(
      `strata: the server ${replica.options.url} cannot be reached (${result.reason}); the removal ` +
        `waits in the outbox: strata --app ${config.app} remote sync sends it\n`,
    );
    context.out(`removed ${canonical} (was ${row.text})  (shared: queued)\n`);
    return 0;
  });
}

/**
 * Runs `work` on the shared layer's replica and closes it; a server's refusal
 * that is not already a StrataError becomes an `io` one naming the key.
 */
async function onReplica(
  context: CommandContext,
  config: Config,
  canonical: string,
  work: (replica: Replica) => Promise<number>,
): Promise<number> {
  const replica = await openReplica(config, context);
  try {
    return await work(replica);
  } catch (error) {
    if (error instanceof StrataError) throw error;
    throw new StrataError(
      "io",
      `the server ${replica.options.url} refused ${canonical}: ${(error as Error).message}`,
    );
  } finally {
    await replica.close();
  }
}
