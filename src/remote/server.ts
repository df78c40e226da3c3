/**
 * The shared layer's side on the server: migrations, reading a scope's rows
 * since a revision, and the compare-and-set write. Speaks data only; the
 * connection comes from `connect.ts`.
 *
 * @module
 */

import type { Rows, SqlClient } from "./_bun_sql.ts";
import { migrationLockKey, migrations } from "./migrations.ts";
import type { StoredValue } from "./value_text.ts";

/** One key's row on the server. */
export interface ServerRow extends StoredValue {
  key: string;
  deleted: boolean;
  version: number;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

/** What a compare-and-set did. */
export type PutResult =
  | { ok: true; version: number; revision: number }
  | { ok: false; current?: ServerRow };

/** What `init` did: the migrations applied now, and the version the database is at. */
export interface InitResult {
  applied: number[];
  version: number;
}

const num = (v: unknown): number => Number(v);

function rowOf(r: Record<string, unknown>): ServerRow {
  const at = r.updated_at;
  return {
    key: String(r.key),
    text: String(r.value),
    kind: String(r.kind),
    deleted: r.deleted === true,
    version: num(r.version),
    revision: num(r.revision),
    updatedAt: at instanceof Date ? at.toISOString() : String(at),
    updatedBy: String(r.updated_by),
  };
}

/** Applies the migrations the database lacks (idempotent; safe to run from two places at once). */
export async function migrate(sql: SqlClient): Promise<InitResult> {
  return await sql.begin(async (tx) => {
    await tx.unsafe(`SELECT pg_advisory_xact_lock(${migrationLockKey})`);
    await tx.unsafe(
      `CREATE TABLE IF NOT EXISTS strata_migrations (version integer PRIMARY KEY, ` +
        `name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.unsafe(`SELECT version FROM strata_migrations`)).map((r) => num(r.version)),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await tx.unsafe(statement);
      await tx.unsafe(`INSERT INTO strata_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    return { applied, version: migrations[migrations.length - 1].version };
  });
}

/** The database's migration version (0: `strata remote init` never ran there). */
export async function schemaVersion(sql: SqlClient): Promise<number> {
  const [found] = await sql.unsafe(`SELECT to_regclass('strata_migrations') IS NOT NULL AS ok`);
  if (found?.ok !== true) return 0;
  const [row] = await sql.unsafe(`SELECT coalesce(max(version), 0) AS v FROM strata_migrations`);
  return num(row.v);
}

/** The channel a scope's changes are notified on. */
export async function channelOf(sql: SqlClient, scope: string): Promise<string> {
  const [row] = await sql.unsafe(`SELECT 'strata_' || md5($1) AS channel`, [scope]);
  return String(row.channel);
}

/** The scope's revision now, and every row changed after `since` (deleted ones too), in order. */
export async function rowsSince(
  sql: SqlClient,
  scope: string,
  since: number,
): Promise<{ revision: number; rows: ServerRow[] }> {
  // One transaction: the revision and the rows are of the same moment.
  return await sql.begin(async (tx) => {
    await tx.unsafe(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
    const [scopeRow] = await tx.unsafe(`SELECT revision FROM strata_scopes WHERE scope = $1`, [
      scope,
    ]);
    const rows: Rows = await tx.unsafe(
      `SELECT key, value, kind, deleted, version, revision, updated_at, updated_by ` +
        `FROM strata_values WHERE scope = $1 AND revision > $2 ORDER BY revision`,
      [scope, since],
    );
    return { revision: scopeRow ? num(scopeRow.revision) : 0, rows: rows.map(rowOf) };
  });
}

/** One key's row now (undefined: never written). */
export async function currentRow(
  sql: SqlClient,
  scope: string,
  key: string,
): Promise<ServerRow | undefined> {
  const [row] = await sql.unsafe(
    `SELECT key, value, kind, deleted, version, revision, updated_at, updated_by ` +
      `FROM strata_values WHERE scope = $1 AND key = $2`,
    [scope, key],
  );
  return row ? rowOf(row) : undefined;
}

/**
 * Writes `value` (or a deletion) when the key's version on the server is
 * still `expected` (0: the key was never written); otherwise writes nothing
 * and returns the row as it is now.
 */
export async function putIfVersion(
  sql: SqlClient,
  scope: string,
  key: string,
  value: StoredValue & { deleted?: boolean },
  expected: number,
  by: string,
): Promise<PutResult> {
  const [r] = await sql.unsafe(`SELECT * FROM strata_put($1, $2, $3, $4, $5, $6, $7)`, [
    scope,
    key,
    value.text,
    value.kind,
    value.deleted === true,
    expected,
    by,
  ]);
  if (r.ok === true) return { ok: true, version: num(r.version), revision: num(r.revision) };
  return r.version === null ? { ok: false } : { ok: false, current: rowOf({ ...r, key }) };
}
