/**
 * The release targets: one row per binary `scripts/build-targets.ts` makes,
 * with the `bun build --compile --target` name and what its header must say.
 *
 * @module
 */

/** Operating systems strata ships for. */
export type Os = "linux" | "darwin" | "windows";
/** CPU architectures strata ships for. */
export type Arch = "x64" | "arm64";

/** One release binary. */
export interface Target {
  /** The release name, e.g. `linux-arm64-musl`; the file is `strata-<name>[.exe]`. */
  name: string;
  /** The `--target` value for `bun build --compile`. */
  bunTarget: string;
  /** Operating system. */
  os: Os;
  /** CPU architecture. */
  arch: Arch;
  /** C library a Linux binary is linked against (null elsewhere). */
  libc: "glibc" | "musl" | null;
}

function target(os: Os, arch: Arch, suffix: "" | "-musl" | "-baseline" = ""): Target {
  const name = `${os}-${arch}${suffix}`;
  const libc = os !== "linux" ? null : suffix === "-musl" ? "musl" : "glibc";
  return { name, bunTarget: `bun-${name}`, os, arch, libc };
}

/** Every release target, in the order the table lists them. */
export const TARGETS: readonly Target[] = [
  target("linux", "x64"),
  // Bun 1.4.5 ships one x64 runtime (Nehalem floor, AVX2 picked at run time), so
  // this is the same runtime as linux-x64; kept as a name users of old CPUs look for.
  target("linux", "x64", "-baseline"),
  target("linux", "x64", "-musl"),
  target("linux", "arm64"),
  target("linux", "arm64", "-musl"),
  target("darwin", "x64"),
  target("darwin", "arm64"),
  target("windows", "x64"),
  target("windows", "arm64"),
];

/**
 * The file name of a target's binary: `strata-<name>`, plus `.exe` on Windows.
 *
 * @example
 * ```ts
 * import { fileNameOf, TARGETS } from "./_build_targets.ts";
 * const win = TARGETS.find((t) => t.name === "windows-x64")!;
 * console.assert(fileNameOf(win) === "strata-windows-x64.exe");
 * ```
 */
export function fileNameOf(t: Target): string {
  return `strata-${t.name}${t.os === "windows" ? ".exe" : ""}`;
}

/**
 * Picks targets by release name, in table order; throws a message listing
 * the known names when one is unknown.
 *
 * @example
 * ```ts
 * import { selectTargets } from "./_build_targets.ts";
 * console.assert(selectTargets(["darwin-arm64"])[0].bunTarget === "bun-darwin-arm64");
 * ```
 */
export function selectTargets(names: readonly string[]): Target[] {
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown target ${unknown.map((n) => `"${n}"`).join(", ")}; known targets: ${
        TARGETS.map((t) => t.name).join(", ")
      }`,
    );
  }
  return TARGETS.filter((t) => names.includes(t.name));
}

/**
 * The target matching the machine described by `platform`/`arch` (as in
 * `process.platform`, `process.arch`) and its C library; null when strata
 * has no binary for it.
 *
 * @example
 * ```ts
 * import { nativeTarget } from "./_build_targets.ts";
 * console.assert(nativeTarget("linux", "arm64", "musl")?.name === "linux-arm64-musl");
 * console.assert(nativeTarget("win32", "x64", null)?.name === "windows-x64");
 * ```
 */
export function nativeTarget(
  platform: string,
  arch: string,
  libc: "glibc" | "musl" | null,
): Target | null {
  const os = ({ linux: "linux", darwin: "darwin", win32: "windows" } as Record<string, Os>)[
    platform
  ];
  if (os === undefined || (arch !== "x64" && arch !== "arm64")) return null;
  const name = os === "linux" && libc === "musl" ? `${os}-${arch}-musl` : `${os}-${arch}`;
  return TARGETS.find((t) => t.name === name) ?? null;
}
