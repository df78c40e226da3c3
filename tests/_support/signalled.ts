/**
 * A long-running process a test ends with a signal it handles (SIGINT,
 * SIGTERM), and whose exit the test checks. Under Deno through
 * `Deno.Command`: node:child_process in Deno reports a child it sent a signal
 * to as killed by it, even when the child handled the signal and exited 0.
 *
 * @module
 */

import { spawn } from "node:child_process";

/** How a {@link startSignalled} process ended. */
export interface Ended {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: string | null;
}

/** A process started with {@link startSignalled}. */
export interface Signalled {
  /** Sends a signal. */
  kill(signal: "SIGINT" | "SIGTERM" | "SIGKILL"): void;
  /** Whether it still runs. */
  running(): boolean;
  /** Resolves when it has ended and its output is drained. */
  exited: Promise<Ended>;
}

/** Options of {@link startSignalled}. */
export interface SignalledOptions {
  /** Working folder. */
  cwd: string;
  /** The whole environment. */
  env: Record<string, string>;
  /** Called with each piece of stdout as it arrives. */
  onOut: (text: string) => void;
  /** Called with each piece of stderr as it arrives. */
  onErr: (text: string) => void;
}

/** Starts `command args` with stdin closed, its output going to `onOut` and `onErr`. */
export function startSignalled(
  command: string,
  args: string[],
  options: SignalledOptions,
): Signalled {
  let done = false;
  if ("Deno" in globalThis) {
    const child = new Deno.Command(command, {
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
    const exited = Promise.all([
      pump(child.stdout, options.onOut),
      pump(child.stderr, options.onErr),
    ])
      .then(() => child.status)
      .then((status) => {
        done = true;
        return { code: status.signal === null ? status.code : null, signal: status.signal };
      });
    return { kill: (signal) => child.kill(signal), running: () => !done, exited };
  }
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8").on("data", options.onOut);
  child.stderr.setEncoding("utf8").on("data", options.onErr);
  const exited = new Promise<Ended>((resolve) => {
    child.on("close", (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return { kill: (signal) => child.kill(signal), running: () => !done, exited };
}
