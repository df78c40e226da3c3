/**
 * Helpers of the hostile read campaign (`hostile_read*_test.ts`): a sandbox
 * every user can enter, and runs of the CLI as root (the test's user) or as
 * the unprivileged user `nobody` (uid 65534, through `setpriv`), each with a
 * time bound, so that a hang is a failure and not a stuck suite.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliCommand, type Finished, type Sandbox, sandbox } from "./_harness.ts";

/** The unprivileged user the subject runs as. */
export const NOBODY = 65534;

/** Whether the tests run as root (CI does). */
export const isRoot = process.getuid?.() === 0;

/** Why the cases that need root (chown, mount, mknod, another user) cannot run here, or false. */
export function needsRoot(): string | false {
  if (process.platform === "win32") return "POSIX owners and modes do not apply on Windows";
  if (!isRoot) return "not root: cannot run as another user, chown, mount or mknod";
  const probe = spawnSync("setpriv", ["--version"], { stdio: "ignore" });
  return probe.status === 0 ? false : "setpriv is not installed: cannot drop to nobody";
}

/** A sandbox whose folders everyone can enter (0755), with a project folder `work`. */
export function openSandbox(): Sandbox {
  const box = sandbox();
  fs.chmodSync(box.root, 0o755);
  for (const name of fs.readdirSync(box.root)) fs.chmodSync(path.join(box.root, name), 0o755);
  return box;
}

/** Options of {@link strata}. */
export interface RunAs {
  /** Run as `nobody` (default: as the test's user). */
  nobody?: boolean;
  /** Working folder (default: the sandbox's `work`). */
  cwd?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Kill after this long (a hang is a failure); default 60 s. */
  timeoutMs?: number;
  /** Text for stdin. */
  input?: string;
  /** The umask to run under (e.g. 0o077). */
  umask?: number;
}

/** A Deno cache `nobody` may write (the test user's own is not reachable). */
function nobodyDenoDir(): string {
  const dir = path.join(os.tmpdir(), ".strata-hostile-deno-65534");
  fs.mkdirSync(dir, { recursive: true });
  fs.chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** Runs the CLI (from source, under the runtime running the tests) with a time bound. */
export function strata(box: Sandbox, args: string[], options: RunAs = {}): Finished {
  const [command, argv] = cliCommand();
  const prefix = options.nobody
    ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"]
    : [];
  const env = { ...box.env, ...options.env };
  if (options.nobody) env.DENO_DIR = nobodyDenoDir();
  const umask = options.umask === undefined
    ? []
    : ["sh", "-c", `umask ${options.umask.toString(8)}; exec "$@"`, "sh"];
  const all = [...umask, ...prefix, command, ...argv, ...args];
  const r = spawnSync(all[0], all.slice(1), {
    env,
    cwd: options.cwd ?? box.work,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    input: options.input ?? "",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error && (r.error as { code?: string }).code !== "ETIMEDOUT") throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts-friendly summary of a run: exit code, signal, and the first lines of stderr. */
export function outcome(run: Finished): string {
  return `code ${run.code} signal ${run.signal}: ${run.stderr.slice(0, 600)}`;
}

/** Makes a FIFO (named pipe) at `file` with `mkfifo`. */
export function mkfifo(file: string): void {
  const r = spawnSync("mkfifo", ["-m", "0666", file]);
  if (r.status !== 0) throw new Error(`mkfifo ${file} failed: ${r.stderr}`);
}
