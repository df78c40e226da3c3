/**
 * What is at a lock's name, and the one rule that says when a lock is stale
 * (PROTOCOL.md section 4.1). Every part of strata that judges a lock (a
 * writer waiting for it, `doctor`, `doctor --fix`) asks this module.
 *
 * The rule never compares a time written by another process (the lock's
 * `time`, its mtime) with this host's clock: clocks step, hosts disagree, and
 * a stopped holder's lock looks old the moment it resumes. A lock is stale
 * when its holder is certainly gone (a dead pid on this host, in this pid
 * namespace), or when the observer itself has seen it unchanged (same file,
 * same content, same mtime: a live holder renews its lease by touching it)
 * for the stale bound, on its own monotonic clock.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import { errnoOf, ioError } from "./_io_error.ts";
import { shownField } from "../clip.ts";

/** What a lock file holds (one JSON object and a newline). */
export interface LockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder (`os.hostname()`). */
  host: string;
  /** When the lock was taken, ISO 8601 UTC (for people: never compared with a clock). */
  time: string;
  /** Which program holds it, e.g. `strata set`. */
  program: string;
  /** A random token identifying this holding, so a holder removes only its own lock. */
  token: string;
  /**
   * Linux only: the holder's pid namespace (`readlink /proc/self/ns/pid`,
   * e.g. `pid:[4026531836]`), so a container that shares the host's name
   * (host networking) does not judge the host's pids, nor the host its.
   */
  pidns?: string;
}

/** What was seen at a lock's name. */
export interface SeenLock {
  /** The record, when the file is a regular file holding a valid one. */
  info?: LockInfo;
  /** File kind: a symbolic link is never a lock a writer made. */
  kind: "file" | "symlink" | "other";
  /** Inode and device, to tell a file from its replacement. */
  ino: number;
  dev: number;
  /** Modification time (ms since the epoch): changes when the holder renews its lease. */
  mtimeMs: number;
  /** Everything that changes when the lock changes: kind, inode, size, times, token. */
  signature: string;
  /** One holding: the same file with the same token (a renewal changes the signature, not this). */
  holding: string;
}

/** Defaults of the lock's timings. */
export const lockDefaults = { timeoutMs: 10_000, staleMs: 30_000, program: "strata" } as const;

/** How long a lock file that holds no readable record may stay unchanged (a holder writes it at once). */
export const garbageLockMs = 5_000;

/** How long a break guard may stay unchanged before it is abandoned (breaking takes microseconds). */
export const breakGuardStaleMs = 2_000;

/** The most time between two renewals of a holder's lease (a quarter of the stale bound when shorter). */
export const renewEveryMs = 1_000;

/** Milliseconds on this process's monotonic clock (never steps with the wall clock). */
export function monotonicMs(): number {
  return performance.now();
}

/** Reads the lock path without following links; undefined when nothing is there. */
export function inspectLock(lockPath: string): SeenLock | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(lockPath);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot read the lock file ${lockPath}`, lockPath, error);
  }
  const kind = stat.isSymbolicLink() ? "symlink" : stat.isFile() ? "file" : "other";
  const info = kind === "file" ? readLockInfo(lockPath) : undefined;
  const signature = [
    kind,
    stat.dev,
    stat.ino,
    stat.size,
    stat.mtimeMs,
    stat.ctimeMs,
    info?.token ?? "",
  ].join(":");
  const holding = [kind, stat.dev, stat.ino, info?.token ?? ""].join(":");
  return { info, kind, ino: stat.ino, dev: stat.dev, mtimeMs: stat.mtimeMs, signature, holding };
}

/** Parses a lock record; undefined for anything that is not one. */
export function readLockInfo(lockPath: string): LockInfo | undefined {
  let text: string;
  try {
    // Never follow a link or block on a pipe swapped in since the lstat.
    const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) |
      (fs.constants.O_NONBLOCK ?? 0);
    const fd = fs.openSync(lockPath, flags);
    try {
      if (!fs.fstatSync(fd).isFile()) return undefined;
      const buf = new Uint8Array(4096);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      text = new TextDecoder().decode(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text);
    const valid = value !== null && typeof value === "object" &&
      Number.isInteger(value.pid) && typeof value.host === "string" &&
      typeof value.token === "string";
    return valid ? value as LockInfo : undefined;
  } catch {
    return undefined;
  }
}

/** Who is judging: this process's host name and pid namespace. */
export interface Observer {
  host: string;
  pidns?: string;
}

/** This process as an {@link Observer}. */
export function thisObserver(): Observer {
  const pidns = pidNamespace();
  return pidns === undefined ? { host: os.hostname() } : { host: os.hostname(), pidns };
}

/**
 * Whether the holder is certainly gone, without watching: a link (no writer
 * makes one), or a valid record of this host and pid namespace whose pid is
 * not running.
 */
export function holderGone(seen: SeenLock, us: Observer): boolean {
  if (seen.kind === "symlink") return true;
  if (seen.kind !== "file" || !seen.info) return false;
  const theirs = seen.info;
  const samePids = theirs.host === us.host &&
    (theirs.pidns === undefined || us.pidns === undefined || theirs.pidns === us.pidns);
  return samePids && !processAlive(theirs.pid);
}

/** How long a lock like `seen` must be seen unchanged to be stale; undefined: never (a folder, a pipe). */
export function staleAfterMs(seen: SeenLock, staleMs: number): number | undefined {
  if (seen.kind === "other") return undefined;
  if (seen.kind === "symlink") return 0;
  return seen.info ? staleMs : Math.min(garbageLockMs, staleMs);
}

/**
 * The stale-lock rule of PROTOCOL.md (4.1): `unchangedMs` is how long the
 * observer has itself seen this very lock (same {@link SeenLock.signature}).
 */
export function lockIsStale(
  seen: SeenLock,
  us: Observer,
  staleMs: number,
  unchangedMs: number,
): boolean {
  if (holderGone(seen, us)) return true;
  const bound = staleAfterMs(seen, staleMs);
  return bound !== undefined && unchangedMs > bound;
}

/**
 * Remembers how long each thing at a name has been seen unchanged, on the
 * monotonic clock: one per waiter (its state lives in the object).
 */
export class Sighting {
  #signature: string | undefined;
  #since = 0;
  #changes = 0;

  /** Records what is there now; returns how long it has been seen unchanged, ms. */
  see(signature: string | undefined): number {
    const at = monotonicMs();
    if (signature !== this.#signature) {
      if (this.#signature !== undefined) this.#changes++;
      this.#signature = signature;
      this.#since = at;
    }
    return at - this.#since;
  }

  /** How many times what is at the name changed (or went) since the first sighting. */
  get changes(): number {
    return this.#changes;
  }
}

/** This process's pid namespace on Linux (undefined elsewhere, or where /proc is missing). */
export function pidNamespace(): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists on this host (EPERM: exists, not ours). */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) !== "ESRCH";
  }
}

/** A field of a lock record made safe to print: control characters escaped, length bounded. */
export function printable(text: unknown, max = 120): string {
  return shownField(String(text ?? "?"), max);
}
