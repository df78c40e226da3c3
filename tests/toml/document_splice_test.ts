// The quick splice of one scalar for another (replaceScalar) must give exactly
// the index a full re-parse gives: same text, values, headers, statements and
// value spans; and must decline (undefined) whatever is not such a change.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { type DocIndex, indexDocument, replaceScalar } from "../../src/toml/_document_index.ts";

const corpus = path.join(import.meta.dirname!, "..", "fixtures", "toml-corpus");

function shape(idx: DocIndex) {
  return {
    text: idx.text,
    value: idx.value,
    headers: idx.headers,
    statements: idx.statements,
    inlineStatements: idx.inlineStatements,
    values: idx.values,
  };
}

const inserts = [
  "42",
  "-0x1F",
  '"new text"',
  "'lit'",
  "1.5",
  "3.0",
  "-inf",
  "true",
  "1979-05-27",
  "1979-05-27T07:32:00Z",
  "1979-05-27 07:32:00",
  "07:32:00",
  '"\\u00e9 \\"q\\""',
  '""',
];

test("a scalar replaced quickly indexes exactly as a full re-parse, in every corpus file", () => {
  const files = fs.readdirSync(corpus).filter((f) =>
    f.endsWith(".toml") && !f.endsWith(".expected.toml")
  );
  assert.ok(files.length > 5);
  let quick = 0;
  for (const f of files) {
    const idx = indexDocument(fs.readFileSync(path.join(corpus, f), "utf8"));
    for (const v of idx.values) {
      for (const insert of inserts) {
        const next = replaceScalar(idx, v.start, v.end, insert);
        if (!next) continue;
        quick++;
        assert.deepEqual(shape(next), shape(indexDocument(next.text)), `${f} ${v.path} ${insert}`);
      }
    }
  }
  assert.ok(quick > 100, `only ${quick} quick splices`);
});

test("the quick splice declines what is not one scalar for another", () => {
  const idx = indexDocument('a = 1 # c\nb = [1, 2]\nc = { d = "x" }\ns = """\nmulti\n"""\n');
  const a = idx.values.find((v) => v.path.join() === "a")!;
  for (const bad of ['"unclosed', "1 2", "[1]", "{ e = 1 }", "1\n", "", "x = 1", "1 # c"]) {
    assert.equal(replaceScalar(idx, a.start, a.end, bad), undefined, bad);
  }
  const b = idx.values.find((v) => v.path.join() === "b")!;
  assert.equal(replaceScalar(idx, b.start, b.end, "1"), undefined); // an array
  const s = idx.values.find((v) => v.path.join() === "s")!;
  assert.equal(replaceScalar(idx, s.start, s.end, "1"), undefined); // spans lines
  assert.equal(replaceScalar(idx, a.start, a.end + 1, "1"), undefined); // not a value's span
  // The old index is left as it was.
  const next = replaceScalar(idx, a.start, a.end, "12345")!;
  assert.equal(next.value.a, 12345);
  assert.equal(idx.value.a, 1);
  assert.equal(idx.text.startsWith("a = 1 #"), true);
  assert.deepEqual(shape(next), shape(indexDocument(next.text)));
});

test("a key named __proto__ stays a key in the quickly copied tables", () => {
  const idx = indexDocument('[t]\n"__proto__" = 1\nk = 2\n');
  const k = idx.values.find((v) => v.path.join() === "t,k")!;
  const next = replaceScalar(idx, k.start, k.end, "3")!;
  assert.deepEqual(Object.keys(next.value.t as object), ["__proto__", "k"]);
  assert.deepEqual(shape(next), shape(indexDocument(next.text)));
});
