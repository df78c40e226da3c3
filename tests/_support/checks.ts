/**
 * Checks many tests repeat: no stack trace reaches a user, and a file still
 * parses as TOML.
 *
 * @module
 */

import { parse } from "../../src/toml/parse.ts";

/** A stack frame line as V8/JSC print them: a stack trace must never reach a user. */
const STACK_FRAME = /^\s{4}at /m;

/** Asserts `stderr` holds no stack trace; returns it for chaining. */
export function noStack(stderr: string, context = ""): string {
  if (STACK_FRAME.test(stderr) || /\bat .*\.ts:\d+:\d+\)?\s*$/m.test(stderr)) {
    throw new Error(`a stack trace reached the user${context ? ` (${context})` : ""}:\n${stderr}`);
  }
  return stderr;
}

/** Parses TOML text with strata's own parser; returns undefined when it does not parse. */
export function tryParseToml(text: string): Record<string, unknown> | undefined {
  try {
    return parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
