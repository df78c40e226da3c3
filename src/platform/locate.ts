/**
 * Picks the layer files that exist, from the candidates `paths.ts` names.
 * The only disk access is a `stat` per candidate; a `probe` may be passed
 * so tests can describe any machine.
 *
 * @module
 */

import { type PathType, probePath, typeWords } from "../runtime/fs.ts";
import { HomeMissingError } from "./home.ts";
import {
  defaultsDirs,
  envValue,
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

/** What a probe tells of a path that exists: what it is, and its owner (POSIX). */
export interface FileFacts {
  /** A regular file (`file`; `null` is `/dev/null`, read as empty), or what else it is. */
  type: PathType;
  /** The owner's user id, when known. */
  uid?: number;
}

/**
 * Answers "what is at this path?": `false` for nothing, `true` for a
 * regular file (or a link to one) of a trusted owner, or the facts.
 */
export type FileProbe = (file: string) => boolean | FileFacts;

/** The name of the variable that lists folders whose project files are trusted whoever owns them. */
export const trustedDirsVariable = "STRATA_TRUSTED_DIRS";

/**
 * The default probe: a `stat` that follows symbolic links. Something that
 * is there but cannot be stat'ed (a link loop, no permission) counts as a
 * file, so that the reader reports it instead of taking it for absent.
 */
export function isFile(file: string): boolean | FileFacts {
  const found = probePath(file);
  if (found === undefined) return false;
  if (found === "unknown") return true;
  return { type: found.type, uid: found.uid };
}

/** A file found under a layer's name but not used, and why. */
export interface SkippedFile {
  /** The path. */
  file: string;
  /** `not-a-file` (a folder, a FIFO, a device...) or `untrusted-owner`. */
  reason: "not-a-file" | "untrusted-owner";
  /** What is wrong, in words. */
  problem: string;
  /** What mends it (or trusts it). */
  mend: string;
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
  /** Files under the layer's names that are not used (each also in `warnings`). */
  skipped?: SkippedFile[];
  /** Set when `file` is one of `skipped`: a write there is refused, for this reason. */
  refused?: SkippedFile;
}

/** Who may own a file a layer uses: a user id is trusted, or a folder is. */
export interface OwnerRule {
  /** The user ids whose files are used (the current user and root). */
  uids: number[];
  /** Folders whose files are used whoever owns them (`*`: every folder). */
  dirs: string[];
  /** The variable that lists trusted folders, for the advice. */
  variable: string;
}

function factsOf(answer: boolean | FileFacts): FileFacts | undefined {
  if (answer === true) return { type: "file" };
  if (answer === false) return undefined;
  return answer;
}

function skipReason(
  file: string,
  dir: string,
  facts: FileFacts,
  owner: OwnerRule | undefined,
): SkippedFile | undefined {
  if (facts.type !== "file" && facts.type !== "null") {
    return {
      file,
      reason: "not-a-file",
      problem: `${file} is ${typeWords(facts.type)}, not a configuration file: strata ignores it`,
      mend: `move it away (mv ${file} ${file}.away)`,
    };
  }
  if (owner === undefined || facts.uid === undefined || owner.uids.includes(facts.uid)) {
    return undefined;
  }
  if (owner.dirs.includes("*") || owner.dirs.includes(dir)) return undefined;
  const list = owner.dirs.length ? `${owner.dirs.join(":")}:${dir}` : dir;
  return {
    file,
    reason: "untrusted-owner",
    problem: `${file} belongs to another user (uid ${facts.uid}), who could set any of your ` +
      `values through it: strata ignores it`,
    mend: `if you trust that user, trust the folder: export ${owner.variable}=${list} ` +
      `(folders separated by ":"); or remove the file`,
  };
}

/**
 * Looks for `<dir>/<base>.toml` then `<dir>/<base>.json` in each folder in
 * order; the first folder holding either wins. When nothing exists, the
 * result names `<writeDir>/<base>.toml` with `exists: false`. Something
 * that is not a regular file (a folder, a FIFO) under those names, or a
 * file whose owner `owner` does not trust, is skipped with a warning.
 */
export function findFirst(
  platform: string,
  dirs: string[],
  base: string,
  writeDir: string,
  probe: FileProbe = isFile,
  owner?: OwnerRule,
): LocatedFile {
  const p = pathFor(platform);
  const skipped: SkippedFile[] = [];
  const usable = (dir: string, file: string): boolean => {
    const facts = factsOf(probe(file));
    if (facts === undefined) return false;
    const skip = skipReason(file, dir, facts, owner);
    if (skip) skipped.push(skip);
    return skip === undefined;
  };
  const done = (found: Omit<LocatedFile, "skipped" | "refused">): LocatedFile => {
    if (skipped.length === 0) return found;
    const warnings = [...found.warnings, ...skipped.map((s) => `${s.problem}. To fix: ${s.mend}`)];
    const refused = found.exists ? undefined : skipped.find((s) => s.file === found.file);
    return refused ? { ...found, warnings, skipped, refused } : { ...found, warnings, skipped };
  };
  for (const dir of dirs) {
    // The folders are normalized already: a join is a concatenation.
    const prefix = dir.endsWith(p.sep) ? dir : dir + p.sep;
    const toml = `${prefix}${base}.toml`;
    const json = `${prefix}${base}.json`;
    const hasToml = usable(dir, toml);
    const hasJson = usable(dir, json);
    if (hasToml && hasJson) {
      return done({
        file: toml,
        exists: true,
        format: "toml",
        warnings: [
          `both ${toml} and ${json} exist; strata reads ${toml} only: merge ${json} into it and remove it`,
        ],
      });
    }
    if (hasToml) return done({ file: toml, exists: true, format: "toml", warnings: [] });
    if (hasJson) return done({ file: json, exists: true, format: "json", warnings: [] });
  }
  const file = p.join(writeDir, `${base}.toml`);
  return done({ file, exists: false, format: formatOf(file), warnings: [] });
}

/**
 * Whose project files are used: the current user's and root's, and anyone's
 * in the folders listed in `STRATA_TRUSTED_DIRS` (absolute paths separated
 * by `:`, or `*` for every folder), like git's `safe.directory`. Undefined
 * (everyone's) where there are no user ids (Windows).
 */
export function projectOwnerRule(
  ctx: PlatformContext,
  uid: number | undefined = process.getuid?.(),
): OwnerRule | undefined {
  if (uid === undefined || ctx.platform === "win32") return undefined;
  const p = pathFor(ctx.platform);
  const listed = envValue(ctx, trustedDirsVariable) ?? "";
  const dirs = listed.split(":").filter((d) => d === "*" || p.isAbsolute(d)).map((d) =>
    d === "*" ? d : p.resolve(d)
  );
  return { uids: uid === 0 ? [0] : [uid, 0], dirs, variable: trustedDirsVariable };
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
  owner: OwnerRule | undefined = projectOwnerRule(ctx),
): LocatedFile {
  const dirs = projectDirs(ctx);
  return findFirst(ctx.platform, dirs, projectBaseName(app), dirs[0], probe, owner);
}

/**
 * Every path the layer files of `app` may be at (project, user, system,
 * defaults, and the schema beside the defaults): what a one-shot command
 * reads ahead (see `runtime/fs.ts` prefetchFiles).
 */
export function candidateFiles(ctx: PlatformContext, app: string): string[] {
  // Plain loops and concatenation (the folders are normalized already): this
  // runs at the start of every one-shot read.
  const sep = pathFor(ctx.platform).sep;
  const out: string[] = [];
  const add = (dir: string, names: readonly string[]) => {
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const name of names) out.push(prefix + name);
  };
  const project = projectBaseName(app);
  const projectNames = [`${project}.toml`, `${project}.json`];
  for (const dir of projectDirs(ctx)) add(dir, projectNames);
  try {
    add(userConfigDir(ctx, app), ["config.toml", "config.json", "shared.toml"]);
  } catch (e) {
    // No home folder: the user layer is absent, nothing of it to read ahead.
    if (!(e instanceof HomeMissingError)) throw e;
  }
  for (const dir of systemConfigDirs(ctx, app)) add(dir, ["config.toml", "config.json"]);
  for (const dir of defaultsDirs(ctx, app)) {
    add(dir, ["defaults.toml", "defaults.json", "schema.json"]);
  }
  return out;
}

/**
 * The shared layer's snapshot, `shared.toml` beside the user file (written
 * by strata only, always TOML). Throws `HomeMissingError` as the user
 * layer does when its folder is under a home that is missing.
 */
export function locateShared(
  ctx: PlatformContext,
  app: string,
  probe: FileProbe = isFile,
): LocatedFile {
  const file = pathFor(ctx.platform).join(userConfigDir(ctx, app), "shared.toml");
  return { file, exists: probe(file) !== false, format: "toml", warnings: [] };
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
