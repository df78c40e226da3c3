/**
 * Keeps messages readable: a parser's reason may quote what it found, and
 * what it found may be a 5 MB line. A message shows at most a few hundred
 * characters of any such text.
 *
 * @module
 */

/** The longest piece of found text a message repeats. */
export const maxQuoted = 300;

/**
 * `text` cut to `max` characters (on a code point boundary), with how much
 * was left out.
 *
 * @example
 * ```ts
 * import { clipText } from "./clip.ts";
 * console.assert(clipText("abcdef", 3) === "abc… (3 more characters)");
 * console.assert(clipText("abc", 3) === "abc");
 * ```
 */
export function clipText(text: string, max = maxQuoted): string {
  if (text.length <= max) return text;
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/**
 * Control characters that could move the cursor, recolour or retitle a
 * terminal, or hide text (ANSI escapes, carriage returns, C1 controls, bidi
 * overrides); tabs and, unless `oneLine`, newlines are kept.
 */
function controlPattern(oneLine: boolean): RegExp {
  // Built from text: a regex literal of control characters is what linters flag as a mistake.
  const newline = oneLine ? "\\x0a" : "";
  return new RegExp(
    `[\\x00-\\x08${newline}\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]`,
    "g",
  );
}

/**
 * `text` with every terminal control character written as an escape
 * (`\x1b`, `\r`, `\u202e`), so text that came from a file or another program
 * reaches a terminal as characters, never as commands. With `oneLine`,
 * newlines are escaped too (a field can then not forge a line of its own).
 *
 * @example
 * ```ts
 * import { escapeControls } from "./clip.ts";
 * console.assert(escapeControls("a\x1b[31mb\n") === "a\\x1b[31mb\n");
 * console.assert(escapeControls("a\nb", true) === "a\\nb");
 * ```
 */
export function escapeControls(text: string, oneLine = false): string {
  return text.replace(controlPattern(oneLine), (c) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * A field read from a file or another program, as a message shows it: on
 * one line, control characters escaped, cut to `max` characters.
 *
 * @example
 * ```ts
 * import { shownField } from "./clip.ts";
 * console.assert(shownField("strata\n\x1b[2J") === "strata\\n\\x1b[2J");
 * ```
 */
export function shownField(text: string, max = maxQuoted): string {
  return escapeControls(clipText(text, max), true);
}
