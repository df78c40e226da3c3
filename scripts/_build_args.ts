/**
 * Command-line options of `scripts/build-targets.ts`. Pure: argv in,
 * options out (or an Error whose message says what to type instead).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { TARGETS } from "./_build_targets.ts";

/** What the build script was asked to do. */
export interface BuildOptions {
  /** Release names to build; empty with `native` false means all of them. */
  targets: string[];
  /** Build only this machine's target. */
  native: boolean;
  /** Build the native binary with each flag combination and report size and start-up. */
  measureFlags: boolean;
  /** apt-get install the emulators before the smoke tests. */
  installEmulators: boolean;
  /** Skip the smoke tests and inspections (build and checksum only). */
  skipChecks: boolean;
  /** Output folder (default `dist`). */
  outDir: string;
  /** Entry file (null: the repository's `main.ts`; another one only to test this script). */
  entry: string | null;
  /** Print usage and exit. */
  help: boolean;
}

/** The text `--help` prints. */
export const USAGE = `Usage: bun scripts/build-targets.ts [options] [--target NAME...]

Cross-compiles main.ts with bun build --compile into dist/strata-<target>[.exe],
writes dist/SHA256SUMS, then smoke-tests every binary this machine can run
(--version and a set/get round trip in a temp home) and inspects the rest
(header, file(1), embedded program). Earlier strata-* files and SHA256SUMS in
the output folder are removed first.

Options:
  --target NAME...      build only these targets (repeatable, or comma-separated)
  --native              build only this machine's target (what CI runs)
  --measure-flags       also build the native binary with and without --minify,
                        --bytecode, --sourcemap and compare size and start-up
                        with a Bun-compiled hello-world (uses hyperfine if present)
  --install-emulators   apt-get install qemu-user-static, musl, wine, ... first
  --skip-checks         build and checksum only
  --out-dir DIR         output folder (default: dist)
  --entry FILE          entry file (default: main.ts; for testing this script)
  -h, --help            show this help

Targets: ${TARGETS.map((t) => t.name).join(", ")}
`;

/**
 * Parses the script's arguments. Target names may follow `--target` as
 * separate words (`--target linux-x64 darwin-arm64`), be repeated, or be
 * comma-separated.
 *
 * @example
 * ```ts
 * import { parseBuildArgs } from "./_build_args.ts";
 * const o = parseBuildArgs(["--target", "linux-x64", "darwin-arm64"]);
 * console.assert(o.targets.join() === "linux-x64,darwin-arm64");
 * ```
 */
export function parseBuildArgs(argv: readonly string[]): BuildOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: "string", multiple: true },
      native: { type: "boolean", default: false },
      "measure-flags": { type: "boolean", default: false },
      "install-emulators": { type: "boolean", default: false },
      "skip-checks": { type: "boolean", default: false },
      "out-dir": { type: "string", default: "dist" },
      entry: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const named = values.target ?? [];
  if (positionals.length > 0 && named.length === 0) {
    throw new Error(`unexpected argument "${positionals[0]}"; target names follow --target`);
  }
  const targets = [...named, ...positionals].flatMap((t) => t.split(",")).filter((t) => t !== "");
  if (values.native && targets.length > 0) throw new Error("use --native or --target, not both");
  return {
    targets,
    native: values.native,
    measureFlags: values["measure-flags"],
    installEmulators: values["install-emulators"],
    skipChecks: values["skip-checks"],
    outDir: values["out-dir"],
    entry: values.entry ?? null,
    help: values.help,
  };
}
