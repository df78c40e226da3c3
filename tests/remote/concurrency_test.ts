/**
 * Four writers on two machines write overlapping shared keys at once: no
 * write is lost, every version of every key is in the history, and both
 * machines end with the server's values. STRATA_REMOTE_SETS sets the sets
 * per writer (default 40; the full run uses 500).
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { BUN, type Machine, makeMachine } from "./_machine.ts";
import { type PgServer, testServer } from "./_pg.ts";

const APP = "fleet";
const SCOPE = "team:ops/busy";
const SETS = Number(process.env.STRATA_REMOTE_SETS ?? 40);
const KEYS = 6;
const WRITER = fileURLToPath(new URL("./_writer.ts", import.meta.url));

function runWriter(m: Machine, url: string, id: number): Promise<string> {
  const state = path.join(m.box.stateHome, "strata", "_shared");
  return new Promise((resolve, reject) => {
    const child = spawn(BUN, [
      WRITER,
      url,
      SCOPE,
      m.snapshot,
      state,
      String(id),
      String(SETS),
      String(KEYS),
    ], {
      env: m.box.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => out += c);
    child.stderr.setEncoding("utf8").on("data", (c: string) => err += c);
    child.on(
      "close",
      (code) => code === 0 ? resolve(out) : reject(new Error(`writer ${id}: ${code} ${err}`)),
    );
  });
}

describe("shared layer: concurrent writers", () => {
  let pg: PgServer;
  let url: string;
  const machines: Machine[] = [];

  before(async () => {
    pg = await testServer();
    url = pg.database();
    for (let i = 0; i < 2; i++) {
      const m = makeMachine(APP);
      machines.push(m);
      assert.equal(m.run(["remote", "connect", url, "--scope", SCOPE]).code, 0);
    }
    assert.equal(machines[0].run(["remote", "init"]).code, 0);
  });

  after(() => {
    for (const m of machines) m.cleanup();
    pg?.close();
  });

  it(`4 writers x ${SETS} sets on ${KEYS} keys: zero lost, every version in history`, async () => {
    const t0 = performance.now();
    const outputs = await Promise.all(
      [0, 1, 2, 3].map((id) => runWriter(machines[id % 2], url, id)),
    );
    const ms = performance.now() - t0;
    const writes = outputs.flatMap((o) => o.trim().split("\n")).map((l) => JSON.parse(l));
    assert.equal(writes.length, 4 * SETS);
    const retried = writes.filter((w) => w.attempts > 1).length;
    console.log(
      `4 writers x ${SETS} sets: ${ms.toFixed(0)} ms (${
        (ms / (4 * SETS)).toFixed(1)
      } ms per set, ` +
        `${retried} retried after a compare-and-set conflict)`,
    );
    // Every write is in the history with the version it was given, once.
    const history = pg.psql(
      url,
      `SELECT key, value, version FROM strata_history ORDER BY key, version`,
    )
      .trim().split("\n").map((l) => l.split("|"));
    assert.equal(history.length, 4 * SETS);
    const inHistory = new Set(history.map(([k, v, n]) => `${k} ${v} ${n}`));
    for (const w of writes) {
      assert.ok(
        inHistory.has(`${w.key} ${JSON.stringify(w.value)} ${w.version}`),
        JSON.stringify(w),
      );
    }
    // Versions of each key run 1..n without a gap.
    const byKey = new Map<string, number[]>();
    for (const [k, , n] of history) byKey.set(k, [...(byKey.get(k) ?? []), Number(n)]);
    assert.equal(byKey.size, KEYS);
    for (const [key, versions] of byKey) {
      assert.deepEqual(versions, versions.map((_, i) => i + 1), key);
    }
    // Each key's value is its newest version's; both machines' snapshots agree with the server.
    const current = pg.psql(url, `SELECT key || ' = ' || value FROM strata_values ORDER BY key`)
      .trim();
    for (const m of machines) {
      const r = m.run(["remote", "sync"]);
      assert.equal(r.code, 0, r.stderr);
      const body = fs.readFileSync(m.snapshot, "utf8").split("\n").filter((l) =>
        l && !l.startsWith("#")
      );
      assert.equal(body.join("\n"), current);
    }
    const revision = pg.psql(url, `SELECT revision FROM strata_scopes WHERE scope = '${SCOPE}'`)
      .trim();
    assert.equal(revision, String(4 * SETS));
  });
});
