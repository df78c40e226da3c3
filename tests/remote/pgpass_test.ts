import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { passwordFor } from "../../src/remote/pgpass.ts";
import { checkScope, parseRemoteUrl } from "../../src/remote/remote_url.ts";

const q = { host: "db.example.com", port: "5432", database: "cfg", user: "ana" };

describe("remote password and URL", () => {
  it("takes PGPASSWORD first, then a ~/.pgpass readable by its owner only", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "strata-pgpass-"));
    try {
      const file = path.join(home, ".pgpass");
      fs.writeFileSync(
        file,
        "# comment\nother:5432:cfg:ana:wrong\ndb.example.com:*:cfg:ana:pa\\:ss\\\\1\n*:*:*:*:any\n",
        { mode: 0o600 },
      );
      fs.chmodSync(file, 0o600);
      assert.equal(passwordFor(q, { PGPASSWORD: "env" }, home), "env");
      assert.equal(passwordFor(q, {}, home), "pa:ss\\1");
      assert.equal(passwordFor({ ...q, host: "x" }, {}, home), "any");
      fs.chmodSync(file, 0o644);
      assert.equal(passwordFor(q, {}, home), undefined);
      assert.equal(passwordFor(q, {}, undefined), undefined);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("parses a URL without a password and refuses one with it", () => {
    assert.deepEqual(parseRemoteUrl("postgres://ana@db.example.com/cfg?sslmode=require"), {
      url: "postgres://ana@db.example.com/cfg?sslmode=require",
      ...q,
    });
    assert.throws(
      () => parseRemoteUrl("postgres://ana:pw@db/cfg"),
      (e: Error & { code?: string }) =>
        e.code === "usage" && /never writes one into a configuration file/.test(e.message) &&
        e.message.includes("postgres://ana@db/cfg"),
    );
    assert.throws(() => parseRemoteUrl("mysql://db/x"), /not a PostgreSQL URL/);
    assert.throws(() => parseRemoteUrl("db.example.com"), /not a server URL/);
  });

  it("checks scope names", () => {
    assert.equal(checkScope("user:ana/pipeline"), "user:ana/pipeline");
    assert.throws(
      () => checkScope("no scope"),
      /is not a scope name; write it as KIND:OWNER\/NAME/,
    );
    assert.throws(() => checkScope("team"), /not a scope name/);
  });
});
