import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  legacyStateFolders,
  mergeLines,
  migrateLegacyState,
} from "../../src/store/migrate_state.ts";
import { tempDir } from "../_support/mod.ts";

const line = (time: string, key: string) => JSON.stringify({ time, key });

test("mergeLines: time order, each list's own order kept, torn lines stay after their line, once each", () => {
  const a = [line("2026-01-01T00:00:01.000Z", "a1"), line("2026-01-01T00:00:03.000Z", "a2")];
  const b = [
    line("2026-01-01T00:00:02.000Z", "b1"),
    '{"torn',
    line("2026-01-01T00:00:03.000Z", "b2"),
    // Out of time order inside its own journal (a clock step): kept after b2.
    line("2026-01-01T00:00:00.500Z", "b3"),
  ];
  assert.deepEqual(mergeLines(a, b), [a[0], b[0], b[1], a[1], b[2], b[3]]);
  // Merging again what is already merged changes nothing; repeated lines are dropped.
  const merged = mergeLines(a, b);
  assert.deepEqual(mergeLines(merged, b), merged);
  assert.deepEqual(mergeLines([...merged, ...merged], []), merged);
});

test("legacyStateFolders: only real folders beside the shared one, with application names", () => {
  const root = tempDir().path;
  try {
    for (const name of ["demo", "_file", "_shared", "_other", ".hidden"]) {
      fs.mkdirSync(path.join(root, name));
    }
    fs.symlinkSync(path.join(root, "demo"), path.join(root, "linked"));
    fs.writeFileSync(path.join(root, "file"), "");
    assert.deepEqual(legacyStateFolders(path.join(root, "_shared")), [
      path.join(root, "_file"),
      path.join(root, "demo"),
    ]);
    // A state folder that is not the shared one (a program's own) has no old folders.
    assert.deepEqual(legacyStateFolders(path.join(root, "demo")), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a backup name taken by another version moves to the next free millisecond; the same version is not doubled", async () => {
  const root = tempDir().path;
  try {
    const key = "config.toml-00000000";
    const write = (app: string, name: string, text: string) => {
      const dir = path.join(root, app, "backups", key);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    };
    const name = "20261206T080000.000Z-42.toml";
    write("_shared", name, "a = 1\n");
    write("demo", name, "a = 2\n"); // another version under the same name
    write("tool", name, "a = 1\n"); // the same version again
    fs.writeFileSync(path.join(root, "tool", "notes.txt"), "mine\n");
    const result = await migrateLegacyState(path.join(root, "_shared"));
    const dir = path.join(root, "_shared", "backups", key);
    assert.deepEqual(fs.readdirSync(dir).sort(), [name, "20261206T080000.001Z-42.toml"]);
    assert.equal(fs.readFileSync(path.join(dir, name), "utf8"), "a = 1\n");
    assert.equal(
      fs.readFileSync(path.join(dir, "20261206T080000.001Z-42.toml"), "utf8"),
      "a = 2\n",
    );
    assert.deepEqual(result.merged, [path.join(root, "demo")]);
    // What strata does not know stays where it is, and is said.
    assert.deepEqual(result.left, [{
      path: path.join(root, "tool", "notes.txt"),
      problem: "not part of strata's state layout; left in place",
    }]);
    assert.deepEqual(fs.readdirSync(path.join(root, "tool")), ["notes.txt"]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a link planted at an old folder's journal or backups is never followed", async () => {
  const top = tempDir().path;
  const root = path.join(top, "strata");
  try {
    fs.mkdirSync(root);
    const elsewhere = path.join(top, "elsewhere");
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, "x.ndjson"), '{"key":"a","time":"t"}\n');
    fs.mkdirSync(path.join(root, "demo"));
    fs.symlinkSync(elsewhere, path.join(root, "demo", "journal"));
    const result = await migrateLegacyState(path.join(root, "_shared"));
    assert.deepEqual(result.merged, []);
    assert.deepEqual(result.left, [{
      path: path.join(root, "demo", "journal"),
      problem: "a symbolic link; never followed",
    }]);
    assert.deepEqual(fs.readdirSync(elsewhere), ["x.ndjson"]);
    assert.equal(fs.existsSync(path.join(root, "_shared", "journal")), false);
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});
