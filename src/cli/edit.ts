/**
 * `strata edit`: opens $VISUAL/$EDITOR on a copy of a layer's file and
 * writes it back only if it is valid (like visudo).
 *
 * @module
 */

import type * as Fs from "node:fs";
import type * as Tty from "node:tty";
import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { editLayer } from "../recovery/edit_session.ts";
import { editorCommand } from "../recovery/editor_command.ts";
import { advise, layerFile } from "../recovery/layer_files.ts";
import { changeLine } from "../recovery/report_text.ts";

/** `strata edit --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] edit [--project | --system] [--from FILE]

Open the user layer's file (or the project or system layer's) in your editor
($VISUAL, else $EDITOR, else vi), safely: the editor works on a copy in the
state folder (mode 0600). When it exits, the text is checked (it must parse,
and match the application's schema if it ships one) and written through the
write protocol (locked, the old version kept as a backup, journaled).

If the text is not valid, nothing is written: the old file stays as it was,
the error is shown with its line and column, and you are asked whether to
re-open the editor (on a terminal). Otherwise (no terminal, or you say no)
your text is kept as a copy in the state folder, named in the message, and
"strata edit --from COPY" goes on editing it: nothing you typed is lost.
If another program changed the file while the editor was open, nothing is
written either (your text is kept the same way; "strata diff" shows theirs).

A file that does not parse is opened as it is, so you can mend it.

$VISUAL / $EDITOR may hold words ("code --wait", "emacsclient -t"); they are
split like a shell splits words (quotes work), but no shell runs them. Any
program that edits the file named by its last argument works, e.g. a script.

Options:
  --project    edit the project file (.APP.toml)
  --system     edit the system layer's file
  --user       edit the user layer's file (the default)
  --from FILE  start from FILE's text (a kept copy) instead of the current file

Exit codes: 0 written (or left unchanged), 2 the editor cannot be started,
3 the text does not parse / match the schema, or the file changed meanwhile,
4 the file is locked, 5 the editor failed (its text is kept).

Examples:
  strata --app demo edit
  EDITOR="code --wait" strata --app demo edit --project
  strata --app demo edit --from ~/.local/state/strata/demo/edits/config.toml-1a2b3c4d.20261126T001203.123Z.rejected.toml
`;

/** The flags of `edit`. */
export const options = { ...LAYER_OPTIONS, from: { type: "string" } } as const;

/** Asks on the terminal (stderr, then a line from stdin); no answer (end of input) is no. */
function askOnTerminal(question: string): boolean {
  const fs = process.getBuiltinModule("node:fs") as typeof Fs;
  process.stderr.write(question);
  const buffer = new Uint8Array(256);
  let line = "";
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buffer, 0, buffer.length, null);
    } catch {
      return false;
    }
    if (n === 0) return false;
    line += new TextDecoder().decode(buffer.subarray(0, n));
    if (line.includes("\n")) break;
  }
  const answer = line.trim().toLowerCase();
  return answer === "" || answer === "y" || answer === "yes";
}

/** Runs `strata edit`. */
export async function run(context: CommandContext): Promise<number> {
  expectPositionals(context.positionals, "edit", []);
  const config = openFromContext(context);
  const target = layerFile(config, chosenLayer(context));
  // node:tty is loaded here: static node: imports cost every command start-up time.
  const tty = process.getBuiltinModule("node:tty") as typeof Tty;
  const interactive = tty.isatty(0) && tty.isatty(2);
  const from = context.flags.from as string | undefined;
  const r = await editLayer(config, target, {
    editor: editorCommand(context.env),
    ...(interactive ? { ask: askOnTerminal } : {}),
    report: (message) => context.err(`strata: ${message}\n`),
    ...(from === undefined ? {} : { from }),
  });
  // The read warning about this very file (it does not parse) is what edit mends.
  printWarnings(context, config.warnings().filter((w) => !w.startsWith(`${target.file}:`)));
  if (r.status === "unchanged") {
    context.out(`${r.file} unchanged\n`);
    return 0;
  }
  let text = `wrote ${r.file}`;
  text += r.backupId
    ? ` (the previous version is backup ${r.backupId}; undo with: ${
      advise(target, { action: "undo" })
    })\n`
    : "\n";
  text += r.changes.map((c) => `  ${changeLine(c)}\n`).join("");
  context.out(text);
  return 0;
}
