import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSignature, signAdHoc } from "../../scripts/_build_macho_sign.ts";

const SIG_COMMAND = 32 + 72 + 72;
const LINKEDIT_COMMAND = 32 + 72;

/**
 * A minimal 64-bit Mach-O: header; LC_SEGMENT_64 "__TEXT" and "__LINKEDIT"
 * (the latter ending with the signature); LC_CODE_SIGNATURE reserving
 * `reserve` bytes at `codeSize`; filler bytes.
 */
function machO(codeSize: number, reserve: number): Uint8Array {
  const bytes = new Uint8Array(codeSize + reserve);
  for (let i = 200; i < codeSize; i++) bytes[i] = (i * 7) % 256;
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0xfeedfacf, true);
  v.setUint32(4, 0x0100000c, true);
  v.setUint32(12, 2, true);
  v.setUint32(16, 3, true); // ncmds
  v.setUint32(20, 72 + 72 + 16, true);
  const segment = (at: number, name: string, fileoff: number, filesize: number) => {
    v.setUint32(at, 0x19, true);
    v.setUint32(at + 4, 72, true);
    bytes.set(new TextEncoder().encode(name), at + 8);
    v.setBigUint64(at + 32, BigInt(Math.ceil(filesize / 0x4000) * 0x4000), true); // vmsize
    v.setBigUint64(at + 40, BigInt(fileoff), true);
    v.setBigUint64(at + 48, BigInt(filesize), true);
  };
  segment(32, "__TEXT", 0, 4096);
  segment(LINKEDIT_COMMAND, "__LINKEDIT", 4096, codeSize - 4096 + reserve);
  v.setUint32(SIG_COMMAND, 0x1d, true); // LC_CODE_SIGNATURE
  v.setUint32(SIG_COMMAND + 4, 16, true);
  v.setUint32(SIG_COMMAND + 8, codeSize, true);
  v.setUint32(SIG_COMMAND + 12, reserve, true);
  return bytes;
}

test("an unsigned (zeroed) signature area is reported invalid", () => {
  assert.deepEqual(checkSignature(machO(10_000, 512)), {
    valid: false,
    detail: "signature is not a SuperBlob",
  });
});

test("signAdHoc writes, in place, a signature whose page hashes cover every byte before it", () => {
  const bytes = machO(3 * 4096 + 100, 512); // a partial last page
  const signed = signAdHoc(bytes, "strata");
  assert.equal(signed, bytes);
  assert.deepEqual(checkSignature(bytes), {
    valid: true,
    detail: "ad-hoc signature valid (4 page hashes)",
  });
  const v = new DataView(bytes.buffer);
  const cd = 3 * 4096 + 100 + 20;
  assert.equal(v.getUint32(cd, false), 0xfade0c02);
  assert.equal(v.getUint32(cd + 12, false), 0x20002); // adhoc | linker-signed
  assert.equal(v.getUint32(cd + 32, false), 3 * 4096 + 100); // codeLimit
  assert.equal(v.getBigUint64(cd + 72, false), 4096n); // execSegLimit: __TEXT's size
  assert.equal(new TextDecoder().decode(bytes.subarray(cd + 88, cd + 94)), "strata");
});

test("a changed byte is caught, page by page", () => {
  const bytes = machO(3 * 4096, 512);
  signAdHoc(bytes, "strata");
  bytes[5000] ^= 1;
  assert.deepEqual(checkSignature(bytes), {
    valid: false,
    detail: "ad-hoc signature invalid: 1/3 page hashes differ",
  });
});

test("when the reserved space is too small, the signature and __LINKEDIT grow at the end", () => {
  const bytes = machO(8 * 4096, 200); // needs 371 bytes
  const before = bytes.slice();
  const signed = signAdHoc(bytes, "strata");
  assert.deepEqual(bytes, before); // the input is left alone
  assert.equal(signed.length, 8 * 4096 + 384);
  const v = new DataView(signed.buffer);
  assert.equal(v.getUint32(SIG_COMMAND + 12, true), 384);
  assert.equal(v.getBigUint64(LINKEDIT_COMMAND + 48, true), BigInt(7 * 4096 + 384));
  assert.equal(v.getBigUint64(LINKEDIT_COMMAND + 32, true), 0x8000n); // vmsize covers it
  assert.deepEqual(checkSignature(signed), {
    valid: true,
    detail: "ad-hoc signature valid (8 page hashes)",
  });
});

test("signAdHoc refuses to grow a signature that is not at the end of the file", () => {
  const bytes = new Uint8Array([...machO(8 * 4096, 200), 0, 0, 0, 0]);
  assert.throws(() => signAdHoc(bytes, "strata"), {
    message: "the signature is not at the end of the file: cannot make room for a new one",
  });
});

test("a file without LC_CODE_SIGNATURE is unsigned", () => {
  const bytes = machO(4096, 0);
  new DataView(bytes.buffer).setUint32(16, 2, true); // only the segment commands
  assert.deepEqual(checkSignature(bytes), {
    valid: false,
    detail: "unsigned: no LC_CODE_SIGNATURE load command",
  });
});
