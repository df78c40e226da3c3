// End-to-end: writing through the real CLI (set, unset): hand-written files
// keep their comments, types are converted or refused with the file left
// byte for byte unchanged, --file mode, JSON files, broken files.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { listFiles, makeSandbox } from "../_support/mod.ts";

const HAND_WRITTEN = `# Demo settings, written by hand.
title = "demo"   # shown in the window title

[db]
# the primary
host = "localhost"
port = 5432 # default postgres port

# retries before giving up
retries = 3
`;

test("set and unset keep a hand-written file's comments and layout", () => {
  const box = makeSandbox();
  try {
    const user = box.write(`${box.configHome}/demo/config.toml`, HAND_WRITTEN);
    fs.chmodSync(user, 0o640);
    const set = box.run(["--app", "demo", "set", "db.host", "db.example"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, `db.host = "db.example"  (user: ${user})\n`);
    const unset = box.run(["unset", "db.retries", "--app", "demo"]);
    assert.equal(unset.code, 0, unset.stderr);
    assert.equal(unset.stdout, `removed db.retries (was 3)  (user: ${user})\n`);
    const added = box.run(["--app", "demo", "set", "db.user", "app"]);
    assert.equal(added.code, 0, added.stderr);
    const text = box.read(user);
    assert.equal(
      text,
      `# Demo settings, written by hand.
title = "demo"   # shown in the window title

[db]
# the primary
host = "db.example"
port = 5432 # default postgres port
user = "app"

# retries before giving up
`,
    );
    // Unsetting what is not there: exit 1, file untouched.
    const again = box.run(["--app", "demo", "unset", "db.retries"]);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, "");
    assert.match(again.stderr, /^strata: db\.retries is not set in the user layer/);
    assert.equal(box.read(user), text);
    // No lock or temp file is left beside the file.
    assert.deepEqual(listFiles(path.dirname(user)), ["config.toml"]);
    // The existing file keeps its mode.
    assert.equal(fs.statSync(user).mode & 0o777, 0o640);
  } finally {
    box.cleanup();
  }
});

test("a value is converted to the key's known type, or refused with the file unchanged", () => {
  const box = makeSandbox();
  try {
    const defaults = box.write("defaults.toml", `[server]\nport = 8080\nratio = 0.5\n`);
    const user = box.write(`${box.configHome}/demo/config.toml`, `version = "1.10"\n`);
    const app = ["--app", "demo", "--defaults", defaults];
    const before = fs.readFileSync(user);

    const refused = box.run([...app, "set", "server.port", "abc"]);
    assert.equal(refused.code, 3);
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /^strata: .*server\.port.*integer/);
    assert.deepEqual(fs.readFileSync(user), before);

    const badType = box.run([...app, "set", "x", "1", "--type", "number"]);
    assert.equal(badType.code, 2);
    assert.equal(
      badType.stderr,
      `strata: unknown --type "number"; use one of int, float, bool, string, date, json\n` +
        `run 'strata set --help' for usage\n`,
    );
    assert.deepEqual(fs.readFileSync(user), before);

    for (
      const args of [
        ["server.port", "9090"], // integer, from the defaults
        ["server.ratio", "2"], // float, from the defaults
        ["version", "1.20"], // a string stays a string (no guessing)
        ["plain", "1.10"], // no known type: a string
        ["offset", "-5", "--type", "int"],
        ["flags", '["a", "b"]', "--type", "json"],
        ["on", "yes", "--type", "bool"],
        ["day", "2024-02-29", "--type", "date"],
      ]
    ) {
      const result = box.run([...app, "set", ...args]);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    }
    assert.equal(
      box.read(user),
      `version = "1.20"\n` +
        `plain = "1.10"\n` +
        `offset = -5\n` +
        `flags = ["a", "b"]\n` +
        `on = true\n` +
        `day = 2024-02-29\n` +
        `\n[server]\nport = 9090\nratio = 2.0\n`,
    );

    // An environment value of the wrong type is refused too, naming the variable.
    const env = box.run([...app, "get", "server.port"], { env: { DEMO_SERVER__PORT: "eighty" } });
    assert.equal(env.code, 3);
    assert.match(env.stderr, /DEMO_SERVER__PORT/);
    // And a --set item, naming it.
    const arg = box.run([...app, "--set", "server.port=x", "get", "server.port"]);
    assert.equal(arg.code, 3);
    assert.match(arg.stderr, /server\.port=x|server\.port/);
  } finally {
    box.cleanup();
  }
});

test("set refuses to write over a file that does not parse (exit 3, bytes unchanged, line and column)", () => {
  const box = makeSandbox();
  try {
    const broken = `[db]\nhost = "localhost"\nport = = 5\n`;
    const user = box.write(`${box.configHome}/demo/config.toml`, broken);
    const result = box.run(["--app", "demo", "set", "db.host", "x"]);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^strata: .*config\.toml:3:8: expected a value/);
    assert.equal(box.read(user), broken);
    assert.deepEqual(listFiles(path.dirname(user)), ["config.toml"]);

    const file = box.write("broken.json", `{"a": 1,}`);
    const json = box.run(["--file", file, "set", "a", "2"]);
    assert.equal(json.code, 3);
    assert.match(json.stderr, /broken\.json:1:\d+: /);
    assert.equal(box.read(file), `{"a": 1,}`);
  } finally {
    box.cleanup();
  }
});

test("--file works on one explicit file with no layers; a JSON file keeps its order and indent", () => {
  const box = makeSandbox();
  try {
    box.write(`${box.configHome}/demo/config.toml`, `a = "user layer"\n`);
    const toml = box.write("work/settings.toml", `# one file\na = "file"\n`);
    const env = { STRATA_APP: "demo", DEMO_A: "environment" };
    assert.deepEqual(box.run(["--file", toml, "get", "a"], { env }), {
      code: 0,
      stdout: "file\n",
      stderr: "",
    });
    const set = box.run(["--file", toml, "set", "b.c", "new"], { env });
    assert.equal(set.code, 0, set.stderr);
    assert.equal(box.read(toml), `# one file\na = "file"\n\n[b]\nc = "new"\n`);
    // A new file in --file mode is created (readable by its owner only).
    const fresh = path.join(box.root, "work", "fresh.toml");
    assert.equal(box.run(["--file", fresh, "set", "k", "v"]).code, 0);
    assert.equal(box.read(fresh), `k = "v"\n`);
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);

    const json = box.write(
      "work/settings.json",
      `{\n    "zeta": 1,\n    "alpha": {\n        "port": 80\n    },\n    "mid": "x"\n}\n`,
    );
    assert.equal(box.run(["--file", json, "set", "alpha.port", "81"]).code, 0);
    assert.equal(box.run(["--file", json, "set", "alpha.host", "h"]).code, 0);
    assert.equal(box.run(["--file", json, "unset", "mid"]).code, 0);
    assert.equal(
      box.read(json),
      `{\n    "zeta": 1,\n    "alpha": {\n        "port": 81,\n        "host": "h"\n    }\n}\n`,
    );
    const list = box.run(["--file", json, "list"]);
    assert.deepEqual(list, {
      code: 0,
      stdout: `alpha.host = "h"\nalpha.port = 81\nzeta = 1\n`,
      stderr: "",
    });
    assert.deepEqual(listFiles(path.join(box.root, "work")), [
      "fresh.toml",
      "settings.json",
      "settings.toml",
    ]);
  } finally {
    box.cleanup();
  }
});

test("set --project and --system write those layers; a higher layer still deciding is noted", () => {
  const box = makeSandbox();
  try {
    const sub = path.join(box.project, "a", "b");
    fs.mkdirSync(sub, { recursive: true });
    const project = box.write(`${box.project}/.demo.toml`, `# project\n`);
    const p = box.run(["--app", "demo", "set", "--project", "k", "p"], { cwd: sub });
    assert.equal(p.code, 0, p.stderr);
    assert.equal(box.read(project), `# project\nk = "p"\n`);
    const s = box.run(["--app", "demo", "set", "k", "s", "--system"], { cwd: sub });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(box.read(`${box.systemDir}/demo/config.toml`), `k = "s"\n`);
    assert.match(s.stderr, /^strata: note: k is still decided by the project layer/);
    const both = box.run(["--app", "demo", "set", "k", "v", "--system", "--project"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /cannot be used together/);
  } finally {
    box.cleanup();
  }
});

test("a symlinked config file (dotfile managers) is written through: the link stays a link", () => {
  const box = makeSandbox();
  try {
    const target = box.write("dotfiles/demo.toml", `# managed by stow\nport = 80\n`);
    fs.mkdirSync(path.join(box.configHome, "demo"), { recursive: true });
    const link = path.join(box.configHome, "demo", "config.toml");
    fs.symlinkSync(target, link);
    const result = box.run(["--app", "demo", "set", "port", "81"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
    assert.equal(fs.readlinkSync(link), target);
    assert.equal(box.read(target), `# managed by stow\nport = 81\n`);
    assert.deepEqual(listFiles(path.dirname(target)), ["demo.toml"]);
    assert.deepEqual(listFiles(path.dirname(link)), ["config.toml"]);
  } finally {
    box.cleanup();
  }
});

test("unset names the layer that still sets the key, or where it is set when not in this layer", () => {
  using box = makeSandbox();
  box.write(`${box.dataDir}/demo/defaults.toml`, `port = 80\n`);
  box.write(`${box.configHome}/demo/config.toml`, `port = 81\n`);
  const removed = box.run(["--app", "demo", "unset", "port"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /^removed port \(was 81\)/);
  assert.match(
    removed.stderr,
    /^strata: note: port is still 80 from defaults .*defaults\.toml:1\n$/,
  );
  const absent = box.run(["--app", "demo", "unset", "port"], { env: { DEMO_PORT: "82" } });
  assert.equal(absent.code, 1);
  assert.match(absent.stderr, /port is not set in the user layer .*; it is set in environment/);
  const nowhere = box.run(["--app", "demo", "unset", "other"]);
  assert.equal(nowhere.code, 1);
  assert.doesNotMatch(nowhere.stderr, /it is set in/);
});
