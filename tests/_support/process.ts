/**
 * Real processes for the tests: started without blocking (and killable with
 * SIGKILL, alone or with their whole process group), or run to the end.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import { isDeno, scriptCommand } from "./runtime.ts";

/** What a finished process left. */
export interface Finished {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (e.g. "SIGKILL"), or null. */
  signal: string | null;
  /** Everything it printed on stdout. */
  stdout: string;
  /** Everything it printed on stderr. */
  stderr: string;
}

/** A process started with {@link start}. */
export interface Proc {
  /** Its pid. */
  pid: number;
  /** Resolves when it has ended and its output is drained. */
  done: Promise<Finished>;
  /** Sends SIGKILL if it still runs; true when the signal was sent to a running process. */
  kill(): boolean;
  /** Whether it still runs. */
  running(): boolean;
}

/** Options of {@link start}. */
export interface StartOptions {
  /** Environment (default: none beyond PATH). */
  env?: Record<string, string>;
  /** Working folder. */
  cwd?: string;
  /** Called with each complete line of stdout as it arrives. */
  onLine?: (line: string) => void;
  /** Text written to stdin (then closed). */
  input?: string;
  /**
   * Start it in its own process group and kill the whole group: for a shell
   * script, whose `mv` or `sync` child would otherwise outlive it.
   */
  group?: boolean;
}

/** The environment a process gets when none is given: PATH only. */
function bareEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin" };
}

/** Starts `command args` as a real process. */
export function start(command: string, args: string[], options: StartOptions = {}): Proc {
  const child = spawn(command, args, {
    env: options.env ?? bareEnv(),
    cwd: options.cwd,
    stdio: ["pipe", "pipe", "pipe"],
    detached: options.group ?? false,
  });
  let stdout = "";
  let stderr = "";
  let partial = "";
  let ended = false;
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    stdout += chunk;
    if (!options.onLine) return;
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) options.onLine(line);
  });
  child.stderr!.on("data", (chunk: string) => (stderr += chunk));
  child.stdin!.on("error", () => {}); // a killed child closes its stdin early
  child.stdin!.end(options.input ?? "");
  const done = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      ended = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  const exited = () => ended || child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid!,
    done,
    running: () => !exited(),
    kill: () => {
      if (exited()) return false;
      if (!options.group) return child.kill("SIGKILL");
      try {
        process.kill(-child.pid!, "SIGKILL");
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Options of {@link runSync}. */
export interface RunSyncOptions {
  /** Environment (default: none beyond PATH). */
  env?: Record<string, string>;
  /** Working folder. */
  cwd?: string;
  /** Text for stdin. */
  input?: string;
  /** Kill it after this long: a hang ends as a failure (signal SIGTERM), not a stuck suite. */
  timeoutMs?: number;
}

/** Runs `command args` to its end, blocking. */
export function runSync(command: string, args: string[], options: RunSyncOptions = {}): Finished {
  const r = spawnSync(command, args, {
    env: options.env ?? bareEnv(),
    cwd: options.cwd,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: options.timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error && (r.error as { code?: string }).code !== "ETIMEDOUT") throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the TypeScript file `script` (absolute path) in a new process and
 * waits for it; its environment is this process's plus `env`.
 */
export function runScript(
  script: string,
  args: string[],
  env?: Record<string, string | undefined>,
): Promise<Finished> {
  const [command, argv] = scriptCommand(script, args);
  const merged = Object.entries({ ...process.env, ...env }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return start(command, argv, { env: Object.fromEntries(merged) }).done;
}

/** The pid of a process that has already exited (a lock it held is left by a dead holder). */
export async function deadPid(): Promise<number> {
  const [command, argv] = isDeno
    ? [process.execPath, ["eval", "0"]]
    : [process.execPath, ["-e", "0"]];
  const proc = start(command, argv, { env: process.env as Record<string, string> });
  await proc.done;
  return proc.pid;
}
