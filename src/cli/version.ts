/**
 * `strata --version` / `strata version`.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { versionText } from "../version.ts";

/** `strata version --help`. */
export const help = `Usage: strata --version
       strata version

Print strata's version, and the git commit (and target of a release binary)
it was built from, e.g. "strata 0.1.0 (a1b2c3d, linux-x64)".

Examples:
  strata --version
`;

/** The flags of `version` (none). */
export const options = {} as const;

/** Runs `strata --version`. */
export function run(context: CommandContext): number {
  expectPositionals(context.positionals, "version", []);
  context.out(`${versionText()}\n`);
  return 0;
}
