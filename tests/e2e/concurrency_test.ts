// End-to-end: many writers at once. 8 processes run `strata set` 50 times
// each on one file, every run its own key: every value must be there (no
// lost update), no run may fail, and no lock or temp file may be left.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { listFiles, makeSandbox, type Run } from "./_sandbox.ts";

const WRITERS = 8;
const TIMES = 50;

// 400 CLI runs: minutes on a loaded 2-core machine, past bun test's 5 s default.
test("8 writers x 50 sets on one file: nothing lost, nothing failed, nothing left over", {
  timeout: 300_000,
}, async () => {
  const box = makeSandbox();
  try {
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
    const values = JSON.parse(list.stdout);
    const expected: Record<string, string> = {};
    for (let w = 0; w < WRITERS; w++) {
      for (let i = 0; i < TIMES; i++) expected[`w${w}.k${i}`] = `${w}-${i}`;
    }
    assert.equal(Object.keys(values).length, WRITERS * TIMES);
    assert.deepEqual(
      values,
      Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a < b ? -1 : 1)),
    );
    assert.ok(box.read(user).startsWith(`# shared by ${WRITERS} writers\n`));
    assert.deepEqual(listFiles(path.dirname(user)), ["config.toml"]);
    // Every write is in the journal, once; backups are kept (and rotated).
    const state = path.join(box.stateHome, "strata", "_shared");
    const files = listFiles(state);
    const journals = files.filter((f) => f.startsWith("journal/"));
    assert.equal(journals.length, 1);
    const entries = box.read(path.join(state, journals[0])).trimEnd().split("\n")
      .map((line) => JSON.parse(line));
    assert.equal(entries.length, WRITERS * TIMES);
    assert.deepEqual(
      entries.map((e) => `${e.key}=${e.new}`).sort(),
      Object.entries(expected).map(([k, v]) => `${k}=${v}`).sort(),
    );
    const backups = files.filter((f) => f.startsWith("backups/")).length;
    assert.ok(backups > 0 && backups <= 20, `${backups} backups`);
  } finally {
    box.cleanup();
  }
});
