// End to end: help of every recovery command, doctor (find, --fix, --json),
// --file mode, empty states and their exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeSandbox } from "../_support/mod.ts";

const COMMANDS = ["backups", "restore", "undo", "history", "diff", "edit", "doctor"];

test("every recovery command has help with examples", () => {
  const box = makeSandbox();
  try {
    for (const name of COMMANDS) {
      const r = box.run([name, "--help"]);
      assert.equal(r.code, 0, name);
      assert.match(r.stdout, new RegExp(`^Usage: strata .*${name}`), name);
      assert.match(r.stdout, /\nExamples:\n {2}strata /, name);
    }
    const overview = box.run(["--help"]).stdout;
    for (const name of COMMANDS) assert.match(overview, new RegExp(`\n {2}${name} +\\S`), name);
  } finally {
    box.cleanup();
  }
});

test("empty states: no backups, no history, nothing to diff or restore", () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    const backups = box.run([...app, "backups"]);
    assert.equal(backups.code, 0);
    assert.equal(backups.stdout, "");
    assert.match(backups.stderr, /has no backups yet/);
    assert.equal(box.run([...app, "backups", "--json"]).stdout, "[]\n");
    const history = box.run([...app, "history"]);
    assert.equal(history.code, 0);
    assert.match(history.stderr, /^strata: no change is journaled yet\n$/);
    assert.equal(box.run([...app, "history", "--json"]).stdout, "[]\n");
    assert.equal(box.run([...app, "diff"]).code, 1);
    const restore = box.run([...app, "restore", "latest"]);
    assert.equal(restore.code, 1);
    assert.match(restore.stderr, /has no backup that parses yet/);
    assert.equal(box.run([...app, "restore"]).code, 2);
    assert.equal(box.run([...app, "undo"]).code, 1);
    assert.equal(box.run([...app, "doctor"]).code, 0);
  } finally {
    box.cleanup();
  }
});

test("doctor finds, --fix mends, --json reports", { skip: process.platform === "win32" }, () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
    assert.equal(box.run([...app, "set", "a", "2"]).code, 0);
    const user = `${box.configHome}/demo/config.toml`;
    fs.chmodSync(user, 0o664);
    fs.writeFileSync(
      `${user}.lock`,
      JSON.stringify({ pid: 999999, host: os.hostname(), time: "", program: "x", token: "t" }),
      { mode: 0o600 },
    );
    fs.writeFileSync(path.join(path.dirname(user), ".config.toml.999999.0a1b.tmp"), "half");
    const found = box.run([...app, "doctor", "--json"]);
    assert.equal(found.code, 3);
    const report = JSON.parse(found.stdout);
    assert.deepEqual(
      report.findings.map((f: { check: string; fixable: boolean }) => [f.check, f.fixable]),
      [["permissions", true], ["lock", true], ["temp", true]],
    );
    // While the stale lock is there, a write still succeeds: the lock protocol breaks it.
    const fixed = box.run([...app, "doctor", "--fix"]);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, /\nhealthy \(3 problems fixed\)\n$/);
    assert.equal(fs.statSync(user).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(path.dirname(user)), ["config.toml"]);
    assert.equal(box.run([...app, "doctor"]).code, 0);
  } finally {
    box.cleanup();
  }
});

test("--file mode: backups, undo, restore and history work on that one file", () => {
  const box = makeSandbox();
  try {
    const file = box.write("settings.json", '{\n  "port": 80\n}\n');
    const f = ["--file", file];
    assert.equal(box.run([...f, "set", "port", "81"]).code, 0);
    assert.equal(box.run([...f, "set", "port", "82"]).code, 0);
    assert.equal(JSON.parse(box.run([...f, "backups", "--json"]).stdout).length, 2);
    const undo = box.run([...f, "undo"]);
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(box.read(file), '{\n  "port": 81\n}\n');
    const restore = box.run([...f, "restore", "latest"]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(box.read(file), '{\n  "port": 82\n}\n');
    assert.equal(box.run([...f, "backups", "--project"]).code, 2);
    assert.equal(JSON.parse(box.run([...f, "history", "--json"]).stdout).length, 4);
    assert.ok(fs.existsSync(path.join(box.stateHome, "strata", "_shared", "journal")));
  } finally {
    box.cleanup();
  }
});

test("doctor reports a lock that does not change while it watches, by strata's own lock.stale_ms", () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
    const user = `${box.configHome}/demo/config.toml`;
    // A lock held by a live process (this test's runner) on this host, that nobody renews.
    fs.writeFileSync(
      `${user}.lock`,
      JSON.stringify({ pid: process.pid, host: os.hostname(), time: "", program: "x", token: "t" }),
      { mode: 0o600 },
    );
    const past = new Date(Date.now() - 10_000);
    fs.utimesSync(`${user}.lock`, past, past);
    const found = box.run([...app, "doctor"]);
    assert.equal(found.code, 3);
    assert.match(
      found.stdout,
      /problem \[user lock\] .*: lock .*config\.toml\.lock held by process \d+ on .* \(x\), dated .*, did not change while doctor watched it \(\d+(\.\d)? s\): a live writer renews it; if none is running it blocks writers until one has seen it unchanged for 30 s\n {2}mend: strata --app demo doctor --fix \(watches it for up to 30 s and breaks it if it stays unchanged\)/,
    );
    const strict = box.run([...app, "doctor"], { env: { STRATA_LOCK__STALE_MS: "5000" } });
    assert.equal(strict.code, 3);
    assert.match(strict.stdout, /until one has seen it unchanged for 5 s\n/);
  } finally {
    box.cleanup();
  }
});
