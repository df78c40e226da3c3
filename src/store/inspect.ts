/**
 * Inspection and repair of what the write protocol leaves on disk, for
 * `doctor`: a lock that blocks writers, temp files of crashed writers, torn
 * journal lines. The store judges and mends by its own rules (one stale-lock
 * rule, `lock_state.ts`); the caller words what it reports.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./atomic_write.ts";
import { readJournal } from "./journal.ts";
import { acquireLock } from "./lock.ts";
import {
  holderGone,
  inspectLock,
  lockDefaults,
  type LockInfo,
  monotonicMs,
  processAlive,
  staleAfterMs,
  thisObserver,
} from "./lock_state.ts";
import { backupTempPattern, lockPathOf, tempPatternOf } from "./layout.ts";

/** A lock that was there, and stayed, while it was watched. */
export interface LockReport {
  /** The lock file. */
  path: string;
  /** What is at its name: a file, a symbolic link (never a lock), or something else (a folder, a pipe). */
  kind: "file" | "symlink" | "other";
  /** Its record, when it holds a valid one. */
  info?: LockInfo;
  /** Its holder is certainly gone (a dead pid on this host, or a link): any writer breaks it at once. */
  holderGone: boolean;
  /** How long it was watched without any change (a live holder renews it), ms. */
  watchedMs: number;
  /** How long a writer must see it unchanged before breaking it; undefined: never (remove it by hand). */
  staleAfterMs?: number;
  /** Its mtime, ISO 8601 (for people: a lock is never judged by it). */
  mtime: string;
}

/**
 * Looks at `<real>.lock` and watches it for up to `watchMs`: undefined when
 * there is none, or when it went away or changed meanwhile (a live writer's
 * lease). Otherwise a report of a lock that blocks writers.
 */
export async function watchLock(
  real: string,
  options: { staleMs?: number; watchMs?: number } = {},
): Promise<LockReport | undefined> {
  const lockPath = lockPathOf(real);
  const first = inspectLock(lockPath);
  if (first === undefined) return undefined;
  const gone = holderGone(first, thisObserver());
  const began = monotonicMs();
  const watchMs = gone ? 0 : options.watchMs ?? 1_000;
  while (monotonicMs() - began < watchMs) {
    await new Promise((done) => setTimeout(done, 25));
    if (inspectLock(lockPath)?.signature !== first.signature) return undefined;
  }
  return {
    path: lockPath,
    kind: first.kind,
    ...(first.info ? { info: first.info } : {}),
    holderGone: gone,
    watchedMs: Math.round(monotonicMs() - began),
    staleAfterMs: staleAfterMs(first, options.staleMs ?? lockDefaults.staleMs),
    mtime: new Date(first.mtimeMs).toISOString(),
  };
}

/**
 * Breaks a lock by the protocol's own rule: waits (at most about `staleMs`)
 * until it is stale, removes it under the break guard, and lets go. Rejects
 * with code `lock` when it changed meanwhile (its holder is alive).
 */
export async function breakLock(real: string, staleMs: number = lockDefaults.staleMs) {
  const lock = await acquireLock(real, { timeoutMs: 0, staleMs, program: "strata doctor" });
  lock.release();
}

/** A temp file left by a writer that crashed between creating and renaming it. */
export interface OrphanTemp {
  /** The temp file. */
  file: string;
  /** The pid in its name. */
  pid: number;
}

/**
 * Temp files of `real` (beside it, and in its backup folder) whose writer is
 * gone (its pid is not running here) or that are older than `staleMs`.
 */
export function orphanTemps(real: string, backupDir: string, staleMs: number): OrphanTemp[] {
  const found: OrphanTemp[] = [];
  const places: [string, RegExp][] = [
    [path.dirname(real), tempPatternOf(path.basename(real))],
    [backupDir, backupTempPattern],
  ];
  for (const [dir, pattern] of places) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of names) {
      const match = entry.match(pattern);
      if (!match) continue;
      const file = path.join(dir, entry);
      let age: number;
      try {
        age = Date.now() - fs.lstatSync(file).mtimeMs;
      } catch {
        continue;
      }
      const pid = Number(match[1]);
      if (age <= staleMs && processAlive(pid)) continue;
      found.push({ file, pid });
    }
  }
  return found;
}

/** Removes a temp file under the real file's lock (then no writer of it has one open). */
export async function removeOrphanTemp(real: string, file: string): Promise<void> {
  const lock = await acquireLock(real, { program: "strata doctor" });
  try {
    fs.rmSync(file, { force: true });
  } finally {
    lock.release();
  }
}

/**
 * Moves the journal's lines that cannot be read (torn by a crash) to
 * `<journal>.torn`, under the real file's lock; the journal keeps the rest.
 * Returns the file they went to.
 */
export async function setAsideTornLines(real: string, journal: string): Promise<string> {
  const torn = `${journal}.torn`;
  const lock = await acquireLock(real, { program: "strata doctor" });
  try {
    const { skipped } = readJournal(journal); // never follows a link at either generation
    for (const file of new Set(skipped.map((s) => s.file))) {
      const lines = fs.readFileSync(file, "utf8").split("\n");
      const bad = new Set(skipped.filter((s) => s.file === file).map((s) => s.line - 1));
      const keep = lines.filter((_, i) => !bad.has(i)).join("\n");
      const aside = lines.filter((_, i) => bad.has(i)).map((l) => l + "\n").join("");
      appendPrivate(torn, aside);
      writeFileAtomic(file, keep.endsWith("\n") || keep === "" ? keep : keep + "\n", {
        resolved: true,
      });
    }
    return torn;
  } finally {
    lock.release();
  }
}

/** Appends to a private file of the state dir, never through a link planted at its name. */
function appendPrivate(file: string, text: string): void {
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT |
    (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(file, flags, 0o600);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
