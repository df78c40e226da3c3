import { test } from "node:test";
import assert from "node:assert/strict";
import { formatKey, formatValue, stringify } from "../../src/toml/stringify.ts";
import { parse } from "../../src/toml/parse.ts";
import type { TomlTable } from "../../src/toml/parse.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";
import { StrataError } from "../../src/errors.ts";

test("layout: plain values first, then [tables], then [[arrays of tables]], in key order", () => {
  const text = stringify({
    db: { host: "localhost", port: 5432 },
    title: "demo",
    servers: { alpha: { ip: "10.0.0.1" }, beta: { ip: "10.0.0.2", tags: ["x"] } },
    products: [{ name: "Hammer", size: { mm: 3 } }, { name: "Nail" }],
    empty: {},
    enabled: true,
  });
  assert.equal(
    text,
    [
      'title = "demo"',
      "enabled = true",
      "",
      "[db]",
      'host = "localhost"',
      "port = 5432",
      "",
      "[servers.alpha]",
      'ip = "10.0.0.1"',
      "",
      "[servers.beta]",
      'ip = "10.0.0.2"',
      'tags = ["x"]',
      "",
      "[[products]]",
      'name = "Hammer"',
      "",
      "[products.size]",
      "mm = 3",
      "",
      "[[products]]",
      'name = "Nail"',
      "",
      "[empty]",
      "",
    ].join("\n"),
  );
  assert.equal(stringify({}), "");
});

test("keys are bare when possible, quoted otherwise", () => {
  assert.equal(
    stringify({ "a-b_C9": 1, "eu.west": 2, "": 3, "x y": 4, "ключ": 5, 'q"': 6 }),
    'a-b_C9 = 1\n"eu.west" = 2\n"" = 3\n"x y" = 4\n"ключ" = 5\n"q\\"" = 6\n',
  );
  assert.equal(stringify({ "a.b": { "c d": { e: 1 } } }), '["a.b"."c d"]\ne = 1\n');
  assert.equal(formatKey("port"), "port");
  assert.equal(formatKey("1.2"), '"1.2"');
  assert.equal(formatKey("tab\there"), '"tab\\there"');
});

test("strings: plain, literal for backslashes, escapes, multi-line for newlines", () => {
  assert.equal(formatValue("plain"), '"plain"');
  assert.equal(formatValue("C:\\Users\\me"), "'C:\\Users\\me'");
  assert.equal(formatValue('say "hi"'), `'say "hi"'`);
  assert.equal(formatValue(`it's "x"`), '"it\'s \\"x\\""');
  assert.equal(formatValue("a\u0001b\u007f"), '"a\\u0001b\\u007f"');
  assert.equal(formatValue("line1\nline2"), '"line1\\nline2"');
  assert.equal(stringify({ s: "line1\nline2" }), 's = """\nline1\nline2"""\n');
  assert.equal(stringify({ s: 'end "quote"' + '\n"""' }), 's = """\nend "quote"\n\\"\\"\\""""\n');
});

test("numbers: integers as integers, floats always with a point or exponent", () => {
  assert.equal(formatValue(1), "1");
  assert.equal(formatValue(1, { bigint: true }), "1.0");
  assert.equal(formatValue(-2.5), "-2.5");
  assert.equal(formatValue(1e21), "1e+21");
  assert.equal(formatValue(2 ** 53), "9007199254740992.0");
  assert.equal(formatValue(1e-7), "1e-7");
  assert.equal(formatValue(-0), "-0.0");
  assert.equal(formatValue(-0, { bigint: true }), "-0.0");
  assert.equal(formatValue(NaN), "nan");
  assert.equal(formatValue(Infinity), "inf");
  assert.equal(formatValue(-Infinity), "-inf");
  assert.equal(formatValue(9223372036854775807n), "9223372036854775807");
  assert.throws(() => formatValue(2n ** 63n), /outside TOML's 64-bit integer range/);
});

test("date-times, Dates, arrays and inline tables", () => {
  assert.equal(
    formatValue(TomlDateTime.parse("1979-05-27 07:32:00.5-07:00")),
    "1979-05-27T07:32:00.5-07:00",
  );
  assert.equal(formatValue(new Date(Date.UTC(2024, 1, 3, 4, 5, 6))), "2024-02-03T04:05:06Z");
  assert.equal(formatValue([1, "a", [true], { x: 1 }]), '[1, "a", [true], { x = 1 }]');
  assert.equal(
    formatValue({ a: 1, "b c": [true, "x"], d: {} }),
    '{ a = 1, "b c" = [true, "x"], d = {} }',
  );
  assert.equal(formatValue([]), "[]");
  // An array that mixes tables and other values stays inline.
  assert.equal(stringify({ m: [{ a: 1 }, 2] }), "m = [{ a = 1 }, 2]\n");
});

test("unrepresentable values are a StrataError of code type naming the key", () => {
  const cases: [unknown, RegExp][] = [
    [{ a: { b: null } }, /^cannot write a\.b: null has no TOML form/],
    [{ a: undefined }, /^cannot write a: undefined has no TOML form/],
    [{ list: [1, () => 1] }, /^cannot write list\[1\]: a function has no TOML form/],
    [{ s: Symbol("x") }, /^cannot write s: a symbol has no TOML form/],
    [{ m: new Map() }, /^cannot write m: a Map has no TOML form/],
    [{ d: new Date(NaN) }, /^cannot write d: the Date is invalid/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => stringify(value as TomlTable),
      (e) => e instanceof StrataError && e.code === "type" && message.test(e.message),
    );
  }
  const loop: TomlTable = { a: 1 };
  loop.self = loop;
  assert.throws(
    () => stringify(loop),
    (e) => e instanceof StrataError && /circular/.test(e.message),
  );
  const arrLoop: unknown[] = [];
  arrLoop.push(arrLoop);
  assert.throws(
    () => formatValue(arrLoop),
    (e) => e instanceof StrataError && /circular/.test(e.message),
  );
});

test("what stringify writes parses back to the same values", () => {
  const value: TomlTable = {
    s: 'multi\nline with """ and \\ and \r\n and tab\t',
    big: 2n ** 62n,
    f: 0.1,
    when: TomlDateTime.parse("2024-01-02"),
    aot: [{ inner: [{ z: 1 }, { z: 2 }] }, { y: { deep: { er: true } } }],
    mixed: [[1, 2], ["a"], [{ k: "v" }]],
  };
  Object.defineProperty(value, "__proto__", { value: { x: 1 }, enumerable: true });
  const again = parse(stringify(value));
  assert.deepEqual(again, value);
});
