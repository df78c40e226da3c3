/**
 * strata's version, from one place: the `version` field of `package.json`,
 * plus the git commit it was built from.
 *
 * A release binary gets its commit and target name at build time
 * (`scripts/build-targets.ts` passes `--define STRATA_COMMIT='"abc1234"'` and
 * `--define STRATA_TARGET='"linux-x64"'` to `bun build --compile`), so printing
 * the version costs nothing at run time. Run from source (`bun main.ts`,
 * `deno run -A main.ts`) the commit is read from `.git` only when
 * {@link versionText} is called, i.e. only for `--version`: importing this
 * module reads no file.
 *
 * @example
 * ```ts
 * import { versionText } from "./version.ts";
 * console.log(versionText()); // "strata 0.1.0 (source, a1b2c3d)"
 * ```
 *
 * @module
 */

import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import pkg from "../package.json" with { type: "json" };

// Replaced by `bun build --define`; absent (so `typeof` is "undefined") when
// the source runs as it is.
declare const STRATA_COMMIT: string;
declare const STRATA_TARGET: string;

/** strata's version number, as written in `package.json` (e.g. `0.1.0`). */
export const VERSION: string = pkg.version;

/** What `strata --version` reports, as data. */
export interface BuildInfo {
  /** The version number from `package.json`. */
  version: string;
  /** Short git commit (7 hex digits, `-dirty` when built from a changed tree), or null when unknown. */
  commit: string | null;
  /** The release target (`linux-x64`, `windows-arm64`, ...) of a compiled binary, or null when run from source. */
  target: string | null;
}

/**
 * The build information of the running program: injected values in a
 * compiled binary, else the commit read from the source tree's `.git`.
 *
 * @example
 * ```ts
 * import { buildInfo } from "./version.ts";
 * const info = buildInfo();
 * console.assert(/^\d+\.\d+\.\d+/.test(info.version));
 * ```
 */
export function buildInfo(): BuildInfo {
  const injectedCommit = typeof STRATA_COMMIT === "string" ? STRATA_COMMIT : null;
  const target = typeof STRATA_TARGET === "string" ? STRATA_TARGET : null;
  if (target !== null) return { version: VERSION, commit: injectedCommit, target };
  return { version: VERSION, commit: injectedCommit ?? sourceCommit(), target: null };
}

/**
 * The line `strata --version` prints: `strata 0.1.0 (a1b2c3d, linux-x64)` for
 * a release binary, `strata 0.1.0 (source, a1b2c3d)` when run from source
 * (`(source)` alone when no git checkout is found).
 *
 * @example
 * ```ts
 * import { versionText } from "./version.ts";
 * console.assert(versionText().startsWith("strata "));
 * ```
 */
export function versionText(): string {
  return formatVersion(buildInfo());
}

/**
 * Formats build information as the `--version` line (pure; used by
 * {@link versionText} and by the tests).
 *
 * @example
 * ```ts
 * import { formatVersion } from "./version.ts";
 * const line = formatVersion({ version: "1.2.3", commit: "abc1234", target: "darwin-arm64" });
 * console.assert(line === "strata 1.2.3 (abc1234, darwin-arm64)");
 * ```
 */
export function formatVersion(info: BuildInfo): string {
  const parts = info.target === null
    ? ["source", info.commit]
    : [info.commit ?? "unknown commit", info.target];
  return `strata ${info.version} (${parts.filter((p) => p !== null).join(", ")})`;
}

/**
 * Reads the commit of the checkout this source file sits in, cheaply (two
 * small file reads, no `git` process); null when there is none. Worktrees
 * (`.git` a file naming the real git dir) and packed refs are understood.
 *
 * @example
 * ```ts
 * import { readGitCommit } from "./version.ts";
 * const commit = readGitCommit("/no/such/checkout");
 * console.assert(commit === null);
 * ```
 */
export function readGitCommit(root: string): string | null {
  try {
    const gitDir = findGitDir(root);
    if (gitDir === null) return null;
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    const full = ref === undefined ? head : resolveRef(gitDir, ref);
    return full !== null && /^[0-9a-f]{40,64}$/.test(full) ? full.slice(0, 7) : null;
  } catch {
    // A version line must never fail: an unreadable checkout just has no commit.
    return null;
  }
}

function sourceCommit(): string | null {
  // import.meta.url is file:///.../src/version.ts when run from source.
  if (!import.meta.url.startsWith("file:")) return null;
  const here = fileURLToPath(import.meta.url);
  return readGitCommit(dirname(dirname(here)));
}

function findGitDir(root: string): string | null {
  const dotGit = join(root, ".git");
  const stat = statSync(dotGit, { throwIfNoEntry: false });
  if (stat === undefined) return null;
  if (stat.isDirectory()) return dotGit;
  // A linked worktree or submodule: ".git" holds "gitdir: <path>".
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim();
  if (pointer === undefined) return null;
  return isAbsolute(pointer) ? pointer : join(root, pointer);
}

function resolveRef(gitDir: string, ref: string): string | null {
  // Worktrees keep their HEAD locally but branch refs in the common dir.
  const commonFile = join(gitDir, "commondir");
  const common = statSync(commonFile, { throwIfNoEntry: false }) === undefined
    ? gitDir
    : join(gitDir, readFileSync(commonFile, "utf8").trim());
  for (const dir of [gitDir, common]) {
    const loose = join(dir, ref);
    if (statSync(loose, { throwIfNoEntry: false }) !== undefined) {
      return readFileSync(loose, "utf8").trim();
    }
  }
  const packed = join(common, "packed-refs");
  if (statSync(packed, { throwIfNoEntry: false }) === undefined) return null;
  for (const line of readFileSync(packed, "utf8").split("\n")) {
    const [hash, name] = line.trim().split(" ");
    if (name === ref) return hash;
  }
  return null;
}
