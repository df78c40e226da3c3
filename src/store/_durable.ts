/**
 * The few file-system steps whose behaviour differs per platform, each in
 * one place: rename over a file (retried on Windows), fsync of a folder
 * (skipped where unsupported), and a short synchronous sleep. Internal to
 * `src/store/`.
 *
 * @module
 */

import * as fs from "node:fs";
import { errnoOf } from "./_io_error.ts";

/** Errors Windows returns while another process (an editor, a virus scanner) holds the target open. */
const windowsTransient = new Set(["EPERM", "EBUSY", "EACCES"]);

/** Delays between rename attempts on Windows, in milliseconds (about 1.5 s in all). */
const renameRetryDelays = [5, 10, 20, 40, 80, 160, 320, 500, 500];

/** Blocks the thread for `ms` milliseconds (used only between Windows rename retries). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Renames `from` over `to` atomically. On Windows, a target held open by
 * another program makes the rename fail for a moment with EPERM, EBUSY or
 * EACCES; those are retried with backoff before giving up.
 */
export function renameOver(from: string, to: string, platform = process.platform): void {
  for (let attempt = 0;; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (error) {
      const code = errnoOf(error) ?? "";
      const retry = platform === "win32" && windowsTransient.has(code) &&
        attempt < renameRetryDelays.length;
      if (!retry) throw error;
      sleepSync(renameRetryDelays[attempt]);
    }
  }
}

/**
 * Deletes a file; on Windows, a file another process has open for a moment
 * (a reader of the lock) refuses with EPERM/EBUSY, so that is retried.
 * Never throws: a file that cannot be deleted is left for the next writer.
 */
export function unlinkWithRetry(file: string, platform = process.platform): void {
  for (let attempt = 0;; attempt++) {
    try {
      fs.unlinkSync(file);
      return;
    } catch (error) {
      const code = errnoOf(error) ?? "";
      const retry = platform === "win32" && windowsTransient.has(code) && attempt < 5;
      if (!retry) return;
      sleepSync(renameRetryDelays[attempt]);
    }
  }
}

/** Errors that mean "this platform or file system cannot fsync a folder": skipped. */
const dirSyncUnsupported = new Set(["EISDIR", "EPERM", "EACCES", "EINVAL", "EBADF", "ENOTSUP"]);

/**
 * Flushes a folder's entries (a rename, a new file) to disk, so the rename
 * survives a power cut. Windows cannot open a folder for this and NTFS
 * journals metadata itself, so it is skipped there, as it is on file
 * systems that refuse it.
 */
export function fsyncDir(dir: string, platform = process.platform): void {
  if (platform === "win32") return;
  let fd: number;
  try {
    fd = fs.openSync(dir, "r");
  } catch (error) {
    if (dirSyncUnsupported.has(errnoOf(error) ?? "")) return;
    throw error;
  }
  try {
    fs.fsyncSync(fd);
  } catch (error) {
    if (!dirSyncUnsupported.has(errnoOf(error) ?? "")) throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes every byte of `data` at the file's current position (or appended,
 * for an O_APPEND descriptor). `writeSync` may write fewer bytes than asked
 * when a disk fills mid-write, without throwing; looping makes the next call
 * throw ENOSPC, so a short write is never mistaken for success.
 */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let done = 0;
  while (done < bytes.length) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error("write wrote nothing"), { code: "EIO" });
    done += n;
  }
}

/** The points of the write protocol where {@link crashPoint} can stop a writer. */
export type CrashPoint =
  | "locked"
  | "backup"
  | "temp"
  | "renamed"
  | "written"
  | "journaled"
  | "migrated"
  | "migrated-backup";

/**
 * Test hook, in the spirit of SQLite's crash tests: when the environment
 * variable `STRATA_CRASH_AT` names this point, the process kills itself
 * with SIGKILL here, as a power cut or `kill -9` would, so tests can check
 * what PROTOCOL.md section 10 says each crash leaves behind. When
 * `STRATA_STOP_AT` names it, the process stops itself with SIGSTOP (as
 * Ctrl-Z, a suspended laptop or a very slow disk would stall it) until a
 * test sends SIGCONT. Unset (always, outside tests), it costs two
 * environment lookups.
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.STRATA_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
  if (process.env.STRATA_STOP_AT === point) process.kill(process.pid, "SIGSTOP");
}

/** A short random hexadecimal string for unique temporary names (not a secret). */
export function randomHex(bytes = 4): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}
