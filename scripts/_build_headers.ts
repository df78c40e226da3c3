/**
 * Reads the executable header of a binary (ELF, Mach-O, PE) to tell its
 * format, CPU and, for ELF, the program interpreter (which says glibc or
 * musl). Used to check the binaries this machine cannot run. Pure: works on
 * the first bytes of the file.
 *
 * @module
 */

import type { Arch, Os, Target } from "./_build_targets.ts";

/** What an executable header says. */
export interface HeaderInfo {
  /** Container format. */
  format: "ELF" | "Mach-O" | "PE";
  /** The OS that format is for. */
  os: Os;
  /** CPU, or the raw machine number (e.g. `machine 0x28`) when not one strata ships for. */
  arch: Arch | string;
  /** 64-bit executable (ELFCLASS64, MH_MAGIC_64, PE32+). */
  is64: boolean;
  /** ELF program interpreter (`/lib/ld-musl-x86_64.so.1`), else null. */
  interpreter: string | null;
  /** What the header says it is, in a few words, for the table. */
  summary: string;
}

/** How many leading bytes {@link readHeader} needs (the ELF program headers and PT_INTERP sit early). */
export const HEADER_BYTES = 64 * 1024;

const ELF_MACHINES: Record<number, Arch> = { 0x3e: "x64", 0xb7: "arm64" };
const MACHO_CPUS: Record<number, Arch> = { 0x01000007: "x64", 0x0100000c: "arm64" };
const PE_MACHINES: Record<number, Arch> = { 0x8664: "x64", 0xaa64: "arm64" };

/**
 * Parses the header at the start of `bytes`; throws when the bytes are not
 * a 64-bit little-endian ELF, a 64-bit Mach-O, or a PE file.
 *
 * @example
 * ```ts
 * import { readHeader } from "./_build_headers.ts";
 * const macho = new Uint8Array(32);
 * new DataView(macho.buffer).setUint32(0, 0xfeedfacf, true);
 * new DataView(macho.buffer).setUint32(4, 0x0100000c, true);
 * new DataView(macho.buffer).setUint32(12, 2, true);
 * console.assert(readHeader(macho).arch === "arm64");
 * ```
 */
export function readHeader(bytes: Uint8Array): HeaderInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && view.getUint32(0, false) === 0x7f454c46) return readElf(bytes, view);
  if (bytes.length >= 16 && view.getUint32(0, true) === 0xfeedfacf) return readMachO(view);
  if (bytes.length >= 64 && bytes[0] === 0x4d && bytes[1] === 0x5a) return readPe(view);
  throw new Error("not an ELF, Mach-O (64-bit) or PE executable");
}

function readElf(bytes: Uint8Array, view: DataView): HeaderInfo {
  const is64 = bytes[4] === 2;
  if (!is64 || bytes[5] !== 1) throw new Error("ELF file is not 64-bit little-endian");
  const machine = view.getUint16(0x12, true);
  const arch = ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
  const phoff = Number(view.getBigUint64(0x20, true));
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  let interpreter: string | null = null;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 56 > bytes.length) break;
    if (view.getUint32(at, true) !== 3) continue; // PT_INTERP
    const offset = Number(view.getBigUint64(at + 8, true));
    const size = Number(view.getBigUint64(at + 32, true));
    if (offset + size > bytes.length) break;
    interpreter = new TextDecoder().decode(bytes.subarray(offset, offset + size)).replace(
      /\0+$/,
      "",
    );
  }
  const type = view.getUint16(0x10, true) === 2 ? "executable" : "shared object";
  const summary = `ELF 64 ${arch} ${type}${interpreter === null ? "" : `, ${interpreter}`}`;
  return { format: "ELF", os: "linux", arch, is64, interpreter, summary };
}

function readMachO(view: DataView): HeaderInfo {
  const cpu = view.getUint32(4, true);
  const arch = MACHO_CPUS[cpu] ?? `cputype 0x${cpu.toString(16)}`;
  const type = view.getUint32(12, true) === 2 ? "executable" : "not an executable";
  const summary = `Mach-O 64 ${arch} ${type}`;
  return { format: "Mach-O", os: "darwin", arch, is64: true, interpreter: null, summary };
}

function readPe(view: DataView): HeaderInfo {
  const pe = view.getUint32(0x3c, true);
  if (pe + 26 > view.byteLength || view.getUint32(pe, false) !== 0x50450000) {
    throw new Error("MZ file without a PE header");
  }
  const machine = view.getUint16(pe + 4, true);
  const arch = PE_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
  const is64 = view.getUint16(pe + 24, true) === 0x20b;
  const subsystem = pe + 24 + 68 + 2 <= view.byteLength ? view.getUint16(pe + 24 + 68, true) : 0;
  const kind = subsystem === 3 ? "console" : subsystem === 2 ? "GUI" : `subsystem ${subsystem}`;
  const summary = `PE${is64 ? "32+" : "32"} ${arch} ${kind}`;
  return { format: "PE", os: "windows", arch, is64, interpreter: null, summary };
}

/**
 * Compares a header with what a target's binary must be; returns the list
 * of mismatches (empty when it is right): OS/format, CPU, 64-bit, and for
 * Linux the C library named by the interpreter; a Windows binary must be a
 * console program (so it prints in a terminal).
 *
 * @example
 * ```ts
 * import { headerProblems } from "./_build_headers.ts";
 * import { TARGETS } from "./_build_targets.ts";
 * const t = TARGETS.find((t) => t.name === "linux-arm64-musl")!;
 * const problems = headerProblems(t, {
 *   format: "ELF", os: "linux", arch: "arm64", is64: true,
 *   interpreter: "/lib/ld-linux-aarch64.so.1", summary: "",
 * });
 * console.assert(problems[0] === "interpreter /lib/ld-linux-aarch64.so.1 is not musl's");
 * ```
 */
export function headerProblems(target: Target, info: HeaderInfo): string[] {
  const problems: string[] = [];
  if (info.os !== target.os) problems.push(`${info.format} is not a ${target.os} format`);
  if (info.arch !== target.arch) problems.push(`CPU is ${info.arch}, not ${target.arch}`);
  if (!info.is64) problems.push("not a 64-bit executable");
  if (target.os === "linux") {
    const interp = info.interpreter ?? "";
    const musl = /\/ld-musl-[^/]+\.so\.1$/.test(interp);
    const glibc = /\/ld-linux-[^/]+\.so\.\d$/.test(interp);
    if (target.libc === "musl" && !musl) {
      problems.push(`interpreter ${interp || "none"} is not musl's`);
    }
    if (target.libc === "glibc" && !glibc) {
      problems.push(`interpreter ${interp || "none"} is not glibc's`);
    }
  }
  if (target.os === "windows" && !info.summary.endsWith("console")) {
    problems.push("not a console program");
  }
  return problems;
}
