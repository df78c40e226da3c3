/**
 * Reading one layer's file: its values, the lines of its keys (on demand),
 * and the read fallback: a file that does not parse is reported once (where,
 * why, and the command that mends it) and its newest backup that parses is
 * used instead, so a cron job keeps running. No lock is taken.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import type { Mend } from "./edits.ts";
import type { FileFormat } from "../platform/paths.ts";
import {
  type AccessOptions,
  maxReadBytes,
  type PrefetchMap,
  readBytes,
  statPath,
  typeWords,
} from "../runtime/fs.ts";
import { positionOf } from "../parse_error.ts";
import { backupDirOf, listBackupFiles } from "./fallback_backups.ts";
import { clipText } from "../clip.ts";
import { type ConfigDocument, parseDocument, parseValues, pathId, viewValues } from "./document.ts";
import { lookup } from "./merge.ts";
import { readCachedValues, writeCachedValues } from "./parse_cache.ts";
import { parse } from "../toml/parse.ts";
import { TomlDateTime } from "../toml/datetime.ts";
import { isTable } from "../is_table.ts";

/** The TOML kind of a value parsed with `{ bigint: true }` (integers are bigints). */
function kindOfExact(value: unknown): string | undefined {
  switch (typeof value) {
    case "bigint":
      return "integer";
    case "number":
      return "float";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
  }
  if (value instanceof TomlDateTime) return value.kind;
  if (Array.isArray(value)) return "array";
  if (isTable(value)) return "table";
  return undefined;
}

/**
 * A file modified this recently (ms) may change again within the same
 * timestamp tick without its stamp changing, so it is read again next time
 * instead of trusting the stamp.
 */
const racyMs = 3000;

/** A layer file as read (or found missing, or found unusable). */
export interface FileRead {
  /** The file's path. */
  file: string;
  /** Its format. */
  format: FileFormat;
  /** `ok`: values read (maybe from a backup); `no-file`; `unreadable`: see `error`. */
  status: "ok" | "no-file" | "unreadable";
  /** Identity of the version read (inode, size, times); undefined when missing. */
  stamp?: string;
  /** Modified so recently that an unchanged stamp does not prove an unchanged file. */
  racy?: boolean;
  /** The values (status `ok`). */
  values?: Record<string, unknown>;
  /** Set when the file does not parse and these values come from this backup. */
  backup?: { id: string; path: string; time: string };
  /** Why the file cannot be used (status `unreadable`). */
  error?: StrataError;
  /** A warning to report once (the fallback to a backup). */
  warning?: string;
  /** The parsed document of the text in use (lines and kinds), parsed on first call. */
  document(): ConfigDocument | undefined;
  /**
   * The document already parsed from the text read, when `text` is that
   * text: given once, for an edit under the lock to start from instead of
   * parsing the same text again (the edit changes it; a later `document()`
   * parses the text afresh). Undefined otherwise.
   */
  documentFor(text: string): ConfigDocument | undefined;
  /**
   * The TOML kind (`integer`, `float`, ...) of the value at a path, without
   * the full document: an integral number is told apart from a float by a
   * second, plain parse that keeps integers as `bigint`.
   */
  kindOf(path: string[]): string | undefined;
}

/** Options of {@link readFileLayer}. */
export interface ReadFileOptions {
  /** The app's state folder, where backups are; without it there is no fallback. */
  stateDir?: string;
  /** What mends the file (edit it, restore its latest backup), as hints and worded. */
  mend?: Mend;
  /** The previous read: returned as it is when the file has not changed. */
  previous?: FileRead;
  /** Paths read ahead (see `runtime/fs.ts` prefetchFiles). */
  prefetched?: PrefetchMap;
  /** The state folder whose `cache/` keeps parsed values of big files (see `parse_cache.ts`). */
  cacheDir?: string;
  /** Strict mode: a file that does not parse is `unreadable`, never replaced by a backup. */
  strict?: boolean;
  /**
   * Parse it as a document (the editor's parse, about twice a plain one),
   * not through the parse cache: for the file a write is about to edit,
   * whose edit then starts from this document (see `FileRead.documentFor`)
   * instead of parsing the same text a second time under the lock.
   */
  asDocument?: boolean;
}

/** The file's identity for change detection (see `runtime/fs.ts`), or why it cannot be read. */
function stampOf(
  file: string,
  options: AccessOptions,
): { stamp: string; racy: boolean } | undefined | Error {
  try {
    const s = statPath(file, options);
    if (s === undefined) return undefined;
    if (s.kind !== "file") {
      return Object.assign(new Error(`${file} is ${typeWords(s.type)}`), {
        code: s.type === "folder" ? "EISDIR" : "ENOTREG",
        type: s.type,
      });
    }
    return { stamp: s.stamp, racy: Date.now() - s.mtimeMs < racyMs };
  } catch (e) {
    return e as Error;
  }
}

function ioProblem(file: string, cause: unknown): StrataError {
  const code = (cause as { code?: string }).code;
  const [why, fix] = code === "EACCES" || code === "EPERM"
    ? ["permission denied", `check the owner and mode of the file and its folders (ls -ld ${file})`]
    : code === "EISDIR"
    ? ["it is a folder", "move it away: a configuration file must be a regular file"]
    : code === "ENOTREG"
    ? [
      `it is ${typeWords((cause as { type?: "fifo" }).type ?? "device")}, not a regular file`,
      `move it away (mv ${file} ${file}.away): a configuration file must be a regular file`,
    ]
    : code === "EFBIG"
    ? [
      `it is bigger than ${maxReadBytes / 1024 / 1024} MiB, the most strata reads`,
      `check what wrote it (ls -l ${file}); a configuration file is small`,
    ]
    : code === "ELOOP"
    ? [
      "it is a symbolic link loop (or a chain of too many links)",
      `point the link at a real file (ls -l ${file})`,
    ]
    : [(cause as Error).message, `check the file (ls -l ${file})`];
  return new StrataError("io", `cannot read ${file}: ${why}. To fix: ${fix}`, { cause });
}

/** Decodes UTF-8 strictly (a byte-order mark is dropped); a bad byte is a located parse error. */
function decode(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder("utf-8").decode(bytes);
    const { line, column } = positionOf(loose, loose.indexOf("\uFFFD"));
    throw Object.assign(
      new StrataError(
        "parse",
        `${file}: line ${line}, column ${column}: the file is not valid UTF-8`,
      ),
      { line, column, reason: "the file is not valid UTF-8" },
    );
  }
}

function readText(file: string, options: AccessOptions = {}): string {
  return decode(readBytes(file, options), file);
}

interface Located {
  line?: number;
  column?: number;
  reason?: string;
  message: string;
}

function whereText(file: string, e: Located): string {
  return e.line !== undefined
    ? `${file}:${e.line}:${e.column}: ${clipText(e.reason ?? e.message)}`
    : `${file}: ${clipText(e.message)}`;
}

/**
 * Reads a layer file. Returns `previous` when the file is unchanged (same
 * stamp); otherwise stats, reads and parses it. A file that does not parse
 * falls back to its newest backup that does, with a warning; when none
 * does, the read is `unreadable` with a `parse` error that says how to mend it.
 */
export function readFileLayer(
  file: string,
  format: FileFormat,
  options: ReadFileOptions = {},
): FileRead {
  const access = { prefetched: options.prefetched };
  const stat = stampOf(file, access);
  const prev = options.previous;
  if (prev && stat && !(stat instanceof Error) && prev.stamp === stat.stamp && !prev.racy) {
    return prev;
  }
  let doc: ConfigDocument | undefined;
  let docText: string | undefined;
  let exact: Record<string, unknown> | undefined;
  let values: Record<string, unknown> | undefined;
  /** Table keys whose whole-number value is written as a float (when known). */
  let floats: Set<string> | undefined;
  const base = {
    file,
    format,
    document(): ConfigDocument | undefined {
      if (doc === undefined && docText !== undefined) doc = parseDocument(docText, format, file);
      return doc;
    },
    documentFor(text: string): ConfigDocument | undefined {
      if (doc === undefined || docText !== text) return undefined;
      const given = doc;
      doc = undefined;
      return given;
    },
    kindOf(path: string[]): string | undefined {
      if (docText === undefined) return undefined;
      if (floats !== undefined) {
        const found = lookup(values, path);
        if (!found.found) return undefined;
        const v = found.value;
        if (typeof v === "number" && Number.isInteger(v)) {
          return floats.has(pathId(path)) ? "float" : "integer";
        }
        return kindOfExact(v);
      }
      if (doc !== undefined || format === "json") return base.document()?.kindOf(path);
      exact ??= parse(docText, { bigint: true }) as Record<string, unknown>;
      const found = lookup(exact, path);
      return found.found ? kindOfExact(found.value) : undefined;
    },
  };
  if (stat === undefined) return { ...base, status: "no-file" };
  if (stat instanceof Error) return { ...base, status: "unreadable", error: ioProblem(file, stat) };
  const { stamp, racy } = stat;
  let text: string;
  try {
    text = readText(file, access);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return { ...base, status: "no-file" };
    if (e instanceof StrataError) return fallback(e as StrataError & Located);
    return { ...base, status: "unreadable", stamp, error: ioProblem(file, e) };
  }
  try {
    const cacheDir = options.cacheDir;
    if (options.asDocument) {
      doc = parseDocument(text, format, file);
      // The document's own values, no copy: an edit builds new values
      // (`TomlDocument` copies what it changes), never touching these.
      values = viewValues(doc) as Record<string, unknown>;
      docText = text;
      return { ...base, status: "ok", stamp, racy, values };
    }
    const cached = cacheDir && readCachedValues(cacheDir, file, text, access);
    if (cached) {
      values = cached.values;
      floats = cached.floats;
    } else {
      const parsed = parseValues(text, format, file);
      values = parsed.values;
      floats = parsed.floats;
      doc = parsed.document;
      if (cacheDir) writeCachedValues(cacheDir, file, text, values, floats);
    }
    docText = text;
    return { ...base, status: "ok", stamp, racy, values };
  } catch (e) {
    if (e instanceof StrataError && e.code === "parse") return fallback(e as StrataError & Located);
    throw e;
  }

  function fallback(error: StrataError & Located): FileRead {
    const where = whereText(file, error);
    const mend = options.mend
      ? ` To mend it: ${options.mend.edit} (or go back to the last good version: ${options.mend.restore}).`
      : "";
    // Only where no backup parses: "restore latest" would find nothing to restore.
    const at = error.line !== undefined ? ` at line ${error.line}, column ${error.column}` : "";
    const edit = options.mend
      ? ` To mend it: ${options.mend.edit} (or open ${file}${at} in an editor).`
      : ` To mend it: open ${file}${at} in an editor.`;
    for (const b of backupsOf(file, options.stateDir)) {
      try {
        const text = readText(b.path);
        const parsed = parseValues(text, format, b.path);
        if (options.strict) {
          return {
            ...base,
            status: "unreadable",
            stamp,
            racy,
            error: new StrataError(
              "parse",
              `${where}; strict mode does not fall back to its backup of ${b.time}.${mend}`,
              { cause: error, hints: options.mend?.hints ?? [] },
            ),
          };
        }
        docText = text;
        doc = parsed.document;
        values = parsed.values;
        floats = parsed.floats;
        return {
          ...base,
          status: "ok",
          stamp,
          racy,
          values,
          backup: { id: b.id, path: b.path, time: b.time },
          warning: `${where}; using its backup of ${b.time} (${b.path}) instead.${mend}`,
        };
      } catch {
        // This backup does not parse either (or went away): try an older one.
      }
    }
    return {
      ...base,
      status: "unreadable",
      stamp,
      racy,
      error: new StrataError(
        "parse",
        `${where}; no backup of it parses either, so it cannot be read.${edit}`,
        { cause: error, hints: options.mend?.hints.filter((h) => h.action === "edit") ?? [] },
      ),
    };
  }
}

function backupsOf(file: string, stateDir: string | undefined) {
  if (stateDir === undefined) return [];
  try {
    return listBackupFiles(backupDirOf(stateDir, file));
  } catch {
    return [];
  }
}
