// A temporary home for the recovery tests: XDG folders and HOME in a temp
// dir, and a Config opened on it (with a schema given as a value when asked).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Config, openConfig, type OpenOptions } from "../../src/config.ts";
import type { Schema } from "../../src/schema/validate.ts";

export interface Home {
  dir: string;
  env: Record<string, string>;
  userFile: string;
  projectDir: string;
  stateDir: string;
  write(file: string, text: string): string;
  read(file: string): string;
  open(options?: Partial<OpenOptions>, schema?: Schema): Config;
  cleanup(): void;
}

export function makeHome(app = "demo"): Home {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-rec-")));
  const env: Record<string, string> = {
    HOME: path.join(dir, "home"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_STATE_HOME: path.join(dir, "state"),
    XDG_CONFIG_DIRS: path.join(dir, "etc"),
    XDG_DATA_DIRS: path.join(dir, "share"),
  };
  const projectDir = path.join(dir, "proj");
  fs.mkdirSync(projectDir, { recursive: true });
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
    projectDir,
    stateDir: path.join(dir, "state", "strata", app),
    write,
    read: (file) => fs.readFileSync(file, "utf8"),
    open: (options = {}, schema) =>
      openConfig({
        app,
        env,
        cwd: projectDir,
        platform: "linux",
        program: "test",
        ...(schema ? { schema: schema as Record<string, unknown> } : {}),
        ...options,
      }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
