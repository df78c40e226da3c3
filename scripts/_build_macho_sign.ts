/**
 * The code signature of a 64-bit Mach-O executable: checks it (every page
 * hash of the CodeDirectory against the file, as macOS does when it maps a
 * page), and writes an ad-hoc signature when Bun left an invalid one.
 * macOS on Apple silicon kills a program whose signature does not match;
 * Bun 1.4.5 signs darwin-arm64 output correctly but leaves
 * darwin-x64 with the runtime's original signature, which no longer covers
 * the appended program (known upstream). No Apple tool is needed: the
 * format is a SuperBlob holding one CodeDirectory of SHA-256 page hashes.
 *
 * @module
 */

import { createHash } from "node:crypto";

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const SUPERBLOB_MAGIC = 0xfade0cc0;
const CODEDIRECTORY_MAGIC = 0xfade0c02;
const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CD_VERSION = 0x20400; // has the exec-segment fields
const CD_HEADER = 88;
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;
const SHA256 = 2;

/** What a signature check found. */
export interface SignatureCheck {
  /** Whether every code page hash matches and the hashes cover all bytes before the signature. */
  valid: boolean;
  /** A few words for the table, or what is wrong. */
  detail: string;
}

interface Layout {
  view: DataView;
  sigOffset: number;
  sigSize: number;
  textFileSize: number;
  /** Offset of the LC_CODE_SIGNATURE command. */
  sigCommand: number;
  /** Offset of the __LINKEDIT LC_SEGMENT_64 command, or -1. */
  linkeditCommand: number;
}

function layout(bytes: Uint8Array): Layout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0xfeedfacf) throw new Error("not a 64-bit Mach-O file");
  const ncmds = view.getUint32(16, true);
  let at = 32;
  let sigCommand = -1;
  let linkeditCommand = -1;
  let textFileSize = 0;
  for (let i = 0; i < ncmds; i++) {
    const cmd = view.getUint32(at, true);
    if (cmd === LC_CODE_SIGNATURE) sigCommand = at;
    if (cmd === LC_SEGMENT_64) {
      const name = new TextDecoder().decode(bytes.subarray(at + 8, at + 24)).replace(/\0+$/, "");
      if (name === "__TEXT") textFileSize = Number(view.getBigUint64(at + 48, true));
      if (name === "__LINKEDIT") linkeditCommand = at;
    }
    at += view.getUint32(at + 4, true);
  }
  if (sigCommand === -1) throw new Error("no LC_CODE_SIGNATURE load command");
  const sigOffset = view.getUint32(sigCommand + 8, true);
  const sigSize = view.getUint32(sigCommand + 12, true);
  return { view, sigOffset, sigSize, textFileSize, sigCommand, linkeditCommand };
}

function pageHash(bytes: Uint8Array, page: number, limit: number): Uint8Array {
  // The last page is hashed as far as the code limit, not padded.
  const start = page * PAGE;
  return createHash("sha256").update(bytes.subarray(start, Math.min(start + PAGE, limit))).digest();
}

/**
 * Checks the embedded code signature of a Mach-O executable.
 *
 * @example
 * ```ts ignore
 * import { readFileSync } from "node:fs";
 * import { checkSignature } from "./_build_macho_sign.ts";
 * console.log(checkSignature(readFileSync("dist/strata-darwin-arm64")).detail);
 * ```
 */
export function checkSignature(bytes: Uint8Array): SignatureCheck {
  let l: Layout;
  try {
    l = layout(bytes);
  } catch (e) {
    return { valid: false, detail: `unsigned: ${(e as Error).message}` };
  }
  const { view, sigOffset } = l;
  if (view.getUint32(sigOffset, false) !== SUPERBLOB_MAGIC) {
    return { valid: false, detail: "signature is not a SuperBlob" };
  }
  const count = view.getUint32(sigOffset + 8, false);
  for (let i = 0; i < count; i++) {
    const type = view.getUint32(sigOffset + 12 + 8 * i, false);
    const cd = sigOffset + view.getUint32(sigOffset + 16 + 8 * i, false);
    if (type !== 0 || view.getUint32(cd, false) !== CODEDIRECTORY_MAGIC) continue;
    const flags = view.getUint32(cd + 12, false);
    const hashOffset = view.getUint32(cd + 16, false);
    const nCode = view.getUint32(cd + 28, false);
    const codeLimit = view.getUint32(cd + 32, false);
    const hashSize = bytes[cd + 36];
    if (bytes[cd + 37] !== SHA256 || bytes[cd + 39] !== PAGE_SHIFT) {
      return { valid: false, detail: "CodeDirectory is not SHA-256 over 4 KiB pages" };
    }
    if (codeLimit !== sigOffset) {
      return {
        valid: false,
        detail: `hashes cover ${codeLimit} bytes, not the ${sigOffset} before the signature`,
      };
    }
    let bad = 0;
    for (let p = 0; p < nCode; p++) {
      const want = bytes.subarray(
        cd + hashOffset + p * hashSize,
        cd + hashOffset + (p + 1) * hashSize,
      );
      const got = pageHash(bytes, p, codeLimit).subarray(0, hashSize);
      if (!got.every((b, i) => b === want[i])) bad++;
    }
    const kind = flags & CS_ADHOC ? "ad-hoc" : "signed";
    if (bad > 0) {
      return {
        valid: false,
        detail: `${kind} signature invalid: ${bad}/${nCode} page hashes differ`,
      };
    }
    return { valid: true, detail: `${kind} signature valid (${nCode} page hashes)` };
  }
  return { valid: false, detail: "no CodeDirectory in the signature" };
}

/**
 * Replaces the signature of a Mach-O executable by an ad-hoc
 * ("linker-signed") one, as `codesign --force --sign -` or the linker would
 * write: one CodeDirectory hashing every page before the signature. Returns
 * the signed file: the same bytes, changed in place, when the space its
 * LC_CODE_SIGNATURE reserves is enough; else a longer copy whose signature
 * space (at the end of the file, in __LINKEDIT) has grown to fit. Throws
 * when the signature is not at the end of the file.
 */
export function signAdHoc(input: Uint8Array, identifier: string): Uint8Array {
  const before = layout(input);
  const ident = new TextEncoder().encode(`${identifier}\0`);
  const nCode = Math.ceil(before.sigOffset / PAGE);
  const hashOffset = CD_HEADER + ident.length;
  const cdLength = hashOffset + nCode * 32;
  const total = 12 + 8 + cdLength;
  const bytes = total <= before.sigSize ? input : grow(input, before, total);
  const { view, sigOffset, sigSize, textFileSize } = layout(bytes);
  // Hashed after any growth: the load commands that describe it are in page 0.
  const hashes = Array.from({ length: nCode }, (_, p) => pageHash(bytes, p, sigOffset));
  bytes.fill(0, sigOffset, sigOffset + sigSize);
  view.setUint32(sigOffset, SUPERBLOB_MAGIC, false);
  view.setUint32(sigOffset + 4, total, false);
  view.setUint32(sigOffset + 8, 1, false);
  view.setUint32(sigOffset + 12, 0, false); // slot: CodeDirectory
  view.setUint32(sigOffset + 16, 20, false);
  const cd = sigOffset + 20;
  const u32 = [
    CODEDIRECTORY_MAGIC,
    cdLength,
    CD_VERSION,
    CS_ADHOC | CS_LINKER_SIGNED,
    hashOffset,
    CD_HEADER,
    0,
    nCode,
    sigOffset,
  ];
  u32.forEach((v, i) => view.setUint32(cd + 4 * i, v, false));
  bytes.set([32, SHA256, 0, PAGE_SHIFT], cd + 36); // hashSize, hashType, platform, pageSize
  // spare2, scatterOffset, teamOffset, spare3 and codeLimit64 stay 0.
  view.setBigUint64(cd + 64, 0n, false); // execSegBase
  view.setBigUint64(cd + 72, BigInt(textFileSize), false); // execSegLimit
  view.setBigUint64(cd + 80, BigInt(CS_EXECSEG_MAIN_BINARY), false);
  bytes.set(ident, cd + CD_HEADER);
  hashes.forEach((h, p) => bytes.set(h, cd + hashOffset + p * 32));
  return bytes;
}

/** Segment sizes in memory are whole pages; 16 KiB is a page on arm64 and four on x86-64. */
const SEGMENT_ALIGN = 0x4000;

/**
 * A copy of the file with room for a `needed`-byte signature: the signature
 * is the last thing in the file and in __LINKEDIT, so both simply get longer.
 */
function grow(bytes: Uint8Array, l: Layout, needed: number): Uint8Array {
  const end = l.sigOffset + l.sigSize;
  const linkedit = l.linkeditCommand;
  if (end !== bytes.length || linkedit === -1) {
    throw new Error("the signature is not at the end of the file: cannot make room for a new one");
  }
  const fileoff = Number(l.view.getBigUint64(linkedit + 40, true));
  const filesize = Number(l.view.getBigUint64(linkedit + 48, true));
  if (fileoff + filesize !== end) throw new Error("__LINKEDIT does not end with the signature");
  const newSize = Math.ceil(needed / 16) * 16;
  const out = new Uint8Array(l.sigOffset + newSize);
  out.set(bytes.subarray(0, l.sigOffset));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(l.sigCommand + 12, newSize, true);
  const newFilesize = filesize + (newSize - l.sigSize);
  view.setBigUint64(linkedit + 48, BigInt(newFilesize), true);
  const vmsize = Number(view.getBigUint64(linkedit + 32, true));
  const neededVm = Math.ceil(newFilesize / SEGMENT_ALIGN) * SEGMENT_ALIGN;
  if (neededVm > vmsize) view.setBigUint64(linkedit + 32, BigInt(neededVm), true);
  return out;
}
