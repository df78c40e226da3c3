/**
 * Finding a configuration file's backups for the read fallback, following
 * the on-disk protocol (PROTOCOL.md: `<stateDir>/backups/<basename>-<fnv1a32
 * of the real path>/<UTC time>-<pid><ext>`). The store writes them; this is
 * the reader's side, kept free of the store's modules so that a read loads
 * none of the write path (tests check both agree).
 *
 * @module
 */

import { type PathApi, posixPath, win32Path } from "../platform/path.ts";
import { readDirNames, readLink } from "../runtime/fs.ts";
import { fnv1a32 } from "../fnv1a.ts";

/** A backup, newest first in {@link listBackupFiles}. */
export interface BackupFile {
  /** `<time>-<pid>`. */
  id: string;
  /** Full path. */
  path: string;
  /** ISO 8601 UTC time it was taken. */
  time: string;
}

const backupName = /^(\d{8}T\d{6}\.\d{3}Z)-(\d+)(\.[^.]+)?$/;
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

/** The folder holding the backups of `file` under `stateDir`. */
export function backupDirOf(stateDir: string, file: string): string {
  const p = pathApi();
  const real = realFile(file);
  const base = real.slice(real.lastIndexOf(p.sep) + 1);
  return p.join(stateDir, "backups", `${base}-${fnv1a32(real)}`);
}

function isoOf(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}T${
    compact.slice(9, 11)
  }:${compact.slice(11, 13)}:${compact.slice(13)}`;
}

/** The backups in `dir`, newest first (their names sort by time). */
export function listBackupFiles(dir: string): BackupFile[] {
  const p = pathApi();
  return readDirNames(dir)
    .filter((n) => backupName.test(n))
    .sort()
    .reverse()
    .map((n) => {
      const m = backupName.exec(n)!;
      return { id: `${m[1]}-${m[2]}`, path: p.join(dir, n), time: isoOf(m[1]) };
    });
}
