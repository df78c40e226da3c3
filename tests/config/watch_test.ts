// config.watch: every change of an effective value, by any writer, as it happens on disk.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Config, ConfigChange, WatchError } from "../../src/mod.ts";
import { type LibrarySandbox, librarySandbox } from "../_support/mod.ts";

const WRITER = fileURLToPath(new URL("./_watch_writer.ts", import.meta.url));
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const REPO = path.dirname(MAIN);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a script (or the CLI) under the runtime running the tests; resolves with its exit code. */
function runScript(script: string, args: string[], env: Record<string, string>, cwd: string) {
  const deno = "Deno" in globalThis;
  const prefix = deno
    ? ["run", "-A", "--quiet", "--config", path.join(REPO, "deno.json"), script]
    : [script];
  return new Promise<number>((done, fail) => {
    const child = spawn(process.execPath, [...prefix, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env, DENO_DIR: denoDir() },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done(code ?? -1);
    });
  });
}

function denoDir(): string {
  return process.env.DENO_DIR ?? path.join(process.env.HOME ?? "/root", ".cache", "deno");
}

interface Observed {
  changes: ConfigChange[];
  errors: WatchError[];
  /** Waits (at most `ms`) until `done()` holds; fails saying what was seen. */
  until(done: () => boolean, ms?: number): Promise<void>;
}

/** A sandbox, a watch on it, and cleanup of both whatever happens. */
async function watching(
  body: (box: LibrarySandbox, seen: Observed, config: Config) => Promise<void>,
  options: { prefix?: string; cwd?: string; before?: (box: LibrarySandbox) => void } = {},
): Promise<void> {
  const box = librarySandbox();
  options.before?.(box);
  const config = box.open(options.cwd ? { cwd: options.cwd } : {});
  const changes: ConfigChange[] = [];
  const errors: WatchError[] = [];
  // The poll is off: every change below must be seen through folder events.
  const watch = config.watch(options.prefix ?? "", (c) => changes.push(c), {
    onError: (e) => errors.push(e),
    pollMs: 600_000,
  });
  const until = async (done: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!done()) {
      if (Date.now() > end) {
        assert.fail(`timed out; changes ${JSON.stringify(changes)}; errors ${errors.length}`);
      }
      await sleep(10);
    }
  };
  try {
    await body(box, { changes, errors, until }, config);
  } finally {
    watch.close();
    box.cleanup();
  }
}

const brief = (c: ConfigChange) => ({ key: c.key, old: c.old, new: c.new, layer: c.layer });

test(
  "a set from another process is reported with its layer and origin",
  { timeout: 90_000 },
  async () => {
    await watching(async (box, seen) => {
      assert.equal(
        await runScript(MAIN, ["--app", "demo", "set", "db.port", "2"], box.env, box.project),
        0,
      );
      await seen.until(() => seen.changes.length >= 1);
      await sleep(150);
      assert.deepEqual(seen.changes, [{
        key: "db.port",
        old: 1,
        new: 2,
        layer: "user",
        origin: { layer: "user", file: box.userFile, line: 2 },
      }]);
      assert.equal(seen.errors.length, 0);
    }, { prefix: "db", before: (box) => box.write(box.userFile, "[db]\nport = 1\n") });
  },
);

test("atomic renames: our own set, a vim-style save, a git-checkout-like replace", {
  timeout: 90_000,
}, async () => {
  await watching(async (box, seen, config) => {
    await config.set("db.port", 2);
    await seen.until(() => seen.changes.length === 1);
    // vim: the old file renamed away, the new one written, the old one removed.
    fs.renameSync(box.userFile, `${box.userFile}~`);
    fs.writeFileSync(box.userFile, "[db]\nport = 3\n");
    fs.rmSync(`${box.userFile}~`);
    await seen.until(() => seen.changes.length === 2);
    // git checkout: a new file written elsewhere, renamed over the old one.
    const other = path.join(box.dir, "checkout.tmp");
    fs.writeFileSync(other, '[db]\nport = 4\nhost = "h"\n');
    fs.renameSync(other, box.userFile);
    await seen.until(() => seen.changes.length === 4);
    await sleep(150);
    assert.deepEqual(seen.changes.map(brief), [
      { key: "db.port", old: 1, new: 2, layer: "user" },
      { key: "db.port", old: 2, new: 3, layer: "user" },
      { key: "db.host", old: undefined, new: "h", layer: "user" },
      { key: "db.port", old: 3, new: 4, layer: "user" },
    ]);
    assert.equal(seen.errors.length, 0);
  }, { before: (box) => box.write(box.userFile, "[db]\nport = 1\n") });
});

test(
  "a burst of 100 writes from another process: the last state is delivered",
  { timeout: 90_000 },
  async () => {
    await watching(async (box, seen) => {
      assert.equal(await runScript(WRITER, ["burst", box.userFile, "100"], box.env, box.dir), 0);
      await seen.until(() => seen.changes.at(-1)?.new === 100);
      await sleep(200);
      const values = seen.changes.map((c) => c.new as number);
      assert.equal(values.at(-1), 100);
      assert.ok(values.every((v, i) => i === 0 || v > values[i - 1]), `in order: ${values}`);
      assert.equal(seen.errors.length, 0);
    }, { before: (box) => box.write(box.userFile, "[db]\nport = 0\n") });
  },
);

test("a file deleted then re-created, and its folder replaced", { timeout: 90_000 }, async () => {
  await watching(async (box, seen) => {
    fs.rmSync(box.userFile);
    await seen.until(() => seen.changes.length === 1);
    box.write(box.userFile, "[db]\nport = 2\n");
    await seen.until(() => seen.changes.length === 2);
    const folder = path.dirname(box.userFile);
    fs.renameSync(folder, `${folder}.old`);
    box.write(box.userFile, "[db]\nport = 3\n");
    await seen.until(() => seen.changes.length === 3);
    // The new folder is watched: a later write in it is seen too.
    box.write(box.userFile, "[db]\nport = 4\n");
    await seen.until(() => seen.changes.length === 4);
    assert.deepEqual(seen.changes.map(brief), [
      { key: "db.port", old: 1, new: undefined, layer: "user" },
      { key: "db.port", old: undefined, new: 2, layer: "user" },
      { key: "db.port", old: 2, new: 3, layer: "user" },
      { key: "db.port", old: 3, new: 4, layer: "user" },
    ]);
  }, { before: (box) => box.write(box.userFile, "[db]\nport = 1\n") });
});

test("a slow non-atomic writer: the broken states are errors, the last good values stay", {
  timeout: 90_000,
}, async () => {
  await watching(async (box, seen, config) => {
    // A write through the protocol: the file now has a backup (port = 1), which a
    // watch must not fall back to while the file is broken.
    await config.set("db.port", 5);
    await seen.until(() => seen.changes.length === 1);
    const stateBefore = fs.readdirSync(box.dir, { recursive: true }).sort();
    const chunks = ["[db", "]\nport = ", "9\n"];
    assert.equal(
      await runScript(WRITER, ["slow", box.userFile, "400", ...chunks], box.env, box.dir),
      0,
    );
    await seen.until(() => seen.changes.length === 2);
    await sleep(150);
    assert.deepEqual(seen.changes.map(brief), [
      { key: "db.port", old: 1, new: 5, layer: "user" },
      { key: "db.port", old: 5, new: 9, layer: "user" },
    ]);
    assert.ok(seen.errors.length >= 1, "the broken content is reported");
    for (const e of seen.errors) {
      assert.equal(e.file, box.userFile);
      assert.equal(e.error.code, "parse");
      assert.ok(e.line !== undefined && e.column !== undefined, e.message);
      assert.ok(e.message.startsWith(`${box.userFile}:${e.line}:${e.column}: `), e.message);
    }
    // Nothing was written: no backup, no cache, the file as the writer left it.
    assert.deepEqual(fs.readdirSync(box.dir, { recursive: true }).sort(), stateBefore);
    assert.equal(box.read(box.userFile), chunks.join(""));
    assert.equal(config.get("db.port"), 9);
  }, { before: (box) => box.write(box.userFile, "[db]\nport = 1\n") });
});

test("a project file created after the watch started, in a parent then in the working folder", {
  timeout: 90_000,
}, async () => {
  let cwd = "";
  await watching(async (box, seen) => {
    box.write(path.join(box.project, ".demo.toml"), "[db]\nport = 11\n");
    await seen.until(() => seen.changes.length === 1);
    box.write(path.join(cwd, ".demo.json"), '{"db": {"port": 12}}');
    await seen.until(() => seen.changes.length === 2);
    assert.deepEqual(seen.changes, [
      {
        key: "db.port",
        old: 1,
        new: 11,
        layer: "project",
        origin: { layer: "project", file: path.join(box.project, ".demo.toml"), line: 2 },
      },
      {
        key: "db.port",
        old: 11,
        new: 12,
        layer: "project",
        origin: { layer: "project", file: path.join(cwd, ".demo.json"), line: 1 },
      },
    ]);
  }, {
    before: (box) => {
      box.write(box.userFile, "[db]\nport = 1\n");
      cwd = path.join(box.project, "sub", "deeper");
    },
    get cwd() {
      return cwd;
    },
  });
});

test("own writes that leave a value as it was are not reported", { timeout: 90_000 }, async () => {
  await watching(async (box, seen, config) => {
    assert.equal((await config.set("db.port", 1)).changed, false);
    // The same values, written differently: no change of any value.
    fs.writeFileSync(box.userFile, "# a comment\n[db]\nport = 1 # same\n");
    await config.set("other", "x");
    await seen.until(() => seen.changes.length >= 1);
    await sleep(300);
    assert.deepEqual(seen.changes.map(brief), [
      { key: "other", old: undefined, new: "x", layer: "user" },
    ]);
  }, { prefix: "", before: (box) => box.write(box.userFile, "[db]\nport = 1\n") });
});

test(
  "only keys under the prefix are reported; close stops every report",
  { timeout: 90_000 },
  async () => {
    await watching(async (_box, seen, config) => {
      await config.set("other", "x");
      await config.set("db.port", 2);
      await seen.until(() => seen.changes.length === 1);
      await sleep(150);
      assert.deepEqual(seen.changes.map((c) => c.key), ["db.port"]);
    }, { prefix: "db", before: (box) => box.write(box.userFile, "[db]\nport = 1\n") });
    const box = librarySandbox();
    try {
      const changes: ConfigChange[] = [];
      {
        using _watch = box.open().watch("", (c) => changes.push(c), { pollMs: 600_000 });
      }
      box.write(box.userFile, "a = 1\n");
      await sleep(300);
      assert.deepEqual(changes, []);
    } finally {
      box.cleanup();
    }
  },
);

test("single-file mode: the one file is watched", { timeout: 90_000 }, async () => {
  const box = librarySandbox();
  const file = box.write(path.join(box.dir, "app.json"), '{"port": 1}');
  const changes: ConfigChange[] = [];
  try {
    using _watch = box.open({ app: undefined, file }).watch("", (c) => changes.push(c), {
      pollMs: 600_000,
    });
    fs.writeFileSync(file, '{"port": 2}');
    const end = Date.now() + 10_000;
    while (changes.length === 0 && Date.now() < end) await sleep(10);
    assert.deepEqual(changes, [{
      key: "port",
      old: 1,
      new: 2,
      layer: "file",
      origin: { layer: "file", file, line: 1 },
    }]);
  } finally {
    box.cleanup();
  }
});

test("the schema file: a broken one is an error, a new default is a change", {
  timeout: 90_000,
}, async () => {
  const schema = (port: number) =>
    JSON.stringify({ type: "object", properties: { port: { type: "integer", default: port } } });
  let schemaFile = "";
  await watching(async (box, seen) => {
    fs.writeFileSync(schemaFile, "{ not json");
    await seen.until(() => seen.errors.length === 1);
    assert.equal(seen.errors[0].error.code, "schema");
    assert.ok(seen.errors[0].message.includes(schemaFile), seen.errors[0].message);
    fs.writeFileSync(schemaFile, schema(2));
    await seen.until(() => seen.changes.length === 1);
    assert.deepEqual(seen.changes.map(brief), [
      { key: "port", old: 1, new: 2, layer: "schema-defaults" },
    ]);
    assert.equal(seen.changes[0].origin.file, schemaFile);
    assert.equal(box.read(schemaFile), schema(2));
  }, {
    before: (box) => {
      box.write(box.defaultsFile, 'name = "x"\n');
      schemaFile = box.write(path.join(path.dirname(box.defaultsFile), "schema.json"), schema(1));
    },
  });
});
