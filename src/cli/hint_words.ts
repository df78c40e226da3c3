/**
 * The CLI's wording of hints: the `strata` command line that does what a
 * hint says, e.g. `strata --app demo restore latest --project`. Passed to
 * the core as `hintWords`, so every message the CLI shows names the command.
 *
 * @example
 * ```ts
 * import { cliHintWords } from "./hint_words.ts";
 * const words = cliHintWords({ action: "restore", app: "demo", layer: "project", which: "latest" });
 * console.assert(words === "strata --app demo restore latest --project");
 * ```
 *
 * @module
 */

import type { Hint } from "../hints.ts";

/** The command line that does what `hint` says. */
export function cliHintWords(hint: Hint): string {
  // A file whose name does not say its format is written only with --format.
  const who = hint.file !== undefined
    ? `--file ${shellWord(hint.file)}${hint.format ? ` --format ${hint.format}` : ""}`
    : `--app ${shellWord(hint.app ?? "APP")}`;
  // doctor checks every layer: it takes no layer option.
  const layered = hint.action !== "doctor-fix" && hint.action !== "explain" &&
    (hint.layer === "project" || hint.layer === "system");
  const flag = layered ? ` --${hint.layer}` : "";
  return `strata ${who} ${commandWords(hint)}${flag}`;
}

/** The command and its arguments. */
function commandWords(hint: Hint): string {
  switch (hint.action) {
    case "edit":
      return hint.from === undefined ? "edit" : `edit --from ${hint.from}`;
    case "restore":
      return `restore ${hint.which}`;
    case "backups":
      return "backups";
    case "history":
      return hint.key === undefined ? "history" : `history ${hint.key}`;
    case "diff":
      return "diff";
    case "undo":
      return "undo";
    case "set":
      return `set ${
        hint.type === undefined ? "" : `--type ${hint.type} `
      }${hint.key} ${hint.value}`;
    case "set-secret":
      return `set --secret ${hint.key}`;
    case "explain":
      return `explain ${hint.key}`;
    case "doctor-fix":
      return "doctor --fix";
  }
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
