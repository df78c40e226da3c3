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
