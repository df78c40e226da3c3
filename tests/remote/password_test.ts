import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type { KeychainApi } from "../../src/platform/keychain.ts";
import {
  findPassword,
  keychainAccount,
  PASSWORD_SERVICE,
  storePassword,
} from "../../src/remote/password.ts";
import { pgpassLine, pgpassPassword } from "../../src/remote/pgpass.ts";

const q = { host: "db.example.com", port: "5432", database: "cfg", user: "ana" };
const ACCOUNT = "ana@db.example.com:5432/cfg";

/** A keychain in memory, recording what it was asked. */
function memoryKeychain(entries: Record<string, string> = {}) {
  const asked: string[] = [];
  const api: KeychainApi = {
    get: ({ service, name }) => {
      asked.push(`get ${service} ${name}`);
      return Promise.resolve(entries[`${service} ${name}`] ?? null);
    },
    set: ({ service, name, value }) => {
      asked.push(`set ${service} ${name}`);
      entries[`${service} ${name}`] = value;
      return Promise.resolve();
    },
    delete: ({ service, name }) => {
      asked.push(`delete ${service} ${name}`);
      const had = `${service} ${name}` in entries;
      delete entries[`${service} ${name}`];
      return Promise.resolve(had);
    },
  };
  return { api, asked, entries };
}

/** A keychain that fails as Bun.secrets does with no D-Bus. */
const failing: KeychainApi = {
  get: () => Promise.reject(new Error("Cannot autolaunch D-Bus without X11 $DISPLAY")),
  set: () => Promise.reject(new Error("Cannot autolaunch D-Bus without X11 $DISPLAY")),
  delete: () => Promise.reject(new Error("Cannot autolaunch D-Bus without X11 $DISPLAY")),
};

/** A keychain that never answers. */
const silent: KeychainApi = {
  get: () => new Promise(() => {}),
  set: () => new Promise(() => {}),
  delete: () => new Promise(() => {}),
};

function withPgpass(body: (home: string) => Promise<void>): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "strata-password-"));
  const file = path.join(home, ".pgpass");
  fs.writeFileSync(file, `${pgpassLine(q, "from-file")}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return body(home).finally(() => fs.rmSync(home, { recursive: true, force: true }));
}

describe("the server's password: PGPASSWORD, then the keychain, then ~/.pgpass", () => {
  it("names the keychain entry by user, host, port and database", () => {
    assert.equal(keychainAccount(q), ACCOUNT);
    assert.equal(PASSWORD_SERVICE, "strata-postgres");
  });

  it("PGPASSWORD comes first: the keychain is not even asked", async () => {
    await withPgpass(async (home) => {
      const k = memoryKeychain({ [`strata-postgres ${ACCOUNT}`]: "from-keychain" });
      const found = await findPassword(q, {
        env: { PGPASSWORD: "from-env" },
        home,
        keychain: k.api,
      });
      assert.deepEqual(found, { password: "from-env", source: "PGPASSWORD" });
      assert.deepEqual(k.asked, []);
    });
  });

  it("the keychain comes before ~/.pgpass", async () => {
    await withPgpass(async (home) => {
      const k = memoryKeychain({ [`strata-postgres ${ACCOUNT}`]: "from-keychain" });
      const found = await findPassword(q, { env: {}, home, keychain: k.api });
      assert.deepEqual(found, { password: "from-keychain", source: "keychain" });
      assert.deepEqual(k.asked, [`get strata-postgres ${ACCOUNT}`]);
    });
  });

  it("a keychain without the entry leads to ~/.pgpass; so does no keychain at all", async () => {
    await withPgpass(async (home) => {
      const k = memoryKeychain();
      assert.deepEqual(await findPassword(q, { env: {}, home, keychain: k.api }), {
        password: "from-file",
        source: "pgpass",
      });
      assert.deepEqual(await findPassword(q, { env: {}, home, keychain: undefined }), {
        password: "from-file",
        source: "pgpass",
      });
      assert.deepEqual(
        await findPassword({ ...q, user: "bob" }, { env: {}, home, keychain: k.api }),
        {},
      );
    });
  });

  it("STRATA_KEYCHAIN=off skips the keychain", async () => {
    await withPgpass(async (home) => {
      const k = memoryKeychain({ [`strata-postgres ${ACCOUNT}`]: "from-keychain" });
      const found = await findPassword(q, {
        env: { STRATA_KEYCHAIN: "off" },
        home,
        keychain: k.api,
      });
      assert.deepEqual(found, { password: "from-file", source: "pgpass" });
      assert.deepEqual(k.asked, []);
    });
  });

  it("a keychain that fails (no D-Bus) leads to ~/.pgpass and says why", async () => {
    await withPgpass(async (home) => {
      assert.deepEqual(await findPassword(q, { env: {}, home, keychain: failing }), {
        password: "from-file",
        source: "pgpass",
        keychainProblem: "Cannot autolaunch D-Bus without X11 $DISPLAY",
      });
    });
  });

  it("a keychain that does not answer is given up after 3 s", { timeout: 30_000 }, async () => {
    await withPgpass(async (home) => {
      const started = performance.now();
      const found = await findPassword(q, { env: {}, home, keychain: silent });
      const ms = performance.now() - started;
      assert.deepEqual(found, {
        password: "from-file",
        source: "pgpass",
        keychainProblem: "no answer within 3 s",
      });
      assert.ok(ms >= 2900 && ms < 10_000, `${ms} ms`);
    });
  });

  it("~/.pgpass alone: PGPASSWORD is not looked at by pgpassPassword", async () => {
    await withPgpass((home) => {
      assert.equal(pgpassPassword(q, { PGPASSWORD: "from-env" }, home), "from-file");
      return Promise.resolve();
    });
  });
});

describe("storing the password in the keychain", () => {
  it("stores, then removes; removing again says there was none", async () => {
    const k = memoryKeychain();
    assert.deepEqual(await storePassword(q, "s3cret", { env: {}, keychain: k.api }), {
      ok: true,
      changed: true,
    });
    assert.deepEqual(k.entries, { [`strata-postgres ${ACCOUNT}`]: "s3cret" });
    assert.deepEqual(await findPassword(q, { env: {}, keychain: k.api }), {
      password: "s3cret",
      source: "keychain",
    });
    assert.deepEqual(await storePassword(q, undefined, { env: {}, keychain: k.api }), {
      ok: true,
      changed: true,
    });
    assert.deepEqual(k.entries, {});
    assert.deepEqual(await storePassword(q, undefined, { env: {}, keychain: k.api }), {
      ok: true,
      changed: false,
    });
  });

  it(
    "says why nothing was stored: turned off, none, failed, no answer",
    { timeout: 30_000 },
    async () => {
      const k = memoryKeychain();
      assert.deepEqual(
        await storePassword(q, "x", { env: { STRATA_KEYCHAIN: "0" }, keychain: k.api }),
        {
          ok: false,
          why: "off",
        },
      );
      assert.deepEqual(k.asked, []);
      assert.deepEqual(await storePassword(q, "x", { env: {}, keychain: undefined }), {
        ok: false,
        why: "none",
      });
      assert.deepEqual(await storePassword(q, "x", { env: {}, keychain: failing }), {
        ok: false,
        why: "failed",
        reason: "Cannot autolaunch D-Bus without X11 $DISPLAY",
      });
      assert.deepEqual(await storePassword(q, "x", { env: {}, keychain: silent, waitMs: 200 }), {
        ok: false,
        why: "failed",
        reason: "no answer within 0.2 s",
      });
    },
  );
});
