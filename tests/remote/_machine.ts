/**
 * A "machine" for the shared layer's tests: a sandbox (its own home and XDG
 * folders) and the CLI run under Bun, whatever runtime runs the test (the
 * commands that talk to the server need Bun's client); `deno` runs it under
 * Deno for the checks of what works there.
 *
 * @module
 */

import path from "node:path";
import {
  MAIN,
  makeSandbox,
  REPO,
  type Run,
  runOf,
  runSync,
  type Sandbox,
  start,
  startSignalled,
} from "../_support/mod.ts";

/** The pinned Bun and Deno of the repository. */
export const BUN = path.join(REPO, "node_modules", ".bin", "bun");
export const DENO = path.join(REPO, "node_modules", ".bin", "deno");

/** A machine: a sandbox plus runs of the CLI for one app. */
export interface Machine {
  box: Sandbox;
  /** The snapshot's path. */
  snapshot: string;
  /** Runs `strata --app APP ...` under Bun and waits. */
  run(args: string[], env?: Record<string, string>): Run;
  /** The same, without blocking. */
  runAsync(args: string[], env?: Record<string, string>): Promise<Run>;
  /** Runs `strata --app APP ...` under Deno and waits. */
  runDeno(args: string[]): Run;
  /** Starts a long-running `strata --app APP ...` under Bun (e.g. `remote sync --follow`). */
  start(args: string[], env?: Record<string, string>): Started;
  cleanup(): void;
}

/** A running CLI process. */
export interface Started {
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when stdout holds `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then waits for the exit: its code (0 when it ended cleanly), or the signal that ended it. */
  stop(): Promise<number | string>;
}

/** A new machine for `app`. */
export function makeMachine(app: string): Machine {
  const box = makeSandbox();
  const argsOf = (args: string[]) => ["--no-env-file", MAIN, "--app", app, ...args];
  const options = (env?: Record<string, string>) => ({
    cwd: box.project,
    env: { ...box.env, ...env },
  });
  return {
    box,
    snapshot: path.join(box.configHome, app, "shared.toml"),
    run: (args, env) => runOf(runSync(BUN, argsOf(args), options(env))),
    runAsync: (args, env) => start(BUN, argsOf(args), options(env)).done.then(runOf),
    runDeno(args) {
      const deno = ["run", "-A", "--quiet", "--config", path.join(REPO, "deno.json"), MAIN];
      return runOf(runSync(DENO, [...deno, "--app", app, ...args], options()));
    },
    start(args, env) {
      let stdout = "";
      let stderr = "";
      const waiters: (() => void)[] = [];
      const child = startSignalled(BUN, argsOf(args), {
        ...options(env),
        onOut: (c) => {
          stdout += c;
          for (const w of waiters.splice(0)) w();
        },
        onErr: (c) => stderr += c,
      });
      return {
        output: () => ({ stdout, stderr }),
        async waitFor(text, timeoutMs = 30000) {
          const until = Date.now() + timeoutMs;
          while (!stdout.includes(text)) {
            if (Date.now() > until) {
              throw new Error(
                `timed out waiting for ${
                  JSON.stringify(text)
                }; stdout: ${stdout}; stderr: ${stderr}`,
              );
            }
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 200);
            });
          }
        },
        async stop() {
          child.kill("SIGTERM");
          const { code, signal } = await child.exited;
          return code ?? signal ?? -1;
        },
      };
    },
    cleanup: () => box.cleanup(),
  };
}
