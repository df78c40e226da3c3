/**
 * `--measure-flags`: builds the native binary with and without `--minify`,
 * `--bytecode`, `--sourcemap`, plus a Bun-compiled hello-world, and measures
 * size and start-up (`--version`, and `get` of a key in a temp home) in the
 * same run, with hyperfine when installed, else an internal timer.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BuildFlags, compile } from "./_build_compile.ts";
import { findOnPath } from "./_build_shims.ts";
import { formatSize, renderTable } from "./_build_table.ts";

/** One build variant and its figures. */
export interface Variant {
  /** Name in the table: `hello-world`, `none`, `minify+bytecode`, ... */
  name: string;
  /** Binary size in bytes. */
  size: number;
  /** `--version` (hello-world: its only output) time in ms. */
  version: Timing;
  /** `get` time in ms (null for hello-world, which has no `get`). */
  get: Timing | null;
}

/** Summary of repeated runs, in milliseconds. */
export interface Timing {
  /** Arithmetic mean. */
  mean: number;
  /** Standard deviation. */
  stddev: number;
  /** Median. */
  median: number;
  /** Fastest run. */
  min: number;
  /** Mean CPU time (user + system) per run, when the timer reports it (hyperfine does). */
  cpu?: number;
}

/** The flag combinations measured, in table order. */
export const FLAG_VARIANTS: ReadonlyArray<{ name: string; flags: BuildFlags }> = [
  { name: "none", flags: { minify: false, bytecode: false, sourcemap: false } },
  { name: "minify", flags: { minify: true, bytecode: false, sourcemap: false } },
  { name: "bytecode", flags: { minify: false, bytecode: true, sourcemap: false } },
  { name: "sourcemap", flags: { minify: false, bytecode: false, sourcemap: true } },
  { name: "minify+bytecode", flags: { minify: true, bytecode: true, sourcemap: false } },
  { name: "minify+sourcemap", flags: { minify: true, bytecode: false, sourcemap: true } },
  { name: "minify+bytecode+sourcemap", flags: { minify: true, bytecode: true, sourcemap: true } },
];

/** Rounds over all commands, and runs per command in each (after 2 warm-up runs). */
const ROUNDS = 4;
const RUNS_PER_ROUND = 15;

/**
 * Builds every variant into `scratch`, measures them, returns the figures.
 * `defines` stamp the same version the release binaries get.
 */
export function measureFlags(
  entry: string,
  scratch: string,
  defines: Record<string, string>,
  log: (line: string) => void,
): { variants: Variant[]; tool: string } {
  const bin = join(scratch, "variants");
  const home = join(scratch, "measure-home");
  for (const d of [bin, home, join(home, "work")]) mkdirSync(d, { recursive: true });
  const hello = join(scratch, "hello.ts");
  writeFileSync(hello, 'console.log("hello world");\n');
  const noFlags = { minify: false, bytecode: false, sourcemap: false };
  const builds = [
    { name: "hello-world", entry: hello, flags: noFlags },
    ...FLAG_VARIANTS.map((v) => ({ ...v, entry })),
  ];
  for (const b of builds) {
    log(`  building ${b.name}`);
    compile({
      entry: b.entry,
      outfile: join(bin, b.name),
      bunTarget: "bun",
      flags: b.flags,
      defines,
    });
  }
  const env = measureEnv(home);
  const cwd = join(home, "work");
  // One key for every variant's `get` to find (they share the temp home).
  spawnSync(join(bin, "none"), ["--app", "bench", "set", "bench.key", "value"], { env, cwd });
  const commands = builds.flatMap((b) => [
    { name: `${b.name} --version`, argv: [join(bin, b.name), "--version"] },
    ...(b.name === "hello-world" ? [] : [{
      name: `${b.name} get`,
      argv: [join(bin, b.name), "--app", "bench", "get", "bench.key"],
    }]),
  ]);
  const hyperfine = findOnPath("hyperfine");
  if (hyperfine === null) {
    log("  note: hyperfine not installed (apt-get install hyperfine); using an internal timer");
  }
  const timings = hyperfine === null
    ? timeInternally(commands, env, cwd)
    : timeWithHyperfine(hyperfine, commands, env, cwd, scratch);
  const variants = builds.map((b) => ({
    name: b.name,
    size: statSync(join(bin, b.name)).size,
    version: timings.get(`${b.name} --version`)!,
    get: timings.get(`${b.name} get`) ?? null,
  }));
  return {
    variants,
    tool: hyperfine === null
      ? `internal timer, ${ROUNDS}x${RUNS_PER_ROUND} runs`
      : `hyperfine -N, ${ROUNDS} rounds x ${RUNS_PER_ROUND} runs`,
  };
}

/**
 * The measurement as a table: size, and for each command the median wall
 * time, the fastest run, the median above hello-world's (the floor any
 * Bun-compiled program pays) and, when known, the mean CPU time. Medians,
 * minima and CPU time rather than means: other work on a shared machine
 * adds long outliers to wall time.
 *
 * @example
 * ```ts
 * import { measureTable } from "./_build_measure.ts";
 * const t = { mean: 31, stddev: 1, median: 30, min: 29, cpu: 12 };
 * const text = measureTable([{ name: "hello-world", size: 1e8, version: t, get: null }]);
 * console.assert(text.includes("| hello-world | 100.0 MB | 30.0 (min 29.0, +0.0; CPU 12.0)"));
 * ```
 */
export function measureTable(variants: readonly Variant[]): string {
  const floor = variants.find((v) => v.name === "hello-world")?.version.median ?? null;
  const cell = (t: Timing | null) => {
    if (t === null) return "-";
    const over = floor === null ? "" : `, +${(t.median - floor).toFixed(1)}`;
    const cpu = t.cpu === undefined ? "" : `; CPU ${t.cpu.toFixed(1)}`;
    return `${t.median.toFixed(1)} (min ${t.min.toFixed(1)}${over}${cpu})`;
  };
  return renderTable(
    [
      "build",
      "size",
      "--version ms: median (min, + over hello; CPU)",
      "get ms: median (min, + over hello; CPU)",
    ],
    variants.map((v) => [v.name, formatSize(v.size), cell(v.version), cell(v.get)]),
  );
}

function measureEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_STATE_HOME: join(home, "state"),
    XDG_CONFIG_DIRS: join(home, "etc-xdg"),
    XDG_DATA_DIRS: join(home, "share"),
  };
}

interface Command {
  name: string;
  argv: string[];
}

function timeWithHyperfine(
  hyperfine: string,
  commands: Command[],
  env: Record<string, string>,
  cwd: string,
  scratch: string,
): Map<string, Timing> {
  const samples = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  const cpu = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  // Several short rounds over all commands, so a burst of load from other
  // work on this shared machine spreads over every variant, not just one.
  for (let round = 0; round < ROUNDS; round++) {
    const json = join(scratch, `hyperfine-${round}.json`);
    const args = ["-N", "--warmup", "2", "--runs", String(RUNS_PER_ROUND), "--style", "none"];
    args.push("--export-json", json);
    for (const c of commands) args.push("-n", c.name, c.argv.join(" "));
    const r = spawnSync(hyperfine, args, { env, cwd, encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`hyperfine failed (exit ${r.status}): ${r.stderr.trim()}`);
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      results: Array<{ command: string; times: number[]; user: number; system: number }>;
    };
    for (const x of report.results) {
      samples.get(x.command)!.push(...x.times.map((t) => t * 1000));
      cpu.get(x.command)!.push((x.user + x.system) * 1000);
    }
  }
  // CPU time suffers far less than wall time when other work shares the cores.
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return new Map(
    [...samples].map(([name, times]) => [name, { ...summarize(times), cpu: mean(cpu.get(name)!) }]),
  );
}

function timeInternally(
  commands: Command[],
  env: Record<string, string>,
  cwd: string,
): Map<string, Timing> {
  const samples = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of commands) {
      for (let i = 0; i < RUNS_PER_ROUND + 2; i++) {
        const start = performance.now();
        spawnSync(c.argv[0], c.argv.slice(1), { env, cwd, stdio: "ignore" });
        if (i >= 2) samples.get(c.name)!.push(performance.now() - start);
      }
    }
  }
  return new Map([...samples].map(([name, times]) => [name, summarize(times)]));
}

/**
 * Mean, standard deviation, median and minimum of some samples.
 *
 * @example
 * ```ts
 * import { summarize } from "./_build_measure.ts";
 * console.assert(summarize([1, 2, 3, 10]).median === 2.5);
 * ```
 */
export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const stddev = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { mean, stddev, median, min: sorted[0] };
}
