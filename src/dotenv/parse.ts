/**
 * Reads a `.env` file: `NAME=value` lines, `export NAME=value`, `#`
 * comments, values bare (trimmed; ` #` starts a comment), in single quotes
 * (as written) or in double quotes (`\n`, `\r`, `\t`, `\"`, `\\` escapes;
 * may span lines). What Docker Compose, systemd-style and most dotenv
 * readers agree on; no `${VAR}` expansion.
 *
 * @module
 */

import { ParseError } from "../parse_error.ts";

/** One `NAME=value` of a `.env` file. */
export interface DotenvEntry {
  /** The variable's name. */
  name: string;
  /** Its value. */
  value: string;
  /** 1-based line where it starts. */
  line: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function fail(file: string | undefined, line: number, column: number, reason: string): never {
  throw new ParseError(reason, line, column, file);
}

/** After a closing quote only white space and a comment may follow. */
function trailing(rest: string, file: string | undefined, line: number, column: number): void {
  if (/^\s*(#.*)?$/.test(rest)) return;
  fail(
    file,
    line,
    column,
    `unexpected text after the closing quote: ${JSON.stringify(rest.trim())}`,
  );
}

/**
 * The entries of a `.env` text, in order (a later one of the same name wins
 * when the caller builds a map).
 *
 * @throws {ParseError} with line and column for a line that is not `NAME=value`.
 *
 * @example
 * ```ts
 * import { parseDotenv } from "./parse.ts";
 * const entries = parseDotenv('# db\nexport DB_HOST=localhost # here\nPW="a\\nb"\n');
 * console.assert(entries[0].value === "localhost" && entries[1].value === "a\nb");
 * ```
 */
export function parseDotenv(text: string, file?: string): DotenvEntry[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: DotenvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    const raw = lines[i];
    const body = raw.trimStart();
    if (body === "" || body.startsWith("#")) continue;
    const rest = body.startsWith("export ") ? body.slice(7).trimStart() : body;
    const eq = rest.indexOf("=");
    const column = raw.length - rest.length + 1;
    if (eq === -1) fail(file, start, column, `expected NAME=value, found ${JSON.stringify(rest)}`);
    const name = rest.slice(0, eq).trim();
    if (!NAME.test(name)) {
      fail(file, start, column, `${JSON.stringify(name)} is not a variable name`);
    }
    let value = rest.slice(eq + 1).trimStart();
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      if (end === -1) fail(file, start, column + eq + 1, "a single-quoted value is not closed");
      trailing(value.slice(end + 1), file, start, column + eq + 1 + end + 1);
      value = value.slice(1, end);
    } else if (value.startsWith('"')) {
      let text = "";
      let j = 1;
      let s = value;
      for (;;) {
        if (j >= s.length) {
          if (i + 1 >= lines.length) {
            fail(file, start, column + eq + 1, "a double-quoted value is not closed");
          }
          s += "\n" + lines[++i];
          continue;
        }
        const ch = s[j];
        if (ch === '"') break;
        if (ch === "\\" && j + 1 < s.length) {
          const next = s[j + 1];
          text +=
            ({ n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\", $: "$" } as Record<string, string>)[
              next
            ] ??
              `\\${next}`;
          j += 2;
          continue;
        }
        text += ch;
        j++;
      }
      trailing(s.slice(j + 1), file, start, column);
      value = text;
    } else {
      const hash = value.search(/\s#/);
      value = (hash === -1 ? value : value.slice(0, hash)).trim();
    }
    out.push({ name, value, line: start });
  }
  return out;
}
