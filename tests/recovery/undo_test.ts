// undo: reverts the last change(s) key by key with exact types, walks back
// past what it undid, and refuses when a key changed since.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeHome } from "./_fixture.ts";
import { layerFile, readHistory, undoChanges } from "../../src/recovery/mod.ts";

test("undo of a set puts the old value back with its type and layout", async () => {
  const home = makeHome();
  try {
    home.write(home.userFile, "# mine\nport = 8080 # web\nratio = 2.0\nbig = 9007199254740993\n");
    const config = home.open();
    await config.set("port", "9090", { raw: true });
    await config.set("ratio", "3", { raw: true });
    await config.set("big", "1", { raw: true });
    const target = layerFile(config);
    const r1 = await undoChanges(config, target);
    assert.deepEqual(r1.keys, [{ key: "big", from: 1, to: 9007199254740993n }]);
    const r2 = await undoChanges(config, target, 2);
    assert.deepEqual(r2.keys.map((k) => k.key), ["ratio", "port"]);
    assert.equal(
      home.read(home.userFile),
      "# mine\nport = 8080 # web\nratio = 2.0\nbig = 9007199254740993\n",
    );
    const lines = readHistory([target]).entries.filter((e) => e.action === "undo");
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0].undoes, [r1.undone[0].id]);
    // Everything is undone now; undo does not undo the undos.
    await assert.rejects(undoChanges(config, target), (e: Error & { code?: string }) => {
      assert.equal(e.code, "not_found");
      assert.match(e.message, /^nothing to undo/);
      return true;
    });
  } finally {
    home.cleanup();
  }
});

test("undo of an unset puts the key back; undo of the first set removes it", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("db.host", "h1");
    await config.set("db.port", "5432", { type: "int", raw: true });
    await config.unset("db.host");
    const target = layerFile(config);
    await undoChanges(config, target);
    assert.equal(config.get("db.host"), "h1");
    assert.equal(config.get("db.port"), 5432);
    await undoChanges(config, target, 2);
    assert.equal(config.get("db.host"), undefined);
    assert.equal(config.get("db.port"), undefined);
    assert.ok(fs.existsSync(home.userFile));
  } finally {
    home.cleanup();
  }
});

test("undo refuses when the key changed since, and writes nothing", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("a", "2");
    const target = layerFile(config);
    fs.writeFileSync(home.userFile, 'a = "by hand"\n');
    await assert.rejects(undoChanges(config, target), (e: Error & { code?: string }) => {
      assert.equal(e.code, "type");
      assert.match(
        e.message,
        /^cannot undo the change of a made at .* by test: a changed since \(it is "by hand", the change wrote "2"\); nothing was undone/,
      );
      return true;
    });
    assert.equal(home.read(home.userFile), 'a = "by hand"\n');
    await assert.rejects(
      undoChanges(config, target, 5),
      /only 2 changes of .* can be undone, not 5/,
    );
  } finally {
    home.cleanup();
  }
});

test("when the backup was rotated away, undo uses the journal's value", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("port", "80", { type: "int", raw: true });
    await config.set("port", "81", { type: "int", raw: true });
    const target = layerFile(config);
    fs.rmSync(target.backupDir, { recursive: true });
    const r = await undoChanges(config, target);
    assert.deepEqual(r.keys, [{ key: "port", from: 81, to: 80 }]);
    assert.equal(home.read(home.userFile), "port = 80\n");
  } finally {
    home.cleanup();
  }
});
