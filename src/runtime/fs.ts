/**
 * File access for the read path, in one place, without a static `node:`
 * import: a Bun-compiled binary loads every static `node:fs` import at
 * start-up, and `node:fs` itself costs more than the rest of a `get`. Here
 * `node:fs` is taken with `process.getBuiltinModule` only when called.
 *
 * Every read of something strata did not write itself (a layer file, a
 * schema, a lock, a backup, a text given to `edit --from`) goes through
 * {@link readRegularFile}: opened read-only (never for writing: a read must
 * work on a 0444 file, a root-owned system file and a read-only file
 * system, and must not look like a write to inotify), without blocking (a
 * FIFO does not hang the open), checked to be a regular file no bigger
 * than {@link maxReadBytes} before a byte is read, and read with `read(2)`
 * into memory (a file rewritten in place during the read gives a torn text
 * that does not parse, never a crash). `/dev/null` reads as empty (the
 * "link my config to /dev/null" idiom).
 *
 * Under Bun a one-shot command may read ahead with {@link prefetchFiles}
 * (Bun's own asynchronous `stat` and read-only read, which cost nearly
 * nothing at start-up); the synchronous functions here then answer from
 * what was read ahead, and fall back to `node:fs` for anything else. Bun
 * checks the type by path and then reads (it has no call on a descriptor
 * here): a regular file replaced by a FIFO between the two, by someone
 * who may write its folder, could still block that one read.
 *
 * @module
 */

import type * as NodeFs from "node:fs";

/**
 * The biggest file strata reads (64 MiB): configuration files, schemas,
 * backups and texts given to `edit --from` beyond it are refused (`EFBIG`)
 * instead of filling memory.
 */
export const maxReadBytes = 64 * 1024 * 1024;

/** What is at a path. */
export type PathType = "file" | "folder" | "fifo" | "device" | "socket" | "null";

/** What a stat says about a path. */
export interface PathInfo {
  /** `file` (a regular file, or `/dev/null`, which reads as empty), or `other`. */
  kind: "file" | "other";
  /** What it is: `null` is `/dev/null` (or a link to it). */
  type: PathType;
  /** Identity of this version: inode, size, times. */
  stamp: string;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** The owner's user id (POSIX). */
  uid?: number;
  /** Size in bytes. */
  size: number;
}

/** What {@link prefetchFiles} found at one path. */
export interface Prefetched {
  /** The stat (undefined: nothing there). */
  info?: PathInfo;
  /** Why the stat failed (other than "not there"). */
  error?: unknown;
  /** The bytes, for a regular file that could be read; or why it could not. */
  read?: Uint8Array | Error;
}

/** Paths read ahead, by absolute path. */
export type PrefetchMap = Map<string, Prefetched>;

/** Options of the functions here. */
export interface AccessOptions {
  /** Answers read ahead by {@link prefetchFiles} (other paths use `node:fs`). */
  prefetched?: PrefetchMap;
}

/** Options of {@link readRegularFile}. */
export interface ReadOptions extends AccessOptions {
  /** The most bytes accepted (default {@link maxReadBytes}). */
  limit?: number;
}

interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  ino: number | bigint;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  uid: number;
  rdev: number | bigint;
}

interface BunFile {
  stat(): Promise<StatLike>;
  slice(start: number, end: number): { bytes(): Promise<Uint8Array> };
}
interface BunApi {
  file(path: string): BunFile;
}

/** `node:fs`, loaded on first use. */
export function nodeFs(): typeof NodeFs {
  return process.getBuiltinModule("node:fs") as typeof NodeFs;
}

function codeOf(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
}

/** Linux's and the BSDs' device number of `/dev/null` (major 1 minor 3; macOS 3,2). */
function isDevNull(s: StatLike, path?: string): boolean {
  if (!s.isCharacterDevice() || process.platform === "win32") return false;
  if (path === "/dev/null") return true;
  try {
    return String(nodeFs().statSync("/dev/null").rdev) === String(s.rdev);
  } catch {
    return false;
  }
}

function typeOf(s: StatLike, path?: string): PathType | "other" {
  if (s.isFile()) return "file";
  if (s.isDirectory()) return "folder";
  if (s.isFIFO()) return "fifo";
  if (s.isSocket()) return "socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return isDevNull(s, path) ? "null" : "device";
  return "device";
}

function infoOf(s: StatLike, path?: string): PathInfo {
  const type = typeOf(s, path) as PathType;
  return {
    kind: type === "file" || type === "null" ? "file" : "other",
    type,
    stamp: `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`,
    mtimeMs: s.mtimeMs,
    uid: s.uid,
    size: type === "null" ? 0 : s.size,
  };
}

/** The words for what a path is, in errors: "a folder", "a FIFO (named pipe)". */
export function typeWords(type: PathType): string {
  switch (type) {
    case "folder":
      return "a folder";
    case "fifo":
      return "a FIFO (named pipe)";
    case "socket":
      return "a socket";
    case "device":
      return "a device";
    default:
      return "a file";
  }
}

/** The error of a read of something that is not a regular file (code `ENOTREG`). */
function notRegular(path: string, type: PathType): Error {
  return Object.assign(new Error(`${path} is ${typeWords(type)}, not a regular file`), {
    code: type === "folder" ? "EISDIR" : "ENOTREG",
    type,
    path,
  });
}

/** The error of a read of a file bigger than the limit (code `EFBIG`). */
function tooBig(path: string, size: number, limit: number): Error {
  return Object.assign(
    new Error(
      `${path} is too big to be a configuration file (${size} bytes; the limit is ${limit})`,
    ),
    { code: "EFBIG", size, limit, path },
  );
}

/**
 * Stats `path` (following symbolic links). Undefined when it does not exist;
 * other failures (permission, a link loop) throw the runtime's error (with `code`).
 */
export function statPath(path: string, options: AccessOptions = {}): PathInfo | undefined {
  const ahead = options.prefetched?.get(path);
  if (ahead) {
    if (ahead.error !== undefined) throw ahead.error;
    return ahead.info;
  }
  try {
    // No exception for the common "not there" (building one is costly, under Deno most).
    const s = nodeFs().statSync(path, { throwIfNoEntry: false });
    return s === undefined ? undefined : infoOf(s as StatLike, path);
  } catch (e) {
    const code = codeOf(e);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

/**
 * What is at `path` for a probe: its stat, `undefined` when nothing is
 * there, or `unknown` when something is there that cannot be stat'ed (a
 * link loop, no permission): the reader then reports it instead of taking
 * the file for absent.
 */
export function probePath(
  path: string,
  options: AccessOptions = {},
): PathInfo | "unknown" | undefined {
  try {
    return statPath(path, options);
  } catch {
    return "unknown";
  }
}

/**
 * True when `path` is a regular file (or a link to one, or `/dev/null`),
 * and also when something is there that cannot be stat'ed (see {@link probePath}).
 */
export function isFilePath(path: string, options: AccessOptions = {}): boolean {
  const found = probePath(path, options);
  return found === "unknown" || found?.kind === "file";
}

/**
 * Reads a regular file whole, read-only and bounded (see the module doc):
 * throws `ENOTREG` (a FIFO, a device, a socket) or `EISDIR` (a folder)
 * before reading a byte, `EFBIG` beyond `limit`, and the runtime's error
 * otherwise (`ENOENT`, `EACCES`, ...). `/dev/null` reads as empty.
 */
export function readRegularFile(path: string, options: ReadOptions = {}): Uint8Array {
  const limit = options.limit ?? maxReadBytes;
  const ahead = options.prefetched?.get(path);
  if (ahead?.read !== undefined) {
    if (ahead.read instanceof Error) throw ahead.read;
    if (ahead.read.length > limit) throw tooBig(path, ahead.read.length, limit);
    return ahead.read;
  }
  const fs = nodeFs();
  const c = fs.constants;
  // O_NONBLOCK: opening a FIFO with no writer returns at once (it is refused just below).
  const fd = fs.openSync(path, c.O_RDONLY | (c.O_NONBLOCK ?? 0) | (c.O_NOCTTY ?? 0));
  try {
    const s = fs.fstatSync(fd) as StatLike;
    if (!s.isFile()) {
      const type = typeOf(s, path) as PathType;
      if (type === "null") return new Uint8Array(0);
      throw notRegular(path, type);
    }
    if (s.size > limit) throw tooBig(path, s.size, limit);
    // One byte more than the size, to see a file that grows while it is read.
    let buffer = new Uint8Array(s.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) throw tooBig(path, length, limit);
        const bigger = new Uint8Array(Math.min(buffer.length * 2, limit + 1));
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) throw tooBig(path, length, limit);
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** The bytes of a layer file (see {@link readRegularFile}). */
export function readBytes(path: string, options: ReadOptions = {}): Uint8Array {
  return readRegularFile(path, options);
}

function bunApi(): BunApi | undefined {
  if (process.platform === "win32") return undefined;
  return (globalThis as { Bun?: BunApi }).Bun;
}

/** Reads one path ahead with Bun's calls (see {@link prefetchFiles}). */
async function prefetchOne(bun: BunApi, path: string, limit: number): Promise<Prefetched> {
  let info: PathInfo;
  try {
    info = infoOf(await bun.file(path).stat(), path);
  } catch (e) {
    const code = codeOf(e);
    return code === "ENOENT" || code === "ENOTDIR" ? {} : { error: e };
  }
  if (info.type === "null") return { info, read: new Uint8Array(0) };
  if (info.type !== "file") return { info, read: notRegular(path, info.type) };
  if (info.size > limit) return { info, read: tooBig(path, info.size, limit) };
  try {
    // Bun opens it read-only and non-blocking; the slice bounds a file that grows meanwhile.
    const bytes = await bun.file(path).slice(0, limit + 1).bytes();
    return { info, read: bytes.length > limit ? tooBig(path, bytes.length, limit) : bytes };
  } catch (e) {
    return { info, read: e as Error };
  }
}

/**
 * Stats and reads `paths` ahead, concurrently, with Bun's asynchronous
 * calls (a no-op elsewhere: the synchronous functions then use `node:fs`).
 * Only regular files are read (and `/dev/null`, as empty); what is found is
 * added to `into`, which the functions here take as `prefetched`.
 */
export async function prefetchFiles(
  paths: string[],
  into: PrefetchMap = new Map(),
  limit = maxReadBytes,
): Promise<PrefetchMap> {
  const bun = bunApi();
  if (!bun) return into;
  const todo = paths.filter((p) => !into.has(p));
  const found = await Promise.all(todo.map((p) => prefetchOne(bun, p, limit)));
  todo.forEach((p, i) => into.set(p, found[i]));
  return into;
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
