/**
 * What a watched path holds right now, read in one go, and the comparison
 * that decides whether its content really changed. Internal to
 * `src/runtime/watch/`.
 *
 * @module
 */

import type * as NodeFs from "node:fs";

/**
 * The state of a watched file: its bytes, its absence (the path, or a folder
 * above it, does not exist), or the error that stopped the read (its `code`:
 * `EACCES`, `EISDIR`, ...).
 */
export type FileState =
  | { readonly kind: "content"; readonly bytes: Uint8Array }
  | { readonly kind: "absent" }
  | { readonly kind: "error"; readonly code: string; readonly error: Error };

function codeOf(e: unknown): string {
  return String((e as { code?: unknown })?.code ?? "EUNKNOWN");
}

/** Reads `path` whole; never throws. */
export function readFileState(fs: typeof NodeFs, path: string): FileState {
  try {
    const b = fs.readFileSync(path);
    return { kind: "content", bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
  } catch (e) {
    const code = codeOf(e);
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "absent" };
    return { kind: "error", code, error: e instanceof Error ? e : new Error(String(e)) };
  }
}

/** True when both states say the same: equal bytes, both absent, or errors with one code. */
export function sameFileState(a: FileState, b: FileState): boolean {
  if (a.kind === "content" && b.kind === "content") return sameBytes(a.bytes, b.bytes);
  if (a.kind === "error" && b.kind === "error") return a.code === b.code;
  return a.kind === b.kind;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A stat stamp of `path` for the safety poll: inode, size and times, or
 * `absent`, or `error:<code>`. `racy` is true when the file was modified so
 * recently that a second write within the clock's resolution could keep the
 * same stamp (as git treats its index): the poll then reads the content anyway.
 */
export function statStamp(
  fs: typeof NodeFs,
  path: string,
  now: number,
): { stamp: string; racy: boolean } {
  try {
    const s = fs.statSync(path, { throwIfNoEntry: false });
    if (s === undefined) return { stamp: "absent", racy: false };
    return {
      stamp: `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`,
      racy: now - Math.max(s.mtimeMs, s.ctimeMs) < RACY_MS,
    };
  } catch (e) {
    const code = codeOf(e);
    if (code === "ENOENT" || code === "ENOTDIR") return { stamp: "absent", racy: false };
    return { stamp: `error:${code}`, racy: false };
  }
}

/** How recent (ms) a modification must be for a stamp to be "racy". */
const RACY_MS = 3_000;
