// A temporary home for one test: XDG folders, a project tree, and helpers.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Config, openConfig, type OpenOptions } from "../../src/mod.ts";

export interface Sandbox {
  dir: string;
  env: Record<string, string>;
  userFile: string;
  systemFile: string;
  defaultsFile: string;
  stateDir: string;
  project: string;
  write(file: string, text: string): string;
  read(file: string): string;
  open(options?: Partial<OpenOptions>): Config;
  cleanup(): void;
}

export function sandbox(app = "demo"): Sandbox {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
  const env: Record<string, string> = {
    HOME: path.join(dir, "home"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_STATE_HOME: path.join(dir, "state"),
    XDG_CONFIG_DIRS: path.join(dir, "etc"),
    XDG_DATA_DIRS: path.join(dir, "share"),
  };
  const project = path.join(dir, "work", "proj");
  fs.mkdirSync(path.join(project, "sub", "deeper"), { recursive: true });
  fs.mkdirSync(env.HOME, { recursive: true });
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  return {
    dir,
    env,
    userFile: path.join(dir, "config", app, "config.toml"),
    systemFile: path.join(dir, "etc", app, "config.toml"),
    defaultsFile: path.join(dir, "share", app, "defaults.toml"),
    stateDir: path.join(dir, "state", "strata", "_shared"),
    project,
    write,
    read: (file) => fs.readFileSync(file, "utf8"),
    open: (options = {}) => openConfig({ app, env, cwd: project, platform: "linux", ...options }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
