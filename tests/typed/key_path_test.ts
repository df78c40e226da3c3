import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigKey, ValueAt } from "../../src/typed/key_path.ts";
import { openConfig } from "../../src/mod.ts";
import { makeSandbox } from "../_support/mod.ts";

// Type-level checks: `deno check tests/` fails when a @ts-expect-error line
// compiles, or when a typed line does not.
interface App {
  db: { host: string; port: number };
  "log.level"?: "debug" | "info";
  servers: Record<string, { port: number }>;
  extra?: { on: boolean };
  free: unknown;
  tags: string[];
}

test("dotted keys of a type, and the type of the value at each", () => {
  const keys: ConfigKey<App>[] = ["db", "db.port", '"log.level"', "servers.eu.port", "free.a.b"];
  const port: ValueAt<App, "db.port"> = 5432;
  const level: ValueAt<App, '"log.level"'> = "info";
  const on: ValueAt<App, "extra.on"> = undefined; // below an optional table
  const tag: ValueAt<App, "tags"> = ["a"];
  // @ts-expect-error: a wrong path
  const wrong: ConfigKey<App> = "db.prot";
  // @ts-expect-error: the wrong type for the key
  const text: ValueAt<App, "db.port"> = "5432";
  // @ts-expect-error: arrays are values, not tables
  const inside: ConfigKey<App> = "tags.0";
  const any: ConfigKey<Record<string, unknown>> = "any.key.at.all";
  assert.deepEqual([keys.length, port, level, on, tag, wrong, text, inside, any], [
    5,
    5432,
    "info",
    undefined,
    ["a"],
    "db.prot",
    "5432",
    "tags.0",
    "any.key.at.all",
  ]);
});

test("openConfig<T>: get and set are typed by key; values() is the merged tree of every layer", async () => {
  const box = makeSandbox();
  try {
    box.write("config/demo/config.toml", "# mine\n[db]\nport = 6000\n");
    const config = openConfig<App>({
      app: "demo",
      env: { ...box.env, DEMO_DB__HOST: "env.example" },
      defaults: { db: { host: "localhost", port: 5432 }, servers: { eu: { port: 1 } }, tags: [] },
    });
    const port: number = config.get("db.port");
    const eu: number = config.get("servers.eu.port");
    assert.equal(port, 6000);
    assert.equal(eu, 1);
    // @ts-expect-error: a mistyped key
    assert.equal(config.get("db.hots"), undefined);
    // @ts-expect-error: a value of the wrong type
    await assert.rejects(config.set("db.port", "x"));
    await config.set("db.port", port + 1);
    assert.deepEqual(config.values(), {
      db: { host: "env.example", port: 6001 },
      servers: { eu: { port: 1 } },
      tags: [],
    });
    assert.equal(box.read("config/demo/config.toml"), "# mine\n[db]\nport = 6001\n");
  } finally {
    box.cleanup();
  }
});

test("values() is {} when no layer holds anything, and throws on a value that breaks its type", () => {
  const box = makeSandbox();
  try {
    assert.deepEqual(openConfig({ app: "demo", env: box.env }).values(), {});
    const config = openConfig({
      app: "demo",
      env: { ...box.env, DEMO_DB__PORT: "many" },
      defaults: { db: { port: 5432 } },
    });
    assert.throws(() => config.values(), (e: Error & { code?: string }) => {
      assert.equal(e.code, "type");
      assert.match(e.message, /DEMO_DB__PORT/);
      return true;
    });
  } finally {
    box.cleanup();
  }
});
