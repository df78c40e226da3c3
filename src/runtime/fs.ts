/**
 * Synchronous file access for the read path, without a static `node:`
 * import: a Bun-compiled binary loads every static `node:fs` import at
 * start-up (about 2 ms, most of a `get`'s budget). Here `node:fs` is taken
 * with `process.getBuiltinModule` only when called, and under Bun a one-shot
 * read can use Bun's own `Bun.file` / `Bun.mmap` instead (`native: true`).
 *
 * Stamps identify a version of a file for change detection. Bun's native
 * stat has no inode, so its stamp is size and modification time; callers
 * treat a file modified in the last few seconds as "racy" and read it again
 * next time instead of trusting the stamp (as git does with its index).
 *
 * @module
 */

import type * as NodeFs from "node:fs";

/** What a stat says about a path. */
export interface PathInfo {
  /** `file` (or, under Bun's native stat, anything that exists), `other` (a folder, a device...). */
  kind: "file" | "other";
  /** Identity of this version: inode, size, times (size and mtime under Bun's native stat). */
  stamp: string;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
}

/** Options of the functions here. */
export interface AccessOptions {
  /** Use Bun's native calls when running under Bun (fast start-up; for one-shot reads). */
  native?: boolean;
}

interface BunFile {
  size: number;
  lastModified: number;
}
interface BunApi {
  file(path: string): BunFile;
  mmap(path: string): Uint8Array;
}

/** Bun reports this modification time for a path that does not exist. */
const bunMissing = 2 ** 52 - 1;

function bun(options: AccessOptions): BunApi | undefined {
  // Bun.mmap does not exist on Windows: node:fs there.
  if (!options.native || process.platform === "win32") return undefined;
  return (globalThis as { Bun?: BunApi }).Bun;
}

/** `node:fs`, loaded on first use. */
export function nodeFs(): typeof NodeFs {
  return process.getBuiltinModule("node:fs") as typeof NodeFs;
}

function codeOf(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
}

/**
 * Stats `path` (following symbolic links). Undefined when it does not exist;
 * other failures (permission) throw the runtime's error (with `code`).
 */
export function statPath(path: string, options: AccessOptions = {}): PathInfo | undefined {
  const b = bun(options);
  if (b) {
    const f = b.file(path);
    const mtimeMs = f.lastModified;
    if (mtimeMs !== bunMissing) return { kind: "file", stamp: `${f.size}:${mtimeMs}`, mtimeMs };
    // Bun says "missing" for every failed stat (a link loop, a folder that
    // cannot be entered): opening the path tells which failure it is.
    try {
      b.mmap(path);
    } catch (e) {
      const code = codeOf(e);
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      if (code !== "EINVAL") throw e;
    }
  }
  try {
    // No exception for the common "not there" (building one is costly, under Deno most).
    const s = nodeFs().statSync(path, { throwIfNoEntry: false });
    if (s === undefined) return undefined;
    return {
      kind: s.isFile() ? "file" : "other",
      stamp: `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`,
      mtimeMs: s.mtimeMs,
    };
  } catch (e) {
    const code = codeOf(e);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

/**
 * True when `path` is a regular file (or a link to one), and also when
 * something is there that cannot be stat'ed (a link loop, no permission):
 * the reader then reports it instead of taking the file for absent.
 */
export function isFilePath(path: string, options: AccessOptions = {}): boolean {
  try {
    return statPath(path, options)?.kind === "file";
  } catch {
    return true;
  }
}

/** The bytes of a file; throws the runtime's error (with `code`: ENOENT, EACCES, EISDIR...). */
export function readBytes(path: string, options: AccessOptions = {}): Uint8Array {
  const b = bun(options);
  if (b) {
    try {
      // A copy, so the mapping is not touched after this line.
      return b.mmap(path).slice();
    } catch (e) {
      // An empty file cannot be mapped.
      if (codeOf(e) === "EINVAL" && b.file(path).size === 0) return new Uint8Array(0);
      throw e;
    }
  }
  return nodeFs().readFileSync(path);
}

/** The names in a folder; an empty list when it does not exist. */
export function readDirNames(path: string): string[] {
  try {
    return nodeFs().readdirSync(path);
  } catch (e) {
    if (codeOf(e) === "ENOENT" || codeOf(e) === "ENOTDIR") return [];
    throw e;
  }
}

/** The target of a symbolic link, or undefined when `path` is not one (or does not exist). */
export function readLink(path: string): string | undefined {
  try {
    return nodeFs().readlinkSync(path);
  } catch {
    return undefined;
  }
}
