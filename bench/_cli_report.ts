/**
 * Prints `bench/cli.sh`'s report from the results of `_cli_run.ts`: each
 * command's medians, then every goal as a ratio against its baseline
 * measured in the same run. Ratios are paired: taken round by round (both
 * commands ran back to back) and the median of those is shown, which keeps
 * them steady on a busy machine. CPU time is user + system.
 *
 * Usage: bun bench/_cli_report.ts RESULTS.json
 *
 * @module
 */

import { readFileSync } from "node:fs";
import type { Measured } from "./_cli_run.ts";

/** A goal: `a` against `b`, by a metric, at most `limit` (Infinity: shown, no goal). */
interface Goal {
  label: string;
  a: string;
  b: string;
  metric: "wall+cpu" | "cpu" | "rss-diff";
  limit: number;
}

/** The goals, then the figures that must not get worse. */
export const GOALS: Goal[] = [
  { label: "get / hello-world", a: "get", b: "floor", metric: "wall+cpu", limit: 1.3 },
  { label: "set / naive writer (CPU)", a: "set", b: "naive-set", metric: "cpu", limit: 1.3 },
  {
    label: "set 20,000 keys / set 50 keys",
    a: "set-20000",
    b: "set",
    metric: "wall+cpu",
    limit: 3,
  },
  {
    label: "get peak memory - hello-world's (MiB)",
    a: "get",
    b: "floor",
    metric: "rss-diff",
    limit: 5,
  },
  {
    label: "set 20,000 keys again (parse cache) / set 50",
    a: "set-20000-again-a",
    b: "set",
    metric: "wall+cpu",
    limit: Infinity,
  },
  {
    label: "naive reader / hello-world",
    a: "naive-get",
    b: "floor",
    metric: "wall+cpu",
    limit: Infinity,
  },
  { label: "get / naive reader", a: "get", b: "naive-get", metric: "wall+cpu", limit: Infinity },
  {
    label: "get beside sealed values / get",
    a: "get-sealed",
    b: "get",
    metric: "wall+cpu",
    limit: 1.05,
  },
  {
    label: "get beside a shared-layer snapshot / get",
    a: "get-shared",
    b: "get",
    metric: "wall+cpu",
    limit: 1.05,
  },
  {
    label: "file look-ups alone / hello-world",
    a: "lookups",
    b: "floor",
    metric: "wall+cpu",
    limit: Infinity,
  },
  {
    label: "get / file look-ups alone",
    a: "get",
    b: "lookups",
    metric: "wall+cpu",
    limit: Infinity,
  },
  {
    label: "get with a schema / hello-world",
    a: "get-schema",
    b: "floor",
    metric: "wall+cpu",
    limit: Infinity,
  },
  { label: "list / hello-world", a: "list", b: "floor", metric: "wall+cpu", limit: Infinity },
  { label: "explain / hello-world", a: "explain", b: "floor", metric: "wall+cpu", limit: Infinity },
  {
    label: "naive writer / hello-world (CPU)",
    a: "naive-set",
    b: "floor",
    metric: "cpu",
    limit: Infinity,
  },
];

/** The median of a list. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median of the round-by-round ratios a[i] / b[i]. */
export function pairedRatio(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  return median(Array.from({ length: n }, (_, i) => a[i] / b[i]));
}

/** Formats the report. */
export function report(results: Measured[]): string {
  const by = new Map(results.map((r) => [r.name, r]));
  const rows = [["command", "wall ms", "cpu ms", "peak MiB"]];
  for (const r of results) {
    rows.push([
      r.name,
      median(r.wall).toFixed(1),
      median(r.cpu).toFixed(1),
      r.rssKiB.length ? (median(r.rssKiB) / 1024).toFixed(1) : "-",
    ]);
  }
  const goals = [["goal (medians of paired runs)", "wall", "cpu", "limit", ""]];
  for (const g of GOALS) {
    const a = by.get(g.a);
    const b = by.get(g.b);
    if (!a || !b) continue;
    if (g.metric === "rss-diff") {
      const d = (median(a.rssKiB) - median(b.rssKiB)) / 1024;
      goals.push([g.label, "", d.toFixed(1), `<= ${g.limit}`, d <= g.limit ? "ok" : "MISS"]);
      continue;
    }
    const cpu = pairedRatio(a.cpu, b.cpu);
    const wall = pairedRatio(a.wall, b.wall);
    const judged = g.metric === "cpu" ? cpu : wall;
    goals.push([
      g.label,
      g.metric === "cpu" ? "" : wall.toFixed(2),
      cpu.toFixed(2),
      g.limit === Infinity ? "" : `<= ${g.limit}`,
      g.limit === Infinity ? "" : judged <= g.limit ? "ok" : "MISS",
    ]);
  }
  const parts = [table(rows), table(goals)];
  // Before/after: every case that also ran on the base build (`base:<name>`).
  const base = [["this build / base build", "wall", "cpu", "peak MiB diff"]];
  for (const r of results) {
    const b = by.get(`base:${r.name}`);
    if (!b) continue;
    base.push([
      r.name,
      pairedRatio(r.wall, b.wall).toFixed(2),
      pairedRatio(r.cpu, b.cpu).toFixed(2),
      ((median(r.rssKiB) - median(b.rssKiB)) / 1024).toFixed(1),
    ]);
  }
  if (base.length > 1) parts.push(table(base));
  return parts.join("\n");
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n") + "\n";
}

if (import.meta.main) {
  const [file] = process.argv.slice(2);
  const { results } = JSON.parse(readFileSync(file, "utf8")) as { results: Measured[] };
  console.log(report(results));
}
