/**
 * The names of everything the write protocol leaves on disk (PROTOCOL.md
 * section 2): beside the real file its lock, break guard and temp files; in
 * the state folder its backups (and their temp files) and its journal. The
 * one place that knows them: the store writes by them, `doctor` inspects by
 * them, and the read path finds backups by them.
 *
 * Pure and free of `node:` imports, so the read path can use it without
 * loading the write path.
 *
 * @module
 */

import { fnv1a32 } from "../fnv1a.ts";

/** `<real>.lock`: the lock of a real file. */
export function lockPathOf(real: string): string {
  return `${real}.lock`;
}

/** `<real>.lock.break`: the guard held while a stale lock is broken. */
export function breakGuardOf(real: string): string {
  return `${real}.lock.break`;
}

/** Escapes a file name for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `.<name>.<pid>.<hex>.tmp`: a writer's temp file beside the real file named `name`. */
export function tempNameOf(name: string, pid: number, hex: string): string {
  return `.${name}.${pid}.${hex}.tmp`;
}

/** Matches the temp files beside the real file named `name`; group 1 is the writer's pid. */
export function tempPatternOf(name: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(name)}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** A backup's file name: `<UTC time>-<pid><ext>` (groups: time, pid, ext). */
export const backupNamePattern = /^(\d{8}T\d{6}\.\d{3}Z)-(\d+)(\.[^.]+)?$/;

/** A backup's temp name `.<id>.<hex>.tmp`; group 1 is the writer's pid. */
export const backupTempPattern = /^\.\d{8}T\d{6}\.\d{3}Z-(\d+)\.[0-9a-f]+\.tmp$/;

/** `20261125T235602.123Z` (a backup name's time) -> `2026-11-25T23:56:02.123Z`. */
export function isoOfBackupTime(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}T${
    compact.slice(9, 11)
  }:${compact.slice(11, 13)}:${compact.slice(13)}`;
}

/** Folders of the state dir: backups, journals, the parse cache. */
export const stateFolders = { backups: "backups", journal: "journal", cache: "cache" } as const;

/**
 * `<basename>-<fnv1a32 of the absolute real path>`: the name a real file's
 * backup folder, journal and parse cache share in the state dir.
 */
export function stateKeyOf(real: string, basename: string): string {
  return `${basename}-${fnv1a32(real)}`;
}

/** `<journal>.1`: the previous generation of a journal, kept when it is rotated. */
export function rotatedJournalOf(journal: string): string {
  return `${journal}.1`;
}

/** Size past which a journal is rotated (its previous generation kept, the one before dropped). */
export const journalRotateBytes = 1024 * 1024;

/**
 * The one state folder every configuration file's backups, journal and
 * parse cache live in, under strata's state root
 * (`$XDG_STATE_HOME/strata/_shared/`): keyed by the file's identity only,
 * so the same file named through `--file`, `--app` or a link keeps one
 * history. Application names start with a letter or digit, so no
 * application's folder can take this name.
 */
export const sharedStateName = "_shared";

/**
 * `<root>/<name>/` folders of the layout before {@link sharedStateName}:
 * one state folder per application (`_file` for `--file`). Merged into
 * the shared folder by `migrateLegacyState`.
 */
export function isLegacyStateName(name: string): boolean {
  return name === "_file" || /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

/** `<shared>/.migration`: the lock (`.migration.lock`) held while old state folders are merged. */
export const migrationLockName = ".migration";

/** Folders of an old per-application state folder that the merge empties. */
export const legacyFolders = { ...stateFolders, edits: "edits" } as const;
