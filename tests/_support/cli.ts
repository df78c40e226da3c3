/**
 * Runs the strata CLI from source in a sandbox: without blocking, to the
 * end, and, where file modes must bite (root ignores them), as the
 * unprivileged user `nobody` (uid 65534) through `setpriv` or `runuser`.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliCommand, hasTool } from "./runtime.ts";
import { type Finished, runSync, start, type StartOptions } from "./process.ts";

/** The unprivileged user a subject runs as. */
export const NOBODY = 65534;

/** Whether the tests run as root (CI does). */
export const isRoot = process.getuid?.() === 0;

/** What a run needs of its sandbox: the environment of every process in it. */
export interface HasEnv {
  /** The sandbox's environment. */
  env: Record<string, string>;
}

/** Runs the CLI with `args` in `box` without blocking; resolves when it has ended. */
export function cli(
  box: HasEnv,
  args: string[],
  options: Omit<StartOptions, "env"> & { env?: Record<string, string> } = {},
): Promise<Finished> {
  const [command, argv] = cliCommand();
  return start(command, [...argv, ...args], {
    ...options,
    env: { ...box.env, ...options.env },
  }).done;
}

/** Options of {@link cliSync}. */
export interface CliSyncOptions {
  /** Extra environment. */
  env?: Record<string, string>;
  /** Working folder (default: the test's own). */
  cwd?: string;
  /** Text for stdin. */
  input?: string;
  /** Kill it after this long (a hang is a failure, not a stuck suite). */
  timeoutMs?: number;
  /** Run as `nobody` (see {@link asNobody}); default: as the test's user. */
  nobody?: boolean;
  /** The umask to run under (e.g. 0o077). */
  umask?: number;
}

/** Runs the CLI with `args` in `box` to its end. */
export function cliSync(box: HasEnv, args: string[], options: CliSyncOptions = {}): Finished {
  const [command, argv] = cliCommand();
  const env = { ...box.env, ...options.env };
  let prefix: string[] = [];
  if (options.nobody) {
    prefix = asNobody() ?? fail("no setpriv or runuser here: cannot run as nobody");
    env.DENO_DIR = nobodyDenoDir();
  }
  const umask = options.umask === undefined
    ? []
    : ["sh", "-c", `umask ${options.umask.toString(8)}; exec "$@"`, "sh"];
  const all = [...umask, ...prefix, command, ...argv, ...args];
  return runSync(all[0], all.slice(1), {
    env,
    cwd: options.cwd,
    input: options.input,
    timeoutMs: options.timeoutMs,
  });
}

function fail(message: string): never {
  throw new Error(message);
}

/** The command prefix that runs a program as `nobody` (setpriv, else runuser), if there is one. */
export function asNobody(): string[] | undefined {
  if (hasTool("setpriv")) {
    return ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"];
  }
  if (hasTool("runuser")) return ["runuser", "-u", "nobody", "--"];
  return undefined;
}

/** A Deno module cache `nobody` may write (the test user's own is not reachable). */
export function nobodyDenoDir(): string {
  const dir = path.join(os.tmpdir(), `.strata-deno-${NOBODY}`);
  fs.mkdirSync(dir, { recursive: true });
  if (isRoot) fs.chownSync(dir, NOBODY, NOBODY);
  return dir;
}
