/**
 * `remote sync --follow` holds one LISTEN connection; notifications sent
 * while that connection is down are missed, and the follower catches up by
 * revision when it is back.
 */

import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Machine, makeMachine } from "./_machine.ts";
import { waitUntil } from "../_support/mod.ts";
import { type PgServer, testServer } from "./_pg.ts";

const APP = "fleet";
const SCOPE = "team:ops/follow";

describe("shared layer: follow and catch up", () => {
  let pg: PgServer;
  let url: string;
  let bUrl: string;
  const role = `strata_follow_${process.pid}`;
  let a: Machine;
  let b: Machine;

  before(async () => {
    pg = await testServer();
    url = pg.database();
    // The follower connects as its own role, so the test can keep it out for a while.
    pg.psql(url, `CREATE ROLE ${role} SUPERUSER LOGIN`);
    const u = new URL(url);
    u.username = role;
    bUrl = u.toString();
    a = makeMachine(APP);
    b = makeMachine(APP);
    assert.equal(a.run(["remote", "connect", url, "--scope", SCOPE]).code, 0);
    assert.equal(b.run(["remote", "connect", bUrl, "--scope", SCOPE]).code, 0);
    assert.equal(a.run(["remote", "init"]).code, 0);
  });

  after(() => {
    a?.cleanup();
    b?.cleanup();
    try {
      pg?.psql(url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
    } catch { /* the server is gone */ }
    pg?.close();
  });

  it("notifications missed while disconnected are caught up by revision", async () => {
    const follower = b.start(["remote", "sync", "--follow"]);
    const has = (line: string) =>
      fs.existsSync(b.snapshot) && fs.readFileSync(b.snapshot, "utf8").split("\n").includes(line);
    try {
      await follower.waitFor("following team:ops/follow");
      assert.equal(a.run(["set", "--shared", "x", "1", "--type", "int"]).code, 0);
      await waitUntil(() => has("x = 1"), 10000, "x = 1 reaches the follower");
      const listening = () =>
        pg.psql(
          url,
          `SELECT count(*) FROM pg_stat_activity WHERE usename = '${role}' AND query ILIKE 'LISTEN%'`,
        ).trim();
      assert.equal(listening(), "1");
      // Cut the follower off, and keep it off while the other machine writes.
      pg.psql(url, `ALTER ROLE ${role} NOLOGIN`);
      pg.psql(
        url,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
      );
      assert.equal(a.run(["set", "--shared", "x", "2", "--type", "int"]).code, 0);
      assert.equal(a.run(["set", "--shared", "y", "three"]).code, 0);
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(has("x = 1") && !has('y = "three"'), "the follower missed the notifications");
      pg.psql(url, `ALTER ROLE ${role} LOGIN`);
      const ms = await waitUntil(() => has("x = 2") && has('y = "three"'), 20000, "caught up");
      console.log(`caught up ${ms.toFixed(0)} ms after the follower could connect again`);
      const revision = pg.psql(url, `SELECT revision FROM strata_scopes WHERE scope = '${SCOPE}'`)
        .trim();
      assert.match(
        fs.readFileSync(b.snapshot, "utf8"),
        new RegExp(`^# revision = ${revision}$`, "m"),
      );
      // And it listens again: a later change arrives without another reconnect.
      await waitUntil(() => listening() === "1", 20000, "LISTEN again");
      assert.equal(a.run(["set", "--shared", "x", "4", "--type", "int"]).code, 0);
      await waitUntil(() => has("x = 4"), 10000, "x = 4 after the reconnect");
    } finally {
      assert.equal(await follower.stop(), 0);
    }
    assert.match(follower.output().stdout, /^revision \d+: x, y$|^revision \d+: y, x$/m);
  });
});
