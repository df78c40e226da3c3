import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fnv1a32, statePaths } from "../../src/store/state_paths.ts";

test("fnv1a32: the published FNV-1a test vectors, over UTF-8 bytes", () => {
  assert.equal(fnv1a32(""), "811c9dc5");
  assert.equal(fnv1a32("a"), "e40c292c");
  assert.equal(fnv1a32("foobar"), "bf9cf968");
  assert.equal(fnv1a32("é"), fnv1a32("\u00e9"));
  assert.notEqual(fnv1a32("é"), fnv1a32("e\u0301"));
});

test("statePaths: backups and journal named after the base name and the path's hash", () => {
  const real = path.resolve("/home/me/.config/demo/config.toml");
  const hash = fnv1a32(real);
  assert.deepEqual(statePaths("/state/demo", real), {
    name: `config.toml-${hash}`,
    identity: real,
    backupDir: path.join("/state/demo", "backups", `config.toml-${hash}`),
    journal: path.join("/state/demo", "journal", `config.toml-${hash}.ndjson`),
  });
  assert.notEqual(statePaths("/s", "/a/config.toml").name, statePaths("/s", "/b/config.toml").name);
});

test(
  "statePaths: named by the file's identity, its folder's physical path: a linked folder shares it",
  {
    skip: process.platform === "win32" ? "symlinks need privileges on Windows" : false,
  },
  () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
    try {
      fs.mkdirSync(path.join(dir, "real"));
      fs.symlinkSync(path.join(dir, "real"), path.join(dir, "linked"));
      const direct = statePaths("/s", path.join(dir, "real", "config.toml"));
      const linked = statePaths("/s", path.join(dir, "linked", "config.toml"));
      assert.equal(linked.identity, path.join(dir, "real", "config.toml"));
      assert.deepEqual(linked, direct);
      assert.equal(direct.name, `config.toml-${fnv1a32(direct.identity)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
