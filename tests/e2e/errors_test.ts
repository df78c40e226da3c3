// End-to-end: exit codes and messages for each kind of error, help and
// version, through the real CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { listFiles, makeSandbox } from "../_support/mod.ts";

test("usage errors exit 2 with a message and a hint to the right help", () => {
  const box = makeSandbox();
  try {
    const cases: [string[], string][] = [
      [["--app", "demo", "get"], "strata: missing KEY\nrun 'strata get --help' for usage\n"],
      [["--app", "demo", "set", "k"], "strata: missing VALUE\nrun 'strata set --help' for usage\n"],
      [
        ["--app", "demo", "get", "k", "--bogus"],
        "strata: unknown option '--bogus'\nrun 'strata get --help' for usage\n",
      ],
      [
        ["--app", "demo", "list", "a", "b"],
        "strata: unexpected argument \"b\"\nrun 'strata list --help' for usage\n",
      ],
      [[], "strata: missing command\nrun 'strata --help' for usage\n"],
      [
        ["--app", "demo", "--lock-timeout", "soon", "set", "k", "v"],
        "strata: --lock-timeout wants a number of seconds (like 0.5 or 30), not \"soon\"\nrun 'strata set --help' for usage\n",
      ],
    ];
    for (const [args, stderr] of cases) {
      assert.deepEqual(box.run(args), { code: 2, stdout: "", stderr }, args.join(" "));
    }
    // Other commands join the table over time: the list is checked by its start.
    const frob = box.run(["frob"]);
    assert.equal(frob.code, 2);
    assert.match(
      frob.stderr,
      /^strata: unknown command "frob"; commands: get, set, unset, list, explain, paths, .*help, version\nrun 'strata --help' for usage\n$/,
    );
    // No application named anywhere: a usage error from the library.
    const noApp = box.run(["get", "k"]);
    assert.equal(noApp.code, 2);
    assert.match(noApp.stderr, /^strata: .*--app/);
    // A key that is not a valid dotted path.
    const badKey = box.run(["--app", "demo", "get", "a..b"]);
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /^strata: invalid key "a\.\.b"/);
  } finally {
    box.cleanup();
  }
});

test("help for strata and every command, with examples; version", () => {
  const box = makeSandbox();
  try {
    const top = box.run(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^strata: /);
    for (const word of ["get", "set", "unset", "list", "explain", "paths", "Exit codes:"]) {
      assert.ok(top.stdout.includes(word), word);
    }
    for (const command of ["get", "set", "unset", "list", "explain", "paths"]) {
      const viaFlag = box.run([command, "--help"]);
      const viaHelp = box.run(["help", command]);
      assert.equal(viaFlag.code, 0);
      assert.equal(viaFlag.stdout, viaHelp.stdout);
      assert.match(viaFlag.stdout, new RegExp(`^Usage: strata .*${command}`));
      assert.match(viaFlag.stdout, /\nExamples:\n {2}strata /);
    }
    const version = box.run(["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^strata \d+\.\d+\.\d+/);
  } finally {
    box.cleanup();
  }
});

test("exit codes: 1 not found, 3 bad value, 4 lock held, 5 I/O failure, each with its message", async () => {
  const box = makeSandbox();
  try {
    const user = box.write(`${box.configHome}/demo/config.toml`, `port = 80\n`);
    assert.deepEqual(box.run(["--app", "demo", "get", "nope"]), {
      code: 1,
      stdout: "",
      stderr: "",
    });

    const typed = box.run(["--app", "demo", "set", "port", "eighty"]);
    assert.equal(typed.code, 3);
    assert.match(typed.stderr, /^strata: .*port.*integer.*\n$/);

    // A live holder (this test process, renewing its lease from another process) keeps the
    // lock: the writer gives up. `touch -c`: a touch still in flight when the loop is killed
    // must not create the lock again after it is removed.
    const lock = `${user}.lock`;
    const holder = {
      pid: process.pid,
      host: os.hostname(),
      time: new Date().toISOString(),
      program: "e2e test",
      token: "0123456789abcdef",
    };
    fs.writeFileSync(lock, JSON.stringify(holder) + "\n");
    const renewer = spawn("sh", ["-c", 'while :; do touch -c "$0"; sleep 0.05; done', lock], {
      stdio: "ignore",
    });
    const locked = box.run(["--app", "demo", "--lock-timeout", "0.3", "set", "port", "81"]);
    renewer.kill("SIGKILL");
    await new Promise((done) => renewer.on("close", done));
    fs.rmSync(lock);
    assert.equal(locked.code, 4);
    assert.match(locked.stderr, new RegExp(`^strata: .*${process.pid}.*`));
    assert.equal(box.read(user), `port = 80\n`);

    // A folder where a file should be: the write cannot happen.
    const blocker = box.write("blocker", "a file, not a folder\n");
    const io = box.run(["--file", path.join(blocker, "config.toml"), "set", "k", "v"]);
    assert.equal(io.code, 5);
    assert.match(io.stderr, /^strata: .*blocker/);
    assert.deepEqual(listFiles(path.dirname(user)), ["config.toml"]);
  } finally {
    box.cleanup();
  }
});
