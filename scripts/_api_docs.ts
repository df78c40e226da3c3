/**
 * The pieces of `scripts/build-api-docs.ts`: which modules the API is (the
 * `exports` of deno.json, the same module the npm package compiles), the
 * `deno doc` arguments, and reading what `deno doc --lint` says.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The `exports` field of a deno.json: one module, or a map of subpath to module. */
export interface DenoJsonExports {
  /** One module (`"./src/mod.ts"`) or a map (`{ ".": "./src/mod.ts" }`). */
  exports?: string | Record<string, string>;
}

/**
 * The API's entry points: the modules named by deno.json `exports`, in order,
 * without repeats.
 *
 * @example
 * ```ts
 * import { entryPoints } from "./_api_docs.ts";
 * console.assert(entryPoints({ exports: "./src/mod.ts" })[0] === "./src/mod.ts");
 * ```
 */
export function entryPoints(denoJson: DenoJsonExports): string[] {
  const exports = denoJson.exports;
  if (exports === undefined) {
    throw new Error("deno.json has no `exports`: no entry point to document");
  }
  const modules = typeof exports === "string" ? [exports] : Object.values(exports);
  return [...new Set(modules)];
}

/** The entry points of the project at `root` (its deno.json). */
export function entryPointsOf(root: string): string[] {
  return entryPoints(JSON.parse(readFileSync(join(root, "deno.json"), "utf8")) as DenoJsonExports);
}

/**
 * The `deno doc` arguments: `lint` checks the documentation, `html` writes
 * the pages into `out`.
 */
export function docArgs(
  mode: "lint" | "html",
  entries: readonly string[],
  out?: string,
): string[] {
  if (mode === "lint") return ["doc", "--lint", ...entries];
  if (out === undefined) throw new Error("docArgs: html needs an output folder");
  return ["doc", "--html", "--name=strata", `--output=${out}`, ...entries];
}

/**
 * The number of errors `deno doc --lint` reports in its output (`Found 3
 * documentation lint errors.`); 0 when it reports none.
 *
 * @example
 * ```ts
 * import { lintErrorCount } from "./_api_docs.ts";
 * console.assert(lintErrorCount("error: Found 1 documentation lint error.") === 1);
 * console.assert(lintErrorCount("Checked 1 file") === 0);
 * ```
 */
export function lintErrorCount(output: string): number {
  // deno colours its output on a terminal; the count is read without the colours.
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const found = /Found (\d+) documentation lint errors?\./.exec(plain);
  return found === null ? 0 : Number(found[1]);
}

/** What one `deno doc` run did. */
export interface DocRun {
  /** Its exit code (null when it was killed). */
  status: number | null;
  /** stdout and stderr, in that order. */
  output: string;
}

/** Runs `deno` (the project's own, `node_modules/.bin/deno`) with `args` in `root`. */
export function runDeno(denoPath: string, root: string, args: readonly string[]): DocRun {
  const r = spawnSync(denoPath, args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.error !== undefined) throw new Error(`could not run ${denoPath}: ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
