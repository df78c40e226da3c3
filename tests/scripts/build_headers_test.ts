import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { HEADER_BYTES, headerProblems, readHeader } from "../../scripts/_build_headers.ts";
import { TARGETS } from "../../scripts/_build_targets.ts";

const target = (name: string) => TARGETS.find((t) => t.name === name)!;

/** A minimal 64-bit little-endian ELF executable header with one PT_INTERP. */
function elf(machine: number, interpreter: string | null): Uint8Array {
  const bytes = new Uint8Array(512);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(0x10, 2, true); // ET_EXEC
  v.setUint16(0x12, machine, true);
  v.setBigUint64(0x20, 64n, true); // e_phoff
  v.setUint16(0x36, 56, true); // e_phentsize
  v.setUint16(0x38, interpreter === null ? 0 : 1, true);
  if (interpreter !== null) {
    const text = new TextEncoder().encode(`${interpreter}\0`);
    v.setUint32(64, 3, true); // PT_INTERP
    v.setBigUint64(64 + 8, 200n, true);
    v.setBigUint64(64 + 32, BigInt(text.length), true);
    bytes.set(text, 200);
  }
  return bytes;
}

function macho(cpu: number): Uint8Array {
  const bytes = new Uint8Array(32);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0xfeedfacf, true);
  v.setUint32(4, cpu, true);
  v.setUint32(12, 2, true); // MH_EXECUTE
  return bytes;
}

function pe(machine: number, subsystem: number): Uint8Array {
  const bytes = new Uint8Array(512);
  const v = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  v.setUint32(0x3c, 0x80, true);
  v.setUint32(0x80, 0x50450000, false);
  v.setUint16(0x84, machine, true);
  v.setUint16(0x80 + 24, 0x20b, true); // PE32+
  v.setUint16(0x80 + 24 + 68, subsystem, true);
  return bytes;
}

test("reads ELF machine and interpreter (glibc or musl)", () => {
  const info = readHeader(elf(0xb7, "/lib/ld-musl-aarch64.so.1"));
  assert.deepEqual(info, {
    format: "ELF",
    os: "linux",
    arch: "arm64",
    is64: true,
    interpreter: "/lib/ld-musl-aarch64.so.1",
    summary: "ELF 64 arm64 executable, /lib/ld-musl-aarch64.so.1",
  });
  assert.deepEqual(headerProblems(target("linux-arm64-musl"), info), []);
  assert.deepEqual(headerProblems(target("linux-arm64"), info), [
    "interpreter /lib/ld-musl-aarch64.so.1 is not glibc's",
  ]);
  assert.deepEqual(headerProblems(target("linux-x64-musl"), info), ["CPU is arm64, not x64"]);
});

test("an ELF of another CPU or without interpreter is reported as such", () => {
  const arm32 = readHeader(elf(0x28, "/lib/ld-linux-armhf.so.3"));
  assert.equal(arm32.arch, "machine 0x28");
  assert.deepEqual(headerProblems(target("linux-x64"), readHeader(elf(0x3e, null))), [
    "interpreter none is not glibc's",
  ]);
  const elf32 = elf(0x3e, null);
  elf32[4] = 1;
  assert.throws(() => readHeader(elf32), { message: "ELF file is not 64-bit little-endian" });
});

test("reads Mach-O CPU types", () => {
  assert.equal(readHeader(macho(0x01000007)).summary, "Mach-O 64 x64 executable");
  const arm = readHeader(macho(0x0100000c));
  assert.deepEqual(headerProblems(target("darwin-arm64"), arm), []);
  assert.deepEqual(headerProblems(target("darwin-x64"), arm), ["CPU is arm64, not x64"]);
  assert.deepEqual(headerProblems(target("linux-arm64"), arm), [
    "Mach-O is not a linux format",
    "interpreter none is not glibc's",
  ]);
});

test("reads PE machine and subsystem; a Windows binary must be a console program", () => {
  const arm = readHeader(pe(0xaa64, 3));
  assert.equal(arm.summary, "PE32+ arm64 console");
  assert.deepEqual(headerProblems(target("windows-arm64"), arm), []);
  assert.deepEqual(headerProblems(target("windows-x64"), readHeader(pe(0x8664, 2))), [
    "not a console program",
  ]);
  const noPe = pe(0x8664, 3);
  noPe[0x80] = 0;
  assert.throws(() => readHeader(noPe), { message: "MZ file without a PE header" });
});

test("refuses bytes that are no executable", () => {
  assert.throws(() => readHeader(new TextEncoder().encode("#!/bin/sh\necho hi\n")), {
    message: "not an ELF, Mach-O (64-bit) or PE executable",
  });
});

test("reads the header of the running runtime (a real binary)", () => {
  const bytes = new Uint8Array(HEADER_BYTES);
  const fd = fs.openSync(process.execPath, "r");
  fs.readSync(fd, bytes, 0, bytes.length, 0);
  fs.closeSync(fd);
  const info = readHeader(bytes);
  const os = ({ linux: "linux", darwin: "darwin", win32: "windows" } as Record<string, string>)[
    process.platform
  ];
  assert.equal(info.os, os);
  assert.equal(info.arch, process.arch);
  assert.equal(info.is64, true);
});
