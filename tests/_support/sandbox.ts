/**
 * A temporary machine for one test: its own home and XDG folders (nothing of
 * the real home is read or written), a project folder, and the CLI run from
 * source in it. Dispose of it (`using box = makeSandbox();`) or call
 * `cleanup()`.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliCommand } from "./runtime.ts";
import { type Finished, type Proc, runSync, start } from "./process.ts";
import { tempDir } from "./temp.ts";

/** What one run of the CLI did (a run ended by a signal has code -1). */
export interface Run {
  /** Exit code. */
  code: number;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/** Options of one run of the CLI. */
export interface RunOptions {
  /** Working folder (default: the sandbox's project folder). */
  cwd?: string;
  /** Extra environment variables for this run. */
  env?: Record<string, string>;
  /** Text for stdin. */
  input?: string;
}

/** The folders that make up a sandbox's home, as absolute paths. */
export interface HomeFolders {
  /** `$HOME`. */
  home: string;
  /** `$XDG_CONFIG_HOME`: the user layer is `<configHome>/<app>/config.toml`. */
  configHome: string;
  /** `$XDG_CONFIG_DIRS`: the system layer is `<systemDir>/<app>/config.toml`. */
  systemDir: string;
  /** `$XDG_STATE_HOME`: backups and journal. */
  stateHome: string;
  /** `$XDG_DATA_DIRS`: the defaults layer is `<dataDir>/<app>/defaults.toml`. */
  dataDir: string;
}

/** A temporary machine for one test. */
export interface Sandbox extends HomeFolders, Disposable {
  /** The temp folder holding everything. */
  root: string;
  /** A project folder (the default working folder of a run). */
  project: string;
  /** A folder for files given with `--file`. */
  work: string;
  /** The environment every process started here gets (plus its own extras). */
  env: Record<string, string>;
  /** Writes a file (creating folders; a relative path is under `root`) and returns its path. */
  write(file: string, text: string): string;
  /** Reads a file as text (a relative path is under `root`). */
  read(file: string): string;
  /** Runs the CLI and waits for it. */
  run(args: string[], options?: RunOptions): Run;
  /** Runs the CLI without blocking (for concurrent runs). */
  runAsync(args: string[], options?: RunOptions): Promise<Run>;
  /** Starts the CLI as a process that can be killed. */
  start(args: string[], options?: RunOptions): Proc;
  /** Removes the sandbox. */
  cleanup(): void;
}

/** Options of {@link makeSandbox}. */
export interface SandboxOptions {
  /** The project folder, relative to the sandbox (default `project`). */
  project?: string;
  /** Where to create the sandbox (default: the system temp folder). */
  base?: string;
}

/**
 * The environment of a process in a sandbox: `HOME` and every XDG folder in
 * it; of the real environment only `PATH` and Deno's module cache (which
 * lives under the real home: without it every run would compile main.ts
 * from scratch into the sandbox).
 */
export function sandboxEnv(folders: HomeFolders): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...xdgEnv(folders),
    DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), ".cache", "deno"),
    NO_COLOR: "1",
    LANG: "C.UTF-8",
  };
}

/** `HOME` and the XDG variables alone (for a library opened in-process). */
export function xdgEnv(folders: HomeFolders): Record<string, string> {
  return {
    HOME: folders.home,
    XDG_CONFIG_HOME: folders.configHome,
    XDG_CONFIG_DIRS: folders.systemDir,
    XDG_STATE_HOME: folders.stateHome,
    XDG_DATA_DIRS: folders.dataDir,
  };
}

/** A finished process as a {@link Run} (a run ended by a signal has code -1). */
export function runOf(done: Finished): Run {
  return { code: done.code ?? -1, stdout: done.stdout, stderr: done.stderr };
}

/** Creates a sandbox: every folder of {@link HomeFolders} plus a project and a work folder. */
export function makeSandbox(options: SandboxOptions = {}): Sandbox {
  const dir = tempDir({ prefix: "strata-", base: options.base });
  const root = dir.path;
  const folder = (name: string) => {
    const full = path.join(root, name);
    fs.mkdirSync(full, { recursive: true });
    return full;
  };
  const folders: HomeFolders = {
    home: folder("home"),
    configHome: folder("config"),
    systemDir: folder("xdg"),
    stateHome: folder("state"),
    dataDir: folder("data"),
  };
  const project = folder(options.project ?? "project");
  const env = sandboxEnv(folders);
  const resolve = (file: string) => path.isAbsolute(file) ? file : path.join(root, file);
  const [exe, prefix] = cliCommand();
  const call = (args: string[], options: RunOptions = {}) => ({
    args: [...prefix, ...args],
    options: { cwd: options.cwd ?? project, env: { ...env, ...options.env }, input: options.input },
  });
  return {
    root,
    ...folders,
    project,
    work: folder("work"),
    env,
    write(file, text) {
      const full = resolve(file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      return full;
    },
    read: (file) => fs.readFileSync(resolve(file), "utf8"),
    run(args, options) {
      const c = call(args, options);
      return runOf(runSync(exe, c.args, c.options));
    },
    runAsync(args, options) {
      const c = call(args, options);
      return start(exe, c.args, c.options).done.then(runOf);
    },
    start(args, options) {
      const c = call(args, options);
      return start(exe, c.args, c.options);
    },
    cleanup: dir.remove,
    [Symbol.dispose]: dir.remove,
  };
}

/** The state folder strata uses, for `--file` as for every application (`<state home>/strata/_shared`). */
export function fileModeStateDir(box: Pick<HomeFolders, "stateHome">): string {
  return path.join(box.stateHome, "strata", "_shared");
}
