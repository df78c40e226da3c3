import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeValue, encodeValue } from "../../src/remote/value_text.ts";
import type { TomlDateTime } from "../../src/toml/datetime.ts";
import { parse } from "../../src/toml/parse.ts";

describe("remote value text", () => {
  it("keeps integers beyond 2^53, int against float, and the four date-time kinds", () => {
    assert.deepEqual(encodeValue(9007199254740993n, "int"), {
      text: "9007199254740993",
      kind: "integer",
    });
    assert.deepEqual(encodeValue(3, "int"), { text: "3", kind: "integer" });
    assert.deepEqual(encodeValue(3, "float"), { text: "3.0", kind: "float" });
    assert.deepEqual(encodeValue(2.5), { text: "2.5", kind: "float" });
    assert.deepEqual(encodeValue(true, "bool"), { text: "true", kind: "boolean" });
    const cases: [string, string][] = [
      ["1979-05-27T07:32:00.999-07:00", "offset-date-time"],
      ["1979-05-27T07:32:00", "local-date-time"],
      ["1979-05-27", "local-date"],
      ["07:32:00", "local-time"],
    ];
    for (const [text, kind] of cases) {
      const value = parse(`v = ${text}`).v as TomlDateTime;
      assert.deepEqual(encodeValue(value, "date"), { text, kind });
      const back = decodeValue(text) as TomlDateTime;
      assert.equal(back.kind, kind);
      assert.equal(back.toString(), text);
    }
    assert.equal(decodeValue("9007199254740993"), 9007199254740993n);
  });

  it("keeps a sealed value as the same string, and arrays and tables inline", () => {
    const sealed = "enc:v1:AAAA.BBBB";
    assert.deepEqual(encodeValue(sealed), { text: '"enc:v1:AAAA.BBBB"', kind: "string" });
    assert.equal(decodeValue(encodeValue(sealed).text), sealed);
    assert.deepEqual(encodeValue([1, "x"], "json"), { text: '[1, "x"]', kind: "array" });
    assert.deepEqual(encodeValue({ a: 1 }, "json"), { text: "{ a = 1 }", kind: "table" });
    assert.equal(encodeValue('line\n"two"').text, '"line\\n\\"two\\""');
  });
});
