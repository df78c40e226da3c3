/**
 * Shared parts of the reliability campaign: a temporary machine,
 * real processes (the strata CLI, long-lived library writers, the Python
 * reference writer) that can be killed with SIGKILL, a seeded random
 * source, the campaign's size (bounded for CI, `STRATA_SOAK=1` for a soak),
 * and the checks every test repeats (no stack trace, located messages).
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "../../src/toml/parse.ts";
import { mulberry32 } from "../../scripts/_mulberry32.ts";

/** The repository root. */
export const REPO = path.resolve(import.meta.dirname!, "../..");

/** `main.ts`, the CLI's entry. */
export const MAIN = path.join(REPO, "main.ts");

/** The Python reference writer. */
export const PYTHON_WRITER = path.join(REPO, "examples/python/strata_writer.py");

/** The POSIX shell reference writer. */
export const SHELL_WRITER = path.join(REPO, "examples/sh/strata_set.sh");

/** True under Deno (the tests also run under Bun). */
export const isDeno = "Deno" in globalThis;

/** True for a soak run (`STRATA_SOAK=1`): thousands of writes and hundreds of kills. */
export const soak = process.env.STRATA_SOAK === "1";

/** Picks the bounded (CI) or the soak figure. */
export function sized<T>(bounded: T, soaked: T): T {
  return soak ? soaked : bounded;
}

/**
 * A soak figure shrunk by `STRATA_SOAK_SCALE` (between 0 and 1) to fit the
 * time a loaded machine has; at least 1. Unset: the figure itself.
 */
export function scaled(soaked: number): number {
  const scale = Number(process.env.STRATA_SOAK_SCALE ?? 1);
  return scale > 0 && scale < 1 ? Math.max(1, Math.round(soaked * scale)) : soaked;
}

/**
 * `STRATA_SOAK_SECONDS`: a soak campaign that runs by time stops taking new
 * steps after this many seconds (then settles and checks); undefined: none.
 */
export function soakBudgetMs(): number | undefined {
  const seconds = Number(process.env.STRATA_SOAK_SECONDS);
  return soak && seconds > 0 ? seconds * 1000 : undefined;
}

/** The stale-lock bound strata ships with (defaults/strata.toml `lock.stale`), ms. */
export const STALE_LOCK_MS = 30_000;

/**
 * A deterministic random source (mulberry32) so a failing run can be
 * repeated: the seed is printed in every failure message. `STRATA_SEED`
 * forces one.
 */
export interface Random {
  /** The seed this source started from. */
  seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [low, high]. */
  int(low: number, high: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** Creates a {@link Random}; the seed comes from `STRATA_SEED` or the clock. */
export function random(seed = Number(process.env.STRATA_SEED ?? Date.now() % 2 ** 31)): Random {
  const next = mulberry32(seed);
  return {
    seed,
    next,
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

/** A temporary machine: its own home, XDG folders and a work folder. */
export interface Sandbox {
  /** The temp folder holding everything. */
  root: string;
  /** A folder for configuration files given with `--file`. */
  work: string;
  /** `$XDG_STATE_HOME`. */
  stateHome: string;
  /** `$XDG_CONFIG_HOME`. */
  configHome: string;
  /** The environment of every process started in this sandbox. */
  env: Record<string, string>;
  /** Removes the sandbox. */
  cleanup(): void;
}

/** Creates a {@link Sandbox} under `base` (default: the system temp folder). */
export function sandbox(base = os.tmpdir()): Sandbox {
  const root = fs.mkdtempSync(path.join(base, "strata-"));
  const dir = (name: string) => {
    const p = path.join(root, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const home = dir("home");
  const configHome = dir("config");
  const stateHome = dir("state");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_STATE_HOME: stateHome,
    XDG_CONFIG_DIRS: dir("etc"),
    XDG_DATA_DIRS: dir("share"),
    // Deno keeps its compile cache here; an empty cache only costs the first start.
    DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), ".cache", "deno"),
    NO_COLOR: "1",
    LANG: "C.UTF-8",
  };
  return {
    root,
    work: dir("work"),
    stateHome,
    configHome,
    env,
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** The state dir strata uses, for `--file` as for every application (`<state home>/strata/_shared`). */
export function fileModeStateDir(box: Sandbox): string {
  return path.join(box.stateHome, "strata", "_shared");
}

/** The command that runs the CLI under the runtime running the tests. */
export function cliCommand(): [string, string[]] {
  return isDeno
    ? [process.execPath, ["run", "-A", "--quiet", "--config", path.join(REPO, "deno.json"), MAIN]]
    : [process.execPath, [MAIN]];
}

/** The command that runs a TypeScript script of this folder under the running runtime. */
export function scriptCommand(script: string, args: string[]): [string, string[]] {
  const file = path.join(import.meta.dirname!, script);
  return isDeno
    ? [process.execPath, ["run", "-A", "--quiet", file, ...args]]
    : [process.execPath, [file, ...args]];
}

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

/** Starts `command args` as a real process. */
export function start(command: string, args: string[], options: StartOptions = {}): Proc {
  const child = spawn(command, args, {
    env: options.env ?? { PATH: process.env.PATH ?? "/usr/bin:/bin" },
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
  return {
    pid: child.pid!,
    done,
    running: () => !ended && child.exitCode === null && child.signalCode === null,
    kill: () => {
      if (ended || child.exitCode !== null || child.signalCode !== null) return false;
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

/** Runs the CLI with `args` in `box` and waits for it. */
export function cli(
  box: Sandbox,
  args: string[],
  options: Omit<StartOptions, "env"> & { env?: Record<string, string> } = {},
): Promise<Finished> {
  const [command, argv] = cliCommand();
  return start(command, [...argv, ...args], {
    ...options,
    env: { ...box.env, ...options.env },
  }).done;
}

/** Runs the CLI synchronously (for simple one-shot checks). */
export function cliSync(
  box: Sandbox,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Finished {
  const [command, argv] = cliCommand();
  const r = spawnSync(command, [...argv, ...args], {
    env: { ...box.env, ...options.env },
    cwd: options.cwd,
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Whether `python3` runs here (the Python reference writer needs 3.11+ for TOML). */
export function pythonVersion(): [number, number] | undefined {
  const r = spawnSync("python3", [
    "-c",
    "import sys; print(sys.version_info[0], sys.version_info[1])",
  ], {
    encoding: "utf8",
  });
  if (r.status !== 0) return undefined;
  const [major, minor] = r.stdout.trim().split(" ").map(Number);
  return [major, minor];
}

/** True when python3 is 3.11 or newer (tomllib: it can read and write TOML files). */
export function pythonHasToml(): boolean {
  const v = pythonVersion();
  return v !== undefined && (v[0] > 3 || (v[0] === 3 && v[1] >= 11));
}

/** A stack frame line as V8/JSC print them: a stack trace must never reach a user. */
const STACK_FRAME = /^\s{4}at /m;

/** Asserts `stderr` holds no stack trace; returns it for chaining. */
export function noStack(stderr: string, context = ""): string {
  if (STACK_FRAME.test(stderr) || /\bat .*\.ts:\d+:\d+\)?\s*$/m.test(stderr)) {
    throw new Error(`a stack trace reached the user${context ? ` (${context})` : ""}:\n${stderr}`);
  }
  return stderr;
}

/** Parses TOML text with strata's own parser; returns undefined when it does not parse. */
export function tryParseToml(text: string): Record<string, unknown> | undefined {
  try {
    return parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Names a writer must never leave behind in a folder: locks, break guards, temp files. */
export function leftovers(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) =>
    name.endsWith(".lock") || name.endsWith(".tmp") || name.endsWith(".break")
  );
}

/** Every file under `dir` with its bytes (relative path -> content), for "nothing changed" checks. */
export function snapshot(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (folder: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isSymbolicLink()) result.set(rel, `-> ${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) result.set(rel, fs.readFileSync(full).toString("base64"));
    }
  };
  walk(dir);
  return result;
}

/** Milliseconds since an arbitrary start (monotonic). */
export function now(): number {
  return performance.now();
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Where a test may print a figure line (collected into docs/reliability.md by hand). */
export function report(name: string, figures: Record<string, unknown>): void {
  const line = `[reliability] ${name}: ${JSON.stringify(figures)}`;
  console.log(line);
  const file = process.env.STRATA_RELIABILITY_REPORT;
  if (file) fs.appendFileSync(file, JSON.stringify({ test: name, soak, ...figures }) + "\n");
}
