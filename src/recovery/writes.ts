/**
 * The journal read as writes: one write (one `set`, `restore`, `edit`, ...)
 * may change several keys and appends one line per key, all sharing the
 * time, the writer's pid and the backup id. `undo` and `backups` think in
 * writes; `history` shows the lines.
 *
 * @module
 */

import type { JournalEntry } from "../store/journal.ts";

/** One write, as the journal recorded it. */
export interface JournalWrite {
  /** Identifies the write: its backup id, or `<time>/<pid>` when there was no previous version. */
  id: string;
  /** When it was written. */
  time: string;
  /** The program that wrote it. */
  program: string;
  /** The user who ran it. */
  user: string;
  /** The host it ran on. */
  host: string;
  /** Its process id. */
  pid: number;
  /** The layer written. */
  layer?: string;
  /** The backup holding the version before this write. */
  backup?: string;
  /** What it was: `restore`, `undo`, `edit`, or undefined for a plain change (`set`, `unset`). */
  action?: string;
  /** For an undo: the ids of the writes it reverted. */
  undoes: string[];
  /** Its lines, in order (the key "" marks a change of the whole text with no key to name). */
  entries: JournalEntry[];
}

/** The id of the write a journal line belongs to. */
export function writeIdOf(entry: JournalEntry): string {
  return entry.backup ?? `${entry.time}/${entry.pid}`;
}

/**
 * Groups journal lines (oldest first) into writes (oldest first): lines of
 * one write are appended together, under the lock, so they are adjacent.
 *
 * @example
 * ```ts
 * import { groupWrites } from "./writes.ts";
 * const line = { time: "t", file: "/c.toml", program: "p", user: "u", pid: 1, host: "h" };
 * const writes = groupWrites([{ ...line, key: "a" }, { ...line, key: "b" }]);
 * console.assert(writes.length === 1 && writes[0].entries.length === 2);
 * ```
 */
export function groupWrites(entries: readonly JournalEntry[]): JournalWrite[] {
  const writes: JournalWrite[] = [];
  for (const entry of entries) {
    const id = writeIdOf(entry);
    const last = writes[writes.length - 1];
    if (last && last.id === id && last.time === entry.time && last.pid === entry.pid) {
      last.entries.push(entry);
      for (const u of undoneIds(entry)) if (!last.undoes.includes(u)) last.undoes.push(u);
      continue;
    }
    const write: JournalWrite = {
      id,
      time: entry.time,
      program: entry.program,
      user: entry.user,
      host: entry.host,
      pid: entry.pid,
      undoes: undoneIds(entry),
      entries: [entry],
    };
    if (entry.layer !== undefined) write.layer = entry.layer;
    if (entry.backup !== undefined) write.backup = entry.backup;
    if (typeof entry.action === "string") write.action = entry.action;
    writes.push(write);
  }
  return writes;
}

function undoneIds(entry: JournalEntry): string[] {
  const u = entry.undoes;
  return Array.isArray(u) ? u.filter((x): x is string => typeof x === "string") : [];
}
