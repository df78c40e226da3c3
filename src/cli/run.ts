/**
 * `strata run [--only PREFIX] -- COMMAND ARGS...`: runs a program with the
 * resolved configuration in its environment (`<APP>_<KEY>` names, sealed
 * values opened into the child's environment only), and passes its exit
 * code and the signals it gets through.
 *
 * @module
 */

import { usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { environmentOf } from "./_env_vars.ts";
import { openFromContext, printWarnings } from "./_open.ts";

/** `strata run --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] run [--only PREFIX] -- COMMAND [ARGS...]

Run COMMAND with the effective configuration added to its environment, one
variable per key, named as the environment layer reads them: <APP>_<KEY>,
upper case, "__" between levels (db.host of app demo is DEMO_DB__HOST; with
--file there is no prefix: DB__HOST). Strings as they are, numbers, booleans
and dates as their TOML text, arrays and tables as JSON.

Sealed values are opened (with the app's identity: see strata key) into the
child's environment only: never into a file, never onto a command line.
strata exits with COMMAND's exit code; a signal strata gets (INT, TERM,
HUP, QUIT, USR1, USR2) is passed to COMMAND (on a terminal, Ctrl-C and
Ctrl-\\ reach COMMAND directly, so INT and QUIT are not passed again), and
when COMMAND dies of a signal, strata dies of the same one. 127 when
COMMAND cannot be started.

Options:
  --only PREFIX   only the keys under PREFIX (e.g. --only db)

Examples:
  strata --app demo run -- ./server --port 8080
  strata --app demo run --only db -- psql
  # cron: identity from a file only root can read
  0 3 * * * STRATA_IDENTITY_FILE=/etc/demo/identity strata --app demo run -- /usr/local/bin/nightly
`;

/** The flags of `run`. */
export const options = { only: { type: "string" } } as const;

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/** Runs `strata run`. */
export async function run(context: CommandContext): Promise<number> {
  // Everything after "--" is the command, whatever it looks like.
  const command = context.positionals;
  if (command.length === 0) {
    throw usage("run", "missing COMMAND: strata run -- COMMAND [ARGS...]");
  }
  const config = openFromContext(context);
  const only = context.flags.only as string | undefined;
  const { vars } = await environmentOf(context, config, only, true);
  printWarnings(context, config.warnings());
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(context.env)) if (v !== undefined) env[k] = v;
  for (const v of vars) env[v.name] = v.text;
  const { spawn } = await import("node:child_process");
  return await new Promise<number>((done) => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", env });
    // On a terminal, Ctrl-C and Ctrl-\ reach the command directly (it is in the terminal's
    // foreground group): strata then only waits for INT and QUIT, as system(3) does, so the
    // command does not see them twice. Every other signal sent to strata is passed on.
    const terminal = process.stdin.isTTY === true;
    const forward = (signal: NodeJS.Signals) => () => {
      if (!(terminal && (signal === "SIGINT" || signal === "SIGQUIT"))) child.kill(signal);
    };
    const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const stop = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.on("error", (e: Error & { code?: string }) => {
      stop();
      context.err(
        `strata: cannot run ${JSON.stringify(command[0])}: ${
          e.code === "ENOENT" ? "no such program (check the name and PATH)" : e.message
        }\n`,
      );
      done(127);
    });
    child.on("exit", (code, signal) => {
      stop();
      if (signal !== null) {
        // Die of the same signal, so a caller sees what the child saw.
        process.kill(process.pid, signal);
        done(128 + (signalNumbers[signal] ?? 0));
        return;
      }
      done(code ?? 1);
    });
  });
}

const signalNumbers: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};
