/**
 * strata's error types. Every error a user can cause is a {@link StrataError}
 * whose `code` maps to a documented, stable exit code (see README "Exit codes").
 *
 * @module
 */

import type { Hint } from "./hints.ts";

/** Stable exit codes of the `strata` binary. */
export const ExitCode = {
  ok: 0,
  notFound: 1,
  usage: 2,
  invalid: 3,
  lock: 4,
  io: 5,
  conflict: 6,
  internal: 70,
} as const;

/** The kind of failure; each maps to one exit code. */
export type ErrorCode =
  | "not_found"
  | "usage"
  | "parse"
  | "type"
  | "schema"
  | "lock"
  | "io"
  | "conflict";

const exitCodeOf: Record<ErrorCode, number> = {
  not_found: ExitCode.notFound,
  usage: ExitCode.usage,
  parse: ExitCode.invalid,
  type: ExitCode.invalid,
  schema: ExitCode.invalid,
  lock: ExitCode.lock,
  io: ExitCode.io,
  conflict: ExitCode.conflict,
};

/**
 * The exit code of an error code.
 *
 * @example
 * ```ts
 * import { exitCodeFor } from "./errors.ts";
 * console.assert(exitCodeFor("io") === 5 && exitCodeFor("parse") === 3);
 * ```
 */
export function exitCodeFor(code: ErrorCode): number {
  return exitCodeOf[code];
}

/**
 * Base class of every error strata raises on purpose. The message says what
 * happened, where (file, line, column, key) and what to do next.
 *
 * @example
 * ```ts
 * import { StrataError } from "./errors.ts";
 * const e = new StrataError("usage", "unknown command \"frob\"; run strata --help");
 * console.assert(e.exitCode === 2);
 * ```
 */
export class StrataError extends Error {
  /** What kind of failure this is. */
  readonly code: ErrorCode;

  /**
   * What a person can do about it, as data (the message words them): e.g.
   * `{ action: "restore", app: "demo", layer: "user", which: "latest" }`.
   */
  readonly hints: readonly Hint[];

  /** An error of kind `code` with its `message` for people, the `cause` and the `hints`. */
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; hints?: readonly Hint[] },
  ) {
    super(message, options && "cause" in options ? { cause: options.cause } : undefined);
    this.name = "StrataError";
    this.code = code;
    this.hints = options?.hints ?? [];
  }

  /** The exit code the CLI ends with for this error. */
  get exitCode(): number {
    return exitCodeOf[this.code];
  }
}
