/**
 * Test helpers for the end-to-end tests: a temporary machine (home, XDG
 * folders, a project folder) and a way to run the real `strata` CLI in it,
 * as `bun main.ts` under Bun and `deno run -A main.ts` under Deno.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const REPO = path.dirname(MAIN);

/** What one run of the CLI did. */
export interface Run {
  /** Exit code. */
  code: number;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/** Options of one run. */
export interface RunOptions {
  /** Working folder (default: the sandbox's project folder). */
  cwd?: string;
  /** Extra environment variables for this run. */
  env?: Record<string, string>;
}

/** A temporary machine for one test. */
export interface Sandbox {
  /** The temp folder holding everything. */
  root: string;
  /** `$HOME`. */
  home: string;
  /** `$XDG_CONFIG_HOME`: the user layer is `<configHome>/<app>/config.toml`. */
  configHome: string;
  /** `$XDG_CONFIG_DIRS`: the system layer is `<systemDir>/<app>/config.toml`. */
  systemDir: string;
  /** `$XDG_STATE_HOME`: backups and journal. */
  stateHome: string;
  /** `$XDG_DATA_DIRS`. */
  dataDir: string;
  /** A project folder (the default working folder). */
  project: string;
  /** The environment every run gets (plus its own extras). */
  env: Record<string, string>;
  /** Writes a file (creating folders) and returns its path. */
  write(file: string, text: string): string;
  /** Reads a file as text. */
  read(file: string): string;
  /** Runs the CLI and waits for it. */
  run(args: string[], options?: RunOptions): Run;
  /** Runs the CLI without blocking (for concurrent runs). */
  runAsync(args: string[], options?: RunOptions): Promise<Run>;
  /** Removes the sandbox. */
  cleanup(): void;
}

/** The command that runs the CLI under the runtime running the tests. */
function command(): [string, string[]] {
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
  return [process.execPath, [MAIN]];
}

/**
 * Creates a sandbox: every XDG folder and `HOME` point into one temp folder,
 * and nothing of the real environment leaks in but `PATH` and the runtimes'
 * caches (so a run never reads or writes the real home).
 */
export function makeSandbox(): Sandbox {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-e2e-")));
  const dir = (name: string) => {
    const full = path.join(root, name);
    fs.mkdirSync(full, { recursive: true });
    return full;
  };
  const home = dir("home");
  const configHome = dir("config");
  const systemDir = dir("xdg");
  const stateHome = dir("state");
  const dataDir = dir("data");
  const project = dir("project");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_CONFIG_DIRS: systemDir,
    XDG_STATE_HOME: stateHome,
    XDG_DATA_DIRS: dataDir,
    NO_COLOR: "1",
    // Deno's module cache lives under the real home: keep using it, or every
    // run would compile main.ts from scratch into the sandbox.
    DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), ".cache", "deno"),
  };
  const [exe, prefix] = command();
  const resolve = (file: string) => path.isAbsolute(file) ? file : path.join(root, file);
  const spawnArgs = (args: string[], options: RunOptions = {}) => ({
    args: [...prefix, ...args],
    options: { cwd: options.cwd ?? project, env: { ...env, ...options.env } },
  });
  return {
    root,
    home,
    configHome,
    systemDir,
    stateHome,
    dataDir,
    project,
    env,
    write(file, text) {
      const full = resolve(file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      return full;
    },
    read(file) {
      return fs.readFileSync(resolve(file), "utf8");
    },
    run(args, options) {
      const call = spawnArgs(args, options);
      const result = spawnSync(exe, call.args, { ...call.options, encoding: "utf8" });
      if (result.error) throw result.error;
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    runAsync(args, options) {
      const call = spawnArgs(args, options);
      return new Promise((done, fail) => {
        const child = spawn(exe, call.args, { ...call.options, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
        child.on("error", fail);
        child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
      });
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Lists a folder's entries, recursively, as sorted relative paths. */
export function listFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(path.relative(folder, full));
    }
  };
  walk(folder);
  return found.sort();
}
