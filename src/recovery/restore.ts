/**
 * `restore`: puts a backup back through the write protocol, so the version
 * it replaces becomes a backup itself and the journal records the restore.
 *
 * @module
 */

import { diffValues, type KeyChange } from "../diff/value_diff.ts";
import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import type { BackupEntry } from "../store/backup.ts";
import { type JournalChange, type JournalEntry, readJournal } from "../store/journal.ts";
import { issueText, layerIssues, parseLayerText } from "./check_text.ts";
import {
  advise,
  hintFor,
  type LayerFile,
  mendOptions,
  type WritableConfig,
} from "./layer_files.ts";
import { readVersion } from "./versions.ts";

/** What {@link restoreBackup} did. */
export interface RestoreResult {
  /** The file written. */
  file: string;
  /** The backup put back. */
  restored: BackupEntry;
  /** False when the file already held exactly that text. */
  changed: boolean;
  /** The backup now holding the version that was replaced. */
  backupId?: string;
  /** Whether the replaced file parsed (restoring mends a broken file). */
  replacedParsed: boolean;
  /** The keys that changed (empty when the replaced file did not parse). */
  changes: KeyChange[];
  /**
   * When the replaced file did not parse: the journaled changes made after
   * the restored version (they are not in it; re-apply them by hand if wanted).
   */
  laterChanges: JournalEntry[];
  /** The restored version's disagreements with the schema (restored anyway: it is a version that was in use). */
  schemaWarnings: string[];
}

/**
 * Restores the backup `ref` (`latest`: the newest that parses; an id or
 * its unique beginning) of `target`. A backup that does not parse is refused
 * (`parse`). The current text, even one that does not parse, is kept as a
 * backup first: nothing is lost by restoring.
 */
export async function restoreBackup(
  config: WritableConfig,
  target: LayerFile,
  ref: string,
): Promise<RestoreResult> {
  const version = readVersion(target, ref);
  const backup = version.backup!;
  let values: Record<string, unknown>;
  try {
    values = parseLayerText(version.text, target.format, backup.path);
  } catch (e) {
    throw new StrataError(
      "parse",
      `the backup ${backup.id} does not parse (${(e as Error).message}), so it is not restored; ` +
        `pick another: ${advise(target, { action: "backups" })}`,
      { cause: e, hints: [hintFor(target, { action: "backups" })] },
    );
  }
  // The schema only informs a restore (a backup is a version that was in
  // use): one that cannot be read does not stop it.
  let schemaWarnings: string[];
  try {
    const schema = config.schema?.();
    schemaWarnings = schema
      ? layerIssues(schema.schema, values).map((i) => `backup ${backup.id}: ${issueText(i)}`)
      : [];
  } catch (e) {
    schemaWarnings = [`${(e as Error).message}; the restored version was not checked against it`];
  }
  let changes: KeyChange[] = [];
  let replacedParsed = true;
  const result = await config.update((current, file, info) => {
    if (current === version.text && !info?.invalidUtf8) return null;
    let before: Record<string, unknown> | undefined;
    try {
      // Bytes that are not UTF-8 (shown as U+FFFD) are a broken file, even if the rest parses.
      before = info?.invalidUtf8 ? undefined : parseLayerText(current ?? "", target.format, file);
    } catch {
      before = undefined;
    }
    replacedParsed = before !== undefined;
    changes = before ? diffValues(before, values) : [];
    const mark = { action: "restore", restored: backup.id };
    const lines: JournalChange[] = changes.map((c) => {
      const line: JournalChange = { key: formatKey(c.path), ...mark };
      if (c.before !== undefined) line.old = c.before;
      if (c.after !== undefined) line.new = c.after;
      return line;
    });
    // A restore over a file that did not parse (or one that changes only
    // comments) names no key; the journal still records that it happened.
    if (lines.length === 0) {
      lines.push({
        key: "",
        ...mark,
        ...(before ? {} : { replaced: "a file that did not parse" }),
      });
    }
    // A broken current text is kept as a backup that does not count as valid for rotation.
    return { text: version.text, changes: lines, currentValid: before !== undefined };
  }, mendOptions(target));
  const out: RestoreResult = {
    file: result.file,
    restored: backup,
    changed: result.changed,
    replacedParsed,
    changes: result.changed ? changes : [],
    laterChanges: result.changed && !replacedParsed ? changesSince(target, backup.id) : [],
    schemaWarnings,
  };
  if (result.backupId !== undefined) out.backupId = result.backupId;
  return out;
}

/** The journal lines of the writes made since the version `backupId` holds (restores excluded). */
function changesSince(target: LayerFile, backupId: string): JournalEntry[] {
  const entries = readJournal(target.journal).entries;
  const from = entries.findIndex((e) => e.backup === backupId);
  if (from < 0) return [];
  return entries.slice(from).filter((e) => e.key !== "" && e.action !== "restore");
}
