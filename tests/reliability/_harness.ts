// Moved to tests/_support/; this path stays as a re-export for tests not yet switched.
import * as path from "node:path";
import { makeSandbox, type Sandbox, scriptCommand as runScriptFile } from "../_support/mod.ts";

export {
  cli,
  cliCommand,
  cliSync,
  fileModeStateDir,
  type Finished,
  isDeno,
  leftovers,
  MAIN,
  noStack,
  now,
  type Proc,
  PYTHON_WRITER,
  pythonHasToml,
  pythonVersion,
  type Random,
  random,
  REPO,
  report,
  scaled,
  SHELL_WRITER,
  sized,
  sleep,
  snapshot,
  soak,
  soakBudgetMs,
  STALE_LOCK_MS,
  start,
  type StartOptions,
  tryParseToml,
} from "../_support/mod.ts";
export type { Sandbox };

/** A sandbox under `base` (default: the system temp folder). */
export function sandbox(base?: string): Sandbox {
  return makeSandbox({ base });
}

/** Runs a TypeScript script of tests/reliability/ (a name relative to it) under this runtime. */
export function scriptCommand(script: string, args: string[]): [string, string[]] {
  return runScriptFile(path.resolve(import.meta.dirname!, script), args);
}
