/**
 * Where a configuration file's backups and journal live inside the state
 * folder. The names are part of the on-disk protocol (PROTOCOL.md), so any
 * writer, in any language, finds the same places.
 *
 * @module
 */

import * as path from "node:path";

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
 * FNV-1a (32 bits) of the UTF-8 bytes of `text`, as 8 lower-case hex digits.
 * It only keeps two files with the same base name apart; it is not a
 * security measure, and it costs nothing at start-up (unlike `node:crypto`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fnv1a32 } from "./state_paths.ts";
 * assert.equal(fnv1a32(""), "811c9dc5");
 * assert.equal(fnv1a32("a"), "e40c292c");
 * ```
 */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
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
  const name = `${path.basename(absolute)}-${fnv1a32(absolute)}`;
  return {
    name,
    backupDir: path.join(stateDir, "backups", name),
    journal: path.join(stateDir, "journal", `${name}.ndjson`),
  };
}
