// End to end: undo of a set and of an unset, undo refused when the key
// changed since, history and diff of what happened, backups listed.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeSandbox } from "../_support/mod.ts";

test("undo reverts a set and an unset; history and diff show the changes", () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    const user = box.write(
      `${box.configHome}/demo/config.toml`,
      '# by hand\n[db]\nhost = "db1" # primary\nport = 5432\n',
    );
    const original = box.read(user);
    assert.equal(box.run([...app, "set", "db.port", "6543"]).code, 0);
    assert.equal(box.run([...app, "unset", "db.host"]).code, 0);

    const history = box.run([...app, "history"]);
    assert.equal(history.code, 0, history.stderr);
    const lines = history.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.match(
      lines[0],
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}user {2}db\.port: 5432 -> 6543 +strata set +\S+@\S+$/,
    );
    assert.match(lines[1], /user {2}db\.host removed \(was "db1"\) +strata unset /);
    assert.equal(JSON.parse(box.run([...app, "history", "db.port", "--json"]).stdout).length, 1);

    const diff = box.run([...app, "diff"]);
    assert.equal(diff.code, 0);
    assert.match(
      diff.stdout,
      /^--- \S+ \(backup of .*\)\n\+\+\+ current \(.*\)\n- db\.host = "db1"\n$/,
    );

    // Undo the unset: db.host is back, with its comment-free value.
    const undo1 = box.run([...app, "undo"]);
    assert.equal(undo1.code, 0, undo1.stderr);
    assert.match(
      undo1.stdout,
      /^undid 1 change of .* \(strata unset at .* UTC\)\n {2}db\.host = "db1" \(was \(absent\)\)\n$/,
    );
    assert.equal(box.run([...app, "get", "db.host"]).stdout, "db1\n");
    // Undo the set: the port is the integer 5432 again.
    const undo2 = box.run([...app, "undo", "--json"]);
    assert.equal(undo2.code, 0, undo2.stderr);
    assert.deepEqual(JSON.parse(undo2.stdout).keys, [{ key: "db.port", old: 6543, new: 5432 }]);
    assert.equal(box.run([...app, "get", "db.port", "--json"]).stdout, "5432\n");
    // The person's layout stays; the re-added key goes back into its table
    // (its comment left with the unset).
    assert.equal(box.read(user), '# by hand\n[db]\nport = 5432\nhost = "db1"\n');
    assert.notEqual(box.read(user), original);

    // Nothing left to undo: exit 1.
    const none = box.run([...app, "undo"]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^strata: nothing to undo/);
    // The undos are journaled as undos.
    const all = JSON.parse(box.run([...app, "history", "--json"]).stdout);
    assert.deepEqual(all.map((e: { action?: string }) => e.action ?? "set"), [
      "set",
      "set",
      "undo",
      "undo",
    ]);
    assert.equal(JSON.parse(box.run([...app, "backups", "--json"]).stdout).length, 4);
  } finally {
    box.cleanup();
  }
});

test("undo refuses, writing nothing, when the key changed since", () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "color", "red"]).code, 0);
    assert.equal(box.run([...app, "set", "color", "blue"]).code, 0);
    const user = `${box.configHome}/demo/config.toml`;
    fs.writeFileSync(user, 'color = "green"\n');
    const undo = box.run([...app, "undo"]);
    assert.equal(undo.code, 3);
    assert.match(
      undo.stderr,
      /^strata: cannot undo the change of color made at .* by strata set: color changed since \(it is "green", the change wrote "blue"\); nothing was undone/,
    );
    assert.equal(box.read(user), 'color = "green"\n');
    const two = box.run([...app, "undo", "2"]);
    assert.equal(two.code, 3);
    const bad = box.run([...app, "undo", "zero"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /N is a number of changes/);
  } finally {
    box.cleanup();
  }
});

test("a bare undo reverts the most recent change, whichever layer it went to", () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "a", "user"]).code, 0);
    assert.equal(box.run([...app, "set", "--project", "a", "project"]).code, 0);
    const first = box.run([...app, "undo"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /\.demo\.toml/);
    assert.equal(box.run([...app, "get", "a"]).stdout, "user\n");
    const second = box.run([...app, "undo"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /config\.toml/);
    assert.equal(box.run([...app, "get", "a"]).code, 1);
    assert.equal(box.run([...app, "undo", "--project"]).code, 1);
  } finally {
    box.cleanup();
  }
});
