/**
 * Times `bench/cli.sh`'s commands interleaved: every round runs each command
 * once, in the same order, so a burst of load from other processes falls on
 * neighbours alike and ratios taken within a round (paired runs) stay
 * meaningful on a busy machine. Per run it records the wall time and the CPU
 * time (user + system, from the child's resource usage); then a few runs of
 * each under `/usr/bin/time` give the peak memory (the parent's own memory
 * would leak into a spawned child's maximum resident size otherwise).
 *
 * Runs under Bun only (`Bun.spawnSync` reports a child's resource usage).
 *
 * Usage: bun bench/_cli_run.ts CASES.json RUNS RESULTS.json
 *
 * @module
 */

import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/** One timed command. */
export interface Case {
  /** Its name in the report (`floor`, `get`, `set-20000`, ...). */
  name: string;
  /** The program and its arguments (run without a shell). */
  cmd: string[];
  /** Copied before every run, untimed (`[from, to]`): a `set` always writes a fresh file. */
  copy?: [string, string];
  /** The exit code it must give (default 0). */
  exit?: number;
}

/** The measurements of one case: one entry per round. */
export interface Measured {
  /** The case's name. */
  name: string;
  /** Wall time per round, ms. */
  wall: number[];
  /** CPU time (user + system) per round, ms. */
  cpu: number[];
  /** Peak resident memory per memory run, KiB. */
  rssKiB: number[];
}

interface SpawnResult {
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  resourceUsage?: { cpuTime: { user: bigint | number; system: bigint | number } };
}

interface BunSpawn {
  spawnSync(cmd: string[], options: { stdout: "pipe"; stderr: "pipe" }): SpawnResult;
}

function bun(): BunSpawn {
  const b = (globalThis as { Bun?: BunSpawn }).Bun;
  if (!b) throw new Error("bench/_cli_run.ts runs under Bun (it reads a child's CPU time)");
  return b;
}

function once(c: Case, cmd = c.cmd): SpawnResult & { wall: number } {
  if (c.copy) copyFileSync(c.copy[0], c.copy[1]);
  const started = performance.now();
  const r = bun().spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  const wall = performance.now() - started;
  if (r.exitCode !== (c.exit ?? 0)) {
    throw new Error(
      `${c.name}: ${cmd.join(" ")} exited ${r.exitCode}:\n${new TextDecoder().decode(r.stderr)}`,
    );
  }
  return { ...r, wall };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `warmup` untimed rounds, then `runs` timed rounds, then the memory runs. */
export function measure(cases: Case[], runs: number, warmup = 2, memRuns = 5): Measured[] {
  const out = cases.map((c) => ({ name: c.name, wall: [], cpu: [], rssKiB: [] } as Measured));
  for (let round = 0; round < warmup + runs; round++) {
    cases.forEach((c, i) => {
      const r = once(c);
      if (round < warmup) return;
      const usage = r.resourceUsage?.cpuTime;
      out[i].wall.push(r.wall);
      // Microseconds.
      if (usage) out[i].cpu.push((Number(usage.user) + Number(usage.system)) / 1000);
    });
  }
  if (existsSync("/usr/bin/time")) {
    for (let round = 0; round < memRuns; round++) {
      cases.forEach((c, i) => {
        const r = once(c, ["/usr/bin/time", "-f", "%M", ...c.cmd]);
        const lines = new TextDecoder().decode(r.stderr).trim().split("\n");
        out[i].rssKiB.push(Number(lines[lines.length - 1]));
      });
    }
  }
  return out;
}

if (import.meta.main) {
  const [casesFile, runs, resultsFile] = process.argv.slice(2);
  const cases = JSON.parse(readFileSync(casesFile, "utf8")) as Case[];
  const results = measure(cases, Number(runs));
  writeFileSync(resultsFile, JSON.stringify({ results }, null, 1) + "\n");
  for (const r of results) {
    console.error(
      `  ${r.name.padEnd(18)} wall ${median(r.wall).toFixed(1)} ms, cpu ${
        median(r.cpu).toFixed(1)
      } ms, peak ${(median(r.rssKiB) / 1024).toFixed(1)} MiB`,
    );
  }
}
