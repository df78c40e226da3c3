/**
 * Runs `bun build --compile` for one target, and `bun build` without
 * `--compile` for the plain bundle whose text the embedded-program check
 * looks for inside a binary.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The build flags chosen by measurement (see `--measure-flags` and docs/release.md). */
export interface BuildFlags {
  /** `--minify`: smaller bundle text. */
  minify: boolean;
  /** `--bytecode`: JavaScriptCore bytecode compiled ahead of time. */
  bytecode: boolean;
  /** `--sourcemap`: an embedded source map, for readable stack traces. */
  sourcemap: boolean;
  /**
   * `--splitting` (with `--format=esm`): modules imported only dynamically
   * (the write path: store, lock, backup, journal) and the `node:` builtins
   * they import stay out of the start-up of a `get`. Without it the bundler
   * hoists every static `node:` import of the whole graph to the top.
   */
  splitting?: boolean;
  /**
   * `--compile-jit-policy=N`: JavaScriptCore's tier-up thresholds scaled by
   * N from the first instruction. A one-shot command runs nearly all of its
   * code once, so compiling it is work thrown away at exit; N > 1 keeps that
   * code in the interpreter. Long-running commands (`watch`) go back to the
   * normal policy (`Bun.unsafe.setJITPolicy(1)`) once they settle.
   */
  jitPolicy?: number;
}

/**
 * The flags release binaries are built with, chosen by `--measure-flags` on
 * the native binary (figures in docs/release.md): bytecode halves the CPU
 * time of a start-up; minify shrinks the bundle; the embedded source map
 * costs about 0.2 MB and no measurable start-up, and makes `--debug` stack
 * traces name source files and lines instead of offsets in the bundle.
 */
export const RELEASE_FLAGS: BuildFlags = {
  minify: true,
  bytecode: true,
  sourcemap: true,
  splitting: true,
  jitPolicy: 1000,
};

/** The repository root (this file is `scripts/_build_compile.ts`). */
export const REPO_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/** The Bun executable: this process when the script runs on Bun, else the pinned one. */
export function bunPath(): string {
  return typeof process.versions.bun === "string"
    ? process.execPath
    : join(REPO_ROOT, "node_modules", ".bin", "bun");
}

/**
 * The `bun build` arguments for a compiled binary (pure; the tests check it).
 *
 * @example
 * ```ts
 * import { compileArgs } from "./_build_compile.ts";
 * const args = compileArgs({
 *   entry: "main.ts", outfile: "dist/strata-linux-x64", bunTarget: "bun-linux-x64",
 *   flags: { minify: true, bytecode: false, sourcemap: false }, defines: {},
 * });
 * console.assert(args.includes("--minify") && args.includes("--target=bun-linux-x64"));
 * ```
 */
export function compileArgs(o: CompileOptions): string[] {
  return [
    "build",
    "--compile",
    `--target=${o.bunTarget}`,
    // A .env or bunfig.toml in the user's working folder must not change what
    // strata does: a .env line PIPELINE_DB__HOST=x would become a config layer.
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    // With baked exec-argv, Bun's start-up takes the path that survives a
    // working folder that was deleted (Bun 1.4 otherwise exits 1, "not found"
    // to a script, before strata runs); strata then reports it, exit 5.
    // --no-env-file is harmless here: the line above already skips .env.
    "--compile-exec-argv=--no-env-file",
    ...flagArgs(o.flags),
    ...defineArgs(o.defines),
    o.entry,
    `--outfile=${o.outfile}`,
  ];
}

/** What {@link compileArgs} and {@link compile} need. */
export interface CompileOptions {
  /** Entry file (`main.ts`). */
  entry: string;
  /** Output path (Bun adds nothing: pass the `.exe` name for Windows). */
  outfile: string;
  /** `bun-linux-x64`, ... or `bun` for this machine. */
  bunTarget: string;
  /** Build flags. */
  flags: BuildFlags;
  /** Identifiers replaced by JSON literals (`--define NAME=JSON`). */
  defines: Record<string, string>;
}

function flagArgs(f: BuildFlags): string[] {
  return [
    ...(f.minify ? ["--minify"] : []),
    // Bytecode defaults the format to CommonJS, which has no top-level await.
    ...(f.bytecode ? ["--bytecode"] : []),
    ...(f.bytecode || f.splitting ? ["--format=esm"] : []),
    // The chunks are embedded in the binary like the entry (still one file).
    ...(f.splitting ? ["--splitting"] : []),
    ...(f.sourcemap ? ["--sourcemap=inline"] : []),
    ...(f.jitPolicy !== undefined && f.jitPolicy !== 1
      ? [`--compile-jit-policy=${f.jitPolicy}`]
      : []),
  ];
}

function defineArgs(defines: Record<string, string>): string[] {
  return Object.entries(defines).map(([k, v]) => `--define=${k}=${JSON.stringify(v)}`);
}

/** Compiles one binary; throws with Bun's output when the build fails. */
export function compile(o: CompileOptions): void {
  const dir = dirname(o.outfile);
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  run(bunPath(), compileArgs(o), `bun build --compile --target=${o.bunTarget}`);
  // With --compile the maps are embedded; Bun also writes copies beside the
  // binary (one per chunk with --splitting), which are not part of a release
  // and not read at run time.
  rmSync(`${o.outfile}.map`, { force: true });
  for (const name of readdirSync(dir)) {
    if (!before.has(name) && name.endsWith(".js.map")) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Builds the plain JS bundle of the program (what `--compile` embeds, up to
 * identifier renaming and a few helpers) and returns its text, for the
 * embedded-program check.
 */
export function bundleText(o: Omit<CompileOptions, "bunTarget">): string {
  const args = [
    "build",
    "--target=bun",
    "--format=esm",
    // One bundle file (splitting would write chunks beside it).
    ...flagArgs({
      ...o.flags,
      bytecode: false,
      sourcemap: false,
      splitting: false,
      jitPolicy: undefined,
    }),
    ...defineArgs(o.defines),
    o.entry,
    `--outfile=${o.outfile}`,
  ];
  run(bunPath(), args, "bun build (bundle for the embedded-program check)");
  return readFileSync(o.outfile, "utf8");
}

/**
 * The commit to stamp into binaries: `git rev-parse --short=7 HEAD`, with
 * `-dirty` when tracked files differ from it; null outside a git checkout.
 */
export function gitCommit(root: string): string | null {
  const head = spawnSync("git", ["rev-parse", "--short=7", "HEAD"], {
    cwd: root,
    encoding: "utf8",
  });
  if (head.status !== 0) return null;
  const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], {
    cwd: root,
    encoding: "utf8",
  });
  const dirty = status.status === 0 && status.stdout.trim() !== "";
  return head.stdout.trim() + (dirty ? "-dirty" : "");
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.error !== undefined) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}):\n${(r.stderr + r.stdout).trim()}`);
  }
}
