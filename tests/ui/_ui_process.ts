/**
 * Runs `strata ui` from source in a sandbox (as the e2e tests run the CLI:
 * `bun main.ts` under Bun, `deno run -A main.ts` under Deno) and reads the
 * URL it prints first.
 *
 * @module
 */

import { cliCommand, type Sandbox, startSignalled } from "../_support/mod.ts";

/** A running `strata ui`. */
export interface UiProcess {
  /** The URL it printed (token included). */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The port. */
  port: number;
  /** The token. */
  token: string;
  /** How long from spawn to the URL on stdout, ms. */
  startMs: number;
  /** stderr so far. */
  stderr(): string;
  /** Sends SIGINT and waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `strata ARGS ui --no-open` (without `--no-open` when `open`) in
 * `sandbox`, with `env` added, and waits for its URL (60 s at most).
 */
export function startUiProcess(
  sandbox: Sandbox,
  args: string[],
  options: { open?: boolean; env?: Record<string, string> } = {},
): Promise<UiProcess> {
  const [command, prefix] = cliCommand();
  const started = performance.now();
  let stdout = "";
  let stderr = "";
  return new Promise((done, fail) => {
    let reported = false;
    const child = startSignalled(
      command,
      [...prefix, ...args, "ui", ...(options.open ? [] : ["--no-open"])],
      {
        cwd: sandbox.project,
        env: { ...sandbox.env, ...options.env },
        onOut: (chunk) => {
          stdout += chunk;
          const end = stdout.indexOf("\n");
          if (end === -1 || reported) return;
          reported = true;
          clearTimeout(timer);
          const url = new URL(stdout.slice(0, end));
          done({
            url: url.href,
            origin: url.origin,
            port: Number(url.port),
            token: url.searchParams.get("token") ?? "",
            startMs: performance.now() - started,
            stderr: () => stderr,
            stop: () => {
              child.kill("SIGINT");
              return child.exited.then((ended) => ended.code);
            },
          });
        },
        onErr: (chunk) => stderr += chunk,
      },
    );
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`strata ui printed no URL within 60 s; stderr: ${stderr}`));
    }, 60_000);
    void child.exited.then(({ code }) => {
      clearTimeout(timer);
      if (!reported) {
        fail(new Error(`strata ui exited (${code}) before printing a URL; stderr: ${stderr}`));
      }
    });
  });
}
