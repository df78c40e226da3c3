/**
 * toml-test encoder: tagged JSON on stdin, TOML on stdout (exit 0), or the
 * error on stderr and exit 1.
 * Run: `bun scripts/toml-test-encoder.ts` or `deno run -A scripts/toml-test-encoder.ts`.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";
import { encodeFromTaggedJson } from "./_toml_test_tagged.ts";

function main(): number {
  const json = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(0));
  try {
    process.stdout.write(encodeFromTaggedJson(json));
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
