/**
 * A line diff (Myers' O(ND) shortest edit script) printed in unified format,
 * for `strata diff --text`.
 *
 * @module
 */

/** One line of a diff: kept (" "), removed ("-") or added ("+"). */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
  /** 1-based line in the old text (kept and removed lines). */
  oldLine?: number;
  /** 1-based line in the new text (kept and added lines). */
  newLine?: number;
}

/** Splits text into lines without their endings (LF or CRLF); no phantom last line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * The shortest sequence of kept, removed and added lines that turns `a` into `b`.
 *
 * @example
 * ```ts
 * import { diffLines } from "./line_diff.ts";
 * const d = diffLines(["a", "b"], ["a", "c"]);
 * console.assert(d.map((l) => l.op + l.text).join(",") === " a,-b,+c");
 * ```
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
        ? v[offset + k + 1]
        : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  return backtrack(a, b, trace, offset);
}

function backtrack(
  a: readonly string[],
  b: readonly string[],
  trace: Int32Array[],
  offset: number,
): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: " ", text: a[x - 1], oldLine: x, newLine: y });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: "+", text: b[y - 1], newLine: y });
      else out.push({ op: "-", text: a[x - 1], oldLine: x });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/**
 * A unified diff (`---`/`+++` headers, `@@` hunks with `context` lines around
 * each change), or "" when the texts have the same lines.
 *
 * @example
 * ```ts
 * import { unifiedDiff } from "./line_diff.ts";
 * const text = unifiedDiff("a\nb\n", "a\nc\n", "old", "new");
 * console.assert(text === "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
 * ```
 */
export function unifiedDiff(
  oldText: string,
  newText: string,
  oldName: string,
  newName: string,
  context = 3,
): string {
  const lines = diffLines(splitLines(oldText), splitLines(newText));
  const changed = lines.map((l, i) => (l.op === " " ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let end = Math.min(lines.length, changed[i] + context + 1);
    while (i + 1 < changed.length && changed[i + 1] - context <= end) {
      i++;
      end = Math.min(lines.length, changed[i] + context + 1);
    }
    out += hunk(lines.slice(start, end), lines, start);
    i++;
  }
  return out;
}

function hunk(slice: DiffLine[], all: DiffLine[], start: number): string {
  const oldCount = slice.filter((l) => l.op !== "+").length;
  const newCount = slice.filter((l) => l.op !== "-").length;
  const before = all.slice(0, start);
  const oldStart = before.filter((l) => l.op !== "+").length + (oldCount ? 1 : 0);
  const newStart = before.filter((l) => l.op !== "-").length + (newCount ? 1 : 0);
  const body = slice.map((l) => `${l.op}${l.text}\n`).join("");
  return `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n${body}`;
}
