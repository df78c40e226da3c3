// A temporary home for the recovery tests, and a RecoveryConfig over a real
// Config: its own `update` when the Config has one, else the store's
// updateFile with the same options (until Config.update lands).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Config, openConfig, type OpenOptions } from "../../src/config.ts";
import type { DoctorConfig } from "../../src/recovery/doctor.ts";
import type { WritableConfig } from "../../src/recovery/layer_files.ts";
import { updateFile } from "../../src/store/update_file.ts";
import { parseValues } from "../../src/layers/document.ts";
import { formatOf } from "../../src/platform/paths.ts";
import type { Schema } from "../../src/schema/validate.ts";

export interface Home {
  dir: string;
  env: Record<string, string>;
  userFile: string;
  projectDir: string;
  stateDir: string;
  write(file: string, text: string): string;
  read(file: string): string;
  open(options?: Partial<OpenOptions>, schema?: Schema): Config & DoctorConfig & WritableConfig;
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
      withRecovery(
        openConfig({ app, env, cwd: projectDir, platform: "linux", program: "test", ...options }),
        schema,
      ),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Adds `update` (and `schema`) when the Config does not have them yet. */
export function withRecovery(
  config: Config,
  schema?: Schema,
): Config & DoctorConfig & WritableConfig {
  const c = config as Config & Partial<WritableConfig>;
  if (schema) {
    Object.defineProperty(c, "schema", { value: () => ({ schema, file: "test-schema.json" }) });
  }
  if (typeof c.update === "function") return c as Config & DoctorConfig & WritableConfig;
  Object.defineProperty(c, "update", {
    value: async (
      edit: Parameters<WritableConfig["update"]>[0],
      options: { layer?: string } = {},
    ) => {
      const layer = options.layer ?? (config.file !== undefined ? "file" : "user");
      const info = config.layers().find((l) => l.layer === layer)!;
      const format = formatOf(info.file!);
      const r = await updateFile(info.file!, (current, ctx) => edit(current, ctx.file), {
        stateDir: config.stateDir,
        layer,
        program: "test",
        isValid: (text) => {
          try {
            parseValues(text, format);
            return true;
          } catch {
            return false;
          }
        },
      });
      const out: { file: string; changed: boolean; backupId?: string } = {
        file: info.file!,
        changed: r.changed,
      };
      if (r.backupId !== undefined) out.backupId = r.backupId;
      return out;
    },
  });
  return c as Config & DoctorConfig & WritableConfig;
}
