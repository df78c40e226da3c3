/**
 * toml-test encoder: tagged JSON on stdin, TOML on stdout (exit 0), or the
 * error on stderr and exit 1. What it writes is TOML 1.0.0, which 1.1 readers
 * take too; `--toml 1.0` or `--toml 1.1` checks that it reads back in that
 * version (exit 2 for an unknown argument).
 * Run: `bun scripts/toml-test-encoder.ts [--toml 1.0]` or
 * `deno run -A scripts/toml-test-encoder.ts [--toml 1.0]`.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";
import { encodeFromTaggedJson, versionFromArgs } from "./_toml_test_tagged.ts";

function main(): number {
  let version;
  try {
    version = versionFromArgs(process.argv.slice(2), "toml-test-encoder.ts");
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const json = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(0));
  try {
    process.stdout.write(encodeFromTaggedJson(json, version));
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
