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
