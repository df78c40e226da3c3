/**
 * `history`: the journal of every writable layer (or one), each in journal
 * order and merged by time, optionally only the lines of one key (and the keys under it).
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
 * Reads the journals of `files` and merges them: each journal's lines keep
 * their journal order (the order the changes were made, whatever the clock
 * said: a clock stepped back must not reorder them), and lines of different
 * journals interleave by time.
 *
 * @example
 * ```ts ignore
 * const { entries } = readHistory(writableLayerFiles(config), { key: "db", limit: 10 });
 * ```
 */
export function readHistory(files: readonly LayerFile[], options: HistoryOptions = {}): History {
  const prefix = options.key === undefined ? undefined : parseKey(options.key);
  const journals: JournalEntry[][] = [];
  const skipped: History["skipped"] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.journal)) continue;
    seen.add(file.journal);
    const journal = readJournal(file.journal);
    for (const s of journal.skipped) skipped.push({ journal: s.file, line: s.line, text: s.text });
    journals.push(
      journal.entries.filter((entry) => prefix === undefined || under(entry.key, prefix)),
    );
  }
  let entries = mergeJournals(journals);
  if (options.limit !== undefined) {
    entries = entries.slice(Math.max(0, entries.length - options.limit));
  }
  return { entries, skipped };
}

/**
 * Merges journals that are each in journal order: repeatedly takes the
 * earliest-dated of the journals' next lines (the first journal on a tie),
 * so no journal's own order ever changes.
 */
function mergeJournals(journals: readonly JournalEntry[][]): JournalEntry[] {
  const next = journals.map(() => 0);
  const out: JournalEntry[] = [];
  for (;;) {
    let pick = -1;
    for (let j = 0; j < journals.length; j++) {
      if (next[j] >= journals[j].length) continue;
      if (pick < 0 || journals[j][next[j]].time < journals[pick][next[pick]].time) pick = j;
    }
    if (pick < 0) return out;
    out.push(journals[pick][next[pick]++]);
  }
}
