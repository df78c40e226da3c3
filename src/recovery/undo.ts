/**
 * `undo`: reverts the last change (or the last N) of one layer file,
 * key by key, through the write protocol. A change is one write (one `set`,
 * `unset`, `edit`, `restore`, ...). Each key is put back to the value it had
 * before, with its exact type taken from the backup of that version (the
 * journal's JSON is the fallback when the backup was rotated away). A key
 * whose value changed since is not overwritten: the undo is refused.
 *
 * Undo walks back: an undone change is skipped by the next `undo`, and an
 * undo is itself not undone by `undo` (put it back with `restore`, whose
 * backup holds the version before the undo).
 *
 * @module
 */

import { sameValue } from "../diff/value_diff.ts";
import { StrataError } from "../errors.ts";
import { parseKey } from "../keys.ts";
import { type ConfigDocument, parseDocument, setValue } from "../layers/document.ts";
import { listBackups } from "../store/backup.ts";
import { type JournalChange, type JournalEntry, readJournal } from "../store/journal.ts";
import { locatedMessage } from "./check_text.ts";
import {
  advise,
  hintFor,
  type LayerFile,
  type WritableConfig,
  writeOption,
} from "./layer_files.ts";
import { readText } from "./versions.ts";
import { groupWrites, type JournalWrite } from "./writes.ts";

/** One key put back by {@link undoChanges}. */
export interface UndoneKey {
  /** The key. */
  key: string;
  /** Its value before the undo (undefined: absent). */
  from?: unknown;
  /** Its value after the undo (undefined: removed). */
  to?: unknown;
}

/** What {@link undoChanges} did. */
export interface UndoResult {
  /** The file written. */
  file: string;
  /** The writes reverted, newest first. */
  undone: JournalWrite[];
  /** The keys put back. */
  keys: UndoneKey[];
  /** The backup holding the version before the undo. */
  backupId?: string;
}

/**
 * The key changes that `undo` can revert, newest first: writes that name
 * keys, skipping undos and what they already reverted.
 */
export function undoableWrites(entries: readonly JournalEntry[]): JournalWrite[] {
  const writes = groupWrites(entries);
  const undone = new Set<string>();
  const out: JournalWrite[] = [];
  for (let i = writes.length - 1; i >= 0; i--) {
    const w = writes[i];
    if (w.action === "undo") {
      for (const id of w.undoes) undone.add(id);
      continue;
    }
    if (undone.has(w.id) || w.entries.every((e) => e.key === "")) continue;
    out.push(w);
  }
  return out;
}

/**
 * The layer file whose newest undoable change is the most recent of all
 * (what a bare `undo` means: "the last change", whatever layer it went to);
 * undefined when no layer has one.
 */
export function lastChangedLayer(files: readonly LayerFile[]): LayerFile | undefined {
  let best: { file: LayerFile; time: string } | undefined;
  for (const file of files) {
    const newest = undoableWrites(readJournal(file.journal).entries)[0];
    if (newest && (best === undefined || newest.time > best.time)) {
      best = { file, time: newest.time };
    }
  }
  return best?.file;
}

/** A value as the journal holds it (JSON: a bigint is its digits, a date-time its text). */
function asJournaled(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
}

/**
 * Reverts the last `count` changes of `target`. Refuses (`not_found`) when
 * there are fewer, and (`type`, exit 3) when a key no longer holds the
 * value the change wrote; nothing is written then.
 */
export async function undoChanges(
  config: WritableConfig,
  target: LayerFile,
  count = 1,
): Promise<UndoResult> {
  if (!Number.isInteger(count) || count < 1) {
    throw new StrataError("usage", `undo takes a number of changes (1 or more), not ${count}`);
  }
  let undone: JournalWrite[] = [];
  let keys: UndoneKey[] = [];
  const result = await config.update((current, file) => {
    // Read the journal under the lock: no write can slip in between.
    const candidates = undoableWrites(readJournal(target.journal).entries);
    if (candidates.length === 0) {
      throw new StrataError("not_found", `nothing to undo: the journal of ${file} has no change`);
    }
    if (candidates.length < count) {
      throw new StrataError(
        "not_found",
        `only ${candidates.length} change${
          candidates.length === 1 ? "" : "s"
        } of ${file} can be undone, not ${count}; see ${advise(target, { action: "history" })}`,
        { hints: [hintFor(target, { action: "history" })] },
      );
    }
    undone = candidates.slice(0, count);
    let doc: ConfigDocument;
    try {
      doc = parseDocument(current ?? "", target.format, file);
    } catch (e) {
      throw new StrataError(
        "parse",
        `${locatedMessage(e as Error, file)}; nothing was undone (a file that does not parse ` +
          `is never overwritten). To mend it: ${advise(target, { action: "edit" })} or ${
            advise(target, { action: "restore", which: "latest" })
          }`,
        {
          cause: e,
          hints: [
            hintFor(target, { action: "edit" }),
            hintFor(target, { action: "restore", which: "latest" }),
          ],
        },
      );
    }
    const firstFrom = new Map<string, unknown>();
    for (const write of undone) doc = revertWrite(doc, write, target, firstFrom);
    keys = [...firstFrom.entries()].map(([key, from]) => {
      const to = doc.get(parseKey(key));
      const k: UndoneKey = { key };
      if (from !== undefined) k.from = from;
      if (to !== undefined) k.to = to;
      return k;
    }).filter((k) => !sameValue(asJournaled(k.from), asJournaled(k.to)));
    const ids = undone.map((w) => w.id);
    const lines: JournalChange[] = keys.map((k) => {
      const line: JournalChange = { key: k.key, action: "undo", undoes: ids };
      if (k.from !== undefined) line.old = k.from;
      if (k.to !== undefined) line.new = k.to;
      return line;
    });
    // Every value is already back (nothing to write): leave the file alone.
    if (lines.length === 0) return null;
    return { text: doc.toString(), changes: lines };
  }, writeOption(target));
  const out: UndoResult = { file: result.file, undone, keys };
  if (result.backupId !== undefined) out.backupId = result.backupId;
  return out;
}

/** Puts back the keys of one write into `doc` (the write's newest state must still be there). */
function revertWrite(
  doc: ConfigDocument,
  write: JournalWrite,
  target: LayerFile,
  firstFrom: Map<string, unknown>,
): ConfigDocument {
  const before = versionBefore(write, target);
  for (const entry of write.entries) {
    if (entry.key === "") continue;
    const path = parseKey(entry.key);
    const now = doc.get(path);
    if (!sameValue(asJournaled(now), entry.new)) {
      throw new StrataError(
        "type",
        `cannot undo the change of ${entry.key} made at ${entry.time} by ${entry.program}: ` +
          `${entry.key} changed since (it is ${describe(now)}, the change wrote ${
            describe(entry.new)
          }); nothing was undone. See ${advise(target, { action: "history", key: entry.key })}; ` +
          `set the value you want with ${
            advise(target, { action: "set", key: entry.key, value: "VALUE" })
          }`,
        {
          hints: [
            hintFor(target, { action: "history", key: entry.key }),
            hintFor(target, { action: "set", key: entry.key, value: "VALUE" }),
          ],
        },
      );
    }
    if (!firstFrom.has(entry.key)) firstFrom.set(entry.key, now);
    const old = before ? before.get(path) : entry.old;
    if (old === undefined) {
      doc.delete(path);
      continue;
    }
    const float = before?.kindOf(path) === "float";
    doc = setValue(doc, path, old, { float });
  }
  return doc;
}

/** The version a write replaced, as a document, from its backup (undefined when gone or broken). */
function versionBefore(write: JournalWrite, target: LayerFile): ConfigDocument | undefined {
  if (write.backup === undefined) return undefined;
  const backup = listBackups(target.backupDir).find((b) => b.id === write.backup);
  if (!backup) return undefined;
  try {
    const text = readText(backup.path);
    return text === undefined ? undefined : parseDocument(text, target.format, backup.path);
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(asJournaled(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
