/**
 * The "FROM scratch" check for this machine's Linux binary: a root folder
 * holding only the binary, the shared libraries `ldd` names and an empty
 * `/tmp`, entered with `chroot` in a private mount namespace that has
 * `/proc` (as every container runtime provides; a Bun-compiled binary reads
 * its embedded program through `/proc/self/exe`). Proves the container
 * recipe in docs/release.md: nothing else from a distribution is needed.
 * Needs root, `unshare` and `chroot`; otherwise it is skipped, not failed.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findOnPath } from "./_build_shims.ts";
import type { CheckResult } from "./_build_smoke.ts";

/**
 * The absolute library paths in `ldd` output (pure).
 *
 * @example
 * ```ts
 * import { lddPaths } from "./_build_scratch_root.ts";
 * const out = "\tlinux-vdso.so.1 (0x7ffd)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x7f)\n" +
 *   "\t/lib64/ld-linux-x86-64.so.2 (0x7f)\n";
 * console.assert(lddPaths(out).join() === "/lib/x86_64-linux-gnu/libc.so.6,/lib64/ld-linux-x86-64.so.2");
 * ```
 */
export function lddPaths(output: string): string[] {
  const paths = output.split("\n").map((line) => {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    return m === null ? null : m[1];
  });
  return paths.filter((p): p is string => p !== null);
}

/** Runs `--version` and a set/get round trip inside a scratch root; `null` when it cannot be set up here. */
export function scratchRootCheck(binary: string, expectedVersion: string): CheckResult | null {
  const unshare = findOnPath("unshare");
  const chroot = findOnPath("chroot");
  const ldd = findOnPath("ldd");
  if (process.getuid?.() !== 0 || unshare === null || chroot === null || ldd === null) return null;
  const libs = spawnSync(ldd, [binary], { encoding: "utf8" });
  if (libs.status !== 0) return null;
  const root = mkdtempSync(join(tmpdir(), "strata-scratch-"));
  try {
    const paths = lddPaths(libs.stdout);
    for (const p of paths) {
      mkdirSync(join(root, dirname(p)), { recursive: true });
      copyFileSync(p, join(root, p));
    }
    copyFileSync(binary, join(root, "strata"));
    for (const d of ["proc", "tmp", "home"]) mkdirSync(join(root, d));
    chmodSync(join(root, "tmp"), 0o1777);
    const run = (args: string[]) => {
      // The mount lives and dies with the private namespace: nothing to undo.
      const script =
        'r="$0" c="$1"; shift; mount -t proc proc "$r/proc" && exec "$c" "$r" /strata "$@"';
      const argv = ["--mount", "--fork", "sh", "-c", script, root, chroot, ...args];
      return spawnSync(unshare, argv, {
        encoding: "utf8",
        env: { HOME: "/home", PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
        timeout: 60_000,
      });
    };
    const version = run(["--version"]);
    // The sandbox may forbid namespaces, mounts or chroot: then this check cannot run here.
    if (version.status !== 0 && /^(unshare|mount|chroot|sh):/m.test(version.stderr)) return null;
    if (version.stdout !== `${expectedVersion}\n`) {
      return {
        ok: false,
        detail: `scratch root: --version gave ${JSON.stringify(version.stdout + version.stderr)}`,
      };
    }
    const set = run(["--app", "scratch", "set", "a.b", "c d"]);
    const get = run(["--app", "scratch", "get", "a.b"]);
    if (set.status !== 0 || get.stdout !== "c d\n") {
      return {
        ok: false,
        detail: `scratch root: set/get gave ${
          JSON.stringify(set.stderr + get.stdout + get.stderr)
        }`,
      };
    }
    return {
      ok: true,
      detail: `scratch root (binary + ${paths.length} libraries from ldd + /proc)`,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
