/**
 * Where the repository is, which runtime runs the tests, and the command
 * lines that run the CLI and other TypeScript scripts from source under it:
 * `bun --no-env-file main.ts` under Bun, `deno run -A main.ts` under Deno.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** The repository root. */
export const REPO = path.resolve(import.meta.dirname!, "../..");

/** `main.ts`, the CLI's entry. */
export const MAIN = path.join(REPO, "main.ts");

/** The Python reference writer. */
export const PYTHON_WRITER = path.join(REPO, "examples/python/strata_writer.py");

/** The POSIX shell reference writer. */
export const SHELL_WRITER = path.join(REPO, "examples/sh/strata_set.sh");

/** True under Deno (the tests also run under Bun). */
export const isDeno = "Deno" in globalThis;

/** The command that runs the CLI from source under the runtime running the tests. */
export function cliCommand(): [string, string[]] {
  return isDeno
    ? [process.execPath, ["run", "-A", "--quiet", "--config", path.join(REPO, "deno.json"), MAIN]]
    : [process.execPath, ["--no-env-file", MAIN]];
}

/** The command that runs the TypeScript file `script` (an absolute path) with `args`. */
export function scriptCommand(script: string, args: string[]): [string, string[]] {
  return isDeno
    ? [process.execPath, ["run", "-A", "--quiet", script, ...args]]
    : [process.execPath, [script, ...args]];
}

/** Whether `tool --version` runs here. */
export function hasTool(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
}

/** The version of `python3`, or undefined when it does not run. */
export function pythonVersion(): [number, number] | undefined {
  const r = spawnSync("python3", [
    "-c",
    "import sys; print(sys.version_info[0], sys.version_info[1])",
  ], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const [major, minor] = r.stdout.trim().split(" ").map(Number);
  return [major, minor];
}

/** True when python3 is 3.11 or newer (tomllib: the Python reference writer can run). */
export function pythonHasToml(): boolean {
  const v = pythonVersion();
  return v !== undefined && (v[0] > 3 || (v[0] === 3 && v[1] >= 11));
}
