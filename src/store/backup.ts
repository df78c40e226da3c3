/**
 * Timestamped copies of a configuration file's previous versions, rotated so
 * that the newest N stay and a copy that parses is never the one deleted.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { randomHex, renameOver } from "./_durable.ts";
import { errnoOf, ioError } from "./_io_error.ts";
import { removeOrphanTemps } from "./_orphans.ts";
import { lockDefaults } from "./lock_state.ts";
import { fileMode } from "./atomic_write.ts";
import { ensureStateFolder } from "./_state_folder.ts";
import { backupNamePattern, backupTempPattern, isoOfBackupTime } from "./layout.ts";

/** One backup, as {@link listBackups} reports it. */
export interface BackupEntry {
  /** The backup's id: `<UTC time YYYYMMDDTHHMMSS.mmmZ>-<pid of the writer>`. */
  id: string;
  /** Full path of the copy. */
  path: string;
  /** When it was taken, ISO 8601 UTC (from its name). */
  time: string;
  /** Size in bytes. */
  size: number;
}

/** Options of {@link backupFile}. */
export interface BackupOptions {
  /** How many copies to keep (default 20). */
  keep?: number;
  /** Whether a copy's text parses; the newest copy it accepts is never rotated away. */
  isValid?: (text: string) => boolean;
  /** The bytes to keep as a copy (instead of linking `realTarget`'s current version). */
  content?: Uint8Array;
  /** Set when `content` is known to parse (it was just parsed): saves parsing it again. */
  contentIsValid?: boolean;
  /** False to skip rotation (the caller rotates with {@link rotateBackups} after its write). */
  rotate?: boolean;
}

/** Default number of backups kept per file. */
export const defaultKeepBackups = 20;

const orphanBackupTemp = backupTempPattern;
const backupName = backupNamePattern;

/**
 * Keeps the current version of `realTarget` in `backupDir` (created 0700)
 * as `<UTC time>-<pid>.<ext>`, then rotates. The version is kept as a hard
 * link to the file (it is about to be replaced by a rename, so the link is
 * the old version alone, with its own mode and mtime); where links are not
 * possible, or when `content` is given, as a copy (0600, written to a
 * temporary name, fsynced, then renamed, so a copy is never half there). Returns the
 * new backup's id, or undefined when the file does not exist (nothing to keep).
 *
 * Names sort by time: call it under the file's lock, and a name is always
 * later than the newest one already there (1 ms later if the clock says
 * otherwise), so the order of the names is the order of the versions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * import { backupFile, listBackups } from "./backup.ts";
 * const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
 * fs.writeFileSync(path.join(dir, "config.toml"), "a = 1\n");
 * const id = backupFile(path.join(dir, "config.toml"), path.join(dir, "backups"));
 * assert.equal(listBackups(path.join(dir, "backups"))[0].id, id);
 * fs.rmSync(dir, { recursive: true });
 * ```
 */
export function backupFile(
  realTarget: string,
  backupDir: string,
  options: BackupOptions = {},
): string | undefined {
  const stat = options.content === undefined ? statFile(realTarget) : undefined;
  if (options.content === undefined && stat === undefined) return undefined;
  // A file that already has other names (hard links made by someone) could change under them:
  // its backup must be a private copy.
  const link = stat !== undefined && stat.nlink === 1;
  ensureStateFolder(backupDir, realTarget, 2);
  const existing = listNames(backupDir);
  const newest = existing[0];
  let time = Date.now();
  if (newest) time = Math.max(time, Date.parse(isoOfBackupTime(newest.match(backupName)![1])) + 1);
  const id = `${compactTime(time)}-${process.pid}`;
  const ext = path.extname(realTarget);
  const file = path.join(backupDir, id + ext);
  if (!(link && linked(realTarget, file))) {
    const content = options.content ?? readIfExists(realTarget);
    if (content === undefined) return undefined;
    copyDurably(content, backupDir, id, file, realTarget);
  }
  if (options.rotate !== false) rotate(backupDir, [id + ext, ...existing], options);
  removeOrphanTemps(backupDir, orphanBackupTemp, lockDefaults.staleMs);
  return id;
}

/**
 * Rotates `backupDir` as {@link backupFile} does (keep the newest `keep`,
 * spare the newest copy that parses). `contentIsValid` then says whether
 * the newest backup is known to parse. For writers that back up with
 * `rotate: false` and rotate only once the write has succeeded.
 */
export function rotateBackups(backupDir: string, options: BackupOptions = {}): void {
  rotate(backupDir, listNames(backupDir), options);
}

/**
 * Removes the backup `id` (of a file with extension `ext`): a write that
 * failed after its backup leaves the file as it was, and the backup, a
 * second name for that same version, would only mislead.
 */
export function discardBackup(backupDir: string, id: string, ext: string): void {
  try {
    fs.unlinkSync(path.join(backupDir, id + ext));
  } catch {
    // Already gone.
  }
}

/**
 * Keeps the current version as a hard link to its inode: no copy, no fsync
 * (its data is already on disk; on journaling file systems the link is
 * committed with the rename's folder fsync), and the version's own mtime.
 * The rename that follows gives the configuration a new inode, so the link
 * is the old version alone. False when links are not possible here (another
 * file system, FAT, protected_hardlinks): then the caller copies.
 */
function linked(realTarget: string, file: string): boolean {
  try {
    fs.linkSync(realTarget, file);
    return true;
  } catch {
    return false;
  }
}

/** Writes a backup copy: temp name, fsync, rename, so a copy is never half there. */
function copyDurably(
  content: Uint8Array,
  backupDir: string,
  id: string,
  file: string,
  realTarget: string,
): void {
  const temp = path.join(backupDir, `.${id}.${randomHex()}.tmp`);
  try {
    const fd = fs.openSync(temp, "wx", fileMode);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    renameOver(temp, file);
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // Nothing to clean.
    }
    throw ioError(`cannot keep a backup of ${realTarget} in ${backupDir}`, file, error);
  }
}

function statFile(file: string): fs.Stats | undefined {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : undefined;
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot read ${file} to back it up`, file, error);
  }
}

/**
 * Lists the backups in `backupDir`, newest first. A missing folder has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listBackups } from "./backup.ts";
 * assert.equal(listBackups("/no/such/strata/folder").length, 0);
 * ```
 */
export function listBackups(backupDir: string): BackupEntry[] {
  const entries: BackupEntry[] = [];
  for (const name of listNames(backupDir)) {
    const file = path.join(backupDir, name);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      continue; // rotated away meanwhile
    }
    const match = name.match(backupName)!;
    entries.push({
      id: `${match[1]}-${match[2]}`,
      path: file,
      time: isoOfBackupTime(match[1]),
      size,
    });
  }
  return entries;
}

/** Backup file names in the folder, newest first. */
function listNames(backupDir: string): string[] {
  let names: string[];
  try {
    // A link planted at the folder's name is never followed: ensureStateFolder says why.
    if (fs.lstatSync(backupDir).isSymbolicLink()) ensureStateFolder(backupDir, backupDir);
    names = fs.readdirSync(backupDir);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return [];
    throw ioError(`cannot list the backups in ${backupDir}`, backupDir, error);
  }
  return names.filter((name) => backupName.test(name)).sort().reverse();
}

/**
 * Deletes all but the newest `keep` names, except that the newest copy that
 * parses is kept too when none of the kept ones does.
 */
function rotate(backupDir: string, newestFirst: string[], options: BackupOptions): void {
  const keep = Math.max(0, options.keep ?? defaultKeepBackups);
  if (newestFirst.length <= keep) return;
  const doomed = newestFirst.slice(keep);
  const isValid = options.isValid;
  if (isValid) {
    const kept = newestFirst.slice(0, keep);
    const keptValid = (keep > 0 && options.contentIsValid) ||
      kept.some((name) => validFile(path.join(backupDir, name), isValid));
    if (!keptValid) {
      const rescued = doomed.findIndex((name, i) =>
        (i === 0 && keep === 0 && options.contentIsValid) ||
        validFile(path.join(backupDir, name), isValid)
      );
      if (rescued >= 0) doomed.splice(rescued, 1);
    }
  }
  for (const name of doomed) {
    try {
      fs.unlinkSync(path.join(backupDir, name));
    } catch {
      // Another writer rotated it already.
    }
  }
}

function validFile(file: string, isValid: (text: string) => boolean): boolean {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(file));
    return isValid(text);
  } catch {
    return false;
  }
}

function readIfExists(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot read ${file} to back it up`, file, error);
  }
}

/** `2026-11-25T23:56:02.123Z` -> `20261125T235602.123Z` */
function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "");
}
