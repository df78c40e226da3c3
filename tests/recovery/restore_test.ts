// restore: a backup goes back through the write protocol; the replaced
// version becomes a backup; the journal records the restore.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeHome } from "./_fixture.ts";
import { describeBackups, layerFile, readHistory, restoreBackup } from "../../src/recovery/mod.ts";
import { listBackups } from "../../src/store/backup.ts";

test("restore latest puts back the newest backup; the replaced version becomes a backup", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "one");
    await config.set("a", "two");
    await config.set("b", "x");
    const target = layerFile(config);
    const before = listBackups(target.backupDir);
    assert.equal(before.length, 2);
    const r = await restoreBackup(config, target, "latest");
    assert.equal(r.changed, true);
    assert.equal(r.restored.id, before[0].id);
    assert.deepEqual(r.changes.map((c) => [c.path.join("."), c.before, c.after]), [[
      "b",
      "x",
      undefined,
    ]]);
    assert.equal(home.read(home.userFile), 'a = "two"\n');
    const after = listBackups(target.backupDir);
    assert.equal(after.length, 3);
    assert.equal(after[0].id, r.backupId);
    assert.equal(fs.readFileSync(after[0].path, "utf8"), 'a = "two"\nb = "x"\n');
    const history = readHistory([target]).entries;
    const last = history[history.length - 1];
    assert.equal(last.key, "b");
    assert.equal(last.action, "restore");
    assert.equal(last.restored, before[0].id);
    assert.equal(last.old, "x");
    assert.equal("new" in last, false);
    // Restoring the same version again changes nothing.
    const again = await restoreBackup(config, target, before[0].id);
    assert.equal(again.changed, false);
    assert.equal(listBackups(target.backupDir).length, 3);
  } finally {
    home.cleanup();
  }
});

test("restore by id prefix; unknown and ambiguous ids are refused", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("a", "2");
    await config.set("a", "3");
    const target = layerFile(config);
    const [newest, oldest] = listBackups(target.backupDir);
    await restoreBackup(config, target, oldest.id.slice(0, oldest.id.length - 2));
    assert.equal(home.read(home.userFile), 'a = "1"\n');
    await assert.rejects(
      restoreBackup(config, target, "1999"),
      (e: Error & { code?: string; hints?: unknown }) => {
        assert.equal(e.code, "not_found");
        assert.match(e.message, /has no backup "1999"; list them with: strata --app demo backups$/);
        assert.deepEqual(e.hints, [{ app: "demo", layer: "user", action: "backups" }]);
        return true;
      },
    );
    await assert.rejects(restoreBackup(config, target, "2"), (e: Error & { code?: string }) => {
      assert.equal(e.code, "usage");
      assert.match(e.message, /names 3 backups/);
      return true;
    });
    assert.ok(newest);
  } finally {
    home.cleanup();
  }
});

test("restore latest mends a broken file and keeps the broken text as a backup", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("a", "2");
    fs.writeFileSync(home.userFile, 'a = "2\nb = \n');
    const target = layerFile(config);
    const r = await restoreBackup(config, target, "latest");
    assert.equal(r.replacedParsed, false);
    assert.equal(home.read(home.userFile), 'a = "1"\n');
    // The journaled change after the restored version is reported (it is not in it).
    assert.deepEqual(r.laterChanges.map((e) => [e.key, e.new]), [["a", "2"]]);
    const backups = listBackups(target.backupDir);
    assert.equal(fs.readFileSync(backups[0].path, "utf8"), 'a = "2\nb = \n');
    // latest skips the broken copy now at the top.
    const info = describeBackups(target);
    assert.equal(info[0].valid, false);
    assert.equal(info[1].valid, true);
    const again = await restoreBackup(config, target, "latest");
    assert.equal(again.restored.id, backups[1].id);
    assert.equal(again.changed, false);
    // A backup that does not parse is refused.
    await assert.rejects(restoreBackup(config, target, backups[0].id), /does not parse/);
  } finally {
    home.cleanup();
  }
});
