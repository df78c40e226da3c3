// `strata watch`: one line per change as it happens, NDJSON, --exec, and a clean exit on a signal.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  cliCommand,
  makeSandbox,
  type Sandbox,
  type Signalled,
  startSignalled,
} from "../_support/mod.ts";
import type { MirrorState } from "../../src/remote/local_state.ts";
import { writeSnapshot } from "../../src/remote/snapshot.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running `strata watch`: its output so far, and how it ended. */
interface Watcher extends Signalled {
  stdout(): string;
  lines(): string[];
  stderr(): string;
  /** Waits (at most `ms`) until `done()` holds; fails showing the output. */
  until(done: () => boolean, ms?: number): Promise<void>;
}

function startWatch(box: Sandbox, args: string[]): Watcher {
  const [command, prefix] = cliCommand();
  let out = "";
  let err = "";
  const started = startSignalled(command, [...prefix, "--app", "demo", "watch", ...args], {
    cwd: box.project,
    env: box.env,
    onOut: (text) => out += text,
    onErr: (text) => err += text,
  });
  const lines = () => out.split("\n").filter((l) => l !== "");
  return {
    ...started,
    stdout: () => out,
    lines,
    stderr: () => err,
    async until(done, ms = 15_000) {
      const end = Date.now() + ms;
      while (!done()) {
        if (Date.now() > end) assert.fail(`timed out; stdout ${out}; stderr ${err}`);
        await sleep(10);
      }
    },
  };
}

/**
 * Writes `ready = N` into the user file (`db.ready` with `inDb`) every 200 ms
 * until the watch shows it has started, then waits for the line of the last
 * value written, so nothing printed later comes from these writes.
 */
async function whenReady(box: Sandbox, watch: Watcher, inDb = false): Promise<void> {
  const file = path.join(box.configHome, "demo", "config.toml");
  const text = (i: number) =>
    inDb ? `[db]\nport = 1\nready = ${i}\n` : `ready = ${i}\n[db]\nport = 1\n`;
  // A --exec command may print the changes on stderr.
  const shows = (i: number) =>
    `${watch.stdout()}\n${watch.stderr()}`.split("\n").some((l) =>
      inDb
        ? l.includes('"key":"db.ready"') && l.includes(`"new":${i},`)
        : l.endsWith(`-> ${i}  (user ${file}:1)`)
    );
  const end = Date.now() + 30_000;
  let i = 0;
  while (watch.lines().length === 0) {
    if (Date.now() > end || !watch.running()) {
      assert.fail(`the watch never started; stderr ${watch.stderr()}`);
    }
    fs.writeFileSync(file, text(++i));
    await sleep(200);
  }
  await watch.until(() => shows(i));
}

/** Stops the watch (if still running) and removes the sandbox, whatever happened. */
async function withWatch(
  args: string[],
  body: (box: Sandbox, watch: Watcher, userFile: string) => Promise<void>,
): Promise<void> {
  const box = makeSandbox();
  const userFile = box.write(path.join(box.configHome, "demo", "config.toml"), "[db]\nport = 1\n");
  const watch = startWatch(box, args);
  const kill = setTimeout(() => watch.kill("SIGKILL"), 90_000);
  try {
    await body(box, watch, userFile);
  } finally {
    clearTimeout(kill);
    if (watch.running()) watch.kill("SIGKILL");
    await watch.exited;
    box.cleanup();
  }
}

test("strata watch prints a set from another process as it happens, and SIGINT ends it with 0", {
  timeout: 90_000,
}, async () => {
  await withWatch([], async (box, watch, userFile) => {
    await whenReady(box, watch);
    const before = watch.lines().length;
    assert.equal((await box.runAsync(["--app", "demo", "set", "db.port", "2"])).code, 0);
    await watch.until(() => watch.lines().length > before);
    assert.deepEqual(watch.lines().slice(before), [
      `db.port: 1 -> 2  (user ${userFile}:3)`,
    ]);
    assert.equal((await box.runAsync(["--app", "demo", "unset", "db.port"])).code, 0);
    await watch.until(() => watch.lines().length > before + 1);
    assert.equal(watch.lines()[before + 1], `db.port: 2 -> (unset)  (user ${userFile}:3)`);
    watch.kill("SIGINT");
    assert.deepEqual(await watch.exited, { code: 0, signal: null });
    assert.equal(watch.stderr(), "");
  });
});

test("strata watch --json prints one object per change; SIGTERM ends it with 0", {
  timeout: 90_000,
}, async () => {
  await withWatch(["db", "--json"], async (box, watch, userFile) => {
    await whenReady(box, watch, true);
    const before = watch.lines().length;
    assert.equal((await box.runAsync(["--app", "demo", "set", "db.host", "h"])).code, 0);
    await watch.until(() => watch.lines().length > before);
    assert.deepEqual(JSON.parse(watch.lines()[before]), {
      key: "db.host",
      old: null,
      new: "h",
      layer: "user",
      origin: { layer: "user", file: userFile, line: 4 },
    });
    watch.kill("SIGTERM");
    assert.deepEqual(await watch.exited, { code: 0, signal: null });
  });
});

test("strata watch --json delivers the last state of a burst of 100 writes from another process", {
  timeout: 90_000,
}, async () => {
  await withWatch(["db", "--json"], async (box, watch, userFile) => {
    await whenReady(box, watch, true);
    const writer = fileURLToPath(new URL("../config/_watch_writer.ts", import.meta.url));
    const deno = "Deno" in globalThis;
    const args = deno
      ? ["run", "-A", "--quiet", writer, "burst", userFile, "100"]
      : [writer, "burst", userFile, "100"];
    const code = await new Promise<number | null>((done) => {
      spawn(process.execPath, args, { env: box.env, stdio: "ignore" }).on("close", done);
    });
    assert.equal(code, 0);
    const ports = () => watch.lines().map((l) => JSON.parse(l)).filter((c) => c.key === "db.port");
    await watch.until(() => ports().at(-1)?.new === 100);
    await sleep(300);
    // The port rose in order, and its last value is the last one written.
    const seen = ports();
    assert.ok(seen.every((c, i) => i === 0 || c.new > seen[i - 1].new), watch.stdout());
    assert.equal(seen.at(-1).new, 100);
    assert.equal(watch.stderr(), "");
  });
});

test("strata watch --exec runs the command with the changes in its environment", {
  timeout: 90_000,
}, async () => {
  const script = 'echo "keys=[$STRATA_CHANGED_KEYS]"; echo "$STRATA_CHANGES"';
  await withWatch(["db", "--exec", "--", "sh", "-c", script], async (box, watch, userFile) => {
    await whenReady(box, watch, true);
    const before = watch.lines().length;
    // One write changing two keys: one run naming both.
    fs.writeFileSync(userFile, '[db]\nport = 2\nhost = "h"\n');
    await watch.until(() => watch.lines().length >= before + 2);
    await sleep(400);
    const lines = watch.lines().slice(before);
    assert.equal(lines.length, 2, watch.stdout());
    assert.equal(lines[0], "keys=[db.host db.port db.ready]");
    const changes = JSON.parse(lines[1]);
    assert.deepEqual(changes.slice(0, 2), [
      {
        key: "db.host",
        old: null,
        new: "h",
        layer: "user",
        origin: { layer: "user", file: userFile, line: 3 },
      },
      {
        key: "db.port",
        old: 1,
        new: 2,
        layer: "user",
        origin: { layer: "user", file: userFile, line: 2 },
      },
    ]);
    assert.equal(changes[2].key, "db.ready");
    assert.equal(changes[2].new, null);
    watch.kill("SIGINT");
    assert.deepEqual(await watch.exited, { code: 0, signal: null });
  });
});

test("strata watch --exec never runs two at once: changes during a run lead to one more run", {
  timeout: 90_000,
}, async () => {
  const script = 'echo "start $STRATA_CHANGED_KEYS"; echo "$STRATA_CHANGES" >&2; sleep 1; echo end';
  await withWatch(["db", "--exec", "--", "sh", "-c", script], async (box, watch, userFile) => {
    await whenReady(box, watch, true);
    await watch.until(() => watch.lines().at(-1) === "end");
    const before = watch.lines().length;
    fs.writeFileSync(userFile, "[db]\nport = 2\n");
    await watch.until(() => watch.lines().length > before);
    // While it runs (1 s): three more changes.
    for (const port of [3, 4, 5]) {
      fs.writeFileSync(userFile, `[db]\nport = ${port}\n`);
      await sleep(150);
    }
    await watch.until(() => watch.lines().length >= before + 4);
    await sleep(1500);
    assert.deepEqual(watch.lines().slice(before), [
      "start db.port db.ready",
      "end",
      "start db.port",
      "end",
    ]);
  });
});

test("strata watch --exec with a command that cannot start ends with exit 2 and says why", {
  timeout: 90_000,
}, async () => {
  await withWatch(["--exec", "--", "no-such-command-here"], async (box, watch) => {
    const file = path.join(box.configHome, "demo", "config.toml");
    for (let i = 1; watch.running() && i < 150; i++) {
      fs.writeFileSync(file, `n = ${i}\n`);
      await sleep(200);
    }
    assert.deepEqual(await watch.exited, { code: 2, signal: null });
    assert.match(
      watch.stderr(),
      /^strata: the command "no-such-command-here" could not be started \(ENOENT\); check its name and \$PATH/,
    );
  });
});

test("strata watch --exec without a command is a usage error", { timeout: 90_000 }, async () => {
  const box = makeSandbox();
  try {
    const run = await box.runAsync(["--app", "demo", "watch", "--exec"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^strata: --exec needs a command after --/);
  } finally {
    box.cleanup();
  }
});

/** The shared layer's snapshot of app `demo` at `revision`, as `strata remote sync` writes it. */
async function syncSnapshot(
  box: Sandbox,
  revision: number,
  rows: Record<string, string>,
  before: Record<string, string>,
): Promise<string> {
  const file = path.join(box.configHome, "demo", "shared.toml");
  const mirror = (rev: number, values: Record<string, string>): MirrorState => ({
    source: "postgres://ana@db.example.com/config",
    scope: "team:ops/demo",
    revision: rev,
    rows: Object.fromEntries(
      Object.entries(values).map((
        [key, text],
      ) => [key, { text, kind: "integer", version: rev, revision: rev, deleted: false }]),
    ),
  });
  await writeSnapshot(file, mirror(revision, rows), mirror(revision - 1, before).rows, {
    stateDir: path.join(box.stateHome, "demo"),
    program: "strata remote sync",
    time: "2026-01-01T00:00:00Z",
  });
  return file;
}

test("strata watch reports a change of the shared layer's snapshot, naming scope and server", {
  timeout: 90_000,
}, async () => {
  // No server is configured: the change arrives through the snapshot file alone.
  await withWatch([], async (box, watch) => {
    await whenReady(box, watch);
    const before = watch.lines().length;
    const file = await syncSnapshot(box, 1, { "db.pool": "20" }, {});
    await watch.until(() => watch.lines().length > before);
    const at = (text: string) => fs.readFileSync(file, "utf8").split("\n").indexOf(text) + 1;
    assert.deepEqual(watch.lines().slice(before), [
      `db.pool: (unset) -> 20  (shared team:ops/demo @ db.example.com, snapshot ${file}:${
        at("db.pool = 20")
      })`,
    ]);
    await syncSnapshot(box, 2, { "db.pool": "21" }, { "db.pool": "20" });
    await watch.until(() => watch.lines().length > before + 1);
    assert.equal(
      watch.lines()[before + 1],
      `db.pool: 20 -> 21  (shared team:ops/demo @ db.example.com, snapshot ${file}:${
        at("db.pool = 21")
      })`,
    );
    watch.kill("SIGINT");
    assert.deepEqual(await watch.exited, { code: 0, signal: null });
    assert.equal(watch.stderr(), "");
  });
});

test("strata watch --json gives a shared change's origin with its scope and server", {
  timeout: 90_000,
}, async () => {
  await withWatch(["db", "--json"], async (box, watch) => {
    await whenReady(box, watch, true);
    const before = watch.lines().length;
    const file = await syncSnapshot(box, 1, { "db.pool": "20" }, {});
    await watch.until(() => watch.lines().length > before);
    const line = fs.readFileSync(file, "utf8").split("\n").indexOf("db.pool = 20") + 1;
    assert.deepEqual(JSON.parse(watch.lines()[before]), {
      key: "db.pool",
      old: null,
      new: 20,
      layer: "shared",
      origin: { layer: "shared", file, line, remote: "team:ops/demo @ db.example.com" },
    });
    watch.kill("SIGTERM");
    assert.deepEqual(await watch.exited, { code: 0, signal: null });
  });
});
