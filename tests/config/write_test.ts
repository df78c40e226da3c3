// Config.set / unset over real temp folders: targets, types, refusals that
// leave the file byte for byte, comments, modes, JSON layout, symlinks.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StrataError } from "../../src/mod.ts";
import { cliHintWords } from "../../src/cli/hint_words.ts";
import { librarySandbox } from "../_support/mod.ts";

function refusedWith(code: string, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof StrataError, String(e));
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

test("set creates the user file 0600 in folders 0700, then edits it in place", async () => {
  const sb = librarySandbox();
  try {
    const config = sb.open();
    const r = await config.set("db.host", "example.org");
    assert.deepEqual(r, { file: sb.userFile, new: "example.org", type: "string", changed: true });
    assert.equal(sb.read(sb.userFile), '[db]\nhost = "example.org"\n');
    assert.equal(fs.statSync(sb.userFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(sb.userFile)).mode & 0o777, 0o700);
    assert.equal(config.get("db.host"), "example.org");
    const again = await config.set("db.host", "example.org");
    assert.deepEqual(again, {
      file: sb.userFile,
      old: "example.org",
      new: "example.org",
      type: "string",
      changed: false,
    });
    const r2 = await config.set("db.host", "other");
    assert.deepEqual(r2, {
      file: sb.userFile,
      old: "example.org",
      new: "other",
      type: "string",
      changed: true,
    });
    assert.equal(config.get("db.host"), "other");
  } finally {
    sb.cleanup();
  }
});

test("an existing file keeps its mode", async () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "a = 1\n");
    fs.chmodSync(sb.userFile, 0o644);
    await sb.open().set("a", 2);
    assert.equal(fs.statSync(sb.userFile).mode & 0o777, 0o644);
    assert.equal(sb.read(sb.userFile), "a = 2\n");
  } finally {
    sb.cleanup();
  }
});

test("comments and layout of a hand-written file survive set and unset", async () => {
  const sb = librarySandbox();
  try {
    const text = [
      "# My settings, written by hand.",
      "",
      "title = 'demo'   # keep this quote style",
      "",
      "[db]",
      "# the primary",
      'host = "a.example"  # comment after',
      "port = 5432",
      "",
    ].join("\n");
    sb.write(sb.userFile, text);
    const config = sb.open();
    await config.set("db.port", "6543", { raw: true });
    assert.equal(sb.read(sb.userFile), text.replace("port = 5432", "port = 6543"));
    await config.set("db.user", "app", { raw: true });
    assert.equal(
      sb.read(sb.userFile),
      text.replace("port = 5432", 'port = 6543\nuser = "app"'),
    );
    const removed = await config.unset("db.user");
    assert.deepEqual(removed, { file: sb.userFile, removed: true, old: "app" });
    await config.set("db.port", "5432", { raw: true });
    assert.equal(sb.read(sb.userFile), text);
    assert.deepEqual(await config.unset("db.nothing"), { file: sb.userFile, removed: false });
    assert.equal(sb.read(sb.userFile), text);
  } finally {
    sb.cleanup();
  }
});

test("a person's text is converted to the known type, or refused with the file unchanged", async () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.defaultsFile, "[db]\nport = 5432\nratio = 0.5\n");
    const text = '# hand\n[db]\nport = 1\nversion = "1.10"\nwhen = 1979-05-27\nflags = ["a"]\n';
    sb.write(sb.userFile, text);
    const before = fs.readFileSync(sb.userFile);
    const config = sb.open();
    await assert.rejects(
      config.set("db.port", "abc", { raw: true }),
      refusedWith(
        "type",
        `"abc" is not an integer: db.port is an integer (from defaults ${sb.defaultsFile}:2); ` +
          "nothing was written (write digits such as 42, -7, 1_000 or 0xff)",
      ),
    );
    await assert.rejects(
      config.set("db.port", "5", { raw: true, type: "string" }),
      refusedWith("type", /^--type string does not fit db.port: it is an integer \(from defaults /),
    );
    await assert.rejects(
      config.set("db.when", "tomorrow", { raw: true }),
      refusedWith(
        "type",
        new RegExp(
          `^"tomorrow" is not a date-time: db.when is a date-time \\(from user ${sb.userFile}:5\\); nothing was written .*` +
            'to store it as text anyway: strata set --type string db.when "tomorrow"$',
        ),
      ),
    );
    await assert.rejects(
      config.set("db.port", "5432.0", { raw: true }),
      refusedWith("type", /is not an integer/),
    );
    await assert.rejects(
      config.set("db.port", "5", { layer: "system" }),
      refusedWith("type", /"5" is not an integer: db.port is an integer/),
    );
    assert.deepEqual(fs.readFileSync(sb.userFile), before);
    assert.equal(fs.existsSync(sb.systemFile), false);

    await config.set("db.version", "1.20", { raw: true });
    await config.set("db.ratio", "3", { raw: true });
    await config.set("db.when", "2024-01-02 03:04:05Z", { raw: true });
    await config.set("db.flags", '["b", 2]', { raw: true });
    await config.set("db.on", "yes", { raw: true, type: "bool" });
    await config.set("db.count", "0x10", { raw: true, type: "int" });
    await config.set("db.note", "1.10", { raw: true });
    assert.equal(
      sb.read(sb.userFile),
      '# hand\n[db]\nport = 1\nversion = "1.20"\nwhen = 2024-01-02T03:04:05Z\nflags = ["b", 2]\nratio = 3.0\non = true\ncount = 16\nnote = "1.10"\n',
    );
    assert.equal(config.get("db.ratio"), 3);
    assert.deepEqual(config.typeOf("db.ratio"), {
      type: "float",
      source: `defaults ${sb.defaultsFile}:3`,
    });
    assert.deepEqual(config.typeOf("db.version"), {
      type: "string",
      source: `user ${sb.userFile}:4`,
    });
    // A stored type is a hint that --type may override.
    await config.set("db.when", "soon", { raw: true, type: "string" });
    assert.equal(config.get("db.when"), "soon");
  } finally {
    sb.cleanup();
  }
});

test("a program's typed value is checked against the defaults' type", async () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.defaultsFile, "port = 1\n");
    const config = sb.open();
    await assert.rejects(
      config.set("port", "5432"),
      refusedWith("type", /^"5432" is not an integer: port is an integer/),
    );
    await config.set("port", 5432);
    await config.set("big", 9007199254740993n);
    await config.set("when", new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
    await config.set("tbl", { a: [1, { b: "c" }] });
    assert.equal(
      sb.read(sb.userFile),
      'port = 5432\nbig = 9007199254740993\nwhen = 2020-01-02T03:04:05Z\n\n[tbl]\na = [1, { b = "c" }]\n',
    );
    await assert.rejects(config.set("x", null), refusedWith("usage", /a value is needed/));
  } finally {
    sb.cleanup();
  }
});

test("a file that does not parse is never written", async () => {
  const sb = librarySandbox();
  try {
    const broken = 'a = 1\nb = "unclosed\n';
    sb.write(sb.userFile, broken);
    const config = sb.open();
    // The library words what mends it without naming a command, and carries it as data.
    const mend = [
      { app: "demo", layer: "user", action: "edit" },
      { app: "demo", layer: "user", action: "restore", which: "latest" },
    ];
    await assert.rejects(config.set("a", "2", { raw: true }), (e: StrataError) => {
      assert.equal(e.code, "parse");
      assert.match(
        e.message,
        new RegExp(
          `^${sb.userFile}:2:5: .*; nothing was written .*To mend it: edit the user file of demo \\(or go back to the last good version: restore the latest backup of the user file of demo\\)$`,
        ),
      );
      assert.deepEqual(e.hints, mend);
      return true;
    });
    // The CLI's wording names its commands.
    const cli = sb.open({ hintWords: cliHintWords });
    await assert.rejects(
      cli.set("a", "2", { raw: true }),
      refusedWith(
        "parse",
        new RegExp(
          `^${sb.userFile}:2:5: .*; nothing was written .*To mend it: strata --app demo edit \\(or go back to the last good version: strata --app demo restore latest\\)$`,
        ),
      ),
    );
    await assert.rejects(config.unset("a"), refusedWith("parse", /nothing was written/));
    assert.equal(sb.read(sb.userFile), broken);
  } finally {
    sb.cleanup();
  }
});

test("--project writes the nearest project file, else creates .<app>.toml in the working directory", async () => {
  const sb = librarySandbox();
  try {
    const sub = path.join(sb.project, "sub");
    const created = await sb.open({ cwd: sub }).set("a", "1", { layer: "project", raw: true });
    assert.equal(created.file, path.join(sub, ".demo.toml"));
    assert.equal(sb.read(created.file), 'a = "1"\n');
    fs.rmSync(created.file);
    const json = sb.write(
      path.join(sb.project, ".demo.json"),
      '{\n    "z": 1,\n    "a": {\n        "b": true\n    }\n}\n',
    );
    const deeper = sb.open({ cwd: path.join(sub, "deeper") });
    const r = await deeper.set("a.c", "x", { layer: "project", raw: true });
    assert.equal(r.file, json);
    assert.equal(
      sb.read(json),
      '{\n    "z": 1,\n    "a": {\n        "b": true,\n        "c": "x"\n    }\n}\n',
    );
    await deeper.set("z", "2", { layer: "project", raw: true });
    await deeper.set("y", "1.5", { layer: "project", raw: true, type: "float" });
    assert.equal(
      sb.read(json),
      '{\n    "z": 2,\n    "a": {\n        "b": true,\n        "c": "x"\n    },\n    "y": 1.5\n}\n',
    );
    await deeper.unset("a", { layer: "project" });
    assert.equal(sb.read(json), '{\n    "z": 2,\n    "y": 1.5\n}\n');
    assert.equal(deeper.get("z"), 2);
  } finally {
    sb.cleanup();
  }
});

test("--system writes the first system folder", async () => {
  const sb = librarySandbox();
  try {
    const r = await sb.open().set("k", "v", { layer: "system" });
    assert.equal(r.file, sb.systemFile);
    assert.equal(sb.open().resolve("k")?.origin.layer, "system");
  } finally {
    sb.cleanup();
  }
});

test("a symlinked config is written through: the link stays a link", async () => {
  const sb = librarySandbox();
  try {
    const real = sb.write(path.join(sb.dir, "dotfiles", "demo.toml"), "# managed by stow\na = 1\n");
    fs.mkdirSync(path.dirname(sb.userFile), { recursive: true });
    fs.symlinkSync(real, sb.userFile);
    const config = sb.open();
    assert.equal(config.get("a"), 1);
    await config.set("a", 2);
    assert.ok(fs.lstatSync(sb.userFile).isSymbolicLink());
    assert.equal(sb.read(real), "# managed by stow\na = 2\n");
    assert.equal(config.get("a"), 2);
    assert.deepEqual(fs.readdirSync(path.dirname(real)), ["demo.toml"]);
  } finally {
    sb.cleanup();
  }
});

test("file mode: one file, no layers; --project refused", async () => {
  const sb = librarySandbox();
  try {
    const file = sb.write(path.join(sb.dir, "one.json"), '{"a": 1}\n');
    const config = sb.open({ app: undefined, file, env: { ...sb.env, DEMO_A: "2" } });
    assert.equal(config.get("a"), 1);
    assert.deepEqual(config.layers().map((l) => l.layer), ["command-line", "file"]);
    assert.deepEqual(config.resolve("a")?.origin, { layer: "file", file, line: 1 });
    await config.set("b.c", "x", { raw: true });
    assert.equal(sb.read(file), '{"a": 1, "b": {"c": "x"}}\n');
    await assert.rejects(
      config.set("a", 2, { layer: "project" }),
      refusedWith("usage", /--project does not apply with --file/),
    );
    assert.equal(config.stateDir, path.join(sb.dir, "state", "strata", "_shared"));
    const overridden = sb.open({ app: undefined, file, overrides: ["a=5"] });
    assert.equal(overridden.get("a"), 5);
  } finally {
    sb.cleanup();
  }
});

test("a long-lived Config sees changes made by others", async () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "a = 1\n");
    const config = sb.open();
    assert.equal(config.get("a"), 1);
    fs.writeFileSync(sb.userFile, "a = 22\n");
    assert.equal(config.get("a"), 22);
    await sb.open().set("a", 3);
    assert.equal(config.get("a"), 3);
    fs.rmSync(sb.userFile);
    assert.equal(config.get("a"), undefined);
    sb.write(path.join(sb.project, ".demo.toml"), "a = 4\n");
    assert.equal(config.get("a"), 4);
  } finally {
    sb.cleanup();
  }
});

test("a file that does not parse falls back to its newest backup that parses, warning once", async () => {
  const sb = librarySandbox();
  try {
    const config = sb.open();
    await config.set("a", 1);
    await config.set("a", 2); // the backup now holds a = 1
    fs.writeFileSync(sb.userFile, "a = 2\nb = [\n");
    const reader = sb.open({ hintWords: cliHintWords });
    assert.equal(reader.get("a"), 1);
    const r = reader.resolve("a")!;
    assert.equal(r.origin.layer, "user");
    assert.match(
      r.origin.file!,
      /\/state\/strata\/_shared\/backups\/config\.toml-[0-9a-f]{8}\/\d{8}T\d{6}\.\d{3}Z-\d+\.toml$/,
    );
    const warnings = reader.warnings();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      new RegExp(
        `^${sb.userFile}:3:1: .*; using its backup of \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\(.*\\) instead\\. ` +
          "To mend it: strata --app demo edit \\(or go back to the last good version: strata --app demo restore latest\\)\\.$",
      ),
    );
    reader.get("a");
    assert.deepEqual(reader.warnings(), []);
    const walk = reader.explain("a").walk.find((s) => s.layer === "user")!;
    assert.equal(walk.status, "set");
    assert.match(walk.detail!, /read from the backup .* does not parse/);
  } finally {
    sb.cleanup();
  }
});

test("a file that does not parse and has no backup: reads fail with where and how to mend", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "a = \n");
    const config = sb.open({ hintWords: cliHintWords });
    assert.throws(
      () => config.get("a"),
      refusedWith(
        "parse",
        new RegExp(`^${sb.userFile}:1:5: .*no backup of it parses either.*strata --app demo edit`),
      ),
    );
    assert.throws(() => config.get("a"), (e: StrataError) => {
      assert.deepEqual(e.hints, [{ app: "demo", layer: "user", action: "edit" }]);
      return true;
    });
    const step = config.explain("a").walk.find((s) => s.layer === "user")!;
    assert.equal(step.status, "unreadable");
    assert.match(step.detail!, /no backup of it parses either/);
  } finally {
    sb.cleanup();
  }
});

test("a key named __proto__ is an ordinary key", async () => {
  const sb = librarySandbox();
  try {
    const config = sb.open();
    await config.set('"__proto__".x', "1", { raw: true });
    assert.deepEqual(config.get('"__proto__"'), { x: "1" });
    assert.equal(({} as Record<string, unknown>).x, undefined);
  } finally {
    sb.cleanup();
  }
});

test("a set on a big file leaves the parsed-values cache of the new text", async () => {
  const sb = librarySandbox();
  try {
    const { readCachedValues } = await import("../../src/layers/parse_cache.ts");
    const { parse } = await import("../../src/toml/parse.ts");
    const lines = ["[t]"];
    for (let i = 0; i < 2500; i++) lines.push(`k${i} = "value ${i}"`);
    sb.write(sb.userFile, lines.join("\n") + "\n");
    const config = sb.open();
    await config.set("t.k0", "changed");
    await config.set("big", 9007199254740993n);
    const text = sb.read(sb.userFile);
    const cached = readCachedValues(sb.stateDir, sb.userFile, text);
    assert.deepEqual(cached?.values, parse(text));
    assert.equal(config.get("t.k0"), "changed");
    await config.unset("t.k1");
    const after = sb.read(sb.userFile);
    assert.deepEqual(
      readCachedValues(sb.stateDir, sb.userFile, after)?.values,
      parse(after),
    );
  } finally {
    sb.cleanup();
  }
});

test("a set edits the document read before the lock; a file changed meanwhile is parsed again", async () => {
  using sb = librarySandbox();
  sb.write(sb.userFile, "# by hand\na = 1 # note\n");
  const config = sb.open();
  await config.set("b", 2);
  assert.equal(sb.read(sb.userFile), "# by hand\na = 1 # note\nb = 2\n");
  // Another writer between the read and the lock: the edit starts from what the lock finds.
  const other = sb.open();
  const pending = config.set("c", 3);
  fs.writeFileSync(sb.userFile, "# rewritten\nz = 0\n");
  await pending;
  await other.set("d", 4);
  assert.equal(sb.read(sb.userFile), "# rewritten\nz = 0\nc = 3\nd = 4\n");
  assert.deepEqual(config.values(), { z: 0, c: 3, d: 4 });
});

test("set and unset say which other layer decides the key", async () => {
  using sb = librarySandbox();
  sb.write(sb.defaultsFile, 'port = 1\nhost = "d"\n');
  const env = { ...sb.env, DEMO_PORT: "2" };
  const config = sb.open({ env });
  const shadowed = await config.set("port", 3);
  assert.equal(shadowed.decidedBy, "environment");
  assert.equal(config.get("port"), 2);
  const free = await config.set("host", "u");
  assert.equal(free.decidedBy, undefined);
  const removed = await config.unset("host");
  assert.equal(removed.removed, true);
  assert.equal(removed.decidedBy, "defaults");
  const absent = await config.unset("nothing");
  assert.deepEqual(absent, { file: sb.userFile, removed: false });
});

test("onlyIf: a compare-and-set checked under the lock; a change made meanwhile is never overwritten", async () => {
  using sb = librarySandbox();
  sb.write(sb.userFile, "a = 1 # kept\n");
  const config = sb.open();
  const conflict = (current: unknown) => (e: unknown) => {
    assert.ok(e instanceof StrataError, String(e));
    assert.equal(e.code, "conflict");
    assert.equal((e as { current?: unknown }).current, current);
    return true;
  };
  // Accepted: written.
  await config.set("a", 2, { onlyIf: (current) => current === 1 });
  assert.equal(sb.read(sb.userFile), "a = 2 # kept\n");
  // Another writer between the read and the lock: refused, their value stays.
  const pending = config.set("a", 3, { onlyIf: (current) => current === 2 });
  fs.writeFileSync(sb.userFile, "a = 9\n");
  await assert.rejects(pending, conflict(9));
  assert.equal(sb.read(sb.userFile), "a = 9\n");
  // A key that is absent is `undefined` to the check.
  await assert.rejects(
    config.set("b", 1, { onlyIf: (current) => current === 5 }),
    conflict(undefined),
  );
  await config.set("b", 1, { onlyIf: (current) => current === undefined });
  // Unset: the same check, under the lock.
  await assert.rejects(config.unset("a", { onlyIf: (current) => current === 2 }), conflict(9));
  assert.equal(sb.read(sb.userFile), "a = 9\nb = 1\n");
  assert.equal((await config.unset("a", { onlyIf: (current) => current === 9 })).removed, true);
  assert.equal(sb.read(sb.userFile), "b = 1\n");
  // No file at all: nothing to remove, and a check that wanted a value is a conflict.
  const project = sb.open();
  await assert.rejects(
    project.unset("b", { layer: "project", onlyIf: (current) => current === 1 }),
    conflict(undefined),
  );
  assert.equal((await project.unset("b", { layer: "project", onlyIf: () => true })).removed, false);
});
