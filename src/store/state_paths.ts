/**
 * Where a configuration file's backups and journal live inside the state
 * folder. The names are part of the on-disk protocol (PROTOCOL.md), so any
 * writer, in any language, finds the same places.
 *
 * @module
 */

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
}

/**
 * Names the backup folder and journal file of the configuration file
 * `realPath` (absolute, after symlinks: see `resolveTarget`). `stateDir` is
 * the application's state folder, e.g. `$XDG_STATE_HOME/strata/<app>`.
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
  const absolute = path.resolve(realPath);
  const name = stateKeyOf(absolute, path.basename(absolute));
  return {
    name,
    backupDir: path.join(stateDir, stateFolders.backups, name),
    journal: path.join(stateDir, stateFolders.journal, `${name}.ndjson`),
  };
}
