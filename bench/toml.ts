/**
 * TOML speed: strata's parser and serializer beside the most used TOML
 * packages from npm, on the same generated ~1 MB config, in the same run.
 *
 * Run: `bun bench/toml.ts` or `deno run -A bench/toml.ts` (from the repo root).
 * The npm packages are bench-only: they live in bench/node_modules (git-ignored)
 * and are installed on first run (see `PACKAGES`).
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parse } from "../src/toml/parse.ts";
import { stringify } from "../src/toml/stringify.ts";
import type { TomlTable } from "../src/toml/parse.ts";
import { mulberry32 as prng } from "../scripts/_mulberry32.ts";

const benchDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * The most used TOML packages on npm, pinned. Bench-only: installed into the
 * git-ignored bench/node_modules, never imported by strata's own code. They
 * are listed here rather than in a bench/package.json because a package.json
 * below the root makes `deno fmt bench/x.ts` ignore the root deno.json.
 */
const PACKAGES: Record<string, string> = {
  "smol-toml": "1.9.1",
  "@iarna/toml": "3.0.0",
  "toml": "5.0.1",
  "@ltd/j-toml": "1.38.0",
};

/** Installs the bench-only packages when they are missing. */
function ensurePackages(): void {
  const installed = (name: string): string | undefined => {
    const file = path.join(benchDir, "node_modules", name, "package.json");
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")).version : undefined;
  };
  const missing = Object.entries(PACKAGES).filter(([name, version]) => installed(name) !== version)
    .map(([name, version]) => `${name}@${version}`);
  if (missing.length === 0) return;
  console.error(`installing bench-only packages into bench/node_modules: ${missing.join(", ")}`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(
    npm,
    [
      "install",
      "--prefix",
      benchDir,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      ...missing,
    ],
    { stdio: "inherit" },
  );
  if (r.status !== 0) throw new Error("npm install for the bench failed");
}

/** A realistic config of about `targetBytes`: tables, comments, arrays of tables, dates. */
export function generateConfig(targetBytes: number, seed = 42): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const words = [
    "alpha",
    "bravo",
    "delta",
    "ingest",
    "render",
    "queue",
    "cache",
    "edge",
    "backup",
    "metrics",
    "Zürich",
    "東京",
  ] as const;
  const out: string[] = [
    "# Generated fleet configuration (bench input)",
    "# Every section below is what an operator would keep by hand.",
    "",
    'title = "fleet"',
    "version = 3",
    "debug = false",
    "started = 2024-05-27T07:32:00Z",
    "",
  ];
  let size = 0;
  for (const l of out) size += l.length + 1;
  for (let i = 0; size < targetBytes; i++) {
    const name = `${pick(words)}-${i}`;
    const block: string[] = [
      `# Server ${i}: ${pick(words)} workload`,
      `[servers.${name.replace(/[^A-Za-z0-9_-]/g, "x")}]`,
      `host = "10.${i % 256}.${(i * 7) % 256}.${(i * 13) % 256}"`,
      `port = ${1024 + Math.floor(rnd() * 60000)}`,
      `enabled = ${rnd() < 0.8}`,
      `weight = ${(rnd() * 100).toFixed(3)}`,
      `max_connections = ${Math.floor(rnd() * 1_000_000)}`,
      `tags = [${
        Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => `"${pick(words)}"`).join(", ")
      }]`,
      `ports = [ ${
        Array.from({ length: 3 }, () => 8000 + Math.floor(rnd() * 1000)).join(
          ", ",
        )
      } ]`,
      `limits = { cpu = ${1 + Math.floor(rnd() * 16)}, memory = "${
        Math.floor(rnd() * 64)
      }Gi", burst = ${rnd() < 0.5} }`,
      `data_dir = 'C:\\data\\${name}'`,
      `description = "Serves the ${pick(words)} pipeline for \\"${pick(words)}\\" clients."`,
      `updated = 2024-0${1 + (i % 9)}-1${i % 10}T0${i % 10}:15:30.250+02:00`,
      `maintenance_day = 2024-12-0${1 + (i % 9)}`,
      `window_start = 0${i % 10}:30:00`,
      "",
    ];
    if (i % 5 === 0) {
      block.push(
        `[servers.${name.replace(/[^A-Za-z0-9_-]/g, "x")}.notes]`,
        'motd = """',
        `Welcome to ${name}.`,
        'Mind the maintenance window."""',
        `owner = "${pick(words)}@example.org" # who to call`,
        "",
      );
    }
    if (i % 3 === 0) {
      block.push(
        "[[jobs]]",
        `name = "${pick(words)}-sync-${i}"`,
        `schedule = "*/${1 + (i % 30)} * * * *"`,
        `retries = ${i % 7}`,
        `timeout = ${(rnd() * 10).toFixed(2)}`,
        `args = ["--verbose", "--shard=${i}", "--mode", "${pick(words)}"]`,
        "",
        "[jobs.env]",
        `RUST_LOG = "info"`,
        `SHARD = "${i}"`,
        "",
      );
    }
    for (const l of block) size += l.length + 1;
    out.push(...block);
  }
  return out.join("\n");
}

interface Contender {
  name: string;
  parse?: (text: string) => unknown;
  stringify?: (value: unknown) => string;
}

function contenders(): Contender[] {
  const require = createRequire(path.join(benchDir, "toml.ts"));
  const version = (name: string): string =>
    JSON.parse(
      fs.readFileSync(
        path.join(benchDir, "node_modules", name, "package.json"),
        "utf8",
      ),
    )
      .version;
  // deno-lint-ignore no-explicit-any
  const smol = require("smol-toml") as any;
  // deno-lint-ignore no-explicit-any
  const iarna = require("@iarna/toml") as any;
  // deno-lint-ignore no-explicit-any
  const toml = require("toml") as any;
  // deno-lint-ignore no-explicit-any
  const jtoml = require("@ltd/j-toml") as any;
  return [
    {
      name: "strata",
      parse: (t) => parse(t),
      stringify: (v) => stringify(v as TomlTable),
    },
    {
      name: `smol-toml ${version("smol-toml")}`,
      parse: (t) => smol.parse(t),
      stringify: (v) => smol.stringify(v),
    },
    {
      name: `@iarna/toml ${version("@iarna/toml")}`,
      parse: (t) => iarna.parse(t),
      stringify: (v) => iarna.stringify(v),
    },
    { name: `toml ${version("toml")}`, parse: (t) => toml.parse(t) },
    {
      name: `@ltd/j-toml ${version("@ltd/j-toml")}`,
      parse: (t) => jtoml.parse(t, 1.0, "\n"),
      stringify: (v) => jtoml.stringify(v, { newline: "\n" }),
    },
  ];
}

/** CPU milliseconds (user + system) of one call: steadier than wall time on a busy machine. */
function cpuTime(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * Median CPU milliseconds of each job. Jobs run round-robin (one call of each
 * per round, after warm-up) so a burst of load elsewhere hits every
 * contender alike; rounds stop at `rounds` or when the time budget is spent.
 */
function timeRoundRobin(
  jobs: (() => void)[],
  rounds = 21,
  budgetMs = 20000,
): number[] {
  for (let w = 0; w < 3; w++) for (const job of jobs) job();
  const samples: number[][] = jobs.map(() => []);
  const until = performance.now() + budgetMs;
  for (let r = 0; r < rounds && (r < 5 || performance.now() < until); r++) {
    jobs.forEach((job, k) => samples[k].push(cpuTime(job)));
  }
  return samples.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
}

function main(): void {
  ensurePackages();
  const text = generateConfig(1_000_000);
  const mb = new TextEncoder().encode(text).length / 1e6;
  const runtime = "Deno" in globalThis
    ? `deno ${
      (globalThis as unknown as { Deno: { version: { deno: string } } }).Deno
        .version.deno
    }`
    : `bun ${process.versions.bun}`;
  console.log(
    `TOML bench on ${runtime}: ${mb.toFixed(2)} MB config, ${text.split("\n").length} lines`,
  );
  console.log(
    "(MB/s of the config's size over CPU time; median of round-robin runs after warm-up)\n",
  );
  const all = contenders();
  const rows: { name: string; parse?: number; stringify?: number }[] = all.map((
    c,
  ) => ({
    name: c.name,
  }));
  // Check every contender once, keeping what each parsed as its stringify input.
  const parsedBy: unknown[] = all.map((c, k) => {
    if (!c.parse) return undefined;
    try {
      return c.parse(text);
    } catch (e) {
      console.log(
        `${c.name}: parse failed: ${(e as Error).message.split("\n")[0]}`,
      );
      rows[k].name += " (failed)";
      return undefined;
    }
  });
  const parsers = all.map((c, k) => ({ c, k })).filter(({ k }) => parsedBy[k] !== undefined);
  const parseMs = timeRoundRobin(parsers.map(({ c }) => () => c.parse!(text)));
  parsers.forEach(({ k }, i) => rows[k].parse = mb / (parseMs[i] / 1000));
  const writers = parsers.filter(({ c, k }) => {
    if (!c.stringify) return false;
    try {
      c.stringify(parsedBy[k]);
      return true;
    } catch (e) {
      console.log(
        `${c.name}: stringify failed: ${(e as Error).message.split("\n")[0]}`,
      );
      return false;
    }
  });
  // Reading the result's middle character makes every runtime build the whole
  // string now (no contender gets to leave a lazy rope behind).
  const writeMs = timeRoundRobin(writers.map(({ c, k }) => () => {
    const out = c.stringify!(parsedBy[k]);
    if (out.charCodeAt(out.length >> 1) < 0) throw new Error("unreachable");
  }));
  writers.forEach(({ k }, i) => rows[k].stringify = mb / (writeMs[i] / 1000));
  const fmt = (n?: number) => (n === undefined ? "-" : n.toFixed(1)).padStart(14);
  console.log(
    `${"package".padEnd(22)}${"parse MB/s".padStart(14)}${"stringify MB/s".padStart(16)}`,
  );
  for (const r of rows) {
    console.log(`${r.name.padEnd(22)}${fmt(r.parse)}  ${fmt(r.stringify)}`);
  }
  const others = rows.slice(1);
  const best = (k: "parse" | "stringify") =>
    others.filter((r) => r[k] !== undefined).sort((a, b) => b[k]! - a[k]!)[0];
  for (const k of ["parse", "stringify"] as const) {
    const b = best(k);
    if (b && rows[0][k] !== undefined) {
      console.log(
        `${k}: strata / fastest other (${b.name}) = ${(rows[0][k]! / b[k]!).toFixed(2)}x`,
      );
    }
  }
}

if (import.meta.main) main();
