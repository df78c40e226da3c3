/**
 * Helpers of the secrets tests: run the real CLI with input on stdin while
 * the command lines of every strata process are read from `/proc` (so a
 * test can show that no secret ever sat on one).
 *
 * @module
 */

import fs from "node:fs";
import path from "node:path";
import { cliCommand, MAIN, type Run, runOf, type Sandbox, start } from "../_support/mod.ts";

/** `/proc/<pid>/cmdline` can be read here (Linux). */
export const procReadable = fs.existsSync("/proc/self/cmdline");

/** The command lines of the running processes that run strata's main.ts (NULs as spaces). */
export function strataCommandLines(): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(pid)) continue;
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (text.includes(MAIN)) out.push(text.replaceAll("\0", " "));
  }
  return out;
}

/** One run, and the strata command lines seen while it ran. */
export interface WatchedRun extends Run {
  /** Every distinct strata command line seen in /proc during the run. */
  cmdlines: string[];
}

/** Every strata command line seen by any {@link runWatched} of a test, to scan at the end. */
export type Seen = Set<string>;

/**
 * Runs the CLI in the sandbox with `input` on stdin (empty when absent),
 * reading the command line of every strata process every few milliseconds
 * while it runs.
 */
export function runWatched(
  box: Sandbox,
  args: string[],
  options: { input?: string; env?: Record<string, string>; seen?: Seen } = {},
): Promise<WatchedRun> {
  const [exe, prefix] = cliCommand();
  const env = {
    ...box.env,
    STRATA_KEYCHAIN: "0",
    TMPDIR: path.join(box.root, "tmp"),
    ...options.env,
  };
  fs.mkdirSync(env.TMPDIR, { recursive: true });
  const cmdlines = new Set<string>();
  const look = () => {
    if (!procReadable) return;
    for (const line of strataCommandLines()) {
      cmdlines.add(line);
      options.seen?.add(line);
    }
  };
  const timer = setInterval(look, 3);
  look();
  return start(exe, [...prefix, ...args], { cwd: box.project, env, input: options.input })
    .done.then((done) => ({ ...runOf(done), cmdlines: [...cmdlines] }))
    .finally(() => clearInterval(timer));
}
