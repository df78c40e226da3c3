// history (merged journals, key filter, limit) and diff (by key, by text, by id).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeHome } from "./_fixture.ts";
import {
  diffVersions,
  layerFile,
  readHistory,
  textDiff,
  writableLayerFiles,
} from "../../src/recovery/mod.ts";
import { listBackups } from "../../src/store/backup.ts";

test("history merges the layers' journals in time order, filters by key, limits", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("db.host", "h1");
    await config.set("db.host", "p1", { layer: "project" });
    await config.set("db.port", "1", { type: "int", raw: true });
    await config.set("name", "n");
    const files = writableLayerFiles(config);
    const all = readHistory(files).entries;
    assert.deepEqual(all.map((e) => [e.layer, e.key]), [
      ["user", "db.host"],
      ["project", "db.host"],
      ["user", "db.port"],
      ["user", "name"],
    ]);
    assert.deepEqual(readHistory(files, { key: "db" }).entries.map((e) => e.key), [
      "db.host",
      "db.host",
      "db.port",
    ]);
    assert.deepEqual(readHistory(files, { key: "db", limit: 1 }).entries.map((e) => e.new), [1]);
    assert.deepEqual(readHistory(files, { key: "nothing" }).entries, []);
    const journal = layerFile(config).journal;
    fs.appendFileSync(journal, '{"time": "torn');
    const torn = readHistory(files);
    assert.equal(torn.entries.length, 4);
    assert.deepEqual(torn.skipped, [{ journal, line: 4, text: '{"time": "torn' }]);
    assert.equal(path.dirname(journal), path.join(home.stateDir, "journal"));
  } finally {
    home.cleanup();
  }
});

test("diff compares the current file with the newest backup, or any two versions", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("b", "2");
    await config.set("a", "3");
    const target = layerFile(config);
    const d = diffVersions(target);
    assert.deepEqual(d.changes, [{ path: ["a"], before: "1", after: "3" }]);
    assert.equal(d.to.id, "current");
    const [newest, oldest] = listBackups(target.backupDir);
    assert.equal(d.from.id, newest.id);
    assert.deepEqual(diffVersions(target, oldest.id).changes, [
      { path: ["a"], before: "1", after: "3" },
      { path: ["b"], before: undefined, after: "2" },
    ]);
    assert.deepEqual(diffVersions(target, "current", oldest.id.slice(0, -3)).changes.length, 2);
    assert.equal(
      textDiff(target, oldest.id),
      `--- ${oldest.id} (backup of ${oldest.time})\n+++ current (${home.userFile})\n` +
        `@@ -1,1 +1,2 @@\n-a = "1"\n+a = "3"\n+b = "2"\n`,
    );
    assert.equal(textDiff(target, "current", "current"), "");
    fs.writeFileSync(home.userFile, "a = \n");
    assert.throws(
      () => diffVersions(target),
      /cannot be compared key by key \(compare its lines with --text\)/,
    );
    assert.match(textDiff(target), /^\+a = $/m);
    assert.throws(() => diffVersions(target, "nope"), /has no backup "nope"/);
  } finally {
    home.cleanup();
  }
});
