/**
 * `strata --version` / `strata version`.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { buildInfo, versionText } from "../version.ts";

/** `strata version --help`. */
export const help = `Usage: strata --version
       strata version [--json]

Print strata's version, and the git commit (and target of a release binary)
it was built from, e.g. "strata 0.1.0 (a1b2c3d, linux-x64)".

Options:
  --json   print {"version": ..., "commit": ..., "target": ...} (null when unknown)

Examples:
  strata --version
  strata version --json
`;

/** The flags of `version`. */
export const options = { json: { type: "boolean" } } as const;

/** Runs `strata --version`. */
export function run(context: CommandContext): number {
  expectPositionals(context.positionals, "version", []);
  context.out(context.flags.json ? `${JSON.stringify(buildInfo())}\n` : `${versionText()}\n`);
  return 0;
}
