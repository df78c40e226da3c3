/**
 * Permissions: a read-only folder, a read-only file, a file owned by someone
 * else, an unreadable file, a folder that cannot be entered, a state dir
 * that cannot be written. strata refuses with exit 5 and a message naming
 * the file and the cause in words; nothing changes on disk (bytes, modes
 * and owners compared); a read of what can be read still works.
 *
 * Root ignores file modes, and CI runs as root, so the subject runs as the
 * unprivileged user `nobody` (uid 65534) through `setpriv` (or `runuser`).
 * Run as an ordinary user, the subject runs as that user, and the case that
 * needs a file owned by someone else (chown) is skipped with a message.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  asNobody,
  cliCommand,
  type Finished,
  isDeno,
  isRoot,
  leftovers,
  makeSandbox,
  NOBODY,
  noStack,
  type Sandbox,
} from "../_support/mod.ts";

/** How the subject is run, or why these tests cannot run here. */
function subject(): { prefix: string[]; uid: number } | string {
  if (process.platform === "win32") return "POSIX file modes do not apply on Windows";
  if (!isRoot) return { prefix: [], uid: process.getuid!() };
  const prefix = asNobody();
  if (!prefix) {
    return "running as root without setpriv or runuser: cannot drop to an unprivileged user";
  }
  // The runtime and the sources must be readable and executable by nobody.
  const [command, args] = cliCommand();
  const probe = spawnSync(prefix[0], [...prefix.slice(1), command, ...args, "--version"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: "/tmp",
      DENO_DIR: "/tmp/.strata-nobody-deno",
    },
    encoding: "utf8",
  });
  if (probe.status !== 0) {
    return `the runtime (${command}) or main.ts cannot be run by nobody: ${probe.stderr.trim()}`;
  }
  return { prefix, uid: NOBODY };
}

const who = subject();
const skip = typeof who === "string" ? `permissions tests skipped: ${who}` : false;
const skipChown = skip || (isRoot ? false : "not root: cannot give a file to another owner");

/** A sandbox whose folders the subject's user owns and can enter. */
function setUp(): { box: Sandbox; home: string } {
  const box = makeSandbox();
  const { uid } = who as { uid: number };
  fs.chmodSync(box.root, 0o755);
  for (const dir of [box.work, box.stateHome, box.configHome, box.env.HOME]) {
    fs.chmodSync(dir, 0o755);
    fs.chownSync(dir, uid, uid);
  }
  const deno = path.join(box.root, "deno");
  fs.mkdirSync(deno);
  fs.chownSync(deno, uid, uid);
  box.env.DENO_DIR = deno;
  return { box, home: box.env.HOME };
}

/** Removes the sandbox; folders made read-only by a test are opened first (needed when not root). */
function cleanUp(box: Sandbox): void {
  const open = (dir: string) => {
    try {
      fs.chmodSync(dir, 0o755);
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) open(path.join(dir, entry.name));
      }
    } catch {
      // Not ours (root's folder in a test as root): rm as root needs no mode.
    }
  };
  open(box.root);
  box.cleanup();
}

/** Runs the CLI as the subject user. */
function run(box: Sandbox, args: string[]): Finished {
  const { prefix } = who as { prefix: string[] };
  const [command, argv] = cliCommand();
  const all = [...prefix, command, ...argv, ...args];
  const r = spawnSync(all[0], all.slice(1), { env: box.env, encoding: "utf8", cwd: box.work });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Files, modes, owners and bytes under the given folders. */
function state(dirs: string[]): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      const s = fs.lstatSync(full);
      let bytes = "";
      try {
        if (s.isFile()) bytes = fs.readFileSync(full).toString("base64");
      } catch {
        bytes = "(unreadable)"; // mode 0, when the tests do not run as root
      }
      result.set(full, `${s.mode.toString(8)} ${s.uid}:${s.gid} ${bytes}`);
      if (s.isDirectory()) walk(full);
    }
  };
  for (const dir of dirs) walk(dir);
  return result;
}

/** Asserts a refusal: exit 5, no stack, the file (or its folder) named, the cause in words. */
function assertRefused(result: Finished, names: string, cause: RegExp, context: string): void {
  const what = `${context}: exit ${result.code}, stderr: ${result.stderr}`;
  assert.equal(result.code, 5, what);
  noStack(result.stderr, what);
  assert.ok(result.stderr.includes(names), what);
  assert.match(result.stderr, cause, what);
}

const denied = /permission denied|not writable|read-only|owned by|cannot (write|read|enter)/i;

test("permissions: a read-only folder: set refuses (exit 5), get still reads, nothing changes", {
  skip,
  timeout: 60_000,
}, () => {
  const { box } = setUp();
  try {
    const { uid } = who as { uid: number };
    const dir = path.join(box.work, "ro");
    fs.mkdirSync(dir);
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n", { mode: 0o644 });
    fs.chownSync(file, uid, uid);
    fs.chownSync(dir, uid, uid);
    fs.chmodSync(dir, 0o555);
    const before = state([box.work, box.stateHome]);
    assertRefused(run(box, ["--file", file, "set", "a", "2"]), dir, denied, "read-only folder");
    const get = run(box, ["--file", file, "get", "a"]);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout, "1\n");
    // A new file in a read-only folder: nothing is created.
    const fresh = path.join(dir, "new.toml");
    assertRefused(
      run(box, ["--file", fresh, "set", "a", "1"]),
      dir,
      denied,
      "new file, read-only folder",
    );
    assert.deepEqual(state([box.work, box.stateHome]), before);
  } finally {
    cleanUp(box);
  }
});

test("permissions: a read-only file in a writable folder is not replaced", {
  skip,
  timeout: 60_000,
}, () => {
  const { box } = setUp();
  try {
    const { uid } = who as { uid: number };
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    fs.chownSync(file, uid, uid);
    fs.chmodSync(file, 0o444);
    const before = state([box.work, box.stateHome]);
    assertRefused(run(box, ["--file", file, "set", "a", "2"]), file, denied, "read-only file");
    assert.deepEqual(state([box.work, box.stateHome]), before);
    assert.deepEqual(leftovers(box.work), []);
  } finally {
    cleanUp(box);
  }
});

test(
  "permissions: a file owned by someone else is not taken over, even when its mode lets us write",
  {
    skip: skipChown,
    timeout: 60_000,
  },
  () => {
    const { box } = setUp();
    try {
      const file = path.join(box.work, "config.toml");
      for (const mode of [0o644, 0o666]) {
        fs.writeFileSync(file, "a = 1\n");
        fs.chownSync(file, 0, 0);
        fs.chmodSync(file, mode);
        const before = state([box.work, box.stateHome]);
        assertRefused(
          run(box, ["--file", file, "set", "a", "2"]),
          file,
          denied,
          `root's file, mode ${mode.toString(8)}`,
        );
        assert.deepEqual(state([box.work, box.stateHome]), before);
        assert.deepEqual(leftovers(box.work), []);
      }
    } finally {
      cleanUp(box);
    }
  },
);

test(
  "permissions: an unreadable file and a folder that cannot be entered: get and set say so (exit 5)",
  {
    skip,
    timeout: 60_000,
  },
  () => {
    const { box } = setUp();
    try {
      const file = path.join(box.work, "secret.toml");
      fs.writeFileSync(file, "a = 1\n", { mode: 0o600 });
      const closed = path.join(box.work, "closed");
      fs.mkdirSync(closed, { mode: 0o700 });
      fs.writeFileSync(path.join(closed, "config.toml"), "a = 1\n");
      // As root: root's own file and folder (the subject is nobody). Otherwise: our own, mode 0.
      if (isRoot) fs.chownSync(file, 0, 0);
      else {
        fs.chmodSync(file, 0);
        fs.chmodSync(closed, 0);
      }
      const before = state([box.work, box.stateHome]);
      for (const target of [file, path.join(closed, "config.toml")]) {
        const name = path.basename(path.dirname(target)) + "/" + path.basename(target);
        // A cron job must not read "not set" (exit 1) when the file is there but unreadable.
        assertRefused(run(box, ["--file", target, "get", "a"]), target, denied, `get ${name}`);
        assertRefused(run(box, ["--file", target, "set", "a", "2"]), target, denied, `set ${name}`);
      }
      assert.deepEqual(state([box.work, box.stateHome]), before);
    } finally {
      cleanUp(box);
    }
  },
);

test(
  "permissions: a state dir that cannot be written: no backup, so no write",
  { skip, timeout: 60_000 },
  () => {
    const { box } = setUp();
    try {
      const { uid } = who as { uid: number };
      const file = path.join(box.work, "config.toml");
      fs.writeFileSync(file, "a = 1\n");
      fs.chownSync(file, uid, uid);
      if (isRoot) fs.chownSync(box.stateHome, 0, 0);
      fs.chmodSync(box.stateHome, isRoot ? 0o755 : 0o555);
      const before = state([box.work, box.stateHome]);
      const result = run(box, ["--file", file, "set", "a", "2"]);
      assertRefused(result, box.stateHome, denied, "state dir");
      assert.deepEqual(state([box.work, box.stateHome]), before);
      assert.deepEqual(leftovers(box.work), []);
    } finally {
      cleanUp(box);
    }
  },
);

test(
  "permissions: the subject really runs unprivileged (control)",
  { skip, timeout: 60_000 },
  () => {
    const { box } = setUp();
    try {
      const { uid } = who as { uid: number };
      const file = path.join(box.work, "config.toml");
      const result = run(box, ["--file", file, "set", "a", "1"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(fs.statSync(file).uid, uid);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      if (isDeno) assert.ok(fs.existsSync(box.env.DENO_DIR));
    } finally {
      cleanUp(box);
    }
  },
);
