// The read path's file access, read ahead (Bun.file under Bun; nothing
// elsewhere) and through node:fs, must agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  isFilePath,
  prefetchFiles,
  readBytes,
  readDirNames,
  readLink,
  statPath,
} from "../../src/runtime/fs.ts";

function temp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
}

test("stat, read, probe: read ahead and node:fs agree", async () => {
  const dir = temp();
  try {
    const file = path.join(dir, "a.toml");
    fs.writeFileSync(file, "a = 1\n");
    const empty = path.join(dir, "empty.toml");
    fs.writeFileSync(empty, "");
    const link = path.join(dir, "link.toml");
    fs.symlinkSync(file, link);
    const none = path.join(dir, "none");
    const under = path.join(file, "under-a-file");
    const ahead = await prefetchFiles([file, empty, link, none, under]);
    for (const prefetched of [ahead, undefined]) {
      const native = { prefetched };
      const s = statPath(file, native);
      assert.equal(s?.kind, "file");
      assert.equal(typeof s?.stamp, "string");
      assert.ok(Math.abs(s!.mtimeMs - fs.statSync(file).mtimeMs) < 1000);
      assert.equal(statPath(none, native), undefined);
      assert.equal(statPath(under, native), undefined);
      assert.equal(new TextDecoder().decode(readBytes(file, native)), "a = 1\n");
      assert.equal(readBytes(empty, native).length, 0);
      assert.equal(new TextDecoder().decode(readBytes(link, native)), "a = 1\n");
      assert.equal(isFilePath(file, native), true);
      assert.equal(isFilePath(none, native), false);
      assert.throws(() => readBytes(none, native), (e: unknown) => {
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

test("a stamp changes when the file is replaced", async () => {
  const dir = temp();
  try {
    const file = path.join(dir, "a.toml");
    fs.writeFileSync(file, "a = 1\n");
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(file, past, past);
    for (const ahead of [true, false]) {
      const options = async () => (ahead ? { prefetched: await prefetchFiles([file]) } : {});
      const before = statPath(file, await options())!.stamp;
      assert.equal(statPath(file, await options())!.stamp, before);
      fs.writeFileSync(`${file}.new`, "a = 22\n");
      fs.renameSync(`${file}.new`, file);
      assert.notEqual(statPath(file, await options())!.stamp, before);
      fs.utimesSync(file, past, past);
    }
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
