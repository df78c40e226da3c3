// Assembling a snapshot from layer sources: the list's order is the waterfall's, each source is
// read once and on demand, a source reads the layers below it, and a new layer is one more source.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assembleSnapshot } from "../../src/config/snapshot.ts";
import { appLayerOrder, fileModeOrder } from "../../src/config/sources.ts";
import type { LayerSource } from "../../src/layers/source.ts";
import type { Layer, LayerName } from "../../src/layers/types.ts";
import { findValue } from "../../src/layers/resolve.ts";

function layer(name: LayerName, values: Record<string, unknown>): Layer {
  return {
    name,
    writable: false,
    status: "ok",
    values,
    textual: false,
    label: name,
    origin: () => ({ layer: name }),
    kindOf: () => undefined,
  };
}

function source(name: LayerName, read: LayerSource["read"], reads: string[]): LayerSource {
  return {
    name,
    read: (ctx) => {
      reads.push(name);
      return read(ctx);
    },
  };
}

test("the order of the sources is the order of the layers; each is read once", () => {
  const reads: string[] = [];
  const sources = [
    source("command-line", () => layer("command-line", { a: "cli" }), reads),
    // Reads the layers below it (as the environment does to type its text).
    source("environment", (ctx) => {
      const below = ctx.below().map((l) => l.name);
      return layer("environment", { below: below.join(",") });
    }, reads),
    source("user", () => layer("user", { a: "user", b: "user" }), reads),
    // Not there at all: no layer in the snapshot.
    source("system", () => undefined, reads),
    // Finds its schema beside another layer (as the schema's defaults do).
    source(
      "defaults",
      (ctx) => layer("defaults", { b: "defaults", c: String(ctx.schema()) }),
      reads,
    ),
  ];
  const snap = assembleSnapshot(sources, (layerOf) => {
    assert.equal(layerOf("user")?.name, "user");
    return undefined;
  });
  assert.deepEqual(snap.layers.map((l) => l.name), [
    "command-line",
    "environment",
    "user",
    "defaults",
  ]);
  assert.deepEqual(reads, ["command-line", "environment", "user", "system", "defaults"]);
  assert.equal(snap.layers[1].values?.below, "user,defaults");
  assert.equal(findValue(snap, ["a"])?.value, "cli");
  assert.equal(findValue(snap, ["b"])?.value, "user");
  assert.equal(findValue(snap, ["c"])?.value, "undefined");
});

test("a new layer is one source put at its place: a shared layer between system and user", () => {
  const reads: string[] = [];
  const names = ["user", "shared", "system"] as LayerName[];
  const sources = names.map((name) =>
    source(name, () => layer(name, { k: name, [name]: 1 }), reads)
  );
  const snap = assembleSnapshot(sources, () => undefined);
  assert.equal(findValue(snap, ["k"])?.value, "user");
  assert.deepEqual(findValue(snap, [])?.value, { k: "user", user: 1, shared: 1, system: 1 });
  const withoutUser = assembleSnapshot(sources.slice(1), () => undefined);
  assert.equal(findValue(withoutUser, ["k"])?.value, "shared");
});

test("a source that depends on itself is a bug, said as such", () => {
  const sources: LayerSource[] = [
    { name: "user", read: (ctx) => ctx.layer("user") },
  ];
  assert.throws(
    () => assembleSnapshot(sources, () => undefined),
    /the user layer depends on itself/,
  );
});

test("the application's layers, top first, and those of --file mode", () => {
  assert.deepEqual(appLayerOrder, [
    "command-line",
    "environment",
    "project",
    "user",
    "shared",
    "system",
    "defaults",
    "schema-defaults",
  ]);
  assert.deepEqual(fileModeOrder, ["command-line", "file", "defaults", "schema-defaults"]);
});
