/**
 * `strata watch` with a shared layer: under Bun it follows the scope itself
 * (one LISTEN connection, catch-up by revision), so the snapshot it watches
 * stays current; under Deno it says that another process has to follow.
 * Loaded only when the configuration names a server.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { CommandContext } from "./_commands.ts";
import { openReplica, unreachableMessage } from "./_remote_open.ts";

/** Starts following the shared scope; resolves to the function that stops it. */
export async function followShared(
  config: Config,
  context: CommandContext,
): Promise<() => Promise<void>> {
  const replica = await openReplica(config, context);
  if (!("Bun" in globalThis)) {
    context.err(
      `strata: note: shared changes (${replica.options.scope}) show here when they reach ` +
        `${replica.options.snapshotFile}; following the server needs Bun: run strata remote ` +
        `sync --follow with the strata binary\n`,
    );
    return async () => {};
  }
  const { follow } = await import("../remote/follow.ts");
  const stop = new AbortController();
  const done = follow(replica, (event) => {
    if (event.kind === "offline") {
      context.err(
        `strata: ${context.name}: ${unreachableMessage(replica.options.url, event.reason)}; ` +
          `the shared layer is read from its snapshot meanwhile, retrying\n`,
      );
    } else if (event.kind === "error") {
      context.err(`strata: ${context.name}: ${(event.error as Error).message}\n`);
    }
  }, { signal: stop.signal });
  return async () => {
    stop.abort();
    await done;
  };
}
