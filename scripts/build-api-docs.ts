/**
 * Builds the API documentation: `deno doc --lint` over the entry points
 * (deno.json `exports`; the npm package compiles the same module) must be
 * clean, then `deno doc --html` writes the pages.
 *
 *     bun scripts/build-api-docs.ts              # into docs/api/ (not committed)
 *     bun scripts/build-api-docs.ts --out DIR    # into DIR
 *     bun scripts/build-api-docs.ts --lint       # only the check
 *     bun scripts/build-api-docs.ts --root DIR   # another project's deno.json
 *
 * Exit 0 when done, 1 when the documentation has lint errors (they are
 * printed; fix them in the source: JSDoc, explicit types, export the types
 * the public API names), 2 on a wrong argument.
 *
 * @module
 */

import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./_build_compile.ts";
import { docArgs, entryPointsOf, lintErrorCount, runDeno } from "./_api_docs.ts";

/** The value after `flag`, or undefined. */
function flagValue(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  if (at === -1) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith("--")) {
    console.error(`${flag} needs a folder: bun scripts/build-api-docs.ts ${flag} DIR`);
    process.exit(2);
  }
  return resolve(value);
}

function main(argv: string[]): number {
  const known = new Set(["--out", "--root", "--lint"]);
  const unknown = argv.find((a) => a.startsWith("--") && !known.has(a));
  if (unknown !== undefined) {
    console.error(`unknown option ${unknown}; use --out DIR, --root DIR or --lint`);
    return 2;
  }
  const root = flagValue(argv, "--root") ?? REPO_ROOT;
  const out = flagValue(argv, "--out") ?? join(root, "docs", "api");
  const deno = join(REPO_ROOT, "node_modules", ".bin", "deno");
  const entries = entryPointsOf(root);

  const lint = runDeno(deno, root, docArgs("lint", entries));
  const errors = lintErrorCount(lint.output);
  if (lint.status !== 0 || errors > 0) {
    console.error(lint.output.trim());
    console.error(
      `deno doc --lint: ${errors} documentation lint error${errors === 1 ? "" : "s"} in ${
        entries.join(", ")
      }; document the symbols named above (JSDoc, explicit types, exported types)`,
    );
    return 1;
  }
  console.log(`deno doc --lint: clean (${entries.join(", ")})`);
  if (argv.includes("--lint")) return 0;

  rmSync(out, { recursive: true, force: true });
  const html = runDeno(deno, root, docArgs("html", entries, out));
  if (html.status !== 0) {
    console.error(html.output.trim());
    console.error(`deno doc --html failed (exit ${html.status})`);
    return 1;
  }
  console.log(`API docs: ${join(out, "index.html")}`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
