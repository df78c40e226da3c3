import { test } from "node:test";
import assert from "node:assert/strict";
import { holdsSealed, maskSealed, SEALED_SHOWN } from "../../src/codec/shown.ts";
import { toEnvText as envText } from "../../src/codec/value.ts";
import { sealedLeaves, sealedShapeProblem, withoutSealed } from "../../src/codec/sealed_shape.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";

// The first test vector of PROTOCOL.md 13.7: a well-formed sealed text.
const SEALED =
  "enc:v1:hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmqnC2pgmibtHW77nzasZx2Mx5SSqCa1GDyTzZ5MFyGo3bIXRmPz";

test("maskSealed hides every sealed text, at any depth, and copies only what holds one", () => {
  const plain = { db: { host: "h", ports: [1, 2] } };
  assert.equal(maskSealed(plain), plain);
  assert.equal(maskSealed(SEALED), SEALED_SHOWN);
  assert.equal(maskSealed("enc:v7:anything"), "(sealed)");
  assert.equal(maskSealed("enc: not sealed"), "enc: not sealed");
  const value = { db: { pw: SEALED, host: "h" }, list: ["a", SEALED], __proto__x: 1 };
  const masked = maskSealed(value);
  assert.deepEqual(masked, {
    db: { pw: "(sealed)", host: "h" },
    list: ["a", "(sealed)"],
    __proto__x: 1,
  });
  assert.equal(value.db.pw, SEALED, "the value itself is not changed");
  assert.ok(holdsSealed(value) && !holdsSealed(plain) && !holdsSealed(5));
});

test("envText writes what the environment layer reads back as the same value", () => {
  assert.equal(envText("it's"), "it's");
  assert.equal(envText(5432), "5432");
  assert.equal(envText(2, true), "2.0");
  assert.equal(envText(2.5), "2.5");
  assert.equal(envText(Infinity), "inf");
  assert.equal(envText(NaN), "nan");
  assert.equal(envText(2n ** 63n - 1n), "9223372036854775807");
  assert.equal(envText(false), "false");
  assert.equal(
    envText(TomlDateTime.fromDate(new Date("1979-05-27T07:32:00Z"))),
    "1979-05-27T07:32:00Z",
  );
  assert.equal(
    envText({ a: [1, "x", 2n ** 64n], b: { c: true } }),
    '{"a":[1,"x",18446744073709551616],"b":{"c":true}}',
  );
});

test("sealed_shape: the sealed leaves of a file, their form, the values without them", () => {
  const values = { db: { pw: SEALED, host: "h" }, top: SEALED, list: [SEALED] };
  assert.deepEqual(sealedLeaves(values), [[["db", "pw"], SEALED], [["top"], SEALED]]);
  assert.deepEqual(withoutSealed(values), { db: { host: "h" }, list: [SEALED] });
  assert.equal(sealedShapeProblem(SEALED), undefined);
  assert.equal(
    sealedShapeProblem(SEALED.slice(0, 39)),
    "it holds 24 bytes, fewer than the 61 of the smallest sealed value (cut short?)",
  );
  assert.equal(sealedShapeProblem("enc:v1:AAA@"), 'character 11 ("@") is not base64url');
  assert.equal(sealedShapeProblem("enc:v1:A"), "its 1 characters end mid-byte (cut short?)");
  assert.equal(
    sealedShapeProblem("enc:v2:AAAA"),
    "it is in format v2, which this strata cannot open",
  );
});
