import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatChecksums, parseChecksums, sha256File } from "../../scripts/_build_checksums.ts";

const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // SHA-256("abc")
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; // SHA-256("")

test("formatChecksums writes sha256sum's text format, sorted by file name", () => {
  const text = formatChecksums([
    { sha256: EMPTY, file: "strata-windows-x64.exe" },
    { sha256: ABC, file: "strata-darwin-arm64" },
  ]);
  assert.equal(text, `${ABC}  strata-darwin-arm64\n${EMPTY}  strata-windows-x64.exe\n`);
});

test("formatChecksums refuses a digest that is not 64 lower-case hex digits", () => {
  assert.throws(() => formatChecksums([{ sha256: ABC.toUpperCase(), file: "x" }]), {
    message: `not a SHA-256 hex digest: ${ABC.toUpperCase()}`,
  });
});

test("parseChecksums reads text and binary separators and CRLF lines; names a bad line", () => {
  assert.deepEqual(parseChecksums(`${ABC}  a\r\n${EMPTY} *b.exe\n`), [
    { sha256: ABC, file: "a" },
    { sha256: EMPTY, file: "b.exe" },
  ]);
  assert.throws(() => parseChecksums(`${ABC}  a\nnot a line\n`), {
    message: 'SHA256SUMS line 2: expected "<64 hex>  <file>"',
  });
});

test("sha256File hashes files in chunks; sha256sum -c accepts the file we write", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  try {
    fs.writeFileSync(path.join(dir, "abc"), "abc");
    fs.writeFileSync(path.join(dir, "empty"), "");
    // Larger than one 1 MiB chunk, so the chunk loop is exercised.
    const big = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => i % 251);
    fs.writeFileSync(path.join(dir, "big"), big);
    assert.equal(sha256File(path.join(dir, "abc")), ABC);
    assert.equal(sha256File(path.join(dir, "empty")), EMPTY);
    const entries = ["abc", "big", "empty"].map((file) => ({
      file,
      sha256: sha256File(path.join(dir, file)),
    }));
    fs.writeFileSync(path.join(dir, "SHA256SUMS"), formatChecksums(entries));
    const r = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: dir, encoding: "utf8" });
    if (r.error === undefined) {
      assert.equal(r.status, 0);
      assert.equal(r.stdout, "abc: OK\nbig: OK\nempty: OK\n");
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
