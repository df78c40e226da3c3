// The library's strict mode: a layer file that does not parse fails the read
// (a located `parse` StrataError) instead of being served from its newest
// backup that parses; the environment's STRATA_STRICT turns it on by default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { StrataError } from "../../src/errors.ts";
import { librarySandbox } from "../_support/mod.ts";

test("strict: true fails the read of a broken file that has a good backup", async () => {
  const sb = librarySandbox();
  try {
    await sb.open().set("db.host", "db1");
    await sb.open().set("db.host", "db2");
    sb.write(sb.userFile, '[db]\nhost = "db3\n');
    // Lenient (the default): the newest backup that parses is used, with a warning.
    const lenient = sb.open();
    assert.equal(lenient.get("db.host"), "db1");
    assert.match(lenient.warnings()[0], /using its backup of /);
    const isStrictError = (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, "parse");
      assert.equal(e.exitCode, 3);
      assert.match(
        e.message,
        new RegExp(`^${sb.userFile}:2:\\d+: .*; strict mode does not fall back`),
      );
      return true;
    };
    assert.throws(() => sb.open({ strict: true }).get("db.host"), isStrictError);
    assert.throws(() => sb.open({ strict: true }).list(), isStrictError);
    // From the environment, unless the option says otherwise.
    const env = { ...sb.env, STRATA_STRICT: "1" };
    assert.throws(() => sb.open({ env }).get("db.host"), isStrictError);
    assert.equal(sb.open({ env, strict: false }).get("db.host"), "db1");
    assert.throws(
      () => sb.open({ env: { ...sb.env, STRATA_STRICT: "sometimes" } }),
      /STRATA_STRICT="sometimes" is neither on nor off/,
    );
  } finally {
    sb.cleanup();
  }
});
