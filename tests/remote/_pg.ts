/**
 * A real PostgreSQL server for the shared layer's tests. `STRATA_TEST_PG_URL`
 * (set by .ci/run, which starts one) names a server on which each test gets
 * a fresh database; without it, a temporary server is started here the same
 * way (initdb in a temp folder, 127.0.0.1, a free port, run as the
 * `postgres` user when the tests run as root). Under CI a missing server or
 * missing binaries fail the test; nothing is mocked. Inspection goes through
 * `psql`, so the tests run under Deno too.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** One server the test may use. */
export interface PgServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (an administrator's connection). */
  adminUrl: string;
  /** Whether this test started it (then it can be stopped and started again). */
  own: boolean;
  /** Creates a fresh database and returns its URL. */
  database(): string;
  /** Runs SQL (psql, stops at the first error) and returns its unaligned output. */
  psql(url: string, sql: string): string;
  /** Stops the server (own servers only). */
  stop(): void;
  /** Starts it again on the same port (own servers only). */
  start(): void;
  /** Stops it and removes its folder (own servers), or does nothing. */
  close(): void;
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

function binDir(): string | undefined {
  const fromEnv = process.env.STRATA_TEST_PG_BIN;
  if (fromEnv && fs.existsSync(path.join(fromEnv, "initdb"))) return fromEnv;
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return undefined;
  const versions = fs.readdirSync(base).filter((v) =>
    fs.existsSync(path.join(base, v, "bin", "initdb"))
  )
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : undefined;
}

function run(command: string, args: string[], asPostgres: boolean): string {
  const [exe, argv] = asPostgres && asRoot
    ? ["runuser", ["-u", "postgres", "--", command, ...args]]
    : [command, args];
  const result = spawnSync(exe, argv, { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function psqlRunner(url: string, sql: string): string {
  return run(
    "psql",
    ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
    false,
  );
}

function withDatabases(adminUrl: string, rest: Omit<PgServer, "adminUrl" | "database" | "psql">) {
  let n = 0;
  return {
    adminUrl,
    ...rest,
    psql: psqlRunner,
    database() {
      const name = `strata_t${process.pid}_${Date.now().toString(36)}_${n++}`;
      psqlRunner(adminUrl, `CREATE DATABASE ${name}`);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    },
  };
}

/**
 * Starts a temporary server of this test's own (always: for tests that stop
 * it). Throws when PostgreSQL's binaries are not installed.
 */
export async function ownServer(): Promise<PgServer> {
  const bin = binDir();
  if (!bin) {
    throw new Error(
      "PostgreSQL's server binaries were not found (initdb under /usr/lib/postgresql/*/bin or " +
        "$STRATA_TEST_PG_BIN): install them (apt-get install -y postgresql) or run .ci/run",
    );
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-pg-"));
  if (asRoot) spawnSync("chown", ["postgres", root]);
  fs.chmodSync(root, 0o700);
  const data = path.join(root, "data");
  run(
    path.join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "-N"],
    true,
  );
  const port = await freePort();
  const ctl = path.join(bin, "pg_ctl");
  const start = () =>
    run(ctl, [
      "-D",
      data,
      "-l",
      path.join(root, "log"),
      "-w",
      "-o",
      `-h 127.0.0.1 -p ${port} -k ${root} -c fsync=off`,
      "start",
    ], true);
  const stop = () => run(ctl, ["-D", data, "-m", "fast", "-w", "stop"], true);
  start();
  let running = true;
  return withDatabases(`postgres://postgres@127.0.0.1:${port}/postgres`, {
    own: true,
    stop() {
      stop();
      running = false;
    },
    start() {
      start();
      running = true;
    },
    close() {
      if (running) stop();
      running = false;
      fs.rmSync(root, { recursive: true, force: true });
    },
  });
}

/** The server of the run (`STRATA_TEST_PG_URL`), or a temporary one of this test's own. */
export async function testServer(): Promise<PgServer> {
  const url = process.env.STRATA_TEST_PG_URL;
  if (url) {
    const refuse = () => {
      throw new Error("the run's shared server cannot be stopped by a test; use ownServer()");
    };
    return withDatabases(url, { own: false, stop: refuse, start: refuse, close() {} });
  }
  return await ownServer();
}
