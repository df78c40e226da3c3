/**
 * The versions of one layer file: the current file and its backups, named
 * by `current`, `latest` (the newest backup that parses), a backup id, or a
 * unique beginning of one. Read without a lock, like every read.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { maxReadBytes, readRegularFile } from "../runtime/fs.ts";
import { type BackupEntry, listBackups } from "../store/backup.ts";
import { decodeText } from "../store/update_file.ts";
import { parseLayerText } from "./check_text.ts";
import { advise, hintFor, type LayerFile } from "./layer_files.ts";

/** One version of a layer file. */
export interface Version {
  /** `current`, or the backup's id. */
  id: string;
  /** Where its text is. */
  path: string;
  /** The backup (undefined for the current file). */
  backup?: BackupEntry;
  /** Its text; "" for a current file that does not exist. */
  text: string;
  /** Whether the file exists (a backup always does). */
  exists: boolean;
}

/**
 * Reads a file's bytes: a regular file (or `/dev/null`) of a sane size only
 * (see `runtime/fs.ts`); undefined when it does not exist. Anything else
 * (a FIFO, a device, a folder, a file too big, no permission) is a
 * `StrataError` with code `io` that says what to do.
 */
export function readFileBytes(file: string): Uint8Array | undefined {
  try {
    return readRegularFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    const fix = code === "ENOTREG" || code === "EISDIR"
      ? `move it away (mv ${file} ${file}.away): strata reads regular files only`
      : code === "EFBIG"
      ? `strata reads files of up to ${
        maxReadBytes / 1024 / 1024
      } MiB; check what wrote it (ls -l ${file})`
      : `check the owner and mode of the file and its folder (ls -l ${file})`;
    const problem = `cannot read ${file}: ${(e as Error).message}`;
    throw Object.assign(new StrataError("io", `${problem}. To fix: ${fix}`, { cause: e }), {
      problem,
      fix,
    });
  }
}

/**
 * Reads a file's text strictly (a bad UTF-8 byte is a located `parse`
 * error); undefined when it does not exist (see {@link readFileBytes}).
 */
export function readText(file: string): string | undefined {
  const bytes = readFileBytes(file);
  return bytes === undefined ? undefined : decodeText(bytes, file).text;
}

/** Whether a text parses in the layer's format. */
export function parses(text: string, target: LayerFile, file: string): boolean {
  try {
    parseLayerText(text, target.format, file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The newest backup whose text parses (what the read fallback uses, and
 * what `restore latest` puts back); undefined when none does.
 */
export function latestValidBackup(target: LayerFile): BackupEntry | undefined {
  for (const backup of listBackups(target.backupDir)) {
    try {
      const text = readText(backup.path);
      if (text !== undefined && parses(text, target, backup.path)) return backup;
    } catch {
      // Not UTF-8, or rotated away meanwhile: look at an older one.
    }
  }
  return undefined;
}

/**
 * Finds a backup by reference: `latest` (the newest that parses), an id, or
 * a unique beginning of an id (`20261126T0012`). Throws `not_found` naming
 * what exists, or `usage` when a beginning matches several.
 */
export function findBackup(target: LayerFile, ref: string): BackupEntry {
  const all = listBackups(target.backupDir);
  const none = () =>
    new StrataError(
      "not_found",
      `${target.file} has no backup${ref === "latest" ? " that parses" : ` "${ref}"`}` +
        (all.length ? `; list them with: ${advise(target, { action: "backups" })}` : " yet"),
      { hints: all.length ? [hintFor(target, { action: "backups" })] : [] },
    );
  if (ref === "latest") {
    const found = latestValidBackup(target);
    if (!found) throw none();
    return found;
  }
  const exact = all.find((b) => b.id === ref);
  if (exact) return exact;
  const matches = all.filter((b) => b.id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new StrataError(
      "usage",
      `"${ref}" names ${matches.length} backups of ${target.file} (${
        matches.slice(0, 3).map((b) => b.id).join(", ")
      }${matches.length > 3 ? ", ..." : ""}); give more of the id`,
    );
  }
  throw none();
}

/** Reads a version: `current`, `latest`, a backup id or its beginning. */
export function readVersion(target: LayerFile, ref: string): Version {
  if (ref === "current") {
    const text = readText(target.file);
    return { id: "current", path: target.file, text: text ?? "", exists: text !== undefined };
  }
  const backup = findBackup(target, ref);
  const text = readText(backup.path);
  if (text === undefined) {
    throw new StrataError(
      "not_found",
      `the backup ${backup.id} was rotated away while it was being read; list them again`,
    );
  }
  return { id: backup.id, path: backup.path, backup, text, exists: true };
}
