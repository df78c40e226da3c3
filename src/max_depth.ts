/**
 * One bound on nesting for everything strata reads, converts, merges,
 * compares and writes: the TOML and JSON parsers refuse deeper text, and
 * every value that enters another way (a `set` value, an environment
 * variable, `--set`, a program's value) is measured against the same bound
 * before any code walks it recursively. A value that fits here can be
 * walked, written and read back on every runtime's stack.
 *
 * @module
 */

import { StrataError } from "./errors.ts";
import { isTable } from "./is_table.ts";

/**
 * Deepest nesting accepted: key segments plus levels of arrays and tables
 * (`a.b = [[1]]` is 4 levels deep).
 */
export const MAX_DEPTH = 512;

/**
 * How many levels of arrays and tables `value` nests (a scalar is 0, `[]`
 * and `[1]` are 1, `{ a: [1] }` is 2), counted without recursion; counting
 * stops once it passes `limit`, so the answer is at most `limit + 1`.
 *
 * @example
 * ```ts
 * import { nestingDepth } from "./max_depth.ts";
 * console.assert(nestingDepth(1) === 0 && nestingDepth({ a: [[1]] }) === 3);
 * console.assert(nestingDepth([[[[1]]]], 2) === 3);
 * ```
 */
export function nestingDepth(value: unknown, limit = MAX_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    const children = Array.isArray(v) ? v : isTable(v) ? Object.values(v) : undefined;
    if (children === undefined) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return limit + 1;
    for (const child of children) {
      if (Array.isArray(child) || isTable(child)) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/**
 * Why a value under a key `segments` deep cannot be kept: the bound counts
 * the key's segments and the value's levels together.
 */
export function tooDeepReason(segments: number): string {
  return `the value nests arrays and tables more than ${MAX_DEPTH - segments} levels deep ` +
    `(a key and its value may nest at most ${MAX_DEPTH} levels: flatten the value)`;
}

/**
 * The guard at the top of a recursive walk over a value that entered
 * through a measured door (a parser, {@link nestingDepth}): a backstop, so
 * a door that was missed ends in a message (exit 3), not in a stack
 * overflow. `what` names the walk for the message.
 */
export function guardDepth(depth: number, what: string): void {
  if (depth > MAX_DEPTH) {
    throw new StrataError(
      "type",
      `${what}: the value nests deeper than ${MAX_DEPTH} levels, the most strata handles`,
    );
  }
}
