/**
 * The server stopped mid-run: reads go on from the snapshot, writes queue in
 * the outbox; after the restart the outbox syncs, and a key another machine
 * changed meanwhile is a conflict, reported and not overwritten, until
 * `remote resolve` settles it.
 */

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Machine, makeMachine } from "./_machine.ts";
import { waitUntil } from "../_support/mod.ts";
import { ownServer, type PgServer } from "./_pg.ts";

const APP = "fleet";
const SCOPE = "team:ops/offline";

function body(m: Machine): string[] {
  return fs.readFileSync(m.snapshot, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
}

function journal(m: Machine): Record<string, unknown>[] {
  const dir = path.join(m.box.stateHome, "strata", "_shared", "journal");
  const file = fs.readdirSync(dir).find((f) => f.startsWith("shared.toml-"));
  assert.ok(file, "the snapshot has a journal");
  return fs.readFileSync(path.join(dir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

describe("shared layer: server stopped mid-run", () => {
  let pg: PgServer;
  let url: string;
  let a: Machine;
  let b: Machine;

  before(async () => {
    pg = await ownServer();
    url = pg.database();
    a = makeMachine(APP);
    b = makeMachine(APP);
    for (const m of [a, b]) {
      assert.equal(m.run(["remote", "connect", url, "--scope", SCOPE]).code, 0);
    }
    assert.equal(a.run(["remote", "init"]).code, 0);
    assert.equal(a.run(["set", "--shared", "db.host", "one"]).code, 0);
    assert.equal(b.run(["remote", "sync"]).code, 0);
  });

  after(() => {
    a?.cleanup();
    b?.cleanup();
    pg?.close();
  });

  it("offline: the snapshot stays, a write is queued, sync fails with exit 5", () => {
    pg.stop();
    const before = fs.readFileSync(a.snapshot, "utf8");
    const set = a.run(["set", "--shared", "db.host", "two"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, 'db.host = "two"  (shared: queued)\n');
    assert.match(
      set.stderr,
      /cannot be reached \(.+\); the change waits in the outbox: strata --app fleet remote sync sends it/,
    );
    assert.equal(fs.readFileSync(a.snapshot, "utf8"), before);
    assert.deepEqual(body(a), ['db.host = "one"']);
    const get = a.run(["get", "db.host"]);
    assert.deepEqual([get.code, get.stdout, get.stderr], [0, "one\n", ""]);
    const sync = a.run(["remote", "sync"]);
    assert.equal(sync.code, 5);
    assert.match(
      sync.stderr,
      /^strata: cannot reach the server postgres:\/\/.+; check that it runs/,
    );
    const status = a.run(["remote", "status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      /^outbox: {4}1 change\(s\) waiting \(db\.host\): strata remote sync sends them$/m,
    );
    assert.match(status.stdout, /^server at: unreachable/m);
    assert.ok(journal(a).some((e) => e.key === "db.host" && e.new === "two" && e.queued === true));
  });

  it("after the restart: the key moved on meanwhile, so the sync reports a conflict (exit 6)", () => {
    pg.start();
    const other = b.run(["set", "--shared", "db.host", "three"]);
    assert.equal(other.code, 0, other.stderr);
    const sync = a.run(["remote", "sync"]);
    assert.equal(sync.code, 6, sync.stderr);
    assert.match(
      sync.stderr,
      /^conflict: db\.host: the server's value "three" \(version 2, by .+\) was kept; yours, "two", was made on version 1\. To settle: strata --app fleet remote resolve db\.host --mine \(write yours\) or --theirs \(keep the server's\)$/m,
    );
    // Not overwritten: the server and the snapshot hold the other machine's value.
    assert.equal(
      pg.psql(url, "SELECT value || ' v' || version FROM strata_values WHERE key = 'db.host'")
        .trim(),
      '"three" v2',
    );
    assert.deepEqual(body(a), ['db.host = "three"']);
    assert.equal(a.run(["get", "db.host"]).stdout, "three\n");
    const conflicts = JSON.parse(
      fs.readFileSync(
        path.join(a.box.stateHome, "strata", "_shared", "remote", APP, "conflicts.json"),
        "utf8",
      ),
    );
    assert.deepEqual(Object.keys(conflicts), ["db.host"]);
    assert.equal(conflicts["db.host"].mine.text, '"two"');
    assert.equal(conflicts["db.host"].theirs.text, '"three"');
    const entry = journal(a).find((e) => e.conflict !== undefined);
    assert.equal(entry?.old, "three");
    assert.equal(entry?.new, "two");
    const status = a.run(["remote", "status"]);
    assert.equal(status.code, 6);
    assert.match(status.stdout, /^conflicts: 1 \(db\.host\): see strata remote resolve$/m);
    assert.match(status.stdout, /^outbox: {4}0 change\(s\) waiting$/m);
  });

  it("resolve --theirs keeps the server's value and drops the conflict", () => {
    const r = a.run(["remote", "resolve", "db.host", "--theirs"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `db.host: kept the server's value; yours ("two") was dropped\n`);
    assert.equal(a.run(["remote", "status"]).code, 0);
    assert.equal(
      pg.psql(url, "SELECT value FROM strata_values WHERE key = 'db.host'").trim(),
      '"three"',
    );
    const again = a.run(["remote", "resolve", "db.host", "--theirs"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /db\.host has no conflict to resolve/);
  });

  it("resolve --mine writes the local value over the server's", () => {
    pg.stop();
    assert.equal(a.run(["set", "--shared", "db.port", "1111", "--type", "int"]).code, 0);
    pg.start();
    assert.equal(b.run(["set", "--shared", "db.port", "2222", "--type", "int"]).code, 0);
    assert.equal(a.run(["remote", "sync"]).code, 6);
    const r = a.run(["remote", "resolve", "db.port", "--mine"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "db.port = 1111  (shared: written over the server's 2222, version 2)\n");
    assert.equal(
      pg.psql(url, "SELECT value || ' ' || kind FROM strata_values WHERE key = 'db.port'").trim(),
      "1111 integer",
    );
    assert.equal(b.run(["remote", "sync"]).code, 0);
    assert.deepEqual(body(b), ['db.host = "three"', "db.port = 1111"]);
    const usage = a.run(["remote", "resolve", "db.port"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /resolve needs exactly one of --mine \(write yours\) or --theirs/);
  });

  it("a follower started while the server is down waits, then follows once it is back", async () => {
    pg.stop();
    const follower = b.start(["remote", "sync", "--follow"]);
    try {
      await waitUntil(() => follower.output().stderr.includes("retrying"), 30000, "offline");
      assert.match(
        follower.output().stderr,
        /^strata: cannot reach the server postgres:\/\/.+; reads go on from the snapshot, retrying$/m,
      );
      pg.start();
      await follower.waitFor("following team:ops/offline", 30000);
      assert.equal(a.run(["set", "--shared", "late", "yes"]).code, 0);
      await waitUntil(
        () => fs.readFileSync(b.snapshot, "utf8").split("\n").includes('late = "yes"'),
        10000,
        "late reaches the follower",
      );
    } finally {
      assert.equal(await follower.stop(), 0);
    }
  });
});
