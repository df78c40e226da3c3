/**
 * The journal: one NDJSON file per configuration file, one line per changed
 * key, appended under the file's lock. Line format in PROTOCOL.md.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeAll } from "./_durable.ts";
import { errnoOf, ioError } from "./_io_error.ts";
import { ensureFolder, fileMode } from "./atomic_write.ts";

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
  /** Lines that could not be read (a torn last line after a crash), 1-based. */
  skipped: { line: number; text: string }[];
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
 * are omitted, which is how "the key was not set" is recorded.
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
export function appendJournal(journalPath: string, entries: JournalEntry[]): void {
  if (entries.length === 0) return;
  const text = entries.map((entry) => JSON.stringify(entry, jsonSafe) + "\n").join("");
  ensureFolder(path.dirname(journalPath), journalPath);
  try {
    const fd = fs.openSync(journalPath, "a+", fileMode);
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
 * Reads a journal, oldest entry first. A missing journal is empty. Lines
 * that do not parse (a line torn by a crash) are skipped and reported.
 */
export function readJournal(journalPath: string): JournalContents {
  let text: string;
  try {
    text = fs.readFileSync(journalPath, "utf8");
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return { entries: [], skipped: [] };
    throw ioError(`cannot read the journal ${journalPath}`, journalPath, error);
  }
  const result: JournalContents = { entries: [], skipped: [] };
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const value = JSON.parse(line);
      if (value === null || typeof value !== "object" || typeof value.key !== "string") {
        throw new Error("not an entry");
      }
      result.entries.push(value);
    } catch {
      result.skipped.push({ line: i + 1, text: line });
    }
  });
  return result;
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
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
