import { test } from "node:test";
import assert from "node:assert/strict";
import {
  columns,
  describeOrigin,
  formatForPerson,
  formatLiteral,
  toJson,
  where,
} from "../../src/cli/_output.ts";
import { reportError } from "../../src/cli/_report.ts";
import { StrataError } from "../../src/errors.ts";
import { parse } from "../../src/toml/parse.ts";

test("formatForPerson: strings as is, scalars as TOML literals, tables as TOML", () => {
  const doc = parse(
    'd = 1979-05-27T07:32:00Z\nbig = 9223372036854775807\n[t]\na = "x"\nlist = [1, "two"]\n',
  );
  assert.equal(formatForPerson("two words"), "two words\n");
  assert.equal(formatForPerson(""), "\n");
  assert.equal(formatForPerson(8080), "8080\n");
  assert.equal(formatForPerson(0.5), "0.5\n");
  assert.equal(formatForPerson(false), "false\n");
  assert.equal(formatForPerson(doc.d), "1979-05-27T07:32:00Z\n");
  assert.equal(formatForPerson(doc.big), "9223372036854775807\n");
  assert.equal(formatForPerson(doc.t), 'a = "x"\nlist = [1, "two"]\n');
  assert.equal(formatForPerson([1, "two"]), '[1, "two"]\n');
  assert.equal(formatLiteral("x\ty"), '"x\\ty"');
  // A key known to hold a float prints an integral value as a float.
  assert.equal(formatForPerson(2, true), "2.0\n");
  assert.equal(formatLiteral(-0, true), "-0.0");
  assert.equal(formatLiteral("2", true), '"2"');
});

test("toJson keeps 64-bit integers exact and writes date-times and inf/nan as strings", () => {
  const doc = parse("d = 1979-05-27\nbig = -9223372036854775808\n");
  const value = {
    big: doc.big,
    d: doc.d,
    inf: Infinity,
    ninf: -Infinity,
    nan: NaN,
    list: [],
    t: {},
  };
  assert.equal(
    toJson(value, 0),
    '{"big":-9223372036854775808,"d":"1979-05-27","inf":"inf","ninf":"-inf","nan":"nan","list":[],"t":{}}',
  );
  assert.equal(
    toJson({ a: [1, { b: null }] }),
    '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ]\n}',
  );
  const odd = Object.create(null);
  odd["__proto__"] = 1;
  assert.equal(toJson(odd, 0), '{"__proto__":1}');
});

test("origins and columns for people", () => {
  assert.equal(describeOrigin({ layer: "user", file: "/c.toml", line: 3 }), "user /c.toml:3");
  assert.equal(describeOrigin({ layer: "command-line", arg: "a=1" }), "command-line --set a=1");
  assert.equal(where({ file: "/c.toml" }), "/c.toml");
  assert.equal(where({}), "");
  assert.equal(columns([["a", "bb", "c"], ["ddd", "e", ""]]), "a    bb  c\nddd  e\n");
});

test("reportError: StrataError -> its exit code; errno -> 5; anything else -> 70", () => {
  let text = "";
  const err = (t: string) => text += t;
  assert.equal(reportError(new StrataError("parse", "f.toml:1:2: bad"), false, err), 3);
  assert.equal(text, "strata: f.toml:1:2: bad\n");
  text = "";
  const errno = Object.assign(new Error("EACCES: permission denied, open '/x'"), {
    code: "EACCES",
    syscall: "open",
  });
  assert.equal(reportError(errno, false, err), 5);
  assert.match(text, /^strata: EACCES: permission denied, open '\/x'\n/);
  text = "";
  assert.equal(reportError(new TypeError("x is undefined"), false, err), 70);
  assert.equal(
    text,
    "strata: internal error: x is undefined (please report; rerun with --debug for details)\n",
  );
  text = "";
  reportError(new Error("boom"), true, err);
  assert.match(text, /\nError: boom\n {4}at /);
});
