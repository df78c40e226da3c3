/**
 * The floor of "every layer looked up": the part of a `get` that is file
 * system work, done with strata's own code and nothing else. It lays out
 * the platform as strata does (`config/options.ts`), lists every path the
 * application's layer files may be at (`platform/locate.ts`
 * `candidateFiles`: the project walk up to the root, user, shared, system,
 * defaults, schema) and stats and reads them ahead with Bun's asynchronous
 * calls (`runtime/fs.ts` `prefetchFiles`), as `get` does; no parse, no
 * layers, no printing of a value. `bench/cli.sh` times it beside the
 * hello-world, so the report shows how much of a `get` the look-ups alone
 * take on this machine.
 *
 * @module
 */

import { candidateFiles } from "../src/platform/locate.ts";
import { settleOptions } from "../src/config/options.ts";
import { prefetchFiles } from "../src/runtime/fs.ts";

/** `lookups APP`: looks up APP's layer files; prints how many paths hold a file. */
export async function lookups(argv: string[]): Promise<number> {
  const { ctx, app } = settleOptions({ app: argv[0], env: process.env });
  const found = await prefetchFiles(candidateFiles(ctx, app!));
  let files = 0;
  for (const entry of found.values()) if (entry.info?.kind === "file") files++;
  console.log(`${files} of ${found.size} paths hold a file`);
  return 0;
}
