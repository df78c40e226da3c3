/**
 * Runs `strata ui` from source in a sandbox (as the e2e tests run the CLI:
 * `bun main.ts` under Bun, `deno run -A main.ts` under Deno) and reads the
 * URL it prints first.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../e2e/_sandbox.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const REPO = path.dirname(MAIN);

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

/** The command that runs the CLI under the runtime running the tests. */
export function cliCommand(): [string, string[]] {
  if ("Deno" in globalThis) {
    return [process.execPath, [
      "run",
      "-A",
      "--quiet",
      "--config",
      path.join(REPO, "deno.json"),
      MAIN,
    ]];
  }
  return [process.execPath, ["--no-env-file", MAIN]];
}

/** A child process, the same under both runtimes. */
interface Child {
  kill(signal: "SIGINT" | "SIGKILL"): void;
  exited: Promise<number | null>;
}

/**
 * Under Deno through `Deno.Command`: node:child_process in Deno reports a
 * child it sent a signal to as killed by it, even when the child handled the
 * signal and exited 0.
 */
function startChild(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
  onOut: (text: string) => void,
  onErr: (text: string) => void,
): Child {
  if ("Deno" in globalThis) {
    const child = new Deno.Command(process.execPath, {
      args,
      cwd: options.cwd,
      env: options.env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pump = async (stream: ReadableStream<Uint8Array>, to: (t: string) => void) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) to(text);
    };
    const exited = Promise.all([pump(child.stdout, onOut), pump(child.stderr, onErr)])
      .then(() => child.status)
      .then((status) => status.signal === null ? status.code : null);
    return { kill: (signal) => child.kill(signal), exited };
  }
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", onOut);
  child.stderr!.setEncoding("utf8").on("data", onErr);
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  return { kill: (signal) => child.kill(signal), exited };
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
  const [, prefix] = cliCommand();
  const started = performance.now();
  let stdout = "";
  let stderr = "";
  return new Promise((done, fail) => {
    let reported = false;
    const child = startChild(
      [...prefix, ...args, "ui", ...(options.open ? [] : ["--no-open"])],
      { cwd: sandbox.project, env: { ...sandbox.env, ...options.env } },
      (chunk) => {
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
            return child.exited;
          },
        });
      },
      (chunk) => stderr += chunk,
    );
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`strata ui printed no URL within 60 s; stderr: ${stderr}`));
    }, 60_000);
    void child.exited.then((code) => {
      clearTimeout(timer);
      if (!reported) {
        fail(new Error(`strata ui exited (${code}) before printing a URL; stderr: ${stderr}`));
      }
    });
  });
}
