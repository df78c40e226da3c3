/**
 * `edit`: a person edits a layer file in their editor, safely (like
 * `visudo`). The editor works on a copy (0600, in the state folder); when
 * it exits the text is checked (syntax, then the schema) and written through
 * the write protocol only if it is valid. A text that is not valid is never
 * written: the old file stays, the error is shown, the person may re-open
 * the editor, and otherwise their text is kept as a copy they can go on
 * editing (`strata edit --from COPY`): nothing they typed is lost.
 *
 * If the file changed while the editor was open (another program wrote it),
 * nothing is written either: their text is kept the same way, and
 * `strata diff` shows what the other program changed.
 *
 * @module
 */

import type * as ChildProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffValues, type KeyChange } from "../diff/value_diff.ts";
import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import { ensureFolder, fileMode } from "../store/atomic_write.ts";
import type { JournalChange } from "../store/journal.ts";
import { checkLayerText, parseLayerText } from "./check_text.ts";
import {
  advise,
  hintFor,
  type LayerFile,
  mendOptions,
  type WritableConfig,
} from "./layer_files.ts";
import { readFileBytes, readText } from "./versions.ts";

/** How an editor run ended. */
export interface EditorExit {
  /** Exit status (null when killed by a signal). */
  status: number | null;
  /** Set when the editor could not be started at all. */
  error?: Error;
}

/** Options of {@link editLayer}. */
export interface EditOptions {
  /** The editor's command words (see `editorCommand`); the file is added as the last word. */
  editor: string[];
  /** Runs the editor and waits for it (default: spawn it on this terminal). */
  runEditor?: (words: string[]) => EditorExit;
  /**
   * Asks the person a yes/no question; absent when there is no terminal to
   * ask on, and then an invalid text is never re-opened.
   */
  ask?: (question: string) => boolean;
  /** Shows a problem to the person before asking (stderr). */
  report?: (message: string) => void;
  /** Start from this file's text (a kept copy) instead of the current file. */
  from?: string;
}

/** What {@link editLayer} did. */
export interface EditResult {
  /** `written`, or `unchanged` when the text was saved as it was. */
  status: "written" | "unchanged";
  /** The layer file. */
  file: string;
  /** The backup holding the version before the edit. */
  backupId?: string;
  /** The keys the edit changed. */
  changes: KeyChange[];
}

/** The default editor runner: the editor gets this process's terminal. */
export function spawnEditor(words: string[]): EditorExit {
  // Loaded here, not imported at the top: a compiled binary loads every
  // static node: import at start-up, and only `edit` starts programs.
  const { spawnSync } = process.getBuiltinModule("node:child_process") as typeof ChildProcess;
  const run = spawnSync(words[0], words.slice(1), { stdio: "inherit" });
  return run.error ? { status: null, error: run.error } : { status: run.status };
}

/** `<stateDir>/edits/<file>-<hash>.<pid>.<ext>`: the copy the editor works on. */
function workingCopyPath(stateDir: string, target: LayerFile): string {
  const name = path.basename(target.backupDir);
  return path.join(stateDir, "edits", `${name}.${process.pid}${path.extname(target.file)}`);
}

/** `<stateDir>/edits/<file>-<hash>.<time>.rejected.<ext>`: a text kept because it was not written. */
function keptCopyPath(stateDir: string, target: LayerFile): string {
  const name = path.basename(target.backupDir);
  const time = new Date().toISOString().replace(/[-:]/g, "");
  return path.join(stateDir, "edits", `${name}.${time}.rejected${path.extname(target.file)}`);
}

/**
 * Opens the editor on a copy of `target` (or of `options.from`), checks the
 * result, and writes it through the write protocol. Throws, with nothing
 * written: `parse` / `schema` for an invalid text (after the person chose
 * not to re-open), `type` when the file changed meanwhile, `usage` when the
 * editor cannot be started, `io` when it failed; the message says where the
 * person's text is kept.
 */
export async function editLayer(
  config: WritableConfig,
  target: LayerFile,
  options: EditOptions,
): Promise<EditResult> {
  // Before anything is opened: a schema that cannot be read cannot check the
  // text, so the edit is refused now rather than after the person's work.
  const schema = config.schema?.();
  const original = readOriginal(target.file);
  const start = options.from === undefined ? original : readFrom(options.from);
  const copy = workingCopyPath(config.stateDir, target);
  ensureFolder(path.dirname(copy));
  fs.rmSync(copy, { force: true }); // left by an earlier run of this very pid
  fs.writeFileSync(copy, start, { mode: fileMode, flag: "wx" });
  // Moves the person's text to a kept copy and builds the error that says where it is.
  const keep = (why: string, code: StrataError["code"], cause?: unknown): StrataError => {
    const kept = keptCopyPath(config.stateDir, target);
    fs.renameSync(copy, kept);
    return new StrataError(
      code,
      `${why}\nNothing was written: ${target.file} is as it was. Your text is kept in ${kept}; ` +
        `to go on editing it: ${advise(target, { action: "edit", from: kept })}`,
      { cause, hints: [hintFor(target, { action: "edit", from: kept })] },
    );
  };
  let edited: string;
  let values: Record<string, unknown>;
  for (;;) {
    const exit = (options.runEditor ?? spawnEditor)([...options.editor, copy]);
    if (exit.error) {
      const text = fs.readFileSync(copy, "utf8");
      if (text === start) fs.rmSync(copy, { force: true });
      throw new StrataError(
        "usage",
        `cannot start the editor "${options.editor[0]}" (${exit.error.message}); ` +
          `set VISUAL or EDITOR to your editor's command, e.g. EDITOR="nano"`,
        { cause: exit.error },
      );
    }
    edited = fs.readFileSync(copy, "utf8");
    if (exit.status !== 0) {
      if (edited === start) fs.rmSync(copy, { force: true });
      else throw keep(`the editor exited with status ${exit.status ?? "(killed)"}`, "io");
      throw new StrataError(
        "io",
        `the editor exited with status ${exit.status ?? "(killed)"}; nothing was written`,
      );
    }
    if (edited === original) {
      fs.rmSync(copy, { force: true });
      return { status: "unchanged", file: target.file, changes: [] };
    }
    try {
      values = checkLayerText(edited, target.format, target.file, schema);
      break;
    } catch (e) {
      if (!(e instanceof StrataError) || (e.code !== "parse" && e.code !== "schema")) throw e;
      // Asked: the problem is reported before the question, and not again in the refusal.
      if (options.ask === undefined) throw keep(e.message, e.code, e);
      options.report?.(e.message);
      if (options.ask("Re-open the editor to fix it? [Y/n] ")) continue;
      throw keep("the text does not parse (see above)", e.code, e);
    }
  }
  let changes: KeyChange[] = [];
  let result;
  try {
    result = await config.update((current, file, info) => {
      if ((current ?? "") !== original) {
        throw new StrataError(
          "type",
          `${file} was changed by someone else while the editor was open; ` +
            `see what changed with ${advise(target, { action: "diff" })}`,
          { hints: [hintFor(target, { action: "diff" })] },
        );
      }
      let before: Record<string, unknown> | undefined;
      try {
        // Bytes that are not UTF-8 make the old text broken, even if the rest parses.
        before = info?.invalidUtf8 ? undefined : parseLayerText(original, target.format, file);
      } catch {
        before = undefined; // the edit mends a file that did not parse
      }
      changes = diffValues(before ?? {}, values!);
      const lines: JournalChange[] = changes.map((c) => {
        const line: JournalChange = { key: formatKey(c.path), action: "edit" };
        if (c.before !== undefined) line.old = c.before;
        if (c.after !== undefined) line.new = c.after;
        return line;
      });
      if (before === undefined) {
        lines.length = 0;
        lines.push({ key: "", action: "edit", replaced: "a file that did not parse" });
      } else if (lines.length === 0) {
        lines.push({ key: "", action: "edit" }); // comments or layout only
      }
      return { text: edited!, changes: lines, currentValid: before !== undefined };
    }, mendOptions(target));
  } catch (e) {
    // Whatever stopped the write (the file changed meanwhile, a lock held
    // too long, a full disk), the person's text is kept.
    if (e instanceof StrataError) throw keep(e.message, e.code, e);
    throw keep(String((e as Error)?.message ?? e), "io", e);
  }
  fs.rmSync(copy, { force: true });
  const out: EditResult = { status: "written", file: result.file, changes };
  if (result.backupId !== undefined) out.backupId = result.backupId;
  return out;
}

/**
 * The file's text as the editor should see it: strictly decoded, or, when
 * it is not valid UTF-8, with each bad byte shown as U+FFFD so the person
 * can see and fix it ("" for a file that does not exist).
 */
function readOriginal(file: string): string {
  try {
    return readText(file) ?? "";
  } catch (e) {
    if (!(e instanceof StrataError) || e.code !== "parse") throw e;
    const text = new TextDecoder().decode(readFileBytes(file));
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  }
}

function readFrom(file: string): string {
  const text = readText(file);
  if (text === undefined) {
    throw new StrataError("not_found", `--from ${file}: no such file`);
  }
  return text;
}
