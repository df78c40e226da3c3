import { test } from "node:test";
import assert from "node:assert/strict";
import { envPrefix, envWarnings, mapEnvironment } from "../../src/layers/env.ts";

test("envPrefix upper-cases and turns - and . into _", () => {
  assert.equal(envPrefix("demo"), "DEMO_");
  assert.equal(envPrefix("my-app.v2"), "MY_APP_V2_");
});

test("variables map to keys: __ nests, known spellings win, others are lower case", () => {
  const layer = mapEnvironment(
    {
      DEMO_DB__HOST: "h",
      DEMO_DB__MAX_CONN: "5",
      DEMO_SERVERS__EU_WEST__PORT: "1",
      DEMO_Port: "2",
      DEMO_NEW: "n",
      DEMO_A____B: "bad",
      DEMOX: "other",
      STRATA_APP: "x",
      DEMO_UNSET: undefined,
    },
    "demo",
    [{ DB: { Host: "a" } }, { DB: { "max-conn": 1 }, db: {} }, {
      servers: { "eu.west": { port: 0 } },
    }],
  );
  assert.deepEqual(layer.entries.map((e) => [e.name, e.path.join("|"), e.known]), [
    ["DEMO_DB__HOST", "db|host", false],
    ["DEMO_DB__MAX_CONN", "db|max_conn", false],
    ["DEMO_NEW", "new", false],
    ["DEMO_Port", "port", false],
    ["DEMO_SERVERS__EU_WEST__PORT", "servers|eu.west|port", true],
  ]);
  assert.deepEqual(layer.invalid, ["DEMO_A____B"]);
});

test("a segment matches case-insensitively when no exact lower-case key exists", () => {
  const layer = mapEnvironment(
    { DEMO_DB__HOST: "h", DEMO_DB__MAX_CONN: "5" },
    "demo",
    [{ DB: { Host: "a" } }, { DB: { "max-conn": 1 } }],
  );
  assert.deepEqual(layer.values, { DB: { Host: "h", "max-conn": "5" } });
  assert.deepEqual(layer.entries.map((e) => e.known), [true, true]);
  assert.deepEqual(envWarnings(layer), []);
});

test("STRATA_APP is never a key of app strata", () => {
  const layer = mapEnvironment({ STRATA_APP: "demo", STRATA_BACKUPS__KEEP: "3" }, "strata", [
    { backups: { keep: 20 } },
  ]);
  assert.deepEqual(layer.values, { backups: { keep: "3" } });
});

test("warnings name unknown and malformed variables", () => {
  const layer = mapEnvironment({ DEMO_TYPO: "1", DEMO_: "x" }, "demo", [{ typ: 1 }]);
  assert.deepEqual(envWarnings(layer), [
    "DEMO_TYPO matches no key known from another layer (read as typo); check its spelling",
    'DEMO_ names no key (empty part between "__"); it is ignored: rename or unset it',
  ]);
});

test("on Windows the prefix matches in any case", () => {
  const env = { Demo_Port: "1", demo_x: "2", Strata_App: "y" };
  assert.deepEqual(mapEnvironment(env, "demo", [], { ignoreCase: true }).values, {
    port: "1",
    x: "2",
  });
  assert.deepEqual(mapEnvironment(env, "demo", []).values, {});
  assert.deepEqual(mapEnvironment(env, "strata", [], { ignoreCase: true }).values, {});
});
