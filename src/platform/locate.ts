/**
 * Picks the layer files that exist, from the candidates `paths.ts` names.
 * The only disk access is a `stat` per candidate; a `probe` may be passed
 * so tests can describe any machine.
 *
 * @module
 */

import { isFilePath } from "../runtime/fs.ts";
import {
  defaultsDirs,
  type FileFormat,
  formatOf,
  pathFor,
  type PlatformContext,
  projectBaseName,
  projectDirs,
  systemConfigDirs,
  systemWriteDir,
  userConfigDir,
} from "./paths.ts";

/** Answers "is there a regular file (or a link to one) at this path?". */
export type FileProbe = (file: string) => boolean;

/** The default probe: a `stat` that follows symbolic links. */
export function isFile(file: string): boolean {
  return isFilePath(file);
}

/** A layer's file: the one that exists, or where a write would create it. */
export interface LocatedFile {
  /** Absolute path. */
  file: string;
  /** Whether the file exists now. */
  exists: boolean;
  /** Format, from the extension. */
  format: FileFormat;
  /** E.g. both `config.toml` and `config.json` exist (the `.toml` is used). */
  warnings: string[];
}

/**
 * Looks for `<dir>/<base>.toml` then `<dir>/<base>.json` in each folder in
 * order; the first folder holding either wins. When nothing exists, the
 * result names `<writeDir>/<base>.toml` with `exists: false`.
 */
export function findFirst(
  platform: string,
  dirs: string[],
  base: string,
  writeDir: string,
  probe: FileProbe = isFile,
): LocatedFile {
  const p = pathFor(platform);
  for (const dir of dirs) {
    // The folders are normalized already: a join is a concatenation.
    const prefix = dir.endsWith(p.sep) ? dir : dir + p.sep;
    const toml = `${prefix}${base}.toml`;
    const json = `${prefix}${base}.json`;
    const hasToml = probe(toml);
    const hasJson = probe(json);
    if (hasToml && hasJson) {
      return {
        file: toml,
        exists: true,
        format: "toml",
        warnings: [
          `both ${toml} and ${json} exist; strata reads ${toml} only: merge ${json} into it and remove it`,
        ],
      };
    }
    if (hasToml) return { file: toml, exists: true, format: "toml", warnings: [] };
    if (hasJson) return { file: json, exists: true, format: "json", warnings: [] };
  }
  const file = p.join(writeDir, `${base}.toml`);
  return { file, exists: false, format: formatOf(file), warnings: [] };
}

/**
 * The project file: `.<app>.toml` (or `.json`) in the working directory or
 * the nearest parent; when there is none, `.<app>.toml` in the working
 * directory (where `set --project` creates it).
 *
 * @example
 * ```ts
 * import { locateProject } from "./locate.ts";
 * const ctx = { platform: "linux", env: {}, home: "/h", cwd: "/w/sub" };
 * const found = locateProject(ctx, "demo", (f) => f === "/w/.demo.toml");
 * console.assert(found.file === "/w/.demo.toml" && found.exists);
 * ```
 */
export function locateProject(
  ctx: PlatformContext,
  app: string,
  probe: FileProbe = isFile,
): LocatedFile {
  const dirs = projectDirs(ctx);
  return findFirst(ctx.platform, dirs, projectBaseName(app), dirs[0], probe);
}

/** The user layer's file. */
export function locateUser(
  ctx: PlatformContext,
  app: string,
  probe: FileProbe = isFile,
): LocatedFile {
  const dir = userConfigDir(ctx, app);
  return findFirst(ctx.platform, [dir], "config", dir, probe);
}

/** The system layer's file: the first system folder that holds one. */
export function locateSystem(
  ctx: PlatformContext,
  app: string,
  probe: FileProbe = isFile,
): LocatedFile {
  return findFirst(
    ctx.platform,
    systemConfigDirs(ctx, app),
    "config",
    systemWriteDir(ctx, app),
    probe,
  );
}

/** The shipped defaults file, if one exists in the defaults folders. */
export function locateDefaults(
  ctx: PlatformContext,
  app: string,
  probe: FileProbe = isFile,
): LocatedFile | undefined {
  const dirs = defaultsDirs(ctx, app);
  const found = findFirst(ctx.platform, dirs, "defaults", dirs[0], probe);
  return found.exists ? found : undefined;
}
