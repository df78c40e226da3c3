/**
 * Colour for people at a terminal: on when the stream is a terminal, off
 * when it is not (a pipe, a file) or when `NO_COLOR` is set to anything
 * but the empty text (https://no-color.org), or `TERM` is `dumb`. Loaded
 * only by the outputs that colour (explain, diff, an error).
 *
 * @module
 */

import type * as Tty from "node:tty";

/** SGR codes of the styles strata uses. */
const STYLES = {
  bold: "1",
  dim: "2",
  red: "31",
  green: "32",
  yellow: "33",
  cyan: "36",
  boldRed: "1;31",
} as const;

/** A style name of {@link STYLES}. */
export type Style = keyof typeof STYLES;

/** Paints texts, or leaves them as they are when colour is off. */
export interface Painter {
  /** Whether this painter colours at all. */
  on: boolean;
  /** `text` in `style` (unchanged when off). */
  paint(style: Style, text: string): string;
}

/** Whether output on file descriptor `fd` (1 stdout, 2 stderr) gets colour. */
export function colourWanted(env: Record<string, string | undefined>, fd: 1 | 2): boolean {
  if ((env.NO_COLOR ?? "") !== "" || env.TERM === "dumb") return false;
  try {
    return (process.getBuiltinModule("node:tty") as typeof Tty).isatty(fd);
  } catch {
    return false;
  }
}

/**
 * A painter that colours when `on` is true.
 *
 * @example
 * ```ts
 * import { painter } from "./_colour.ts";
 * console.assert(painter(true).paint("red", "no") === "\x1b[31mno\x1b[0m");
 * console.assert(painter(false).paint("red", "no") === "no");
 * ```
 */
export function painter(on: boolean): Painter {
  return {
    on,
    paint: (style, text) => on && text !== "" ? `\x1b[${STYLES[style]}m${text}\x1b[0m` : text,
  };
}

/** The painter for output on `fd` under `env`. */
export function painterFor(env: Record<string, string | undefined>, fd: 1 | 2): Painter {
  return painter(colourWanted(env, fd));
}

/** A diff's lines coloured by their mark: `+` added, `-` removed, `~` changed, `@@` a hunk. */
export function paintDiff(p: Painter, text: string): string {
  if (!p.on) return text;
  return text.split("\n").map((line) => {
    if (line.startsWith("+++ ") || line.startsWith("--- ")) return p.paint("bold", line);
    if (line.startsWith("@@")) return p.paint("cyan", line);
    if (line.startsWith("+")) return p.paint("green", line);
    if (line.startsWith("-")) return p.paint("red", line);
    if (line.startsWith("~")) return p.paint("yellow", line);
    return line;
  }).join("\n");
}

/** An error message with its `strata:` mark in bold red. */
export function paintError(p: Painter, text: string): string {
  return text.startsWith("strata:") ? p.paint("boldRed", "strata:") + text.slice(7) : text;
}
