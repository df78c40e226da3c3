/**
 * Finding a configuration file's backups for the read fallback, following
 * the on-disk protocol (PROTOCOL.md: `<stateDir>/backups/<basename>-<fnv1a32
 * of the real path>/<UTC time>-<pid><ext>`). The store writes them and owns
 * their names (`store/layout.ts`, which loads none of the write path); this
 * is the reader's side.
 *
 * @module
 */

import type * as NodeFs from "node:fs";
import { type PathApi, posixPath, win32Path } from "../platform/path_api.ts";
import { readDirNames, readLink } from "../runtime/fs.ts";
import { backupNamePattern, isoOfBackupTime, stateFolders, stateKeyOf } from "../store/layout.ts";

/** A backup, newest first in {@link listBackupFiles}. */
export interface BackupFile {
  /** `<time>-<pid>`. */
  id: string;
  /** Full path. */
  path: string;
  /** ISO 8601 UTC time it was taken. */
  time: string;
}

const maxLinks = 40;

function pathApi(): PathApi {
  return process.platform === "win32" ? win32Path : posixPath;
}

/** The real file behind `file`: its chain of symbolic links followed (as writers resolve it). */
export function realFile(file: string): string {
  const p = pathApi();
  let current = p.resolve(file);
  for (let hops = 0; hops < maxLinks; hops++) {
    const link = readLink(current);
    if (link === undefined) return current;
    current = p.resolve(p.dirname(current), link);
  }
  return current;
}

/**
 * The folder holding the backups of `file` under `stateDir`: named by the
 * file's identity, its folder's physical path and its name, as the store
 * names it (`store/state_paths.ts`, `fileIdentity`). Loads `node:fs` (for
 * `realpath`) only when called: a read needs backups only when its file
 * does not parse.
 */
export function backupDirOf(stateDir: string, file: string): string {
  const p = pathApi();
  const real = realFile(file);
  const cut = real.lastIndexOf(p.sep);
  const base = real.slice(cut + 1);
  let identity = real;
  try {
    const fs = process.getBuiltinModule("node:fs") as typeof NodeFs;
    identity = p.join(fs.realpathSync(real.slice(0, cut) || p.sep), base);
  } catch {
    // A folder that does not exist: taken as it is, as the store does.
  }
  return p.join(stateDir, stateFolders.backups, stateKeyOf(identity, base));
}

/** The backups in `dir`, newest first (their names sort by time). */
export function listBackupFiles(dir: string): BackupFile[] {
  const p = pathApi();
  return readDirNames(dir)
    .filter((n) => backupNamePattern.test(n))
    .sort()
    .reverse()
    .map((n) => {
      const m = backupNamePattern.exec(n)!;
      return { id: `${m[1]}-${m[2]}`, path: p.join(dir, n), time: isoOfBackupTime(m[1]) };
    });
}
