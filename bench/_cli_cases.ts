/**
 * Lays out `bench/cli.sh`'s private machine (a sandbox for HOME and the XDG
 * folders, which the script exports before calling this) and writes the
 * list of timed commands for `_cli_run.ts`.
 *
 * Applications in the sandbox (every layer is looked up on each command):
 * - `bench`: shipped defaults (a few keys) and a 50-key user file;
 * - `bench-schema`: the same, plus a `schema.json` beside the defaults
 *   describing every key;
 * - `bench-set`, `bench-20000`: user files that `set` rewrites (50 and
 *   20,000 keys), copied back before every run so each run really writes
 *   (the file differs from the one the previous set wrote: its parse cache
 *   does not match);
 * - `bench-20000-again`: 20,000 keys that `set` changes back and forth, as
 *   repeated sets do (each finds the parse cache the previous one wrote);
 * - `bench-sealed`: the 50-key file with five sealed values in it;
 * - `bench-shared`: the `bench` files plus a 50-key shared-layer snapshot
 *   (`shared.toml` beside the user file, as `strata remote sync` writes it).
 *
 * Usage: bun bench/_cli_cases.ts BIN_DIR DATA_DIR CASES.json [with-base]
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchFiles } from "./_cli_files.ts";
import type { Case } from "./_cli_run.ts";

/** A JSON Schema describing every key of {@link benchFiles}' `count` keys. */
export function benchSchema(count: number): string {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < Math.ceil(count / 10); i++) {
    const table: Record<string, unknown> = {};
    for (let j = 0; j < 10 && i * 10 + j < count; j++) {
      table[`k${j}`] = { type: j % 3 === 0 ? "string" : j % 3 === 1 ? "integer" : "boolean" };
    }
    properties[`s${i}`] = { type: "object", properties: table, additionalProperties: false };
  }
  return JSON.stringify({ type: "object", properties }, null, 2) + "\n";
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (bench/cli.sh sets it to the sandbox)`);
  return value;
}

/** `s1 = "enc:v1:..."` lines: sealed values a plain get must pass by. */
function sealedLines(count: number): string {
  const sealed =
    "enc:v1:hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmqnC2pgmibtHW77nzasZx2Mx5SSqCa1GD" +
    "yTzZ5MFyGo3bIXRmPz";
  return Array.from({ length: count }, (_, i) => `s${i + 1} = "${sealed}"\n`).join("");
}

/** A shared-layer snapshot of `count` keys, with the header `strata remote sync` writes. */
function sharedSnapshot(count: number): string {
  const header = [
    "# The shared layer, copied from the server by strata; edits here are replaced at the next sync.",
    "# Change a value with: strata set --shared KEY VALUE",
    '# source = "postgres://db.example.com:5432/strata"',
    '# scope = "team"',
    "# revision = 42",
    "# time = 2026-12-01T00:00:00.000Z",
    "",
  ].join("\n");
  return header + benchFiles(count).toml.replaceAll("[s", "[team");
}

/** Writes the sandbox's files and returns the cases. */
export function layOut(bin: string, data: string, withBase: boolean): Case[] {
  const config = env("XDG_CONFIG_HOME");
  const share = env("XDG_DATA_DIRS").split(":")[0];
  const state = env("XDG_STATE_HOME");
  mkdirSync(data, { recursive: true });
  const small = benchFiles(50);
  const big = benchFiles(20000);
  const file = (p: string, text: string) => {
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, text);
  };
  const keys50 = join(data, "keys-50.toml");
  const keys20k = join(data, "keys-20000.toml");
  file(keys50, small.toml);
  file(keys20k, big.toml);
  const defaults = `# shipped defaults\n[s0]\nk0 = "default"\n\n[extra]\nname = "bench"\n`;
  for (const app of ["bench", "bench-schema"]) {
    file(join(share, app, "defaults.toml"), defaults);
    file(join(config, app, "config.toml"), small.toml);
  }
  file(join(share, "bench-schema", "schema.json"), benchSchema(50));
  // The same file with sealed values in it: a get of a plain key must open none (and load no
  // cryptography). The sealed text is PROTOCOL.md's first test vector: well-formed, never opened.
  file(join(share, "bench-sealed", "defaults.toml"), defaults);
  file(join(config, "bench-sealed", "config.toml"), `${small.toml}\n[sealed]\n${sealedLines(5)}`);
  // Every layer of `bench`, and a shared-layer snapshot of 50 keys beside the user file.
  file(join(share, "bench-shared", "defaults.toml"), defaults);
  file(join(config, "bench-shared", "config.toml"), small.toml);
  file(join(config, "bench-shared", "shared.toml"), sharedSnapshot(50));
  mkdirSync(join(state, "naive"), { recursive: true });

  const strata = (cmd: string[]) => [join(bin, "strata"), ...cmd];
  const key = small.lastKey;
  const cases: Case[] = [
    { name: "floor", cmd: [join(bin, "hello")] },
    { name: "naive-get", cmd: [join(bin, "naive-get"), keys50, key] },
    { name: "get", cmd: strata(["--app", "bench", "get", key]) },
    { name: "get-schema", cmd: strata(["--app", "bench-schema", "get", key]) },
    { name: "get-sealed", cmd: strata(["--app", "bench-sealed", "get", key]) },
    { name: "get-shared", cmd: strata(["--app", "bench-shared", "get", key]) },
    { name: "lookups", cmd: [join(bin, "lookups"), "bench"] },
    { name: "list", cmd: strata(["--app", "bench", "list"]) },
    { name: "explain", cmd: strata(["--app", "bench", "explain", key]) },
    {
      name: "naive-set",
      cmd: [
        join(bin, "naive-set"),
        join(data, "naive-50.toml"),
        join(state, "naive"),
        key,
        "changed",
      ],
      copy: [keys50, join(data, "naive-50.toml")],
    },
    {
      name: "set",
      cmd: strata(["--app", "bench-set", "set", key, "changed"]),
      copy: [keys50, join(config, "bench-set", "config.toml")],
    },
    {
      name: "set-20000",
      cmd: strata(["--app", "bench-20000", "set", big.lastKey, "changed"]),
      copy: [keys20k, join(config, "bench-20000", "config.toml")],
    },
    // Repeated sets on a file nobody else changed: each run finds the parse cache the previous
    // one wrote (a and b alternate, so every run really writes).
    ...["a", "b"].map((value): Case => ({
      name: `set-20000-again-${value}`,
      cmd: strata(["--app", "bench-20000-again", "set", big.lastKey, value]),
    })),
  ];
  file(join(config, "bench-20000-again", "config.toml"), big.toml);
  mkdirSync(join(config, "bench-set"), { recursive: true });
  mkdirSync(join(config, "bench-20000"), { recursive: true });
  if (!withBase) return cases;
  // The same strata commands on the base build (before/after in one run).
  const base = cases.filter((c) => c.cmd[0] === join(bin, "strata")).map((c) => ({
    ...c,
    name: `base:${c.name}`,
    cmd: [join(bin, "base"), ...c.cmd.slice(1)],
  }));
  return [...cases, ...base];
}

if (import.meta.main) {
  const [bin, data, casesFile, withBase] = process.argv.slice(2);
  writeFileSync(casesFile, JSON.stringify(layOut(bin, data, withBase === "with-base"), null, 1));
}
