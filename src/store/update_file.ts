/**
 * THE write protocol: the one function every writer of a configuration file
 * goes through (PROTOCOL.md, "Writing").
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { StrataError } from "../errors.ts";
import { readRegularFile } from "../runtime/fs.ts";
import { crashPoint } from "./_durable.ts";
import { errnoOf, ioError } from "./_io_error.ts";
import { removeOrphanTemps } from "./_orphans.ts";
import { assertWritable, ensureFolder, writeFileAtomic } from "./atomic_write.ts";
import { backupFile, defaultKeepBackups, discardBackup, rotateBackups } from "./backup.ts";
import { appendJournal, type JournalChange, journalEntries } from "./journal.ts";
import { acquireLock } from "./lock.ts";
import { lockDefaults } from "./lock_state.ts";
import { tempPatternOf } from "./layout.ts";
import { migrateLegacyState } from "./migrate_state.ts";
import { resolveTarget } from "./resolve_target.ts";
import { statePaths } from "./state_paths.ts";

/** What an edit callback returns: the new text and the keys it changed. */
export interface FileEdit {
  /** The whole new text of the file (without a byte-order mark: one is kept if the file had it). */
  text: string;
  /** One entry per changed key, written to the journal. */
  changes: JournalChange[];
  /**
   * Set to false when the edit accepted a current text that does not parse
   * (a restore or an edit that mends a broken file): its backup then does
   * not count as "a copy that parses" in rotation. Default true: an edit
   * normally parses the current text and throws when it cannot.
   */
  currentValid?: boolean;
}

/** Facts about the file being edited, passed to the edit callback. */
export interface EditContext {
  /** The real file (absolute, after symlinks): use it in error messages. */
  file: string;
  /**
   * True when the file is not valid UTF-8 and `acceptInvalidUtf8` let the
   * edit see it anyway: `current` was decoded loosely (bad bytes became
   * U+FFFD), so it is not what is on disk; only an edit that replaces the
   * whole text (restore, edit) should go on.
   */
  invalidUtf8?: boolean;
}

/**
 * The edit callback: receives the file's text as it is on disk now, under
 * the lock (undefined when the file does not exist), parses it and returns
 * the new text, or `null` for "nothing to change". Throwing (a
 * `TomlParseError`, a type error) refuses the write: the error reaches the
 * caller and the file is left byte for byte as it is.
 */
export type EditFn = (current: string | undefined, context: EditContext) => FileEdit | null;

/** Options of {@link updateFile}. */
export interface UpdateFileOptions {
  /** The state folder (backups and journal go there): strata's shared one is `$XDG_STATE_HOME/strata/_shared`. */
  stateDir: string;
  /** Layer name recorded in the journal (`user`, `project`, `system`, `file`). */
  layer?: string;
  /** Program name recorded in the lock and the journal (default `strata`). */
  program?: string;
  /** Backups kept for this file (default 20). */
  keepBackups?: number;
  /** Whether a backup's text parses: rotation never deletes the newest one that does. */
  isValid?: (text: string) => boolean;
  /** How long to wait for the lock, ms (default 10000). */
  lockTimeoutMs?: number;
  /** Age after which a lock is stale, ms (default 30000). */
  staleLockMs?: number;
  /** Mode of the file when it is created (default 0o600). */
  mode?: number;
  /** Mode of the folders created for it (default 0o700). */
  folderMode?: number;
  /**
   * Let the edit see a file that is not valid UTF-8 (decoded loosely, with
   * `context.invalidUtf8` set) instead of refusing before it: for the
   * commands that mend a broken file by replacing it (restore, edit). The
   * broken bytes are kept as a backup, counted as not parsing. Default
   * false: every other write refuses such a file, byte for byte untouched.
   */
  acceptInvalidUtf8?: boolean;
}

/** What {@link updateFile} did. */
export interface UpdateResult {
  /** False when the edit returned null or the same text: nothing was written. */
  changed: boolean;
  /** The id of the backup holding the previous version (when there was one and it changed). */
  backupId?: string;
  /** The file's text now (without a byte-order mark); "" for a file that still does not exist. */
  text: string;
  /** The real file written (absolute, after symlinks). */
  file: string;
  /** Problems after the file was safely written (the journal could not be appended); print them. */
  warnings: string[];
}

const utf8Bom = "\uFEFF";

/**
 * The longest file name (in UTF-8 bytes) strata writes: the temp file
 * `.<name>.<pid>.<hex>.tmp` adds up to 22 bytes (a 7-digit pid) to it, and
 * most file systems allow 255. A longer name can be read, never written.
 */
export const maxWritableNameBytes = 255 - 22;

/** Refuses, before anything is taken or written, a name whose temp file could not be created. */
function refuseLongName(file: string): void {
  const bytes = new TextEncoder().encode(path.basename(file)).length;
  if (bytes <= maxWritableNameBytes) return;
  throw new StrataError(
    "io",
    `cannot write ${file}: its name is ${bytes} bytes long, and the names strata writes ` +
      `beside it (the temp file .<name>.<pid>.<hex>.tmp, the lock <name>.lock) and in its state ` +
      `folder would pass the file system's limit of 255 bytes; strata writes names of at most ` +
      `${maxWritableNameBytes} bytes (it reads longer ones). The file was not changed. To fix: ` +
      `rename the file to a shorter name.`,
  );
}

/**
 * Changes a configuration file safely, following the write protocol:
 *
 * 1. resolve symlinks: the lock, temp file and rename happen beside the real file;
 * 2. take `<file>.lock` (waiting for a live holder, breaking a stale lock);
 * 3. read the file as it is now (undefined when missing; invalid UTF-8 is refused);
 * 4. call `edit`: it parses, throws to refuse, or returns null for no change;
 * 5. keep the current version as a backup (rotated);
 * 6. write the new text atomically (temp, fsync, rename, folder fsync);
 * 7. append one journal line per changed key;
 * 8. release the lock (always, also on error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * import { updateFile } from "./update_file.ts";
 * const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
 * const file = path.join(dir, "config.json");
 * const result = await updateFile(file, (current) => {
 *   const value = current === undefined ? {} : JSON.parse(current);
 *   const old = value.port;
 *   value.port = 8080;
 *   return { text: JSON.stringify(value, null, 2) + "\n", changes: [{ key: "port", old, new: 8080 }] };
 * }, { stateDir: path.join(dir, "state"), program: "demo" });
 * assert.equal(result.changed, true);
 * assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).port, 8080);
 * fs.rmSync(dir, { recursive: true });
 * ```
 */
export async function updateFile(
  target: string,
  edit: EditFn,
  options: UpdateFileOptions,
): Promise<UpdateResult> {
  const file = resolveTarget(target);
  refuseLongName(file);
  ensureFolder(path.dirname(file), file, options.folderMode);
  const program = options.program ?? lockDefaults.program;
  // Before this file's lock is taken: the merge takes the locks of the files it merges.
  const migrated = await mergeOldState(options, program);
  const lock = await acquireLock(file, {
    timeoutMs: options.lockTimeoutMs,
    staleMs: options.staleLockMs,
    program,
  });
  try {
    crashPoint("locked");
    const bytes = readBytes(file);
    const decoded = bytes === undefined
      ? undefined
      : decodeForEdit(bytes, file, options.acceptInvalidUtf8 === true);
    const current = decoded?.text;
    const invalidUtf8 = decoded?.invalid === true;
    const result = edit(current, invalidUtf8 ? { file, invalidUtf8 } : { file });
    if (result === null || result.text === current) {
      return { changed: false, text: current ?? "", file, warnings: migrated };
    }
    // Reading and editing a big file takes a while: renew the lease, and stop here if a
    // stall cost us the lock (the text we edited may no longer be what is on disk).
    lock.confirm();
    const paths = statePaths(options.stateDir, file);
    const rotation = {
      keep: options.keepBackups ?? defaultKeepBackups,
      isValid: options.isValid,
      contentIsValid: !invalidUtf8 && result.currentValid !== false, // edit parsed it
    };
    // Rotation waits for the write: a failed write must not have cost an old backup.
    const backupId = bytes === undefined
      ? undefined
      : backupFile(file, paths.backupDir, { ...rotation, rotate: false });
    crashPoint("backup");
    const bom = decoded?.bom ? utf8Bom : "";
    try {
      // The lock is checked once more right before the rename: a holder that stalled past
      // the stale bound (stopped, suspended, slow disk) must not replace another's write.
      writeFileAtomic(file, bom + result.text, {
        resolved: true,
        mode: options.mode,
        beforeRename: () => lock.confirm(),
      });
    } catch (error) {
      // The file is as it was; its backup would be a second name for the live version.
      if (backupId) discardBackup(paths.backupDir, backupId, path.extname(file));
      throw error;
    }
    crashPoint("written");
    // From here on the file is written: trouble with the state dir is a warning, not a failure.
    const warnings: string[] = [...migrated];
    try {
      if (backupId) rotateBackups(paths.backupDir, rotation);
    } catch (error) {
      warnings.push(
        `${file} was written, but rotating its backups failed: ${(error as Error).message}`,
      );
    }
    removeOrphanTemps(
      path.dirname(file),
      tempPatternOf(path.basename(file)),
      options.staleLockMs ?? lockDefaults.staleMs,
    );
    try {
      appendJournal(
        paths.journal,
        journalEntries({ file, layer: options.layer, program, backup: backupId }, result.changes),
      );
    } catch (error) {
      // The I/O error's "The file was not changed." is about the journal, not about the file.
      const why = (error as Error).message.replace(" The file was not changed.", "");
      warnings.push(
        `${file} was written, but the change is not in the journal (history and undo ` +
          `will not see it): ${why}`,
      );
    }
    crashPoint("journaled");
    return { changed: true, backupId, text: result.text, file, warnings };
  } finally {
    lock.release();
  }
}

/**
 * Merges the state folders of the per-application layout into the shared
 * one (`migrateLegacyState`); a failure leaves them in place for the next
 * run and is a warning, not a reason to refuse the write.
 */
async function mergeOldState(options: UpdateFileOptions, program: string): Promise<string[]> {
  try {
    await migrateLegacyState(options.stateDir, {
      timeoutMs: options.lockTimeoutMs,
      staleMs: options.staleLockMs,
      program,
    });
    return [];
  } catch (error) {
    return [
      `the state folders of the per-application layout beside ${options.stateDir} could not ` +
      `be merged into it yet (history and undo miss their changes until they are): ` +
      `${(error as Error).message} To merge them: strata doctor --fix`,
    ];
  }
}

/** Reads the file's bytes; undefined when it does not exist. */
function readBytes(file: string): Uint8Array | undefined {
  try {
    assertWritable(file, fs.statSync(file));
    // Read-only, regular files of a sane size only (see runtime/fs.ts).
    return readRegularFile(file);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot read ${file}`, file, error);
  }
}

/** Strict decoding, or, when allowed, a loose one that says it was needed. */
function decodeForEdit(
  bytes: Uint8Array,
  file: string,
  acceptInvalid: boolean,
): { text: string; bom: boolean; invalid?: boolean } {
  try {
    return decodeText(bytes, file);
  } catch (error) {
    if (!acceptInvalid) throw error;
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(
      bom ? bytes.subarray(3) : bytes,
    );
    return { text, bom, invalid: true };
  }
}

/**
 * Decodes UTF-8 strictly: replacing a bad byte with U+FFFD and writing the
 * result back would silently change what a person wrote, so it is refused
 * with the line and column of the first bad byte.
 */
export function decodeText(bytes: Uint8Array, file: string): { text: string; bom: boolean } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body), bom };
  } catch {
    const at = firstInvalidUtf8(body);
    const before = new TextDecoder().decode(body.subarray(0, at));
    const lines = before.split("\n");
    const line = lines.length;
    const column = [...lines[lines.length - 1]].length + 1;
    throw new StrataError(
      "parse",
      `${file}:${line}:${column}: the file is not valid UTF-8 (byte 0x${
        body[at].toString(16).padStart(2, "0")
      } at offset ${at + (bom ? 3 : 0)}); nothing was written. To fix: open it in an editor, ` +
        `re-save it as UTF-8, or restore a backup (strata restore latest).`,
    );
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const more = lead >= 0xc2 && lead <= 0xdf
      ? 1
      : lead >= 0xe0 && lead <= 0xef
      ? 2
      : lead >= 0xf0 && lead <= 0xf4
      ? 3
      : 0;
    if (more === 0) return i;
    // The second byte's range is narrower after some leads (no overlongs, no surrogates, <= U+10FFFF).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (!(bytes[i + 1] >= low && bytes[i + 1] <= high)) return i;
    for (let k = 2; k <= more; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += more + 1;
  }
  return bytes.length - 1;
}
