/**
 * The user's home folder, found only when a path needs it. A `HOME` (on
 * Windows `USERPROFILE`) that is empty or relative is ignored, as relative
 * XDG variables are; then the password database is asked. A user with no
 * home at all (a container run as a uid with no `/etc/passwd` entry and no
 * `HOME`) is not an error until a layer that lives under the home is needed:
 * reads leave that layer out, writes say what to set.
 *
 * @module
 */

import type * as NodeFs from "node:fs";
import type * as NodeOs from "node:os";
import { StrataError } from "../errors.ts";
import { pathFor } from "./path_api.ts";

/** The variable that names the home folder on a platform. */
export function homeVariable(platform: string): string {
  return platform === "win32" ? "USERPROFILE" : "HOME";
}

/** Thrown when a path needs the home folder and none is known; callers say what to set. */
export class HomeMissingError extends StrataError {
  /** Why no home is known, for a person (e.g. `HOME is not set ...`). */
  readonly why: string;

  /** `why`: why no home folder is known. */
  constructor(why: string) {
    super("usage", `no home folder is known: ${why}`);
    this.name = "HomeMissingError";
    this.why = why;
  }
}

/** Where the password database is asked (tests pass their own); throws when it cannot be asked. */
export type HomeLookup = () => string | null | undefined;

/**
 * The password database's home for this user. os.homedir() and Bun's
 * userInfo() answer $HOME itself when it is set (Bun: as it was at start),
 * so a relative one would come back: /etc/passwd is read as a last resort.
 */
function systemHome(): string | undefined {
  const os = process.getBuiltinModule("node:os") as typeof NodeOs;
  const candidates: (() => string | null | undefined)[] = [
    () => os.homedir(),
    () => os.userInfo().homedir,
    () => passwdHome(),
  ];
  let refused: unknown;
  for (const candidate of candidates) {
    try {
      const found = candidate();
      // Absolute (POSIX or Windows): a relative $HOME echoed back is skipped.
      if (found && /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(found)) return found;
    } catch (e) {
      // No entry for this user (ENOENT): try the next. Anything else (Deno
      // without --allow-sys) is worth telling, if no candidate answers.
      if ((e as { code?: string }).code !== "ENOENT") refused ??= e;
    }
  }
  if (refused !== undefined) throw refused;
  return undefined;
}

/** This user's home in /etc/passwd (`name:x:uid:gid:gecos:home:shell`), on Unix. */
function passwdHome(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const fs = process.getBuiltinModule("node:fs") as typeof NodeFs;
  for (const line of fs.readFileSync("/etc/passwd", "utf8").split("\n")) {
    const fields = line.split(":");
    if (fields.length >= 7 && fields[2] === String(uid)) return fields[5];
  }
  return undefined;
}

/**
 * The absolute home folder, or a {@link HomeMissingError} saying why there is
 * none. The environment's variable wins when it is an absolute path; the
 * password database (through node:os, loaded only now) is asked otherwise.
 *
 * @example
 * ```ts
 * import { findHome } from "./home.ts";
 * console.assert(findHome("linux", { HOME: "/home/ann" }) === "/home/ann");
 * console.assert(findHome("linux", { HOME: "rel" }, () => "/home/ann") === "/home/ann");
 * console.assert(findHome("linux", {}, () => undefined) instanceof Error);
 * ```
 */
export function findHome(
  platform: string,
  env: Record<string, string | undefined>,
  lookup: HomeLookup = systemHome,
): string | HomeMissingError {
  const path = pathFor(platform);
  const name = homeVariable(platform);
  const given = env[name];
  if (given && path.isAbsolute(given)) return given;
  let found: string | null | undefined;
  let database = "this user has no home folder in the password database";
  try {
    found = lookup();
  } catch (e) {
    database = `the password database could not be asked (${(e as Error).message})`;
  }
  if (found && path.isAbsolute(found)) return found;
  const variable = given === undefined
    ? `${name} is not set`
    : `${name} is ${given === "" ? "empty" : `${JSON.stringify(given)}, not an absolute path`}`;
  return new HomeMissingError(`${variable} and ${database}`);
}

/**
 * A home that is looked up on first use and remembered: `get()` returns it or
 * throws the {@link HomeMissingError}.
 */
export function lazyHome(
  platform: string,
  env: Record<string, string | undefined>,
  given?: string,
): { get(): string } {
  let found: string | HomeMissingError | undefined = given;
  return {
    get() {
      found ??= findHome(platform, env);
      if (found instanceof HomeMissingError) throw found;
      return found;
    },
  };
}

/** What a missing home holds back: the user layer's folder, or the state folder. */
export type HomeUse = "user" | "state";

/**
 * The error for a layer or folder that lives under a home that is missing:
 * what cannot be found, why, and which variable to set.
 *
 * @example
 * ```ts
 * import { HomeMissingError, homeNeeded } from "./home.ts";
 * const e = homeNeeded("linux", "user", new HomeMissingError("HOME is not set"));
 * console.assert(e.message.endsWith("set XDG_CONFIG_HOME (or HOME) to an absolute path"));
 * ```
 */
export function homeNeeded(platform: string, use: HomeUse, missing: HomeMissingError): StrataError {
  const variables: Record<string, Record<HomeUse, string>> = {
    win32: { user: "APPDATA", state: "LOCALAPPDATA" },
    darwin: { user: "HOME", state: "HOME" },
  };
  const own = (variables[platform] ?? { user: "XDG_CONFIG_HOME", state: "XDG_STATE_HOME" })[use];
  const home = homeVariable(platform);
  const set = own === home ? home : `${own} (or ${home})`;
  const what = use === "user"
    ? "the user layer has no folder"
    : "backups and the journal have no folder";
  return new StrataError(
    "usage",
    `${what}: ${missing.why}. To fix: set ${set} to an absolute path`,
    { cause: missing },
  );
}
