import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type EditFn, updateFile } from "../../src/store/update_file.ts";
import { acquireLock } from "../../src/store/lock.ts";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import { StrataError } from "../../src/errors.ts";
import { spawnSync } from "node:child_process";
import { deadPid, leftovers, scriptCommand, tempDir } from "../_support/mod.ts";

const posix = process.platform !== "win32";

/** An edit that sets `key` to `value` in a JSON object file. */
function setJson(key: string, value: unknown): EditFn {
  return (current) => {
    const object = current === undefined ? {} : JSON.parse(current);
    const old = object[key];
    if (old === value) return null;
    object[key] = value;
    return { text: JSON.stringify(object, null, 2) + "\n", changes: [{ key, old, new: value }] };
  };
}

test("updateFile: creates a missing file (0600, folders 0700) with a journal line and no backup", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config", "demo", "config.json");
    const stateDir = path.join(dir, "state");
    const result = await updateFile(file, setJson("port", 8080), {
      stateDir,
      layer: "user",
      program: "test",
    });
    assert.deepEqual(result, {
      changed: true,
      backupId: undefined,
      text: '{\n  "port": 8080\n}\n',
      file,
      warnings: [],
    });
    assert.equal(fs.readFileSync(file, "utf8"), '{\n  "port": 8080\n}\n');
    if (posix) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    }
    const paths = statePaths(stateDir, file);
    const { entries, skipped } = readJournal(paths.journal);
    assert.deepEqual(skipped, []);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].key, "port");
    assert.equal(entries[0].new, 8080);
    assert.equal("old" in entries[0], false);
    assert.equal("backup" in entries[0], false);
    assert.deepEqual([entries[0].layer, entries[0].program, entries[0].file], [
      "user",
      "test",
      file,
    ]);
    assert.deepEqual(listBackups(paths.backupDir), []);
    assert.deepEqual(leftovers(path.dirname(file)), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: the previous version becomes a backup named in the journal", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    fs.writeFileSync(file, '{"port": 1}');
    const result = await updateFile(file, setJson("port", 2), { stateDir });
    const paths = statePaths(stateDir, file);
    const backups = listBackups(paths.backupDir);
    assert.equal(backups.length, 1);
    assert.equal(result.backupId, backups[0].id);
    assert.equal(fs.readFileSync(backups[0].path, "utf8"), '{"port": 1}');
    const [entry] = readJournal(paths.journal).entries;
    assert.deepEqual([entry.old, entry.new, entry.backup, entry.program], [
      1,
      2,
      result.backupId,
      "strata",
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: an edit that throws refuses: file byte for byte unchanged, lock released", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    const broken = '{"port": 1,, # half-edited\n';
    fs.writeFileSync(file, broken);
    const before = fs.statSync(file);
    const refusal = new StrataError("parse", `${file}:1:12: unexpected ","`);
    await assert.rejects(
      updateFile(file, () => {
        throw refusal;
      }, { stateDir }),
      (error) => error === refusal,
    );
    assert.equal(fs.readFileSync(file, "utf8"), broken);
    assert.equal(fs.statSync(file).ino, before.ino);
    assert.deepEqual(fs.readdirSync(dir), ["config.json"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: null means no change: nothing written, no backup, no journal", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, '{"port": 1}');
    const ino = fs.statSync(file).ino;
    for (
      const edit of [() => null, (current: string | undefined) => ({ text: current!, changes: [] })]
    ) {
      const result = await updateFile(file, edit, { stateDir: path.join(dir, "state") });
      assert.deepEqual(result, { changed: false, text: '{"port": 1}', file, warnings: [] });
    }
    assert.equal(fs.statSync(file).ino, ino);
    assert.deepEqual(fs.readdirSync(dir), ["config.json"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: invalid UTF-8 is refused with line and column before the edit runs", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('a = 1\nname = "é'),
      0xff,
      0x22,
      0x0a,
    ]);
    fs.writeFileSync(file, bytes);
    let called = false;
    await assert.rejects(
      updateFile(file, () => {
        called = true;
        return null;
      }, { stateDir: path.join(dir, "state") }),
      (error: unknown) => {
        assert.ok(error instanceof StrataError);
        assert.equal(error.code, "parse");
        assert.equal(
          error.message,
          `${file}:2:10: the file is not valid UTF-8 (byte 0xff at offset 16); nothing was written. ` +
            `To fix: open it in an editor, re-save it as UTF-8, or restore a backup (strata restore latest).`,
        );
        return true;
      },
    );
    assert.equal(called, false);
    assert.deepEqual([...fs.readFileSync(file)], [...bytes]);
    assert.deepEqual(fs.readdirSync(dir), ["config.toml"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a byte-order mark is hidden from the edit and kept on write", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, '\uFEFF{"a": 1}\n');
    let seen: string | undefined;
    await updateFile(file, (current) => {
      seen = current;
      return { text: '{"a": 2}\n', changes: [{ key: "a", old: 1, new: 2 }] };
    }, { stateDir: path.join(dir, "state") });
    assert.equal(seen, '{"a": 1}\n');
    assert.deepEqual([...fs.readFileSync(file).subarray(0, 4)], [0xef, 0xbb, 0xbf, 0x7b]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a symlinked config is written through; lock and temp beside the target", {
  skip: posix ? false : "symlinks need privileges on Windows",
}, async () => {
  const dir = tempDir().path;
  try {
    fs.mkdirSync(path.join(dir, "dotfiles"));
    fs.mkdirSync(path.join(dir, "home"));
    const real = path.join(dir, "dotfiles", "config.json");
    const link = path.join(dir, "home", "config.json");
    fs.writeFileSync(real, '{"a": 1}\n');
    fs.symlinkSync(real, link);
    const stateDir = path.join(dir, "state");
    const result = await updateFile(link, (current, context) => {
      assert.equal(context.file, real);
      assert.equal(fs.existsSync(`${real}.lock`), true);
      assert.equal(fs.existsSync(`${link}.lock`), false);
      return setJson("a", 2)(current, context);
    }, { stateDir });
    assert.equal(result.file, real);
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
    assert.equal(fs.readlinkSync(link), real);
    assert.equal(JSON.parse(fs.readFileSync(real, "utf8")).a, 2);
    assert.deepEqual(fs.readdirSync(path.join(dir, "home")), ["config.json"]);
    assert.deepEqual(fs.readdirSync(path.join(dir, "dotfiles")), ["config.json"]);
    assert.equal(readJournal(statePaths(stateDir, real).journal).entries[0].file, real);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a symlink planted at the lock name does not redirect anything", {
  skip: posix ? false : "symlinks need privileges on Windows",
}, async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "precious\n");
    fs.symlinkSync(victim, `${file}.lock`);
    await updateFile(file, setJson("a", 1), {
      stateDir: path.join(dir, "state"),
      lockTimeoutMs: 2000,
    });
    assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
    assert.deepEqual(fs.readdirSync(dir).sort(), ["config.json", "state", "victim"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a held lock times out with a lock error; the file is untouched", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, "{}");
    const held = await acquireLock(file, { program: "someone" });
    try {
      await assert.rejects(
        updateFile(file, setJson("a", 1), {
          stateDir: path.join(dir, "state"),
          lockTimeoutMs: 100,
        }),
        (error: unknown) =>
          error instanceof StrataError && error.code === "lock" &&
          /program "someone"/.test(error.message),
      );
    } finally {
      held.release();
    }
    assert.equal(fs.readFileSync(file, "utf8"), "{}");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: backups rotate to keepBackups, keeping the newest that parses", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    for (let i = 1; i <= 6; i++) {
      await updateFile(file, setJson("n", i), { stateDir, keepBackups: 3 });
    }
    const backups = listBackups(statePaths(stateDir, file).backupDir);
    assert.deepEqual(backups.map((b) => JSON.parse(fs.readFileSync(b.path, "utf8")).n), [5, 4, 3]);
    assert.equal(readJournal(statePaths(stateDir, file).journal).entries.length, 6);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: concurrent calls in one process are serialised, none lost", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => updateFile(file, setJson(`k${i}`, i), { stateDir })),
    );
    const value = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.deepEqual(Object.keys(value).length, 20);
    for (let i = 0; i < 20; i++) assert.equal(value[`k${i}`], i);
    assert.deepEqual(leftovers(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: temp files left by a crashed writer are removed by the next write", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    fs.writeFileSync(file, "{}");
    const dead = await deadPid();
    const orphan = path.join(dir, `.config.json.${dead}.0a1b2c3d.tmp`);
    const live = path.join(dir, `.config.json.1.0a1b2c3d.tmp`); // pid 1 lives: young, kept
    const old = path.join(dir, `.config.json.1.99999999.tmp`); // pid 1 lives, but older than the bound
    const other = path.join(dir, `.other.json.${dead}.0a1b2c3d.tmp`); // another file's: not ours
    for (const name of [orphan, live, old, other]) fs.writeFileSync(name, "partial");
    const then = new Date(Date.now() - 60_000);
    fs.utimesSync(old, then, then);
    await updateFile(file, setJson("a", 1), { stateDir });
    await updateFile(file, setJson("a", 2), { stateDir });
    const backupDir = statePaths(stateDir, file).backupDir;
    const backupOrphan = path.join(backupDir, `.20261126T000000.000Z-${dead}.0a1b2c3d.tmp`);
    fs.writeFileSync(backupOrphan, "partial");
    await updateFile(file, setJson("a", 3), { stateDir });
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      [path.basename(live), path.basename(other), "config.json", "state"].sort(),
    );
    assert.equal(fs.existsSync(backupOrphan), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a backup is the old version itself; the file gets a new inode", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    fs.writeFileSync(file, '{"a": 1}\n');
    const before = fs.statSync(file);
    const { backupId } = await updateFile(file, setJson("a", 2), { stateDir });
    const [backup] = listBackups(statePaths(stateDir, file).backupDir);
    assert.equal(backup.id, backupId);
    assert.equal(fs.readFileSync(backup.path, "utf8"), '{"a": 1}\n');
    assert.equal(fs.readFileSync(file, "utf8"), '{\n  "a": 2\n}\n');
    if (posix) {
      assert.equal(fs.statSync(backup.path).ino, before.ino);
      assert.notEqual(fs.statSync(file).ino, before.ino);
      assert.equal(fs.statSync(file).nlink, 1);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a mended broken version is not counted as a valid backup in rotation", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    const isValid = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    fs.writeFileSync(file, '{"a": 1}');
    await updateFile(file, setJson("a", 2), { stateDir, keepBackups: 1, isValid });
    fs.writeFileSync(file, '{"a": 2,,'); // a person broke it
    // A restore accepts the broken current text, and says so.
    await updateFile(file, () => ({ text: '{"a": 1}', changes: [], currentValid: false }), {
      stateDir,
      keepBackups: 1,
      isValid,
    });
    const kept = listBackups(statePaths(stateDir, file).backupDir).map((b) =>
      fs.readFileSync(b.path, "utf8")
    );
    // keep 1 holds the broken version, and the newest valid one is spared.
    assert.deepEqual(kept, ['{"a": 2,,', '{"a": 1}']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const root = process.platform === "linux" && process.getuid?.() === 0;
const hasSetpriv = root && spawnSync("setpriv", ["--help"]).status === 0;

test("updateFile: a file owned by someone else is refused before any backup (as nobody)", {
  skip: hasSetpriv ? false : "needs root and setpriv to run a writer as another user",
}, () => {
  const dir = tempDir().path;
  try {
    fs.chmodSync(dir, 0o755);
    const work = path.join(dir, "w");
    const state = path.join(dir, "s");
    fs.mkdirSync(work);
    fs.mkdirSync(state);
    fs.chownSync(work, 65534, 65534);
    fs.chownSync(state, 65534, 65534);
    const file = path.join(work, "c.json");
    fs.writeFileSync(file, '{"a": 1}');
    fs.chmodSync(file, 0o666); // writable by nobody, but root's
    const [command, args] = scriptCommand(path.join(import.meta.dirname!, "_writer.ts"), [
      file,
      state,
      "a",
      "1",
    ]);
    const done = spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "--", command, ...args],
      {
        encoding: "utf8",
        env: { ...process.env, HOME: state, DENO_DIR: path.join(state, "deno") },
      },
    );
    assert.notEqual(done.status, 0);
    assert.match(
      done.stderr,
      /cannot write .*c\.json: it is owned by uid 0 gid 0, and rewriting it as uid 65534 would change its owner\. The file was not changed\./,
    );
    assert.equal(fs.readFileSync(file, "utf8"), '{"a": 1}');
    assert.equal(fs.existsSync(path.join(state, "backups")), false);
    assert.deepEqual(fs.readdirSync(work), ["c.json"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: a write that fails after its backup discards it and rotates nothing", {
  skip: root ? false : "needs root to mount a small tmpfs",
}, async () => {
  const dir = tempDir().path;
  const disk = path.join(dir, "disk");
  fs.mkdirSync(disk);
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]).status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return; // mounting not permitted here (a container): nothing to check
  }
  try {
    const file = path.join(disk, "config.json");
    const stateDir = path.join(dir, "state");
    for (let i = 1; i <= 3; i++) {
      await updateFile(file, setJson("a", i), { stateDir, keepBackups: 2 });
    }
    const backupDir = statePaths(stateDir, file).backupDir;
    const before = listBackups(backupDir).map((b) => b.id);
    assert.equal(before.length, 2);
    // Fill the disk, then ask for a write bigger than what is left.
    try {
      for (let i = 0;; i++) fs.writeFileSync(path.join(disk, `fill${i}`), new Uint8Array(4096));
    } catch { /* full */ }
    fs.rmSync(path.join(disk, "fill0")); // room for the lock, not for the new text
    const text = fs.readFileSync(file, "utf8");
    await assert.rejects(
      updateFile(file, setJson("big", "x".repeat(20_000)), { stateDir, keepBackups: 2 }),
      (error: unknown) =>
        error instanceof StrataError && error.code === "io" &&
        error.message.startsWith(`cannot write ${file}: no space left on device (ENOSPC). `),
    );
    assert.equal(fs.readFileSync(file, "utf8"), text);
    assert.deepEqual(listBackups(backupDir).map((b) => b.id), before);
    assert.deepEqual(leftovers(disk), []);
  } finally {
    spawnSync("umount", [disk]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("updateFile: acceptInvalidUtf8 lets a mending edit replace a file that is not UTF-8", async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    const stateDir = path.join(dir, "state");
    const broken = new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]); // a = "\xff"
    fs.writeFileSync(file, broken);
    let seen: { current?: string; invalidUtf8?: boolean } = {};
    const result = await updateFile(file, (current, context) => {
      seen = { current, invalidUtf8: context.invalidUtf8 };
      return { text: 'a = "mended"\n', changes: [], currentValid: false };
    }, { stateDir, acceptInvalidUtf8: true });
    assert.deepEqual(seen, { current: 'a = "\uFFFD"\n', invalidUtf8: true });
    assert.equal(result.changed, true);
    assert.equal(fs.readFileSync(file, "utf8"), 'a = "mended"\n');
    const [backup] = listBackups(statePaths(stateDir, file).backupDir);
    assert.deepEqual([...fs.readFileSync(backup.path)], [...broken]); // the bad bytes are kept
    // Without the option, the same file is refused before the edit runs.
    fs.writeFileSync(file, broken);
    await assert.rejects(
      updateFile(file, () => ({ text: "x = 1\n", changes: [] }), { stateDir }),
      (error: unknown) => error instanceof StrataError && error.code === "parse",
    );
    assert.deepEqual([...fs.readFileSync(file)], [...broken]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
