/**
 * The hostile campaign, input side: what a careless or hostile person can
 * hand the CLI (values nested thousands deep, integers beyond 64 bits,
 * invalid UTF-8, huge keys, control characters planted in files, a clock
 * stepped back) ends in a clear message and a documented exit code, never
 * in an internal error, a lossy rewrite or raw escapes on the terminal.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeSandbox } from "../e2e/_sandbox.ts";
import { noStack } from "./_harness.ts";

const app = ["--app", "demo"];

test("history lists changes in journal order after the clock stepped back", () => {
  const box = makeSandbox();
  try {
    assert.equal(box.run([...app, "set", "k", "first"]).code, 0);
    assert.equal(box.run([...app, "set", "k", "second"]).code, 0);
    // The second change was made after the clock stepped back an hour.
    const dir = path.join(box.stateHome, "strata", "demo", "journal");
    const journal = path.join(dir, fs.readdirSync(dir)[0]);
    const lines = fs.readFileSync(journal, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    lines[1].time = new Date(Date.parse(lines[0].time) - 3_600_000).toISOString();
    fs.writeFileSync(journal, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");

    const last = box.run([...app, "history", "-n", "1"]);
    assert.equal(last.code, 0);
    assert.match(last.stdout, /k: "first" -> "second"/);
    const all = box.run([...app, "history", "--json"]);
    assert.deepEqual(JSON.parse(all.stdout).map((e: { new: string }) => e.new), [
      "first",
      "second",
    ]);
    // undo agrees: the last change is the one to take back.
    assert.equal(box.run([...app, "undo"]).code, 0);
    assert.equal(box.run([...app, "get", "k"]).stdout, "first\n");
    noStack(last.stderr);
  } finally {
    box.cleanup();
  }
});

/** `depth` arrays nested in each other, as JSON text. */
function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

const tooDeepX =
  "x: the value nests arrays and tables more than 511 levels deep (a key and its value " +
  "may nest at most 512 levels: flatten the value)";

test("a value nested 20,000 deep is refused with the key and the bound, in TOML and JSON", () => {
  const box = makeSandbox();
  try {
    for (const name of ["c.toml", "c.json"]) {
      const file = path.join(box.root, name);
      const r = box.run(["--file", file, "set", "x", nested(20_000), "--type", "json"]);
      assert.equal(r.stderr, `strata: ${tooDeepX}; nothing was written\n`, name);
      assert.equal(r.code, 3);
      assert.equal(fs.existsSync(file), false);
      // At the bound it is kept, and reads back whole.
      const ok = box.run(["--file", file, "set", "x", nested(511), "--type", "json"]);
      assert.equal(ok.code, 0, ok.stderr);
      const back = box.run(["--file", file, "get", "x"]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(back.stdout, nested(511) + "\n");
    }
  } finally {
    box.cleanup();
  }
});

test("an environment value or --set nested 20,000 deep for an array key is refused", () => {
  const box = makeSandbox();
  try {
    box.write(path.join(box.configHome, "demo", "config.toml"), "x = [1]\n");
    const env = box.run([...app, "get", "x"], { env: { DEMO_X: nested(20_000) } });
    assert.equal(env.stderr, `strata: DEMO_X: ${tooDeepX}; fix or unset DEMO_X\n`);
    assert.equal(env.code, 3);
    const listed = box.run([...app, "list"], { env: { DEMO_X: nested(20_000) } });
    assert.equal(listed.code, 3);
    assert.equal(noStack(listed.stderr), env.stderr);

    const set = box.run([...app, "--set", `x=${nested(20_000)}`, "get", "x"]);
    assert.equal(set.code, 3);
    assert.ok(set.stderr.startsWith(`strata: --set x=${"[".repeat(292)}… (`), set.stderr);
    assert.ok(set.stderr.endsWith(`: ${tooDeepX}; fix the --set value\n`), set.stderr);
    assert.ok(set.stderr.length < 1000);
  } finally {
    box.cleanup();
  }
});

test("a key of 20,000 segments is refused as a usage error, in every door", () => {
  const box = makeSandbox();
  try {
    const key = Array(20_000).fill("a").join(".");
    const bound = "more than 512 segments (strata nests at most 512 levels) at column 1024";
    for (
      const args of [
        [...app, "set", key, "1"],
        ["--file", path.join(box.root, "c.json"), "set", key, "1"],
        [...app, "--set", `${key}=1`, "get", "a"],
        [...app, "get", key],
      ]
    ) {
      const r = box.run(args);
      assert.equal(r.code, 2, args[2]);
      assert.match(
        noStack(r.stderr),
        /^strata: (--set "a\.a.*: )?invalid key "a\.a\.a.*… \(\d+ more characters\): /,
      );
      assert.ok(r.stderr.includes(bound), r.stderr);
      assert.ok(r.stderr.length < 1000, `${r.stderr.length} characters`);
    }
    // An environment variable that deep names no key: a warning, and the rest still works.
    box.write(path.join(box.configHome, "demo", "config.toml"), "k = 1\n");
    const name = "DEMO_" + Array(20_000).fill("A").join("__");
    const r = box.run([...app, "list"], { env: { [name]: "1" } });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "k = 1\n");
    assert.match(r.stderr, /names no key \(more than 512 levels of "__"\); it is ignored/);
    assert.ok(r.stderr.length < 1000, `${r.stderr.length} characters`);
  } finally {
    box.cleanup();
  }
});
