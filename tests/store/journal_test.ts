import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { appendJournal, journalEntries, readJournal } from "../../src/store/journal.ts";
import { tempDir } from "./_helpers.ts";

test("journal: one line per change with who, where and when; absent values omitted", () => {
  const dir = tempDir();
  try {
    const journal = path.join(dir, "journal", "config.toml-1234abcd.ndjson");
    const writer = {
      time: "2026-11-26T00:00:00.000Z",
      file: "/c.toml",
      layer: "user",
      program: "t",
      backup: "B",
    };
    appendJournal(
      journal,
      journalEntries(writer, [
        { key: "a", new: 1 },
        { key: "b", old: "x" },
        { key: "c", old: 2n ** 64n, new: [1, { d: true }], type: "integer" },
      ]),
    );
    const lines = fs.readFileSync(journal, "utf8").split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[3], "");
    const shared = {
      time: writer.time,
      file: "/c.toml",
      layer: "user",
      program: "t",
      pid: process.pid,
      host: os.hostname(),
      backup: "B",
    };
    const parsed = lines.slice(0, 3).map((line) => JSON.parse(line));
    for (const entry of parsed) {
      const { user, ...rest } = entry;
      assert.equal(typeof user, "string");
      assert.ok(user.length > 0);
      assert.deepEqual(Object.keys(rest).slice(0, 7), Object.keys(shared));
    }
    assert.deepEqual(parsed.map(({ user: _u, ...rest }) => rest), [
      { ...shared, key: "a", new: 1 },
      { ...shared, key: "b", old: "x" },
      { ...shared, key: "c", old: "18446744073709551616", new: [1, { d: true }], type: "integer" },
    ]);
    if (process.platform !== "win32") {
      assert.equal(fs.statSync(journal).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.dirname(journal)).mode & 0o777, 0o700);
    }
    assert.deepEqual(readJournal(journal), { entries: parsed, skipped: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("journal: a torn last line is skipped and reported; a missing journal is empty", () => {
  const dir = tempDir();
  try {
    const journal = path.join(dir, "j.ndjson");
    assert.deepEqual(readJournal(journal), { entries: [], skipped: [] });
    appendJournal(journal, journalEntries({ file: "/c", program: "t" }, [{ key: "a", new: 1 }]));
    fs.appendFileSync(journal, '{"time":"2026-11-26T00:0');
    const read = readJournal(journal);
    assert.equal(read.entries.length, 1);
    assert.equal(read.entries[0].key, "a");
    assert.deepEqual(read.skipped, [{ line: 2, text: '{"time":"2026-11-26T00:0' }]);
    appendJournal(journal, []);
    assert.equal(fs.readFileSync(journal, "utf8").split("\n").length, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("journal: an append after a torn line starts on a new line, so only the torn one is lost", () => {
  const dir = tempDir();
  try {
    const journal = path.join(dir, "j.ndjson");
    fs.writeFileSync(journal, '{"key":"a"}\n{"key":"b","ti');
    appendJournal(journal, journalEntries({ file: "/c", program: "t" }, [{ key: "c", new: 1 }]));
    const read = readJournal(journal);
    assert.deepEqual(read.entries.map((e) => e.key), ["a", "c"]);
    assert.deepEqual(read.skipped, [{ line: 2, text: '{"key":"b","ti' }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
