import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../../src/store/atomic_write.ts";
import { resolveTarget } from "../../src/store/resolve_target.ts";
import { renameOver } from "../../src/store/_durable.ts";
import { StrataError } from "../../src/errors.ts";
import { tempDir } from "../_support/mod.ts";

const posix = process.platform !== "win32";
const noSymlinks = posix ? false : "symlinks need privileges on Windows";

test("writeFileAtomic: a new file is 0600 in new folders 0700, no temp file left", () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "a", "b", "config.toml");
    writeFileAtomic(file, "x = 1\n");
    assert.equal(fs.readFileSync(file, "utf8"), "x = 1\n");
    if (posix) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.join(dir, "a")).mode & 0o777, 0o700);
      assert.equal(fs.statSync(path.join(dir, "a", "b")).mode & 0o777, 0o700);
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, "a", "b")), ["config.toml"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: an existing file keeps its mode; bytes are written exactly", {
  skip: posix ? false : "modes are POSIX",
}, () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "old\n");
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a]));
    assert.equal(fs.statSync(file).mode & 0o7777, 0o640);
    assert.deepEqual([...fs.readFileSync(file)], [0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: an existing file keeps its owner and group (as root)", {
  skip: process.getuid?.() === 0 ? false : "needs root to give a file away",
}, () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "old\n");
    fs.chownSync(file, 1234, 2345);
    fs.chmodSync(file, 0o2644);
    writeFileAtomic(file, "new\n");
    const stat = fs.statSync(file);
    assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o7777], [1234, 2345, 0o2644]);
    assert.equal(fs.readFileSync(file, "utf8"), "new\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: a symlink is written through; the link stays a link", {
  skip: noSymlinks,
}, () => {
  const dir = tempDir().path;
  try {
    fs.mkdirSync(path.join(dir, "dotfiles"));
    fs.mkdirSync(path.join(dir, "home"));
    const real = path.join(dir, "dotfiles", "config.toml");
    fs.writeFileSync(real, "old\n");
    fs.chmodSync(real, 0o644);
    const middle = path.join(dir, "home", "middle.toml");
    const link = path.join(dir, "home", "config.toml");
    fs.symlinkSync("../dotfiles/config.toml", middle); // relative
    fs.symlinkSync(middle, link); // a chain of two
    assert.equal(resolveTarget(link), real);
    writeFileAtomic(link, "new\n");
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
    assert.equal(fs.readlinkSync(link), middle);
    assert.equal(fs.readFileSync(real, "utf8"), "new\n");
    assert.equal(fs.statSync(real).mode & 0o777, 0o644);
    assert.deepEqual(fs.readdirSync(path.join(dir, "dotfiles")), ["config.toml"]);
    assert.deepEqual(fs.readdirSync(path.join(dir, "home")).sort(), ["config.toml", "middle.toml"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: a dangling link creates its target", { skip: noSymlinks }, () => {
  const dir = tempDir().path;
  try {
    const link = path.join(dir, "config.toml");
    fs.symlinkSync(path.join(dir, "store", "real.toml"), link);
    writeFileAtomic(link, "x = 1\n");
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
    assert.equal(fs.readFileSync(path.join(dir, "store", "real.toml"), "utf8"), "x = 1\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: a symlink loop is a clear io error and nothing is written", {
  skip: noSymlinks,
}, () => {
  const dir = tempDir().path;
  try {
    const a = path.join(dir, "a.toml");
    const b = path.join(dir, "b.toml");
    fs.symlinkSync(b, a);
    fs.symlinkSync(a, b);
    assert.throws(() => writeFileAtomic(a, "x\n"), (error: unknown) => {
      assert.ok(error instanceof StrataError);
      assert.equal(error.code, "io");
      assert.equal(
        error.message,
        `${a} is a symbolic link loop (or a chain of more than 40 links); nothing was written. ` +
          `To fix: point the link at a real file (ls -l ${a}).`,
      );
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir).sort(), ["a.toml", "b.toml"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: a folder at the target is refused with a clear message", () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    fs.mkdirSync(target);
    assert.throws(() => writeFileAtomic(target, "x\n"), (error: unknown) => {
      assert.ok(error instanceof StrataError && error.code === "io");
      assert.equal(
        error.message,
        `cannot write ${target}: it is not a regular file (a folder, device or pipe). ` +
          `Nothing was written. To fix: point strata at a regular file.`,
      );
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic: a file in the way of the folder is an io error in words", () => {
  const dir = tempDir().path;
  try {
    fs.writeFileSync(path.join(dir, "notdir"), "");
    const target = path.join(dir, "notdir", "config.toml");
    assert.throws(() => writeFileAtomic(target, "x\n"), (error: unknown) => {
      assert.ok(error instanceof StrataError && error.code === "io");
      assert.ok(error.message.startsWith(`cannot `), error.message);
      assert.match(error.message, /\((ENOTDIR|EEXIST)\)\. The file was not changed\. To fix: /);
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("renameOver: retries a transient Windows refusal, gives up on others", () => {
  const dir = tempDir().path;
  try {
    const from = path.join(dir, "from");
    fs.writeFileSync(from, "x");
    // A folder as the target: rename fails with EISDIR (or similar) at once, no retry on POSIX.
    fs.mkdirSync(path.join(dir, "to"));
    fs.writeFileSync(path.join(dir, "to", "keep"), "");
    assert.throws(() => renameOver(from, path.join(dir, "to"), "linux"));
    renameOver(from, path.join(dir, "ok"), "win32");
    assert.equal(fs.readFileSync(path.join(dir, "ok"), "utf8"), "x");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
