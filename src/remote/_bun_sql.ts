/**
 * The part of Bun's built-in PostgreSQL client (`Bun.SQL`) strata uses,
 * typed here so the rest of the code checks under Deno too. Only Bun has
 * it: under Deno {@link bunSql} throws a `usage` error that says what works
 * without it (reading the snapshot) and how to run what needs it.
 *
 * @module
 */

import { StrataError } from "../errors.ts";

/** Rows a query returns. */
export type Rows = Record<string, unknown>[];

/** A tagged-template query function with the few methods strata calls. */
export interface SqlClient {
  (strings: TemplateStringsArray, ...values: unknown[]): Promise<Rows>;
  /** Runs text with `$1`-style parameters. */
  unsafe(text: string, values?: unknown[]): Promise<Rows>;
  /** One transaction on one connection. */
  begin<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; the callback gets each payload. Bun re-issues it after a reconnect. */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
  ): Promise<{ unlisten(): Promise<void> }>;
  /** Closes every connection. */
  close(options?: { timeout?: number }): Promise<void>;
}

/** Connection options strata passes to `new Bun.SQL`. */
export interface SqlOptions {
  url: string;
  password?: string;
  max?: number;
  connectionTimeout?: number;
  idleTimeout?: number;
  onconnect?: () => void;
  onclose?: (error?: Error) => void;
}

type SqlConstructor = new (options: SqlOptions) => SqlClient;

/** The message of every command that needs Bun's client when run under another runtime. */
export function needsBun(what: string): StrataError {
  return new StrataError(
    "usage",
    `${what} talks to the PostgreSQL server through Bun's built-in client, which this runtime ` +
      `does not have: run it with the strata binary (or bun main.ts). Without Bun, the shared ` +
      `layer is still read from its local snapshot (shared.toml beside the user file), as every ` +
      `get, list and explain does.`,
  );
}

/** Opens a client with Bun's `Bun.SQL`; under any other runtime, the error of {@link needsBun}. */
export function bunSql(options: SqlOptions, what: string): SqlClient {
  const bun = (globalThis as { Bun?: { SQL?: SqlConstructor } }).Bun;
  if (!bun?.SQL) throw needsBun(what);
  return new bun.SQL(options);
}
