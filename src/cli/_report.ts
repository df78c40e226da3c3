/**
 * Turns an error that reached the top of the CLI into one message on stderr
 * and an exit code: a {@link StrataError} prints its message and exits with
 * its code; anything else is a bug (exit 70). No stack reaches a user unless
 * `--debug` asks for it.
 *
 * @module
 */

import { ExitCode, StrataError } from "../errors.ts";

/**
 * Prints `error` for a person and returns the exit code to end with.
 *
 * @example
 * ```ts
 * import { reportError } from "./_report.ts";
 * import { StrataError } from "../errors.ts";
 * let text = "";
 * const code = reportError(new StrataError("lock", "busy"), false, (t) => text += t);
 * console.assert(code === 4 && text === "strata: busy\n");
 * ```
 */
export function reportError(error: unknown, debug: boolean, err: (text: string) => void): number {
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : "";
  if (error instanceof StrataError) {
    err(`strata: ${error.message}\n${stack}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isSystemError(error)) {
    // The core wraps I/O failures in StrataError; an errno error that slipped
    // through is still an I/O failure (permission, disk full), not a bug.
    err(`strata: ${message}\ncheck the file's permissions and the free disk space\n${stack}`);
    return ExitCode.io;
  }
  err(
    `strata: internal error: ${message} (please report; rerun with --debug for details)\n${stack}`,
  );
  return ExitCode.internal;
}

function isSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && /^E[A-Z0-9]+$/.test(code) &&
    "syscall" in error;
}
