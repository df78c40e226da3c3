/**
 * How this machine can run each release binary for its smoke test: natively,
 * under qemu-user, under musl's loader, under Wine; or not at all (then the
 * binary is only inspected). Also installs those emulators from Debian's
 * packages (`--install-emulators`).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { HEADER_BYTES, readHeader } from "./_build_headers.ts";
import {
  buildMuslLibstdcxx,
  buildProcessPrngDll,
  findOnPath,
  muslToolchainDir,
  wineHasProcessPrng,
} from "./_build_shims.ts";
import { nativeTarget, type Target } from "./_build_targets.ts";

/** A way to start a binary of some target on this machine. */
export interface Runner {
  /** How it is run, for the table (e.g. `qemu-aarch64-static -L /usr/aarch64-linux-gnu`). */
  how: string;
  /** The command line that runs `binary` with `args`. */
  argv(binary: string, args: readonly string[]): string[];
  /** Extra environment the runner needs. */
  env: Record<string, string>;
}

/** Either a runner, or why the binary can only be inspected here. */
export type Plan = { runner: Runner } | { inspectOnly: string } | { failed: string };

/** Debian packages `--install-emulators` installs, and what each is for. */
export const EMULATOR_PACKAGES: Readonly<Record<string, string>> = {
  "qemu-user-static":
    "qemu-aarch64-static for linux-arm64; qemu-x86_64-static -cpu Nehalem for linux-x64-baseline",
  "libc6-arm64-cross": "glibc for arm64 in /usr/aarch64-linux-gnu (qemu's -L sysroot)",
  "musl": "musl's loader /lib/ld-musl-x86_64.so.1 for linux-x64-musl",
  "musl-tools": "musl-gcc, to link a libstdc++.so.6 for musl",
  "libstdc++-12-pic": "the libstdc++ PIC kit that libstdc++.so.6 for musl is linked from",
  "musl:arm64":
    "musl's loader /lib/ld-musl-aarch64.so.1 for linux-arm64-musl (needs dpkg multiarch arm64)",
  "musl-dev:arm64": "musl's arm64 headers, libc and specs for the cross compiler",
  "gcc-aarch64-linux-gnu": "the arm64 cross compiler that links libstdc++.so.6 for arm64 musl",
  "libstdc++-12-pic-arm64-cross": "the arm64 libstdc++ PIC kit",
  "wine": "Wine, for windows-x64",
  "wine64": "Wine's 64-bit loader",
  "gcc-mingw-w64-x86-64-win32": "builds the ProcessPrng DLL that Wine 8.0 lacks",
  "hyperfine": "start-up measurement for --measure-flags",
  "file": "the file(1) column of the table",
};

const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";
const MUSL_LOADERS = { x64: "/lib/ld-musl-x86_64.so.1", arm64: "/lib/ld-musl-aarch64.so.1" };

/** Installs {@link EMULATOR_PACKAGES} with apt-get (Debian/Ubuntu, as root). */
export function installEmulators(log: (line: string) => void): void {
  if (findOnPath("apt-get") === null) {
    throw new Error(
      "--install-emulators needs apt-get (Debian or Ubuntu); install the emulators by hand",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const pkgs = Object.keys(EMULATOR_PACKAGES);
  const foreign = spawnSync("dpkg", ["--print-foreign-architectures"], { encoding: "utf8" });
  const steps: string[][] = [
    // musl:arm64 comes from Debian's arm64 archive: enable it (multiarch) once.
    ...(/\barm64\b/.test(foreign.stdout ?? "") ? [] : [["dpkg", "--add-architecture", "arm64"]]),
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...pkgs],
  ];
  for (const argv of steps) {
    log(`$ ${argv.join(" ")}`);
    const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) {
      throw new Error(
        `${argv.slice(0, 2).join(" ")} failed (exit ${r.status}): ${String(r.stderr).trim()}`,
      );
    }
  }
}

/** This machine's own target, from the header of the running Bun or Deno (which says glibc or musl). */
export function hostTarget(): Target | null {
  let libc: "glibc" | "musl" | null = null;
  if (process.platform === "linux") {
    const fd = openSync(process.execPath, "r");
    const buf = new Uint8Array(HEADER_BYTES);
    try {
      readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
    libc = /ld-musl/.test(readHeader(buf).interpreter ?? "") ? "musl" : "glibc";
  }
  return nativeTarget(process.platform, process.arch, libc);
}

/**
 * Finds (and prepares, in `scratch`) a way to run `target`'s binary on this
 * machine. A missing tool gives `inspectOnly` with the reason; a tool that is
 * there but cannot be prepared gives `failed`.
 */
export function planRun(target: Target, host: Target | null, scratch: string): Plan {
  if (host !== null && target.name === host.name) return { runner: direct("native") };
  if (host?.name !== "linux-x64") {
    return { inspectOnly: `no emulator set up for ${target.name} on ${host?.name ?? "this OS"}` };
  }
  try {
    return planOnLinuxX64(target, scratch);
  } catch (e) {
    return { failed: (e as Error).message };
  }
}

function planOnLinuxX64(target: Target, scratch: string): Plan {
  const install = "(--install-emulators installs it)";
  switch (target.name) {
    case "linux-x64-baseline": {
      const qemu = findOnPath("qemu-x86_64-static") ?? findOnPath("qemu-x86_64");
      // Emulating a Nehalem CPU (SSE4.2, no AVX/AVX2) proves the binary needs no newer CPU.
      if (qemu !== null) {
        return {
          runner: wrapped([qemu, "-cpu", "Nehalem"], {}, "qemu-x86_64 -cpu Nehalem (no AVX)"),
        };
      }
      return {
        runner: direct(`native (x64 host; no qemu-x86_64 to emulate an older CPU ${install})`),
      };
    }
    case "linux-arm64": {
      const qemu = findOnPath("qemu-aarch64-static") ?? findOnPath("qemu-aarch64");
      if (qemu === null) return { inspectOnly: `no qemu-aarch64 ${install}` };
      if (!existsSync(join(ARM64_SYSROOT, "lib", "ld-linux-aarch64.so.1"))) {
        return { inspectOnly: `no arm64 glibc in ${ARM64_SYSROOT} (libc6-arm64-cross) ${install}` };
      }
      // Cortex-A53 (ARMv8.0: Raspberry Pi 3, Zero 2 W) is the oldest 64-bit Pi CPU; passing there covers the rest.
      const how = `qemu-aarch64 -cpu cortex-a53 -L ${ARM64_SYSROOT}`;
      return { runner: wrapped([qemu, "-cpu", "cortex-a53", "-L", ARM64_SYSROOT], {}, how) };
    }
    case "linux-x64-musl":
      return planMusl("x64", [], scratch, install);
    case "linux-arm64-musl": {
      const qemu = findOnPath("qemu-aarch64-static") ?? findOnPath("qemu-aarch64");
      if (qemu === null) return { inspectOnly: `no qemu-aarch64 ${install}` };
      return planMusl("arm64", [qemu, "-cpu", "cortex-a53"], scratch, install);
    }
    case "windows-x64":
      return planWine(scratch, install);
    case "windows-arm64":
      return {
        inspectOnly: "Wine runs no ARM64 programs",
      };
    case "darwin-x64":
    case "darwin-arm64":
      return { inspectOnly: "no Mach-O loader in Debian" };
    default:
      return { inspectOnly: `no emulator known for ${target.name}` };
  }
}

function planMusl(arch: "x64" | "arm64", prefix: string[], scratch: string, install: string): Plan {
  const loader = MUSL_LOADERS[arch];
  if (!existsSync(loader)) {
    return { inspectOnly: `no ${loader} (musl${arch === "arm64" ? ":arm64" : ""}) ${install}` };
  }
  if (muslToolchainDir(arch) === null) {
    return {
      inspectOnly: `needs libstdc++.so.6 for musl, and no toolchain to link one ${install}`,
    };
  }
  const dir = join(scratch, `musl-lib-${arch}`);
  mkdirSync(dir, { recursive: true });
  buildMuslLibstdcxx(arch, dir);
  const via = prefix.length === 0 ? "" : "qemu-aarch64 -cpu cortex-a53, ";
  const how = `${via}musl loader + libstdc++ linked for musl (shim)`;
  return { runner: wrapped(prefix, { LD_LIBRARY_PATH: dir }, how) };
}

function planWine(scratch: string, install: string): Plan {
  const wine = findOnPath("wine64") ?? findOnPath("wine");
  if (wine === null) return { inspectOnly: `no wine ${install}` };
  const needShim = !wineHasProcessPrng();
  if (needShim && findOnPath("x86_64-w64-mingw32-gcc") === null) {
    return {
      inspectOnly: `Wine lacks bcryptprimitives.dll and no mingw-w64 to build it ${install}`,
    };
  }
  const prefix = join(scratch, "wine-prefix");
  // No display: Wine must not try to open windows; -all keeps its chatter off stderr.
  const env = {
    WINEPREFIX: prefix,
    WINEDEBUG: "-all",
    WINEDLLOVERRIDES: "mscoree,mshtml=",
    DISPLAY: "",
  };
  const boot = spawnSync(findOnPath("wineboot") ?? "wineboot", ["--init"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 180_000,
  });
  if (boot.status !== 0) {
    throw new Error(`wineboot --init failed (exit ${boot.status}): ${String(boot.stderr).trim()}`);
  }
  if (needShim) buildProcessPrngDll(join(prefix, "drive_c", "windows", "system32"), scratch);
  const how = `wine ${wineVersion(wine)}${needShim ? " + ProcessPrng DLL (shim)" : ""}`;
  return { runner: wrapped([wine], env, how) };
}

/** Stops the wineserver of the prefix a Wine runner started (it lingers otherwise). */
export function stopWine(scratch: string): void {
  const prefix = join(scratch, "wine-prefix");
  if (!existsSync(prefix)) return;
  spawnSync(findOnPath("wineserver") ?? "wineserver", ["-k"], {
    env: { ...process.env, WINEPREFIX: prefix },
    stdio: "ignore",
    timeout: 30_000,
  });
}

function wineVersion(wine: string): string {
  const r = spawnSync(wine, ["--version"], {
    encoding: "utf8",
    env: { ...process.env, WINEDEBUG: "-all" },
  });
  return (r.stdout ?? "").trim().replace(/^wine-/, "").split(" ")[0] || "?";
}

function direct(how: string): Runner {
  return { how, argv: (binary, args) => [binary, ...args], env: {} };
}

function wrapped(prefix: string[], env: Record<string, string>, how: string): Runner {
  return { how, argv: (binary, args) => [...prefix, binary, ...args], env };
}
