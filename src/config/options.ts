/**
 * What {@link openConfig} takes, and the defaults it reads from the process
 * (`STRATA_STRICT`, the working folder).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import type { HintWords } from "../hints.ts";
import { isTable } from "../is_table.ts";
import { sharedStateName } from "../store/layout.ts";
import { HomeMissingError, homeNeeded, lazyHome } from "../platform/home.ts";
import {
  checkAppName,
  type FileFormat,
  pathFor,
  type PlatformContext,
  stateDir,
} from "../platform/paths.ts";

/** Options of `openConfig`. */
export interface OpenOptions {
  /** The application whose configuration this is; required unless `file` is given. */
  app?: string;
  /** Single-file mode: only this file (and `overrides`, and `defaults` when given), no layers. */
  file?: string;
  /**
   * The format of `file` (default: from its extension). Needed to write a
   * file whose name ends neither in `.toml` nor `.json`.
   */
  format?: FileFormat;
  /**
   * The application's read-only defaults: a `.toml`/`.json` path or a value.
   * Their values give keys their types; in a value, a whole number (`1.0`
   * is `1` in JavaScript) types its key as an integer, so give float
   * defaults in a file when the distinction matters.
   */
  defaults?: string | Record<string, unknown>;
  /** `--set key=value` items, in order (later ones win). */
  overrides?: string[];
  /** The environment (default: a copy of `process.env` taken when the Config is opened). */
  env?: Record<string, string | undefined>;
  /** The working directory, where the project file search starts (default `process.cwd()`). */
  cwd?: string;
  /** `process.platform` value to lay the paths out for (tests may force one). */
  platform?: string;
  /**
   * The home folder (default: an absolute `$HOME` or `%USERPROFILE%`, else the
   * password database's), looked up only when a path needs it. With none, the
   * user layer is absent for reads and a write to it says what to set.
   */
  home?: string;
  /**
   * Strict mode: a layer file that does not parse fails the read (a `parse`
   * `StrataError`) instead of being replaced by its newest backup that parses.
   * Default: on when the environment's `STRATA_STRICT` is `1` (or `true`, `yes`, `on`).
   */
  strict?: boolean;
  /** Who writes, for the lock and the journal (default `strata`). */
  program?: string;
  /** How long a write waits for another writer's lock, ms (default: strata's `lock.timeout_ms`, 10000). */
  lockTimeoutMs?: number;
  /**
   * The application's JSON Schema (the documented subset): a path or a value.
   * Default: `schema.json` beside the defaults file (or in the first defaults
   * folder holding one). It types keys (binding, before the defaults), refuses
   * a `set` that breaks it, describes keys, and says how arrays combine
   * across layers (`x-strata-merge`).
   */
  schema?: string | Record<string, unknown>;
  /**
   * How messages word what a person can do (a `Hint`: edit the file, restore
   * its latest backup, ...). The CLI's names its commands; the default
   * names none. The same hints are on each `StrataError` as data.
   */
  hintWords?: HintWords;
  /**
   * One snapshot per synchronous run: every call made without an `await`
   * between them sees the same version of the files, and a file changed
   * just now is read once, not once per call. For one-shot programs (the
   * CLI turns it on); a long-lived program leaves it off to see a change
   * made between two calls. A write by this configuration starts a new one.
   */
  oneSnapshotPerRun?: boolean;
}

/** `STRATA_STRICT`: on for `1`, `true`, `yes`, `on`; off when unset or `0`, `false`, `no`, `off`, empty. */
export function strictFromEnv(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase() ?? "";
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["", "0", "false", "no", "off"].includes(v)) return false;
  throw new StrataError(
    "usage",
    `STRATA_STRICT=${JSON.stringify(value)} is neither on nor off: set it to 1 (strict) or 0`,
  );
}

/** The process's working folder; a folder removed under it is a clear error, not a crash. */
export function workingFolder(): string {
  try {
    return process.cwd();
  } catch (e) {
    throw new StrataError(
      "io",
      "the working folder no longer exists (it was removed or moved); cd to an existing folder and retry",
      { cause: e },
    );
  }
}

/** The options checked, and the platform they describe. */
export interface SettledOptions {
  /** The platform: environment (a copy), working folder, home (looked up when needed). */
  ctx: PlatformContext;
  /** The application. */
  app?: string;
  /** The file of single-file mode, absolute. */
  file?: string;
  /** Its format, when given. */
  format?: FileFormat;
}

/** Checks `options` (a `usage` `StrataError` saying what to pass) and lays out the platform. */
export function settleOptions(options: OpenOptions): SettledOptions {
  // One copy of the environment per Config: reading process.env as a whole is
  // costly under Deno (a conversion per read), and a Config reads it on every call.
  const env = options.env ?? { ...process.env };
  const platform = options.platform ?? process.platform;
  const path = pathFor(platform);
  const cwd = path.resolve(options.cwd ?? workingFolder());
  // Looked up when a path needs it: with explicit XDG folders or --file, never.
  const home = lazyHome(platform, env, options.home);
  const ctx: PlatformContext = {
    platform,
    env,
    cwd,
    get home() {
      return home.get();
    },
  };
  const out: SettledOptions = { ctx };
  if (options.file !== undefined) {
    if (options.file === "") {
      throw new StrataError("usage", "--file needs a path, e.g. --file ./app.toml");
    }
    out.file = path.resolve(cwd, options.file);
    if (options.format !== undefined) out.format = options.format;
  } else {
    if (options.app === undefined || options.app === "") {
      throw new StrataError(
        "usage",
        "no application named: pass --app NAME (or set STRATA_APP), or --file PATH for one file",
      );
    }
    checkAppName(options.app);
    out.app = options.app;
  }
  if (options.defaults !== undefined && typeof options.defaults !== "string") {
    if (!isTable(options.defaults)) {
      throw new StrataError("usage", "defaults must be a table (a plain object) or a path");
    }
  }
  return out;
}

/**
 * The folder of a configuration's backups and journal (one for every
 * application and `--file`: a file's state is keyed by the file alone, see
 * `store/layout.ts`); under a home that is
 * missing, the `usage` `StrataError` saying what to set (returned: a read
 * goes on without it, a write throws it).
 */
export function stateDirOf(ctx: PlatformContext): string | StrataError {
  try {
    return stateDir(ctx, sharedStateName);
  } catch (e) {
    if (!(e instanceof HomeMissingError)) throw e;
    return homeNeeded(ctx.platform, "state", e);
  }
}
