/**
 * The `strata` binary's entry: argv in, exit code out, nothing else (see
 * `src/cli/main.ts`).
 *
 * @module
 */

import { runCli } from "./src/cli/main.ts";

process.exitCode = await runCli(process.argv.slice(2));
