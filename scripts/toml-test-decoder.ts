/**
 * toml-test decoder: TOML on stdin, tagged JSON on stdout (exit 0), or the
 * error on stderr and exit 1 for invalid TOML.
 * Run: `bun scripts/toml-test-decoder.ts` or `deno run -A scripts/toml-test-decoder.ts`.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";
import { decodeToTaggedJson } from "./_toml_test_tagged.ts";

function main(): number {
  const bytes = new Uint8Array(fs.readFileSync(0));
  try {
    process.stdout.write(decodeToTaggedJson(bytes) + "\n");
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
