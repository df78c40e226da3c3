/**
 * Two applications on one machine share the state folder: each keeps its
 * own outbox, mirror and conflicts, so a change queued for one is never
 * sent to the other's scope.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { BUN } from "./_machine.ts";
import { makeSandbox } from "../_support/mod.ts";

const MAIN = path.join(path.dirname(BUN), "..", "..", "main.ts");

test("a change queued offline for one app stays out of another app's outbox", () => {
  const box = makeSandbox();
  try {
    const run = (app: string, args: string[]) => {
      const r = spawnSync(BUN, ["--no-env-file", MAIN, "--app", app, ...args], {
        cwd: box.project,
        // Nothing listens on port 1: the server cannot be reached. No session bus: no keychain.
        env: { ...box.env, USER: "ana", DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" },
        encoding: "utf8",
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    for (const app of ["alpha", "beta"]) {
      const url = "postgres://ana@127.0.0.1:1/config";
      assert.equal(run(app, ["remote", "connect", url, "--scope", `team:ops/${app}`]).code, 0);
    }
    const set = run("alpha", ["set", "--shared", "db.pool", "20", "--type", "int"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, "db.pool = 20  (shared: queued)\n");
    const outbox = (app: string) => {
      const r = run(app, ["remote", "status", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const status = JSON.parse(r.stdout);
      assert.equal(status.scope, `team:ops/${app}`);
      return status.outbox.map((e: { key: string; value: string }) => `${e.key}=${e.value}`);
    };
    assert.deepEqual(outbox("alpha"), ["db.pool=20"]);
    assert.deepEqual(outbox("beta"), []);
    const shared = path.join(box.stateHome, "strata", "_shared", "remote");
    assert.deepEqual(fs.readdirSync(shared), ["alpha"]);
    assert.deepEqual(fs.readdirSync(path.join(shared, "alpha")).sort(), ["outbox.json"]);
  } finally {
    box.cleanup();
  }
});

test("a change queued in the per-application layout's folder is still there to send", () => {
  const box = makeSandbox();
  try {
    const env = { ...box.env, USER: "ana", DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" };
    const run = (args: string[]) => {
      const r = spawnSync(BUN, ["--no-env-file", MAIN, "--app", "alpha", ...args], {
        cwd: box.project,
        env,
        encoding: "utf8",
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const url = "postgres://ana@127.0.0.1:1/config";
    assert.equal(run(["remote", "connect", url, "--scope", "team:ops/alpha"]).code, 0);
    const legacy = path.join(box.stateHome, "strata", "alpha", "remote");
    fs.mkdirSync(legacy, { recursive: true });
    const entry = {
      key: "db.pool",
      text: "20",
      kind: "integer",
      deleted: false,
      base: 0,
      time: "2026-01-01T00:00:00.000Z",
      by: "ana@old",
    };
    fs.writeFileSync(path.join(legacy, "outbox.json"), JSON.stringify([entry]));
    const r = run(["remote", "status", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).outbox, [
      { key: "db.pool", value: "20", time: "2026-01-01T00:00:00.000Z" },
    ]);
    assert.equal(fs.existsSync(legacy), false);
    const moved = path.join(box.stateHome, "strata", "_shared", "remote", "alpha", "outbox.json");
    assert.deepEqual(JSON.parse(fs.readFileSync(moved, "utf8")), [entry]);
  } finally {
    box.cleanup();
  }
});
