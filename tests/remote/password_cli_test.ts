/**
 * `strata remote password` through the real CLI on a machine where no
 * keychain answers (no D-Bus session): a clear message naming the
 * ~/.pgpass line that works instead, exit 5; nothing is stored.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { BUN, DENO, type Machine, makeMachine } from "./_machine.ts";
import { pgpassPassword } from "../../src/remote/pgpass.ts";

const MAIN = path.join(path.dirname(BUN), "..", "..", "main.ts");

describe("strata remote password", () => {
  let m: Machine;
  let pgpass: string;
  // No session bus: Bun.secrets cannot reach a keychain, as on a server.
  const noBus = { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus", USER: "ana" };
  const run = (args: string[], env: Record<string, string>, input = "s3cret\n") => {
    const r = spawnSync(BUN, ["--no-env-file", MAIN, "--app", "demo", "remote", ...args], {
      cwd: m.box.project,
      env: { ...m.box.env, ...noBus, ...env },
      input,
      encoding: "utf8",
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(() => {
    m = makeMachine("demo");
    pgpass = path.join(m.box.home, ".pgpass");
    const r = m.run([
      "remote",
      "connect",
      "postgres://ana@db.example.com:5433/config",
      "--scope",
      "team:ops/demo",
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => m?.cleanup());

  const instead = () =>
    `Keep the password of ana@db.example.com:5433/config in ${pgpass} instead: add ` +
    `the line db.example.com:5433:config:ana:PASSWORD (with the real password) and run ` +
    `chmod 600 ${pgpass}; or set PGPASSWORD for one run\n`;

  it("says plainly that no keychain answered, and how to use ~/.pgpass instead (exit 5)", () => {
    const started = performance.now();
    const r = run(["password"], {});
    const ms = performance.now() - started;
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.startsWith("strata: no OS keychain answered ("), r.stderr);
    assert.ok(
      r.stderr.endsWith(`); nothing was stored. ${instead()}`),
      r.stderr,
    );
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    // Bounded: a keychain that does not answer is given up after 3 s.
    assert.ok(ms < 15_000, `${ms} ms`);
    assert.equal(fs.existsSync(pgpass), false);
  });

  it("the advice works: the line it gives, in ~/.pgpass, is the password strata finds", () => {
    const r = run(["password"], {});
    const line = /add the line (\S+) \(with/.exec(r.stderr)![1].replace(/PASSWORD$/, "s3cret");
    fs.writeFileSync(pgpass, `${line}\n`, { mode: 0o600 });
    fs.chmodSync(pgpass, 0o600);
    try {
      const q = { host: "db.example.com", port: "5433", database: "config", user: "ana" };
      assert.equal(pgpassPassword(q, {}, m.box.home), "s3cret");
    } finally {
      fs.rmSync(pgpass);
    }
  });

  it("STRATA_KEYCHAIN=off: says the keychain is turned off, asks for no password", () => {
    const r = run(["password"], { STRATA_KEYCHAIN: "off" }, "");
    assert.equal(r.code, 5);
    assert.equal(
      r.stderr,
      `strata: the keychain is turned off by STRATA_KEYCHAIN=off; nothing was stored. ${instead()}`,
    );
  });

  it("--delete with no keychain answering says nothing was removed (exit 5)", () => {
    const r = run(["password", "--delete"], {}, "");
    assert.equal(r.code, 5);
    assert.ok(r.stderr.startsWith("strata: no OS keychain answered ("), r.stderr);
    assert.ok(r.stderr.endsWith("); nothing was removed\n"), r.stderr);
  });

  it("under Deno: the keychain needs Bun, said before any password is asked (exit 2)", () => {
    const r = spawnSync(
      DENO,
      ["run", "-A", "--quiet", MAIN, "--app", "demo", "remote", "password"],
      { cwd: m.box.project, env: { ...m.box.env, ...noBus }, input: "", encoding: "utf8" },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr,
      `strata: this runtime has no keychain (it needs Bun: the strata binary or bun main.ts); ` +
        `nothing was stored. ${instead()}`,
    );
  });
});

describe("remote status names where the password comes from, never the password", () => {
  it("PGPASSWORD, else ~/.pgpass with the keychain's silence said, else none", () => {
    const m = makeMachine("demo");
    try {
      const env = {
        ...m.box.env,
        USER: "ana",
        DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus",
      };
      const run = (args: string[], extra: Record<string, string> = {}) => {
        const r = spawnSync(BUN, ["--no-env-file", MAIN, "--app", "demo", "remote", ...args], {
          cwd: m.box.project,
          env: { ...env, ...extra },
          encoding: "utf8",
        });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      // Nothing listens on port 1: status says the server is unreachable and exits 0.
      const url = "postgres://ana@127.0.0.1:1/config";
      assert.equal(run(["connect", url, "--scope", "team:ops/demo"]).code, 0);
      const status = (extra: Record<string, string> = {}) => {
        const r = run(["status", "--json"], extra);
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stdout, /s3cret/);
        return JSON.parse(r.stdout).password;
      };
      assert.deepEqual(status({ PGPASSWORD: "s3cret" }), { source: "PGPASSWORD" });
      const none = status();
      assert.equal(none.source, null);
      assert.equal(typeof none.keychain, "string");
      assert.deepEqual(status({ STRATA_KEYCHAIN: "off" }), { source: null });
      const file = path.join(m.box.home, ".pgpass");
      fs.writeFileSync(file, "127.0.0.1:1:config:ana:s3cret\n", { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      assert.deepEqual(status({ STRATA_KEYCHAIN: "off" }), { source: "pgpass" });
      const fromFile = status();
      assert.equal(fromFile.source, "pgpass");
      assert.equal(fromFile.keychain, none.keychain);
      const text = run(["status"], { STRATA_KEYCHAIN: "off" });
      assert.match(text.stdout, /^password: {2}from ~\/\.pgpass \(or PGPASSFILE\)$/m);
      const silent = run(["status"]);
      assert.ok(
        silent.stdout.includes(
          `password:  from ~/.pgpass (or PGPASSFILE); the keychain did not answer (${none.keychain})\n`,
        ),
        silent.stdout,
      );
    } finally {
      m.cleanup();
    }
  });
});
