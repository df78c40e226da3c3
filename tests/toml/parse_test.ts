import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "../../src/toml/parse.ts";
import { parseToml } from "../../src/toml/_parser.ts";
import type { TomlPath } from "../../src/toml/_parser.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";
import { TomlParseError } from "../../src/toml/errors.ts";
import type { TomlVersion } from "../../src/toml/types.ts";
import { StrataError } from "../../src/errors.ts";

/** The error `parse` raises for `text`, which must be a TomlParseError. */
function errorOf(text: string, file?: string, toml?: TomlVersion): TomlParseError {
  try {
    parse(text, { file, toml });
  } catch (e) {
    assert.ok(e instanceof TomlParseError, `expected a TomlParseError, got ${e}`);
    return e;
  }
  throw new assert.AssertionError({ message: `accepted: ${JSON.stringify(text)}` });
}

test("scalars map to strings, numbers, booleans", () => {
  const t = parse(
    [
      's = "a\\tb\\u00e9\\U0001F600"',
      "l = 'C:\\path'",
      'ml = """\nline1\nline2 \\\n   joined"""',
      "mll = '''\nraw \\n'''",
      "i = -42",
      "u = 1_000_000",
      "h = 0xDEAD_beef",
      "o = 0o755",
      "b = 0b1010",
      "f = 6.626e-34",
      "g = -1_0.5",
      "pinf = +inf",
      "ninf = -inf",
      "nan = nan",
      "nz = -0.0",
      "iz = -0",
      "yes = true",
      "no = false",
    ].join("\n"),
  );
  assert.deepEqual(t, {
    s: "a\tb\u00e9\u{1F600}",
    l: "C:\\path",
    ml: "line1\nline2 joined",
    mll: "raw \\n",
    i: -42,
    u: 1000000,
    h: 0xdeadbeef,
    o: 0o755,
    b: 10,
    f: 6.626e-34,
    g: -10.5,
    pinf: Infinity,
    ninf: -Infinity,
    nan: NaN,
    nz: -0,
    iz: 0,
    yes: true,
    no: false,
  });
  assert.ok(Object.is(t.nz, -0));
  assert.ok(Object.is(t.iz, 0));
});

test("integers beyond 2^53 are bigints, never rounded; bigint option makes all bigints", () => {
  const t = parse(
    "a = 9007199254740991\nb = 9007199254740992\nc = -9223372036854775808\nd = 0x7FFFFFFFFFFFFFFF\n",
  );
  assert.equal(t.a, 9007199254740991);
  assert.equal(t.b, 9007199254740992n);
  assert.equal(t.c, -9223372036854775808n);
  assert.equal(t.d, 9223372036854775807n);
  const big = parse("a = 1\nb = 1.0\nc = 0x10\n", { bigint: true });
  assert.deepEqual(big, { a: 1n, b: 1, c: 16n });
});

test("date-times keep their kind, digits and offset", () => {
  const t = parse(
    "odt = 1979-05-27T07:32:00.999999-07:00\nlower = 1979-05-27t07:32:00z\n" +
      "space = 1979-05-27 07:32:00\nld = 1979-05-27\nlt = 00:32:00.5\nleap = 2000-02-29\n",
  );
  const odt = t.odt as TomlDateTime;
  assert.ok(odt instanceof TomlDateTime);
  assert.equal(odt.kind, "offset-date-time");
  assert.equal(odt.toString(), "1979-05-27T07:32:00.999999-07:00");
  assert.equal(odt.toDate().toISOString(), "1979-05-27T14:32:00.999Z");
  assert.equal(String(t.lower), "1979-05-27T07:32:00Z");
  assert.equal((t.space as TomlDateTime).kind, "local-date-time");
  assert.equal(String(t.space), "1979-05-27T07:32:00");
  assert.equal((t.ld as TomlDateTime).kind, "local-date");
  assert.equal(String(t.ld), "1979-05-27");
  assert.equal((t.lt as TomlDateTime).kind, "local-time");
  assert.equal(String(t.lt), "00:32:00.5");
  assert.equal(String(t.leap), "2000-02-29");
  assert.throws(() => (t.lt as TomlDateTime).toDate(), (e) => e instanceof StrataError);
  assert.equal(JSON.stringify({ d: t.ld }), '{"d":"1979-05-27"}');
});

test("TomlDateTime.parse and fromDate", () => {
  assert.equal(
    TomlDateTime.parse("2024-01-02 03:04:05+01:30").toString(),
    "2024-01-02T03:04:05+01:30",
  );
  assert.equal(
    TomlDateTime.fromDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 60))).toString(),
    "2024-01-02T03:04:05.060Z",
  );
  // Years below 100 stay themselves; a leap second counts into the next minute.
  assert.equal(
    TomlDateTime.parse("0001-01-01T00:00:00Z").toDate().toISOString(),
    "0001-01-01T00:00:00.000Z",
  );
  assert.equal(
    TomlDateTime.parse("2016-12-31T23:59:60Z").toDate().toISOString(),
    "2017-01-01T00:00:00.000Z",
  );
  assert.equal(
    TomlDateTime.parse("0099-12-31T23:59:59.999+01:00").toDate().toISOString(),
    "0099-12-31T22:59:59.999Z",
  );
  assert.equal(TomlDateTime.parse("0050-06-15").toDate().getFullYear(), 50);
  assert.throws(() => TomlDateTime.parse("2024-13-01"), /month 13 does not exist/);
  assert.throws(() => TomlDateTime.parse("2024-01-01x"), /unexpected "x"/);
});

test("tables, dotted keys, arrays of tables and inline tables build plain objects", () => {
  const t = parse(
    [
      'name = "app"',
      "site.owner.name = 'Tom'",
      "[db]",
      'hosts = ["a", "b",] # trailing comma is fine in arrays',
      "limits = { cpu = 2, mem.soft = 1 }",
      "[[products]]",
      'name = "Hammer"',
      "[[products]]",
      'name = "Nail"',
      "[products.size]",
      "mm = 3",
      "[a.b.c]",
      "[a]",
      "x = 1",
    ].join("\n"),
  );
  assert.deepEqual(t, {
    name: "app",
    site: { owner: { name: "Tom" } },
    db: { hosts: ["a", "b"], limits: { cpu: 2, mem: { soft: 1 } } },
    products: [{ name: "Hammer" }, { name: "Nail", size: { mm: 3 } }],
    a: { b: { c: {} }, x: 1 },
  });
  assert.equal(Object.getPrototypeOf(t), Object.prototype);
});

test("keys named __proto__ and constructor are ordinary keys", () => {
  const t = parse(
    '__proto__ = 1\nconstructor = "c"\ntoString = 2\n[hasOwnProperty]\n"__proto__".x = 3\n',
  );
  assert.deepEqual(Object.keys(t), ["__proto__", "constructor", "toString", "hasOwnProperty"]);
  assert.equal(Object.getOwnPropertyDescriptor(t, "__proto__")?.value, 1);
  assert.equal(Object.getPrototypeOf(t), Object.prototype);
  assert.equal(t.constructor, "c");
  const h = t.hasOwnProperty as unknown as Record<string, Record<string, number>>;
  assert.equal(Object.getOwnPropertyDescriptor(h, "__proto__")?.value.x, 3);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test("a BOM, CRLF line endings and comments are accepted", () => {
  assert.deepEqual(parse("\uFEFFa = 1 # one\r\n# c\r\n[t] # table\r\nb = 'x'\r\n"), {
    a: 1,
    t: { b: "x" },
  });
  assert.deepEqual(parse(""), {});
  assert.deepEqual(parse("# only a comment"), {});
});

test("errors: exact line, column and reason for typical mistakes", () => {
  const cases: [string, number, number, string][] = [
    [
      'name = "x"\n[db]\nport = 1\nhost "example.org"\n',
      4,
      6,
      'expected "=" after key "host"',
    ],
    ["  host\n", 1, 7, 'expected "=" after key "host"'],
    ['a = "hello\nb = 1\n', 1, 5, 'unterminated string: add the closing "'],
    ["a = '''never closed\n", 1, 5, "unterminated string: add the closing '''"],
    ['title = "x"\n\nport = 1\nport = 2\n', 4, 1, 'duplicate key "port" (first defined on line 3)'],
    ["[a]\nx = 1\n[a]\ny = 2\n", 3, 1, "table [a] is defined twice (first on line 1)"],
    [
      "[a]\nb.c = 1\n[a.b]\n",
      3,
      1,
      "table [a.b] was already created by dotted keys (line 2); add its keys there",
    ],
    [
      'path = "C:\\qdir"\n',
      1,
      11,
      'invalid escape \\q in string (valid: \\b \\t \\n \\f \\r \\e \\" \\\\ \\xHH \\uXXXX \\UXXXXXXXX)',
    ],
    ["when = 2023-02-30\n", 1, 16, "invalid date: day 30 does not exist in 2023-02"],
    ["t = 24:00:00\n", 1, 5, "invalid time: hour 24 is over 23"],
    ["t = 1987-07-05T17:45:5", 1, 23, "invalid time: expected 2 digits"],
    ["p = { x = 1,, y = 2 }\n", 1, 13, 'expected a key or "}" in an inline table, found ","'],
    [
      "p = {\n  x = 1\n  y = 2\n}\n",
      3,
      3,
      'expected "," or "}" after a value in an inline table, found "y"',
    ],
    [
      "p = {\n  x = 1,\n",
      3,
      1,
      'unterminated inline table: add the closing "}" (it opens on line 1)',
    ],
    ["t = 07:32.5\n", 1, 10, 'invalid date-time "07:32.5": unexpected "."'],
    ["t = 07:60\n", 1, 8, "invalid time: minute 60 is over 59"],
    ['s = "\\x4g"\n', 1, 6, "invalid escape \\x: expected 2 hexadecimal digits"],
    ["n = 0123\n", 1, 5, "invalid number: leading zeros are not allowed"],
    ["n = 1__0\n", 1, 6, "invalid number: an underscore must be between two digits"],
    [
      "n = 9223372036854775808\n",
      1,
      5,
      "integer out of range: TOML integers are 64-bit (-9223372036854775808 to 9223372036854775807)",
    ],
    ["name = hello\n", 1, 8, 'invalid value hello: a string needs quotes ("hello")'],
    ["ok = True\n", 1, 6, "invalid value True: booleans are lower case (true, false)"],
    ["a = 1\na.b = 2\n", 2, 1, 'cannot add "a.b": "a" is already an integer (line 1)'],
    ["a = 1.0\na.b = 2\n", 2, 1, 'cannot add "a.b": "a" is already a float (line 1)'],
    [
      "a = 1979-05-27\n[a.b]\n",
      2,
      1,
      'cannot open table [a.b]: "a" is already a local date (line 1)',
    ],
    [
      "a = [1]\n[[a]]\n",
      2,
      1,
      'cannot append to "a" with [[a]]: it is a static array (line 1), not an array of tables',
    ],
    ["a = [1, 2", 1, 10, 'unterminated array: add the closing "]" (the array opens on line 1)'],
    ["[a] b = 1\n", 1, 5, 'expected a newline after the table header, found "b"'],
    ["a = \r\n", 1, 5, "expected a value, found the end of the line"],
    ['s = "日本語😀" x\n', 1, 12, 'expected a newline or a comment after the value, found "x"'],
    [
      "a = 1\rb = 2\n",
      1,
      6,
      "a carriage return must be followed by a newline (\\n)",
    ],
    ["# bad \u0007 bell\n", 1, 7, "control character U+0007 is not allowed in a comment"],
    [
      's = "tab\tok but bell \u0007"\n',
      1,
      22,
      "control character U+0007 is not allowed in a string; write it as the escape \\u0007",
    ],
  ];
  for (const [text, line, column, reason] of cases) {
    const e = errorOf(text);
    assert.deepEqual(
      { line: e.line, column: e.column, reason: e.reason },
      { line, column, reason },
      JSON.stringify(text),
    );
    assert.equal(e.message, `line ${line}, column ${column}: ${reason}`);
  }
});

test("TOML 1.1 by default: multi-line inline tables, comments and trailing commas in them, \\e, \\xHH, times without seconds", () => {
  const text = [
    "point = {",
    "  x = 1, # the first",
    "  # a comment line",
    '  y = { z = "\\e[1m\\x41\\xff" },',
    "}",
    "short = { a = 1, }",
    "empty = {",
    "}",
    "t = 07:32",
    "dt = 1979-05-27T07:32Z",
    "ldt = 1979-05-27 07:32",
    "",
  ].join("\n");
  const v = parse(text);
  assert.deepEqual(Object.keys(v), ["point", "short", "empty", "t", "dt", "ldt"]);
  assert.deepEqual(v.point, { x: 1, y: { z: "\u001b[1mA\u00ff" } });
  assert.deepEqual(v.short, { a: 1 });
  assert.deepEqual(v.empty, {});
  assert.equal(String(v.t), "07:32:00");
  assert.equal(String(v.dt), "1979-05-27T07:32:00Z");
  assert.equal(String(v.ldt), "1979-05-27T07:32:00");
  assert.deepEqual(parse(text, { toml: "1.1" }), v);
  assert.equal(TomlDateTime.parse("07:32").toString(), "07:32:00");
});

test("strict 1.0 mode refuses what 1.1 added, with the messages of a 1.0 reader", () => {
  const cases: [string, number, number, string][] = [
    [
      "p = { x = 1, y = 2, }\n",
      1,
      19,
      'trailing comma is not allowed in an inline table: remove the "," before "}"',
    ],
    [
      "p = { x = 1,\n y = 2 }\n",
      1,
      13,
      "a newline is not allowed inside an inline table { ... }: keep it on one line, or use a [table]",
    ],
    ["p = { x = 1 # c\n}\n", 1, 13, "a comment is not allowed inside an inline table { ... }"],
    [
      's = "\\e"\n',
      1,
      6,
      'invalid escape \\e in string (valid: \\b \\t \\n \\f \\r \\" \\\\ \\uXXXX \\UXXXXXXXX)',
    ],
    [
      's = "\\x41"\n',
      1,
      6,
      'invalid escape \\x in string (valid: \\b \\t \\n \\f \\r \\" \\\\ \\uXXXX \\UXXXXXXXX)',
    ],
    [
      "t = 07:32\n",
      1,
      10,
      'invalid time: expected ":" and seconds after the minute (TOML 1.0 needs seconds)',
    ],
  ];
  for (const [text, line, column, reason] of cases) {
    const e = errorOf(text, undefined, "1.0");
    assert.deepEqual(
      { line: e.line, column: e.column, reason: e.reason },
      { line, column, reason },
      JSON.stringify(text),
    );
    assert.doesNotThrow(() => parse(text), JSON.stringify(text));
  }
  assert.deepEqual(parse("p = { x = 1, y = [2,] }\n", { toml: "1.0" }), { p: { x: 1, y: [2] } });
  assert.throws(
    () => parse("a = 1", { toml: "1.2" as TomlVersion }),
    (e) =>
      e instanceof Error && !(e instanceof TomlParseError) &&
      e.message === 'unknown TOML version "1.2": use "1.1" or "1.0"',
  );
});

test("errors carry the file name, code parse and exit code 3", () => {
  const e = errorOf("x = \n", "conf/app.toml");
  assert.equal(
    e.message,
    "conf/app.toml: line 1, column 5: expected a value, found the end of the line",
  );
  assert.equal(e.file, "conf/app.toml");
  assert.ok(e instanceof StrataError);
  assert.equal(e.code, "parse");
  assert.equal(e.exitCode, 3);
  assert.equal(e.name, "TomlParseError");
});

test("deep nesting is a located error, not a stack overflow", () => {
  const e = errorOf("a = " + "[".repeat(100000));
  assert.equal(e.reason, "nesting deeper than 512 levels");
  assert.deepEqual([e.line, e.column], [1, 517]);
  const ok = parse("a = " + "[".repeat(512) + "]".repeat(512));
  assert.ok(Array.isArray(ok.a));
  const inline = errorOf("a = " + "{b = ".repeat(600));
  assert.equal(inline.reason, "nesting deeper than 512 levels");
  const dotted = errorOf("a" + ".a".repeat(100000) + " = 1");
  assert.deepEqual([dotted.reason, dotted.line, dotted.column], [
    "nesting deeper than 512 levels",
    1,
    1,
  ]);
  const header = errorOf("[a" + ".a".repeat(100000) + "]");
  assert.deepEqual([header.reason, header.line, header.column], [
    "nesting deeper than 512 levels",
    1,
    2,
  ]);
  const mixed = errorOf(
    "[" + Array(300).fill("t").join(".") + "]\n" + Array(300).fill("k").join(".") + " = 1\n",
  );
  assert.deepEqual([mixed.reason, mixed.line, mixed.column], [
    "nesting deeper than 512 levels",
    2,
    1,
  ]);
  assert.deepEqual(Object.keys(parse("a" + ".a".repeat(511) + " = 1")), ["a"]);
});

test("events report headers, key/values and values with absolute paths and offsets", () => {
  const text = [
    "top = 1 # c",
    "[[products]]",
    'name = "a"',
    "[[products]]",
    "dim = { w = 1, h.x = [2, 3] }",
    "[products.sub]",
    "'q k'.z = true",
  ].join("\n") + "\n";
  const log: string[] = [];
  const p = (path: TomlPath) => JSON.stringify(path);
  parseToml(text, {
    events: {
      header: (e) =>
        log.push(`header ${p(e.path)} ${e.isArray} ${text.slice(e.start, e.end)} line ${e.line}`),
      keyValue: (e) =>
        log.push(
          `kv ${p(e.table)} ${p(e.key)} ${text.slice(e.keyStart, e.keyEnd)} = ${
            text.slice(e.valueStart, e.valueEnd)
          } line ${e.line}${e.inline ? " inline" : ""}`,
        ),
      value: (e) => log.push(`value ${p(e.path)} ${e.kind} ${text.slice(e.start, e.end)}`),
    },
  });
  assert.deepEqual(log, [
    'value ["top"] integer 1',
    'kv [] ["top"] top = 1 line 1',
    'header ["products",0] true [[products]] line 2',
    'value ["products",0,"name"] string "a"',
    'kv ["products",0] ["name"] name = "a" line 3',
    'header ["products",1] true [[products]] line 4',
    'value ["products",1,"dim","w"] integer 1',
    'kv ["products",1,"dim"] ["w"] w = 1 line 5 inline',
    'value ["products",1,"dim","h","x",0] integer 2',
    'value ["products",1,"dim","h","x",1] integer 3',
    'value ["products",1,"dim","h","x"] array [2, 3]',
    'kv ["products",1,"dim"] ["h","x"] h.x = [2, 3] line 5 inline',
    'value ["products",1,"dim"] table { w = 1, h.x = [2, 3] }',
    'kv ["products",1] ["dim"] dim = { w = 1, h.x = [2, 3] } line 5',
    'header ["products",1,"sub"] false [products.sub] line 6',
    'value ["products",1,"sub","q k","z"] boolean true',
    `kv ["products",1,"sub"] ["q k","z"] 'q k'.z = true line 7`,
  ]);
});

test("event offsets count a BOM and CRLF as written; kinds of every scalar", () => {
  const text =
    "\uFEFFa = 1979-05-27\r\nb = 07:00:00\r\nc = 1979-05-27T00:00:00\r\nd = 1979-05-27T00:00:00Z\r\ne = 1.5\r\n";
  const kinds: string[] = [];
  let firstStart = -1;
  parseToml(text, {
    events: {
      value: (e) => kinds.push(e.kind),
      keyValue: (e) => {
        if (firstStart < 0) firstStart = e.keyStart;
      },
    },
  });
  assert.equal(firstStart, 1);
  assert.deepEqual(kinds, [
    "local-date",
    "local-time",
    "local-date-time",
    "offset-date-time",
    "float",
  ]);
});

test("a value that is not text is a type error, not a crash", () => {
  assert.throws(
    () => parse(42 as unknown as string),
    (e) =>
      e instanceof StrataError && e.code === "type" &&
      /must be a string, not number/.test(e.message),
  );
});
