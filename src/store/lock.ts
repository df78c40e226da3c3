/**
 * The writer's lock: `<file>.lock`, created exclusively, holding who took
 * it. Stale locks (a dead holder on this host, or too old) are broken
 * safely; otherwise writers wait with backoff, then fail naming the holder.
 * See PROTOCOL.md for the normative rules.
 *
 * @module
 */

import { shownField } from "../clip.ts";
import * as fs from "node:fs";
import * as os from "node:os";
import { StrataError } from "../errors.ts";
import { randomHex, unlinkWithRetry, writeAll } from "./_durable.ts";
import { errnoOf, ioError } from "./_io_error.ts";

/** What a lock file holds (one JSON object and a newline). */
export interface LockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder (`os.hostname()`). */
  host: string;
  /** When the lock was taken, ISO 8601 UTC. */
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

/** A lock this process holds. */
export interface FileLock {
  /** Path of the lock file (`<target>.lock`). */
  readonly path: string;
  /** What was written into the lock file. */
  readonly info: LockInfo;
  /** Removes the lock file if it is still ours (same token). Never throws. */
  release(): void;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** How long to wait for a live holder, in ms (default 10000). */
  timeoutMs?: number;
  /** Age after which any lock is stale, in ms (default 30000). */
  staleMs?: number;
  /** Name recorded as the holder (default `strata`). */
  program?: string;
}

/** Defaults of {@link AcquireLockOptions}. */
export const lockDefaults = { timeoutMs: 10_000, staleMs: 30_000, program: "strata" } as const;

/** Age after which a lock file that holds no readable record is garbage (a holder writes it at once). */
export const garbageLockMs = 5_000;

/** Age after which a break guard is abandoned (breaking takes microseconds). */
export const breakGuardStaleMs = 2_000;

/** First and largest wait between attempts, in ms. */
const backoff = { firstMs: 2, maxMs: 50 } as const;

/**
 * Takes `<target>.lock` (target = the real file, after symlinks). Resolves
 * when the lock is ours; rejects with `StrataError` code `lock` after
 * `timeoutMs` naming the holder, or code `io` when the lock file cannot be
 * created at all (folder missing or not writable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * import { acquireLock } from "./lock.ts";
 * const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
 * const lock = await acquireLock(path.join(dir, "config.toml"), { program: "demo" });
 * assert.ok(fs.existsSync(path.join(dir, "config.toml.lock")));
 * lock.release();
 * fs.rmSync(dir, { recursive: true });
 * ```
 */
export async function acquireLock(
  target: string,
  options: AcquireLockOptions = {},
): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? lockDefaults.timeoutMs;
  const staleMs = options.staleMs ?? lockDefaults.staleMs;
  const lockPath = `${target}.lock`;
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    time: "",
    program: options.program ?? lockDefaults.program,
    token: randomHex(16),
  };
  const pidns = pidNamespace();
  if (pidns !== undefined) info.pidns = pidns;
  const started = Date.now();
  let quickRetries = 0; // immediate retries in a row (lock released or broken meanwhile)
  let transient = 0; // Windows: the name is briefly unusable after a delete
  for (let attempt = 0;; attempt++) {
    const created = tryCreate(lockPath, info);
    if (created === true) return heldLock(lockPath, info);
    let seen: SeenLock | undefined;
    if (created instanceof Error) {
      if (++transient > maxTransient) throw created;
    } else {
      seen = inspectLock(lockPath);
      const retryNow = seen === undefined ||
        (isStale(seen, info, staleMs) && breakStaleLock(lockPath, seen));
      if (retryNow && quickRetries++ < 3) continue;
    }
    quickRetries = 0;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw lockTimeout(target, lockPath, seen, waited);
    const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(attempt, 10));
    const jittered = delay / 2 + Math.random() * delay / 2;
    await new Promise((done) => setTimeout(done, Math.min(jittered, timeoutMs - waited)));
  }
}

/** Windows refusals of a name whose file is being deleted: retried this many times. */
const maxTransient = 20;

/**
 * Creates the lock file exclusively: true when created, false when it
 * exists, or (Windows only) the error when the name is briefly unusable
 * because a holder's delete is still pending (EPERM/EBUSY): the caller
 * retries a few times before reporting it.
 */
function tryCreate(lockPath: string, info: LockInfo): boolean | StrataError {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, "wx", 0o600);
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EEXIST") return false;
    const failure = ioError(`cannot create the lock file ${lockPath}`, lockPath, error);
    if (process.platform === "win32" && (code === "EPERM" || code === "EBUSY")) return failure;
    throw failure;
  }
  info.time = new Date().toISOString();
  try {
    writeAll(fd, JSON.stringify(info) + "\n");
  } catch (error) {
    fs.closeSync(fd);
    unlinkQuietly(lockPath);
    throw ioError(`cannot write the lock file ${lockPath}`, lockPath, error);
  }
  fs.closeSync(fd);
  return true;
}

function heldLock(lockPath: string, info: LockInfo): FileLock {
  return {
    path: lockPath,
    info,
    release() {
      try {
        const now = inspectLock(lockPath);
        if (now?.info?.token === info.token) unlinkWithRetry(lockPath);
      } catch {
        // Cannot look at it any more (folder gone or closed): the next writer judges it.
      }
    },
  };
}

/** What a writer saw at the lock path. */
interface SeenLock {
  /** The record, when the file is a regular file holding a valid one. */
  info?: LockInfo;
  /** Age of the file (from its modification time), ms. */
  ageMs: number;
  /** File kind: a symbolic link is never a lock a writer made. */
  kind: "file" | "symlink" | "other";
  /** Inode and device, to tell a file from its replacement. */
  ino: number;
  dev: number;
}

/** Reads the lock path without following links; undefined when nothing is there. */
function inspectLock(lockPath: string): SeenLock | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(lockPath);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot read the lock file ${lockPath}`, lockPath, error);
  }
  const kind = stat.isSymbolicLink() ? "symlink" : stat.isFile() ? "file" : "other";
  const seen: SeenLock = {
    ageMs: Date.now() - stat.mtimeMs,
    kind,
    ino: stat.ino,
    dev: stat.dev,
  };
  if (kind === "file") seen.info = readLockInfo(lockPath);
  return seen;
}

/** Parses a lock record; undefined for anything that is not one. */
function readLockInfo(lockPath: string): LockInfo | undefined {
  let text: string;
  try {
    // Never follow a link or block on a pipe swapped in since the lstat.
    const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) |
      (fs.constants.O_NONBLOCK ?? 0);
    const fd = fs.openSync(lockPath, flags);
    try {
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

/** The stale-lock rule of PROTOCOL.md ("Breaking a stale lock"). */
function isStale(seen: SeenLock, us: LockInfo, staleMs: number): boolean {
  if (seen.kind === "symlink") return true; // planted or garbage: never a lock
  if (seen.kind === "other") return false; // a folder or pipe: refuse to guess (times out, named)
  if (seen.ageMs > staleMs) return true;
  if (!seen.info) return seen.ageMs > Math.min(garbageLockMs, staleMs);
  const theirs = seen.info;
  const samePids = theirs.host === us.host &&
    (theirs.pidns === undefined || us.pidns === undefined || theirs.pidns === us.pidns);
  return samePids && !processAlive(theirs.pid);
}

/** This process's pid namespace on Linux (undefined elsewhere, or where /proc is missing). */
function pidNamespace(): string | undefined {
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

/**
 * Removes a stale lock without ever removing a fresh one: under the guard
 * `<lock>.break` (itself created exclusively), the lock is looked at again
 * and removed only if it is still the very file judged stale. False when
 * another writer holds the guard (wait, then look again).
 */
function breakStaleLock(lockPath: string, seen: SeenLock): boolean {
  const guard = `${lockPath}.break`;
  let fd: number;
  try {
    fd = fs.openSync(guard, "wx", 0o600);
  } catch (error) {
    if (errnoOf(error) !== "EEXIST") {
      throw ioError(`cannot break the stale lock ${lockPath}`, lockPath, error);
    }
    // Another writer is breaking it; a guard left by a killed breaker is abandoned.
    const age = ageOf(guard);
    if (age !== undefined && age > breakGuardStaleMs) unlinkQuietly(guard);
    return false;
  }
  try {
    fs.closeSync(fd);
    const now = inspectLock(lockPath);
    const same = now !== undefined && now.ino === seen.ino && now.dev === seen.dev &&
      now.kind === seen.kind && now.info?.token === seen.info?.token;
    if (same) unlinkQuietly(lockPath);
    return true;
  } finally {
    unlinkQuietly(guard);
  }
}

function ageOf(file: string): number | undefined {
  try {
    return Date.now() - fs.lstatSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone: that is what we wanted.
  }
}

function lockTimeout(
  target: string,
  lockPath: string,
  seen: SeenLock | undefined,
  waitedMs: number,
) {
  const seconds = (waitedMs / 1000).toFixed(1);
  const since = new Date(Date.now() - (seen?.ageMs ?? 0)).toISOString();
  const holder = !seen
    ? "other writers (the lock kept changing hands)"
    : seen.info
    ? `process ${shownField(String(seen.info.pid))} on host ${
      shownField(String(seen.info.host))
    } ` +
      `(program "${shownField(String(seen.info.program))}", ` +
      `since ${seen.info.time ? shownField(String(seen.info.time)) : since})`
    : seen.kind === "file"
    ? `an unreadable lock file (since ${since})`
    : `something that is not a lock file`;
  return new StrataError(
    "lock",
    `${target} is locked by ${holder}; gave up after waiting ${seconds} s. ` +
      `To fix: retry later; if that process is gone, delete ${lockPath}.`,
  );
}
