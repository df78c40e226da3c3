/**
 * `strata remote connect|init|sync|status|resolve`: the shared layer on a
 * PostgreSQL server. Wording only; the work is in `src/remote/`.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { formatKey, parseKey } from "../keys.ts";
import type { Conflict } from "../remote/local_state.ts";
import type { Replica } from "../remote/replica.ts";
import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext } from "./_open.ts";
import { toJson } from "./_output.ts";
import { openReplicaWith, snapshotFileOf, unreachableMessage } from "./_remote_open.ts";

/** Where the password came from, for `status` (never the password). */
type PasswordFound = Awaited<ReturnType<typeof openReplicaWith>>["password"];

/** `strata remote --help`. */
export const help = `Usage: strata --app NAME remote connect URL --scope SCOPE
       strata --app NAME remote init
       strata --app NAME remote sync [--follow]
       strata --app NAME remote status [--json]
       strata --app NAME remote resolve KEY --mine | --theirs
       strata --app NAME remote password [--delete]

The shared layer: settings kept in a scope of an existing PostgreSQL server
and read from a local plaintext snapshot (shared.toml beside the user file).
Order of the layers: defaults < system < shared < user < project < env < flags.

  connect URL --scope SCOPE   record remote.url and remote.scope in the user layer.
                              The URL never holds a password: it comes from
                              PGPASSWORD, else the OS keychain, else ~/.pgpass
                              (mode 0600).
  init                        create or upgrade the tables on the server (safe to rerun)
  sync                        send the changes made offline (the outbox), then
                              copy the scope's changes into the snapshot.
                              A change on a key that moved on meanwhile is a
                              conflict: the server's value stays, yours is kept
                              (remote status lists it), exit 6.
  sync --follow               stay connected (one LISTEN connection) and keep the
                              snapshot current within a second; catches up by
                              revision after every reconnect. Ctrl-C stops.
  status                      server, scope, revision, outbox, conflicts, how old
                              the snapshot is, and where the password comes from
  resolve KEY --mine|--theirs settle a conflict: write your value over the
                              server's, or keep the server's and drop yours
  password [--delete]         store the server's password in the OS keychain
                              (typed at a prompt that does not echo, or read
                              from stdin), or remove it. A keychain that does
                              not answer within 3 s counts as none: use
                              ~/.pgpass then (the message gives the line).

Write a shared value with: strata --app NAME set --shared KEY VALUE
(queued in the outbox when the server cannot be reached).
The commands that talk to the server need Bun (the strata binary); under
Deno the shared layer is read from its snapshot.

Examples:
  strata --app pipeline remote connect postgres://ana@db.example.com/config --scope team:ops/pipeline
  strata --app pipeline remote init
  strata --app pipeline set --shared db.pool 20 --type int
  strata --app pipeline remote sync --follow
  strata --app pipeline remote resolve db.pool --theirs
  strata --app pipeline remote password
`;

/** The flags of `remote`. */
export const options = {
  scope: { type: "string" },
  follow: { type: "boolean" },
  json: { type: "boolean" },
  mine: { type: "boolean" },
  theirs: { type: "boolean" },
  delete: { type: "boolean" },
} as const;

const SUBCOMMANDS = ["connect", "init", "sync", "status", "resolve", "password"];

/** Runs `strata remote`. */
export async function run(context: CommandContext): Promise<number> {
  const [sub, ...rest] = context.positionals;
  if (!sub) throw usage("remote", `missing a subcommand: ${SUBCOMMANDS.join(", ")}`);
  switch (sub) {
    case "connect":
      return await connect(context, rest);
    case "init":
      expectPositionals(rest, "remote", []);
      return await withReplica(context, init);
    case "sync":
      expectPositionals(rest, "remote", []);
      return await withReplica(context, context.flags.follow ? followSync : sync);
    case "status":
      expectPositionals(rest, "remote", []);
      return await withReplica(context, status);
    case "password":
      expectPositionals(rest, "remote", []);
      return await (await import("./_remote_password.ts")).password(context);
    case "resolve": {
      const [key] = expectPositionals(rest, "remote", ["KEY"]);
      return await withReplica(context, (r, c) => resolve(r, c, key));
    }
  }
  throw usage("remote", `unknown subcommand "${sub}": use one of ${SUBCOMMANDS.join(", ")}`);
}

async function withReplica(
  context: CommandContext,
  fn: (replica: Replica, context: CommandContext, password: PasswordFound) => Promise<number>,
): Promise<number> {
  const { replica, password } = await openReplicaWith(openFromContext(context), context);
  try {
    return await fn(replica, context, password);
  } catch (error) {
    if (error instanceof StrataError) throw error;
    const { isUnreachable } = await import("../remote/_unreachable.ts");
    if (isUnreachable(error)) {
      throw new StrataError(
        "io",
        unreachableMessage(replica.options.url, (error as Error).message),
      );
    }
    const e = error as { message?: string; code?: string };
    throw new StrataError("io", `the server ${replica.options.url} refused: ${e.message}`);
  } finally {
    await replica.close();
  }
}

async function connect(context: CommandContext, rest: string[]): Promise<number> {
  const [url] = expectPositionals(rest, "remote", ["URL"]);
  const scopeFlag = context.flags.scope;
  if (typeof scopeFlag !== "string") {
    throw usage("remote", "connect needs --scope SCOPE (e.g. --scope team:ops/pipeline)");
  }
  const { parseRemoteUrl, checkScope } = await import("../remote/remote_url.ts");
  parseRemoteUrl(url);
  const scope = checkScope(scopeFlag);
  const config = openFromContext(context);
  const a = await config.set("remote.url", url, { layer: "user", type: "string", raw: true });
  await config.set("remote.scope", scope, { layer: "user", type: "string", raw: true });
  const app = config.app;
  context.out(
    `remote.url = ${JSON.stringify(url)}\nremote.scope = ${
      JSON.stringify(scope)
    }  (user: ${a.file})\n` +
      `shared layer: ${snapshotFileOf(config)}\n` +
      `next: strata --app ${app} remote init (once per server), then strata --app ${app} remote sync\n`,
  );
  return 0;
}

async function init(replica: Replica, context: CommandContext): Promise<number> {
  const { migrate } = await import("../remote/server.ts");
  const result = await migrate(replica.sql());
  const { url } = replica.options;
  context.out(
    result.applied.length
      ? `${url}: applied migration ${
        result.applied.join(", ")
      }; the tables are at version ${result.version}\n`
      : `${url}: the tables are already at version ${result.version}; nothing to do\n`,
  );
  return 0;
}

function conflictLines(conflicts: Conflict[], app: string | undefined): string {
  return conflicts.map((c) =>
    `conflict: ${c.key}: the server's value ${c.theirs.deleted ? "(removed)" : c.theirs.text} ` +
    `(version ${c.theirs.version}, by ${c.theirs.updatedBy || "?"}) was kept; yours, ` +
    `${c.mine.deleted ? "(remove)" : c.mine.text}, was made on version ${c.base}. To settle: ` +
    `strata --app ${app} remote resolve ${c.key} --mine (write yours) or --theirs (keep the server's)\n`
  ).join("");
}

async function sync(replica: Replica, context: CommandContext): Promise<number> {
  const { push, pull } = await replica.sync();
  const app = context.global.app ?? context.env.STRATA_APP;
  for (const w of pull.warnings) context.err(`strata: ${w}\n`);
  if (pull.skipped.length) {
    context.err(
      `strata: left out of the snapshot (under another key's value): ${pull.skipped.join(", ")}\n`,
    );
  }
  const sent = push.pushed.length ? `sent ${push.pushed.length} queued change(s); ` : "";
  context.out(
    `${sent}${replica.options.scope} at revision ${pull.revision}: ${pull.changed.length} key(s) ` +
      `changed (${replica.options.snapshotFile})\n`,
  );
  const open = Object.values(replica.conflicts());
  if (open.length) {
    context.err(conflictLines(open, app));
    return 6;
  }
  return 0;
}

async function followSync(replica: Replica, context: CommandContext): Promise<number> {
  const { follow } = await import("../remote/follow.ts");
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const app = context.global.app ?? context.env.STRATA_APP;
  await follow(replica, (event) => {
    switch (event.kind) {
      case "listening":
        context.out(`following ${replica.options.scope} on ${replica.options.url}\n`);
        break;
      case "pulled":
        if (event.result.changed.length) {
          context.out(
            `revision ${event.result.revision}: ${event.result.changed.join(", ")}\n`,
          );
        }
        break;
      case "pushed":
        if (event.result.pushed.length) {
          context.out(`sent ${event.result.pushed.length} queued change(s)\n`);
        }
        if (event.result.conflicts.length) context.err(conflictLines(event.result.conflicts, app));
        break;
      case "offline":
        context.err(
          `strata: ${unreachableMessage(replica.options.url, event.reason)}; ` +
            `reads go on from the snapshot, retrying\n`,
        );
        break;
      case "error":
        context.err(`strata: ${(event.error as Error).message}\n`);
        break;
    }
  }, { signal: stop.signal });
  return 0;
}

async function status(
  replica: Replica,
  context: CommandContext,
  password: PasswordFound,
): Promise<number> {
  const fs = await import("node:fs");
  const { readSnapshotHeader } = await import("../remote/snapshot.ts");
  const { rowsSince } = await import("../remote/server.ts");
  const { isUnreachable } = await import("../remote/_unreachable.ts");
  const mirror = replica.mirror();
  const outbox = replica.outbox();
  const conflicts = Object.values(replica.conflicts());
  let header: ReturnType<typeof readSnapshotHeader> = {};
  try {
    header = readSnapshotHeader(fs.readFileSync(replica.options.snapshotFile, "utf8"));
  } catch { /* no snapshot yet */ }
  let server: number | string;
  try {
    server = (await rowsSince(replica.sql(), replica.options.scope, Number.MAX_SAFE_INTEGER))
      .revision;
  } catch (error) {
    if (error instanceof StrataError && error.code === "usage") {
      server = "not asked (talking to the server needs Bun: the strata binary or bun main.ts)";
    } else if (!isUnreachable(error)) throw error;
    else server = `unreachable (${(error as Error).message})`;
  }
  const ageS = header.time ? Math.round((Date.now() - Date.parse(header.time)) / 1000) : undefined;
  const data = {
    server: replica.options.url,
    scope: replica.options.scope,
    snapshot: replica.options.snapshotFile,
    revision: header.revision ?? 0,
    serverRevision: server,
    snapshotTime: header.time ?? null,
    snapshotAgeSeconds: ageS ?? null,
    lastSync: mirror.lastSync ?? null,
    password: {
      source: password.source ?? null,
      ...(password.keychainProblem === undefined ? {} : { keychain: password.keychainProblem }),
    },
    outbox: outbox.map((e) => ({ key: e.key, value: e.deleted ? null : e.text, time: e.time })),
    conflicts: conflicts.map((c) => ({
      key: c.key,
      mine: c.mine.text,
      theirs: c.theirs.text,
      base: c.base,
      theirsVersion: c.theirs.version,
    })),
  };
  if (context.flags.json) {
    context.out(`${toJson(data)}\n`);
  } else {
    const lines = [
      `server:    ${data.server}`,
      `scope:     ${data.scope}`,
      `snapshot:  ${data.snapshot} (revision ${data.revision}${
        ageS === undefined ? ", never synced" : `, written ${ageS} s ago`
      })`,
      `server at: ${typeof server === "number" ? `revision ${server}` : server}`,
      `last sync: ${data.lastSync ?? "never"}`,
      `password:  ${passwordText(password)}`,
      `outbox:    ${outbox.length} change(s) waiting${
        outbox.length
          ? ` (${outbox.map((e) => e.key).join(", ")}): strata remote sync sends them`
          : ""
      }`,
      `conflicts: ${conflicts.length}${
        conflicts.length
          ? ` (${conflicts.map((c) => c.key).join(", ")}): see strata remote resolve`
          : ""
      }`,
    ];
    context.out(lines.join("\n") + "\n");
  }
  return conflicts.length ? 6 : 0;
}

function passwordText(found: PasswordFound): string {
  const from = found.source === "PGPASSWORD"
    ? "from PGPASSWORD"
    : found.source === "keychain"
    ? "from the OS keychain"
    : found.source === "pgpass"
    ? "from ~/.pgpass (or PGPASSFILE)"
    : "none found (PGPASSWORD, the OS keychain: strata remote password, ~/.pgpass)";
  return found.keychainProblem === undefined
    ? from
    : `${from}; the keychain did not answer (${found.keychainProblem})`;
}

async function resolve(replica: Replica, context: CommandContext, key: string): Promise<number> {
  const mine = context.flags.mine === true;
  const theirs = context.flags.theirs === true;
  if (mine === theirs) {
    throw usage(
      "remote",
      "resolve needs exactly one of --mine (write yours) or --theirs (keep the server's)",
    );
  }
  const canonical = formatKey(parseKey(key));
  const { conflict, result } = await replica.resolve(canonical, mine ? "mine" : "theirs");
  context.out(
    mine
      ? `${canonical} = ${conflict.mine.text}  (shared: written over the server's ${conflict.theirs.text}` +
        `${result?.state === "written" ? `, version ${result.version}` : ""})\n`
      : `${canonical}: kept the server's value; yours (${conflict.mine.text}) was dropped\n`,
  );
  return 0;
}
