/**
 * The password of a PostgreSQL connection, never kept in strata's files:
 * `PGPASSWORD`, else the first matching line of `PGPASSFILE` or
 * `~/.pgpass` (`host:port:database:user:password`, `*` matches anything,
 * `\:` and `\\` escape), which libpq ignores unless only its owner can read
 * it; strata does the same.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** Whom to look up. */
export interface PasswordQuery {
  host: string;
  port: string;
  database: string;
  user: string;
}

/** Splits one `.pgpass` line into its five fields (undefined: not five). */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && i + 1 < line.length) cur += line[++i];
    else if (c === ":" && out.length < 4) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.length === 5 ? out : undefined;
}

/**
 * The password for `query`, or undefined when none is known.
 *
 * @example
 * ```ts
 * import { passwordFor } from "./pgpass.ts";
 * const q = { host: "db", port: "5432", database: "cfg", user: "ana" };
 * console.assert(passwordFor(q, { PGPASSWORD: "s3cret" }) === "s3cret");
 * ```
 */
export function passwordFor(
  query: PasswordQuery,
  env: Record<string, string | undefined>,
  home?: string,
): string | undefined {
  if (env.PGPASSWORD) return env.PGPASSWORD;
  return pgpassPassword(query, env, home);
}

/** The `.pgpass` file strata reads: `PGPASSFILE`, else `~/.pgpass` (undefined: no home). */
export function pgpassFile(
  env: Record<string, string | undefined>,
  home?: string,
): string | undefined {
  return env.PGPASSFILE || (home ? path.join(home, ".pgpass") : undefined);
}

/**
 * A `.pgpass` line for `query`, fields escaped as libpq reads them.
 *
 * @example
 * ```ts
 * import { pgpassLine } from "./pgpass.ts";
 * const q = { host: "db", port: "5432", database: "cfg", user: "ana" };
 * console.assert(pgpassLine(q, "PASSWORD") === "db:5432:cfg:ana:PASSWORD");
 * ```
 */
export function pgpassLine(query: PasswordQuery, password: string): string {
  const esc = (f: string) => f.replace(/[\\:]/g, "\\$&");
  return [query.host, query.port, query.database, query.user].map(esc).join(":") +
    `:${esc(password)}`;
}

/** The password of the first `.pgpass` line matching `query` (`PGPASSWORD` not looked at). */
export function pgpassPassword(
  query: PasswordQuery,
  env: Record<string, string | undefined>,
  home?: string,
): string | undefined {
  const file = pgpassFile(env, home);
  if (!file) return undefined;
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || (process.platform !== "win32" && (stat.mode & 0o077) !== 0)) {
      return undefined;
    }
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const want = [query.host, query.port, query.database, query.user];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("#")) continue;
    const f = fields(line);
    if (f && want.every((w, i) => f[i] === "*" || f[i] === w)) return f[4];
  }
  return undefined;
}
