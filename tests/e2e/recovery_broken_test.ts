// End to end: a broken hand edit. Reads fall back to the newest backup that
// parses with one located warning that names the mending commands; writes
// refuse and leave the bytes as they are; `restore latest` mends it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeSandbox } from "../_support/mod.ts";

test("a broken hand edit: reads fall back, writes refuse, restore latest mends", () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "db.host", "db1"]).code, 0);
    assert.equal(box.run([...app, "set", "db.port", "5432", "--type", "int"]).code, 0);
    const user = `${box.configHome}/demo/config.toml`;
    const good = box.read(user);
    // A person saves half an edit.
    const broken = good.replace('host = "db1"', 'host = "db2');
    fs.writeFileSync(user, broken);
    const bytes = fs.readFileSync(user);

    // A cron job's read keeps working, from the newest backup that parses.
    const get = box.run([...app, "get", "db.host"]);
    assert.equal(get.code, 0);
    assert.equal(get.stdout, "db1\n");
    const warnings = get.stderr.split("\n").filter((l) => l.startsWith("strata: warning:"));
    assert.equal(warnings.length, 1, get.stderr);
    assert.match(
      warnings[0],
      new RegExp(`^strata: warning: ${user}:2:8: .*; using its backup of .* instead\\.`),
    );
    assert.match(
      warnings[0],
      /To mend it: strata --app demo edit \(or go back to the last good version: strata --app demo restore latest\)/,
    );
    // The newest backup holds db.host only (the version before db.port was set).
    assert.equal(box.run([...app, "get", "db.port"]).code, 1);

    // Every write refuses and leaves the bytes untouched.
    for (const args of [["set", "db.host", "x"], ["unset", "db.host"], ["undo"]]) {
      const w = box.run([...app, ...args]);
      assert.equal(w.code, 3, `${args.join(" ")}: ${w.stderr}`);
      assert.match(w.stderr, new RegExp(`${user}:2:8: `));
      assert.deepEqual(fs.readFileSync(user), bytes);
    }

    // doctor names the problem and the mend.
    const doctor = box.run([...app, "doctor"]);
    assert.equal(doctor.code, 3);
    assert.match(doctor.stdout, new RegExp(`problem \\[user parse\\] ${user}: ${user}:2:8: `));
    assert.match(
      doctor.stdout,
      /mend: strata --app demo edit \(fix it by hand\), or strata --app demo restore latest/,
    );

    // diff --text shows the broken line; diff by key cannot.
    const text = box.run([...app, "diff", "--text"]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^\+host = "db2$/m);
    assert.equal(box.run([...app, "diff"]).code, 3);

    // restore latest mends it; the broken text is kept as a backup.
    const restore = box.run([...app, "restore", "latest"]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /^restored .* from backup \S+ \(taken .* UTC\)\n/);
    assert.match(restore.stdout, /the text that did not parse is kept as backup (\S+)\n/);
    // The change journaled after that backup (db.port) is named: it is not in it.
    assert.match(restore.stderr, /not in it:\n {2}db\.port = 5432 \(new\) {2}\(strata set, /);
    // The read warning about the file restore mends is not repeated.
    assert.doesNotMatch(restore.stderr, /warning/);
    const after = box.run([...app, "get", "db.host"]);
    assert.equal(after.code, 0);
    assert.equal(after.stdout, "db1\n");
    assert.equal(after.stderr, "");
    const listed = JSON.parse(box.run([...app, "backups", "--json"]).stdout);
    assert.equal(fs.readFileSync(listed[0].path, "utf8"), broken);
    assert.equal(listed[0].valid, false);
    assert.equal(listed[0].program, "strata set, then by hand");
    assert.equal(box.run([...app, "doctor"]).code, 0);
    assert.equal(box.run([...app, "set", "db.port", "6543"]).code, 0);
  } finally {
    box.cleanup();
  }
});
