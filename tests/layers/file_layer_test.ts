import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readFileLayer } from "../../src/layers/file_layer.ts";

function temp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
}

test("reads values; a file unchanged since the last read is not read again", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "c.toml");
    fs.writeFileSync(file, "a = 1\n[t]\nb = 1.0\n");
    const first = readFileLayer(file, "toml");
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
