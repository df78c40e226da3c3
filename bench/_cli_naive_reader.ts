/**
 * The naive reader `bench/cli.sh` measures `get` against: read one file,
 * parse it with an npm TOML package, print one value. No layers, no
 * provenance, no schema: the floor of "reading a configuration value".
 *
 * The parser is passed in: the benchmark's entry (written into `.bench/` by
 * `bench/_cli_build.ts`) imports it from the bench-only `.bench/node_modules`,
 * so strata itself never depends on it.
 *
 * @module
 */

import { readFileSync } from "node:fs";

/** A TOML parser: text in, a table out. */
export type ParseToml = (text: string) => Record<string, unknown>;

/**
 * `naive-get FILE KEY`: prints the value at the dotted KEY (plain keys
 * only), exit 1 when it is absent.
 */
export function naiveGet(argv: string[], parse: ParseToml): number {
  const [file, key] = argv;
  let value: unknown = parse(readFileSync(file, "utf8"));
  for (const part of key.split(".")) {
    value = value !== null && typeof value === "object"
      ? (value as Record<string, unknown>)[part]
      : undefined;
  }
  if (value === undefined) return 1;
  console.log(typeof value === "string" ? value : JSON.stringify(value));
  return 0;
}
