/**
 * Where `set` reads a value that must not sit on the command line (where
 * `ps` shows it to every user): `--from-env NAME`, `--from-file PATH`, a
 * prompt that does not echo (stdin is a terminal), or stdin (a pipe or a
 * file). One trailing newline is dropped (`echo`, a key file's last line).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import type { CommandContext } from "./_commands.ts";

/** Drops one trailing LF or CRLF. */
function chomp(text: string): string {
  return text.endsWith("\r\n") ? text.slice(0, -2) : text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** All of stdin as UTF-8 text. */
async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new StrataError("usage", "the value on stdin is not UTF-8 text; nothing was written");
  }
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin as typeof process.stdin & { setRawMode(on: boolean): void };
  // Echo off before the prompt shows: what is typed after it is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((done, fail) => {
    let text = "";
    const finish = (error?: StrataError) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
      if (error) fail(error);
      else done(text);
    };
    const onData = (chunk: Uint8Array | string) => {
      const s = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      for (const ch of s) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || ch === "\u0004") {
          return finish(new StrataError("usage", "cancelled; nothing was written"));
        }
        if (ch === "\u007f" || ch === "\b") text = [...text].slice(0, -1).join("");
        else text += ch;
      }
    };
    stdin.resume();
    stdin.on("data", onData);
  });
}

/**
 * The value for `key`, from `--from-env`, `--from-file`, the prompt or stdin.
 * `secret`: an empty value is refused (it is almost always a mistake).
 */
export async function readValueInput(
  context: CommandContext,
  key: string,
  secret: boolean,
): Promise<string> {
  const fromEnv = context.flags["from-env"] as string | undefined;
  const fromFile = context.flags["from-file"] as string | undefined;
  if (fromEnv !== undefined && fromFile !== undefined) {
    throw new StrataError("usage", "give --from-env or --from-file, not both");
  }
  let text: string;
  let from: string;
  if (fromEnv !== undefined) {
    const value = context.env[fromEnv];
    if (value === undefined) {
      throw new StrataError(
        "usage",
        `--from-env ${fromEnv}: the variable ${fromEnv} is not set; nothing was written`,
      );
    }
    text = value;
    from = `the variable ${fromEnv}`;
  } else if (fromFile !== undefined) {
    const fs = process.getBuiltinModule("node:fs") as typeof import("node:fs");
    try {
      text = chomp(fs.readFileSync(fromFile, "utf8"));
    } catch (e) {
      throw new StrataError(
        "io",
        `--from-file ${fromFile}: cannot read it (${
          (e as { code?: string }).code ?? (e as Error).message
        }); nothing was written`,
      );
    }
    from = `the file ${fromFile}`;
  } else if (process.stdin.isTTY) {
    text = await promptHidden(`value for ${key} (not shown): `);
    from = "the prompt";
  } else {
    text = chomp(await readStdin());
    from = "stdin";
  }
  if (secret && text === "") {
    throw new StrataError("usage", `the value from ${from} is empty; nothing was written`);
  }
  return text;
}
