import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readFileLayer } from "../../src/layers/file_layer.ts";
import { cacheFileOf, cacheMinLength, readCachedValues } from "../../src/layers/parse_cache.ts";
import { parse } from "../../src/toml/parse.ts";

function temp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
}

function bigToml(): string {
  const lines = [
    "big = 9007199254740993",
    "when = 1979-05-27T07:32:00.5-07:00",
    "day = 1979-05-27",
    "pos = inf",
    "neg = -inf",
    "nan = nan",
    "negzero = -0.0",
    '"__proto__" = { polluted = true }',
    "[[items]]",
    "at = 07:32:00",
    "[[items]]",
    "list = [1, 9007199254740993, { d = 2000-01-01 }]",
    "[t]",
  ];
  let i = 0;
  while (lines.join("\n").length < cacheMinLength) lines.push(`k${i++} = "value ${i}"`);
  return lines.join("\n") + "\n";
}

test("a big file's values come back from the cache exactly, also what JSON cannot hold", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "config.toml");
    const state = path.join(dir, "state");
    const text = bigToml();
    fs.writeFileSync(file, text);
    const first = readFileLayer(file, "toml", { cacheDir: state });
    const cacheFile = cacheFileOf(state, file);
    assert.ok(fs.existsSync(cacheFile));
    assert.equal(fs.statSync(cacheFile).mode & 0o777, 0o600);
    const cached = readCachedValues(state, file, text)!.values;
    assert.deepEqual(cached, parse(text));
    assert.deepEqual(first.values, cached);
    assert.ok(Object.is(cached.negzero, -0));
    assert.equal(Object.getPrototypeOf(cached), Object.prototype);
    assert.deepEqual(Object.keys(cached).includes("__proto__"), true);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("the cache is used only for the very same text", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "config.toml");
    const state = path.join(dir, "state");
    const text = bigToml();
    fs.writeFileSync(file, text);
    readFileLayer(file, "toml", { cacheDir: state });
    // Prove the cache is what is read: change the value it holds, not the text.
    const cacheFile = cacheFileOf(state, file);
    const cache = JSON.parse(fs.readFileSync(cacheFile, "utf8"));
    cache.values.t.k0 = "from the cache";
    fs.writeFileSync(cacheFile, JSON.stringify(cache));
    const hit = readFileLayer(file, "toml", { cacheDir: state });
    assert.equal((hit.values!.t as Record<string, unknown>).k0, "from the cache");
    // Same size, other text: parsed again (and the cache renewed).
    fs.writeFileSync(file, text.replace('k0 = "value 1"', 'k0 = "VALUE 1"'));
    const miss = readFileLayer(file, "toml", { cacheDir: state });
    assert.equal((miss.values!.t as Record<string, unknown>).k0, "VALUE 1");
    fs.writeFileSync(cacheFile, "{ broken");
    assert.equal(
      (readFileLayer(file, "toml", { cacheDir: state }).values!.t as Record<string, unknown>).k0,
      "VALUE 1",
    );
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("small files are not cached", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "config.toml");
    const state = path.join(dir, "state");
    fs.writeFileSync(file, "a = 1\n");
    assert.deepEqual(readFileLayer(file, "toml", { cacheDir: state }).values, { a: 1 });
    assert.equal(fs.existsSync(path.join(state, "cache")), false);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("whole numbers written as floats stay floats through the cache (kindOf needs no parse)", () => {
  const dir = temp();
  try {
    const file = path.join(dir, "config.toml");
    const state = path.join(dir, "state");
    const text = "ratio = 1.0\ncount = 1\nlist = [1.0, 2]\n" +
      bigToml().replace("[t]", "[t]\nf = -3.0");
    fs.writeFileSync(file, text);
    const first = readFileLayer(file, "toml", { cacheDir: state });
    const second = readFileLayer(file, "toml", { cacheDir: state });
    const cached = readCachedValues(state, file, text)!;
    assert.deepEqual([...cached.floats].sort(), ['["negzero"]', '["ratio"]', '["t","f"]']);
    for (const read of [first, second]) {
      assert.equal(read.kindOf(["ratio"]), "float");
      assert.equal(read.kindOf(["count"]), "integer");
      assert.equal(read.kindOf(["t", "f"]), "float");
      assert.equal(read.kindOf(["big"]), "integer");
      assert.equal(read.kindOf(["negzero"]), "float");
      assert.equal(read.kindOf(["list"]), "array");
      assert.equal(read.kindOf(["day"]), "local-date");
      assert.equal(read.kindOf(["nope"]), undefined);
    }
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test(
  "the cache is private: 0600 in a 0700 folder; nothing is cached through a link or in a folder open to others",
  {
    skip: process.platform === "win32" ? "POSIX modes and links" : false,
  },
  () => {
    const dir = temp();
    try {
      const file = path.join(dir, "config.toml");
      const state = path.join(dir, "state");
      fs.writeFileSync(file, bigToml());
      readFileLayer(file, "toml", { cacheDir: state });
      const cacheFile = cacheFileOf(state, file);
      assert.equal(fs.statSync(cacheFile).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.dirname(cacheFile)).mode & 0o777, 0o700);
      assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), [path.basename(cacheFile)]);
      // A link planted at the cache folder's name: nothing is written where it points.
      fs.rmSync(path.dirname(cacheFile), { recursive: true });
      const elsewhere = path.join(dir, "elsewhere");
      fs.mkdirSync(elsewhere, { mode: 0o700 });
      fs.symlinkSync(elsewhere, path.dirname(cacheFile));
      readFileLayer(file, "toml", { cacheDir: state });
      assert.deepEqual(fs.readdirSync(elsewhere), []);
      // A folder open to others: nothing is cached in it.
      fs.unlinkSync(path.dirname(cacheFile));
      fs.mkdirSync(path.dirname(cacheFile), { mode: 0o755 });
      fs.chmodSync(path.dirname(cacheFile), 0o755);
      readFileLayer(file, "toml", { cacheDir: state });
      assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), []);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  },
);

test("a pipe planted at the cache's name is never read (no hang), and the file is parsed", {
  skip: process.platform === "win32" ? "FIFOs are POSIX" : false,
}, () => {
  const dir = temp();
  try {
    const file = path.join(dir, "config.toml");
    const state = path.join(dir, "state");
    const text = bigToml();
    fs.writeFileSync(file, text);
    const cacheFile = cacheFileOf(state, file);
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const made = spawnSync("mkfifo", [cacheFile]);
    if (made.status !== 0) return;
    assert.equal(readCachedValues(state, file, text, {}), undefined);
    assert.deepEqual(readFileLayer(file, "toml", { cacheDir: state }).values, parse(text));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
