// The editing corpus: realistic, hand-written TOML files in
// tests/fixtures/toml-corpus/<name>.toml, each with a sequence of edits and
// the exact text expected afterwards in <name>.expected.toml (written by hand,
// byte for byte: CRLF files are stored with CRLF, the no-newline file has none).
// Besides the exact text, the result must parse to the values a plain-object
// model reaches by applying the same edits.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TomlDocument } from "../../src/toml/document.ts";
import { parse } from "../../src/toml/parse.ts";
import { parseToml } from "../../src/toml/_parser.ts";
import { TomlDateTime } from "../../src/toml/datetime.ts";
import type { TomlValue } from "../../src/toml/parse.ts";

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/toml-corpus");

type Edit = ["set", string[], TomlValue] | ["delete", string[]];

const dt = (text: string) => TomlDateTime.parse(text);

/** Each corpus file and the edits applied to it, in order. */
const cases: Record<string, Edit[]> = {
  app_basic: [
    ["set", ["default_plant_name"], "T.E. Maxson"],
    ["set", ["server", "port"], 9090],
    ["set", ["retries"], 3],
    ["set", ["database", "timeout"], 30],
    ["set", ["cache", "ttl"], 60],
    ["delete", ["server", "tls"]],
  ],
  cargo: [
    ["set", ["package", "version"], "0.4.0"],
    ["set", ["dependencies", "serde", "version"], "1.0.200"],
    ["set", ["dependencies", "tokio", "optional"], true],
    ["set", ["dependencies", "regex"], "1.10"],
    ["set", ["bin", "1", "path"], "src/bin/cli.rs"],
    ["set", ["bin", "0", "test"], false],
    ["delete", ["dev-dependencies", "tempfile"]],
    ["set", ["profile", "dev", "debug"], 0],
    ["delete", ["features", "std"]],
  ],
  pyproject: [
    ["set", ["project", "version"], "1.3.0"],
    ["set", ["project", "license", "text"], "Apache-2.0"],
    ["set", ["project", "optional-dependencies", "docs"], ["mkdocs"]],
    ["set", ["tool", "ruff", "lint", "ignore"], ["E501"]],
    ["set", ["tool", "mypy", "strict"], true],
    ["delete", ["tool", "pytest", "ini_options", "addopts"]],
    ["set", ["project", "urls"], { Homepage: "https://example.com" }],
  ],
  crlf_windows: [
    ["set", ["start_mode"], "manual"],
    ["set", ["log_level"], "warn"],
    ["set", ["paths", "cache"], "C:\\Temp\\strata"],
    ["set", ["updates", "channel"], "stable"],
    ["delete", ["network", "bind"]],
  ],
  aligned: [
    ["set", ["version"], 3],
    ["set", ["limits", "memory"], "1Gi"],
    ["set", ["limits", "disk"], 20],
    ["set", ["limits", "gpu"], 0],
    ["set", ["owners", "backup"], "sre"],
    ["set", ["mode"], "strict"],
    ["delete", ["limits", "cpu"]],
  ],
  tabs: [
    ["set", ["editor", "font_size"], 14],
    ["set", ["editor", "line_numbers"], true],
    ["set", ["editor", "keymap", "open"], "ctrl+o"],
    ["set", ["terminal", "env"], { TERM: "xterm-256color" }],
    ["delete", ["editor", "keymap", "quit"]],
  ],
  dotted_keys: [
    ["set", ["site", "owner", "name"], "Grace"],
    ["set", ["site", "owner", "github"], "grace"],
    ["set", ["site", "description"], "Docs"],
    ["set", ["deploy", "bucket", "versioning"], true],
    ["set", ["build", "minify"], true],
    ["delete", ["site", "title"]],
    ["set", ["draft"], false],
  ],
  inline_tables: [
    ["set", ["origin", "z"], 0],
    ["set", ["endpoint", "port"], 8443],
    ["set", ["empty", "note"], "filled"],
    ["delete", ["servers", "alpha", "role"]],
    ["delete", ["servers", "beta", "ip"]],
    ["set", ["servers", "beta", "tags", "rack"], 7],
    ["set", ["servers", "gamma"], { ip: "10.0.0.3" }],
    ["set", ["origin", "meta", "label"], "o"],
  ],
  array_of_tables: [
    ["set", ["products", "0", "price"], 9.5],
    ["set", ["products", "1", "name"], "Screw"],
    ["set", ["products", "2", "variants", "1", "size"], "XL"],
    ["delete", ["products", "2", "color"]],
    ["set", ["products", "3"], { name: "Saw", sku: 1 }],
    ["set", ["products", "2", "variants", "0", "stock"], 3],
    ["set", ["settings", "locale"], "de-DE"],
  ],
  multiline: [
    ["set", ["motd"], "Hello"],
    ["set", ["regex"], "[0-9]+"],
    ["delete", ["banner"]],
    ["set", ["hosts", "1"], "bravo"],
    ["set", ["report", "footer"], "Bye"],
    ["set", ["report", "encoding"], "utf-8"],
  ],
  no_trailing_newline: [
    ["set", ["section", "other"], 1],
    ["set", ["extra"], true],
    ["set", ["section", "key"], "v2"],
  ],
  unicode: [
    ["set", ["名前"], "Strata ✓"],
    ["set", ["città", "Zürich", "population"], 430000],
    ["set", ["città", "Genève"], { population: 203856 }],
    ["set", ["日本", "人口"], 125000000],
    ["set", ["emoji"], "🎉 done"],
  ],
  eol_comments: [
    ["set", ["mode"], "safe"],
    ["set", ["threads"], 16],
    ["set", ["ratio"], 0.5],
    ["delete", ["cache", "ttl"]],
    ["set", ["cache", "shards"], 4],
    ["set", ["cache", "size"], 2048],
  ],
  literal_strings: [
    ["set", ["quoted"], "Tom Preston-Werner"],
    ["set", ["patterns", "phone"], "^[0-9 ]+$"],
    ["set", ["root"], "/srv"],
    ["delete", ["patterns", "lines"]],
  ],
  quoted_keys: [
    ["set", ["servers", "eu.west", "port"], 9090],
    ["set", ["servers", "us-east", "max conn"], 200],
    ["set", ["servers", "eu.west", "read timeout"], "30s"],
    ["set", ["servers", "sa.east", "host"], "10.4.0.1"],
    ["delete", ["servers", "ap south", "host"]],
  ],
  only_comments: [
    ["set", ["theme"], "light"],
    ["set", ["editor", "tab_width"], 4],
  ],
  no_top_level: [
    ["set", ["environment"], "production"],
    ["set", ["http", "timeouts", "idle"], "60s"],
    ["delete", ["http", "timeouts", "write"]],
    ["set", ["region"], "eu"],
  ],
  datetimes: [
    ["set", ["created"], dt("2025-06-01T12:00:00Z")],
    ["set", ["backup", "next_run"], dt("2025-01-01T03:00:00+01:00")],
    ["set", ["backup", "retain_days"], 14],
    ["delete", ["alarm"]],
  ],
  daemon: [
    ["set", ["db", "host"], "db2.internal"],
    ["set", ["db", "sslmode"], "require"],
    ["set", ["watch", "paths"], ["/srv/incoming"]],
    ["set", ["alerts", "email", "subject_prefix"], "[pipeline]"],
    ["set", ["alerts", "slack", "channel"], "#ops"],
    ["delete", ["poll_interval"]],
  ],
  nested_tables: [
    ["delete", ["a", "b", "c", "d"]],
    ["delete", ["z"]],
    ["set", ["a", "b", "name"], "b"],
    ["set", ["a", "x", "flag"], false],
  ],
  empty: [
    ["set", ["name"], "new"],
    ["set", ["server", "port"], 80],
  ],
  indented_tables: [
    ["set", ["dog", "tater.man", "type", "breed"], "pug-mix"],
    ["set", ["dog", "owner", "age"], 42],
    ["set", ["dog", "name"], "Rex"],
    ["set", ["dog", "owner", "address", "city"], "Oslo"],
  ],
  crlf_jobs: [
    ["set", ["job", "1", "enabled"], true],
    ["set", ["job", "2"], { name: "cleanup", cron: "0 4 * * 0" }],
    ["delete", ["job", "0", "cron"]],
    ["set", ["job", "0", "retries"], 2],
  ],
  inline_multiline: [
    ["set", ["service", "limits", "cpu"], 4],
    ["set", ["service", "limits", "memory"], "2Gi"],
    ["delete", ["service", "limits", "disk"]],
    ["set", ["service", "limits", "gpu"], 1],
    ["set", ["service", "probe", "timeout"], 3],
    ["delete", ["service", "probe", "path"]],
    ["set", ["service", "labels", "owner"], "sre"],
    ["delete", ["service", "labels", "tier"]],
    ["delete", ["service", "ports", "http"]],
    ["set", ["service", "ports", "admin"], 9000],
    ["set", ["service", "mounts", "0", "volume", "size"], "4Gi"],
    ["set", ["service", "mounts", "0", "volume", "medium"], "Memory"],
    ["set", ["service", "mounts", "0", "volume", "name"], "scratch"],
  ],
};

/** A deep copy of plain TOML values (date-times are immutable and shared). */
function clone(v: TomlValue): TomlValue {
  if (Array.isArray(v)) return v.map(clone);
  if (isTable(v)) {
    const out: Record<string, TomlValue> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: clone(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

function isTable(v: unknown): v is Record<string, TomlValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof TomlDateTime);
}

/** Applies one edit to the plain-object model (paths through arrays use indices). */
function applyToModel(model: Record<string, TomlValue>, edit: Edit): void {
  const p = edit[1];
  let node: TomlValue = model;
  for (const seg of p.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else {
      const t = node as Record<string, TomlValue>;
      if (!Object.hasOwn(t, seg)) t[seg] = {};
      node = t[seg];
    }
  }
  const last = p[p.length - 1];
  if (edit[0] === "set") {
    const value = clone(edit[2]);
    if (Array.isArray(node)) node[Number(last)] = value;
    else {Object.defineProperty(node, last, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });}
  } else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete (node as Record<string, TomlValue>)[last];
}

/** Values in one comparable shape: tables as ordinary objects, keys sorted. */
function norm(v: TomlValue): unknown {
  if (Array.isArray(v)) return v.map(norm);
  if (isTable(v)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm(v[k])]));
  }
  if (v instanceof TomlDateTime) return `${v.kind}:${v}`;
  return v;
}

test("the corpus holds at least 20 hand-written files, each with its edits and expected text", () => {
  const inputs = fs.readdirSync(corpus).filter((f) =>
    f.endsWith(".toml") && !f.endsWith(".expected.toml")
  );
  assert.ok(inputs.length >= 20, `only ${inputs.length} corpus files`);
  assert.deepEqual(inputs.map((f) => f.slice(0, -5)).sort(), Object.keys(cases).sort());
});

for (const [name, edits] of Object.entries(cases)) {
  test(`corpus ${name}: edits change exactly the expected lines`, () => {
    const input = fs.readFileSync(path.join(corpus, `${name}.toml`), "utf8");
    const expected = fs.readFileSync(path.join(corpus, `${name}.expected.toml`), "utf8");
    const doc = TomlDocument.parse(input, `${name}.toml`);
    assert.equal(doc.toString(), input, "parse then toString must give the text back unchanged");
    const model = clone(parse(input)) as Record<string, TomlValue>;
    for (const edit of edits) {
      if (edit[0] === "set") doc.set(edit[1], edit[2]);
      else assert.equal(doc.delete(edit[1]), true, `delete ${edit[1].join(".")}`);
      applyToModel(model, edit);
      assert.deepEqual(norm(doc.toValue()), norm(model), `after ${edit[0]} ${edit[1].join(".")}`);
    }
    assert.equal(doc.toString(), expected);
    assert.deepEqual(norm(parse(doc.toString())), norm(model));
  });
}

/** Value spans and statement line ranges of `text`, from the parser's events. */
function spansOf(text: string) {
  const values = new Map<string, [number, number]>();
  const statements = new Map<string, [number, number]>();
  // Tables made only by dotted keys or implied by a header's path.
  const implied = new Set<string>();
  const headers: string[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split("\n").length - 1;
  const key = (p: (string | number)[]) => JSON.stringify(p.map(String));
  parseToml(text, {
    events: {
      value: (e) => void values.set(key(e.path), [e.start, e.end]),
      header(e) {
        headers.push(key(e.path));
        for (let i = 1; i < e.path.length; i++) implied.add(key(e.path.slice(0, i)));
      },
      keyValue(e) {
        const p = [...e.table, ...e.key];
        statements.set(key(p), [lineAt(e.keyStart), lineAt(e.valueEnd)]);
        for (let i = e.table.length + 1; i < p.length; i++) implied.add(key(p.slice(0, i)));
      },
    },
  });
  for (const h of headers) implied.delete(h);
  return { values, statements, implied };
}

function isSubsequence(needles: string[], hay: string[]): boolean {
  let j = 0;
  for (const n of needles) {
    while (j < hay.length && hay[j] !== n) j++;
    if (j++ >= hay.length) return false;
  }
  return true;
}

for (const name of Object.keys(cases)) {
  test(`corpus ${name}: every leaf replaced, every leaf deleted, a new key in every table`, () => {
    const input = fs.readFileSync(path.join(corpus, `${name}.toml`), "utf8");
    const original = TomlDocument.parse(input);
    const { values, statements, implied } = spansOf(input);
    const lines = input.split("\n");
    const tables = new Set<string>([JSON.stringify([])]);
    for (const p of everyPath(original.toValue(), [])) {
      if (isTable(original.get(p))) tables.add(JSON.stringify(p));
      const where = `${name}: ${p.join(".")}`;
      // Replace: a value written as `key = value` or as an array element
      // changes exactly its characters; a table written with headers or
      // dotted keys becomes a key.
      const span = values.get(JSON.stringify(p));
      const replaced = TomlDocument.parse(input);
      if (hasHeader(input, p)) {
        // An element of an [[array]] must stay a table.
        assert.throws(() => replaced.set(p, "changed"), /so its elements must be tables/);
        assert.equal(replaced.toString(), input);
      } else replaced.set(p, "changed");
      if (span) {
        assert.equal(
          replaced.toString(),
          input.slice(0, span[0]) + '"changed"' + input.slice(span[1]),
          where,
        );
      } else if (!hasHeader(input, p)) {
        const model = clone(parse(input)) as Record<string, TomlValue>;
        applyToModel(model, ["set", p, "changed"]);
        assert.deepEqual(norm(parse(replaced.toString())), norm(model), where);
      }
      // Delete: the model loses the key; every line outside the statement stays, in order.
      const doc = TomlDocument.parse(input);
      assert.equal(doc.delete(p), true, where);
      const model = clone(parse(input)) as Record<string, TomlValue>;
      applyToModel(model, ["delete", p]);
      for (let q = p.slice(0, -1); q.length > 0; q = q.slice(0, -1)) {
        // Tables that exist only through dotted keys or sub-headers go with them.
        const v = q.reduce<TomlValue>((n, s) => (n as Record<string, TomlValue>)[s], model);
        if (!isTable(v) || Object.keys(v).length > 0 || !implied.has(JSON.stringify(q))) break;
        applyToModel(model, ["delete", q]);
      }
      assert.deepEqual(norm(parse(doc.toString())), norm(model), where);
      const range = statements.get(JSON.stringify(p));
      if (range) {
        const kept = lines.filter((l, i) => (i < range[0] || i > range[1]) && l.trim() !== "");
        assert.ok(isSubsequence(kept, doc.toString().split("\n")), `${where}: lines lost`);
      }
    }
    // A new key in every table lands there and nowhere else.
    for (const t of tables) {
      const p = [...JSON.parse(t) as string[], "zz new"];
      if (
        original.get(p.slice(0, -1)) === undefined || Array.isArray(original.get(p.slice(0, -1)))
      ) continue;
      const doc = TomlDocument.parse(input);
      doc.set(p, 1);
      const model = clone(parse(input)) as Record<string, TomlValue>;
      applyToModel(model, ["set", p, 1]);
      assert.deepEqual(norm(parse(doc.toString())), norm(model), `${name}: add ${p.join(".")}`);
      // Only the line of an inline table (or array) that takes the key may change.
      const changing = new Set<number>();
      for (let i = 1; i < p.length; i++) {
        const r = statements.get(JSON.stringify(p.slice(0, i)));
        for (let l = r ? r[0] : 0; r && l <= r[1]; l++) changing.add(l);
      }
      const kept = lines.filter((l, i) => l.trim() !== "" && !changing.has(i));
      assert.ok(
        isSubsequence(kept, doc.toString().split("\n")),
        `${name}: add ${p.join(".")}: lines lost`,
      );
    }
  });
}

/** Every path under `node`: keys of tables and indexes of arrays, parents first. */
function everyPath(node: TomlValue, at: string[]): string[][] {
  const children: [string, TomlValue][] = Array.isArray(node)
    ? node.map((v, i) => [String(i), v])
    : isTable(node)
    ? Object.entries(node)
    : [];
  return children.flatMap(([k, v]) => [[...at, k], ...everyPath(v, [...at, k])]);
}

/** True when `text` has a `[[header]]` opening exactly the array element `p`. */
function hasHeader(text: string, p: string[]): boolean {
  let found = false;
  const want = JSON.stringify(p);
  parseToml(text, {
    events: {
      header: (e) => void (found ||= e.isArray && JSON.stringify(e.path.map(String)) === want),
    },
  });
  return found;
}
