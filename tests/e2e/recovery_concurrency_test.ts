// 1,000 writes by 8 concurrent processes (long-lived library writers, so the
// run time stays bounded): the journal holds exactly 1,000 entries, the
// backups hold every intermediate version (backups.keep raised to 2000
// through strata's own overridable setting), in order per writer; the CLI
// lists them all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox } from "./_sandbox.ts";
import { parse } from "../../src/toml/parse.ts";
import { diffValues } from "../../src/diff/value_diff.ts";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";

const WRITER = fileURLToPath(new URL("../recovery/_writer.ts", import.meta.url));
const WRITERS = 8;
const EACH = 125;

function runWriter(who: number, env: Record<string, string>): Promise<number> {
  const args = "Deno" in globalThis ? ["run", "-A", "--quiet", WRITER] : [WRITER];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...args, String(who), String(EACH)], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", fail);
    child.on("close", (code) => done(code ?? -1));
  });
}

test("1,000 writes by 8 processes: 1,000 journal entries and every version, in order per writer", {
  timeout: 240_000,
}, async () => {
  const box = makeSandbox();
  try {
    const user = box.write(`${box.configHome}/demo/config.toml`, "# shared by 8 writers\n");
    const env = { ...box.env, STRATA_BACKUPS__KEEP: "2000" };
    const codes = await Promise.all(
      Array.from({ length: WRITERS }, (_, who) => runWriter(who, env)),
    );
    assert.deepEqual(codes, Array(WRITERS).fill(0));

    const state = statePaths(path.join(box.stateHome, "strata", "_shared"), user);
    const journal = readJournal(state.journal);
    assert.equal(journal.skipped.length, 0);
    assert.equal(journal.entries.length, WRITERS * EACH);
    // Every write kept the version before it: 1,000 backups, oldest first,
    // then the current file: 1,001 versions.
    const backups = listBackups(state.backupDir).reverse();
    assert.equal(backups.length, WRITERS * EACH);
    const versions = [
      ...backups.map((b) => fs.readFileSync(b.path, "utf8")),
      fs.readFileSync(user, "utf8"),
    ].map((text) => parse(text) as Record<string, unknown>);
    const last = new Map<string, number>();
    for (let i = 0; i < journal.entries.length; i++) {
      const entry = journal.entries[i];
      // The journal's i-th write names the i-th backup, and the step from
      // version i to version i+1 is exactly that write's change.
      assert.equal(entry.backup, backups[i].id);
      const step = diffValues(versions[i], versions[i + 1]);
      assert.equal(step.length, 1, `version ${i} -> ${i + 1}`);
      assert.deepEqual(step[0].path, ["writers", entry.key.split(".")[1]]);
      assert.equal(step[0].after, entry.new);
      // Per writer, the values go 1, 2, 3, ... with nothing lost or reordered.
      const before = last.get(entry.key) ?? 0;
      assert.equal(entry.new, before + 1, `${entry.key} after ${before}`);
      assert.equal(entry.old, before === 0 ? undefined : before);
      assert.equal(entry.program, `writer-${entry.key.slice("writers.w".length)}`);
      last.set(entry.key, before + 1);
    }
    assert.equal(last.size, WRITERS);
    for (const n of last.values()) assert.equal(n, EACH);
    // The comment a person wrote survived 1,000 writes.
    assert.match(fs.readFileSync(user, "utf8"), /^# shared by 8 writers\n/);

    // And the CLI sees the same.
    const listed = box.run(["--app", "demo", "backups", "--json"], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout);
    assert.equal(rows.length, WRITERS * EACH);
    assert.ok(
      rows.every((r: { keysChanged: number; valid: boolean }) => r.keysChanged === 1 && r.valid),
    );
    const history = box.run(["--app", "demo", "history", "--json"], { env });
    assert.equal(history.code, 0, history.stderr);
    assert.equal(JSON.parse(history.stdout).length, WRITERS * EACH);
  } finally {
    box.cleanup();
  }
});
