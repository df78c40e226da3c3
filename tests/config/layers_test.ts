// The waterfall over real temp folders: each layer wins over the one below,
// provenance (file and line, variable, --set item), merging, explain, list.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StrataError } from "../../src/mod.ts";
import { librarySandbox } from "../_support/mod.ts";

test("every layer wins over the one below it", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.defaultsFile, '# shipped\nk = "defaults"\n');
    sb.write(sb.systemFile, '\nk = "system"\n');
    sb.write(sb.userFile, '\n\nk = "user"\n');
    const projectFile = sb.write(path.join(sb.project, ".demo.toml"), '\n\n\nk = "project"\n');
    const env = { ...sb.env, DEMO_K: "environment" };
    const all = sb.open({ env, overrides: ["k=command line"] });
    assert.deepEqual(all.resolve("k"), {
      key: "k",
      path: ["k"],
      value: "command line",
      origin: { layer: "command-line", arg: "k=command line" },
    });
    assert.deepEqual(sb.open({ env }).resolve("k")?.origin, {
      layer: "environment",
      env: "DEMO_K",
    });
    assert.deepEqual(sb.open().resolve("k")?.origin, {
      layer: "project",
      file: projectFile,
      line: 4,
    });
    fs.rmSync(projectFile);
    assert.deepEqual(sb.open().resolve("k")?.origin, { layer: "user", file: sb.userFile, line: 3 });
    fs.rmSync(sb.userFile);
    assert.deepEqual(sb.open().resolve("k")?.origin, {
      layer: "system",
      file: sb.systemFile,
      line: 2,
    });
    fs.rmSync(sb.systemFile);
    assert.deepEqual(sb.open().resolve("k"), {
      key: "k",
      path: ["k"],
      value: "defaults",
      origin: { layer: "defaults", file: sb.defaultsFile, line: 2 },
    });
    fs.rmSync(sb.defaultsFile);
    assert.equal(sb.open().get("k"), undefined);
    assert.equal(sb.open().resolve("k"), undefined);
  } finally {
    sb.cleanup();
  }
});

test("the system layer: first $XDG_CONFIG_DIRS entry holding a file wins", () => {
  const sb = librarySandbox();
  try {
    const second = path.join(sb.dir, "etc2");
    sb.write(path.join(second, "demo", "config.json"), '{"k": "second"}');
    const env = { ...sb.env, XDG_CONFIG_DIRS: `${sb.env.XDG_CONFIG_DIRS}:${second}` };
    assert.equal(sb.open({ env }).get("k"), "second");
    sb.write(sb.systemFile, 'k = "first"\n');
    assert.equal(sb.open({ env }).get("k"), "first");
  } finally {
    sb.cleanup();
  }
});

test("tables merge key by key; arrays and scalars replace", () => {
  const sb = librarySandbox();
  try {
    sb.write(
      sb.defaultsFile,
      '[db]\nhost = "d"\nport = 1\nopts = ["a", "b"]\n[db.pool]\nsize = 4\n',
    );
    sb.write(sb.userFile, '[db]\nhost = "u"\nopts = ["c"]\n');
    const config = sb.open({ overrides: ["db.pool.size=9"] });
    assert.deepEqual(config.get("db"), { host: "u", port: 1, opts: ["c"], pool: { size: 9 } });
    assert.deepEqual(
      config.list("db").map((r) => [r.key, r.value, r.origin.layer, r.origin.line]),
      [
        ["db.host", "u", "user", 2],
        ["db.opts", ["c"], "user", 3],
        ["db.pool.size", 9, "command-line", undefined],
        ["db.port", 1, "defaults", 3],
      ],
    );
    // A scalar above hides a table below; a person's text for a table is refused.
    assert.throws(
      () => sb.open({ overrides: ["db=none"] }).get("db"),
      /"none" is not an array or table/,
    );
    sb.write(sb.userFile, 'db = "none"\n');
    const flat = sb.open();
    assert.equal(flat.get("db"), "none");
    assert.equal(flat.get("db.host"), undefined);
    assert.deepEqual(flat.list().map((r) => r.key), ["db"]);
  } finally {
    sb.cleanup();
  }
});

test("project file found from a subfolder, nearest first", () => {
  const sb = librarySandbox();
  try {
    const top = sb.write(path.join(sb.project, ".demo.toml"), 'a = "top"\nb = "top"\n');
    const mid = sb.write(path.join(sb.project, "sub", ".demo.json"), '{\n  "a": "sub"\n}\n');
    const deeper = path.join(sb.project, "sub", "deeper");
    const config = sb.open({ cwd: deeper });
    assert.deepEqual(config.resolve("a")?.origin, { layer: "project", file: mid, line: 2 });
    assert.equal(config.get("b"), undefined);
    assert.equal(config.layers().find((l) => l.layer === "project")?.file, mid);
    fs.rmSync(mid);
    assert.deepEqual(config.resolve("b")?.origin, { layer: "project", file: top, line: 2 });
  } finally {
    sb.cleanup();
  }
});

test("environment: nesting, case-insensitive match of known keys, conversion, unknown variables", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.defaultsFile, '[Database]\nHost = "d"\nport = 5432\nmax-conn = 10\nratio = 1.0\n');
    const env = {
      ...sb.env,
      DEMO_DATABASE__HOST: "envhost",
      DEMO_DATABASE__PORT: "0x10",
      DEMO_DATABASE__MAX_CONN: "7",
      DEMO_DATABASE__RATIO: "2",
      DEMO_NEW__THING: "x",
      DEMO_: "ignored",
      OTHER_X: "y",
    };
    const config = sb.open({ env });
    assert.equal(config.get("Database.Host"), "envhost");
    assert.equal(config.get("Database.port"), 16);
    assert.equal(config.get("Database.max-conn"), 7);
    assert.equal(config.get("Database.ratio"), 2);
    assert.deepEqual(config.resolve("Database.port")?.origin, {
      layer: "environment",
      env: "DEMO_DATABASE__PORT",
    });
    assert.equal(config.get("new.thing"), "x");
    assert.deepEqual(config.unknownEnvVariables(), ["DEMO_NEW__THING", "DEMO_"]);
    assert.equal(config.envWarnings().length, 2);
    const explained = config.explain("new.thing");
    assert.deepEqual(explained.warnings, [
      "DEMO_NEW__THING matches no key known from another layer (read as new.thing); check its spelling",
      'DEMO_ names no key (empty part between "__"); it is ignored: rename or unset it',
    ]);
    const bad = sb.open({ env: { ...sb.env, DEMO_DATABASE__PORT: "abc" } });
    assert.throws(() => bad.get("Database.port"), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, "type");
      assert.equal(
        e.message,
        `DEMO_DATABASE__PORT: "abc" is not an integer: Database.port is an integer (from defaults ${sb.defaultsFile}:3); ` +
          "fix or unset DEMO_DATABASE__PORT (write digits such as 42, -7, 1_000 or 0xff)",
      );
      return true;
    });
    assert.equal(bad.get("Database.Host"), "d");
  } finally {
    sb.cleanup();
  }
});

test("--set items: typed by the layers below, last one wins, bad items refused", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "port = 1\non = false\n");
    const config = sb.open({ overrides: ["port=2", "port=3", "on=yes", 'x."a.b"=c=d'] });
    assert.equal(config.get("port"), 3);
    assert.equal(config.get("on"), true);
    assert.deepEqual(config.get("x"), { "a.b": "c=d" });
    assert.deepEqual(config.resolve("port")?.origin, { layer: "command-line", arg: "port=3" });
    assert.throws(() => sb.open({ overrides: ["novalue"] }), /--set "novalue": expected KEY=VALUE/);
    assert.throws(
      () => sb.open({ overrides: ["port=x"] }).get("port"),
      /^StrataError: --set port=x: "x" is not an integer: port is an integer \(from user .*config.toml:1\); fix the --set value/,
    );
  } finally {
    sb.cleanup();
  }
});

test("explain walks every layer with file, line, variable and status", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.defaultsFile, "[db]\nport = 5432\n");
    sb.write(sb.userFile, "# mine\n[db]\nport = 6000\n");
    const config = sb.open({ env: { ...sb.env, DEMO_DB__PORT: "7000" } });
    const e = config.explain("db.port");
    assert.deepEqual(e, {
      key: "db.port",
      walk: [
        { layer: "command-line", status: "absent" },
        { layer: "environment", status: "set", value: 7000, env: "DEMO_DB__PORT" },
        { layer: "project", status: "no-file", file: path.join(sb.project, ".demo.toml") },
        { layer: "user", status: "set", file: sb.userFile, value: 6000, line: 3 },
        { layer: "system", status: "no-file", file: sb.systemFile },
        { layer: "defaults", status: "set", file: sb.defaultsFile, value: 5432, line: 2 },
      ],
      winner: {
        key: "db.port",
        path: ["db", "port"],
        value: 7000,
        origin: { layer: "environment", env: "DEMO_DB__PORT" },
      },
      type: "int",
      typeSource: `defaults ${sb.defaultsFile}:2`,
      warnings: [],
    });
    const none = config.explain("nope");
    assert.equal(none.winner, undefined);
    assert.equal(none.type, undefined);
    assert.equal(none.walk[1].env, "DEMO_NOPE");
    assert.deepEqual(config.explain('servers."eu.west".max-conn').walk[1], {
      layer: "environment",
      status: "absent",
      env: "DEMO_SERVERS__EU_WEST__MAX_CONN",
    });
    assert.deepEqual(none.walk.map((s) => s.status), [
      "absent",
      "absent",
      "no-file",
      "absent",
      "no-file",
      "absent",
    ]);
  } finally {
    sb.cleanup();
  }
});

test("list: leaves sorted by key text, prefix by segments, quoted keys", () => {
  const sb = librarySandbox();
  try {
    sb.write(
      sb.userFile,
      'b = 1\na = [1, 2]\n[servers."eu.west"]\nport = 1\n[servers.db]\nx = true\n[empty]\n',
    );
    const config = sb.open();
    assert.deepEqual(config.list().map((r) => r.key), [
      "a",
      "b",
      'servers."eu.west".port',
      "servers.db.x",
    ]);
    assert.deepEqual(config.list("servers.db").map((r) => [r.key, r.value]), [[
      "servers.db.x",
      true,
    ]]);
    assert.deepEqual(config.list("serv"), []);
    assert.deepEqual(config.list("b").map((r) => r.key), ["b"]);
    assert.deepEqual(config.get("empty"), {});
  } finally {
    sb.cleanup();
  }
});

test("keys keep their case exactly", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, 'Database.Host = "upper"\ndatabase.host = "lower"\n');
    const config = sb.open();
    assert.equal(config.get("Database.Host"), "upper");
    assert.equal(config.get("database.host"), "lower");
    assert.equal(config.get("DATABASE.HOST"), undefined);
  } finally {
    sb.cleanup();
  }
});

test("layers() says where each layer lives and whether it exists", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "a = 1\n");
    assert.deepEqual(sb.open().layers(), [
      { layer: "command-line", exists: false, writable: false },
      { layer: "environment", exists: false, writable: false },
      {
        layer: "project",
        exists: false,
        writable: true,
        file: path.join(sb.project, ".demo.toml"),
        format: "toml",
      },
      { layer: "user", exists: true, writable: true, file: sb.userFile, format: "toml" },
      { layer: "system", exists: false, writable: true, file: sb.systemFile, format: "toml" },
      { layer: "defaults", exists: false, writable: false, file: sb.defaultsFile, format: "toml" },
    ]);
  } finally {
    sb.cleanup();
  }
});

test("a .toml beside a .json: the .toml is read, with a warning once", () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "a = 1\n");
    const json = sb.write(sb.userFile.replace(/\.toml$/, ".json"), '{"a": 2}');
    const config = sb.open();
    assert.equal(config.get("a"), 1);
    assert.equal(config.get("a"), 1);
    assert.deepEqual(config.warnings(), [
      `both ${sb.userFile} and ${json} exist; strata reads ${sb.userFile} only: merge ${json} into it and remove it`,
    ]);
    assert.deepEqual(config.warnings(), []);
  } finally {
    sb.cleanup();
  }
});

test("defaults given as a value, as a path, and strata's own built-in defaults", () => {
  const sb = librarySandbox();
  try {
    const byValue = sb.open({ defaults: { a: { b: 1.5 } } });
    assert.equal(byValue.get("a.b"), 1.5);
    assert.deepEqual(byValue.resolve("a.b")?.origin, { layer: "defaults" });
    assert.deepEqual(byValue.typeOf("a.b"), { type: "float", source: "the program's defaults" });
    const file = sb.write(path.join(sb.dir, "d.json"), '{\n  "x": 1.0\n}');
    const byPath = sb.open({ defaults: file });
    assert.equal(byPath.get("x"), 1);
    assert.deepEqual(byPath.typeOf("x"), { type: "float", source: `defaults ${file}:2` });
    assert.throws(
      () => sb.open({ defaults: path.join(sb.dir, "missing.toml") }).get("x"),
      /does not exist/,
    );
    const strata = sb.open({ app: "strata" });
    assert.equal(strata.get("backups.keep"), 20);
    assert.equal(strata.get("lock.timeout_ms"), 10000);
    assert.deepEqual(strata.resolve("backups.keep")?.origin, { layer: "defaults", line: 8 });
    assert.equal(strata.typeOf("lock.stale_ms")?.source, "defaults (built in):14");
  } finally {
    sb.cleanup();
  }
});

test("open refuses a missing or bad app name", () => {
  const sb = librarySandbox();
  try {
    assert.throws(() => sb.open({ app: undefined }), /no application named/);
    assert.throws(() => sb.open({ app: "../x" }), /invalid application name/);
  } finally {
    sb.cleanup();
  }
});
