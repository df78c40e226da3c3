/**
 * Two machines (two homes, two processes) share a scope on a real server: a
 * set on one reaches the other's snapshot (and `get`) within a second while
 * the other follows; values keep their TOML types exactly; under Deno the
 * snapshot is read and the server commands say they need Bun.
 */

import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Machine, makeMachine } from "./_machine.ts";
import { waitUntil } from "../_support/mod.ts";
import { type PgServer, testServer } from "./_pg.ts";

const APP = "fleet";

describe("shared layer: two machines", () => {
  let pg: PgServer;
  let url: string;
  let a: Machine;
  let b: Machine;

  before(async () => {
    pg = await testServer();
    url = pg.database();
    a = makeMachine(APP);
    b = makeMachine(APP);
    for (const m of [a, b]) {
      const r = m.run(["remote", "connect", url, "--scope", "team:ops/fleet"]);
      assert.equal(r.code, 0, r.stderr);
    }
    const init = a.run(["remote", "init"]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /applied migration 1; the tables are at version 1/);
  });

  after(() => {
    a?.cleanup();
    b?.cleanup();
    pg?.close();
  });

  it("connect records the URL and scope in the user layer, never a password", () => {
    const user = a.box.read(`config/${APP}/config.toml`);
    assert.equal(user, `[remote]\nurl = "${url}"\nscope = "team:ops/fleet"\n`);
    const withPassword = new URL(url);
    withPassword.password = "s3cret";
    const r = a.run(["remote", "connect", withPassword.toString(), "--scope", "team:ops/fleet"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /holds a password, and strata never writes one/);
    assert.match(r.stderr, /PGPASSWORD or ~\/\.pgpass/);
    assert.equal(a.box.read(`config/${APP}/config.toml`), user);
  });

  it("init is idempotent", () => {
    const r = b.run(["remote", "init"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /already at version 1; nothing to do/);
    assert.equal(pg.psql(url, "SELECT count(*) FROM strata_migrations").trim(), "1");
  });

  it("a set on one machine reaches the other's snapshot within a second", async () => {
    const follower = b.start(["remote", "sync", "--follow"]);
    try {
      await follower.waitFor("following team:ops/fleet");
      const setting = a.runAsync(["set", "--shared", "db.pool", "20", "--type", "int"]);
      const seen = await waitUntil(
        () =>
          fs.existsSync(b.snapshot) && /^db\.pool = 20$/m.test(fs.readFileSync(b.snapshot, "utf8")),
        10000,
        "db.pool in the second machine's snapshot",
      );
      const seenWall = Date.now();
      // A get started now prints the new value: it reads the snapshot.
      const got = b.run(["get", "db.pool"]);
      const gotWall = Date.now();
      assert.deepEqual([got.code, got.stdout, got.stderr], [0, "20\n", ""]);
      const r = await setting;
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^db\.pool = 20 {2}\(shared: team:ops\/fleet, version 1, revision \d+\)$/m,
      );
      // The write's time on the server (same host, same clock) to the other machine's
      // snapshot: at most one second. The figures go in the report.
      const written = Number(
        pg.psql(
          url,
          "SELECT round(extract(epoch FROM updated_at) * 1000) FROM strata_values WHERE key = 'db.pool'",
        ),
      );
      const propagation = seenWall - written;
      console.log(
        `propagation: server write -> other snapshot ${propagation} ms, -> other get printed it ` +
          `${gotWall - written} ms; set command started ${
            seen.toFixed(0)
          } ms before the snapshot had it`,
      );
      assert.ok(propagation >= 0 && propagation < 1000, `${propagation} ms`);
    } finally {
      assert.equal(await follower.stop(), 0);
    }
  });

  it("watch follows the server itself and reports a shared change", async () => {
    const watch = b.start(["watch", "db", "--json"]);
    try {
      // The watch is ready once it reports a change of the user layer.
      for (let i = 0; !watch.output().stdout.includes('"db.ready"'); i++) {
        assert.equal(b.run(["set", "db.ready", String(i), "--type", "int"]).code, 0);
        await new Promise((r) => setTimeout(r, 300));
        assert.ok(i < 60, "the watch never reported a change");
      }
      assert.equal(a.run(["set", "--shared", "db.pool", "21", "--type", "int"]).code, 0);
      await watch.waitFor('"db.pool"');
      const line = watch.output().stdout.split("\n").find((l) => l.includes('"db.pool"'))!;
      const at = fs.readFileSync(b.snapshot, "utf8").split("\n").indexOf("db.pool = 21") + 1;
      assert.deepEqual(JSON.parse(line), {
        key: "db.pool",
        old: 20,
        new: 21,
        layer: "shared",
        origin: {
          layer: "shared",
          file: b.snapshot,
          line: at,
          remote: `team:ops/fleet @ ${new URL(url).host}`,
        },
      });
    } finally {
      assert.equal(await watch.stop(), 0);
    }
    assert.equal(watch.output().stderr, "");
  });

  it("values keep their TOML types exactly, sealed values stay sealed", () => {
    const sets: [string, string, string][] = [
      ["big", "9007199254740993", "int"],
      ["ratio", "3", "float"],
      ["count", "3", "int"],
      ["at.offset", "1979-05-27T07:32:00.999-07:00", "date"],
      ["at.local", "1979-05-27T07:32:00", "date"],
      ["at.day", "1979-05-27", "date"],
      ["at.time", "07:32:00", "date"],
      ["token", "enc:v1:AAAA.BBBB", "string"],
      ["list", '[1, 2.5, "x"]', "json"],
    ];
    for (const [key, value, type] of sets) {
      const r = a.run(["set", "--shared", key, value, "--type", type]);
      assert.equal(r.code, 0, r.stderr);
    }
    const r = b.run(["remote", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    const body = fs.readFileSync(b.snapshot, "utf8").split("\n").filter((l) =>
      l && !l.startsWith("#")
    );
    assert.deepEqual(body, [
      "at.day = 1979-05-27",
      "at.local = 1979-05-27T07:32:00",
      "at.offset = 1979-05-27T07:32:00.999-07:00",
      "at.time = 07:32:00",
      "big = 9007199254740993",
      "count = 3",
      "db.pool = 21",
      'list = [1, 2.5, "x"]',
      "ratio = 3.0",
      'token = "enc:v1:AAAA.BBBB"',
    ]);
    const kinds = pg.psql(url, "SELECT key || ' ' || kind FROM strata_values ORDER BY key").trim();
    assert.equal(
      kinds,
      [
        "at.day local-date",
        "at.local local-date-time",
        "at.offset offset-date-time",
        "at.time local-time",
        "big integer",
        "count integer",
        "db.pool integer",
        "list array",
        "ratio float",
        "token string",
      ].join("\n"),
    );
  });

  it("unset --shared removes a key everywhere, keeping it in the history", () => {
    const r = a.run(["unset", "--shared", "count"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "removed count (was 3)  (shared: team:ops/fleet, version 2)\n");
    assert.equal(b.run(["remote", "sync"]).code, 0);
    assert.doesNotMatch(fs.readFileSync(b.snapshot, "utf8"), /^count = /m);
    assert.equal(
      pg.psql(
        url,
        "SELECT version || ' ' || deleted FROM strata_history WHERE key = 'count' ORDER BY version",
      ).trim(),
      "1 false\n2 true",
    );
    const again = b.run(["unset", "--shared", "count"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^strata: count is not set in the shared layer \(team:ops\/fleet/);
  });

  it("the snapshot's header names source, scope, revision and time", () => {
    const text = fs.readFileSync(b.snapshot, "utf8");
    const revision = pg.psql(url, "SELECT revision FROM strata_scopes").trim();
    assert.match(text, new RegExp(`^# source = "${url.replace(/[.?]/g, "\\$&")}"$`, "m"));
    assert.match(text, /^# scope = "team:ops\/fleet"$/m);
    assert.match(text, new RegExp(`^# revision = ${revision}$`, "m"));
    assert.match(text, /^# time = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
    assert.equal(fs.statSync(b.snapshot).mode & 0o777, 0o600);
  });

  it("under Deno: get reads the snapshot; the server commands say they need Bun, exit 2", () => {
    const got = b.runDeno(["get", "db.pool"]);
    assert.deepEqual([got.code, got.stdout, got.stderr], [0, "21\n", ""]);
    const r = b.runDeno(["remote", "sync"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Bun's built-in client, which this runtime does not have/);
    assert.match(r.stderr, /the shared layer is still read from its local snapshot/);
  });
});
