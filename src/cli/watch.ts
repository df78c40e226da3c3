/**
 * `strata watch [KEY|PREFIX] [--json] [--exec -- COMMAND ARGS...]`: prints
 * each change of the effective configuration as it happens, or runs a
 * command on each settled change, until interrupted.
 *
 * @module
 */

import type { ConfigChange, WatchError } from "../config/config.ts";
import { expectPositionals, findCommand, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { describeOrigin, formatLiteral, needsFloatCheck, toJson } from "./_output.ts";
import { type ExecRunner, execRunner, plain } from "./_watch_exec.ts";

/** `strata watch --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] watch [KEY|PREFIX] [--json]
       strata [--app NAME | --file PATH] watch [KEY|PREFIX] --exec -- COMMAND [ARGS...]

Watch every file of the configuration (project, user, shared, system, defaults,
--file, the schema; also a project file that does not exist yet) and print
one line per key whose effective value changes, by any writer, as it
happens, until interrupted (Ctrl-C, SIGINT or SIGTERM: exit 0):

  db.port: 5432 -> 6543  (user /home/me/.config/demo/config.toml:3)

A key that appears shows "(unset) -> value", a key removed "value -> (unset)"
with where it was. With a shared layer (strata remote --help), watch also
follows its server, so a change made on another machine shows within a second. Only keys under KEY|PREFIX when given. Writing the same
value again prints nothing. A file that does not parse (half-written, or
broken by hand) is reported on stderr with its file:line:column; the last
good configuration is kept (no backup is used) until the file changes again.

Options:
  --json    one JSON object per line (NDJSON): {"key", "old", "new", "layer",
            "origin"}; "old"/"new" are null when the key was not set / removed
  --exec    run COMMAND (everything after --) once changes settle (100 ms
            without a change), never two at once: changes during a run lead
            to one more run after it. Its output is passed through; it gets
            STRATA_CHANGED_KEYS (the keys, space-separated) and STRATA_CHANGES
            (a JSON array of the changes, as --json prints them). A command
            that fails is reported on stderr and the watch goes on.

Exit codes: 0 when interrupted (SIGINT/SIGTERM; a running command gets the
same signal and is awaited); 2 for a usage error, also when the --exec
command cannot be started (not found, not executable); 3 when the
configuration cannot be read when the watch starts.

Examples:
  strata --app demo watch
  strata --app demo watch db --json
  strata --app demo watch db.port --exec -- sh -c 'echo "now: $STRATA_CHANGED_KEYS"'
`;

/** The flags of `watch`. */
export const options = {
  json: { type: "boolean" },
  exec: { type: "boolean" },
} as const;

/** Runs `strata watch`. */
export async function run(context: CommandContext): Promise<number> {
  const command = context.flags.exec ? execCommand(context.positionals.length) : undefined;
  const keys = command
    ? context.positionals.slice(0, context.positionals.length - command.length)
    : context.positionals;
  const [prefix] = expectPositionals(keys, "watch", [], ["KEY|PREFIX"]);
  const config = openFromContext(context);
  // Refuses a malformed key (and an unreadable start) before anything runs.
  config.list(prefix);
  printWarnings(context, config.warnings());
  // A release binary starts with JavaScriptCore's JIT held back (its one-shot commands run
  // their code once; see scripts/_build_compile.ts): a watch runs for hours, so it goes back
  // to the normal policy. Elsewhere (Deno, Node) there is nothing to do.
  (globalThis as { Bun?: { unsafe?: { setJITPolicy?(scale: number): void } } }).Bun?.unsafe
    ?.setJITPolicy?.(1);
  const json = context.flags.json === true;
  // A whole float prints as 2.0, as `get` prints it.
  const isFloat = (key: string, value: unknown) => {
    if (!needsFloatCheck(value)) return false;
    try {
      return config.typeOf(key)?.type === "float";
    } catch {
      return false;
    }
  };
  // A shared layer: follow its server too, so its changes reach the snapshot watched here.
  const unfollow = config.app === undefined || config.get("remote.url") === undefined
    ? undefined
    : await (await import("./_watch_remote.ts")).followShared(config, context);
  return await new Promise<number>((finish) => {
    let runner: ExecRunner | undefined;
    const onError = (e: WatchError) => context.err(watchErrorText(e));
    const print = (change: ConfigChange) =>
      context.out(json ? `${toJson(plain(change), 0)}\n` : changeLine(change, isFloat));
    const watch = config.watch(
      prefix ?? "",
      command ? (change) => runner?.push([change]) : print,
      { onError },
    );
    const stop = async (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      watch.close();
      await Promise.all([runner?.stop(signal), unfollow?.()]);
      finish(0);
    };
    const onSigint = () => void stop("SIGINT");
    const onSigterm = () => void stop("SIGTERM");
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);
    if (command) {
      runner = execRunner(command, context.env, context.err, (e) => {
        process.off("SIGINT", onSigint);
        process.off("SIGTERM", onSigterm);
        watch.close();
        void runner?.stop("SIGTERM");
        void unfollow?.();
        context.err(`strata: ${e.message}\n`);
        finish(e.exitCode);
      });
    }
  });
}

/** The command after `--`: the last `count` positionals are at most those after the first `--`. */
function execCommand(count: number): string[] {
  const argv = process.argv.slice(2);
  const at = findCommand(argv);
  const dash = argv.indexOf("--", at + 1);
  const command = dash === -1 ? [] : argv.slice(dash + 1);
  if (command.length === 0 || command.length > count) {
    throw usage(
      "watch",
      "--exec needs a command after --, e.g. strata watch --exec -- sh -c 'echo \"$STRATA_CHANGED_KEYS\"'",
    );
  }
  return command;
}

/** `db.port: 5432 -> 6543  (user /home/me/.config/demo/config.toml:3)`. */
function changeLine(
  change: ConfigChange,
  isFloat: (key: string, value: unknown) => boolean,
): string {
  const show = (present: boolean, value: unknown) =>
    present ? formatLiteral(value, isFloat(change.key, value)) : "(unset)";
  const old = show("old" in change, change.old);
  const now = show("new" in change, change.new);
  return `${change.key}: ${old} -> ${now}  (${describeOrigin(change.origin)})\n`;
}

function watchErrorText(e: WatchError): string {
  return `strata: watch: ${e.message}\n` +
    `strata: watch: keeping the last good configuration until the file changes again\n`;
}
