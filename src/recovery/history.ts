/**
 * `history`: the journal of every writable layer (or one), merged in time
 * order, optionally only the lines of one key (and the keys under it).
 *
 * @module
 */

import { parseKey } from "../keys.ts";
import { type JournalEntry, readJournal } from "../store/journal.ts";
import type { LayerFile } from "./layer_files.ts";

/** What {@link readHistory} returns. */
export interface History {
  /** The journal lines, oldest first (the last `limit` when limited). */
  entries: JournalEntry[];
  /** Lines that could not be read (torn by a crash), per journal. */
  skipped: { journal: string; line: number; text: string }[];
}

/** Options of {@link readHistory}. */
export interface HistoryOptions {
  /** Only this key and the keys under it (`db` also shows `db.host`). */
  key?: string;
  /** Only the newest `limit` lines. */
  limit?: number;
}

function under(key: string, prefix: string[]): boolean {
  if (key === "") return false;
  let path: string[];
  try {
    path = parseKey(key);
  } catch {
    return false;
  }
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/**
 * Reads the journals of `files` and merges them by time (a stable merge:
 * lines of one journal keep their order).
 *
 * @example
 * ```ts ignore
 * const { entries } = readHistory(writableLayerFiles(config), { key: "db", limit: 10 });
 * ```
 */
export function readHistory(files: readonly LayerFile[], options: HistoryOptions = {}): History {
  const prefix = options.key === undefined ? undefined : parseKey(options.key);
  const all: { entry: JournalEntry; order: number }[] = [];
  const skipped: History["skipped"] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.journal)) continue;
    seen.add(file.journal);
    const journal = readJournal(file.journal);
    for (const s of journal.skipped) skipped.push({ journal: s.file, line: s.line, text: s.text });
    for (const entry of journal.entries) {
      if (prefix && !under(entry.key, prefix)) continue;
      all.push({ entry, order: all.length });
    }
  }
  all.sort((a, b) =>
    a.entry.time < b.entry.time ? -1 : a.entry.time > b.entry.time ? 1 : a.order - b.order
  );
  let entries = all.map((x) => x.entry);
  if (options.limit !== undefined) {
    entries = entries.slice(Math.max(0, entries.length - options.limit));
  }
  return { entries, skipped };
}
