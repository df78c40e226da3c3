/**
 * Full disk: a small tmpfs (64 KiB) is mounted inside the test's temp folder
 * and filled, and strata writes onto it. A write that does not fit fails
 * with exit 5 and a message saying "no space left on device" and which file;
 * the configuration file and its backups stay byte for byte as they were;
 * no temp file, lock or half-written backup is left behind; once space is
 * freed the next write goes through.
 *
 * Where it runs out matters, so each place is tested: everything on the full
 * disk (the lock cannot even be written), only the state dir full (the
 * backup cannot be written), room for the lock but not for the new file
 * (the temp file cannot be written), and only the journal full (the write
 * stands and a warning says the journal missed it).
 *
 * Mounting needs root (CI runs as root); elsewhere these tests are skipped
 * with a message.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cliSync,
  type Finished,
  leftovers,
  makeSandbox,
  noStack,
  type Sandbox,
  snapshot,
} from "../_support/mod.ts";

const PAGE = 4096;

/** Mounts a tmpfs of `size` at `dir`; false when this machine does not allow it. */
function mountTmpfs(dir: string, size = "64k"): boolean {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir], {
    stdio: "ignore",
  });
  return r.status === 0;
}

function unmount(dir: string): void {
  if (spawnSync("umount", [dir], { stdio: "ignore" }).status !== 0) {
    spawnSync("umount", ["-l", dir], { stdio: "ignore" });
  }
}

/** Whether a tmpfs can be mounted here (tried once, in a throw-away folder). */
function canMount(): boolean {
  if (process.platform !== "linux") return false;
  const box = makeSandbox();
  try {
    const dir = path.join(box.root, "probe");
    if (!mountTmpfs(dir)) return false;
    unmount(dir);
    return true;
  } finally {
    box.cleanup();
  }
}

const skip = canMount()
  ? false
  : "mounting a tmpfs is not permitted here (needs root on Linux): full-disk tests skipped";

/** Fills the file system holding `dir` until ENOSPC, leaving `reservePages` pages free. */
function fill(dir: string, reservePages = 0): string[] {
  const reserves = Array.from({ length: reservePages }, (_, i) => {
    const file = path.join(dir, `reserve${i}`);
    fs.writeFileSync(file, Buffer.alloc(PAGE, 114));
    return file;
  });
  const filler = path.join(dir, "filler");
  const fd = fs.openSync(filler, "w");
  const chunk = Buffer.alloc(PAGE, 120);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOSPC") throw error;
  } finally {
    fs.closeSync(fd);
  }
  for (const file of reserves) fs.unlinkSync(file);
  return [filler];
}

/** Asserts a clean "no space" failure naming the file. */
function assertNoSpace(run: Finished, file: string, context: string): void {
  const what = `${context}: exit ${run.code}, stderr: ${run.stderr}`;
  assert.equal(run.code, 5, what);
  noStack(run.stderr, what);
  assert.match(run.stderr, /no space left on device/i, what);
  assert.ok(run.stderr.includes(path.dirname(file)), what);
}

interface Setup {
  box: Sandbox;
  file: string;
  stateDir: string;
  mounts: string[];
}

/** A config file with a few versions (so there are backups and a journal), on the chosen disks. */
function setUp(where: { config: boolean; state: boolean; journal?: boolean }): Setup {
  const box = makeSandbox();
  const disk = path.join(box.root, "disk");
  const mounts: string[] = [];
  const onDisk = where.config || where.state;
  if (onDisk) {
    assert.ok(mountTmpfs(disk));
    mounts.push(disk);
  }
  const file = path.join(where.config ? disk : box.work, "cfg", "config.toml");
  if (where.state) box.env.XDG_STATE_HOME = path.join(disk, "state");
  const stateDir = path.join(box.env.XDG_STATE_HOME, "strata", "_shared");
  if (where.journal) {
    const journalDir = path.dirname(statePaths(stateDir, file).journal);
    assert.ok(mountTmpfs(journalDir));
    mounts.push(journalDir);
  }
  for (const value of ["1", "2", "3"]) {
    const run = cliSync(box, ["--file", file, "set", "a", value]);
    assert.equal(run.code, 0, run.stderr);
  }
  return { box, file, stateDir, mounts };
}

function tearDown(setup: Setup): void {
  for (const dir of setup.mounts.reverse()) unmount(dir);
  setup.box.cleanup();
}

/** Everything strata keeps for the file: the config folder, the backups and the journal. */
function kept(setup: Setup): Map<string, string> {
  const paths = statePaths(setup.stateDir, setup.file);
  const all = new Map<string, string>();
  for (const [name, dir] of [["cfg", path.dirname(setup.file)], ["state", setup.stateDir]]) {
    for (const [rel, content] of snapshot(dir)) all.set(`${name}/${rel}`, content);
  }
  assert.ok([...all.keys()].some((k) => k.includes("backups")), `no backups in ${paths.backupDir}`);
  return all;
}

/** Asserts nothing kept changed, except new backups identical to the current file (harmless). */
function assertIntact(setup: Setup, before: Map<string, string>, context: string): void {
  const after = kept(setup);
  const current = fs.readFileSync(setup.file).toString("base64");
  for (const [rel, content] of before) {
    assert.equal(after.get(rel), content, `${context}: ${rel} changed or vanished`);
  }
  for (const [rel, content] of after) {
    if (before.has(rel)) continue;
    assert.ok(
      rel.includes("/backups/") && content === current,
      `${context}: ${rel} appeared (only a backup identical to the current file may)`,
    );
  }
  const paths = statePaths(setup.stateDir, setup.file);
  assert.deepEqual(leftovers(path.dirname(setup.file)), [], `${context}: left beside the file`);
  assert.deepEqual(leftovers(paths.backupDir), [], `${context}: left in the backup folder`);
}

test(
  "full disk: everything on a full disk: the lock cannot be written, nothing changes",
  { skip, timeout: 60_000 },
  () => {
    const setup = setUp({ config: true, state: true });
    try {
      const before = kept(setup);
      const fillers = fill(path.join(setup.box.root, "disk"));
      const run = cliSync(setup.box, ["--file", setup.file, "set", "a", "4"]);
      assertNoSpace(run, setup.file, "all full");
      assertIntact(setup, before, "all full");
      assert.equal(fs.readFileSync(setup.file, "utf8"), 'a = "3"\n');
      for (const filler of fillers) fs.unlinkSync(filler);
      const again = cliSync(setup.box, ["--file", setup.file, "set", "a", "5"]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(fs.readFileSync(setup.file, "utf8"), 'a = "5"\n');
    } finally {
      tearDown(setup);
    }
  },
);

test(
  "full disk: room for the lock but not for the new file: the temp file is removed",
  { skip, timeout: 60_000 },
  () => {
    const setup = setUp({ config: true, state: false });
    try {
      const before = kept(setup);
      // One page for the lock's content; the new text needs two more.
      const fillers = fill(path.join(setup.box.root, "disk"), 1);
      const big = "x".repeat(2 * PAGE);
      const run = cliSync(setup.box, ["--file", setup.file, "set", "a", big]);
      assertNoSpace(run, setup.file, "temp file");
      assertIntact(setup, before, "temp file");
      assert.equal(fs.readFileSync(setup.file, "utf8"), 'a = "3"\n');
      for (const filler of fillers) fs.unlinkSync(filler);
      assert.equal(cliSync(setup.box, ["--file", setup.file, "set", "a", big]).code, 0);
      assert.equal(fs.readFileSync(setup.file, "utf8"), `a = "${big}"\n`);
    } finally {
      tearDown(setup);
    }
  },
);

test("full disk: the state dir is full: no backup, so no write; the file stays", {
  skip,
  timeout: 60_000,
}, () => {
  const setup = setUp({ config: false, state: true });
  try {
    const before = kept(setup);
    const fillers = fill(path.join(setup.box.root, "disk"));
    const run = cliSync(setup.box, ["--file", setup.file, "set", "a", "4"]);
    const what = `state full: exit ${run.code}, stderr: ${run.stderr}`;
    assert.equal(run.code, 5, what);
    noStack(run.stderr, what);
    assert.match(run.stderr, /no space left on device/i, what);
    assertIntact(setup, before, "state full");
    assert.equal(fs.readFileSync(setup.file, "utf8"), 'a = "3"\n');
    for (const filler of fillers) fs.unlinkSync(filler);
    assert.equal(cliSync(setup.box, ["--file", setup.file, "set", "a", "5"]).code, 0);
  } finally {
    tearDown(setup);
  }
});

test(
  "full disk: only the journal is full: the write stands, a warning says the journal missed it",
  {
    skip,
    timeout: 60_000,
  },
  () => {
    const setup = setUp({ config: false, state: false, journal: true });
    try {
      const journal = statePaths(setup.stateDir, setup.file).journal;
      const lines = fs.readFileSync(journal, "utf8");
      fill(path.dirname(journal));
      // The journal's last page has room for a short line: this one (> 1 page) cannot fit.
      const big = "y".repeat(PAGE + 100);
      const run = cliSync(setup.box, ["--file", setup.file, "set", "a", big]);
      assert.equal(run.code, 0, run.stderr);
      noStack(run.stderr);
      assert.match(run.stderr, /journal/i, run.stderr);
      assert.match(run.stderr, /no space left on device/i, run.stderr);
      assert.equal(fs.readFileSync(setup.file, "utf8"), `a = "${big}"\n`);
      assert.deepEqual(leftovers(path.dirname(setup.file)), []);
      // Once there is room again, the next line is whole and readable, whatever the failed
      // append left (a part of a line is ended before the next one is appended).
      fs.unlinkSync(path.join(path.dirname(journal), "filler"));
      assert.equal(cliSync(setup.box, ["--file", setup.file, "set", "a", "5"]).code, 0);
      const after = fs.readFileSync(journal, "utf8");
      assert.ok(after.startsWith(lines), after);
      const last = JSON.parse(after.trimEnd().split("\n").at(-1)!);
      assert.deepEqual([last.key, last.old, last.new], ["a", big, "5"]);
    } finally {
      tearDown(setup);
    }
  },
);
