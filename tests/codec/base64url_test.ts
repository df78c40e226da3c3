import { test } from "node:test";
import assert from "node:assert/strict";
import { badBase64urlColumn, decodeBase64url, encodeBase64url } from "../../src/codec/base64url.ts";

test("base64url round-trips every length and byte, without padding", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let n = 0; n <= 70; n++) {
    const bytes = all.subarray(256 - n);
    const text = encodeBase64url(bytes);
    assert.match(text, /^[A-Za-z0-9_-]*$/);
    assert.equal(text.length, Math.ceil((n * 4) / 3));
    assert.deepEqual(decodeBase64url(text), bytes);
  }
  assert.equal(encodeBase64url(new Uint8Array([0xfb, 0xff, 0xbf])), "-_-_");
  assert.equal(encodeBase64url(new Uint8Array([])), "");
});

test("base64url reads only the canonical text of each byte string", () => {
  for (
    const bad of [
      "AA==", // padding
      "A", // 4n + 1 characters
      "AAAAA",
      "AB", // stray bits: "AA" is the only encoding of one zero byte
      "AAB",
      "+/8", // the standard alphabet
      "AA AA",
      "AA\n",
      "é",
    ]
  ) {
    assert.equal(decodeBase64url(bad), undefined, bad);
  }
  assert.deepEqual(decodeBase64url("AA"), new Uint8Array([0]));
  assert.deepEqual(decodeBase64url(""), new Uint8Array([]));
});

test("badBase64urlColumn points at the first character outside the alphabet", () => {
  assert.equal(badBase64urlColumn("AbC-_9"), 0);
  assert.equal(badBase64urlColumn("Ab=C"), 3);
  assert.equal(badBase64urlColumn("+"), 1);
  assert.equal(badBase64urlColumn("abc\n"), 4);
});
