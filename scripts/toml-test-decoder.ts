/**
 * toml-test decoder: TOML on stdin, tagged JSON on stdout (exit 0), or the
 * error on stderr and exit 1 for invalid TOML. Reads TOML 1.1.0; with
 * `--toml 1.0`, strictly TOML 1.0.0 (exit 2 for an unknown argument).
 * Run: `bun scripts/toml-test-decoder.ts [--toml 1.0]` or
 * `deno run -A scripts/toml-test-decoder.ts [--toml 1.0]`.
 *
 * @module
 */

import * as fs from "node:fs";
import process from "node:process";
import { decodeToTaggedJson, versionFromArgs } from "./_toml_test_tagged.ts";

function main(): number {
  let version;
  try {
    version = versionFromArgs(process.argv.slice(2), "toml-test-decoder.ts");
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const bytes = new Uint8Array(fs.readFileSync(0));
  try {
    process.stdout.write(decodeToTaggedJson(bytes, version) + "\n");
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
