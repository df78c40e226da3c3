/**
 * The backups of one layer file, with what a person needs to pick one: when
 * it was taken, its size, which program wrote that version (from the
 * journal), and how many keys the next version changed.
 *
 * @module
 */

import { diffValues, sameValue } from "../diff/value_diff.ts";
import { parseKey } from "../keys.ts";
import { lookup } from "../layers/merge.ts";
import { listBackups } from "../store/backup.ts";
import { readJournal } from "../store/journal.ts";
import { parseLayerText } from "./check_text.ts";
import type { LayerFile } from "./layer_files.ts";
import { readText } from "./versions.ts";
import { groupWrites, type JournalWrite } from "./writes.ts";

/** One backup as `strata backups` shows it. */
export interface BackupInfo {
  /** The backup's id (give it to `restore` or `diff`). */
  id: string;
  /** When it was taken (when the version after it was written), ISO 8601 UTC. */
  time: string;
  /** Size in bytes. */
  size: number;
  /** Where the copy is. */
  path: string;
  /**
   * The program that wrote this version, per the journal (`..., then by
   * hand` when a key it wrote holds something else in this version);
   * undefined when the journal does not say.
   */
  program?: string;
  /** The user who ran it. */
  user?: string;
  /** Whether the copy parses (only a copy that parses can be restored). */
  valid: boolean;
  /** How many keys differ between this version and the next one (undefined when either does not parse). */
  keysChanged?: number;
}

/**
 * Lists the backups of `target`, newest first.
 *
 * @example
 * ```ts ignore
 * for (const b of describeBackups(layerFile(config))) console.log(b.id, b.program, b.keysChanged);
 * ```
 */
export function describeBackups(target: LayerFile): BackupInfo[] {
  const backups = listBackups(target.backupDir);
  if (backups.length === 0) return [];
  const writes = groupWrites(readJournal(target.journal).entries);
  const writeIndex = new Map<string, number>();
  writes.forEach((w, i) => {
    if (w.backup !== undefined) writeIndex.set(w.backup, i);
  });
  // The version after the newest backup is the current file.
  let next: Record<string, unknown> | undefined;
  try {
    next = valuesOf(readText(target.file) ?? "", target, target.file);
  } catch {
    next = undefined; // not UTF-8: the newest backup's next change cannot be counted
  }
  return backups.map((backup) => {
    let text: string | undefined;
    try {
      text = readText(backup.path);
    } catch {
      text = undefined; // not UTF-8: it cannot be restored or compared
    }
    const values = text === undefined ? undefined : valuesOf(text, target, backup.path);
    const info: BackupInfo = {
      id: backup.id,
      time: backup.time,
      size: backup.size,
      path: backup.path,
      valid: values !== undefined,
    };
    // The write that replaced this version is the one whose backup it is;
    // the write just before that one produced it.
    const replacedBy = writeIndex.get(backup.id);
    if (replacedBy !== undefined && replacedBy > 0) {
      const producer = writes[replacedBy - 1];
      info.program = producer.program;
      info.user = producer.user;
      // A key that no longer holds what the journal says was written: the
      // file was changed by hand (or by a writer that keeps no journal) since.
      // strata never writes a text that does not parse: such a version was made by hand too.
      if (values === undefined || !holdsWrite(values, producer)) {
        info.program = `${producer.program}, then by hand`;
      }
    }
    if (values !== undefined && next !== undefined) {
      info.keysChanged = diffValues(values, next).length;
    }
    next = values;
    return info;
  });
}

function holdsWrite(values: Record<string, unknown>, write: JournalWrite): boolean {
  return write.entries.every((entry) => {
    if (entry.key === "") return true;
    let path: string[];
    try {
      path = parseKey(entry.key);
    } catch {
      return true;
    }
    const found = lookup(values, path);
    const now = found.found ? asJournaled(found.value) : undefined;
    return sameValue(now, entry.new);
  });
}

/** A value as the journal holds it (JSON: a bigint is its digits, a date-time its text). */
function asJournaled(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
}

function valuesOf(
  text: string,
  target: LayerFile,
  file: string,
): Record<string, unknown> | undefined {
  try {
    return parseLayerText(text, target.format, file);
  } catch {
    return undefined;
  }
}
