import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { appendJournal, journalEntries, readJournal } from "../../src/store/journal.ts";
import { tempDir } from "../_support/mod.ts";

test("journal: one line per change with who, where and when; absent values omitted", () => {
  const dir = tempDir().path;
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
  const dir = tempDir().path;
  try {
    const journal = path.join(dir, "j.ndjson");
    assert.deepEqual(readJournal(journal), { entries: [], skipped: [] });
    appendJournal(journal, journalEntries({ file: "/c", program: "t" }, [{ key: "a", new: 1 }]));
    fs.appendFileSync(journal, '{"time":"2026-11-26T00:0');
    const read = readJournal(journal);
    assert.equal(read.entries.length, 1);
    assert.equal(read.entries[0].key, "a");
    assert.deepEqual(read.skipped, [{ line: 2, text: '{"time":"2026-11-26T00:0', file: journal }]);
    appendJournal(journal, []);
    assert.equal(fs.readFileSync(journal, "utf8").split("\n").length, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("journal: an append after a torn line starts on a new line, so only the torn one is lost", () => {
  const dir = tempDir().path;
  try {
    const journal = path.join(dir, "j.ndjson");
    fs.writeFileSync(journal, '{"key":"a"}\n{"key":"b","ti');
    appendJournal(journal, journalEntries({ file: "/c", program: "t" }, [{ key: "c", new: 1 }]));
    const read = readJournal(journal);
    assert.deepEqual(read.entries.map((e) => e.key), ["a", "c"]);
    assert.deepEqual(read.skipped, [{ line: 2, text: '{"key":"b","ti', file: journal }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("journal: rotated past its size bound, the previous generation is kept and still read", () => {
  const dir = tempDir().path;
  try {
    const journal = path.join(dir, "journal", "j.ndjson");
    const line = (key: string) => journalEntries({ file: "/c", program: "t" }, [{ key, new: 1 }]);
    const size = JSON.stringify(line("k0")[0]).length + 1;
    for (let i = 0; i < 7; i++) appendJournal(journal, line(`k${i}`), size * 3);
    // 3 lines fit: k0-k2 went to a generation that the second rotation dropped.
    assert.equal(fs.readFileSync(`${journal}.1`, "utf8").split("\n").length - 1, 3);
    assert.equal(fs.readFileSync(journal, "utf8").split("\n").length - 1, 1);
    assert.deepEqual(readJournal(journal).entries.map((e) => e.key), ["k3", "k4", "k5", "k6"]);
    if (process.platform !== "win32") {
      assert.equal(fs.statSync(journal).mode & 0o777, 0o600);
      assert.equal(fs.statSync(`${journal}.1`).mode & 0o777, 0o600);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "journal: a link planted at the journal, its previous generation or its folder is never followed",
  {
    skip: process.platform === "win32" ? "symlinks need privileges on Windows" : false,
  },
  () => {
    const dir = tempDir().path;
    try {
      const victim = path.join(dir, "victim");
      fs.writeFileSync(victim, "precious\n");
      const state = path.join(dir, "state");
      fs.mkdirSync(path.join(state, "journal"), { recursive: true });
      const journal = path.join(state, "journal", "j.ndjson");
      const entry = journalEntries({ file: "/c", program: "t" }, [{ key: "a", new: 1 }]);
      fs.symlinkSync(victim, journal);
      assert.throws(() => appendJournal(journal, entry), /cannot append to the journal/);
      assert.throws(() => readJournal(journal), /cannot read the journal/);
      fs.unlinkSync(journal);
      fs.symlinkSync(victim, `${journal}.1`);
      assert.throws(() => readJournal(journal), /cannot read the journal .*j\.ndjson\.1/);
      fs.unlinkSync(`${journal}.1`);
      fs.rmSync(path.join(state, "journal"), { recursive: true });
      const elsewhere = path.join(dir, "elsewhere");
      fs.mkdirSync(elsewhere);
      fs.symlinkSync(elsewhere, path.join(state, "journal"));
      assert.throws(
        () => appendJournal(journal, entry),
        /journal is a symbolic link: strata keeps backups and journals only in real folders/,
      );
      assert.deepEqual(fs.readdirSync(elsewhere), []);
      assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
