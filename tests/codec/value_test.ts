import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  cacheSpecials,
  cacheValuesJson,
  decodeSpecial,
  fromText,
  journalLine,
  maskSealed,
  toEnvText,
} from "../../src/codec/value.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SEALED = "enc:v1:AAAA";

test("text in: every edge's conversion, TOML inline values included", () => {
  assert.equal(fromText("0x10", "int"), 16);
  assert.equal(fromText("1.10", "string"), "1.10");
  assert.deepEqual(fromText("{ a = 1, b = [2] }", "json"), { a: 1, b: [2] });
  assert.deepEqual(fromText('["x", 1]', "json"), ["x", 1]);
  assert.throws(() => fromText("{ a = 1", "json"), {
    message: '"{ a = 1" is not an array or table (write JSON such as ["a", "b"] or {"k": 1}, ' +
      "or TOML such as { k = 1 })",
  });
});

test("journal lines keep a sealed value sealed, bigints as digits, absent values out", () => {
  assert.equal(
    journalLine({ key: "db.pw", old: undefined, new: SEALED, n: 2n ** 64n }),
    `{"key":"db.pw","new":"${SEALED}","n":"18446744073709551616"}\n`,
  );
});

test("the cache form round-trips what JSON cannot hold, and keeps sealed values sealed", () => {
  const date = TomlDateTime.parse("1979-05-27");
  const values = { pw: SEALED, big: 2n ** 63n - 1n, d: date, f: [Infinity, -0] };
  const specials = cacheSpecials(values);
  assert.deepEqual(specials, [
    [["big"], "b", "9223372036854775807"],
    [["d"], "d", "1979-05-27"],
    [["f", 0], "f", "Infinity"],
    [["f", 1], "f", "-0"],
  ]);
  const json = cacheValuesJson(values, specials);
  assert.equal(json, `{"pw":"${SEALED}","big":null,"d":null,"f":[null,0]}`);
  assert.equal(decodeSpecial("b", "9223372036854775807"), 2n ** 63n - 1n);
  assert.equal(String(decodeSpecial("d", "1979-05-27")), "1979-05-27");
  assert.ok(Object.is(decodeSpecial("f", "-0"), -0));
});

test("the sealed kind: shown as (sealed), handed to a program's environment as stored", () => {
  assert.deepEqual(maskSealed({ a: SEALED, b: 1 }), { a: "(sealed)", b: 1 });
  assert.equal(toEnvText(3, true), "3.0");
  assert.equal(toEnvText({ a: [1n] }), '{"a":[1]}');
});

test("the codec loads neither the TOML writer nor any cryptography", () => {
  const deno = path.join(REPO, "node_modules", ".bin", "deno");
  const r = spawnSync(deno, ["info", "--json", path.join(REPO, "src/codec/value.ts")], {
    encoding: "utf8",
    cwd: REPO,
  });
  assert.equal(r.status, 0, r.stderr);
  const modules: string[] = JSON.parse(r.stdout).modules.map((m: { specifier: string }) =>
    m.specifier.slice(m.specifier.indexOf("/src/") + 1)
  );
  assert.ok(modules.includes("src/codec/value.ts"), modules.join("\n"));
  assert.ok(modules.includes("src/codec/_stored_json.ts"), modules.join("\n"));
  const heavy = modules.filter((m) =>
    /toml\/stringify|toml\/_stringify|codec\/sealed\.ts|_sealed_crypto|node:crypto/.test(m)
  );
  assert.deepEqual(heavy, []);
});
