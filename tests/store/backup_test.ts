import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { backupFile, listBackups } from "../../src/store/backup.ts";
import { tempDir } from "../_support/mod.ts";

const posix = process.platform !== "win32";

test("backupFile: keeps the file as <time>-<pid>.<ext> (a hard link) in a 0700 folder; none for a missing file", () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    const backups = path.join(dir, "state", "backups", "config.toml-x");
    assert.equal(backupFile(file, backups), undefined);
    assert.equal(fs.existsSync(backups), false);
    fs.writeFileSync(file, "a = 1\n");
    fs.chmodSync(file, 0o640);
    const id = backupFile(file, backups)!;
    assert.match(id, new RegExp(`^\\d{8}T\\d{6}\\.\\d{3}Z-${process.pid}$`));
    const [entry] = listBackups(backups);
    assert.deepEqual(entry, {
      id,
      path: path.join(backups, `${id}.toml`),
      time: `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 11)}:${id.slice(11, 13)}:${
        id.slice(13, 20)
      }`,
      size: 6,
    });
    assert.equal(new Date(entry.time).toISOString(), entry.time);
    assert.equal(fs.readFileSync(entry.path, "utf8"), "a = 1\n");
    if (posix) {
      // A link: the version itself, with its own mode; the folder keeps others out.
      assert.equal(fs.statSync(entry.path).ino, fs.statSync(file).ino);
      assert.equal(fs.statSync(entry.path).mode & 0o777, 0o640);
      assert.equal(fs.statSync(backups).mode & 0o777, 0o700);
    }
    assert.deepEqual(fs.readdirSync(backups), [`${id}.toml`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("backupFile: given content, keeps a 0600 copy (the way where links are impossible)", () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "on disk\n");
    const backups = path.join(dir, "b");
    const id = backupFile(file, backups, { content: new TextEncoder().encode("given\n") })!;
    const [entry] = listBackups(backups);
    assert.equal(entry.id, id);
    assert.equal(fs.readFileSync(entry.path, "utf8"), "given\n");
    if (posix) {
      assert.notEqual(fs.statSync(entry.path).ino, fs.statSync(file).ino);
      assert.equal(fs.statSync(entry.path).mode & 0o777, 0o600);
    }
    assert.deepEqual(fs.readdirSync(backups), [`${id}.toml`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("backupFile: ids strictly increase even within one millisecond; listBackups is newest first", () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const backups = path.join(dir, "b");
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        backupFile(file, backups, { content: new TextEncoder().encode(`${i}`), keep: 100 })!,
      );
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, 30);
    const listed = listBackups(backups);
    assert.deepEqual(listed.map((b) => b.id), [...ids].reverse());
    assert.deepEqual(
      listed.map((b) => fs.readFileSync(b.path, "utf8")),
      ids.map((_, i) => `${i}`).reverse(),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("backupFile: rotation keeps the newest N", () => {
  const dir = tempDir().path;
  try {
    const backups = path.join(dir, "b");
    const ids = Array.from(
      { length: 25 },
      (_, i) =>
        backupFile(path.join(dir, "c.toml"), backups, {
          content: new TextEncoder().encode(`v${i}`),
          keep: 20,
        })!,
    );
    assert.deepEqual(listBackups(backups).map((b) => b.id), ids.slice(5).reverse());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("backupFile: rotation never deletes the newest copy that parses", () => {
  const dir = tempDir().path;
  try {
    const backups = path.join(dir, "b");
    const isValid = (text: string) => text.startsWith("good");
    const write = (text: string) =>
      backupFile(path.join(dir, "c.toml"), backups, {
        content: new TextEncoder().encode(text),
        keep: 3,
        isValid,
      })!;
    const good1 = write("good 1");
    const good2 = write("good 2");
    const bad = [write("bad 1"), write("bad 2"), write("bad 3")];
    // good 1 is beyond the newest 3 and good 2 is the newest valid: good 2 stays.
    assert.deepEqual(listBackups(backups).map((b) => b.id), [...bad].reverse().concat(good2));
    const bad4 = write("bad 4");
    assert.deepEqual(listBackups(backups).map((b) => b.id), [bad4, bad[2], bad[1], good2]);
    assert.equal(listBackups(backups).some((b) => b.id === good1), false);
    const good3 = write("good 3");
    // A valid copy among the kept ones: the older valid one may go now.
    assert.deepEqual(listBackups(backups).map((b) => b.id), [good3, bad4, bad[2]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("backupFile: keep 0 keeps only the newest valid copy; contentIsValid saves parsing", () => {
  const dir = tempDir().path;
  try {
    const backups = path.join(dir, "b");
    let parsed = 0;
    const isValid = () => (parsed++, true);
    const first = backupFile(path.join(dir, "c.toml"), backups, {
      content: new Uint8Array([0x61]),
      keep: 0,
      isValid,
      contentIsValid: true,
    });
    const second = backupFile(path.join(dir, "c.toml"), backups, {
      content: new Uint8Array([0x62]),
      keep: 0,
      isValid,
      contentIsValid: true,
    });
    assert.deepEqual(listBackups(backups).map((b) => b.id), [second]);
    assert.notEqual(first, second);
    assert.equal(parsed, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("listBackups: a missing folder has none; other files are ignored", () => {
  const dir = tempDir().path;
  try {
    assert.deepEqual(listBackups(path.join(dir, "nope")), []);
    fs.writeFileSync(path.join(dir, "notes.txt"), "");
    fs.writeFileSync(path.join(dir, ".20261126T000009.676Z-1.abcd.tmp"), "");
    assert.deepEqual(listBackups(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("backupFile: a file with other hard links is copied, never linked", {
  skip: posix ? false : "hard links",
}, () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    fs.linkSync(file, path.join(dir, "elsewhere.toml")); // someone's own second name
    const backups = path.join(dir, "b");
    backupFile(file, backups);
    const [entry] = listBackups(backups);
    assert.notEqual(fs.statSync(entry.path).ino, fs.statSync(file).ino);
    assert.equal(fs.readFileSync(entry.path, "utf8"), "a = 1\n");
    assert.equal(fs.statSync(entry.path).mode & 0o777, 0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
