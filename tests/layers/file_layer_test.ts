import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readFileLayer } from "../../src/layers/file_layer.ts";
import { prefetchFiles } from "../../src/runtime/fs.ts";
import { backupDirOf, listBackupFiles } from "../../src/layers/fallback_backups.ts";
import { backupFile, listBackups } from "../../src/store/backup.ts";
import { resolveTarget } from "../../src/store/resolve_target.ts";
import { statePaths } from "../../src/store/state_paths.ts";

function temp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
}

test("reads values; a file unchanged since the last read is not read again", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "c.toml");
    fs.writeFileSync(file, "a = 1\n[t]\nb = 1.0\n");
    // Just written: "racy" (the stamp cannot prove it unchanged), so read again.
    const racy = readFileLayer(file, "toml");
    assert.equal(racy.racy, true);
    assert.notEqual(readFileLayer(file, "toml", { previous: racy }), racy);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(file, past, past);
    const first = readFileLayer(file, "toml");
    assert.equal(first.racy, false);
    assert.equal(first.status, "ok");
    assert.deepEqual(first.values, { a: 1, t: { b: 1 } });
    assert.equal(first.document()?.kindOf(["t", "b"]), "float");
    assert.equal(first.document()?.lineOf(["t", "b"]), 3);
    assert.equal(readFileLayer(file, "toml", { previous: first }), first);
    fs.writeFileSync(file, "a = 2\n");
    const second = readFileLayer(file, "toml", { previous: first });
    assert.notEqual(second, first);
    assert.deepEqual(second.values, { a: 2 });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("missing, a folder, invalid UTF-8, a byte-order mark", () => {
  const dir = temp();
  try {
    assert.equal(readFileLayer(path.join(dir, "none.toml"), "toml").status, "no-file");
    const folder = readFileLayer(dir, "toml");
    assert.equal(folder.status, "unreadable");
    assert.equal(folder.error?.code, "io");
    const bad = path.join(dir, "bad.toml");
    fs.writeFileSync(bad, Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]));
    const r = readFileLayer(bad, "toml");
    assert.equal(r.status, "unreadable");
    assert.match(r.error!.message, /bad\.toml:1:6: the file is not valid UTF-8; /);
    const bom = path.join(dir, "bom.json");
    fs.writeFileSync(bom, '\uFEFF{"a": 1}');
    assert.deepEqual(readFileLayer(bom, "json").values, { a: 1 });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("the reader finds backups where the store writes them (through symlinks too)", () => {
  const dir = temp();
  try {
    const real = path.join(dir, "real", "config.toml");
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, "a = 1\n");
    const link = path.join(dir, "link.toml");
    fs.symlinkSync(real, link);
    const state = path.join(dir, "state");
    const expected = statePaths(state, resolveTarget(link)).backupDir;
    assert.equal(backupDirOf(state, link), expected);
    backupFile(real, expected);
    fs.writeFileSync(real, "a = 2\n");
    backupFile(real, expected);
    assert.deepEqual(
      listBackupFiles(expected),
      listBackups(expected).map(({ id, path, time }) => ({ id, path, time })),
    );
    assert.equal(listBackupFiles(path.join(dir, "none")).length, 0);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("a link loop is reported, not taken for a missing file (read ahead and node reads)", async () => {
  const dir = temp();
  try {
    const loop = path.join(dir, "self.toml");
    fs.symlinkSync(loop, loop);
    const none = path.join(dir, "none.toml");
    const empty = path.join(dir, "empty.toml");
    fs.writeFileSync(empty, "");
    const prefetched = await prefetchFiles([loop, none, empty]);
    for (const native of [true, false]) {
      const r = readFileLayer(loop, "toml", native ? { prefetched } : {});
      assert.equal(r.status, "unreadable", `native ${native}`);
      assert.equal(r.error?.code, "io");
      assert.match(r.error!.message, /self\.toml: it is a symbolic link loop/);
    }
    assert.equal(readFileLayer(none, "toml", { prefetched }).status, "no-file");
    assert.deepEqual(readFileLayer(empty, "toml", { prefetched }).values, {});
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("a parser's reason quoting an enormous line is cut short in the message", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "line.toml");
    fs.writeFileSync(file, "a".repeat(1024 * 1024));
    const r = readFileLayer(file, "toml");
    assert.equal(r.status, "unreadable");
    assert.ok(r.error!.message.length < 1000, `${r.error!.message.length} characters`);
    const json = path.join(dir, "dup.json");
    fs.writeFileSync(json, `{"${"k".repeat(100000)}": 1, "${"k".repeat(100000)}": 2}`);
    const j = readFileLayer(json, "json");
    assert.ok(j.error!.message.length < 1000, `${j.error!.message.length} characters`);
    assert.match(j.error!.message, /duplicate key "k+…" \(100000 characters\)/);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("read as a document: the same values, the document given once for an edit of the same text", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "c.toml");
    const text = "# kept\na = 1\n[t]\nb = 1.0\nbig = 9007199254740993\n";
    fs.writeFileSync(file, text);
    const plain = readFileLayer(file, "toml");
    const read = readFileLayer(file, "toml", { asDocument: true });
    assert.deepEqual(read.values, plain.values);
    assert.equal(read.kindOf(["t", "b"]), "float");
    // Another text (the file changed before the lock): nothing to start from.
    assert.equal(read.documentFor("a = 2\n"), undefined);
    const doc = read.documentFor(text);
    assert.ok(doc !== undefined);
    assert.equal(read.documentFor(text), undefined, "given once");
    // The edit changes the document it was given, never the values read or a later document().
    const before = structuredClone(read.values);
    doc.set(["a"], 5);
    doc.set(["t", "c"], "new");
    doc.set(["t", "b"], 2.5);
    doc.delete(["big"]);
    doc.set(["u"], { x: [1, 2] });
    assert.equal(doc.get(["a"]), 5);
    assert.deepEqual(read.values, before);
    assert.equal(read.document()?.toString(), text);
    assert.equal(read.document()?.lineOf(["t", "b"]), 4);
    // A plain read has no document at hand for a TOML file: an edit parses the text.
    assert.equal(plain.documentFor(text), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
