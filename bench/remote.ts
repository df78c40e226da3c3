/**
 * The shared layer's figures, in one run against a real PostgreSQL server
 * (`STRATA_TEST_PG_URL`, else a temporary one started like the tests do):
 * `get` with a shared layer against `get` without, `set --shared` against
 * `set` (CLI processes, and the library's write in-process), and the
 * propagation from a write on one machine to another machine's snapshot
 * while it follows.
 *
 * Run: `bun bench/remote.ts [ROUNDS]` (from the repo root; Bun only).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { openConfig } from "../src/mod.ts";
import { Replica } from "../src/remote/replica.ts";
import { encodeValue } from "../src/remote/value_text.ts";
import { makeMachine } from "../tests/remote/_machine.ts";
import { waitUntil } from "../tests/_support/mod.ts";
import { testServer } from "../tests/remote/_pg.ts";

const rounds = Number(process.argv[2] ?? 15);
const APP = "bench";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))];
}
const fmtUs = (xs: number[]) =>
  `median ${(median(xs) * 1000).toFixed(0)} us, p90 ${(p90(xs) * 1000).toFixed(0)} us`;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, p90 ${p90(xs).toFixed(1)} ms`;

const pg = await testServer();
const url = pg.database();
const plain = makeMachine(APP);
const a = makeMachine(APP);
const b = makeMachine(APP);
try {
  for (const m of [a, b]) m.run(["remote", "connect", url, "--scope", "team:bench/app"]);
  a.run(["remote", "init"]);
  // The same user layer on every machine; the shared ones also hold 50 shared keys.
  for (const m of [plain, a, b]) m.run(["set", "db.host", "db.example.com"]);
  const writer = new Replica({
    url,
    scope: "team:bench/app",
    snapshotFile: a.snapshot,
    stateDir: path.join(a.box.stateHome, "strata", APP),
    by: "bench",
    program: "bench",
  });
  for (let i = 0; i < 50; i++) await writer.write(`k${i}`, encodeValue(i, "int"));
  b.run(["remote", "sync"]);

  // get, interleaved so both see the same load.
  const without: number[] = [];
  const withShared: number[] = [];
  const fromShared: number[] = [];
  const time = (m: typeof a, key: string) => {
    const t0 = performance.now();
    const r = m.run(["get", key]);
    if (r.code !== 0) throw new Error(`get ${key}: ${r.stderr}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < rounds; i++) {
    without.push(time(plain, "db.host"));
    withShared.push(time(b, "db.host"));
    fromShared.push(time(b, "k7"));
  }
  console.log(`get db.host, no shared layer:          ${fmt(without)}`);
  console.log(`get db.host, shared layer of 50 keys:  ${fmt(withShared)}`);
  console.log(`get k7 (from the shared layer):        ${fmt(fromShared)}`);
  console.log(`ratio with/without: ${(median(withShared) / median(without)).toFixed(2)}`);
  // The same in one process (no start-up): open, read ahead, get; interleaved.
  const inWithout: number[] = [];
  const inWith: number[] = [];
  const inProcess = async (m: typeof a, out: number[]) => {
    const t0 = performance.now();
    const config = openConfig({ app: APP, env: m.box.env, cwd: m.box.project });
    await config.prefetch();
    if (config.get("db.host") !== "db.example.com") throw new Error("db.host");
    out.push(performance.now() - t0);
  };
  for (let i = 0; i < rounds * 20; i++) {
    await inProcess(plain, inWithout);
    await inProcess(b, inWith);
  }
  console.log(`in-process open+get, no shared layer:  ${fmtUs(inWithout)}`);
  console.log(`in-process open+get, shared layer:     ${fmtUs(inWith)}`);

  // set --shared against set (CLI), and the library's write.
  const setUser: number[] = [];
  const setShared: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    a.run(["set", "n", String(i), "--type", "int"]);
    setUser.push(performance.now() - t0);
    t0 = performance.now();
    const r = a.run(["set", "--shared", "n", String(i), "--type", "int"]);
    if (r.code !== 0) throw new Error(r.stderr);
    setShared.push(performance.now() - t0);
  }
  const lib: number[] = [];
  for (let i = 0; i < rounds * 4; i++) {
    const t0 = performance.now();
    await writer.write("m", encodeValue(i, "int"));
    lib.push(performance.now() - t0);
  }
  console.log(`set (user layer), CLI:                 ${fmt(setUser)}`);
  console.log(`set --shared, CLI:                     ${fmt(setShared)}`);
  console.log(`shared write, library (CAS + snapshot): ${fmt(lib)}`);

  // Propagation: A writes in-process; B follows; time to B's snapshot holding it.
  const follower = b.start(["remote", "sync", "--follow"]);
  await follower.waitFor("following");
  const prop: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const line = `p = ${1000 + i}`;
    const t0 = performance.now();
    await writer.write("p", encodeValue(1000 + i, "int"));
    const written = performance.now() - t0;
    const seen = await waitUntil(
      () => fs.readFileSync(b.snapshot, "utf8").split("\n").includes(line),
      10000,
      line,
    );
    prop.push(written + seen); // from the start of the write (its commit is inside it)
  }
  await follower.stop();
  console.log(
    `propagation write -> other snapshot:   ${fmt(prop)} (max ${Math.max(...prop).toFixed(0)} ms)`,
  );
  await writer.close();
  const load = spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim();
  console.log(`load: ${load}; rounds: ${rounds}`);
} finally {
  for (const m of [plain, a, b]) m.cleanup();
  pg.close();
}
