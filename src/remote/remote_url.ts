/**
 * The server's address as strata records it (`remote.url`): a
 * `postgres://user@host:port/database` URL that never holds a password.
 *
 * @module
 */

import { StrataError } from "../errors.ts";

/** A parsed `remote.url`. */
export interface RemoteUrl {
  /** The URL as recorded (no password). */
  url: string;
  host: string;
  port: string;
  database: string;
  user: string;
}

/**
 * Parses and checks a server URL. Refuses (code `usage`) what is not a
 * `postgres://` URL and any URL holding a password, saying where the
 * password goes instead.
 *
 * @example
 * ```ts
 * import { parseRemoteUrl } from "./remote_url.ts";
 * const u = parseRemoteUrl("postgres://ana@db.example.com/cfg");
 * console.assert(u.port === "5432" && u.user === "ana" && u.database === "cfg");
 * ```
 */
export function parseRemoteUrl(text: string, fallbackUser = "postgres"): RemoteUrl {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new StrataError(
      "usage",
      `"${text}" is not a server URL; write it as postgres://USER@HOST:PORT/DATABASE ` +
        `(e.g. postgres://ana@db.example.com:5432/config)`,
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new StrataError(
      "usage",
      `"${text}" is not a PostgreSQL URL (it starts with ${parsed.protocol}); write it as ` +
        `postgres://USER@HOST:PORT/DATABASE`,
    );
  }
  if (parsed.password !== "") {
    throw new StrataError(
      "usage",
      `the URL holds a password, and strata never writes one into a configuration file; ` +
        `give the URL without it (postgres://${parsed.username || "USER"}@${parsed.host}` +
        `${parsed.pathname}) and keep the password in the OS keychain (strata remote password), ` +
        `PGPASSWORD or ~/.pgpass (mode 0600)`,
    );
  }
  const host = parsed.hostname || "localhost";
  const port = parsed.port || "5432";
  const user = decodeURIComponent(parsed.username) || fallbackUser;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || user;
  return { url: parsed.toString(), host, port, database, user };
}

/**
 * Checks a scope's name: `KIND:OWNER/NAME` such as `team:ops/pipeline`
 * (letters, digits, `_ - . : /`, at most 200 characters).
 *
 * @example
 * ```ts
 * import { checkScope } from "./remote_url.ts";
 * console.assert(checkScope("team:ops/pipeline") === "team:ops/pipeline");
 * ```
 */
export function checkScope(scope: string): string {
  if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.\-/]+$/.test(scope) || scope.length > 200) {
    throw new StrataError(
      "usage",
      `"${scope}" is not a scope name; write it as KIND:OWNER/NAME, e.g. team:ops/pipeline or ` +
        `user:ana/pipeline (letters, digits, _ - . : /)`,
    );
  }
  return scope;
}
