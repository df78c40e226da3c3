/**
 * One machine's copy of a shared scope: pulls the server's changes into the
 * mirror and the snapshot, pushes the outbox with compare-and-set, records
 * conflicts, and writes (`set --shared`) online or, when the server cannot
 * be reached, into the outbox. Every change of local state happens under the
 * replica's lock. The library speaks in data; the CLI words it.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { ensureFolder } from "../store/atomic_write.ts";
import { acquireLock } from "../store/lock.ts";
import { appendJournal, journalEntries } from "../store/journal.ts";
import { resolveTarget } from "../store/resolve_target.ts";
import { statePaths } from "../store/state_paths.ts";
import { bunSql, type SqlClient } from "./_bun_sql.ts";
import { isUnreachable } from "./_unreachable.ts";
import {
  type Conflict,
  emptyMirror,
  type LocalRow,
  type MirrorState,
  type OutboxEntry,
  readJson,
  replicaPaths,
  writeJson,
} from "./local_state.ts";
import { channelOf, currentRow, putIfVersion, rowsSince, type ServerRow } from "./server.ts";
import { writeSnapshot } from "./snapshot.ts";
import { decodeValue, type StoredValue } from "./value_text.ts";

/** How to reach the server and where this machine keeps its copy. */
export interface ReplicaOptions {
  /** `remote.url` (no password). */
  url: string;
  /** The password (PGPASSWORD, the OS keychain, ~/.pgpass), when one is needed. */
  password?: string;
  /** `remote.scope`. */
  scope: string;
  /** The snapshot file (`shared.toml` beside the user file). */
  snapshotFile: string;
  /** The state folder of the snapshot's backups and journal. */
  stateDir: string;
  /**
   * The folder of this replica's own files (mirror, outbox, conflicts, lock);
   * one per application, since the state folder is shared by every file.
   * Default: `<stateDir>/remote`.
   */
  replicaDir?: string;
  /** Who writes (`user@host`), recorded on the server. */
  by: string;
  /** The program, for locks and the journal. */
  program: string;
  /** Seconds to wait for a connection (default 5). */
  connectTimeoutS?: number;
}

/** What a pull did. */
export interface PullResult {
  revision: number;
  /** Keys whose value changed in the snapshot. */
  changed: string[];
  /** Keys left out of the snapshot (under another key's plain value). */
  skipped: string[];
  /** Warnings from the write protocol (journal trouble). */
  warnings: string[];
}

/** What a push did. */
export interface PushResult {
  pushed: string[];
  conflicts: Conflict[];
}

/** What a write did: written on the server, or queued in the outbox. */
export type WriteResult =
  | { state: "written"; version: number; revision: number; attempts: number }
  | { state: "queued"; base: number; reason: string };

/** A conflict is settled with one side. */
export type Choice = "mine" | "theirs";

const now = () => new Date().toISOString();

/** Opens a replica (no connection until one is needed). */
export class Replica {
  readonly options: ReplicaOptions;
  readonly paths: ReturnType<typeof replicaPaths>;
  #sql?: SqlClient;

  constructor(options: ReplicaOptions) {
    this.options = options;
    this.paths = replicaPaths(options.replicaDir ?? `${options.stateDir}/remote`);
  }

  /** The client (opened on first use; Bun only). */
  sql(): SqlClient {
    this.#sql ??= bunSql(
      {
        url: this.options.url,
        password: this.options.password,
        max: 2,
        connectionTimeout: this.options.connectTimeoutS ?? 5,
        idleTimeout: 30,
      },
      "this command",
    );
    return this.#sql;
  }

  /** Closes the connection, if one was opened. */
  async close(): Promise<void> {
    await this.#sql?.close({ timeout: 1 });
    this.#sql = undefined;
  }

  /** The channel this scope's changes are notified on. */
  channel(): Promise<string> {
    return channelOf(this.sql(), this.options.scope);
  }

  /** Runs `fn` holding the replica's lock (one sync at a time per machine and app). */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    ensureFolder(this.paths.dir);
    const lock = await acquireLock(this.paths.lock, { program: this.options.program });
    try {
      return await fn();
    } finally {
      lock.release();
    }
  }

  /** The mirror (an empty one when it is of another server or scope). */
  mirror(): MirrorState {
    const m = readJson<MirrorState | undefined>(this.paths.mirror, undefined);
    const { url, scope } = this.options;
    return m && m.source === url && m.scope === scope ? m : emptyMirror(url, scope);
  }

  /** The outbox, oldest first. */
  outbox(): OutboxEntry[] {
    return readJson<OutboxEntry[]>(this.paths.outbox, []);
  }

  /** The conflicts waiting to be resolved, by key. */
  conflicts(): Record<string, Conflict> {
    return readJson<Record<string, Conflict>>(this.paths.conflicts, {});
  }

  /** Catches up with the server from the mirror's revision and rewrites the snapshot (locked). */
  pull(): Promise<PullResult> {
    return this.locked(() => this.#pull());
  }

  async #pull(): Promise<PullResult> {
    const mirror = this.mirror();
    const before = { ...mirror.rows };
    const { revision, rows } = await rowsSince(this.sql(), this.options.scope, mirror.revision);
    const changed: string[] = [];
    for (const r of rows) {
      const old = mirror.rows[r.key];
      const row: LocalRow = {
        text: r.text,
        kind: r.kind,
        version: r.version,
        revision: r.revision,
        deleted: r.deleted,
      };
      if (!old || old.deleted !== r.deleted || old.text !== r.text) changed.push(r.key);
      mirror.rows[r.key] = row;
    }
    mirror.revision = Math.max(mirror.revision, revision);
    mirror.lastSync = now();
    const written = await writeSnapshot(this.options.snapshotFile, mirror, before, {
      stateDir: this.options.stateDir,
      program: this.options.program,
      time: mirror.lastSync,
    });
    writeJson(this.paths.mirror, mirror);
    return {
      revision: mirror.revision,
      changed,
      skipped: written.skipped,
      warnings: written.warnings,
    };
  }

  /** Sends the outbox (locked); changes on keys that moved on become conflicts. */
  push(): Promise<PushResult> {
    return this.locked(() => this.#push());
  }

  async #push(): Promise<PushResult> {
    const entries = this.outbox();
    const result: PushResult = { pushed: [], conflicts: [] };
    if (!entries.length) return result;
    const conflicts = this.conflicts();
    const moved = new Map<string, number>(); // key -> version after this push's own write
    let left = entries.slice();
    try {
      for (const e of entries) {
        const base = moved.get(e.key) ?? e.base;
        const mine = { text: e.text, kind: e.kind, deleted: e.deleted };
        if (conflicts[e.key]) {
          // Later changes of a key in conflict join the conflict (the newest is "mine").
          conflicts[e.key] = { ...conflicts[e.key], mine, time: e.time };
        } else {
          const put = await putIfVersion(this.sql(), this.options.scope, e.key, mine, base, e.by);
          if (put.ok) {
            moved.set(e.key, put.version);
            result.pushed.push(e.key);
          } else {
            const theirs = put.current ?? absentRow(e.key);
            conflicts[e.key] = { key: e.key, mine, base, theirs, time: e.time };
            result.conflicts.push(conflicts[e.key]);
            this.#journalConflict(conflicts[e.key]);
          }
        }
        left = left.slice(1);
      }
    } finally {
      writeJson(this.paths.outbox, left);
      writeJson(this.paths.conflicts, conflicts);
    }
    return result;
  }

  /** Push, then pull. */
  sync(): Promise<{ push: PushResult; pull: PullResult }> {
    return this.locked(async () => {
      const push = await this.#push();
      const pull = await this.#pull();
      return { push, pull };
    });
  }

  /**
   * Writes one key (`set --shared`; `deleted` for `unset`): compare-and-set on
   * the version this machine last saw, re-reading and retrying when another
   * writer got there first. When the server cannot be reached, the change
   * goes to the outbox (made on the version last seen) for `remote sync`.
   */
  write(key: string, value: StoredValue, deleted = false): Promise<WriteResult> {
    return this.locked(async () => {
      const mirror = this.mirror();
      const seen = mirror.rows[key]?.version ?? 0;
      const mine = { ...value, deleted };
      try {
        if (this.outbox().length) await this.#push();
        let base = seen;
        for (let attempt = 1;; attempt++) {
          const put = await putIfVersion(
            this.sql(),
            this.options.scope,
            key,
            mine,
            base,
            this.options.by,
          );
          if (put.ok) {
            // The write is on the server: a failure to copy it back now (the server went
            // away meanwhile) must not queue it a second time; the next sync copies it.
            await this.#pull().catch((error) => {
              if (!isUnreachable(error)) throw error;
            });
            return {
              state: "written",
              version: put.version,
              revision: put.revision,
              attempts: attempt,
            };
          }
          if (attempt >= 50) {
            throw new StrataError(
              "lock",
              `${key}: the server's value kept changing while strata wrote it (${attempt} tries); ` +
                `nothing was written: try again`,
            );
          }
          base = put.current?.version ?? 0;
        }
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        const entry: OutboxEntry = { key, ...mine, base: seen, time: now(), by: this.options.by };
        writeJson(this.paths.outbox, [...this.outbox(), entry]);
        this.#journal([{ key, new: shownValue(mine), queued: true }]);
        return { state: "queued", base: seen, reason: (error as Error).message };
      }
    });
  }

  /** Settles a conflict: `mine` writes the local value over the server's, `theirs` drops it. */
  resolve(key: string, choice: Choice): Promise<{ conflict: Conflict; result?: WriteResult }> {
    return this.locked(async () => {
      const conflicts = this.conflicts();
      const conflict = conflicts[key];
      if (!conflict) {
        throw new StrataError(
          "not_found",
          `${key} has no conflict to resolve; strata remote status lists the conflicts`,
        );
      }
      let result: WriteResult | undefined;
      if (choice === "mine") {
        let base = (await currentRow(this.sql(), this.options.scope, key))?.version ?? 0;
        for (let attempt = 1;; attempt++) {
          const put = await putIfVersion(
            this.sql(),
            this.options.scope,
            key,
            conflict.mine,
            base,
            this.options.by,
          );
          if (put.ok) {
            result = {
              state: "written",
              version: put.version,
              revision: put.revision,
              attempts: attempt,
            };
            break;
          }
          base = put.current?.version ?? 0;
        }
      }
      delete conflicts[key];
      writeJson(this.paths.conflicts, conflicts);
      this.#journal([{ key, new: shownValue(conflict.mine), resolved: choice }]);
      await this.#pull();
      return result ? { conflict, result } : { conflict };
    });
  }

  #journalConflict(c: Conflict): void {
    this.#journal([{
      key: c.key,
      old: shownValue(c.theirs),
      new: shownValue(c.mine),
      conflict: `the server's version ${c.theirs.version} (by ${c.theirs.updatedBy}) was kept; ` +
        `this change was made on version ${c.base}`,
    }]);
  }

  #journal(changes: { key: string; [field: string]: unknown }[]): void {
    const file = resolveTarget(this.options.snapshotFile);
    const journal = statePaths(this.options.stateDir, file).journal;
    appendJournal(
      journal,
      journalEntries({ file, layer: "shared", program: this.options.program }, changes),
    );
  }
}

function absentRow(key: string): ServerRow {
  return {
    key,
    text: '""',
    kind: "string",
    deleted: true,
    version: 0,
    revision: 0,
    updatedAt: "",
    updatedBy: "",
  };
}

function shownValue(v: StoredValue & { deleted: boolean }): unknown {
  if (v.deleted) return undefined;
  try {
    return decodeValue(v.text);
  } catch {
    return v.text;
  }
}
