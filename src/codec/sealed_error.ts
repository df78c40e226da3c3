/**
 * The error of the sealed-value codec: one class, a `reason` a program can
 * branch on, and a message that says what happened, for which key, and what
 * to do.
 *
 * @module
 */

import { type ErrorCode, StrataError } from "../errors.ts";
import type { SealedContext } from "./sealed_context.ts";

/**
 * Why a sealed value or key could not be used:
 * - `malformed`: the sealed text is damaged (not base64url, cut short);
 * - `version`: sealed in a format version this strata cannot open;
 * - `not-sealed`: the text is not a sealed value at all;
 * - `identity`: sealed for another identity (or its key part was altered);
 * - `moved`: the identity is right, but the value was sealed for another key,
 *   layer or app and copied here, or its ciphertext was altered;
 * - `plaintext`: it opened, but what it holds is not a TOML value (a writer's bug);
 * - `identity-text`, `recipient-text`: a key's text form is not valid;
 * - `recipient`: the recipient key is not usable (a low-order point).
 */
export type SealedFailure =
  | "malformed"
  | "version"
  | "not-sealed"
  | "identity"
  | "moved"
  | "plaintext"
  | "identity-text"
  | "recipient-text"
  | "recipient";

const codeOf: Record<SealedFailure, ErrorCode> = {
  malformed: "parse",
  version: "parse",
  "not-sealed": "parse",
  identity: "parse",
  moved: "parse",
  plaintext: "parse",
  "identity-text": "usage",
  "recipient-text": "usage",
  recipient: "usage",
};

/**
 * A sealed value that cannot be opened or sealed, or a key text that cannot
 * be read. Stored-data failures have code `parse` (exit 3), key texts given by
 * a person have code `usage` (exit 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SealedError } from "./sealed_error.ts";
 * const e = new SealedError("version", "sealed in format v2");
 * assert.equal(e.code, "parse");
 * assert.equal(e.exitCode, 3);
 * ```
 */
export class SealedError extends StrataError {
  /** What went wrong, for programs. */
  readonly reason: SealedFailure;
  /** The place the value was read for, when known. */
  readonly context?: SealedContext;
  /** With reason `moved`: the place it was sealed for, when a candidate matched. */
  readonly sealedFor?: SealedContext;

  /**
   * A failure `reason` (which sets the `code`), the `message` for people, and
   * the places involved when known.
   */
  constructor(
    reason: SealedFailure,
    message: string,
    options: { context?: SealedContext; sealedFor?: SealedContext; cause?: unknown } = {},
  ) {
    super(codeOf[reason], message, { cause: options.cause });
    this.name = "SealedError";
    this.reason = reason;
    if (options.context !== undefined) this.context = options.context;
    if (options.sealedFor !== undefined) this.sealedFor = options.sealedFor;
  }
}
