import { test } from "node:test";
import assert from "node:assert/strict";
import { describeContext, encodeContext } from "../../src/codec/sealed_context.ts";
import { toHex } from "./_vectors.ts";

test("the associated data is length-prefixed UTF-8 fields", () => {
  assert.equal(
    toHex(encodeContext({ app: "a", layer: "user", key: ["db", "pw"] })),
    "00000001" + "61" + "00000004" + "75736572" + "00000002" + "00000002" + "6462" +
      "00000002" + "7077",
  );
  // UTF-8 bytes, not UTF-16 units: "é" is 2 bytes, "🔑" 4.
  assert.equal(
    toHex(encodeContext({ app: "é", layer: "u", key: ["🔑"] })),
    "00000002c3a9" + "0000000175" + "00000001" + "00000004f09f9491",
  );
});

test("contexts that would join to the same text still differ", () => {
  const seen = new Set<string>();
  const contexts = [
    { app: "a", layer: "b", key: ["c.d"] },
    { app: "a", layer: "b", key: ["c", "d"] },
    { app: "a", layer: "bc", key: ["d"] },
    { app: "ab", layer: "c", key: ["d"] },
    { app: "a", layer: "b", key: ["cd"] },
    { app: "a", layer: "b", key: ["", "cd"] },
    { app: "a", layer: "b", key: ["cd", ""] },
  ];
  for (const context of contexts) seen.add(toHex(encodeContext(context)));
  assert.equal(seen.size, contexts.length);
});

test("describeContext names the key as strata prints it", () => {
  assert.equal(
    describeContext({ app: "pipeline", layer: "project", key: ["servers", "eu.west", "port"] }),
    'key servers."eu.west".port (app pipeline, layer project)',
  );
});
