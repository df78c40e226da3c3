// The read path's file access, native (Bun.file/Bun.mmap under Bun; node:fs
// elsewhere) and through node:fs, must agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isFilePath, readBytes, readDirNames, readLink, statPath } from "../../src/runtime/fs.ts";

function temp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
}

test("stat, read, probe: native and node:fs agree", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "a.toml");
    fs.writeFileSync(file, "a = 1\n");
    const empty = path.join(dir, "empty.toml");
    fs.writeFileSync(empty, "");
    const link = path.join(dir, "link.toml");
    fs.symlinkSync(file, link);
    for (const native of [true, false]) {
      const s = statPath(file, { native });
      assert.equal(s?.kind, "file");
      assert.equal(typeof s?.stamp, "string");
      assert.ok(Math.abs(s!.mtimeMs - fs.statSync(file).mtimeMs) < 1000);
      assert.equal(statPath(path.join(dir, "none"), { native }), undefined);
      assert.equal(statPath(path.join(file, "under-a-file"), { native }), undefined);
      assert.equal(new TextDecoder().decode(readBytes(file, { native })), "a = 1\n");
      assert.equal(readBytes(empty, { native }).length, 0);
      assert.equal(new TextDecoder().decode(readBytes(link, { native })), "a = 1\n");
      assert.equal(isFilePath(file, { native }), true);
      assert.equal(isFilePath(path.join(dir, "none"), { native }), false);
      assert.throws(() => readBytes(path.join(dir, "none"), { native }), (e: unknown) => {
        assert.equal((e as { code?: string }).code, "ENOENT");
        return true;
      });
    }
    assert.equal(statPath(dir)?.kind, "other");
    assert.equal(isFilePath(dir), false);
    assert.deepEqual(readDirNames(dir).sort(), ["a.toml", "empty.toml", "link.toml"]);
    assert.deepEqual(readDirNames(path.join(dir, "none")), []);
    assert.equal(readLink(link), file);
    assert.equal(readLink(file), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("a stamp changes when the file is replaced", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "a.toml");
    fs.writeFileSync(file, "a = 1\n");
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(file, past, past);
    for (const native of [true, false]) {
      const before = statPath(file, { native })!.stamp;
      assert.equal(statPath(file, { native })!.stamp, before);
      fs.writeFileSync(`${file}.new`, "a = 22\n");
      fs.renameSync(`${file}.new`, file);
      assert.notEqual(statPath(file, { native })!.stamp, before);
      fs.utimesSync(file, past, past);
    }
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
