/**
 * Runs a command on each settled batch of changes for `strata watch --exec`:
 * debounced, never two at once (changes during a run lead to one more run
 * after it), with the changes in its environment and its output passed
 * through.
 *
 * @module
 */

import type { ConfigChange } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { toJson } from "./_output.ts";

/** How long changes must pause before the command runs, ms. */
export const EXEC_SETTLE_MS = 100;

/** A running `--exec` loop. */
export interface ExecRunner {
  /** Adds changes; the command runs once they settle. */
  push(changes: ConfigChange[]): void;
  /** Stops: no more runs; a running command gets `signal` and is awaited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the loop. `fail` is called when the command cannot be started at
 * all (not found, not executable): the watch should end.
 */
export function execRunner(
  command: string[],
  env: Record<string, string | undefined>,
  err: (text: string) => void,
  fail: (error: StrataError) => void,
  settleMs = EXEC_SETTLE_MS,
): ExecRunner {
  const { spawn } = process.getBuiltinModule("node:child_process");
  // Per key: the value before the batch and the latest change.
  let pending = new Map<string, ConfigChange>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  let stopped = false;

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(fire, settleMs);
  };

  function fire(): void {
    timer = undefined;
    if (stopped || running || pending.size === 0) return;
    const changes = [...pending.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0
    );
    pending = new Map();
    running = new Promise<void>((done) => {
      child = spawn(command[0], command.slice(1), {
        stdio: "inherit",
        env: {
          ...env,
          STRATA_CHANGED_KEYS: changes.map((c) => c.key).join(" "),
          STRATA_CHANGES: toJson(changes.map(plain), 0),
        },
      });
      child.on("error", (e: NodeJS.ErrnoException) => {
        fail(
          new StrataError(
            "usage",
            `the command ${JSON.stringify(command[0])} could not be started (${
              e.code ?? e.message
            }); ` +
              `check its name and $PATH, e.g. strata watch --exec -- sh -c 'echo "$STRATA_CHANGED_KEYS"'`,
          ),
        );
        done();
      });
      child.on("exit", (code, signal) => {
        if (!stopped && code !== 0) {
          err(
            `strata: watch: ${command[0]} ended with ${signal ?? `exit ${code}`}; still watching\n`,
          );
        }
        done();
      });
    }).then(() => {
      running = undefined;
      child = undefined;
      if (!stopped && pending.size > 0) schedule();
    });
  }

  return {
    push(changes) {
      if (stopped) return;
      for (const change of changes) {
        const before = pending.get(change.key);
        const merged = { ...change };
        delete merged.old;
        if (before === undefined) {
          if ("old" in change) merged.old = change.old;
        } else if ("old" in before) merged.old = before.old;
        pending.set(change.key, merged);
      }
      if (!running) schedule();
    },
    async stop(signal) {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      child?.kill(signal);
      await running;
    },
  };
}

/** A change as JSON wants it: absent values as null, every field present. */
export function plain(change: ConfigChange): Record<string, unknown> {
  return {
    key: change.key,
    old: change.old ?? null,
    new: change.new ?? null,
    layer: change.layer,
    origin: change.origin,
  };
}
