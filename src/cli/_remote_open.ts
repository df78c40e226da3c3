/**
 * Opens the shared layer's replica for a command: the server and scope
 * recorded in the configuration (`remote.url`, `remote.scope`), the
 * snapshot beside the user file, the state folder, the password from
 * PGPASSWORD, the OS keychain or ~/.pgpass.
 *
 * @module
 */

import * as os from "node:os";
import * as path from "node:path";
import type { Config } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { findPassword, type FoundPassword } from "../remote/password.ts";
import { adoptLegacyReplica } from "../remote/local_state.ts";
import { Replica } from "../remote/replica.ts";
import { sharedStateName } from "../store/layout.ts";
import { checkScope, parseRemoteUrl } from "../remote/remote_url.ts";
import { snapshotName } from "../remote/snapshot.ts";
import type { CommandContext } from "./_commands.ts";

/** The user layer's file (the snapshot goes beside it). */
export function userFile(config: Config): string {
  const user = config.layers().find((l) => l.layer === "user");
  if (!user?.file) {
    throw new StrataError(
      "usage",
      `the shared layer needs the user layer's folder, and there is none${
        user?.note ? `: ${user.note}` : ""
      }`,
    );
  }
  return user.file;
}

/** Where the snapshot of `config` lives. */
export function snapshotFileOf(config: Config): string {
  return path.join(path.dirname(userFile(config)), snapshotName);
}

/** The recorded server and scope; a `usage` error that says how to record them when absent. */
export function remoteSettings(config: Config): { url: string; scope: string } {
  const url = config.get("remote.url");
  const scope = config.get("remote.scope");
  const app = config.app ?? "APP";
  if (typeof url !== "string" || typeof scope !== "string") {
    throw new StrataError(
      "usage",
      `no shared layer is set up for ${app}: run strata --app ${app} remote connect ` +
        `postgres://USER@HOST:PORT/DATABASE --scope team:NAME/${app}`,
    );
  }
  return { url, scope: checkScope(scope) };
}

/** The replica of the configuration's shared layer (the password looked up now). */
export async function openReplica(config: Config, context: CommandContext): Promise<Replica> {
  return (await openReplicaWith(config, context)).replica;
}

/** The replica, and where its password came from (never the password itself). */
export async function openReplicaWith(
  config: Config,
  context: CommandContext,
): Promise<{ replica: Replica; password: Omit<FoundPassword, "password"> }> {
  if (config.app === undefined) {
    throw new StrataError("usage", "the shared layer belongs to an application: use --app NAME");
  }
  const { url, scope } = remoteSettings(config);
  const parsed = parseRemoteUrl(url, context.env.USER || undefined);
  const home = context.env.HOME;
  const { password, ...found } = await findPassword(parsed, { env: context.env, home });
  let user = context.env.USER || context.env.LOGNAME || context.env.USERNAME || "";
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = "unknown";
    }
  }
  const replicaDir = path.join(config.stateDir, "remote", config.app);
  if (path.basename(config.stateDir) === sharedStateName) {
    // The folder of the per-application layout, left in place by the state merge.
    adoptLegacyReplica(replicaDir, path.join(path.dirname(config.stateDir), config.app, "remote"));
  }
  const replica = new Replica({
    url: parsed.url,
    ...(password === undefined ? {} : { password }),
    scope,
    snapshotFile: snapshotFileOf(config),
    stateDir: config.stateDir,
    // The state folder is shared by every application: each keeps its outbox apart.
    replicaDir,
    by: `${user}@${os.hostname()}`,
    program: `strata ${context.name}`,
  });
  return { replica, password: found };
}

/** Words a connection failure for a person (server down, wrong URL, password). */
export function unreachableMessage(url: string, reason: string): string {
  return `cannot reach the server ${url} (${reason}); check that it runs and that the URL, ` +
    `the network and the password (PGPASSWORD, the OS keychain: strata remote password, or ` +
    `~/.pgpass) are right`;
}
