// End-to-end: a machine with no home folder (no HOME and a user with no
// password-database entry, as in a container run with --user 4242) and a HOME
// that is empty or relative. Layers under a missing home are absent for
// reads, `paths` and `explain` say what to set, writes to them say so too,
// and --file or explicit XDG folders need no home at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliCommand, isDeno } from "../_support/mod.ts";
import { listFiles } from "../_support/mod.ts";

const STRANGER = 4242;
const why = "HOME is not set and this user has no home folder in the password database";
const userFix = "set XDG_CONFIG_HOME (or HOME) to an absolute path";
const stateFix = "set XDG_STATE_HOME (or HOME) to an absolute path";

function hasPasswdEntry(uid: number): boolean {
  return fs.readFileSync("/etc/passwd", "utf8").split("\n").some((l) =>
    l.split(":")[2] === `${uid}`
  );
}

/** Why the stranger cannot be run here, or false. */
function cannotRun(): string | false {
  if (process.platform !== "linux") return "needs Linux and setpriv";
  if (process.getuid?.() !== 0) return "needs root to run as a user with no passwd entry";
  if (spawnSync("setpriv", ["--version"]).status !== 0) return "needs setpriv";
  if (hasPasswdEntry(STRANGER)) return `uid ${STRANGER} has a passwd entry here`;
  return false;
}

/** A folder the stranger owns, with a project folder in it. */
function machine(): { root: string; work: string; cleanup(): void } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-home-")));
  const work = path.join(root, "work");
  fs.mkdirSync(work);
  fs.mkdirSync(path.join(root, "deno"));
  for (const dir of [root, work, path.join(root, "deno")]) fs.chownSync(dir, STRANGER, STRANGER);
  fs.chmodSync(root, 0o755);
  return { root, work, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * Runs the CLI as the stranger with only `env` (no HOME unless given), as
 * `env -i ... setpriv ...`: Deno's spawn adds the parent's environment to the
 * one it is given, so the environment is emptied by `env -i` itself.
 */
function runAsStranger(root: string, args: string[], env: Record<string, string> = {}) {
  const [command, argv] = cliCommand();
  const full: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env };
  // Deno keeps its compile cache in a folder; the stranger cannot use root's.
  if (isDeno) full.DENO_DIR = path.join(root, "deno");
  const pairs = Object.entries(full).map(([k, v]) => `${k}=${v}`);
  const r = spawnSync(
    "env",
    [
      "-i",
      ...pairs,
      "setpriv",
      `--reuid=${STRANGER}`,
      `--regid=${STRANGER}`,
      "--clear-groups",
      "--",
      command,
      ...argv,
      ...args,
    ],
    { cwd: path.join(root, "work"), encoding: "utf8" },
  );
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeOwned(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chownSync(file, STRANGER, STRANGER);
  return file;
}

test("no HOME, no passwd entry: --file reads with no home, writes say what to set", {
  skip: cannotRun(),
}, () => {
  const m = machine();
  try {
    const file = writeOwned(path.join(m.root, "c.toml"), "a = 1\n");
    assert.deepEqual(runAsStranger(m.root, ["--file", file, "get", "a"]), {
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
    const before = listFiles(m.root).filter((f) => !f.startsWith("deno/"));
    assert.deepEqual(runAsStranger(m.root, ["--file", file, "set", "a", "2"]), {
      code: 2,
      stdout: "",
      stderr: `strata: backups and the journal have no folder: ${why}. To fix: ${stateFix}\n`,
    });
    assert.equal(fs.readFileSync(file, "utf8"), "a = 1\n");
    assert.deepEqual(listFiles(m.root).filter((f) => !f.startsWith("deno/")), before);
    // With a state folder named, the same write works: no home is needed.
    const state = path.join(m.root, "state");
    const written = runAsStranger(m.root, ["--file", file, "set", "a", "2"], {
      XDG_STATE_HOME: state,
    });
    assert.equal(written.code, 0, written.stderr);
    assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
  } finally {
    m.cleanup();
  }
});

test(
  "no HOME, no passwd entry: the user layer is absent for reads and named in paths and explain",
  {
    skip: cannotRun(),
  },
  () => {
    const m = machine();
    try {
      writeOwned(path.join(m.work, ".demo.toml"), "a = 1\n");
      assert.deepEqual(runAsStranger(m.root, ["--app", "demo", "get", "a"]), {
        code: 0,
        stdout: "1\n",
        stderr: "",
      });
      const paths = runAsStranger(m.root, ["--app", "demo", "paths"]);
      assert.equal(paths.code, 0, paths.stderr);
      const lines = paths.stdout.split("\n");
      assert.match(lines.find((l) => l.startsWith("user "))!, /^user +\(none\) +no folder$/);
      assert.match(lines.find((l) => l.startsWith("state "))!, /^state +\(none\) +no folder$/);
      assert.ok(
        lines.includes(`user: the user layer has no folder: ${why}. To fix: ${userFix}`),
        paths.stdout,
      );
      assert.ok(
        lines.includes(
          `state: backups and the journal have no folder: ${why}. To fix: ${stateFix}`,
        ),
        paths.stdout,
      );
      const explain = runAsStranger(m.root, ["--app", "demo", "explain", "a"]);
      assert.equal(explain.code, 0, explain.stderr);
      const walk = explain.stdout.split("\n");
      const at = walk.findIndex((l) => /^ +user +- +no file$/.test(l));
      assert.ok(at > 0, explain.stdout);
      assert.equal(walk[at + 1].trim(), `the user layer has no folder: ${why}. To fix: ${userFix}`);
      // A key set nowhere: "not found" (1), not a problem reading a layer (3).
      assert.equal(runAsStranger(m.root, ["--app", "demo", "explain", "zz"]).code, 1);
      // A write to the user layer says what to set; nothing is created.
      assert.deepEqual(runAsStranger(m.root, ["--app", "demo", "set", "b", "2"]), {
        code: 2,
        stdout: "",
        stderr: `strata: the user layer has no folder: ${why}. To fix: ${userFix}\n`,
      });
      assert.deepEqual(listFiles(m.work), [".demo.toml"]);
    } finally {
      m.cleanup();
    }
  },
);

test("no HOME, no passwd entry: explicit XDG folders need no home", { skip: cannotRun() }, () => {
  const m = machine();
  try {
    const env = {
      XDG_CONFIG_HOME: path.join(m.root, "config"),
      XDG_STATE_HOME: path.join(m.root, "state"),
    };
    const set = runAsStranger(m.root, ["--app", "demo", "set", "b", "2"], env);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(
      fs.readFileSync(path.join(env.XDG_CONFIG_HOME, "demo", "config.toml"), "utf8"),
      'b = "2"\n',
    );
    assert.deepEqual(runAsStranger(m.root, ["--app", "demo", "get", "b"], env), {
      code: 0,
      stdout: "2\n",
      stderr: "",
    });
  } finally {
    m.cleanup();
  }
});

/** This user's home in /etc/passwd, if any. */
function passwdHome(): string | undefined {
  const uid = `${process.getuid?.()}`;
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) =>
    l.split(":")[2] === uid
  );
  return line?.split(":")[5];
}

test("an empty or relative HOME is ignored like a relative XDG variable", {
  skip: process.platform === "linux" ? false : "reads /etc/passwd",
}, () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-home-")));
  try {
    const [command, argv] = cliCommand();
    const expected = passwdHome();
    for (const HOME of ["", "rel", "./home"]) {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME,
        XDG_STATE_HOME: path.join(root, "state"),
        DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), ".cache", "deno"),
      };
      const pairs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      const call = [...pairs, command, ...argv, "--app", "demo", "paths", "--json"];
      const r = spawnSync("env", ["-i", ...call], { cwd: root, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const user = JSON.parse(r.stdout).layers.find((l: { layer: string }) => l.layer === "user");
      // Never under the working folder (./rel/.config/demo/config.toml).
      if (expected) {
        assert.equal(user.file, path.join(expected, ".config", "demo", "config.toml"), HOME);
      } else assert.equal(user.file, undefined, HOME);
    }
    // Bun keeps a cache under its own $HOME (./rel/.bun): the runtime's, not strata's.
    assert.deepEqual(listFiles(root).filter((f) => !/(^|\/)\.bun\//.test(f)), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
