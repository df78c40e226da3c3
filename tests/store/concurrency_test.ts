import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import { leftovers, runScript, tempDir } from "../_support/mod.ts";

const writers = 8;
const writes = 50;

test(`updateFile: ${writers} processes x ${writes} writes on one file lose nothing`, {
  timeout: 120_000,
}, async () => {
  using tmp = tempDir();
  const dir = tmp.path;
  const file = path.join(dir, "config.json");
  const stateDir = path.join(dir, "state");
  fs.writeFileSync(file, "{}\n");
  const script = path.join(import.meta.dirname!, "_writer.ts");
  const keys = Array.from({ length: writers }, (_, i) => `writer${i}`);
  const runs = await Promise.all(
    keys.map((key) => runScript(script, [file, stateDir, key, `${writes}`])),
  );
  runs.forEach((run, i) => assert.equal(run.code, 0, `${keys[i]}: ${run.stderr}`));

  const final = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.deepEqual(final, Object.fromEntries(keys.map((key) => [key, writes])));
  assert.deepEqual(leftovers(dir), []);

  const paths = statePaths(stateDir, file);
  const { entries, skipped } = readJournal(paths.journal);
  assert.deepEqual(skipped, []);
  assert.equal(entries.length, writers * writes);
  // Per writer, its values appear in order 1..N, each replacing the one before.
  for (const key of keys) {
    const mine = entries.filter((entry) => entry.key === key);
    assert.deepEqual(
      mine.map((entry) => entry.new),
      Array.from({ length: writes }, (_, i) => i + 1),
    );
    assert.deepEqual(mine.map((entry) => entry.old), [
      undefined,
      ...Array.from({ length: writes - 1 }, (_, i) => i + 1),
    ]);
    assert.ok(mine.every((entry) => entry.program === `writer ${key}`));
  }
  // Every intermediate version is kept, and each entry's backup holds the version it replaced.
  const backups = listBackups(paths.backupDir);
  assert.equal(backups.length, writers * writes);
  const byId = new Map(backups.map((backup) => [backup.id, backup.path]));
  for (const entry of entries) {
    const before = JSON.parse(fs.readFileSync(byId.get(entry.backup!)!, "utf8"));
    assert.equal(before[entry.key], entry.old);
  }
  // Journal order and backup order agree: versions form one chain.
  assert.deepEqual(
    entries.map((entry) => entry.backup),
    backups.map((backup) => backup.id).reverse(),
  );
});
