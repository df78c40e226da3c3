/**
 * Builds what the npm package ships, for Node 20+ (and for Bun and Deno
 * through npm): compiled JavaScript and `.d.ts` files.
 *
 *     bun scripts/build-package.ts               # into dist/npm/
 *     bun scripts/build-package.ts --out DIR     # into DIR (emptied first)
 *
 * Output: `mod.js` (the library, one ES module), `cli/main.js` (the
 * `strata` command, with a `#!/usr/bin/env node` line; each command in a
 * chunk of its own, loaded when used), `types/` (declarations of
 * `src/`, relative imports ending in `.js`) and `strata.1` (the man
 * page, from the same texts as `--help`).
 * `npm pack` runs it first (the `prepack` script). See docs/release.md.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { bunPath, REPO_ROOT } from "./_build_compile.ts";
import { rewriteTsSpecifiers } from "./_package_types.ts";
import { renderManPage } from "../src/cli/_man.ts";

/** Where the output goes: `--out DIR`, else `dist/npm`. */
function outDir(argv: string[]): string {
  const at = argv.indexOf("--out");
  if (at !== -1 && argv[at + 1] !== undefined) return resolve(argv[at + 1]);
  return join(REPO_ROOT, "dist", "npm");
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.error !== undefined) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}):\n${(r.stderr + r.stdout).trim()}`);
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function buildJs(out: string): void {
  const common = ["build", "--target=node", "--format=esm"];
  run(
    bunPath(),
    [...common, "src/mod.ts", `--outfile=${join(out, "mod.js")}`],
    "bun build (library)",
  );
  const cli = join(out, "cli");
  run(bunPath(), [...common, "--splitting", "main.ts", `--outdir=${cli}`], "bun build (command)");
  const main = join(cli, "main.js");
  writeFileSync(main, "#!/usr/bin/env node\n" + readFileSync(main, "utf8"));
  chmodSync(main, 0o755);
}

function buildTypes(out: string): void {
  const types = join(out, "types");
  const tsc = join(REPO_ROOT, "node_modules", ".bin", "tsc");
  // The text import of strata's own defaults needs a module type; nothing public uses it.
  const ambient = join(out, "_text_modules.d.ts");
  writeFileSync(
    ambient,
    'declare module "*.toml" {\n  const text: string;\n  export default text;\n}\n',
  );
  run(tsc, [
    "src/mod.ts",
    ambient,
    "--declaration",
    "--emitDeclarationOnly",
    "--outDir",
    types,
    "--rootDir",
    "src",
    "--strict",
    "--target",
    "es2022",
    "--module",
    "esnext",
    "--moduleResolution",
    "bundler",
    "--allowImportingTsExtensions",
    "--resolveJsonModule",
    "--types",
    "node",
    "--skipLibCheck",
  ], "tsc (declarations)");
  rmSync(ambient);
  for (const file of filesUnder(types)) {
    writeFileSync(file, rewriteTsSpecifiers(readFileSync(file, "utf8")));
  }
}

if (import.meta.main) {
  const out = outDir(process.argv.slice(2));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  buildJs(out);
  buildTypes(out);
  writeFileSync(join(out, "strata.1"), await renderManPage());
  console.log(`built ${out}`);
}
