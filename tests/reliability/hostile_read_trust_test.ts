/**
 * The hostile read campaign, trust: a project file that another user planted
 * in a parent folder is not used (like git's `safe.directory`) unless its
 * folder is trusted; a folder or a FIFO planted under the project file's
 * name is skipped with a warning (and doctor reports it), never an error on
 * every read; `set --project` never writes through another user's link; and
 * the system layer strata creates is readable by everyone.
 *
 * These need root (chown to another user, running as `nobody`); they are
 * skipped with a message otherwise.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { PYTHON_WRITER, type Sandbox, SHELL_WRITER } from "../_support/mod.ts";
import { mkfifo, needsRoot, NOBODY, openSandbox, outcome, strata } from "./_hostile_read.ts";

const skip = needsRoot();

/** A shared parent folder (sticky, like /tmp) and the test user's own folder in it. */
function sharedParent(box: Sandbox): { shared: string; mine: string } {
  const shared = path.join(box.root, "shared");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  const mine = path.join(shared, "mine");
  fs.mkdirSync(mine);
  const user = path.join(box.configHome, "demo", "config.toml");
  fs.mkdirSync(path.dirname(user), { recursive: true });
  fs.writeFileSync(user, 'x = "mine"\n', { mode: 0o600 });
  return { shared, mine };
}

test(
  "another user's project file in a parent folder is ignored, with a warning that says how to trust it",
  {
    skip,
  },
  () => {
    const box = openSandbox();
    try {
      const { shared, mine } = sharedParent(box);
      const planted = path.join(shared, ".demo.toml");
      fs.writeFileSync(planted, 'x = "planted"\napi.token = "theirs"\n');
      fs.chownSync(planted, NOBODY, NOBODY);
      const get = strata(box, ["--app", "demo", "get", "x"], { cwd: mine });
      assert.equal(get.code, 0, outcome(get));
      assert.equal(get.stdout, "mine\n");
      assert.equal(
        get.stderr,
        `strata: warning: ${planted} belongs to another user (uid ${NOBODY}), who could set any of ` +
          `your values through it: strata ignores it. To fix: if you trust that user, trust the ` +
          `folder: export STRATA_TRUSTED_DIRS=${shared} (folders separated by ":"); or remove the file\n`,
      );
      // The advice works.
      const trusted = strata(box, ["--app", "demo", "get", "x"], {
        cwd: mine,
        env: { STRATA_TRUSTED_DIRS: shared },
      });
      assert.equal(trusted.code, 0, outcome(trusted));
      assert.equal(trusted.stdout, "planted\n");
      assert.equal(trusted.stderr, "");
      // doctor says so, and says healthy once the folder is trusted.
      const doctor = strata(box, ["--app", "demo", "doctor"], { cwd: mine });
      assert.equal(doctor.code, 3, outcome(doctor));
      assert.match(doctor.stdout, new RegExp(`${planted} belongs to another user`));
      const healthy = strata(box, ["--app", "demo", "doctor"], {
        cwd: mine,
        env: { STRATA_TRUSTED_DIRS: shared },
      });
      assert.equal(healthy.code, 0, outcome(healthy));
      // A write goes to the working folder, never into their file.
      const set = strata(box, ["--app", "demo", "set", "--project", "api.token", "mine"], {
        cwd: mine,
      });
      assert.equal(set.code, 0, outcome(set));
      assert.equal(fs.readFileSync(planted, "utf8"), 'x = "planted"\napi.token = "theirs"\n');
      assert.equal(
        fs.readFileSync(path.join(mine, ".demo.toml"), "utf8"),
        '[api]\ntoken = "mine"\n',
      );
      // In their very folder, a write to their file is refused.
      const there = strata(box, ["--app", "demo", "set", "--project", "api.token", "x"], {
        cwd: shared,
      });
      assert.equal(there.code, 5, outcome(there));
      assert.match(there.stderr, /belongs to another user .*; nothing was written/);
      assert.equal(fs.readFileSync(planted, "utf8"), 'x = "planted"\napi.token = "theirs"\n');
    } finally {
      box.cleanup();
    }
  },
);

test("root's project file in a parent folder is used by everyone", { skip }, () => {
  const box = openSandbox();
  try {
    const { shared, mine } = sharedParent(box);
    fs.chownSync(mine, NOBODY, NOBODY);
    // nobody's run sees no user layer (the test user's is 0600).
    fs.rmSync(path.join(box.configHome, "demo", "config.toml"));
    fs.writeFileSync(path.join(shared, ".demo.toml"), 'x = "root"\n', { mode: 0o644 });
    const get = strata(box, ["--app", "demo", "get", "x"], { cwd: mine, nobody: true });
    assert.equal(get.code, 0, outcome(get));
    assert.equal(get.stdout, "root\n");
  } finally {
    box.cleanup();
  }
});

test(
  "a folder or a FIFO planted under the project file's name is skipped with a warning; doctor reports it",
  {
    skip,
  },
  () => {
    for (const kind of ["folder", "fifo"] as const) {
      const box = openSandbox();
      try {
        const { shared, mine } = sharedParent(box);
        const planted = path.join(shared, ".demo.toml");
        if (kind === "folder") fs.mkdirSync(planted);
        else mkfifo(planted);
        const words = kind === "folder" ? "a folder" : "a FIFO \\(named pipe\\)";
        const get = strata(box, ["--app", "demo", "get", "x"], { cwd: mine, timeoutMs: 120_000 });
        assert.equal(get.code, 0, `${kind}: ${outcome(get)}`);
        assert.equal(get.stdout, "mine\n");
        assert.match(
          get.stderr,
          new RegExp(
            `warning: ${planted} is ${words}, not a configuration file: strata ignores it`,
          ),
        );
        const doctor = strata(box, ["--app", "demo", "doctor"], { cwd: mine, timeoutMs: 120_000 });
        assert.equal(doctor.code, 3, `${kind}: ${outcome(doctor)}`);
        assert.match(doctor.stdout, new RegExp(`${planted} is ${words}, not a configuration file`));
        assert.match(doctor.stdout, new RegExp(`mv ${planted} ${planted}\\.away`));
      } finally {
        box.cleanup();
      }
    }
  },
);

test("set --project never writes through a link owned by another user, dangling or not", {
  skip,
}, () => {
  const box = openSandbox();
  try {
    const victim = path.join(box.root, "victim.toml");
    const link = path.join(box.work, ".demo.toml");
    fs.symlinkSync(victim, link);
    fs.lchownSync(link, NOBODY, NOBODY);
    const dangling = strata(box, ["--app", "demo", "set", "--project", "k", "v"]);
    assert.equal(dangling.code, 5, outcome(dangling));
    assert.match(
      dangling.stderr,
      new RegExp(
        `${link} is a symbolic link owned by another user \\(uid ${NOBODY}\\); strata never writes`,
      ),
    );
    assert.equal(fs.existsSync(victim), false);
    // The reference writers of PROTOCOL.md follow the same rule.
    const state = path.join(box.root, "writer-state");
    const writers: [string, string[]][] = [
      ["python3", [PYTHON_WRITER, "--file", link, "--state-dir", state, "set", "k", "v"]],
      ["sh", [SHELL_WRITER, link, state, "k", "v"]],
    ];
    for (const [program, args] of writers) {
      const run = spawnSync(program, args, { encoding: "utf8", timeout: 120_000 });
      assert.equal(run.status, 5, `${program}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /is a symbolic link owned by another user \(uid 65534\); nothing was written/,
      );
      assert.equal(fs.existsSync(victim), false, program);
    }
    fs.writeFileSync(victim, "a = 1\n", { mode: 0o644 });
    const through = strata(box, ["--app", "demo", "set", "--project", "k", "v"]);
    assert.equal(through.code, 5, outcome(through));
    assert.equal(fs.readFileSync(victim, "utf8"), "a = 1\n");
    // The user's own link (stow, chezmoi) is followed as before.
    fs.lchownSync(link, 0, 0);
    const own = strata(box, ["--app", "demo", "set", "--project", "k", "v"]);
    assert.equal(own.code, 0, outcome(own));
    assert.equal(fs.readFileSync(victim, "utf8"), 'a = 1\nk = "v"\n');
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
  } finally {
    box.cleanup();
  }
});

test(
  "set --system creates a folder 0755 and a file 0644 (read by everyone); an existing file keeps its mode",
  {
    skip,
  },
  () => {
    const box = openSandbox();
    try {
      const dir = path.join(box.env.XDG_CONFIG_DIRS, "demo");
      const file = path.join(dir, "config.toml");
      const set = strata(box, ["--app", "demo", "set", "--system", "x", "shared"], {
        umask: 0o077,
      });
      assert.equal(set.code, 0, outcome(set));
      assert.equal(fs.statSync(dir).mode & 0o777, 0o755);
      assert.equal(fs.statSync(file).mode & 0o777, 0o644);
      const get = strata(box, ["--app", "demo", "get", "x"], { nobody: true });
      assert.equal(get.code, 0, outcome(get));
      assert.equal(get.stdout, "shared\n");
      fs.chmodSync(file, 0o640);
      const again = strata(box, ["--app", "demo", "set", "--system", "y", "2"], { umask: 0o077 });
      assert.equal(again.code, 0, outcome(again));
      assert.equal(fs.statSync(file).mode & 0o777, 0o640);
      // The user layer stays the owner's only.
      const user = strata(box, ["--app", "demo", "set", "z", "1"], { umask: 0o022 });
      assert.equal(user.code, 0, outcome(user));
      assert.equal(
        fs.statSync(path.join(box.configHome, "demo", "config.toml")).mode & 0o777,
        0o600,
      );
    } finally {
      box.cleanup();
    }
  },
);
