/**
 * Merges the state folders of the per-application layout
 * (`<root>/<app>/`, `<root>/_file/`) into the shared state folder
 * (`<root>/_shared/`, PROTOCOL.md 2.4), so one file keeps one history
 * whichever way it was named. Safe to run by several processes at once
 * and to kill at any point: every step is idempotent (a journal line already
 * merged is not merged twice, a backup already linked is not copied twice),
 * and nothing is removed from an old folder before it is in the shared one.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { StrataError } from "../errors.ts";
import { crashPoint } from "./_durable.ts";
import { errnoOf } from "./_io_error.ts";
import { removeOrphanTemps } from "./_orphans.ts";
import { ensureStateFolder, noFollow } from "./_state_folder.ts";
import { fileMode, writeFileAtomic } from "./atomic_write.ts";
import { readPrivate } from "./journal.ts";
import { acquireLock, type FileLock } from "./lock.ts";
import { lockDefaults } from "./lock_state.ts";
import {
  backupNamePattern,
  backupTempPattern,
  isLegacyStateName,
  isoOfBackupTime,
  legacyFolders,
  migrationLockName,
  rotatedJournalOf,
  sharedStateName,
  tempPatternOf,
} from "./layout.ts";
import { statePaths } from "./state_paths.ts";

/** Options of {@link migrateLegacyState}. */
export interface MigrationOptions {
  /** How long to wait for the merge's lock and each file's lock, ms (default 10000). */
  timeoutMs?: number;
  /** Age after which a lock is stale, ms (default 30000). */
  staleMs?: number;
  /** Program name recorded in the locks (default `strata`). */
  program?: string;
}

/** What {@link migrateLegacyState} did. */
export interface MigrationResult {
  /** The old folders merged and removed. */
  merged: string[];
  /** What was left in place, and why (a link, a file strata does not know, a busy writer's temp). */
  left: { path: string; problem: string }[];
}

/**
 * The old per-application state folders beside the shared one
 * `stateDir` (real folders only: a link is never followed). None when
 * `stateDir` is not the shared folder (a caller's own state folder).
 */
export function legacyStateFolders(stateDir: string): string[] {
  if (path.basename(stateDir) !== sharedStateName) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.dirname(stateDir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && e.name !== sharedStateName && isLegacyStateName(e.name))
    .map((e) => path.join(path.dirname(stateDir), e.name))
    .sort();
}

/**
 * Merges every old per-application state folder beside the shared state
 * folder `stateDir` into it, then removes what it emptied: journals are
 * merged line by line in time order (each journal's own order kept, lines
 * already there not repeated), backups are moved (a name already taken by
 * another version gets the next free millisecond), working copies of
 * `edit` are moved, parse caches are dropped. A file's journal is merged
 * under that file's lock, as every writer appends under it; the whole merge
 * holds `<stateDir>/.migration.lock`. Costs one folder listing when there
 * is nothing to merge.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * import { migrateLegacyState } from "./migrate_state.ts";
 * const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
 * fs.mkdirSync(path.join(root, "demo", "journal"), { recursive: true });
 * fs.writeFileSync(path.join(root, "demo", "journal", "c.toml-00000000.ndjson"), '{"key":"a"}\n');
 * const result = await migrateLegacyState(path.join(root, "_shared"));
 * assert.deepEqual(result.merged, [path.join(root, "demo")]);
 * assert.ok(fs.existsSync(path.join(root, "_shared", "journal", "c.toml-00000000.ndjson")));
 * fs.rmSync(root, { recursive: true });
 * ```
 */
export async function migrateLegacyState(
  stateDir: string,
  options: MigrationOptions = {},
): Promise<MigrationResult> {
  const result: MigrationResult = { merged: [], left: [] };
  if (legacyStateFolders(stateDir).length === 0) return result;
  ensureStateFolder(stateDir, stateDir);
  const lock = await acquireLock(path.join(stateDir, migrationLockName), {
    timeoutMs: options.timeoutMs,
    staleMs: options.staleMs,
    program: options.program,
  });
  try {
    // Listed again under the lock: another process may have merged them meanwhile.
    for (const folder of legacyStateFolders(stateDir)) {
      await mergeFolder(folder, stateDir, options, lock, result);
    }
  } finally {
    lock.release();
  }
  return result;
}

async function mergeFolder(
  folder: string,
  shared: string,
  options: MigrationOptions,
  lock: FileLock,
  result: MigrationResult,
): Promise<void> {
  const journals = path.join(folder, legacyFolders.journal);
  const backups = path.join(folder, legacyFolders.backups);
  const keys = new Set<string>();
  for (const name of namesIn(journals, result)) {
    const match = name.match(/^(.+)\.ndjson(\.1|\.torn)?$/);
    if (match) keys.add(match[1]);
  }
  for (const name of namesIn(backups, result)) keys.add(name);
  for (const key of [...keys].sort()) {
    lock.confirm(); // renews the lease; stops here if a stall cost it
    await mergeKey(folder, shared, key, options, result);
  }
  moveEdits(folder, shared, result);
  removeCache(path.join(folder, legacyFolders.cache));
  for (const sub of Object.values(legacyFolders)) removeIfEmpty(path.join(folder, sub));
  if (removeIfEmpty(folder)) {
    result.merged.push(folder);
    return;
  }
  const known: string[] = Object.values(legacyFolders);
  const rest = namesIn(folder, result).filter((n) => !known.includes(n));
  for (const name of rest) {
    result.left.push({
      path: path.join(folder, name),
      problem: "not part of strata's state layout; left in place",
    });
  }
}

/** One state key of an old folder: its journal (both generations, torn lines) and backups. */
async function mergeKey(
  folder: string,
  shared: string,
  key: string,
  options: MigrationOptions,
  result: MigrationResult,
): Promise<void> {
  const oldJournal = path.join(folder, legacyFolders.journal, `${key}.ndjson`);
  const oldLines = [
    ...linesOf(readPrivate(rotatedJournalOf(oldJournal))),
    ...linesOf(readPrivate(oldJournal)),
  ];
  const file = fileOf(oldLines);
  // Keyed again by the file's identity now: an older layout may have named it otherwise.
  const target = file === undefined
    ? {
      journal: path.join(shared, legacyFolders.journal, `${key}.ndjson`),
      backupDir: path.join(shared, legacyFolders.backups, key),
    }
    : statePaths(shared, file);
  if (oldLines.length > 0) {
    const fileLock = file === undefined ? undefined : await lockIfPossible(file, options);
    try {
      mergeJournal(target.journal, oldLines, options.staleMs ?? lockDefaults.staleMs, fileLock);
      removeQuietly(rotatedJournalOf(oldJournal));
      removeQuietly(oldJournal);
    } finally {
      fileLock?.release();
    }
  }
  const torn = `${oldJournal}.torn`;
  const tornText = readPrivate(torn);
  if (tornText !== undefined) {
    appendPrivate(`${target.journal}.torn`, tornText);
    removeQuietly(torn);
  }
  moveBackups(path.join(folder, legacyFolders.backups, key), target.backupDir, options, result);
}

/**
 * Takes the file's lock, as a writer appending to its journal does; none
 * when no lock can be made beside it at all (its folder is gone or not
 * writable: then no writer can change it either).
 */
async function lockIfPossible(file: string, options: MigrationOptions) {
  try {
    return await acquireLock(file, {
      timeoutMs: options.timeoutMs,
      staleMs: options.staleMs,
      program: options.program,
    });
  } catch (error) {
    if (error instanceof StrataError && error.code === "io") return undefined;
    throw error;
  }
}

/**
 * Writes the shared journal as the merge of what it holds (both
 * generations) and `oldLines`, in time order, each line once. The rotated
 * generation is folded in and removed after the rename (a crash between
 * the two only repeats lines, which the next merge removes again).
 */
function mergeJournal(
  journal: string,
  oldLines: string[],
  staleMs: number,
  fileLock: FileLock | undefined,
): void {
  ensureStateFolder(path.dirname(journal), journal, 2);
  removeOrphanTemps(path.dirname(journal), tempPatternOf(path.basename(journal)), staleMs);
  const rotated = rotatedJournalOf(journal);
  const hadRotated = readPrivate(rotated) !== undefined;
  const current = [...linesOf(readPrivate(rotated)), ...linesOf(readPrivate(journal))];
  const merged = mergeLines(current, oldLines);
  if (!hadRotated && merged.join("\n") === current.join("\n")) return;
  fileLock?.confirm();
  writeFileAtomic(journal, merged.map((line) => line + "\n").join(""), {
    resolved: true,
    mode: fileMode,
  });
  crashPoint("migrated");
  if (hadRotated) removeQuietly(rotated);
}

/**
 * The lines of `a` and `b` in time order (the `time` member; a line that
 * does not parse goes with the line before it), each list's own order kept,
 * `a` first on a tie, every line once.
 */
export function mergeLines(a: string[], b: string[]): string[] {
  const ta = timesOf(a);
  const tb = timesOf(b);
  const seen = new Set<string>();
  const out: string[] = [];
  const take = (line: string) => {
    if (seen.has(line)) return;
    seen.add(line);
    out.push(line);
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && ta[i] <= tb[j])) take(a[i++]);
    else take(b[j++]);
  }
  return out;
}

function timesOf(lines: string[]): string[] {
  let last = "";
  return lines.map((line) => {
    try {
      const time = JSON.parse(line)?.time;
      if (typeof time === "string") last = time;
    } catch {
      // A torn line keeps its place after the line before it.
    }
    return last;
  });
}

function linesOf(text: string | undefined): string[] {
  return text === undefined ? [] : text.split("\n").filter((line) => line.trim() !== "");
}

/** The configuration file a journal's lines are about (the newest entry's `file`). */
function fileOf(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const file = JSON.parse(lines[i])?.file;
      if (typeof file === "string" && path.isAbsolute(file)) return file;
    } catch {
      // torn line
    }
  }
  return undefined;
}

/** Moves an old backup folder's versions into `to`; a taken name gets the next free millisecond. */
function moveBackups(
  from: string,
  to: string,
  options: MigrationOptions,
  result: MigrationResult,
): void {
  if (!isRealFolder(from, result)) return;
  // Temp files of writers that crashed while making a backup are garbage.
  removeOrphanTemps(from, backupTempPattern, options.staleMs ?? lockDefaults.staleMs);
  const names = fs.readdirSync(from).filter((n) => backupNamePattern.test(n)).sort();
  if (names.length > 0) ensureStateFolder(to, to, 2);
  for (const name of names) {
    const src = path.join(from, name);
    const stat = fs.lstatSync(src);
    if (!stat.isFile()) {
      result.left.push({ path: src, problem: "not a regular file; left in place" });
      continue;
    }
    linkInto(src, stat, to, name);
    crashPoint("migrated-backup");
    removeQuietly(src);
  }
  if (!removeIfEmpty(from)) {
    for (const name of fs.readdirSync(from)) {
      result.left.push({ path: path.join(from, name), problem: "not a backup; left in place" });
    }
  }
}

/** Links `src` into `dir` under `name`, or the next free backup name; done if it is there already. */
function linkInto(src: string, stat: fs.Stats, dir: string, name: string): void {
  for (let candidate = name;; candidate = nextBackupName(candidate)) {
    const dest = path.join(dir, candidate);
    try {
      fs.linkSync(src, dest);
      return;
    } catch (error) {
      const code = errnoOf(error);
      if (code === "EXDEV" || code === "EPERM" || code === "ENOTSUP") {
        // Another file system (or one without hard links): a copy, never over a taken name.
        try {
          fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL);
          fs.chmodSync(dest, stat.mode & 0o777);
          return;
        } catch (copyError) {
          if (errnoOf(copyError) !== "EEXIST") throw copyError;
        }
      } else if (code !== "EEXIST") throw error;
      if (sameFile(src, stat, dest)) return; // merged before a crash, or the same version
    }
  }
}

function sameFile(src: string, stat: fs.Stats, dest: string): boolean {
  try {
    const other = fs.lstatSync(dest);
    if (other.ino === stat.ino && other.dev === stat.dev) return true;
    if (!other.isFile() || other.size !== stat.size) return false;
    return fs.readFileSync(src).equals(fs.readFileSync(dest));
  } catch {
    return false;
  }
}

/** `<time>-<pid><ext>` one millisecond later. */
function nextBackupName(name: string): string {
  const [, time, pid, ext] = name.match(backupNamePattern)!;
  const later = new Date(Date.parse(isoOfBackupTime(time)) + 1).toISOString();
  return `${later.replace(/[-:]/g, "")}-${pid}${ext ?? ""}`;
}

/** Moves the working copies and kept texts of `edit`. */
function moveEdits(folder: string, shared: string, result: MigrationResult): void {
  const from = path.join(folder, legacyFolders.edits);
  if (!isRealFolder(from, result)) return;
  const to = path.join(shared, legacyFolders.edits);
  for (const name of fs.readdirSync(from)) {
    const src = path.join(from, name);
    const stat = fs.lstatSync(src);
    if (!stat.isFile()) continue;
    ensureStateFolder(to, to);
    try {
      fs.linkSync(src, path.join(to, name));
    } catch (error) {
      if (errnoOf(error) !== "EEXIST" || !sameFile(src, stat, path.join(to, name))) {
        result.left.push({ path: src, problem: `not moved: ${(error as Error).message}` });
        continue;
      }
    }
    removeQuietly(src);
  }
}

/** The parse cache is rebuilt on demand: an old one is dropped (a link is removed, not followed). */
function removeCache(dir: string): void {
  try {
    const stat = fs.lstatSync(dir);
    if (stat.isDirectory()) fs.rmSync(dir, { recursive: true, force: true });
    else fs.unlinkSync(dir);
  } catch {
    // Not there.
  }
}

/** Names in a real folder of the old layout (none when absent; a link is reported, not followed). */
function namesIn(dir: string, result: MigrationResult): string[] {
  return isRealFolder(dir, result) ? fs.readdirSync(dir) : [];
}

function isRealFolder(dir: string, result: MigrationResult): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (stat.isDirectory()) return true;
  result.left.push({
    path: dir,
    problem: `${stat.isSymbolicLink() ? "a symbolic link" : "not a folder"}; never followed`,
  });
  return false;
}

function removeIfEmpty(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (error) {
    return errnoOf(error) === "ENOENT";
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if (errnoOf(error) !== "ENOENT") throw error;
  }
}

function appendPrivate(file: string, text: string): void {
  ensureStateFolder(path.dirname(file), file, 2);
  const fd = fs.openSync(
    file,
    noFollow(fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT),
    fileMode,
  );
  try {
    fs.writeSync(fd, text.endsWith("\n") ? text : text + "\n");
  } finally {
    fs.closeSync(fd);
  }
}
