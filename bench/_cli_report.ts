/**
 * Prints `bench/cli.sh`'s table and ratios from its results file (the JSON
 * that `hyperfine --export-json` writes; the fallback timer writes the same
 * shape). Names are `floor`, `<what>-<count>` (e.g. `get-file-1000`).
 *
 * Usage: bun bench/_cli_report.ts RESULTS.json COUNT...
 *
 * @module
 */

import fs from "node:fs";

/** One timed command (seconds), as hyperfine exports it. */
export interface Timing {
  command: string;
  mean: number;
  stddev: number | null;
  /** Median wall time: robust when the machine is busy (absent from the fallback timer). */
  median?: number;
  /** Mean CPU time in user and kernel mode (absent from the fallback timer). */
  user?: number;
  system?: number;
}

/** The rows of the table: a label and the name prefix of its timings. */
const ROWS: [string, string][] = [
  ["strata get --file (plain build)", "get-file"],
  ["strata get --file (fast build)", "rel-get-file"],
  ["strata get --app (fast, layers)", "rel-get-app"],
  ["strata get --app, sealed values in the file (fast)", "rel-get-sealed"],
  ["git config -f (get)", "git-get"],
  ["strata set --file (plain build)", "set-file"],
  ["strata set --file (fast build)", "rel-set-file"],
  ["strata set --app (fast, layers)", "rel-set-app"],
  ["git config -f (set)", "git-set"],
];

/** The start-up and write goals, as ratios. */
type Lookup = (name: string) => number | undefined;
type Ratio = (t: Lookup, n: number, n0: number) => number | undefined;
const over = (a: string, b: string): Ratio => (t, n, n0) =>
  ratio(
    t(a.replace("N", `${n}`).replace("S", `${n0}`)),
    t(b.replace("N", `${n}`).replace("S", `${n0}`)),
  );
const GOALS: [string, Ratio, number][] = [
  ["get/floor (--file, plain build)", over("get-file-N", "floor"), 1.2],
  ["get/floor (--file, fast build)", over("rel-get-file-N", "floor"), 1.2],
  ["get/floor (--app, fast build)", over("rel-get-app-N", "floor"), 1.2],
  ["set/floor (--file, plain build)", over("set-file-N", "floor"), 1.6],
  ["set/floor (--file, fast build)", over("rel-set-file-N", "floor"), 1.6],
  ["set/floor (--app, fast build)", over("rel-set-app-N", "floor"), 1.6],
  ["get beside sealed values / get (--app, fast)", over("rel-get-sealed-N", "rel-get-app-N"), 1.05],
  [
    "get N keys / get S keys (--file, fast)",
    over("rel-get-file-N", "rel-get-file-S"),
    2,
  ],
  [
    "get / git config -f (fast)",
    over("rel-get-file-N", "git-get-N"),
    Infinity,
  ],
  [
    "set / git config -f (fast)",
    over("rel-set-file-N", "git-set-N"),
    Infinity,
  ],
];

function ratio(
  a: number | undefined,
  b: number | undefined,
): number | undefined {
  return a === undefined || b === undefined ? undefined : a / b;
}

/** Formats the report for a results list and the key counts measured. */
export function report(results: Timing[], counts: number[]): string {
  const byName = new Map(results.map((r) => [r.command, r]));
  // Wall time: the median (a busy machine makes the mean meaningless);
  // CPU time (user + system) is less sensitive to other processes.
  const wall = (name: string) => {
    const r = byName.get(name);
    return r && (r.median ?? r.mean);
  };
  const cpu = (name: string) => {
    const r = byName.get(name);
    return r?.user === undefined ? undefined : r.user + (r.system ?? 0);
  };
  const ms = (name: string) => {
    const w = wall(name);
    const c = cpu(name);
    if (w === undefined) return "-";
    return `${(w * 1000).toFixed(1)}${c === undefined ? "" : ` (${(c * 1000).toFixed(1)})`}`;
  };
  const head = ["wall median (cpu) ms", ...counts.map((n) => `${n} keys`)];
  const rows = [
    ["hello-world (floor)", ms("floor"), ...counts.slice(1).map(() => "")],
    ...ROWS.map((
      [label, prefix],
    ) => [label, ...counts.map((n) => ms(`${prefix}-${n}`))]),
  ];
  const ratioHead = ["ratio: wall (cpu)", "goal", ...counts.map((n) => `${n}`)];
  const ratioRows = GOALS.map(([label, f, goal]) => [
    label,
    goal === Infinity ? "(peer)" : `<= ${goal}`,
    ...counts.map((n) => {
      const w = f(wall, n, counts[0]);
      const c = f(cpu, n, counts[0]);
      if (w === undefined) return "-";
      const miss = goal !== Infinity && w > goal ? " MISS" : "";
      return `${w.toFixed(2)}${c === undefined ? "" : ` (${c.toFixed(2)})`}${miss}`;
    }),
  ]);
  return `${table([head, ...rows])}\n${table([ratioHead, ...ratioRows])}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n") + "\n";
}

if (import.meta.main) {
  const [file, ...counts] = process.argv.slice(2);
  const { results } = JSON.parse(fs.readFileSync(file, "utf8")) as {
    results: Timing[];
  };
  console.log(report(results, counts.map(Number)));
}
