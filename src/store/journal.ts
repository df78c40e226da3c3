/**
 * The journal: one NDJSON file per configuration file, one line per changed
 * key, appended under the file's lock. Line format in PROTOCOL.md.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renameOver, writeAll } from "./_durable.ts";
import { errnoOf, ioError } from "./_io_error.ts";
import { ensureStateFolder, noFollow } from "./_state_folder.ts";
import { fileMode } from "./atomic_write.ts";
import { journalRotateBytes, rotatedJournalOf } from "./layout.ts";
import { maxReadBytes } from "../runtime/fs.ts";
import { journalLine } from "../codec/value.ts";

/** One changed key, as the caller of `updateFile` describes it. */
export interface JournalChange {
  /** The dotted key path, formatted as strata prints it (`servers."eu.west".port`). */
  key: string;
  /** The value before; absent (undefined) when the key was not set. */
  old?: unknown;
  /** The value after; absent (undefined) when the key was removed. */
  new?: unknown;
  /** Any further fields the caller wants kept (e.g. `type`); written as they are. */
  [extra: string]: unknown;
}

/** One journal line. */
export interface JournalEntry extends JournalChange {
  /** When the change was written, ISO 8601 UTC. */
  time: string;
  /** The configuration file (absolute, after symlinks). */
  file: string;
  /** The layer written (`user`, `project`, `system`, `file`), when known. */
  layer?: string;
  /** The program that wrote it (e.g. `strata set`, `my-gui`). */
  program: string;
  /** The user name of the writer. */
  user: string;
  /** Process id of the writer. */
  pid: number;
  /** Host name of the writer. */
  host: string;
  /** Id of the backup holding the version before this change, if there was one. */
  backup?: string;
}

/** Who is writing: the fields every entry of one write shares. */
export interface JournalWriter {
  time?: string;
  file: string;
  layer?: string;
  program: string;
  backup?: string;
}

/** What {@link readJournal} returns. */
export interface JournalContents {
  /** The entries, oldest first. */
  entries: JournalEntry[];
  /** Lines that could not be read (a torn last line after a crash), 1-based, and which file. */
  skipped: { line: number; text: string; file: string }[];
}

/**
 * Builds the journal entries of one write. Values are kept as JSON: a
 * `bigint` is written as its decimal digits in a string (JSON numbers
 * beyond 2^53 do not survive most readers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { journalEntries } from "./journal.ts";
 * const [e] = journalEntries({ file: "/c.toml", program: "demo" }, [{ key: "a", new: 1 }]);
 * assert.deepEqual([e.key, e.new, "old" in e], ["a", 1, false]);
 * ```
 */
export function journalEntries(writer: JournalWriter, changes: JournalChange[]): JournalEntry[] {
  const time = writer.time ?? new Date().toISOString();
  const shared = {
    time,
    file: writer.file,
    ...(writer.layer === undefined ? {} : { layer: writer.layer }),
    program: writer.program,
    user: userName(),
    pid: process.pid,
    host: os.hostname(),
    ...(writer.backup === undefined ? {} : { backup: writer.backup }),
  };
  return changes.map((change) => ({ ...shared, ...change }));
}

/**
 * Appends `entries` to the journal at `journalPath` (created 0600 in a 0700
 * folder) in one write, one JSON object per line. If the journal's last line
 * was torn (no final newline), it is ended first so only it is lost. Absent values (undefined)
 * are omitted, which is how "the key was not set" is recorded. A link at the
 * journal's name, or at its folder's, is never followed (the append fails).
 *
 * Rotation: when the journal would grow past `rotateBytes` (default 1 MiB,
 * about 4,000 changes), it becomes `<journal>.1` first (replacing the
 * generation before it) and a new journal starts; {@link readJournal} reads
 * both, so history and undo reach back across a rotation. Call it under the
 * file's lock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * import { appendJournal, journalEntries, readJournal } from "./journal.ts";
 * const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
 * const j = path.join(dir, "journal", "c.ndjson");
 * appendJournal(j, journalEntries({ file: "/c.toml", program: "demo" }, [{ key: "a", new: 1 }]));
 * assert.equal(readJournal(j).entries[0].key, "a");
 * fs.rmSync(dir, { recursive: true });
 * ```
 */
export function appendJournal(
  journalPath: string,
  entries: JournalEntry[],
  rotateBytes: number = journalRotateBytes,
): void {
  if (entries.length === 0) return;
  const text = entries.map(journalLine).join("");
  ensureStateFolder(path.dirname(journalPath), journalPath);
  const flags = noFollow(fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT);
  try {
    let fd = fs.openSync(journalPath, flags, fileMode);
    if (!fs.fstatSync(fd).isFile()) {
      fs.closeSync(fd);
      throw Object.assign(new Error("not a regular file"), { code: "EINVAL" });
    }
    const grown = fs.fstatSync(fd).size + new TextEncoder().encode(text).length;
    if (fs.fstatSync(fd).size > 0 && grown > rotateBytes) {
      fs.closeSync(fd);
      renameOver(journalPath, rotatedJournalOf(journalPath));
      fd = fs.openSync(journalPath, flags, fileMode);
    }
    try {
      // A line torn by a crash or a full disk must not swallow the next one: end it first.
      const size = fs.fstatSync(fd).size;
      const last = new Uint8Array(1);
      const torn = size > 0 && fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
      try {
        writeAll(fd, (torn ? "\n" : "") + text);
      } catch (error) {
        // A full disk took part of the lines: take them back, so the journal holds whole lines.
        try {
          fs.ftruncateSync(fd, size);
        } catch {
          // The next append ends the torn line instead.
        }
        throw error;
      }
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw ioError(`cannot append to the journal ${journalPath}`, journalPath, error, false);
  }
}

/**
 * Reads a journal, oldest entry first: its previous generation
 * (`<journal>.1`, kept by rotation) and then the journal itself. A missing
 * journal is empty. Lines that do not parse (a line torn by a crash) are
 * skipped and reported with the file they are in. A link at either name is
 * never followed (an io error).
 */
export function readJournal(journalPath: string): JournalContents {
  const result: JournalContents = { entries: [], skipped: [] };
  for (const file of [rotatedJournalOf(journalPath), journalPath]) {
    const text = readPrivate(file);
    if (text === undefined) continue;
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        const value = JSON.parse(line);
        if (value === null || typeof value !== "object" || typeof value.key !== "string") {
          throw new Error("not an entry");
        }
        result.entries.push(value);
      } catch {
        result.skipped.push({ line: i + 1, text: line, file });
      }
    });
  }
  return result;
}

/**
 * A journal file's text (one generation), never through a link, regular
 * files of a sane size only; undefined when it does not exist.
 */
export function readPrivate(file: string): string | undefined {
  let fd: number;
  try {
    // Non-blocking: a FIFO planted at the journal's name must not hang the read.
    fd = fs.openSync(file, noFollow(fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)));
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw ioError(`cannot read the journal ${file}`, file, error);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      throw ioError(
        `cannot read the journal ${file}`,
        file,
        Object.assign(new Error("not a regular file"), { code: "EINVAL" }),
      );
    }
    if (stat.size > maxReadBytes) {
      throw ioError(
        `cannot read the journal ${file}`,
        file,
        Object.assign(new Error(`bigger than ${maxReadBytes / 1024 / 1024} MiB`), {
          code: "EFBIG",
        }),
      );
    }
    return fs.readFileSync(fd, "utf8");
  } catch (error) {
    throw ioError(`cannot read the journal ${file}`, file, error);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The writer's user name. Some runtimes report "unknown" where the C library
 * lookup is unavailable (Bun in a minimal container), so the environment and
 * then /etc/passwd are asked before falling back to the uid.
 */
function userName(): string {
  try {
    const name = os.userInfo().username;
    if (name && name !== "unknown") return name;
  } catch {
    // No passwd entry for this uid.
  }
  const fromEnv = process.env.USER ?? process.env.LOGNAME ?? process.env.USERNAME;
  if (fromEnv) return fromEnv;
  const uid = process.getuid?.();
  if (uid === undefined) return "unknown";
  try {
    const entry = fs.readFileSync("/etc/passwd", "utf8").split("\n")
      .map((line) => line.split(":"))
      .find((fields) => fields[2] === String(uid));
    if (entry?.[0]) return entry[0];
  } catch {
    // No passwd file: the uid will do.
  }
  return String(uid);
}
