/**
 * The words a shell completes that depend on this machine: the
 * applications that have configuration here, and the current
 * application's keys. The completion scripts ask for them with
 * `strata completions --list apps|keys`.
 *
 * @module
 */

import type * as NodeFs from "node:fs";
import { lazyHome } from "../platform/home.ts";
import {
  defaultsDirs,
  type PlatformContext,
  systemConfigDirs,
  userConfigDir,
} from "../platform/paths.ts";
import { pathFor } from "../platform/path_api.ts";

/** The files whose presence in a folder makes it an application's. */
const MARKERS = [
  "config.toml",
  "config.json",
  "defaults.toml",
  "defaults.json",
  "schema.json",
];

/** An application name strata accepts (no separators, not hidden). */
const APP_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * The names of the applications with a user, system or defaults folder
 * holding a configuration, defaults or schema file on this machine, sorted.
 */
export function appsOnMachine(env: Record<string, string | undefined>): string[] {
  const fs = process.getBuiltinModule("node:fs") as typeof NodeFs;
  const platform = process.platform;
  const home = lazyHome(platform, env);
  const ctx: PlatformContext = {
    platform,
    env,
    cwd: ".",
    get home() {
      return home.get();
    },
  };
  const path = pathFor(platform);
  // The folders holding one folder per application: a path for app "x", less "x".
  const parents = new Set<string>();
  const add = (dirs: () => string[]) => {
    try {
      for (const dir of dirs()) parents.add(path.dirname(dir));
    } catch {
      // No home: the user folder is not known here; the others still are.
    }
  };
  add(() => [userConfigDir(ctx, "x")]);
  add(() => systemConfigDirs(ctx, "x"));
  add(() => defaultsDirs(ctx, "x"));
  const apps = new Set<string>();
  for (const parent of parents) {
    let names: string[];
    try {
      names = fs.readdirSync(parent);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!APP_NAME.test(name) || apps.has(name)) continue;
      if (MARKERS.some((file) => fs.existsSync(path.join(parent, name, file)))) apps.add(name);
    }
  }
  return [...apps].sort();
}
