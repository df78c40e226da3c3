/**
 * What a machine keeps about the shared layer in its state folder
 * (`<state>/remote/`): the mirror of the scope (every key's literal, kind
 * and version, and the revision it is at), the outbox of changes made
 * while the server could not be reached, and the conflicts waiting for
 * `strata remote resolve`. Plain JSON files, written atomically (0600),
 * changed only under the replica's lock.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { StrataError } from "../errors.ts";
import { writeFileAtomic } from "../store/atomic_write.ts";
import type { ServerRow } from "./server.ts";
import type { StoredValue } from "./value_text.ts";

/** One key of the mirror. */
export interface LocalRow extends StoredValue {
  version: number;
  revision: number;
  deleted: boolean;
}

/** The mirror of one scope on one server. */
export interface MirrorState {
  source: string;
  scope: string;
  revision: number;
  /** When the server last answered (ISO 8601). */
  lastSync?: string;
  rows: Record<string, LocalRow>;
}

/** A change waiting for the server. */
export interface OutboxEntry extends StoredValue {
  key: string;
  deleted: boolean;
  /** The key's version this change was made on (0: absent). */
  base: number;
  time: string;
  by: string;
}

/** A change the server refused because the key moved on meanwhile. */
export interface Conflict {
  key: string;
  mine: StoredValue & { deleted: boolean };
  base: number;
  theirs: ServerRow;
  time: string;
}

/** Where the files are. */
export interface ReplicaPaths {
  dir: string;
  mirror: string;
  outbox: string;
  conflicts: string;
  /** The replica's lock is `<lock>.lock`. */
  lock: string;
}

/** The files of the replica in its folder. */
export function replicaPaths(dir: string): ReplicaPaths {
  return {
    dir,
    mirror: path.join(dir, "mirror.json"),
    outbox: path.join(dir, "outbox.json"),
    conflicts: path.join(dir, "conflicts.json"),
    lock: path.join(dir, "replica"),
  };
}

/** Reads a JSON file, `fallback` when it does not exist. */
/**
 * Moves the replica folder of the per-application state layout
 * (`<state>/<app>/remote/`) to `dir` when `dir` does not exist yet, so a
 * change queued offline before the layout changed is still sent. One
 * rename: two processes racing leave one winner and nothing lost.
 */
export function adoptLegacyReplica(dir: string, legacy: string): void {
  if (fs.existsSync(dir)) return;
  const files = ["mirror.json", "outbox.json", "conflicts.json"];
  if (!files.some((f) => fs.existsSync(path.join(legacy, f)))) return;
  try {
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    fs.renameSync(legacy, dir);
  } catch { /* another process moved it first, or it cannot be moved: left where it is */ }
}

export function readJson<T>(file: string, fallback: T): T {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return fallback;
    throw new StrataError("io", `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StrataError(
      "parse",
      `${file}: not valid JSON (${(error as Error).message}); strata writes this file itself: ` +
        `move it aside and run strata remote sync to rebuild it`,
    );
  }
}

/** Writes a JSON file atomically (0600, folders 0700). */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify(value, null, 1) + "\n");
}

/** An empty mirror of a scope. */
export function emptyMirror(source: string, scope: string): MirrorState {
  return { source, scope, revision: 0, rows: {} };
}
