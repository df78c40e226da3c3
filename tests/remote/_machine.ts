/**
 * A "machine" for the shared layer's tests: a sandbox (its own home and XDG
 * folders) and the CLI run under Bun, whatever runtime runs the test (the
 * commands that talk to the server need Bun's client); `deno` runs it under
 * Deno for the checks of what works there.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox, type Run, type Sandbox } from "../e2e/_sandbox.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const REPO = path.dirname(MAIN);
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
  /**
   * SIGTERM, then waits for the exit: 0 when the process ended cleanly. Deno's
   * child_process reports a process that handled SIGTERM and exited as killed
   * by it (code null); there, "SIGTERM" is the clean end.
   */
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
    run(args, env) {
      const r = spawnSync(BUN, argsOf(args), { ...options(env), encoding: "utf8" });
      if (r.error) throw r.error;
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    runAsync(args, env) {
      return new Promise((done, fail) => {
        const child = spawn(BUN, argsOf(args), {
          ...options(env),
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (c: string) => stdout += c);
        child.stderr.setEncoding("utf8").on("data", (c: string) => stderr += c);
        child.on("error", fail);
        child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
      });
    },
    runDeno(args) {
      const r = spawnSync(
        DENO,
        [
          "run",
          "-A",
          "--quiet",
          "--config",
          path.join(REPO, "deno.json"),
          MAIN,
          "--app",
          app,
          ...args,
        ],
        { ...options(), encoding: "utf8" },
      );
      if (r.error) throw r.error;
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    start(args, env) {
      const child = spawn(BUN, argsOf(args), {
        ...options(env),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      const waiters: (() => void)[] = [];
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        stdout += c;
        for (const w of waiters.splice(0)) w();
      });
      child.stderr.setEncoding("utf8").on("data", (c: string) => stderr += c);
      const exited = new Promise<number | string>((done) =>
        child.on("close", (code, signal) => {
          if (code === null && signal === "SIGTERM" && "Deno" in globalThis) done(0);
          else done(code ?? signal ?? -1);
        })
      );
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
          return await exited;
        },
      };
    },
    cleanup: () => box.cleanup(),
  };
}

/** Polls `check` every 10 ms until it returns true; the time it took, in ms. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out (${timeoutMs} ms): ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}
