import { test } from "node:test";
import assert from "node:assert/strict";
import { convertText, mismatch, parseValueType, typeOfKind, typeOfValue } from "../src/values.ts";
import { StrataError } from "../src/errors.ts";
import { TomlDateTime } from "../src/toml/datetime.ts";

function refused(fn: () => unknown, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StrataError);
    assert.equal(e.code, "type");
    assert.equal(e.message, message);
    return true;
  });
}

test("int: TOML integer spellings, range-checked, bigint beyond 2^53", () => {
  assert.equal(convertText("42", "int"), 42);
  assert.equal(convertText("-7", "int"), -7);
  assert.equal(convertText("+1_000", "int"), 1000);
  assert.equal(convertText("0xff", "int"), 255);
  assert.equal(convertText("0o755", "int"), 493);
  assert.equal(convertText("0b1010", "int"), 10);
  assert.equal(convertText(" 5 ", "int"), 5);
  assert.equal(convertText("9007199254740993", "int"), 9007199254740993n);
  assert.equal(convertText("-9223372036854775808", "int"), -9223372036854775808n);
  refused(
    () => convertText("9223372036854775808", "int"),
    '"9223372036854775808" is not an integer (out of the 64-bit range -2^63 to 2^63-1)',
  );
  refused(
    () => convertText("abc", "int"),
    '"abc" is not an integer (write digits such as 42, -7, 1_000 or 0xff)',
  );
  for (const bad of ["1.0", "01", "1__0", "_1", "0x", "-0x1", "1e3", ""]) {
    assert.throws(() => convertText(bad, "int"), StrataError, bad);
  }
});

test("float: TOML floats and plain integers", () => {
  assert.equal(convertText("1.10", "float"), 1.1);
  assert.equal(convertText("3", "float"), 3);
  assert.equal(convertText("-1e-3", "float"), -0.001);
  assert.equal(convertText("6.626_07e-34", "float"), 6.62607e-34);
  assert.equal(convertText("inf", "float"), Infinity);
  assert.equal(convertText("-inf", "float"), -Infinity);
  assert.ok(Number.isNaN(convertText("nan", "float")));
  for (const bad of ["1.", ".5", "abc", "1e", "0x10"]) {
    assert.throws(() => convertText(bad, "float"), StrataError, bad);
  }
});

test("string: no guessing", () => {
  assert.equal(convertText("1.10", "string"), "1.10");
  assert.equal(convertText(" true ", "string"), " true ");
});

test("bool: true/false and the script spellings", () => {
  for (const t of ["true", "TRUE", "yes", "on", "1"]) assert.equal(convertText(t, "bool"), true);
  for (const f of ["false", "No", "off", "0"]) assert.equal(convertText(f, "bool"), false);
  refused(() => convertText("maybe", "bool"), '"maybe" is not a boolean (write true or false)');
});

test("date: the four TOML kinds", () => {
  const d = convertText("1979-05-27 07:32:00Z", "date");
  assert.ok(d instanceof TomlDateTime);
  assert.equal(d.kind, "offset-date-time");
  assert.equal(String(d), "1979-05-27T07:32:00Z");
  assert.equal((convertText("1979-05-27", "date") as TomlDateTime).kind, "local-date");
  assert.equal((convertText("07:32:00", "date") as TomlDateTime).kind, "local-time");
  assert.equal(
    (convertText("1979-05-27T07:32:00", "date") as TomlDateTime).kind,
    "local-date-time",
  );
  assert.throws(() => convertText("1979-13-01", "date"), /is not a date-time/);
});

test("json: JSON values, TOML inline through the given reader, no null", () => {
  assert.deepEqual(convertText('["a", 1]', "json"), ["a", 1]);
  assert.deepEqual(convertText('{"a": {"b": true}}', "json"), { a: { b: true } });
  refused(
    () => convertText("[1, null]", "json"),
    '"[1, null]" is not an array or table (null has no TOML form: leave the key out or unset it)',
  );
  assert.deepEqual(convertText("{ a = 1 }", "json", () => ({ a: 1 })), { a: 1 });
  assert.throws(() =>
    convertText("{ a = ", "json", () => {
      throw new Error("bad");
    }), /is not an array or table/);
});

test("types of kinds and values, --type names", () => {
  assert.equal(typeOfKind("integer"), "int");
  assert.equal(typeOfKind("offset-date-time"), "date");
  assert.equal(typeOfKind("table"), "json");
  assert.equal(typeOfKind(undefined), undefined);
  assert.equal(typeOfValue(1), "int");
  assert.equal(typeOfValue(1.5), "float");
  assert.equal(typeOfValue(1n), "int");
  assert.equal(typeOfValue([]), "json");
  assert.equal(typeOfValue(null), undefined);
  assert.equal(parseValueType("date"), "date");
  assert.throws(() => parseValueType("integer"), /unknown type "integer": use one of string, int/);
});

test("mismatch checks a program's value against a type", () => {
  assert.equal(mismatch(5, "int"), undefined);
  assert.equal(mismatch(5, "float"), undefined);
  assert.equal(mismatch("5", "int"), '"5" is not an integer');
  assert.equal(mismatch(1.5, "int"), "1.5 is not an integer");
  assert.equal(mismatch({ a: 1 }, "json"), undefined);
  assert.equal(mismatch(new Date(0), "date"), undefined);
});
