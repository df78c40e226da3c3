import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonDocument } from "../../src/json/document.ts";
import { JsonParseError } from "../../src/json/errors.ts";
import { StrataError } from "../../src/errors.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";

test("reads values, kinds and lines", () => {
  const text =
    '{\n  "name": "x",\n  "db": {\n    "port": 5432,\n    "ratio": 1.0,\n    "big": 9007199254740993\n  },\n  "list": [1, 2],\n  "on": true\n}\n';
  const doc = JsonDocument.parse(text, "/c.json");
  assert.deepEqual(doc.toValue(), {
    name: "x",
    db: { port: 5432, ratio: 1, big: 9007199254740993n },
    list: [1, 2],
    on: true,
  });
  assert.equal(doc.get(["db", "port"]), 5432);
  assert.equal(doc.get(["db", "nope"]), undefined);
  assert.equal(doc.get(["name", "x"]), undefined);
  assert.equal(doc.kindOf(["db", "port"]), "integer");
  assert.equal(doc.kindOf(["db", "ratio"]), "float");
  assert.equal(doc.kindOf(["db"]), "table");
  assert.equal(doc.kindOf(["list"]), "array");
  assert.equal(doc.kindOf(["on"]), "boolean");
  assert.equal(doc.lineOf(["db", "ratio"]), 5);
  assert.equal(doc.lineOf(["on"]), 9);
  assert.deepEqual(doc.entries().map((e) => [e.path.join("."), e.line]), [
    ["name", 2],
    ["db.port", 4],
    ["db.ratio", 5],
    ["db.big", 6],
    ["list", 8],
    ["on", 9],
  ]);
  assert.equal(doc.toString(), text);
});

test("a __proto__ key is an ordinary key", () => {
  const doc = JsonDocument.parse('{"__proto__": {"a": 1}}');
  const v = doc.toValue();
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ["__proto__"]);
});

test("parse errors name line and column", () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['{\n  "a": 1,\n}', 3, 1, /trailing comma/],
    ['{\n  "a" 1\n}', 2, 7, /expected ":"/],
    ['{"a": 1, "a": 2}', 1, 10, /duplicate key "a"/],
    ['{"a": tru}', 1, 7, /expected a value/],
    ['{"a": "x\n"}', 1, 9, /past the end of the line/],
    ['{"a": 1} x', 1, 10, /after the end/],
  ];
  for (const [text, line, column, reason] of cases) {
    assert.throws(() => JsonDocument.parse(text, "/f.json"), (e: unknown) => {
      assert.ok(e instanceof JsonParseError, text);
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, "parse");
      assert.equal(e.line, line, text);
      assert.equal(e.column, column, text);
      assert.match(e.reason, reason);
      assert.ok(e.message.startsWith(`/f.json: line ${line}, column ${column}: `));
      return true;
    });
  }
  assert.throws(() => JsonDocument.parse("[1]"), /must be an object/);
});

test("set replaces a value in place, keeping everything else", () => {
  const text = '{\r\n\t"b": 1,\r\n\t"a": {\r\n\t\t"x" : "old"\r\n\t}\r\n}';
  const doc = JsonDocument.parse(text);
  doc.set(["a", "x"], "new");
  assert.equal(doc.toString(), '{\r\n\t"b": 1,\r\n\t"a": {\r\n\t\t"x" : "new"\r\n\t}\r\n}');
  doc.set(["a", "y"], [1, 2]);
  assert.equal(
    doc.toString(),
    '{\r\n\t"b": 1,\r\n\t"a": {\r\n\t\t"x" : "new",\r\n\t\t"y" : [\r\n\t\t\t1,\r\n\t\t\t2\r\n\t\t]\r\n\t}\r\n}',
  );
});

test("set adds new keys and nested tables with the file's indentation", () => {
  const doc = JsonDocument.parse('{\n    "a": 1\n}\n');
  doc.set(["db", "host"], "h");
  assert.equal(doc.toString(), '{\n    "a": 1,\n    "db": {\n        "host": "h"\n    }\n}\n');
  doc.set(["db", "port"], 9007199254740993n);
  assert.equal(
    doc.toString(),
    '{\n    "a": 1,\n    "db": {\n        "host": "h",\n        "port": 9007199254740993\n    }\n}\n',
  );
  doc.set(["when"], TomlDateTime.parse("1979-05-27"));
  assert.equal(doc.get(["when"]), "1979-05-27");
});

test("set into an empty object and an empty file", () => {
  const doc = JsonDocument.parse('{\n  "a": {}\n}\n');
  doc.set(["a", "b"], true);
  assert.equal(doc.toString(), '{\n  "a": {\n    "b": true\n  }\n}\n');
  const empty = JsonDocument.parse("");
  assert.deepEqual(empty.toValue(), {});
  empty.set(["x", "y"], 1);
  assert.equal(empty.toString(), '{\n  "x": {\n    "y": 1\n  }\n}\n');
  const one = JsonDocument.parse("{}");
  one.set(["k"], "v");
  assert.equal(one.toString(), '{"k": "v"}');
});

test("set keeps a one-line object on one line", () => {
  const doc = JsonDocument.parse('{"a": 1, "b": {"c": 2}}\n');
  doc.set(["b", "d"], [1, "x"]);
  assert.equal(doc.toString(), '{"a": 1, "b": {"c": 2, "d": [1, "x"]}}\n');
});

test("set refuses to go through a non-table and values JSON cannot hold", () => {
  const doc = JsonDocument.parse('{\n  "a": 1\n}\n', "/c.json");
  assert.throws(() => doc.set(["a", "b"], 2), (e: unknown) => {
    assert.ok(e instanceof StrataError && e.code === "type");
    assert.equal(
      e.message,
      "/c.json:2: a holds a number, not a table, so a.b cannot be set inside it; unset a first",
    );
    return true;
  });
  assert.throws(() => doc.set(["x"], NaN), /x: NaN cannot be written to a JSON file/);
  assert.throws(() => doc.set(["x"], [null]), /null cannot be written/);
  assert.equal(doc.toString(), '{\n  "a": 1\n}\n');
});

test("delete removes a member and its comma", () => {
  const text = '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n';
  let doc = JsonDocument.parse(text);
  assert.equal(doc.delete(["b"]), true);
  assert.equal(doc.toString(), '{\n  "a": 1,\n  "c": 3\n}\n');
  assert.equal(doc.delete(["c"]), true);
  assert.equal(doc.toString(), '{\n  "a": 1\n}\n');
  assert.equal(doc.delete(["a"]), true);
  assert.equal(doc.toString(), "{}\n");
  assert.equal(doc.delete(["a"]), false);
  doc = JsonDocument.parse('{"a": {"b": 1, "c": 2}}');
  assert.equal(doc.delete(["a", "b"]), true);
  assert.equal(doc.toString(), '{"a": {"c": 2}}');
  assert.equal(doc.delete(["a", "c", "d"]), false);
});

test("a byte-order mark is skipped", () => {
  const doc = JsonDocument.parse('\uFEFF{"a": 1}');
  assert.deepEqual(doc.toValue(), { a: 1 });
});

test("a one-line document with a final newline stays on one line", () => {
  const doc = JsonDocument.parse('{"a": {}}\n');
  doc.set(["a", "b"], 1);
  assert.equal(doc.toString(), '{"a": {"b": 1}}\n');
});

test("set with float writes whole numbers with a fraction, so they read back as floats", () => {
  const doc = JsonDocument.parse('{\n  "r": 0.5\n}\n');
  doc.set(["r"], 3, { float: true });
  doc.set(["list"], [1, 2.5, -0], { float: true });
  doc.set(["big"], 9007199254740993n, { float: true });
  assert.equal(
    doc.toString(),
    '{\n  "r": 3.0,\n  "list": [\n    1.0,\n    2.5,\n    -0.0\n  ],\n  "big": 9007199254740993\n}\n',
  );
  assert.equal(doc.kindOf(["r"]), "float");
});
