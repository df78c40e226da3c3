/**
 * The writer's lock: `<file>.lock`, created exclusively, holding who took
 * it, and kept alive as a lease while its holder works. A waiter breaks a
 * lock only when its holder is certainly gone or when it has itself seen
 * the lock unchanged for the stale bound (`lock_state.ts`); a holder checks
 * the lock is still its own right before it renames its write into place
 * ({@link FileLock.confirm}). See PROTOCOL.md sections 3 and 4.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import { clearInterval, setInterval } from "node:timers";
import { StrataError } from "../errors.ts";
import { randomHex, unlinkWithRetry, writeAll } from "./_durable.ts";
import { errnoOf, ioError } from "./_io_error.ts";
import { breakGuardOf, lockPathOf } from "./layout.ts";
import {
  breakGuardStaleMs,
  inspectLock,
  lockDefaults,
  type LockInfo,
  lockIsStale,
  monotonicMs,
  type Observer,
  pidNamespace,
  printable,
  readLockInfo,
  renewEveryMs,
  type SeenLock,
  Sighting,
  staleAfterMs,
} from "./lock_state.ts";

export { garbageLockMs, lockDefaults, type LockInfo, processAlive } from "./lock_state.ts";

/** A lock this process holds. */
export interface FileLock {
  /** Path of the lock file (`<target>.lock`). */
  readonly path: string;
  /** What was written into the lock file. */
  readonly info: LockInfo;
  /**
   * Renews the lease (at most every second) and checks that the lock is
   * still this holder's own (same file, same token). Throws a `StrataError`
   * with code `lock` when another writer broke it: call it right before
   * making a change visible, and write nothing when it throws.
   */
  confirm(): void;
  /** Removes the lock file if it is still ours (same file and token). Never throws. */
  release(): void;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** How long to wait for a live holder, in ms (default 10000). */
  timeoutMs?: number;
  /** How long a lock must be seen unchanged to be stale, in ms (default 30000). */
  staleMs?: number;
  /** Name recorded as the holder (default `strata`). */
  program?: string;
}

/** First and largest wait between attempts, in ms. */
const backoff = { firstMs: 2, maxMs: 50 } as const;

/**
 * Takes `<target>.lock` (target = the real file, after symlinks). Resolves
 * when the lock is ours. Waits for a live holder (one that renews its lock)
 * up to `timeoutMs`; a holding that is not renewed (a holder that stopped,
 * is stuck in a long step, crashed on another host, or never wrote its
 * record) is watched past the timeout until it is stale, then broken, at
 * most `staleMs` beyond the timeout. Rejects with
 * `StrataError` code `lock` naming the holder, or code `io` when the lock
 * file cannot be created at all (folder missing or not writable).
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
 * lock.confirm();
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
  const lockPath = lockPathOf(target);
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    time: "",
    program: options.program ?? lockDefaults.program,
    token: randomHex(16),
  };
  const pidns = pidNamespace();
  if (pidns !== undefined) info.pidns = pidns;
  const us: Observer = pidns === undefined ? { host: info.host } : { host: info.host, pidns };
  const lockSighting = new Sighting();
  let last: SeenLock | undefined; // to tell a renewal (same holding, new signature)
  let renewals = 0;
  const guardSighting = new Sighting();
  const started = monotonicMs();
  let quickRetries = 0; // immediate retries in a row (lock released or broken meanwhile)
  let transient = 0; // Windows: the name is briefly unusable after a delete
  for (let attempt = 0;; attempt++) {
    const created = tryCreate(lockPath, info);
    if (typeof created === "number") return heldLock(target, lockPath, info, created, staleMs);
    let seen: SeenLock | undefined;
    let unchangedMs = 0;
    if (created instanceof Error) {
      if (++transient > maxTransient) throw created;
    } else {
      seen = inspectLock(lockPath);
      unchangedMs = lockSighting.see(seen?.signature);
      if (seen?.holding !== last?.holding) renewals = 0;
      else if (seen !== undefined && seen.signature !== last?.signature) renewals++;
      last = seen;
      const retryNow = seen === undefined ||
        (lockIsStale(seen, us, staleMs, unchangedMs) &&
          breakStaleLock(lockPath, seen, guardSighting));
      if (retryNow && quickRetries++ < 3) continue;
    }
    quickRetries = 0;
    const waited = monotonicMs() - started;
    // A holding that is not renewed may be a stopped, slow or dead holder's: keep watching it
    // past the timeout until the stale rule breaks it (or it is released), at most the stale
    // bound more. One that is renewed has a live holder: give up at the timeout.
    // The bound counts from the first sighting of the holding too, so that a sighting made late
    // (a loaded machine) still watches it for the whole stale bound before giving up.
    const frozen = seen !== undefined && renewals === 0 &&
      staleAfterMs(seen, staleMs) !== undefined &&
      (waited < timeoutMs + staleMs ||
        (unchangedMs < staleMs + backoff.maxMs && waited < timeoutMs + 2 * staleMs));
    if (waited >= timeoutMs && !frozen) throw lockTimeout(target, lockPath, seen, waited);
    const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(attempt, 10));
    const jittered = delay / 2 + Math.random() * delay / 2;
    const left = frozen ? jittered : Math.min(jittered, timeoutMs - waited);
    await new Promise((done) => setTimeout(done, Math.max(0, left)));
  }
}

/** Windows refusals of a name whose file is being deleted: retried this many times. */
const maxTransient = 20;

/**
 * Creates the lock file exclusively: its descriptor (kept open while the
 * lock is held: it renews the lease and proves the file is the same) when
 * created, false when it exists, or (Windows only) the error when the name
 * is briefly unusable because a holder's delete is still pending
 * (EPERM/EBUSY): the caller retries a few times before reporting it.
 */
function tryCreate(lockPath: string, info: LockInfo): number | false | StrataError {
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
  return fd;
}

function heldLock(
  target: string,
  lockPath: string,
  info: LockInfo,
  fd: number,
  staleMs: number,
): FileLock {
  const every = Math.max(1, Math.min(renewEveryMs, staleMs / 4));
  let renewedAt = monotonicMs();
  let mtime = Date.now();
  let open = true;
  const ours = (): boolean => {
    if (!open) return false;
    try {
      const mine = fs.fstatSync(fd);
      const there = fs.lstatSync(lockPath);
      return mine.nlink > 0 && there.isFile() && there.ino === mine.ino &&
        there.dev === mine.dev && readLockInfo(lockPath)?.token === info.token;
    } catch {
      return false;
    }
  };
  const renew = (): void => {
    if (monotonicMs() - renewedAt < every) return;
    // Observers compare the mtime with what they saw before, never with a clock: it only
    // has to change, so it moves on by at least a second (coarse file systems keep seconds).
    mtime = Math.max(Date.now(), mtime + 1000);
    fs.futimesSync(fd, mtime / 1000, mtime / 1000);
    renewedAt = monotonicMs();
  };
  // A holder that awaits while it holds the lock renews from a timer; the synchronous
  // steps of a write renew through confirm(), since no timer runs while they do.
  const timer = setInterval(() => {
    try {
      if (ours()) renew();
    } catch {
      // The next confirm() reports it.
    }
  }, every);
  timer.unref?.();
  return {
    path: lockPath,
    info,
    confirm() {
      if (!ours()) throw lockLost(target, staleMs);
      try {
        renew();
      } catch (error) {
        throw ioError(`cannot renew the lock ${lockPath}`, lockPath, error);
      }
    },
    release() {
      clearInterval(timer);
      if (!open) return;
      try {
        if (ours()) unlinkWithRetry(lockPath);
      } catch {
        // Cannot look at it any more (folder gone or closed): the next writer judges it.
      }
      open = false;
      try {
        fs.closeSync(fd);
      } catch {
        // Already closed.
      }
    },
  };
}

function lockLost(target: string, staleMs: number): StrataError {
  return new StrataError(
    "lock",
    `${target}: this writer's lock was broken by another writer while it worked (it was ` +
      `stalled longer than the stale bound of ${staleMs / 1000} s: stopped, suspended, or ` +
      `slowed down); nothing was written. To fix: run it again; if writes are that slow, ` +
      `raise lock.stale_ms.`,
  );
}

/**
 * Removes a stale lock without ever removing a fresh one: under the guard
 * `<lock>.break` (itself created exclusively), the lock is looked at again
 * and removed only if it is still the very file judged stale. False when
 * another writer holds the guard (wait, then look again); a guard seen
 * unchanged for {@link breakGuardStaleMs} was left by a killed breaker and
 * is removed.
 */
function breakStaleLock(lockPath: string, seen: SeenLock, guardSighting: Sighting): boolean {
  const guard = breakGuardOf(lockPath.slice(0, -".lock".length));
  let fd: number;
  try {
    fd = fs.openSync(guard, "wx", 0o600);
  } catch (error) {
    if (errnoOf(error) !== "EEXIST") {
      throw ioError(`cannot break the stale lock ${lockPath}`, lockPath, error);
    }
    const there = inspectLock(guard);
    if (guardSighting.see(there?.signature) > breakGuardStaleMs) unlinkQuietly(guard);
    return false;
  }
  try {
    fs.closeSync(fd);
    const now = inspectLock(lockPath);
    if (now !== undefined && now.signature === seen.signature) unlinkQuietly(lockPath);
    return true;
  } finally {
    unlinkQuietly(guard);
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
  const since = seen ? new Date(seen.mtimeMs).toISOString() : "";
  const holder = !seen
    ? "other writers (the lock kept changing hands)"
    : seen.info
    ? `process ${printable(String(seen.info.pid))} on host ${printable(seen.info.host)} (program "${
      printable(seen.info.program)
    }", since ${printable(seen.info.time || since)})`
    : seen.kind === "file"
    ? `an unreadable lock file (since ${since})`
    : `something that is not a lock file`;
  return new StrataError(
    "lock",
    `${target} is locked by ${holder}; gave up after waiting ${seconds} s. ` +
      `To fix: retry later; if that process is gone, delete ${lockPath}.`,
  );
}
