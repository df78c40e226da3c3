/**
 * Where every configuration layer lives on each OS, as pure functions of
 * (platform, environment, home, working directory) so that tests can ask for
 * every OS from any machine. Nothing here touches the disk; `locate.ts` picks
 * the files that exist.
 *
 * | layer    | Linux and other Unix                                   | macOS                                              | Windows                          |
 * |----------|--------------------------------------------------------|----------------------------------------------------|----------------------------------|
 * | project  | `.<app>.toml` / `.<app>.json` in cwd or nearest parent | same                                               | same                             |
 * | user     | `$XDG_CONFIG_HOME/<app>/` (default `~/.config`)        | `~/Library/Application Support/<app>/`            | `%APPDATA%\<app>\`               |
 * | system   | each `$XDG_CONFIG_DIRS` entry `/<app>/` (default `/etc/xdg`), then `/etc/<app>/`; first existing wins | `/Library/Application Support/<app>/` | `%PROGRAMDATA%\<app>\` |
 * | defaults | each `$XDG_DATA_DIRS` entry `/<app>/defaults.toml` (default `/usr/local/share:/usr/share`), then `/usr/share/<app>/` | `/Library/Application Support/<app>/defaults.toml` | `%PROGRAMDATA%\<app>\defaults.toml` |
 * | state    | `$XDG_STATE_HOME/strata/<name>/` (default `~/.local/state`) | `~/Library/Application Support/strata/state/<name>/` | `%LOCALAPPDATA%\strata\state\<name>\` |
 *
 * strata keeps every file's state under one name, `_shared` (`store/layout.ts`).
 *
 * Layer files are `config.toml` (or `config.json`); a `.toml` is preferred
 * over a `.json` in the same place. XDG variables that hold a relative path
 * are ignored, as the XDG Base Directory specification asks (and so is a
 * relative `HOME`: see `home.ts`). A path under the home reads `ctx.home`
 * only when no variable names its folder, so explicit XDG folders need no home.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { pathFor, posixPath, win32Path } from "./path_api.ts";

export { pathFor } from "./path_api.ts";

/** The facts the paths depend on; tests pass any OS's. */
export interface PlatformContext {
  /** `process.platform` value: `linux`, `darwin`, `win32`, ... */
  platform: string;
  /** The environment (e.g. `process.env`). */
  env: Record<string, string | undefined>;
  /**
   * The user's home folder. Read only by the paths that live under it (a
   * getter may look it up then, or throw when there is none: see `home.ts`).
   */
  readonly home: string;
  /** The working directory (where the project file search starts). */
  cwd: string;
}

/** A file format strata reads and writes. */
export type FileFormat = "toml" | "json";

/** The file extensions strata reads, in order of preference. */
export const formats: readonly FileFormat[] = ["toml", "json"];

/**
 * The format of a file from its extension: `.json` is JSON, anything else TOML.
 *
 * @example
 * ```ts
 * import { formatOf } from "./paths.ts";
 * console.assert(formatOf("/etc/app/config.json") === "json");
 * ```
 */
export function formatOf(file: string): FileFormat {
  return file.toLowerCase().endsWith(".json") ? "json" : "toml";
}

/**
 * The format a file's extension names (`.toml` or `.json`, any case), or
 * undefined for any other name.
 *
 * @example
 * ```ts
 * import { knownFormat } from "./paths.ts";
 * console.assert(knownFormat("/srv/app.yaml") === undefined);
 * console.assert(knownFormat("/srv/app.TOML") === "toml");
 * ```
 */
export function knownFormat(file: string): FileFormat | undefined {
  const lower = file.toLowerCase();
  return lower.endsWith(".json") ? "json" : lower.endsWith(".toml") ? "toml" : undefined;
}

/**
 * Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at
 * most 100 characters. Character tests, not a regular expression: every
 * command checks its application's name, and a one-shot command's first
 * regular expression costs start-up time.
 */
function isAppName(app: string): boolean {
  if (app.length === 0 || app.length > 100) return false;
  for (let i = 0; i < app.length; i++) {
    const c = app.charCodeAt(i);
    const alnum = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
    if (!alnum && (i === 0 || (c !== 46 && c !== 95 && c !== 45))) return false;
  }
  return true;
}

/**
 * Refuses an application name that cannot safely be a folder name.
 *
 * @example
 * ```ts
 * import { checkAppName } from "./paths.ts";
 * checkAppName("pipeline"); // ok
 * ```
 */
export function checkAppName(app: string): void {
  if (!isAppName(app)) {
    throw new StrataError(
      "usage",
      `invalid application name ${JSON.stringify(app)}: use letters, digits, ".", "_" and "-" ` +
        `(starting with a letter or digit), e.g. --app pipeline`,
    );
  }
}

/** Reads an environment variable; on Windows names are case-insensitive. */
export function envValue(ctx: PlatformContext, name: string): string | undefined {
  const direct = ctx.env[name];
  if (direct !== undefined || ctx.platform !== "win32") return direct;
  const upper = name.toUpperCase();
  for (const [k, v] of Object.entries(ctx.env)) if (k.toUpperCase() === upper) return v;
  return undefined;
}

/** An absolute path from an XDG variable, or undefined when unset, empty or relative. */
function xdgDir(ctx: PlatformContext, name: string): string | undefined {
  const v = envValue(ctx, name);
  return v && posixPath.isAbsolute(v) ? v : undefined;
}

/** The absolute entries of a colon-separated XDG list, or `fallback` when none. */
function xdgList(ctx: PlatformContext, name: string, fallback: string[]): string[] {
  const v = envValue(ctx, name);
  const list = (v ?? "").split(":").filter((d) => d !== "" && posixPath.isAbsolute(d));
  return list.length > 0 ? list : fallback;
}

/** The folder an absolute Windows variable names, else `fallback()` (which may need the home). */
function windowsDir(ctx: PlatformContext, name: string, fallback: () => string): string {
  const v = envValue(ctx, name);
  return v && win32Path.isAbsolute(v) ? v : fallback();
}

/**
 * The folder of the user layer (`config.toml` lives in it).
 *
 * @example
 * ```ts
 * import { userConfigDir } from "./paths.ts";
 * const dir = userConfigDir({ platform: "linux", env: {}, home: "/home/ann", cwd: "/" }, "demo");
 * console.assert(dir === "/home/ann/.config/demo");
 * ```
 */
export function userConfigDir(ctx: PlatformContext, app: string): string {
  if (ctx.platform === "win32") {
    return win32Path.join(
      windowsDir(ctx, "APPDATA", () => win32Path.join(ctx.home, "AppData", "Roaming")),
      app,
    );
  }
  if (ctx.platform === "darwin") {
    return posixPath.join(ctx.home, "Library", "Application Support", app);
  }
  return posixPath.join(
    xdgDir(ctx, "XDG_CONFIG_HOME") ?? posixPath.join(ctx.home, ".config"),
    app,
  );
}

/**
 * The folders searched for the system layer, most important first; the
 * first one holding a `config.toml`/`config.json` wins. On Linux these are the
 * `$XDG_CONFIG_DIRS` entries (default `/etc/xdg`) followed by `/etc`.
 *
 * @example
 * ```ts
 * import { systemConfigDirs } from "./paths.ts";
 * const ctx = { platform: "linux", env: { XDG_CONFIG_DIRS: "/opt/xdg" }, home: "/h", cwd: "/" };
 * console.assert(systemConfigDirs(ctx, "demo").join() === "/opt/xdg/demo,/etc/demo");
 * ```
 */
export function systemConfigDirs(ctx: PlatformContext, app: string): string[] {
  if (ctx.platform === "win32") {
    return [win32Path.join(windowsDir(ctx, "PROGRAMDATA", () => "C:\\ProgramData"), app)];
  }
  if (ctx.platform === "darwin") return [posixPath.join("/Library/Application Support", app)];
  const dirs = xdgList(ctx, "XDG_CONFIG_DIRS", ["/etc/xdg"]).map((d) => posixPath.join(d, app));
  const etc = posixPath.join("/etc", app);
  return dirs.includes(etc) ? dirs : [...dirs, etc];
}

/**
 * The folder a `--system` write creates its file in when no system file
 * exists yet: the first `$XDG_CONFIG_DIRS` entry when that variable is set,
 * else `/etc/<app>` (Linux); the only candidate elsewhere.
 */
export function systemWriteDir(ctx: PlatformContext, app: string): string {
  const dirs = systemConfigDirs(ctx, app);
  if (ctx.platform === "win32" || ctx.platform === "darwin") return dirs[0];
  return xdgList(ctx, "XDG_CONFIG_DIRS", []).length > 0 ? dirs[0] : posixPath.join("/etc", app);
}

/**
 * The folders searched for the application's shipped defaults
 * (`defaults.toml` or `defaults.json`), first existing wins.
 *
 * @example
 * ```ts
 * import { defaultsDirs } from "./paths.ts";
 * const ctx = { platform: "linux", env: {}, home: "/h", cwd: "/" };
 * console.assert(defaultsDirs(ctx, "demo").join() === "/usr/local/share/demo,/usr/share/demo");
 * ```
 */
export function defaultsDirs(ctx: PlatformContext, app: string): string[] {
  if (ctx.platform === "win32" || ctx.platform === "darwin") return systemConfigDirs(ctx, app);
  const dirs = xdgList(ctx, "XDG_DATA_DIRS", ["/usr/local/share", "/usr/share"])
    .map((d) => posixPath.join(d, app));
  const usr = posixPath.join("/usr/share", app);
  return dirs.includes(usr) ? dirs : [...dirs, usr];
}

/**
 * Where strata keeps an application's backups and journal.
 *
 * @example
 * ```ts
 * import { stateDir } from "./paths.ts";
 * const ctx = { platform: "linux", env: { XDG_STATE_HOME: "/s" }, home: "/h", cwd: "/" };
 * console.assert(stateDir(ctx, "demo") === "/s/strata/demo");
 * ```
 */
export function stateDir(ctx: PlatformContext, app: string): string {
  if (ctx.platform === "win32") {
    return win32Path.join(
      windowsDir(ctx, "LOCALAPPDATA", () => win32Path.join(ctx.home, "AppData", "Local")),
      "strata",
      "state",
      app,
    );
  }
  if (ctx.platform === "darwin") {
    return posixPath.join(ctx.home, "Library", "Application Support", "strata", "state", app);
  }
  const base = xdgDir(ctx, "XDG_STATE_HOME") ?? posixPath.join(ctx.home, ".local", "state");
  return posixPath.join(base, "strata", app);
}

/**
 * The folders searched for the project file, nearest first: the working
 * directory and each parent up to the filesystem root.
 *
 * @example
 * ```ts
 * import { projectDirs } from "./paths.ts";
 * const dirs = projectDirs({ platform: "linux", env: {}, home: "/h", cwd: "/a/b" });
 * console.assert(dirs.join() === "/a/b,/a,/");
 * ```
 */
export function projectDirs(ctx: PlatformContext): string[] {
  const p = pathFor(ctx.platform);
  const dirs: string[] = [];
  let dir = p.resolve(ctx.cwd);
  for (;;) {
    dirs.push(dir);
    // A normalized absolute POSIX path's parent is a cut at its last "/" (no allocation-heavy dirname).
    const cut = ctx.platform === "win32" ? -1 : dir.lastIndexOf("/");
    const parent = cut > 0 ? dir.slice(0, cut) : cut === 0 ? "/" : p.dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

/** The project file's base name without extension: `.<app>`. */
export function projectBaseName(app: string): string {
  return `.${app}`;
}
