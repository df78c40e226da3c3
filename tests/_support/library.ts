/**
 * A sandbox for tests of the library in-process: the application's layer
 * files in a temporary home, and a {@link Config} opened on it (Linux paths,
 * the sandbox's environment, the project folder as working folder).
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { type Config, openConfig, type OpenOptions } from "../../src/mod.ts";
import { makeSandbox, xdgEnv } from "./sandbox.ts";

/** A temporary home for one application, opened through the library. */
export interface LibrarySandbox extends Disposable {
  /** The temp folder holding everything. */
  dir: string;
  /** `HOME` and the XDG variables, as given to `openConfig`. */
  env: Record<string, string>;
  /** The user layer's file. */
  userFile: string;
  /** The system layer's file. */
  systemFile: string;
  /** The defaults layer's file. */
  defaultsFile: string;
  /** The application's state folder (backups, journal). */
  stateDir: string;
  /** The project folder (it has `sub/deeper` inside), the working folder of `open()`. */
  project: string;
  /** Writes a file (creating folders) and returns its path. */
  write(file: string, text: string): string;
  /** Reads a file as text. */
  read(file: string): string;
  /** Opens the application's configuration here. */
  open(options?: Partial<OpenOptions>): Config;
  /** Removes the sandbox. */
  cleanup(): void;
}

/** Creates a {@link LibrarySandbox} for application `app`. */
export function librarySandbox(app = "demo"): LibrarySandbox {
  const box = makeSandbox({ project: path.join("work", "proj") });
  fs.mkdirSync(path.join(box.project, "sub", "deeper"), { recursive: true });
  const env = xdgEnv(box);
  return {
    dir: box.root,
    env,
    userFile: path.join(box.configHome, app, "config.toml"),
    systemFile: path.join(box.systemDir, app, "config.toml"),
    defaultsFile: path.join(box.dataDir, app, "defaults.toml"),
    stateDir: path.join(box.stateHome, "strata", "_shared"),
    project: box.project,
    write: box.write,
    read: box.read,
    open: (options = {}) =>
      openConfig({ app, env, cwd: box.project, platform: "linux", ...options }),
    cleanup: box.cleanup,
    [Symbol.dispose]: box.cleanup,
  };
}
