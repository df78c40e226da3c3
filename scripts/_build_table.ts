/**
 * Renders rows as a Markdown table with padded columns, readable in a
 * terminal and pasteable into docs/release.md as it is. Pure.
 *
 * @module
 */

/**
 * Formats `rows` under `headers`; a `|` inside a cell is escaped so the
 * table stays a table.
 *
 * @example
 * ```ts
 * import { renderTable } from "./_build_table.ts";
 * const text = renderTable(["target", "result"], [["linux-x64", "ok"]]);
 * console.assert(text === "| target    | result |\n| --------- | ------ |\n| linux-x64 | ok     |\n");
 * ```
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [headers, ...rows].map((r) =>
    headers.map((_, i) => (r[i] ?? "").replace(/\|/g, "\\|"))
  );
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => [...r[i]].length)));
  const line = (r: readonly string[]) =>
    `| ${r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join(" | ")} |\n`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |\n`;
  return line(cells[0]) + rule + cells.slice(1).map(line).join("");
}

/**
 * A byte count for people: `104.2 MB` (decimal units, as `ls -h --si`).
 *
 * @example
 * ```ts
 * import { formatSize } from "./_build_table.ts";
 * console.assert(formatSize(109_209_776) === "109.2 MB");
 * console.assert(formatSize(512) === "512 B");
 * ```
 */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
