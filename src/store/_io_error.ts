/**
 * Turns an operating-system error into a {@link StrataError} whose message a
 * person can act on: what failed, on which file, the cause in words, and
 * what to do. Internal to `src/store/`.
 *
 * @module
 */

import * as path from "node:path";
import { StrataError } from "../errors.ts";

/** The errno code of an error thrown by `node:fs`, if any. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Causes in words, and the advice that goes with them. */
const causes: Record<string, (file: string) => [cause: string, advice: string]> = {
  ENOSPC: (file) => [
    "no space left on device",
    `free some space on the disk that holds ${path.dirname(file)} and retry`,
  ],
  EDQUOT: () => ["disk quota exceeded", "free some space or ask for a larger quota, then retry"],
  EACCES: (file) => [
    `permission denied: ${path.dirname(file)} is not writable by you`,
    "check the owner and mode of the file and its folder (ls -ld), or run as the user that owns it",
  ],
  EPERM: (file) => [
    `operation not permitted on ${file}`,
    "check the owner, mode and flags (immutable, append-only) of the file and its folder",
  ],
  EROFS: () => ["read-only file system", "write to a file on a writable file system"],
  ENOENT: (file) => [
    `no such file or folder (${path.dirname(file)} may be missing)`,
    "check the path",
  ],
  ENOTDIR: (file) => [
    `a part of ${path.dirname(file)} is not a folder`,
    "check the path",
  ],
  EISDIR: (file) => [`${file} is a folder`, "point strata at a file"],
  ELOOP: (file) => [
    `too many symbolic links (a loop?) at ${file}`,
    "fix the symbolic links (ls -l)",
  ],
  ENAMETOOLONG: () => ["file name too long", "use a shorter path"],
  EMFILE: () => ["too many open files", "close some files or raise the limit (ulimit -n)"],
  ENFILE: () => ["too many open files in the system", "retry later"],
  EIO: () => ["input/output error (the disk may be failing)", "check the disk (dmesg)"],
  EBUSY: (file) => [`${file} is busy (open in another program?)`, "close it and retry"],
  EXDEV: () => ["the files are on different file systems", "report this as a bug"],
};

/** EACCES while reading: the file, or a folder on the way to it, is closed to us. */
const readDenied = (file: string): [string, string] => [
  `permission denied: you cannot read ${file} or enter its folder ${path.dirname(file)}`,
  "check the modes of the file and of each folder above it (ls -ld), or run as the user that owns it",
];

/**
 * Builds the `io` error for a failed operation.
 *
 * @param doing what strata was doing, e.g. `"cannot write /x/config.toml"`
 * @param file the file the operation touched (used for folder hints)
 * @param error the thrown error
 * @param unchanged whether the target file is known to be untouched
 */
export function ioError(
  doing: string,
  file: string,
  error: unknown,
  unchanged = true,
): StrataError {
  if (error instanceof StrataError) return error;
  const code = errnoOf(error);
  const reading = /^cannot (read|list)/.test(doing);
  const describe = code === undefined
    ? undefined
    : reading && code === "EACCES"
    ? readDenied
    : causes[code];
  const [cause, advice] = describe
    ? describe(file)
    : [(error as Error)?.message ?? String(error), "retry, or report this as a bug"];
  const state = unchanged ? " The file was not changed." : "";
  const codeText = code === undefined ? "" : ` (${code})`;
  return new StrataError("io", `${doing}: ${cause}${codeText}.${state} To fix: ${advice}.`, {
    cause: error,
  });
}
