/**
 * Where a configuration file's backups and journal live inside the state
 * folder. The names are part of the on-disk protocol (PROTOCOL.md), so any
 * writer, in any language, finds the same places.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { fnv1a32 } from "../fnv1a.ts";
import { stateFolders, stateKeyOf } from "./layout.ts";

export { fnv1a32 };

/** The state files of one configuration file. */
export interface StatePaths {
  /** `<stateDir>/backups/<basename>-<hash>/` */
  backupDir: string;
  /** `<stateDir>/journal/<basename>-<hash>.ndjson` */
  journal: string;
  /** `<basename>-<hash>`: the name both share. */
  name: string;
  /** The file's identity: its folder's physical path (every link resolved) and its name. */
  identity: string;
}

/**
 * The path that names a file's state (PROTOCOL.md 2.3): the real file's
 * folder with every symbolic link in it resolved (`realpath`), joined with
 * the file's name. So one file reached through `~/dotfiles`, a linked folder
 * or its own path keeps one history. A folder that does not exist yet is
 * taken as it is.
 */
export function fileIdentity(realPath: string): string {
  const absolute = path.resolve(realPath);
  try {
    return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
  } catch {
    return absolute;
  }
}

/**
 * Names the backup folder and journal file of the configuration file
 * `realPath` (absolute, after symlinks: see `resolveTarget`). `stateDir` is
 * the state folder, e.g. `$XDG_STATE_HOME/strata/_shared`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statePaths } from "./state_paths.ts";
 * const p = statePaths("/s", "/home/me/.config/demo/config.toml");
 * assert.ok(p.journal.startsWith("/s/journal/config.toml-"));
 * assert.ok(p.journal.endsWith(".ndjson"));
 * ```
 */
export function statePaths(stateDir: string, realPath: string): StatePaths {
  const identity = fileIdentity(realPath);
  const name = stateKeyOf(identity, path.basename(identity));
  return {
    name,
    identity,
    backupDir: path.join(stateDir, stateFolders.backups, name),
    journal: path.join(stateDir, stateFolders.journal, `${name}.ndjson`),
  };
}
