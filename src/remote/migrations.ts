/**
 * The shared layer's tables on the PostgreSQL server, as numbered
 * migrations. `strata remote init` applies the ones a database lacks, each
 * in its own transaction, under an advisory lock (two `init`s at once apply
 * each migration once). Nothing here runs at import.
 *
 * @module
 */

/** One step of the server's schema. */
export interface Migration {
  /** Its number: applied in order, recorded in `strata_migrations`. */
  version: number;
  /** What it does, recorded beside the number. */
  name: string;
  /** The statements, run in one transaction. */
  statements: string[];
}

/** The key of the advisory lock `init` holds while it migrates ("strata" in ASCII). */
export const migrationLockKey = 0x737472617461;

/**
 * Every migration, oldest first. Values are kept as TOML literals with
 * their TOML kind, so every type round-trips exactly (integers beyond 2^53,
 * the four date-time kinds, `1.0` against `1`, sealed `enc:v1:` strings).
 * Each write bumps the scope's revision while holding the scope's row, so
 * revisions are committed in order: a reader that saw revision N has seen
 * everything up to N. The trigger keeps every version in the history table
 * and notifies `strata_<md5(scope)>` with the key and the revision only.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "values, history, scope revisions, put function, notify trigger",
    statements: [
      `CREATE TABLE strata_scopes (
        scope text PRIMARY KEY,
        revision bigint NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE strata_values (
        scope text NOT NULL REFERENCES strata_scopes(scope),
        key text NOT NULL,
        value text NOT NULL,
        kind text NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        version bigint NOT NULL,
        revision bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        PRIMARY KEY (scope, key)
      )`,
      `CREATE INDEX strata_values_revision ON strata_values (scope, revision)`,
      `CREATE TABLE strata_history (
        id bigserial PRIMARY KEY,
        scope text NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        kind text NOT NULL,
        deleted boolean NOT NULL,
        version bigint NOT NULL,
        revision bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        UNIQUE (scope, key, version)
      )`,
      `CREATE FUNCTION strata_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO strata_history (scope, key, value, kind, deleted, version, revision, updated_at, updated_by)
          VALUES (NEW.scope, NEW.key, NEW.value, NEW.kind, NEW.deleted, NEW.version, NEW.revision,
                  NEW.updated_at, NEW.updated_by);
        PERFORM pg_notify('strata_' || md5(NEW.scope),
          json_build_object('key', NEW.key, 'revision', NEW.revision)::text);
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER strata_values_changed AFTER INSERT OR UPDATE ON strata_values
        FOR EACH ROW EXECUTE FUNCTION strata_record()`,
      `CREATE FUNCTION strata_put(p_scope text, p_key text, p_value text, p_kind text,
          p_deleted boolean, p_expected bigint, p_by text)
        RETURNS TABLE (ok boolean, version bigint, revision bigint, value text, kind text,
          deleted boolean, updated_at timestamptz, updated_by text)
        LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        cur strata_values%ROWTYPE;
        rev bigint;
      BEGIN
        INSERT INTO strata_scopes (scope) VALUES (p_scope) ON CONFLICT (scope) DO NOTHING;
        PERFORM 1 FROM strata_scopes s WHERE s.scope = p_scope FOR UPDATE;
        SELECT * INTO cur FROM strata_values v WHERE v.scope = p_scope AND v.key = p_key;
        IF coalesce(cur.version, 0) <> p_expected THEN
          RETURN QUERY SELECT false, cur.version, cur.revision, cur.value, cur.kind, cur.deleted,
            cur.updated_at, cur.updated_by;
          RETURN;
        END IF;
        UPDATE strata_scopes s SET revision = s.revision + 1 WHERE s.scope = p_scope
          RETURNING s.revision INTO rev;
        INSERT INTO strata_values AS v (scope, key, value, kind, deleted, version, revision,
            updated_at, updated_by)
          VALUES (p_scope, p_key, p_value, p_kind, p_deleted, p_expected + 1, rev, now(), p_by)
          ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value, kind = EXCLUDED.kind,
            deleted = EXCLUDED.deleted, version = EXCLUDED.version, revision = EXCLUDED.revision,
            updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;
        RETURN QUERY SELECT true, p_expected + 1, rev, p_value, p_kind, p_deleted, now(), p_by;
      END $$`,
    ],
  },
];
