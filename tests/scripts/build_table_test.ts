import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSize, renderTable } from "../../scripts/_build_table.ts";
import { measureTable, summarize } from "../../scripts/_build_measure.ts";

test("renderTable pads columns by characters (not bytes) and escapes pipes", () => {
  const text = renderTable(["target", "result"], [["linux-x64", "ok: a|b"], ["wörld", "x"]]);
  assert.equal(
    text,
    "| target    | result   |\n" +
      "| --------- | -------- |\n" +
      "| linux-x64 | ok: a\\|b |\n" +
      "| wörld     | x        |\n",
  );
});

test("formatSize uses decimal units", () => {
  assert.equal(formatSize(0), "0 B");
  assert.equal(formatSize(999), "999 B");
  assert.equal(formatSize(1000), "1.0 kB");
  assert.equal(formatSize(109_209_776), "109.2 MB");
  assert.equal(formatSize(2_500_000_000), "2.5 GB");
});

test("summarize gives mean, sample standard deviation, median and minimum", () => {
  assert.deepEqual(summarize([4, 2, 6]), { mean: 4, stddev: 2, median: 4, min: 2 });
  assert.deepEqual(summarize([5]), { mean: 5, stddev: 0, median: 5, min: 5 });
});

test("measureTable shows size, median and fastest time, the median over hello-world's, CPU time", () => {
  const t = (median: number) => ({ mean: median + 1, stddev: 0.5, median, min: median - 1 });
  const text = measureTable([
    { name: "hello-world", size: 100_000_000, version: { ...t(30), cpu: 9.5 }, get: null },
    { name: "minify+bytecode", size: 101_500_000, version: t(38), get: t(52.25) },
  ]);
  assert.deepEqual(
    text.split("\n").map((l) => l.split("|").map((c) => c.trim()).filter((c) => c)),
    [
      [
        "build",
        "size",
        "--version ms: median (min, + over hello; CPU)",
        "get ms: median (min, + over hello; CPU)",
      ],
      [
        "---------------",
        "--------",
        "---------------------------------------------",
        "---------------------------------------",
      ],
      ["hello-world", "100.0 MB", "30.0 (min 29.0, +0.0; CPU 9.5)", "-"],
      ["minify+bytecode", "101.5 MB", "38.0 (min 37.0, +8.0)", "52.3 (min 51.3, +22.3)"],
      [],
    ],
  );
});
