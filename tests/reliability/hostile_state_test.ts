/**
 * Hostile campaign for the state folder: one file reached by several paths
 * keeps one history; links planted inside the state folder are never
 * followed; what strata keeps there is private, also for an unprivileged
 * user with a permissive umask.
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
  cliCommand,
  cliSync,
  fileModeStateDir,
  makeSandbox,
  noStack,
  REPO,
} from "../_support/mod.ts";

const posix = process.platform !== "win32";

test(
  "one file reached by its path, through a linked folder and through a link to it keeps one history",
  {
    skip: posix ? false : "symlinks need privileges on Windows",
    timeout: 60_000,
  },
  () => {
    const box = makeSandbox();
    try {
      const real = path.join(box.work, "real");
      fs.mkdirSync(real);
      const file = path.join(real, "config.toml");
      fs.writeFileSync(file, "a = 1\n");
      const linkedFolder = path.join(box.root, "dotfiles");
      fs.symlinkSync(real, linkedFolder);
      const linkedFile = path.join(box.root, "config-link.toml");
      fs.symlinkSync(file, linkedFile);
      const paths = [file, path.join(linkedFolder, "config.toml"), linkedFile];
      paths.forEach((p, i) => {
        const run = cliSync(box, ["--file", p, "set", "a", String(i + 2)]);
        assert.equal(run.code, 0, run.stderr);
      });
      for (const p of paths) {
        const history = cliSync(box, ["--file", p, "history", "--json"]);
        assert.equal(history.code, 0, history.stderr);
        assert.deepEqual(JSON.parse(history.stdout).map((e: { new: number }) => e.new), [2, 3, 4]);
        const backups = cliSync(box, ["--file", p, "backups", "--json"]);
        assert.equal(JSON.parse(backups.stdout).length, 3, backups.stdout);
      }
      const undo = cliSync(box, ["--file", paths[1], "undo"]);
      assert.equal(undo.code, 0, undo.stderr);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 3\n");
      const stateDir = fileModeStateDir(box);
      assert.deepEqual(fs.readdirSync(path.join(stateDir, "journal")), [
        `${statePaths(stateDir, file).name}.ndjson`,
      ]);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "links planted in the state folder are never followed: backups refuse the write, the journal warns",
  {
    skip: posix ? false : "symlinks need privileges on Windows",
    timeout: 60_000,
  },
  () => {
    const box = makeSandbox();
    try {
      const file = path.join(box.work, "config.toml");
      fs.writeFileSync(file, "a = 1\n");
      assert.equal(cliSync(box, ["--file", file, "set", "a", "2"]).code, 0);
      const stateDir = fileModeStateDir(box);
      const { backupDir, journal } = statePaths(stateDir, file);
      const elsewhere = path.join(box.root, "elsewhere");
      fs.mkdirSync(elsewhere);
      // The backup folder replaced by a link: the write is refused before anything changes.
      fs.rmSync(backupDir, { recursive: true });
      fs.symlinkSync(elsewhere, backupDir);
      const refused = cliSync(box, ["--file", file, "set", "a", "3"]);
      noStack(refused.stderr);
      assert.equal(refused.code, 5, refused.stderr);
      assert.match(refused.stderr, /is a symbolic link: strata keeps backups and journals only/);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
      assert.deepEqual(fs.readdirSync(elsewhere), []);
      fs.unlinkSync(backupDir);
      // The journal replaced by a link: the write stands (it is done), the journal is not
      // followed, and the warning says so.
      const victim = path.join(box.root, "victim");
      fs.writeFileSync(victim, "precious\n");
      fs.rmSync(journal);
      fs.symlinkSync(victim, journal);
      const warned = cliSync(box, ["--file", file, "set", "a", "4"]);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /cannot append to the journal/);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 4\n");
      assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
    } finally {
      box.cleanup();
    }
  },
);

test("run as an unprivileged user with umask 000, everything in the state folder is private", {
  skip: posix && process.getuid?.() === 0 ? false : "needs root to switch to an unprivileged user",
  timeout: 60_000,
}, () => {
  const box = makeSandbox();
  try {
    fs.chmodSync(box.root, 0o755);
    for (const name of fs.readdirSync(box.root)) {
      fs.chownSync(path.join(box.root, name), 65534, 65534);
    }
    const file = path.join(box.work, "config.toml");
    const [command, argv] = cliCommand();
    const big = Array.from({ length: 3000 }, (_, i) => `k${i} = "value ${i}"`).join("\n") + "\n";
    fs.writeFileSync(file, big, { mode: 0o600 });
    fs.chownSync(file, 65534, 65534);
    const run = (args: string[]) =>
      spawnSync("setpriv", [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "sh",
        "-c",
        'umask 000; exec "$@"',
        "sh",
        command,
        ...argv,
        ...args,
      ], { env: { ...box.env, HOME: box.root }, encoding: "utf8", cwd: REPO });
    const probe = spawnSync("setpriv", ["--reuid=65534", "true"]);
    if (probe.status !== 0) return; // no setpriv here
    for (let i = 0; i < 3; i++) {
      const set = run(["--file", file, "set", "k1", `v${i}`]);
      assert.equal(set.status, 0, set.stderr);
    }
    const get = run(["--file", file, "get", "k2"]);
    assert.equal(get.status, 0, get.stderr);
    assert.equal(get.stdout, "value 2\n");
    const open: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const mode = fs.lstatSync(full).mode & 0o777;
        if (entry.isDirectory()) {
          if (mode !== 0o700) open.push(`${full} ${mode.toString(8)}`);
          walk(full);
        } else if (mode !== 0o600) open.push(`${full} ${mode.toString(8)}`);
      }
    };
    const stateDir = fileModeStateDir(box);
    walk(stateDir);
    assert.deepEqual(open, []);
    assert.ok(fs.readdirSync(path.join(stateDir, "cache")).length === 1, "the cache was written");
  } finally {
    box.cleanup();
  }
});

test("a FIFO at the journal's name: history ends at once and says what it is", {
  skip: posix ? false : "FIFOs are POSIX",
  timeout: 60_000,
}, () => {
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    assert.equal(cliSync(box, ["--file", file, "set", "a", "2"]).code, 0);
    const { journal } = statePaths(fileModeStateDir(box), file);
    fs.rmSync(journal);
    assert.equal(spawnSync("mkfifo", [journal]).status, 0);
    const history = cliSync(box, ["--file", file, "history"]);
    noStack(history.stderr);
    assert.equal(history.code, 5, history.stderr);
    assert.match(history.stderr, /cannot read the journal .*not a regular file/);
    assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
  } finally {
    box.cleanup();
  }
});
