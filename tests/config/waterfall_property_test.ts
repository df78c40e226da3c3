// The waterfall against a model: random TOML files in the system, user and
// project layers plus defaults, merged by a reference implementation
// (tables key by key, anything else replaces); get(), resolve() and list()
// must all agree with it. Seeded: reproducible.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { formatKey } from "../../src/mod.ts";
import { stringify } from "../../src/toml/stringify.ts";
import type { TomlTable } from "../../src/toml/parse.ts";
import { librarySandbox } from "../_support/mod.ts";
import { mulberry32 as prng } from "../../scripts/_mulberry32.ts";

type Table = { [k: string]: unknown };

const keys = ["a", "b", "db", "Host", "x.y"];

function randomTable(r: () => number, depth: number, tag: string): Table {
  const t: Table = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = keys[Math.floor(r() * keys.length)];
    const c = r();
    t[k] = depth < 2 && c < 0.4
      ? randomTable(r, depth + 1, tag)
      : c < 0.6
      ? [`${tag}`, i]
      : c < 0.8
      ? `${tag}-${i}`
      : i + depth;
  }
  return t;
}

function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The reference merge: `upper` over `lower`. */
function merge(lower: unknown, upper: unknown): unknown {
  if (!isTable(lower) || !isTable(upper)) return upper;
  const out: Table = { ...lower };
  for (const [k, v] of Object.entries(upper)) out[k] = k in lower ? merge(lower[k], v) : v;
  return out;
}

function leaves(t: Table, prefix: string[] = []): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const [k, v] of Object.entries(t)) {
    if (isTable(v)) out.push(...leaves(v, [...prefix, k]));
    else out.push([[...prefix, k], v]);
  }
  return out;
}

function at(t: unknown, p: string[]): unknown {
  let node = t;
  for (const s of p) {
    if (!isTable(node) || !(s in node)) return undefined;
    node = node[s];
  }
  return node;
}

test("get, resolve and list agree with a reference merge of random layers", () => {
  const r = prng(4242);
  const sb = librarySandbox();
  try {
    const projectFile = path.join(sb.project, ".demo.toml");
    for (let round = 0; round < 60; round++) {
      const defaults = randomTable(r, 0, "defaults");
      const system = randomTable(r, 0, "system");
      const user = randomTable(r, 0, "user");
      const project = randomTable(r, 0, "project");
      sb.write(sb.defaultsFile, stringify(defaults as TomlTable));
      sb.write(sb.systemFile, stringify(system as TomlTable));
      sb.write(sb.userFile, stringify(user as TomlTable));
      sb.write(projectFile, stringify(project as TomlTable));
      const model = [system, user, project].reduce(merge, defaults) as Table;
      const config = sb.open();
      const listed = config.list();
      const expected = leaves(model).map(([p, v]) => [formatKey(p), v] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(listed.map((x) => [x.key, x.value]), expected, `round ${round}`);
      for (const { path: p, value, origin } of listed) {
        assert.deepEqual(config.get(formatKey(p)), value);
        const layerValue = { project, user, system, defaults }[origin.layer as string];
        assert.deepEqual(at(layerValue, p), value, `${formatKey(p)} from ${origin.layer}`);
      }
      for (const k of keys) {
        assert.deepEqual(config.get(formatKey([k])), model[k], `get ${k}`);
        assert.deepEqual(config.resolve(formatKey([k]))?.value, model[k]);
      }
    }
  } finally {
    sb.cleanup();
  }
});
