// End-to-end, the quick check of concurrent writers (the full campaign, with
// every kind of writer and readers, is tests/reliability/concurrency_test.ts):
// 4 processes run `strata set` 6 times each on one file with strata's default
// settings, every run its own key: every value must be there (no lost
// update), no run may fail, no lock or temp file may be left, every write is
// journaled once, and the backups are rotated to `backups.keep` (20).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { listFiles, makeSandbox, type Run } from "../_support/mod.ts";

const WRITERS = 4;
const TIMES = 6;
const KEEP = 20;

test(
  `${WRITERS} writers x ${TIMES} sets on one file: nothing lost, nothing failed, backups rotated`,
  {
    timeout: 300_000,
  },
  async () => {
    using box = makeSandbox();
    const user = box.write(
      `${box.configHome}/demo/config.toml`,
      `# shared by ${WRITERS} writers\n`,
    );
    const failures: string[] = [];
    const writer = async (w: number) => {
      for (let i = 0; i < TIMES; i++) {
        const run: Run = await box.runAsync(["--app", "demo", "set", `w${w}.k${i}`, `${w}-${i}`]);
        if (run.code !== 0) failures.push(`w${w}.k${i}: exit ${run.code}: ${run.stderr}`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    assert.deepEqual(failures, []);

    const list = box.run(["--app", "demo", "list", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const expected: Record<string, string> = {};
    for (let w = 0; w < WRITERS; w++) {
      for (let i = 0; i < TIMES; i++) expected[`w${w}.k${i}`] = `${w}-${i}`;
    }
    assert.deepEqual(JSON.parse(list.stdout), expected);
    assert.ok(box.read(user).startsWith(`# shared by ${WRITERS} writers\n`));
    assert.deepEqual(listFiles(path.dirname(user)), ["config.toml"]);
    // Every write is in the journal, once; backups are kept and rotated.
    const state = path.join(box.stateHome, "strata", "_shared");
    const files = listFiles(state);
    const journals = files.filter((f) => f.startsWith("journal/"));
    assert.equal(journals.length, 1);
    const entries = box.read(path.join(state, journals[0])).trimEnd().split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      entries.map((e) => `${e.key}=${e.new}`).sort(),
      Object.entries(expected).map(([k, v]) => `${k}=${v}`).sort(),
    );
    const backups = files.filter((f) => f.startsWith("backups/")).length;
    assert.ok(WRITERS * TIMES > KEEP && backups > 0 && backups <= KEEP, `${backups} backups`);
  },
);
