import { test } from "node:test";
import assert from "node:assert/strict";
import { diffLines, splitLines, unifiedDiff } from "../../src/diff/line_diff.ts";

test("splitLines handles LF, CRLF and a missing final newline", () => {
  assert.deepEqual(splitLines("a\r\nb\nc"), ["a", "b", "c"]);
  assert.deepEqual(splitLines("a\n"), ["a"]);
  assert.deepEqual(splitLines(""), []);
  assert.deepEqual(splitLines("\n"), [""]);
});

test("identical texts give no diff", () => {
  assert.equal(unifiedDiff("a\nb\n", "a\nb\n", "x", "y"), "");
  assert.equal(unifiedDiff("a\r\nb\r\n", "a\nb\n", "x", "y"), "");
});

test("a changed value in a config file gives one hunk with context", () => {
  const before = '# app\n[db]\nhost = "a"\nport = 1\n\n[log]\nlevel = "info"\nfile = "x"\n';
  const after = '# app\n[db]\nhost = "b"\nport = 1\n\n[log]\nlevel = "info"\nfile = "x"\n';
  assert.equal(
    unifiedDiff(before, after, "backup", "current"),
    [
      "--- backup",
      "+++ current",
      "@@ -1,6 +1,6 @@",
      " # app",
      " [db]",
      '-host = "a"',
      '+host = "b"',
      " port = 1",
      " ",
      " [log]",
      "",
    ].join("\n"),
  );
});

test("distant changes make separate hunks; additions to an empty file start at 1", () => {
  const a = Array.from({ length: 20 }, (_, i) => `k${i} = ${i}`).join("\n") + "\n";
  const b = a.replace("k1 = 1", "k1 = 100").replace("k18 = 18", "k18 = 180");
  const out = unifiedDiff(a, b, "a", "b", 1);
  assert.equal(
    out,
    "--- a\n+++ b\n@@ -1,3 +1,3 @@\n k0 = 0\n-k1 = 1\n+k1 = 100\n k2 = 2\n@@ -18,3 +18,3 @@\n k17 = 17\n-k18 = 18\n+k18 = 180\n k19 = 19\n",
  );
  assert.equal(unifiedDiff("", "x = 1\n", "a", "b"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x = 1\n");
});

test("diffLines is a shortest edit script that rebuilds both sides", () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: rand(12) }, () => "abcd"[rand(4)]);
    const b = Array.from({ length: rand(12) }, () => "abcd"[rand(4)]);
    const d = diffLines(a, b);
    assert.deepEqual(d.filter((l) => l.op !== "+").map((l) => l.text), a);
    assert.deepEqual(d.filter((l) => l.op !== "-").map((l) => l.text), b);
    const kept = d.filter((l) => l.op === " ").length;
    assert.equal(kept, lcs(a, b), `round ${round}: not minimal`);
  }
});

function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t[a.length][b.length];
}
