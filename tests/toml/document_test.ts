// Unit tests of TomlDocument, one rule at a time: reading (get, kindOf,
// lineOf, entries), replacing in place, where new keys go, deleting, CRLF and
// final-newline handling, quoting, inline tables, arrays of tables, and
// refusing edits that cannot be written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TomlDocument } from "../../src/toml/document.ts";
import { TomlParseError } from "../../src/toml/errors.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";
import { StrataError } from "../../src/errors.ts";
import type { TomlValue } from "../../src/toml/parse.ts";

/** Applies `edit` to `text` and returns the new text. */
function edited(text: string, edit: (doc: TomlDocument) => void): string {
  const doc = TomlDocument.parse(text);
  edit(doc);
  return doc.toString();
}

function set(text: string, path: (string | number)[], value: TomlValue): string {
  return edited(text, (d) => d.set(path, value));
}

function del(text: string, path: (string | number)[]): string {
  return edited(text, (d) => assert.equal(d.delete(path), true));
}

/** Asserts that `fn` throws a StrataError with `code` whose message contains `part`. */
function throwsStrata(fn: () => unknown, code: string, part: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StrataError, `not a StrataError: ${e}`);
    assert.equal(e.code, code);
    assert.ok(
      e.message.includes(part),
      `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(part)}`,
    );
    return true;
  });
}

// ------------------------------------------------------------ reading

test("parse then toString gives the text back byte for byte", () => {
  const text = '\uFEFF# c\r\n a = 1 # x\r\n\r\n[ t ]\r\n\t"q" . b = { c = [1,\r\n 2] }';
  assert.equal(TomlDocument.parse(text).toString(), text);
});

test("parse throws the parser's located error, naming the file", () => {
  assert.throws(() => TomlDocument.parse('a = 1\nhost "x"\n', "app.toml"), (e: unknown) => {
    assert.ok(e instanceof TomlParseError);
    assert.equal(e.line, 2);
    assert.ok(e.message.startsWith("app.toml: line 2, column 6: "));
    return true;
  });
});

test("get, kindOf and toValue report values and their TOML types", () => {
  const doc = TomlDocument.parse(
    'i = 1\nf = 1.0\ns = "x"\nb = true\nodt = 1979-05-27T07:32:00Z\nldt = 1979-05-27T07:32:00\n' +
      "ld = 1979-05-27\nlt = 07:32:00\narr = [1, 2]\ninl = { a = 1 }\nd.e = 1\n[t]\n[[aot]]\nx = 1\n",
  );
  const kinds = Object.fromEntries(
    ["i", "f", "s", "b", "odt", "ldt", "ld", "lt", "arr", "inl", "d", "t", "aot"].map((
      k,
    ) => [k, doc.kindOf([k])]),
  );
  assert.deepEqual(kinds, {
    i: "integer",
    f: "float",
    s: "string",
    b: "boolean",
    odt: "offset-date-time",
    ldt: "local-date-time",
    ld: "local-date",
    lt: "local-time",
    arr: "array",
    inl: "table",
    d: "table",
    t: "table",
    aot: "array",
  });
  assert.equal(doc.kindOf(["aot", 0]), "table");
  assert.equal(doc.kindOf(["arr", "1"]), "integer");
  assert.equal(doc.kindOf(["nope"]), undefined);
  assert.equal(doc.get(["aot", "0", "x"]), 1);
  assert.equal(doc.get(["aot", 0, "x"]), 1);
  assert.equal(doc.get(["arr", "01"]), undefined, "an index is canonical decimal");
  assert.equal(doc.get(["i", "x"]), undefined);
  assert.deepEqual(doc.get(["inl"]), { a: 1 });
  assert.equal(doc.toValue().s, "x");
});

test("lineOf gives the line where each key is defined", () => {
  const doc = TomlDocument.parse(
    '# top\nname = "x"\nsite.owner.name = "a"\npoint = { x = 1, y = 2 }\n\nports = [\n  80,\n  443,\n]\n\n' +
      "[server]\nhost = 'h'\n\n[a.b.c]\nd = 1\n\n[[bin]]\nn = 1\n[[bin]]\nn = 2\n",
  );
  const lines = {
    name: doc.lineOf(["name"]),
    site: doc.lineOf(["site"]),
    siteOwner: doc.lineOf(["site", "owner"]),
    ownerName: doc.lineOf(["site", "owner", "name"]),
    point: doc.lineOf(["point"]),
    pointY: doc.lineOf(["point", "y"]),
    ports: doc.lineOf(["ports"]),
    port1: doc.lineOf(["ports", 1]),
    server: doc.lineOf(["server"]),
    host: doc.lineOf(["server", "host"]),
    a: doc.lineOf(["a"]),
    abc: doc.lineOf(["a", "b", "c"]),
    bin: doc.lineOf(["bin"]),
    bin1: doc.lineOf(["bin", 1]),
    bin1n: doc.lineOf(["bin", "1", "n"]),
    missing: doc.lineOf(["server", "port"]),
  };
  assert.deepEqual(lines, {
    name: 2,
    site: 3,
    siteOwner: 3,
    ownerName: 3,
    point: 4,
    pointY: 4,
    ports: 6,
    port1: 8,
    server: 11,
    host: 12,
    a: 14,
    abc: 14,
    bin: 17,
    bin1: 19,
    bin1n: 20,
    missing: undefined,
  });
});

test("entries lists every leaf key with its line and kind; arrays are leaves", () => {
  const doc = TomlDocument.parse(
    'a = 1\nb.c = "x"\n[t]\nlist = [1, 2]\n"eu.west" = { port = 1.5 }\n[empty]\n[[job]]\nwhen = 07:00:00\n',
  );
  assert.deepEqual(doc.entries(), [
    { path: ["a"], line: 1, kind: "integer" },
    { path: ["b", "c"], line: 2, kind: "string" },
    { path: ["t", "list"], line: 4, kind: "array" },
    { path: ["t", "eu.west", "port"], line: 5, kind: "float" },
    { path: ["empty"], line: 6, kind: "table" },
    { path: ["job"], line: 7, kind: "array" },
  ]);
});

// ------------------------------------------------------------ replacing

test("replacing a value changes only the value's characters; the end-of-line comment stays", () => {
  assert.equal(
    set("port   =   8080   # dev port\nx = 1\n", ["port"], 9090),
    "port   =   9090   # dev port\nx = 1\n",
  );
  assert.equal(
    set("[t]\n  'my key' = \"a\" # c\n", ["t", "my key"], "b"),
    "[t]\n  'my key' = \"b\" # c\n",
  );
  assert.equal(set('a = """\nline\n"""   # m\nb = 2\n', ["a"], "one"), 'a = "one"   # m\nb = 2\n');
  assert.equal(
    set("when = 1979-05-27\n", ["when"], TomlDateTime.parse("2000-01-02")),
    "when = 2000-01-02\n",
  );
  assert.equal(set("n = 1\n", ["n"], 2n ** 62n), "n = 4611686018427387904\n");
});

test("setting a value to what it already is leaves the text alone", () => {
  const text = "big = 12_300_000\nhex = 0xff\nf = 1e3\ns = 'lit'\n";
  const doc = TomlDocument.parse(text);
  doc.set(["big"], 12300000);
  doc.set(["hex"], 255);
  doc.set(["f"], 1000);
  doc.set(["s"], "lit");
  assert.equal(doc.toString(), text);
});

test("an array element is replaced in place", () => {
  assert.equal(
    set("ports = [ 80, 443 ] # web\n", ["ports", 1], 8443),
    "ports = [ 80, 8443 ] # web\n",
  );
  assert.equal(
    set('hosts = [\n  "a",  # first\n  "b",\n]\n', ["hosts", "0"], "z"),
    'hosts = [\n  "z",  # first\n  "b",\n]\n',
  );
});

test("setting a table reconciles it key by key, so its comments and layout stay", () => {
  const text = '[db]\n# where\nhost = "x" # primary\nport = 1\nold = true\n\n[other]\n';
  assert.equal(
    set(text, ["db"], { host: "y", port: 1, user: "app" }),
    '[db]\n# where\nhost = "y" # primary\nport = 1\nuser = "app"\n\n[other]\n',
  );
  assert.equal(set("p = { x = 1, y = 2 }\n", ["p"], { x: 1, z: 3 }), "p = { x = 1, z = 3 }\n");
});

test("a table can become a scalar and a scalar a table", () => {
  assert.equal(set("a = 1\n\n[t]\nx = 1\n", ["t"], "flat"), 'a = 1\nt = "flat"\n');
  assert.equal(set("a = 1\n[t]\nx = 1\n", ["a"], { b: 2 }), "a = { b = 2 }\n[t]\nx = 1\n");
});

// ------------------------------------------------------------ where new keys go

test("a new top-level key goes after the last top-level key, before the first header", () => {
  assert.equal(
    set("# head\na = 1\nb = 2\n\n# tables\n[t]\nx = 1\n", ["c"], 3),
    "# head\na = 1\nb = 2\nc = 3\n\n# tables\n[t]\nx = 1\n",
  );
});

test("with no top-level keys, a new one goes above the first header and its comments, after the file's leading comment block", () => {
  assert.equal(
    set("# file comment\n\n# about t\n[t]\nx = 1\n", ["k"], true),
    "# file comment\n\nk = true\n\n# about t\n[t]\nx = 1\n",
  );
  assert.equal(set("[t]\nx = 1\n", ["k"], true), "k = true\n\n[t]\nx = 1\n");
  assert.equal(set("# only comments\n", ["k"], 1), "# only comments\nk = 1\n");
  assert.equal(set("", ["k"], 1), "k = 1\n");
});

test("a new key of a table goes at the end of its block, before blank lines and the next header's comments", () => {
  assert.equal(
    set("[a]\nx = 1\n# about x\ny = 2\n\n# about b\n[b]\nz = 3\n", ["a", "w"], 0),
    "[a]\nx = 1\n# about x\ny = 2\nw = 0\n\n# about b\n[b]\nz = 3\n",
  );
  assert.equal(set("[a]\n\n[b]\n", ["a", "w"], 0), "[a]\nw = 0\n\n[b]\n");
});

test("a new line copies the indentation of its neighbours", () => {
  assert.equal(set("[a]\n    x = 1\n", ["a", "y"], 2), "[a]\n    x = 1\n    y = 2\n");
  assert.equal(set("[a]\n\tx = 1\n[b]\n", ["b", "y"], 2), "[a]\n\tx = 1\n[b]\n\ty = 2\n");
  assert.equal(set("  [a]\n    x = 1\n", ["c", "y"], 2), "  [a]\n    x = 1\n\n  [c]\n    y = 2\n");
});

test("a key whose table does not exist gets a new section at the end of the file", () => {
  assert.equal(
    set("a = 1\n\n[t]\nx = 1\n", ["new", "k"], "v"),
    'a = 1\n\n[t]\nx = 1\n\n[new]\nk = "v"\n',
  );
  assert.equal(set("a = 1\n", ["x", "y", "z"], 1), "a = 1\n\n[x.y]\nz = 1\n");
  assert.equal(set("[t]\nx = 1\n\n", ["u", "k"], 1), "[t]\nx = 1\n\n[u]\nk = 1\n");
  // A table that exists only as the parent of another header gets its own header.
  assert.equal(set("[a.b]\nx = 1\n", ["a", "y"], 2), "[a.b]\nx = 1\n\n[a]\ny = 2\n");
});

test("setting a table value writes a [section], with sub-tables and arrays of tables as sections", () => {
  assert.equal(
    set("a = 1\n", ["srv"], {
      host: "h",
      tls: { on: true },
      ports: [1],
      route: [{ p: "/" }, { p: "/x" }],
    }),
    'a = 1\n\n[srv]\nhost = "h"\nports = [1]\n\n[srv.tls]\non = true\n\n[[srv.route]]\np = "/"\n\n[[srv.route]]\np = "/x"\n',
  );
  assert.equal(set("[t]\n", ["t", "u"], {}), "[t]\n\n[t.u]\n");
  assert.equal(set("x = 1\n", ["jobs"], [{ n: 1 }]), "x = 1\n\n[[jobs]]\nn = 1\n");
});

test("keys that need quotes are quoted on insert", () => {
  assert.equal(set("", ["a b"], 1), '"a b" = 1\n');
  assert.equal(
    set("x = 1\n", ["servers", "eu.west", "port"], 1),
    'x = 1\n\n[servers."eu.west"]\nport = 1\n',
  );
  assert.equal(
    set('[servers."eu.west"]\nport = 1\n', ["servers", "eu.west", "ip"], "h"),
    '[servers."eu.west"]\nport = 1\nip = "h"\n',
  );
  assert.equal(set("", ["ключ"], "v"), '"ключ" = "v"\n');
  assert.equal(set("", [""], 1), '"" = 1\n');
});

test("a key named __proto__ is an ordinary key", () => {
  const doc = TomlDocument.parse("[t]\n");
  doc.set(["t", "__proto__"], 1);
  assert.equal(doc.toString(), "[t]\n__proto__ = 1\n");
  assert.equal(doc.get(["t", "__proto__"]), 1);
  assert.equal(Object.getPrototypeOf(doc.get(["t"])), Object.prototype);
});

test("dotted-key tables get new keys as dotted keys next to their siblings", () => {
  assert.equal(
    set('site.name = "s"\nsite.owner.name = "a"\nother = 1\n', ["site", "owner", "mail"], "m"),
    'site.name = "s"\nsite.owner.name = "a"\nsite.owner.mail = "m"\nother = 1\n',
  );
  assert.equal(set("[t]\n  a.b = 1\n", ["t", "a", "c", "d"], 2), "[t]\n  a.b = 1\n  a.c.d = 2\n");
});

// ------------------------------------------------------------ inline tables

test("inline tables are edited inside their braces", () => {
  assert.equal(set("p = { x = 1 } # pt\n", ["p", "y"], 2), "p = { x = 1, y = 2 } # pt\n");
  assert.equal(set("p = {}\n", ["p", "y"], 2), "p = { y = 2 }\n");
  assert.equal(set("p = { x = 1 }\n", ["p", "q", "r"], 2), "p = { x = 1, q = { r = 2 } }\n");
  assert.equal(set("p = { a.b = 1 }\n", ["p", "a", "c"], 2), "p = { a.b = 1, a.c = 2 }\n");
  assert.equal(set("p = { x = 1 }\n", ["p", "x"], "s"), 'p = { x = "s" }\n');
  assert.equal(
    set("[t]\np = { x = 1 }\n", ["t", "p", "t2"], { z: 1 }),
    "[t]\np = { x = 1, t2 = { z = 1 } }\n",
  );
  assert.equal(
    set("pts = [{ x = 1 }, { x = 2 }]\n", ["pts", 1, "y"], 3),
    "pts = [{ x = 1 }, { x = 2, y = 3 }]\n",
  );
});

test("deleting inside an inline table removes the entry and its separator", () => {
  assert.equal(del("p = { a = 1, b = 2, c = 3 } # k\n", ["p", "a"]), "p = { b = 2, c = 3 } # k\n");
  assert.equal(del("p = { a = 1, b = 2, c = 3 }\n", ["p", "b"]), "p = { a = 1, c = 3 }\n");
  assert.equal(del("p = { a = 1, b = 2, c = 3 }\n", ["p", "c"]), "p = { a = 1, b = 2 }\n");
  assert.equal(del("p = { a = 1 }\n", ["p", "a"]), "p = {}\n");
  assert.equal(del("p = { q.r = 1, q.s = 2, t = 3 }\n", ["p", "q"]), "p = { t = 3 }\n");
});

// ------------------------------------------------------------ arrays of tables

test("[[array]] elements are addressed by index, as a number or a string", () => {
  const text = '[[bin]]\nname = "a"\n\n[[bin]]\nname = "b"\n\n[lib]\n';
  assert.equal(set(text, ["bin", 0, "name"], "x"), text.replace('"a"', '"x"'));
  assert.equal(set(text, ["bin", "1", "name"], "y"), text.replace('"b"', '"y"'));
  assert.equal(
    set(text, ["bin", 0, "path"], "p"),
    text.replace('name = "a"\n', 'name = "a"\npath = "p"\n'),
  );
});

test("a new [[array]] element goes after the last element's region; sub-tables stay with their element", () => {
  const text =
    '[[fruit]]\nname = "apple"\n[fruit.color]\nhue = 1\n\n[[fruit]]\nname = "pear"\n[[fruit.kind]]\nk = 1\n\n[end]\nx = 1\n';
  assert.equal(
    set(text, ["fruit", 2], { name: "fig" }),
    text.replace("k = 1\n", 'k = 1\n\n[[fruit]]\nname = "fig"\n'),
  );
  // A new sub-table of a non-last element must sit inside that element's region.
  assert.equal(
    set(text, ["fruit", 0, "size", "cm"], 7),
    text.replace("hue = 1\n", "hue = 1\n\n[fruit.size]\ncm = 7\n"),
  );
  assert.equal(
    set(text, ["fruit", 1, "kind", 1], { k: 2 }),
    text.replace("k = 1\n", "k = 1\n\n[[fruit.kind]]\nk = 2\n"),
  );
});

test("setting an [[array]] to a new array of tables reconciles element by element", () => {
  const text = "[[j]]\nn = 1 # one\n\n[[j]]\nn = 2\n\n[[j]]\nn = 3\n";
  assert.equal(set(text, ["j"], [{ n: 1 }, { n: 5 }]), "[[j]]\nn = 1 # one\n\n[[j]]\nn = 5\n");
  assert.equal(
    set("[[j]]\nn = 1\n", ["j"], [{ n: 1 }, { n: 2 }]),
    "[[j]]\nn = 1\n\n[[j]]\nn = 2\n",
  );
  assert.equal(set("a = 1\n\n[[j]]\nn = 1\n", ["j"], [1, 2]), "a = 1\nj = [1, 2]\n");
});

test("deleting an [[array]] element removes its header, body and sub-tables", () => {
  const text = "[[f]]\nn = 1\n[f.c]\nh = 1\n\n[[f]]\nn = 2\n\n[z]\n";
  assert.equal(del(text, ["f", 0]), "[[f]]\nn = 2\n\n[z]\n");
  assert.equal(del(text, ["f", "1"]), "[[f]]\nn = 1\n[f.c]\nh = 1\n\n[z]\n");
  assert.equal(del(text, ["f"]), "[z]\n");
});

test("static arrays take new elements in their own style", () => {
  assert.equal(set("a = [1, 2] # n\n", ["a", 2], 3), "a = [1, 2, 3] # n\n");
  assert.equal(set("a = []\n", ["a", 0], "x"), 'a = ["x"]\n');
  assert.equal(set("a = [\n  1,\n  2,\n]\n", ["a", 2], 3), "a = [\n  1,\n  2,\n  3,\n]\n");
  assert.equal(
    set("a = [\n  1,\n  2 # two\n]\n", ["a", 2], 3),
    "a = [\n  1,\n  2, # two\n  3\n]\n",
  );
});

test("deleting an array element removes its line when it has one, else its comma", () => {
  assert.equal(del("a = [1, 2, 3]\n", ["a", 0]), "a = [2, 3]\n");
  assert.equal(del("a = [1, 2, 3]\n", ["a", 2]), "a = [1, 2]\n");
  assert.equal(del("a = [1]\n", ["a", 0]), "a = []\n");
  assert.equal(del("a = [\n  1, # one\n  2, # two\n]\n", ["a", 0]), "a = [\n  2, # two\n]\n");
  assert.equal(del("a = [\n  1, # one\n  2 # two\n]\n", ["a", 1]), "a = [\n  1, # one\n]\n");
});

// ------------------------------------------------------------ deleting

test("deleting a key removes its whole line(s) and end-of-line comment; comment lines above stay", () => {
  assert.equal(del("a = 1\n# about b\nb = 2 # two\nc = 3\n", ["b"]), "a = 1\n# about b\nc = 3\n");
  assert.equal(del("a = 1\nb = '''\nx\ny''' # m\nc = 3\n", ["b"]), "a = 1\nc = 3\n");
  assert.equal(del("[t]\n  x = 1\n  y = 2\n", ["t", "x"]), "[t]\n  y = 2\n");
});

test("deleting the last key of a [table] leaves its header", () => {
  assert.equal(del("[t]\nx = 1\n\n[u]\n", ["t", "x"]), "[t]\n\n[u]\n");
});

test("deleting a table removes its header, body and sub-tables, keeping comment lines above it and the blank-line spacing", () => {
  const text = "a = 1\n\n# about t\n[t]\nx = 1\n# inside\ny = 2\n\n[t.sub]\nz = 1\n\n[u]\nw = 1\n";
  assert.equal(del(text, ["t"]), "a = 1\n\n# about t\n\n[u]\nw = 1\n");
  assert.equal(
    del(text, ["u"]),
    "a = 1\n\n# about t\n[t]\nx = 1\n# inside\ny = 2\n\n[t.sub]\nz = 1\n",
  );
  assert.equal(del("a = 1\n\n[t]\nx = 1\n", ["t"]), "a = 1\n");
  assert.equal(del("[t]\nx = 1\n\n[u]\n", ["t"]), "[u]\n");
  assert.equal(del("a.b = 1\na.c = 2\nd = 3\n", ["a"]), "d = 3\n");
  assert.equal(del("[x.y]\nz = 1\n\n[w]\n", ["x"]), "[w]\n");
});

test("deleting what is not there returns false and changes nothing", () => {
  const doc = TomlDocument.parse("a = 1\n[t]\n");
  assert.equal(doc.delete(["b"]), false);
  assert.equal(doc.delete(["a", "x"]), false);
  assert.equal(doc.delete(["t", "x"]), false);
  assert.equal(doc.toString(), "a = 1\n[t]\n");
});

// ------------------------------------------------------------ line endings

test("CRLF files get CRLF on every new line; nothing else changes", () => {
  const text = "# c\r\na = 1\r\n\r\n[t]\r\nx = 1 # k\r\n";
  const doc = TomlDocument.parse(text);
  doc.set(["b"], 2);
  doc.set(["t", "y"], 3);
  doc.set(["u", "z"], 4);
  doc.set(["t", "x"], 5);
  assert.equal(
    doc.toString(),
    "# c\r\na = 1\r\nb = 2\r\n\r\n[t]\r\nx = 5 # k\r\ny = 3\r\n\r\n[u]\r\nz = 4\r\n",
  );
  doc.delete(["u"]);
  doc.delete(["a"]);
  assert.equal(doc.toString(), "# c\r\nb = 2\r\n\r\n[t]\r\nx = 5 # k\r\ny = 3\r\n");
});

test("a file without a final newline stays so", () => {
  assert.equal(set("a = 1", ["b"], 2), "a = 1\nb = 2");
  assert.equal(set("a = 1", ["t", "b"], 2), "a = 1\n\n[t]\nb = 2");
  assert.equal(set("[t]", ["t", "b"], 2), "[t]\nb = 2");
  assert.equal(set("a = 1\r\nb = 2", ["c"], 3), "a = 1\r\nb = 2\r\nc = 3");
  assert.equal(del("a = 1\nb = 2", ["b"]), "a = 1");
  assert.equal(del("a = 1\n\n[t]\nb = 2", ["t"]), "a = 1");
});

// ------------------------------------------------------------ refusing

test("setting below a value that is not a table throws a type error and changes nothing", () => {
  const text = "port = 8080\nlist = [1]\n[[aot]]\nx = 1\n";
  const doc = TomlDocument.parse(text, "app.toml");
  throwsStrata(
    () => doc.set(["port", "x"], 1),
    "type",
    "app.toml: cannot set port.x: port is an integer, not a table",
  );
  throwsStrata(
    () => doc.set(["list", "x"], 1),
    "type",
    "list is an array; address its elements by index (list.0)",
  );
  throwsStrata(() => doc.set(["list", 5], 1), "type", "list has 1 element(s)");
  throwsStrata(() => doc.set(["list", 1, "y"], 1), "type", "list has 1 element(s)");
  throwsStrata(
    () => doc.set(["aot", 1], 5),
    "type",
    "app.toml: cannot set aot.1: aot is an array of tables ([[aot]]), so its elements must be tables",
  );
  throwsStrata(() => doc.set(["aot", 0], "x"), "type", "set aot as a whole to change its kind");
  throwsStrata(() => doc.set(["list", 0, "z"], 1), "type", "list.0 is an integer, not a table");
  assert.equal(doc.toString(), text);
});

test("values TOML cannot hold are refused and the document is unchanged", () => {
  const doc = TomlDocument.parse("a = 1\n");
  throwsStrata(
    () => doc.set(["a"], null as unknown as TomlValue),
    "type",
    "cannot set a: null has no TOML form",
  );
  throwsStrata(
    () => doc.set(["b"], { c: undefined } as unknown as TomlValue),
    "type",
    "undefined has no TOML form",
  );
  throwsStrata(
    () => doc.set(["b"], 2n ** 70n),
    "type",
    "cannot set b: 1180591620717411303424 (outside TOML's 64-bit integers)",
  );
  throwsStrata(
    () => TomlDocument.parse("", "app.toml").set(["k"], [1, null] as unknown as TomlValue),
    "type",
    "cannot set k in app.toml: null has no TOML form",
  );
  throwsStrata(() => doc.set([], 1), "type", "cannot set the whole document");
  throwsStrata(
    () => doc.set(["b"], new Date(0) as unknown as TomlValue),
    "type",
    "TomlDateTime.fromDate",
  );
  assert.equal(doc.toString(), "a = 1\n");
  assert.deepEqual(doc.toValue(), { a: 1 });
});

test("an edit that fails half-way leaves the document exactly as it was", () => {
  const text = "[t]\na = 1\nb = 2\n";
  const doc = TomlDocument.parse(text);
  // The reconcile deletes "a" first, then fails on the unwritable value of "c".
  assert.throws(() => doc.set(["t"], { b: 2, c: [Symbol("s")] } as unknown as TomlValue));
  assert.equal(doc.toString(), text);
  assert.deepEqual(doc.get(["t"]), { a: 1, b: 2 });
});

test("after every edit the document re-parses its own text", () => {
  const doc = TomlDocument.parse("a = 1\n");
  doc.set(["t", "x"], "multi\nline");
  assert.equal(doc.toString(), 'a = 1\n\n[t]\nx = "multi\\nline"\n');
  assert.deepEqual(TomlDocument.parse(doc.toString()).toValue(), doc.toValue());
  assert.equal(doc.lineOf(["t", "x"]), 4);
});

test("a table made only by dotted keys goes away with its last key; an [[array]] keeps its key as []", () => {
  assert.equal(del("a.b.c = 1\nd = 2\n", ["a", "b", "c"]), "d = 2\n");
  assert.equal(del("a.b.c = 1\na.e = 2\n", ["a", "b", "c"]), "a.e = 2\n");
  assert.equal(del("x = 1\n\n[[job]]\nn = 1\n", ["job", 0]), "x = 1\njob = []\n");
  const doc = TomlDocument.parse("[[job]]\nn = 1\n");
  doc.delete(["job", 0]);
  assert.deepEqual(doc.toValue(), { job: [] });
});

test("a byte-order mark stays the first character through every edit", () => {
  assert.equal(set("\uFEFF[t]\nx = 1\n", ["k"], 1), "\uFEFFk = 1\n\n[t]\nx = 1\n");
  assert.equal(set("\uFEFF# c\n[t]\n", ["k"], 1), "\uFEFFk = 1\n\n# c\n[t]\n");
  assert.equal(del("\uFEFFa = 1\nb = 2\n", ["a"]), "\uFEFFb = 2\n");
  assert.equal(set("\uFEFF", ["k"], 1), "\uFEFFk = 1\n");
});

test("a one-line CRLF file that loses its line breaks still gets CRLF on new lines", () => {
  const doc = TomlDocument.parse("a = 1\r\nb = 2\r\n");
  doc.delete(["a"]);
  doc.delete(["b"]);
  doc.set(["c"], 3);
  doc.set(["t", "d"], 4);
  assert.equal(doc.toString(), "c = 3\r\n\r\n[t]\r\nd = 4\r\n");
});

test("edits on a big document land where they should", () => {
  let text = "name = 1\n";
  for (let i = 0; i < 400; i++) text += `\n[[jobs]]\nname = "j${i}" # c\n[jobs.opts]\nx = ${i}\n`;
  for (let i = 0; i < 400; i++) text += `\n[srv${i}]\nhost = "h${i}"\nport = ${i}\n`;
  const doc = TomlDocument.parse(text);
  doc.set(["srv200", "port"], 1);
  doc.set(["jobs", 100, "opts", "y"], 2);
  doc.set(["jobs", 400], { name: "new" });
  doc.delete(["srv7"]);
  assert.equal(doc.get(["jobs", 100, "opts", "y"]), 2);
  assert.equal(doc.get(["jobs", 400, "name"]), "new");
  assert.equal(doc.entries().length, 1 + 1 + 399 * 2);
  assert.equal(
    doc.lineOf(["srv399", "port"]),
    TomlDocument.parse(doc.toString()).lineOf(["srv399", "port"]),
  );
});

test("a table only implied by a header goes with that header", () => {
  const doc = TomlDocument.parse("[imp.db]\nx = 1\n\n[z]\n");
  doc.delete(["imp", "db"]);
  assert.equal(doc.toString(), "[z]\n");
  assert.deepEqual(doc.toValue(), { z: {} });
});

test("{ float: true } writes numbers as TOML floats, so 3 reads back as a float", () => {
  const doc = TomlDocument.parse("ratio = 0.5 # r\nn = 3\n");
  doc.set(["ratio"], 3, { float: true });
  doc.set(["n"], 3, { float: true });
  doc.set(["list"], [1, 2.5], { float: true });
  doc.set(["t", "x"], 7, { float: true });
  doc.set(["big"], 2n ** 60n, { float: true });
  assert.equal(
    doc.toString(),
    "ratio = 3.0 # r\nn = 3.0\nlist = [1.0, 2.5]\nbig = 1152921504606846976\n\n[t]\nx = 7.0\n",
  );
  assert.equal(doc.kindOf(["ratio"]), "float");
  assert.equal(doc.kindOf(["n"]), "float");
  doc.set(["n"], 3, { float: true });
  assert.equal(doc.kindOf(["n"]), "float");
  doc.set(["n"], 4);
  assert.equal(doc.kindOf(["n"]), "integer");
});

test("strings and keys that are not valid Unicode (lone surrogates) are refused", () => {
  const doc = TomlDocument.parse("a = 1\n");
  throwsStrata(
    () => doc.set(["x"], "bad\uD800"),
    "type",
    "cannot set x: a string with a lone surrogate",
  );
  throwsStrata(() => doc.set(["x"], { "k\uDC00": 1 }), "type", "a key with a lone surrogate");
  throwsStrata(() => doc.set(["k\uDC00"], 1), "type", "a key with a lone surrogate");
  doc.set(["ok"], "pair \uD83D\uDE80");
  assert.equal(doc.toString(), 'a = 1\nok = "pair 🚀"\n');
});

test("get and toValue give copies: change one and set it back", () => {
  const doc = TomlDocument.parse("[t]\nx = 1 # c\nlist = [1]\n");
  const t = doc.get(["t"]) as Record<string, TomlValue>;
  t.x = 2;
  (t.list as TomlValue[]).push(2);
  assert.deepEqual(doc.get(["t"]), { x: 1, list: [1] });
  doc.set(["t"], t);
  assert.equal(doc.toString(), "[t]\nx = 2 # c\nlist = [1, 2]\n");
  const all = doc.toValue();
  delete all.t;
  assert.deepEqual(doc.toValue(), { t: { x: 2, list: [1, 2] } });
});

test("a new statement copies its neighbour's spacing around = and its alignment", () => {
  assert.equal(
    set("name    = 1\nversion = 2\n", ["x"], 3),
    "name    = 1\nversion = 2\nx       = 3\n",
  );
  assert.equal(set("a=1\n", ["b"], 2), "a=1\nb=2\n");
  assert.equal(set("[t]\n  host =  'h'\n", ["t", "port"], 1), "[t]\n  host =  'h'\n  port =  1\n");
  assert.equal(set("k   =   1\n", ["much_longer_key"], 2), "k   =   1\nmuch_longer_key =   2\n");
  assert.equal(set("site.name  = 1\n", ["site", "id"], 2), "site.name  = 1\nsite.id    = 2\n");
});

test("wholeFloatPaths lists keys whose whole-number value is written as a float, outside arrays", () => {
  const doc = TomlDocument.parse(
    'a = 1.0\nb = 1\nc = 1.5\nd = [2.0]\ne = 1e3\n[t]\nf = { g = 3.0, h = "x" }\n[[x]]\ni = 4.0\n',
  );
  assert.deepEqual(doc.wholeFloatPaths(), [["a"], ["e"], ["t", "f", "g"]]);
  doc.set(["b"], 2, { float: true });
  doc.set(["a"], 1.5);
  assert.deepEqual(doc.wholeFloatPaths(), [["b"], ["e"], ["t", "f", "g"]]);
});

test("many lookups on one version of a big document give the same answers as a scan", () => {
  const lines = ["[t]"];
  for (let i = 0; i < 200; i++) lines.push(`k${i} = ${i % 2 ? `${i}.0` : i}`);
  const doc = TomlDocument.parse(lines.join("\n") + "\n");
  for (let i = 0; i < 200; i++) {
    assert.equal(doc.kindOf(["t", `k${i}`]), i % 2 ? "float" : "integer");
    assert.equal(doc.lineOf(["t", `k${i}`]), i + 2);
  }
  doc.set(["t", "k199"], 5);
  assert.equal(doc.kindOf(["t", "k199"]), "integer");
  assert.equal(doc.lineOf(["t", "new"]), undefined);
});

test("TOML 1.1 inline tables over several lines: an edit changes only its entry's text", () => {
  const text = [
    "limits = {",
    "  cpu = 2,      # cores",
    "  # memory in bytes",
    '  memory = "1Gi",',
    "}",
    "other = { x = 1, # first",
    "  y = 2 }",
    "tail = {",
    "  only = 1 # no comma",
    "}",
    "empty = {",
    "  # nothing yet",
    "}",
    "",
  ].join("\n");
  const edited = (edit: (d: TomlDocument) => void): string => {
    const doc = TomlDocument.parse(text);
    edit(doc);
    return doc.toString();
  };
  const lines = text.split("\n");
  const replaced = (from: number, to: number, ...insert: string[]): string =>
    [...lines.slice(0, from), ...insert, ...lines.slice(to)].join("\n");
  assert.equal(
    edited((d) => d.set(["limits", "cpu"], 4)),
    replaced(1, 2, "  cpu = 4,      # cores"),
  );
  // Deleting an entry takes its line (and its comment), not the comment line below it.
  assert.equal(edited((d) => d.delete(["limits", "cpu"])), replaced(1, 2));
  assert.equal(edited((d) => d.delete(["limits", "memory"])), replaced(3, 4));
  // A new entry gets a line of its own, with a comma like its neighbours.
  assert.equal(edited((d) => d.set(["limits", "disk"], 20)), replaced(4, 4, "  disk = 20,"));
  assert.equal(
    edited((d) => d.set(["tail", "more"], "x")),
    replaced(8, 9, "  only = 1, # no comma", '  more = "x"'),
  );
  assert.equal(edited((d) => d.delete(["tail", "only"])), replaced(8, 9));
  assert.equal(edited((d) => d.set(["empty", "a"], true)), replaced(12, 12, "  a = true"));
  // Entries sharing a line with a brace: the comment stays.
  assert.equal(edited((d) => d.delete(["other", "x"])), replaced(5, 6, "other = { # first"));
  assert.equal(edited((d) => d.delete(["other", "y"])), replaced(6, 7, "}"));
  assert.equal(edited((d) => d.set(["other", "z"], 3)), replaced(6, 7, "  y = 2, z = 3 }"));
  // On one line, trailing comma or not, the layout stays one line.
  const one = TomlDocument.parse("t = { a = 1, b = 2, }\n");
  one.set(["t", "c"], 3);
  assert.equal(one.toString(), "t = { a = 1, b = 2, c = 3, }\n");
  one.delete(["t", "a"]);
  assert.equal(one.toString(), "t = { b = 2, c = 3, }\n");
});

test("viewValue is the document's own values (no copy), equal to toValue, current after an edit", () => {
  const doc = TomlDocument.parse('a = 1\n[t]\nb = "x"\nd = 1979-05-27T07:32:00Z\n');
  const view = doc.viewValue();
  assert.equal(doc.viewValue(), view);
  assert.notEqual(doc.toValue(), view);
  assert.deepEqual(view, doc.toValue());
  doc.set(["t", "b"], "y");
  assert.deepEqual(doc.viewValue(), doc.toValue());
  assert.equal((doc.viewValue().t as Record<string, unknown>).b, "y");
});
