import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  findIdentity,
  keyFileOf,
  promotePending,
  storedIdentity,
  storeIdentity,
} from "../../src/platform/identity_store.ts";
import type { PlatformContext } from "../../src/platform/paths.ts";

const ID = "strata-identity-v1:XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os";
const posix = { skip: process.platform === "win32" };

function machine(extra: Record<string, string> = {}) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-id-")));
  const ctx: PlatformContext = {
    platform: "linux",
    env: { XDG_CONFIG_HOME: path.join(root, "config"), STRATA_KEYCHAIN: "0", ...extra },
    home: path.join(root, "home"),
    cwd: root,
  };
  return { root, ctx, [Symbol.dispose]: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test("the key file lives in strata's own config folder, 0600 in a 0700 folder", posix, async () => {
  using m = machine();
  const file = keyFileOf(m.ctx, "demo");
  assert.equal(file, path.join(m.root, "config", "strata", "keys", "demo.key"));
  assert.equal(await storedIdentity(m.ctx, "demo"), undefined);
  assert.deepEqual(await storeIdentity(m.ctx, "demo", ID), { kind: "key-file", where: file });
  assert.equal(fs.readFileSync(file, "utf8"), `${ID}\n`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.deepEqual(await findIdentity(m.ctx, "demo"), {
    text: `${ID}\n`,
    place: { kind: "key-file", where: file },
  });
});

test("STRATA_IDENTITY, then STRATA_IDENTITY_FILE, come before the key file", posix, async () => {
  using m = machine();
  await storeIdentity(m.ctx, "demo", ID);
  const given = path.join(m.root, "given.key");
  fs.writeFileSync(given, "strata-identity-v1:other\n", { mode: 0o600 });
  m.ctx.env.STRATA_IDENTITY_FILE = given;
  assert.deepEqual((await findIdentity(m.ctx, "demo"))?.place, {
    kind: "identity-file",
    where: given,
  });
  m.ctx.env.STRATA_IDENTITY = " env-text ";
  assert.deepEqual(await findIdentity(m.ctx, "demo"), {
    text: "env-text",
    place: { kind: "environment", where: "STRATA_IDENTITY" },
  });
  delete m.ctx.env.STRATA_IDENTITY;
  fs.rmSync(given);
  await assert.rejects(findIdentity(m.ctx, "demo"), {
    code: "io",
    message: `STRATA_IDENTITY_FILE names ${given}, which does not exist; point it at the ` +
      `identity's key file, or unset it to use the identity stored for app demo`,
  });
});

test(
  "a key file others may read is refused, as ssh refuses such a private key",
  posix,
  async () => {
    using m = machine();
    const file = keyFileOf(m.ctx, "demo");
    await storeIdentity(m.ctx, "demo", ID);
    fs.chmodSync(file, 0o640);
    await assert.rejects(storedIdentity(m.ctx, "demo"), {
      code: "io",
      message: `the key file ${file} is readable by others (mode 640): a private key must be ` +
        `readable by its owner only, so it is not used. To fix: chmod 600 ${file} (and consider ` +
        `the key exposed: strata --app demo key rotate)`,
    });
  },
);

test(
  "a rotation's pending identity is stored apart, then renamed over the identity",
  posix,
  async () => {
    using m = machine();
    await storeIdentity(m.ctx, "demo", ID);
    const next = "strata-identity-v1:next";
    const place = await storeIdentity(m.ctx, "demo", next, { pending: true, place: "key-file" });
    assert.deepEqual(place, { kind: "key-file", where: keyFileOf(m.ctx, "demo", true) });
    assert.equal((await storedIdentity(m.ctx, "demo"))?.text, `${ID}\n`);
    const pending = await storedIdentity(m.ctx, "demo", true);
    assert.equal(pending?.text, `${next}\n`);
    await promotePending(m.ctx, "demo", pending!);
    assert.equal((await storedIdentity(m.ctx, "demo"))?.text, `${next}\n`);
    assert.equal(await storedIdentity(m.ctx, "demo", true), undefined);
    assert.deepEqual(fs.readdirSync(path.dirname(keyFileOf(m.ctx, "demo"))), ["demo.key"]);
  },
);
