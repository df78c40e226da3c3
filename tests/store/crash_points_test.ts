/**
 * PROTOCOL.md section 10, point by point: a writer killed (SIGKILL, through
 * the STRATA_CRASH_AT test hook) at each step of the write leaves exactly
 * what the table says, and the next writer gets the lock at once, cleans up
 * and loses nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import { leftovers, runScript, tempDir } from "../_support/mod.ts";

const script = path.join(import.meta.dirname!, "_writer.ts");

/** What the table says each crash leaves: the file's version, and whether the change is journaled. */
const table = [
  { point: "locked", file: "old", backup: false, temp: false, journaled: false },
  { point: "backup", file: "old", backup: true, temp: false, journaled: false },
  { point: "temp", file: "old", backup: true, temp: true, journaled: false },
  { point: "renamed", file: "new", backup: true, temp: false, journaled: false },
  { point: "written", file: "new", backup: true, temp: false, journaled: false },
  { point: "journaled", file: "new", backup: true, temp: false, journaled: true },
] as const;

for (const row of table) {
  test(`crash point "${row.point}": leaves what PROTOCOL.md says; the next writer recovers`, {
    skip: process.platform === "win32" ? "SIGKILL is POSIX" : false,
    timeout: 60_000,
  }, async () => {
    const dir = tempDir().path;
    try {
      const file = path.join(dir, "config.json");
      const stateDir = path.join(dir, "state");
      fs.writeFileSync(file, '{\n  "a": 0\n}\n');
      const paths = statePaths(stateDir, file);

      const crashed = await runScript(script, [file, stateDir, "a", "1"], {
        STRATA_CRASH_AT: row.point,
      });
      assert.equal(crashed.signal, "SIGKILL", `${crashed.code} ${crashed.stderr}`);
      const text = fs.readFileSync(file, "utf8");
      assert.equal(JSON.parse(text).a, row.file === "old" ? 0 : 1, text);
      const lock = JSON.parse(fs.readFileSync(`${file}.lock`, "utf8"));
      assert.equal(typeof lock.pid, "number");
      const temps = fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"));
      assert.equal(temps.length, row.temp ? 1 : 0, temps.join(" "));
      const backups = listBackups(paths.backupDir);
      assert.equal(backups.length, row.backup ? 1 : 0);
      if (row.backup) assert.equal(fs.readFileSync(backups[0].path, "utf8"), '{\n  "a": 0\n}\n');
      assert.equal(readJournal(paths.journal).entries.length, row.journaled ? 1 : 0);

      // The next writer: the dead holder's lock is broken at once; afterwards nothing is left over.
      const next = await runScript(script, [file, stateDir, "b", "1"]);
      assert.equal(next.code, 0, next.stderr);
      const after = JSON.parse(fs.readFileSync(file, "utf8"));
      assert.deepEqual(after, row.file === "old" ? { a: 0, b: 1 } : { a: 1, b: 1 });
      assert.deepEqual(leftovers(dir), []);
      assert.deepEqual(
        readJournal(paths.journal).entries.map((e) => e.key),
        row.journaled ? ["a", "b"] : ["b"],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
