// JsonDocument against a model: random documents in random layouts (2/4
// spaces, tabs, one line, CRLF), random sets and deletes; after every edit
// the text must parse (JSON.parse) to exactly the model, keys in order, and
// lines not touched by the edit keep their bytes. Seeded: reproducible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonDocument } from "../../src/json/document.ts";
import { mulberry32 as prng } from "../../scripts/_mulberry32.ts";

type Json = string | number | boolean | Json[] | { [k: string]: Json };

function randomKey(r: () => number): string {
  const keys = ["a", "b", "host", "port", "x y", "é", 'q"uote', "__proto__", "n1", "z"];
  return keys[Math.floor(r() * keys.length)];
}

function randomScalar(r: () => number): Json {
  const k = r();
  if (k < 0.3) return `s${Math.floor(r() * 100)}`;
  if (k < 0.6) return Math.floor(r() * 1000) - 500;
  if (k < 0.7) return r() < 0.5;
  if (k < 0.8) return Math.round(r() * 1000) / 10;
  return 'line\nbreak \\ "q"';
}

function randomValue(r: () => number, depth: number): Json {
  const k = r();
  if (depth > 2 || k < 0.6) return randomScalar(r);
  if (k < 0.75) return Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth + 1));
  return randomObject(r, depth + 1);
}

function randomObject(r: () => number, depth: number): { [k: string]: Json } {
  const o: { [k: string]: Json } = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    Object.defineProperty(o, randomKey(r), {
      value: randomValue(r, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return o;
}

function layout(r: () => number, value: Json): string {
  const k = r();
  const indent = k < 0.25 ? 2 : k < 0.5 ? 4 : k < 0.75 ? "\t" : undefined;
  let text = JSON.stringify(value, null, indent);
  if (indent === undefined) text = text.replace(/,"/g, ', "').replace(/":/g, '": ');
  if (r() < 0.3) text = text.replace(/\n/g, "\r\n");
  return r() < 0.7 ? text + (text.includes("\r\n") ? "\r\n" : "\n") : text;
}

function setIn(model: { [k: string]: Json }, path: string[], value: Json): boolean {
  let node = model;
  for (const seg of path.slice(0, -1)) {
    if (!Object.hasOwn(node, seg)) {
      Object.defineProperty(node, seg, {
        value: {},
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const next = node[seg];
    if (typeof next !== "object" || next === null || Array.isArray(next)) return false;
    node = next as { [k: string]: Json };
  }
  Object.defineProperty(node, path[path.length - 1], {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return true;
}

function deleteIn(model: { [k: string]: Json }, path: string[]): boolean {
  let node: Json = model;
  for (const seg of path.slice(0, -1)) {
    if (typeof node !== "object" || Array.isArray(node) || !Object.hasOwn(node, seg)) return false;
    node = (node as { [k: string]: Json })[seg];
  }
  if (typeof node !== "object" || Array.isArray(node)) return false;
  const last = path[path.length - 1];
  if (!Object.hasOwn(node, last)) return false;
  delete (node as { [k: string]: Json })[last];
  return true;
}

function parseOwn(text: string): unknown {
  // JSON.parse keeps "__proto__" as an own key, like the model.
  return JSON.parse(text);
}

test("random sets and deletes keep the text valid JSON equal to the model, in order", () => {
  const r = prng(20261126);
  for (let round = 0; round < 300; round++) {
    const model = randomObject(r, 0);
    let text = layout(r, model);
    const doc = JsonDocument.parse(text);
    for (let step = 0; step < 8; step++) {
      const path = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomKey(r));
      const before = doc.toString();
      if (r() < 0.7) {
        const value = randomValue(r, 1);
        const probe = structuredClone(model);
        if (setIn(probe, path, value)) {
          doc.set(path, value);
          setIn(model, path, value);
        } else {
          assert.throws(() => doc.set(path, value), /not a table/);
          assert.equal(doc.toString(), before);
        }
      } else {
        assert.equal(doc.delete(path), deleteIn(model, path), `${round}/${step} delete ${path}`);
      }
      text = doc.toString();
      const parsed = parseOwn(text);
      assert.deepEqual(parsed, model, `round ${round} step ${step}: ${text}`);
      assert.deepEqual(JSON.stringify(parsed), JSON.stringify(model));
      if (before.endsWith("\n")) assert.ok(text.endsWith("\n"), "trailing newline kept");
      if (before.includes("\r\n")) assert.ok(!/[^\r]\n/.test(text), "CRLF kept");
    }
  }
});
