// The library's secrets: a program seals with the recipient, reads the sealed
// text back, opens it with the identity; plaintext for a secret key is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  generateIdentity,
  isSealed,
  openConfig,
  openValue,
  recipientOf,
  SealedError,
} from "../../src/mod.ts";

test("a program seals with the recipient and opens with the identity", async () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-lib-secret-")));
  try {
    const env = {
      HOME: root,
      XDG_CONFIG_HOME: path.join(root, "config"),
      XDG_STATE_HOME: path.join(root, "state"),
      XDG_CONFIG_DIRS: path.join(root, "xdg"),
      XDG_DATA_DIRS: path.join(root, "data"),
    };
    const config = openConfig({ app: "demo", env, cwd: root });
    const { identity, recipient } = await generateIdentity();
    assert.equal(await recipientOf(identity), recipient);
    const written = await config.set("db.port", "5432", {
      raw: true,
      type: "int",
      sealFor: recipient,
    });
    assert.ok(isSealed(written.new));
    const text = fs.readFileSync(written.file, "utf8");
    assert.match(text, /^port = "enc:v1:[A-Za-z0-9_-]+"\n$/m);
    const stored = config.resolve("db.port")!;
    assert.equal(stored.value, written.new);
    assert.equal(config.isSecret("db.port"), true);
    const opened = await openValue(stored.value as string, identity, {
      app: "demo",
      layer: stored.origin.layer,
      key: ["db", "port"],
    });
    assert.deepEqual(opened, { value: 5432, float: false });
    await assert.rejects(config.set("db.port", 1), {
      code: "usage",
      message: /db\.port holds a secret/,
    });
    await assert.rejects(
      openValue(stored.value as string, identity, {
        app: "demo",
        layer: "project",
        key: ["db", "port"],
      }),
      (e: unknown) => e instanceof SealedError && e.reason === "moved",
    );
    const many = await config.setMany([
      { key: "a", value: "plain" },
      { key: "b", value: "hidden", sealFor: recipient },
    ]);
    assert.deepEqual(many.keys, ["a", "b"]);
    assert.equal(config.get("a"), "plain");
    assert.ok(isSealed(config.get("b")));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
