/**
 * Builds the programs `bench/cli.sh` times, all with the release flags
 * (`RELEASE_FLAGS` in scripts/_build_compile.ts), so only the programs differ:
 *
 * - `strata`: this checkout's `main.ts`;
 * - `hello`: a hello-world (the floor: the runtime's own start-up);
 * - `naive-get`: a naive reader (`_cli_naive_reader.ts` with smol-toml);
 * - `naive-set`: a naive writer doing the write protocol's durable steps
 *   (`_cli_naive_writer.ts` with smol-toml);
 * - `lookups`: strata's own file look-ups of a `get` and nothing else
 *   (`_cli_lookups.ts`): what the file system part of a `get` costs;
 * - `base` (when a git revision is given): strata as of that revision,
 *   built with that revision's release flags, for before/after figures in
 *   one run.
 *
 * smol-toml is bench-only: installed into `OUT_DIR/node_modules` (git-ignored)
 * on first use, never a dependency of strata.
 *
 * Usage: bun bench/_cli_build.ts OUT_DIR [BASE_REVISION]
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { compile, RELEASE_FLAGS, REPO_ROOT } from "../scripts/_build_compile.ts";

/** The npm TOML package of the naive programs, pinned (as in bench/toml.ts). */
const SMOL_TOML = { name: "smol-toml", version: "1.9.1" };

function run(cmd: string, args: string[], cwd = REPO_ROOT): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${(r.stderr ?? "") + (r.stdout ?? "")}`);
  }
  return r.stdout;
}

function ensureSmolToml(out: string): void {
  const pkg = join(out, "node_modules", SMOL_TOML.name, "package.json");
  if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).version === SMOL_TOML.version) {
    return;
  }
  console.error(`installing bench-only ${SMOL_TOML.name}@${SMOL_TOML.version} into ${out}`);
  run("npm", [
    "install",
    "--prefix",
    out,
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    `${SMOL_TOML.name}@${SMOL_TOML.version}`,
  ]);
}

function build(entry: string, outfile: string): void {
  compile({ entry, outfile, bunTarget: "bun", flags: RELEASE_FLAGS, defines: {} });
}

/** Builds every program into `out`. */
export function buildAll(out: string, baseRevision?: string): void {
  mkdirSync(out, { recursive: true });
  ensureSmolToml(out);
  const bench = relative(out, join(REPO_ROOT, "bench"));
  const entries: Record<string, string> = {
    hello: `console.log("hello");\n`,
    "naive-get": `import { parse } from "smol-toml";\n` +
      `import { naiveGet } from "${bench}/_cli_naive_reader.ts";\n` +
      `process.exitCode = naiveGet(process.argv.slice(2), parse);\n`,
    "naive-set": `import { parse, stringify } from "smol-toml";\n` +
      `import { naiveSet } from "${bench}/_cli_naive_writer.ts";\n` +
      `process.exitCode = naiveSet(process.argv.slice(2), { parse, stringify });\n`,
    lookups: `import { lookups } from "${bench}/_cli_lookups.ts";\n` +
      `process.exitCode = await lookups(process.argv.slice(2));\n`,
  };
  for (const [name, text] of Object.entries(entries)) {
    const entry = join(out, `${name}.ts`);
    writeFileSync(entry, text);
    build(entry, join(out, name));
  }
  build(join(REPO_ROOT, "main.ts"), join(out, "strata"));
  if (baseRevision) {
    // The revision's tree, unpacked beside the others (strata has no runtime dependencies).
    const tree = join(out, "base-src");
    rmSync(tree, { recursive: true, force: true });
    mkdirSync(tree, { recursive: true });
    const archive = join(out, "base.tar");
    run("git", ["archive", "--format=tar", `--output=${archive}`, baseRevision]);
    run("tar", ["-xf", archive, "-C", tree]);
    // Built by that revision's own build script and release flags: a change of flags shows too.
    const script = join(out, "build-base.ts");
    writeFileSync(
      script,
      `import { compile, RELEASE_FLAGS } from ${
        JSON.stringify(join(tree, "scripts/_build_compile.ts"))
      };\n` +
        `compile({ entry: ${JSON.stringify(join(tree, "main.ts"))}, outfile: ${
          JSON.stringify(join(out, "base"))
        }, bunTarget: "bun", flags: RELEASE_FLAGS, defines: {} });\n`,
    );
    run(process.execPath, [script]);
  }
}

if (import.meta.main) {
  const [out, base] = process.argv.slice(2);
  buildAll(resolve(out), base || undefined);
}
