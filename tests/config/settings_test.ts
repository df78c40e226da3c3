// strata's own settings (backups kept, lock timings) applied to writes, and
// floats that stay floats in both formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StrataError } from "../../src/mod.ts";
import { librarySandbox } from "../_support/mod.ts";

test("backups.keep from strata's own configuration (here its environment) is honoured", async () => {
  const sb = librarySandbox();
  try {
    const config = sb.open({ env: { ...sb.env, STRATA_BACKUPS__KEEP: "2" } });
    for (let i = 0; i < 5; i++) await config.set("a", i);
    const backups = path.join(sb.stateDir, "backups");
    const [dir] = fs.readdirSync(backups);
    assert.equal(fs.readdirSync(path.join(backups, dir)).length, 2);
    assert.deepEqual(config.warnings(), []);
  } finally {
    sb.cleanup();
  }
});

test("backups.keep from strata's own user file", async () => {
  const sb = librarySandbox();
  try {
    sb.write(path.join(sb.env.XDG_CONFIG_HOME, "strata", "config.toml"), "[backups]\nkeep = 1\n");
    const config = sb.open();
    for (let i = 0; i < 4; i++) await config.set("a", i);
    const backups = path.join(sb.stateDir, "backups");
    const [dir] = fs.readdirSync(backups);
    assert.equal(fs.readdirSync(path.join(backups, dir)).length, 1);
  } finally {
    sb.cleanup();
  }
});

test("a lock held by a live process: the write waits lockTimeoutMs, then fails naming the holder", async () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.userFile, "a = 1\n");
    const lock = `${sb.userFile}.lock`;
    const info = {
      pid: process.pid,
      host: os.hostname(),
      time: new Date().toISOString(),
      program: "someone else",
      token: "t",
    };
    fs.writeFileSync(lock, JSON.stringify(info) + "\n");
    // A live holder renews its lease (a lock that never changes is watched until it is stale).
    let tick = 0;
    const renewing = setInterval(() => {
      const t = new Date(Date.now() + ++tick * 1000);
      fs.utimesSync(lock, t, t);
    }, 20);
    const config = sb.open({ lockTimeoutMs: 200 });
    try {
      await assert.rejects(config.set("a", 2), (e: unknown) => {
        assert.ok(e instanceof StrataError);
        assert.equal(e.code, "lock");
        assert.match(e.message, /someone else/);
        return true;
      });
    } finally {
      clearInterval(renewing);
    }
    assert.equal(sb.read(sb.userFile), "a = 1\n");
    fs.rmSync(lock);
    await config.set("a", 2);
    assert.equal(sb.read(sb.userFile), "a = 2\n");
  } finally {
    sb.cleanup();
  }
});

test("a float key set to a whole number stays a float, in TOML and in JSON", async () => {
  const sb = librarySandbox();
  try {
    sb.write(sb.defaultsFile, "ratio = 0.5\n");
    const json = sb.write(path.join(sb.project, ".demo.json"), '{\n  "x": 1\n}\n');
    const config = sb.open();
    await config.set("ratio", "2", { raw: true, layer: "project" });
    await config.set("ratio", 4);
    assert.equal(sb.read(json), '{\n  "x": 1,\n  "ratio": 2.0\n}\n');
    assert.equal(sb.read(sb.userFile), "ratio = 4.0\n");
    assert.deepEqual(config.typeOf("ratio"), {
      type: "float",
      source: `defaults ${sb.defaultsFile}:1`,
    });
    // A whole number already written as a float is not rewritten.
    const r = await config.set("ratio", 4);
    assert.equal(r.changed, false);
  } finally {
    sb.cleanup();
  }
});
