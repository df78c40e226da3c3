// Config.watch is built on the layer sources' change reports: every place a layer's file may be
// is watched from the start, and a watch closed before it started never starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConfigChange } from "../../src/mod.ts";
import { librarySandbox } from "../_support/mod.ts";

async function until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test(
  "every place a layer file may be is watched, before any exists",
  { timeout: 60_000 },
  async () => {
    const box = librarySandbox();
    try {
      const changes: ConfigChange[] = [];
      using watch = box.open().watch("", (c) => changes.push(c), { pollMs: 600_000 });
      await until(() => watch.files.length > 0, "the watch to start");
      const pair = (dir: string, base: string) => [
        path.join(dir, `${base}.toml`),
        path.join(dir, `${base}.json`),
      ];
      const projectDirs: string[] = [];
      for (let dir = box.project;; dir = path.dirname(dir)) {
        projectDirs.push(dir);
        if (path.dirname(dir) === dir) break;
      }
      const expected = [
        ...projectDirs.flatMap((d) => pair(d, ".demo")),
        ...pair(path.dirname(box.userFile), "config"),
        // The shared layer's snapshot, beside the user file (written by `remote sync`).
        path.join(path.dirname(box.userFile), "shared.toml"),
        // The system folders: $XDG_CONFIG_DIRS's, then /etc's (always searched on Linux).
        ...pair(path.dirname(box.systemFile), "config"),
        ...pair("/etc/demo", "config"),
        // The defaults folders ($XDG_DATA_DIRS's, then /usr/share's) and the schema in each.
        ...pair(path.dirname(box.defaultsFile), "defaults"),
        path.join(path.dirname(box.defaultsFile), "schema.json"),
        ...pair("/usr/share/demo", "defaults"),
        "/usr/share/demo/schema.json",
      ];
      assert.deepEqual([...watch.files].sort(), [...new Set(expected)].sort());
      // A defaults file that appears later is seen (its folder did not exist).
      box.write(box.defaultsFile, "port = 1\n");
      await until(() => changes.length === 1, "the defaults change");
      assert.deepEqual(changes.map((c) => [c.key, c.new, c.layer]), [["port", 1, "defaults"]]);
    } finally {
      box.cleanup();
    }
  },
);

test("a change made right after watch() returns is reported", { timeout: 60_000 }, async () => {
  const box = librarySandbox();
  box.write(box.userFile, "a = 1\n");
  try {
    const changes: ConfigChange[] = [];
    using _watch = box.open().watch("", (c) => changes.push(c), { pollMs: 600_000 });
    box.write(box.userFile, "a = 2\n"); // before the watch module has loaded
    await until(() => changes.length === 1, "the change");
    assert.deepEqual(changes.map((c) => [c.key, c.old, c.new]), [["a", 1, 2]]);
  } finally {
    box.cleanup();
  }
});

test("a watch closed before it started never reports", { timeout: 60_000 }, async () => {
  const box = librarySandbox();
  box.write(box.userFile, "a = 1\n");
  try {
    const changes: ConfigChange[] = [];
    const watch = box.open().watch("", (c) => changes.push(c), { pollMs: 600_000 });
    watch.close();
    box.write(box.userFile, "a = 2\n");
    await sleep(500);
    assert.deepEqual(changes, []);
    assert.deepEqual(watch.files, []);
  } finally {
    box.cleanup();
  }
});
