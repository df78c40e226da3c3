// watchFile against what really happens to files: atomic renames, editors'
// saves, deletion, the folder replaced, bursts and slow writers in other
// processes, files and folders that appear later. Every wait is bounded and
// every test removes its folder and closes its watch.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type FileChange,
  type FileState,
  watchFile,
  type WatchFileOptions,
} from "../../../src/runtime/watch/watch_file.ts";
import { isDeno, makeSandbox, sleep, start } from "../../_support/mod.ts";

/** The text of a state: the content, `<absent>` or `<error CODE>`. */
function show(state: FileState): string {
  if (state.kind === "content") return new TextDecoder().decode(state.bytes);
  return state.kind === "absent" ? "<absent>" : `<error ${state.code}>`;
}

/** A watch whose changes are collected, with a bounded wait for the next expected one. */
function observe(file: string, options: WatchFileOptions = {}) {
  const changes: FileChange[] = [];
  const at: number[] = [];
  const watch = watchFile(file, (c) => {
    changes.push(c);
    at.push(performance.now());
  }, options);
  let cursor = 0;
  return {
    watch,
    changes,
    at,
    texts: () => changes.map((c) => show(c.state)),
    /** Waits (at most `ms`) for a change whose text is `text`, after the last one awaited. */
    async next(text: string, ms = 5_000): Promise<FileChange> {
      const deadline = performance.now() + ms;
      for (;;) {
        const i = changes.findIndex((c, j) => j >= cursor && show(c.state) === text);
        if (i >= 0) {
          cursor = i + 1;
          return changes[i];
        }
        if (performance.now() > deadline) {
          throw new Error(
            `no change to ${JSON.stringify(text)} within ${ms} ms; saw ${
              JSON.stringify(changes.map((c) => show(c.state)))
            }`,
          );
        }
        await sleep(5);
      }
    },
  };
}

/** A temp folder with a `conf` folder in it; removed (and the watch closed) after `body`. */
async function inSandbox(body: (dir: string) => Promise<void>): Promise<void> {
  const box = makeSandbox();
  try {
    const dir = path.join(fs.realpathSync(box.work), "conf");
    fs.mkdirSync(dir);
    await body(dir);
  } finally {
    box.cleanup();
  }
}

function writeAtomic(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

/** The command running a script of this folder under the runtime running the tests. */
function script(args: string[]): [string, string[]] {
  const file = path.join(import.meta.dirname!, "_writer.ts");
  return isDeno
    ? [process.execPath, ["run", "-A", "--quiet", file, ...args]]
    : [process.execPath, [file, ...args]];
}

async function run(args: string[]): Promise<void> {
  const [command, argv] = script(args);
  const done = await start(command, argv, { env: { PATH: process.env.PATH ?? "" } }).done;
  assert.equal(done.code, 0, done.stderr);
}

// A poll this slow never fires within a test: what these tests see came from events.
const eventsOnly: WatchFileOptions = { pollMs: 600_000 };

test("atomic renames (temp file + rename) are reported; the same bytes again are not", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    writeAtomic(file, "a = 1\n");
    const seen = observe(file, eventsOnly);
    try {
      assert.equal(show(seen.watch.state), "a = 1\n");
      writeAtomic(file, "a = 2\n");
      assert.equal((await seen.next("a = 2\n")).trigger, "event");
      writeAtomic(file, "a = 3\n");
      await seen.next("a = 3\n");
      writeAtomic(file, "a = 3\n");
      fs.writeFileSync(path.join(dir, "other.toml"), "b = 1\n");
      await sleep(300);
      assert.deepEqual(seen.texts(), ["a = 2\n", "a = 3\n"]);
      assert.equal(show(seen.watch.state), "a = 3\n");
    } finally {
      seen.watch.close();
    }
  });
});

test("an editor's save (old file renamed away, new one written) is one change, never an absence", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const seen = observe(file, eventsOnly);
    try {
      for (const n of [2, 3]) {
        fs.renameSync(file, `${file}~`);
        fs.writeFileSync(file, `a = ${n}\n`);
        fs.unlinkSync(`${file}~`);
        await seen.next(`a = ${n}\n`);
      }
      await sleep(200);
      assert.deepEqual(seen.texts(), ["a = 2\n", "a = 3\n"]);
    } finally {
      seen.watch.close();
    }
  });
});

test("an absence shorter than one more debounce is not reported", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    // The absence outlasts the first read (400 ms), not the confirming one (800 ms).
    const seen = observe(file, { ...eventsOnly, debounceMs: 400 });
    try {
      fs.renameSync(file, `${file}~`);
      await sleep(500);
      fs.writeFileSync(file, "a = 2\n");
      await seen.next("a = 2\n");
      await sleep(200);
      assert.deepEqual(seen.texts(), ["a = 2\n"]);
    } finally {
      seen.watch.close();
    }
  });
});

test("deleted, then re-created", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const seen = observe(file, eventsOnly);
    try {
      fs.unlinkSync(file);
      assert.equal((await seen.next("<absent>")).state.kind, "absent");
      fs.writeFileSync(file, "a = 2\n");
      await seen.next("a = 2\n");
      fs.writeFileSync(file, "a = 3\n");
      await seen.next("a = 3\n");
      assert.deepEqual(seen.texts(), ["<absent>", "a = 2\n", "a = 3\n"]);
    } finally {
      seen.watch.close();
    }
  });
});

test("the folder replaced: the new folder's file is reported, and later changes too", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const seen = observe(file, eventsOnly);
    try {
      fs.renameSync(dir, `${dir}.old`);
      fs.mkdirSync(dir);
      fs.writeFileSync(file, "a = 2\n");
      await seen.next("a = 2\n");
      // The watch now listens on the new folder (the old one's watch is deaf).
      writeAtomic(file, "a = 3\n");
      await seen.next("a = 3\n");
      fs.writeFileSync(path.join(`${dir}.old`, "config.toml"), "a = 99\n");
      fs.rmSync(dir, { recursive: true });
      await seen.next("<absent>");
      fs.mkdirSync(dir);
      fs.writeFileSync(file, "a = 4\n");
      await seen.next("a = 4\n");
      assert.deepEqual(seen.texts(), ["a = 2\n", "a = 3\n", "<absent>", "a = 4\n"]);
    } finally {
      seen.watch.close();
    }
  });
});

for (const style of ["atomic", "inplace"]) {
  test(`a burst of 100 writes (${style}) from another process: the last state is delivered`, async () => {
    await inSandbox(async (dir) => {
      const file = path.join(dir, "config.toml");
      fs.writeFileSync(file, "n = 0\n");
      const seen = observe(file, eventsOnly);
      try {
        await run(["burst", file, "100", style]);
        await seen.next("n = 100\n");
        await sleep(300);
        const texts = seen.texts();
        assert.equal(texts.at(-1), "n = 100\n");
        assert.equal(show(seen.watch.state), "n = 100\n");
        // Only real changes: no two reports in a row say the same.
        for (let i = 1; i < texts.length; i++) assert.notEqual(texts[i], texts[i - 1]);
        if (style === "atomic") {
          for (const t of texts) assert.match(t, /^n = \d+\n$/);
        }
      } finally {
        seen.watch.close();
      }
    });
  });
}

test("a burst that never goes quiet is reported while it lasts, and its last state at the end", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "n = 0\n");
    // Writes every 5 ms for about a second: never 25 ms of quiet.
    const seen = observe(file, eventsOnly);
    try {
      await run(["burst", file, "200", "atomic", "5"]);
      await seen.next("n = 200\n");
      const texts = seen.texts();
      assert.ok(texts.length >= 3, `only ${texts.length} reports: ${JSON.stringify(texts)}`);
      const numbers = texts.map((t) => Number(/^n = (\d+)\n$/.exec(t)![1]));
      assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
    } finally {
      seen.watch.close();
    }
  });
});

test("two watches on one folder: closing one leaves the other working", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    const other = path.join(dir, "other.toml");
    fs.writeFileSync(file, "a = 1\n");
    const first = observe(file, eventsOnly);
    const second = observe(file, eventsOnly);
    const third = observe(other, eventsOnly);
    try {
      writeAtomic(file, "a = 2\n");
      await first.next("a = 2\n");
      await second.next("a = 2\n");
      first.watch.close();
      writeAtomic(file, "a = 3\n");
      await second.next("a = 3\n");
      fs.renameSync(dir, `${dir}.old`);
      fs.mkdirSync(dir);
      fs.writeFileSync(file, "a = 4\n");
      fs.writeFileSync(other, "b = 1\n");
      await second.next("a = 4\n");
      await third.next("b = 1\n");
      writeAtomic(file, "a = 5\n");
      await second.next("a = 5\n");
      assert.deepEqual(first.texts(), ["a = 2\n"]);
      assert.deepEqual(third.texts(), ["b = 1\n"]);
    } finally {
      first.watch.close();
      second.watch.close();
      third.watch.close();
    }
  });
});

test("a slow non-atomic writer: its half-written file is reported as it stands, then the whole", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "old = true\n");
    const seen = observe(file, eventsOnly);
    try {
      const chunks = ["[db]\n", 'host = "a', '.example"\n', "port = 5432\n"];
      await run(["slow", file, "150", ...chunks]);
      const whole = chunks.join("");
      await seen.next(whole);
      const texts = seen.texts();
      assert.equal(texts.at(-1), whole);
      // At least one half-written state was seen; each report is a prefix of the whole.
      assert.ok(texts.length >= 2, JSON.stringify(texts));
      for (const t of texts) assert.ok(whole.startsWith(t), JSON.stringify(t));
    } finally {
      seen.watch.close();
    }
  });
});

test("a file that does not exist yet, in folders that do not exist yet, is reported when it appears", async () => {
  await inSandbox(async (dir) => {
    const near = path.join(dir, "near.toml");
    const far = path.join(dir, "a", "b", "c", "far.toml");
    const seenNear = observe(near, eventsOnly);
    const seenFar = observe(far, eventsOnly);
    try {
      assert.equal(seenNear.watch.state.kind, "absent");
      assert.equal(seenFar.watch.state.kind, "absent");
      writeAtomic(near, "x = 1\n");
      assert.equal((await seenNear.next("x = 1\n")).trigger, "event");
      fs.mkdirSync(path.join(dir, "a"));
      await sleep(50);
      fs.mkdirSync(path.join(dir, "a", "b", "c"), { recursive: true });
      fs.writeFileSync(far, "y = 1\n");
      await seenFar.next("y = 1\n");
      fs.writeFileSync(far, "y = 2\n");
      await seenFar.next("y = 2\n");
      assert.deepEqual(seenFar.texts(), ["y = 1\n", "y = 2\n"]);
    } finally {
      seenNear.watch.close();
      seenFar.watch.close();
    }
  });
});

test("a read error is a state: the path turned into a folder", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const seen = observe(file, eventsOnly);
    try {
      fs.unlinkSync(file);
      fs.mkdirSync(file);
      await seen.next("<error EISDIR>");
      fs.rmdirSync(file);
      fs.writeFileSync(file, "a = 2\n");
      await seen.next("a = 2\n");
    } finally {
      seen.watch.close();
    }
  });
});

test("the safety poll catches what no event shows: a symbolic link's target changing", async () => {
  await inSandbox(async (dir) => {
    const elsewhere = path.join(path.dirname(dir), "elsewhere");
    fs.mkdirSync(elsewhere);
    const target = path.join(elsewhere, "real.toml");
    fs.writeFileSync(target, "a = 1\n");
    const file = path.join(dir, "config.toml");
    fs.symlinkSync(target, file);
    const seen = observe(file, { pollMs: 100 });
    try {
      assert.equal(show(seen.watch.state), "a = 1\n");
      fs.writeFileSync(target, "a = 2\n");
      assert.equal((await seen.next("a = 2\n")).trigger, "poll");
    } finally {
      seen.watch.close();
    }
  });
});

test("close() stops everything: no report after it, and a process that closed its watch ends", async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const seen = observe(file, { pollMs: 50 });
    seen.watch.close();
    seen.watch.close();
    writeAtomic(file, "a = 2\n");
    await sleep(300);
    assert.deepEqual(seen.texts(), []);
    {
      using scoped = watchFile(file, () => {});
      assert.equal(show(scoped.state), "a = 2\n");
    }

    // Another process: watch, one change, close; it must then exit on its own.
    const [command, argv] = script(["watch", file]);
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => ready = resolve);
    const proc = start(command, argv, {
      env: { PATH: process.env.PATH ?? "" },
      onLine: (line) => line === "ready" && ready(),
    });
    try {
      await Promise.race([isReady, sleep(10_000)]);
      writeAtomic(file, "a = 3\n");
      const ended = await Promise.race([proc.done, sleep(5_000).then(() => undefined)]);
      assert.ok(ended, "the process still runs 5 s after closing its watch");
      assert.equal(ended.code, 0, ended.stderr);
      assert.equal(ended.stdout, "ready\na = 3\n");
    } finally {
      proc.kill();
    }
  });
});

test("latency from a write to the report (figures)", { timeout: 60_000 }, async () => {
  await inSandbox(async (dir) => {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "n = 0\n");
    const seen = observe(file);
    try {
      const latencies: number[] = [];
      for (let n = 1; n <= 50; n++) {
        const t0 = performance.now();
        writeAtomic(file, `n = ${n}\n`);
        await seen.next(`n = ${n}\n`);
        latencies.push(seen.at.at(-1)! - t0);
        await sleep(10);
      }
      latencies.sort((a, b) => a - b);
      const byPoll = seen.changes.filter((c) => c.trigger === "poll").length;
      console.log(`[watch] ${isDeno ? "deno" : "bun"}: ${
        JSON.stringify({
          changes: seen.changes.length,
          medianMs: Number(latencies[25].toFixed(1)),
          p90Ms: Number(latencies[45].toFixed(1)),
          maxMs: Number(latencies[49].toFixed(1)),
          caughtByPoll: byPoll,
        })
      }`);
      assert.equal(seen.changes.length, 50);
    } finally {
      seen.watch.close();
    }
  });
});
