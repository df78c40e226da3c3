/**
 * `strata undo [N]`: reverts the last change (or the last N) of one layer's file.
 *
 * @module
 */

import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { toJson } from "./_output.ts";
import { layerFile, writableLayerFiles } from "../recovery/layer_files.ts";
import { literal, shortTime } from "../recovery/report_text.ts";
import { lastChangedLayer, undoChanges } from "../recovery/undo.ts";

/** `strata undo --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] undo [N] [--project | --system] [--json]

Revert the last change (or the last N changes), as the journal records them:
by default in the layer that changed most recently (project, user or
system); with --project, --user or --system, in that layer. A change is
one write: one set, unset, edit or restore. Each key goes back to the value
it had before, with its exact type (taken from that version's backup). The
undo is itself a write: locked, backed up, journaled.

Undo walks back: a second undo reverts the change before the one the first
undid (undos are not undone; to go back on an undo, restore the backup it
made). Only keys are reverted: comments changed by an edit stay (restore the
backup to get the whole earlier text back).

An undo is refused, with nothing written, when a key no longer holds the
value the change wrote (someone changed it since): exit 3.

Options:
  --project   undo in the project file
  --system    undo in the system layer's file
  --user      undo in the user layer's file
  --json      print the result as JSON

Exit codes: 0 undone, 1 nothing (or fewer than N changes) to undo,
3 a key changed since (or the file does not parse), 4 the file is locked.

Examples:
  strata --app demo set db.port 6543
  strata --app demo undo            # db.port is back to what it was
  strata --app demo undo 3          # the last three changes
  strata --app demo history         # what undo would revert
`;

/** The flags of `undo`. */
export const options = { ...LAYER_OPTIONS, json: { type: "boolean" } } as const;

/** Runs `strata undo`. */
export async function run(context: CommandContext): Promise<number> {
  const [n] = expectPositionals(context.positionals, "undo", [], ["N"]);
  const count = n === undefined ? 1 : Number(n);
  if (!/^[1-9][0-9]*$/.test(n ?? "1") || !Number.isSafeInteger(count)) {
    throw usage("undo", `N is a number of changes (1, 2, ...), not "${n}"`);
  }
  const config = openFromContext(context);
  // Without a layer flag, "the last change" is the most recent one in any writable layer.
  const layer = chosenLayer(context);
  const target = (layer === undefined ? lastChangedLayer(writableLayerFiles(config)) : undefined) ??
    layerFile(config, layer);
  const r = await undoChanges(config, target, count);
  printWarnings(context, config.warnings());
  if (context.flags.json) {
    context.out(`${
      toJson({
        file: r.file,
        undone: r.undone.map((w) => ({ id: w.id, time: w.time, program: w.program })),
        keys: r.keys.map((k) => ({ key: k.key, old: k.from, new: k.to })),
        backup: r.backupId,
      })
    }\n`);
    return 0;
  }
  const what = r.undone.map((w) => `${w.program} at ${shortTime(w.time)} UTC`).join(", ");
  let text = `undid ${r.undone.length} change${
    r.undone.length === 1 ? "" : "s"
  } of ${r.file} (${what})\n`;
  text += r.keys.map((k) =>
    k.to === undefined
      ? `  ${k.key} removed (was ${literal(k.from)})\n`
      : `  ${k.key} = ${literal(k.to)} (was ${literal(k.from)})\n`
  ).join("");
  context.out(text);
  return 0;
}
