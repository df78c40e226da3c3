// End-to-end: run from a working folder that was deleted. strata says so and
// exits 5 (an I/O failure), never 1, which a script reads as "not found" and
// takes its fallback (`host=$(strata get db.host) || host=localhost`). Deno
// itself refuses to start there (exit 1, before any strata code): README
// "Exit codes" says so. (The release binary's check is in the build's smoke
// test: scripts/_build_smoke.ts.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cliCommand, isDeno } from "../_support/mod.ts";
import { makeSandbox } from "../_support/mod.ts";

test("a deleted working folder: strata exits 5 and says what to do", {
  skip: process.platform === "win32" ? "Windows does not remove a folder in use" : false,
}, () => {
  const box = makeSandbox();
  try {
    const [command, argv] = cliCommand();
    const gone = path.join(box.root, "gone");
    const file = box.write("c.toml", "a = 1\n");
    for (const args of [["--app", "demo", "get", "a"], ["--file", file, "get", "a"]]) {
      fs.mkdirSync(gone);
      // The shell enters the folder, removes it, then becomes strata.
      const script = 'cd "$1" && rmdir "$1" && shift && exec "$@"';
      const r = spawnSync("sh", ["-c", script, "sh", gone, command, ...argv, ...args], {
        cwd: box.root,
        env: box.env,
        encoding: "utf8",
      });
      assert.equal(fs.existsSync(gone), false);
      assert.equal(r.stdout, "");
      if (isDeno) {
        // Deno's own start-up, not strata: documented.
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /could not read current working directory/);
      } else {
        assert.deepEqual({ code: r.status, stderr: r.stderr }, {
          code: 5,
          stderr: "strata: the working folder no longer exists (it was removed or moved); " +
            "cd to an existing folder and retry\n",
        });
      }
    }
  } finally {
    box.cleanup();
  }
});
