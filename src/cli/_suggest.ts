/**
 * "Did you mean ...?" for a mistyped command, option or key: the candidate
 * that differs only in case, else the nearest by edit distance (a swap of
 * two neighbouring letters counts as one edit, so `gte` finds `get`), when
 * it is near enough to be a typo rather than another word.
 *
 * @module
 */

/**
 * The number of single-letter insertions, deletions, substitutions and
 * swaps of neighbours that turn `a` into `b` (optimal string alignment).
 *
 * @example
 * ```ts
 * import { editDistance } from "./_suggest.ts";
 * console.assert(editDistance("gte", "get") === 1);
 * console.assert(editDistance("shema", "schema") === 1);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(best);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate `word` was most likely meant to be, or undefined when none
 * is near: an exact match ignoring case first, else the nearest within
 * a third of the word's length (at least one edit, at most three).
 *
 * @example
 * ```ts
 * import { nearest } from "./_suggest.ts";
 * console.assert(nearest("gte", ["get", "set", "list"]) === "get");
 * console.assert(nearest("DB.PORT", ["db.port", "db.host"]) === "db.port");
 * console.assert(nearest("frob", ["get", "set"]) === undefined);
 * ```
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = word.toLowerCase();
  const sameCase = list.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of list) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/**
 * The message for a command word that is not a command: the nearest one,
 * if any, then the list.
 *
 * @example
 * ```ts
 * import { unknownCommand } from "./_suggest.ts";
 * console.assert(unknownCommand("gte", ["get", "set"]) ===
 *   'unknown command "gte"; did you mean "get"? commands: get, set');
 * ```
 */
export function unknownCommand(name: string, commands: readonly string[]): string {
  const near = nearest(name, commands);
  const hint = near === undefined ? "" : ` did you mean "${near}"?`;
  return `unknown command "${name}";${hint} commands: ${commands.join(", ")}`;
}
