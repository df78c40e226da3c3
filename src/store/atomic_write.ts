/**
 * Replaces a file's content atomically: a reader (or a crash) sees the old
 * content or the new, never a mix.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { crashPoint, fsyncDir, randomHex, renameOver } from "./_durable.ts";
import { StrataError } from "../errors.ts";
import { errnoOf, ioError } from "./_io_error.ts";
import { resolveTarget } from "./resolve_target.ts";
import { tempNameOf } from "./layout.ts";

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Mode of a file created new (default `0o600`). An existing file keeps its own mode. */
  mode?: number;
  /**
   * Set when the caller has already resolved symbolic links (as `updateFile`
   * does): `target` is then written as is.
   */
  resolved?: boolean;
  /**
   * Called after the temporary file is written and flushed, right before the
   * rename: throwing refuses the write (the temporary file is removed, the
   * target is untouched) and the error reaches the caller as it is. The
   * write protocol checks here that its lock is still its own.
   */
  beforeRename?: () => void;
}

/** Mode of folders strata creates. */
export const folderMode = 0o700;

/** Mode of files strata creates. */
export const fileMode = 0o600;

/**
 * Writes `data` to `target` atomically and durably: a temporary file
 * `.<name>.<pid>.<random>.tmp` is created exclusively (mode 0600) beside the
 * real target, written, fsynced, given the existing file's mode, owner and
 * group, renamed over the target, and the folder is fsynced.
 *
 * - A symbolic link is written through: the link stays, its target changes
 *   (a dangling link creates its target; a loop is refused).
 * - Missing folders are created with mode 0700.
 * - On failure the temporary file is removed, the target is untouched, and a
 *   `StrataError` with code `io` says why in words ("no space left on
 *   device") and what to do.
 *
 * Synchronous on purpose: it is a handful of system calls and is used inside
 * the lock, where nothing else should interleave.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * import { writeFileAtomic } from "./atomic_write.ts";
 * const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
 * writeFileAtomic(path.join(dir, "config.toml"), 'name = "demo"\n');
 * assert.equal(fs.readFileSync(path.join(dir, "config.toml"), "utf8"), 'name = "demo"\n');
 * fs.rmSync(dir, { recursive: true });
 * ```
 */
export function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): void {
  const real = options.resolved ? target : resolveTarget(target);
  const dir = path.dirname(real);
  const existing = statIfExists(real);
  if (existing) assertWritable(real, existing);
  ensureFolder(dir, real);
  const temp = path.join(dir, tempNameOf(path.basename(real), process.pid, randomHex()));
  let fd: number | undefined;
  try {
    // "wx" = O_CREAT|O_EXCL: a symlink planted at this name makes it fail, never redirects it.
    fd = fs.openSync(temp, "wx", fileMode);
    fs.writeFileSync(fd, data);
    // Mode and owner before the fsync, so they reach the disk with the data.
    keepOwnership(real, fd, existing, options.mode ?? fileMode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    crashPoint("temp");
    options.beforeRename?.();
    renameOver(temp, real);
    crashPoint("renamed");
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw ioError(`cannot write ${real}`, real, error);
  }
  try {
    fsyncDir(dir);
  } catch (error) {
    throw ioError(`wrote ${real} but could not flush its folder`, real, error, false);
  }
}

/** The error for a target that is a folder, a device or a pipe. */
export function notRegularFile(file: string): StrataError {
  return new StrataError(
    "io",
    `cannot write ${file}: it is not a regular file (a folder, device or pipe). ` +
      `Nothing was written. To fix: point strata at a regular file.`,
  );
}

/**
 * Refuses a target that is not a regular file, that is read-only, or that
 * belongs to another user (for a writer that is not root): a rename would
 * replace it without complaint, but a person who made it read-only meant
 * "do not change this", and only root can give a file back to its owner.
 */
export function assertWritable(file: string, stat: fs.Stats): void {
  if (!stat.isFile()) throw notRegularFile(file);
  // Decided from the mode bits, not access(2): Deno's node:fs emulates accessSync from the mode
  // and denies root. Root may write anything (as access(2) says); anyone else only their own
  // file (the owner check below), and only when its owner-write bit is set.
  const uid = process.geteuid?.() ?? process.getuid?.();
  if (uid === 0) return;
  if ((stat.mode & 0o200) === 0) {
    throw new StrataError(
      "io",
      `cannot write ${file}: permission denied: the file is read-only ` +
        `(mode ${(stat.mode & 0o777).toString(8)}). The file was not changed. ` +
        `To fix: make it writable (chmod u+w ${file}) if it should change.`,
    );
  }
  // Only root may give a file to another user: refuse now rather than after a backup.
  if (uid !== undefined && stat.uid !== uid) throw ownerWouldChange(file, stat, uid);
}

function ownerWouldChange(file: string, stat: fs.Stats, uid: number, cause?: unknown) {
  return new StrataError(
    "io",
    `cannot write ${file}: it is owned by uid ${stat.uid} gid ${stat.gid}, and ` +
      `rewriting it as uid ${uid} would change its owner. The file was not changed. ` +
      `To fix: run as its owner (or root), or change its owner first.`,
    { cause },
  );
}

/**
 * Creates `dir` (and its parents) when missing, with mode 0700 or `mode`
 * (set exactly, whatever the umask, on each folder created).
 */
export function ensureFolder(dir: string, forFile = dir, mode = folderMode): void {
  try {
    const first = fs.mkdirSync(dir, { recursive: true, mode });
    if (first === undefined || mode === folderMode) return;
    for (let d = dir; d.length >= first.length; d = path.dirname(d)) {
      fs.chmodSync(d, mode);
      if (d === first) break;
    }
  } catch (error) {
    // Denied: the folder to name is the one mkdir could not write into (the
    // nearest that exists), not the folder of the file this is for.
    const denied = ["EACCES", "EPERM", "EROFS"].includes(errnoOf(error) ?? "");
    const hint = denied ? path.join(nearestExisting(dir), path.basename(dir)) : forFile;
    throw ioError(`cannot create the folder ${dir}`, hint, error);
  }
}

function nearestExisting(dir: string): string {
  let at = path.dirname(dir);
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

function statIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot write ${file}`, file, error);
  }
}

/**
 * Gives the temporary file the existing file's mode, owner and group (or
 * `newMode` for a new file). A chown we are not allowed to do is an error
 * only when it would change who owns the file.
 */
function keepOwnership(
  file: string,
  fd: number,
  existing: fs.Stats | undefined,
  newMode: number,
): void {
  const mode = existing ? existing.mode & 0o7777 : newMode;
  if (process.platform === "win32") return;
  fs.fchmodSync(fd, mode);
  if (!existing) return;
  const mine = fs.fstatSync(fd);
  if (mine.uid === existing.uid && mine.gid === existing.gid) return;
  try {
    fs.fchownSync(fd, existing.uid, existing.gid);
  } catch (error) {
    if (errnoOf(error) !== "EPERM") throw error;
    throw ownerWouldChange(file, existing, mine.uid, error);
  }
  // chown clears set-user-ID and set-group-ID bits; put them back.
  if (mode & 0o6000) fs.fchmodSync(fd, mode);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already failing; the original error is the one to report.
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Nothing there, or not ours to remove: either way nothing to clean.
  }
}
