/**
 * Hints: what a person can do about a problem, as data. The core attaches
 * them to its errors (`StrataError.hints`) and words them in its messages
 * through a {@link HintWords} function an edge supplies (the CLI's says
 * `strata --app demo restore latest`; a GUI's may name a button). Without
 * one, {@link plainHintWords} words them without naming any command.
 *
 * @example
 * ```ts
 * import { type Hint, plainHintWords } from "./hints.ts";
 * const hint: Hint = { action: "restore", app: "demo", layer: "user", which: "latest" };
 * console.assert(plainHintWords(hint) === "restore the latest backup of the user file of demo");
 * ```
 *
 * @module
 */

/** Which file a hint is about: the layer of an application, or the one file of `--file` mode. */
export interface HintTarget {
  /** The application. */
  app?: string;
  /** The one file of `--file` mode. */
  file?: string;
  /** The file's format, when its name does not say it (a write needs it named). */
  format?: "toml" | "json";
  /** The layer (`project`, `user`, `system`, `file`). */
  layer?: string;
}

/** One thing a person can do, with what it applies to. */
export type Hint = HintTarget & HintAction;

/** One thing a person can do. */
export type HintAction =
  /** Edit the file (`from`: starting from a copy kept aside). */
  | { action: "edit"; from?: string }
  /** Go back to a backup: `latest` (the newest that parses) or a backup's id. */
  | { action: "restore"; which: string }
  /** List the file's backups. */
  | { action: "backups" }
  /** Show the file's history of changes (of one key, when given). */
  | { action: "history"; key?: string }
  /** Show what changed in the file since the last write through strata. */
  | { action: "diff" }
  /** Undo the last change. */
  | { action: "undo" }
  /** Set a key (`value`: what to type, or a placeholder such as `VALUE`; `type`: as that type). */
  | { action: "set"; key: string; value: string; type?: string }
  /** Set a key's value sealed (a secret), read from a prompt, stdin or a file, never argv. */
  | { action: "set-secret"; key: string }
  /** See which layer sets a key and why. */
  | { action: "explain"; key: string }
  /** Let `doctor` mend what is safe to mend (every layer's files). */
  | { action: "doctor-fix" };

/** Words a hint for people (the edge's wording). */
export type HintWords = (hint: Hint) => string;

/** A hint in plain words, naming no command: the library's wording when no edge gives one. */
export function plainHintWords(hint: Hint): string {
  const of = hint.file !== undefined
    ? hint.file
    : `the ${hint.layer ?? "user"} file of ${hint.app ?? "the application"}`;
  switch (hint.action) {
    case "edit":
      return hint.from === undefined ? `edit ${of}` : `edit ${of} from ${hint.from}`;
    case "restore":
      return hint.which === "latest"
        ? `restore the latest backup of ${of}`
        : `restore backup ${hint.which} of ${of}`;
    case "backups":
      return `list the backups of ${of}`;
    case "history":
      return hint.key === undefined
        ? `see the history of ${of}`
        : `see the history of ${hint.key} in ${of}`;
    case "diff":
      return `see what changed in ${of}`;
    case "undo":
      return `undo the last change of ${of}`;
    case "set":
      return `set ${hint.key} to ${hint.value}${
        hint.type === undefined ? "" : ` as a ${hint.type}`
      } in ${of}`;
    case "set-secret":
      return `store ${hint.key} sealed in ${of}`;
    case "explain":
      return `see which layer sets ${hint.key}`;
    case "doctor-fix":
      return `run doctor with fix`;
  }
}

/** The target part of a hint (app or file, format, layer), to build hints about one file. */
export function hintTarget(
  target: { app?: string; file?: string; format?: "toml" | "json"; layer?: string },
): HintTarget {
  const out: HintTarget = {};
  if (target.file !== undefined) out.file = target.file;
  else if (target.app !== undefined) out.app = target.app;
  if (target.format !== undefined) out.format = target.format;
  if (target.layer !== undefined) out.layer = target.layer;
  return out;
}
