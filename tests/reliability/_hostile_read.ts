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
import * as path from "node:path";
import { cliSync, type Finished, isRoot, makeSandbox, type Sandbox } from "../_support/mod.ts";

export { isRoot, NOBODY } from "../_support/mod.ts";

/** Why the cases that need root (chown, mount, mknod, another user) cannot run here, or false. */
export function needsRoot(): string | false {
  if (process.platform === "win32") return "POSIX owners and modes do not apply on Windows";
  if (!isRoot) return "not root: cannot run as another user, chown, mount or mknod";
  const probe = spawnSync("setpriv", ["--version"], { stdio: "ignore" });
  return probe.status === 0 ? false : "setpriv is not installed: cannot drop to nobody";
}

/** A sandbox whose folders everyone can enter (0755), with a project folder `work`. */
export function openSandbox(): Sandbox {
  const box = makeSandbox();
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

/** Runs the CLI (from source, under the runtime running the tests) with a time bound. */
export function strata(box: Sandbox, args: string[], options: RunAs = {}): Finished {
  return cliSync(box, args, {
    ...options,
    cwd: options.cwd ?? box.work,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
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
