/**
 * Which editor `strata edit` opens: `$VISUAL`, then `$EDITOR`, then `vi`
 * (`notepad` on Windows), split into words the way a shell would split a
 * simple command (quotes and backslashes), without running a shell: the
 * variable's text is never executed as shell code.
 *
 * @module
 */

import { StrataError } from "../errors.ts";

/**
 * Splits a command line into words: blanks separate words; `'...'` keeps
 * everything literally; `"..."` keeps everything but `\"`, `\\`, `\$` and
 * `` \` ``; a backslash outside quotes keeps the next character. Throws
 * `usage` on an unclosed quote.
 *
 * @example
 * ```ts
 * import { splitCommand } from "./editor_command.ts";
 * const words = splitCommand(`code --wait "--user-data-dir=/my dir"`);
 * console.assert(JSON.stringify(words) === '["code","--wait","--user-data-dir=/my dir"]');
 * ```
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw unclosed(text, "'");
      word += text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && j + 1 < text.length && `"\\$\``.includes(text[j + 1])) j++;
        word += text[j];
      }
      if (j >= text.length) throw unclosed(text, '"');
      i = j;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function unclosed(text: string, quote: string): StrataError {
  return new StrataError(
    "usage",
    `the editor command ${JSON.stringify(text)} has an unclosed ${quote}; fix $VISUAL or $EDITOR`,
  );
}

/**
 * The editor's command words from the environment: `VISUAL`, then `EDITOR`
 * (the first that is set and not blank), then `vi` (`notepad` on Windows).
 *
 * @example
 * ```ts
 * import { editorCommand } from "./editor_command.ts";
 * console.assert(editorCommand({ EDITOR: "nano -w" }, "linux").join(" ") === "nano -w");
 * ```
 */
export function editorCommand(
  env: Record<string, string | undefined>,
  platform: string = process.platform,
): string[] {
  for (const name of ["VISUAL", "EDITOR"]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return splitCommand(value.trim());
  }
  return [platform === "win32" ? "notepad" : "vi"];
}
