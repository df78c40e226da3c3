import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSignature, signAdHoc } from "../../scripts/_build_macho_sign.ts";

/**
 * A minimal 64-bit Mach-O: header, an LC_SEGMENT_64 "__TEXT", an
 * LC_CODE_SIGNATURE reserving `reserve` bytes at `codeSize`, filler bytes.
 */
function machO(codeSize: number, reserve: number): Uint8Array {
  const bytes = new Uint8Array(codeSize + reserve);
  for (let i = 120; i < codeSize; i++) bytes[i] = (i * 7) % 256;
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0xfeedfacf, true);
  v.setUint32(4, 0x0100000c, true);
  v.setUint32(12, 2, true);
  v.setUint32(16, 2, true); // ncmds
  v.setUint32(20, 72 + 16, true);
  v.setUint32(32, 0x19, true); // LC_SEGMENT_64
  v.setUint32(36, 72, true);
  bytes.set(new TextEncoder().encode("__TEXT"), 40);
  v.setBigUint64(32 + 48, BigInt(codeSize), true); // filesize
  v.setUint32(104, 0x1d, true); // LC_CODE_SIGNATURE
  v.setUint32(108, 16, true);
  v.setUint32(112, codeSize, true);
  v.setUint32(116, reserve, true);
  return bytes;
}

test("an unsigned (zeroed) signature area is reported invalid", () => {
  assert.deepEqual(checkSignature(machO(10_000, 512)), {
    valid: false,
    detail: "signature is not a SuperBlob",
  });
});

test("signAdHoc writes a signature whose page hashes cover every byte before it", () => {
  const bytes = machO(3 * 4096 + 100, 512); // a partial last page
  signAdHoc(bytes, "strata");
  assert.deepEqual(checkSignature(bytes), {
    valid: true,
    detail: "ad-hoc signature valid (4 page hashes)",
  });
  const v = new DataView(bytes.buffer);
  const cd = 3 * 4096 + 100 + 20;
  assert.equal(v.getUint32(cd, false), 0xfade0c02);
  assert.equal(v.getUint32(cd + 12, false), 0x20002); // adhoc | linker-signed
  assert.equal(v.getUint32(cd + 32, false), 3 * 4096 + 100); // codeLimit
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

test("signAdHoc refuses when the reserved space is too small, changing nothing", () => {
  const bytes = machO(8 * 4096, 200);
  const before = bytes.slice();
  assert.throws(() => signAdHoc(bytes, "strata"), {
    message: "an ad-hoc signature needs 371 bytes; the file reserves 200",
  });
  assert.deepEqual(bytes, before);
});

test("a file without LC_CODE_SIGNATURE is unsigned", () => {
  const bytes = machO(4096, 0);
  new DataView(bytes.buffer).setUint32(16, 1, true); // only the segment command
  assert.deepEqual(checkSignature(bytes), {
    valid: false,
    detail: "unsigned: no LC_CODE_SIGNATURE load command",
  });
});
