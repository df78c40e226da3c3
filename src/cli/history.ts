/**
 * `strata history [KEY]`: the journal, readable.
 *
 * @module
 */

import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext } from "./_open.ts";
import { columns, toJson } from "./_output.ts";
import { readHistory } from "../recovery/history.ts";
import { advise, layerFile, writableLayerFiles } from "../recovery/layer_files.ts";
import { entryAction, entryChange, shortTime } from "../recovery/report_text.ts";

/** `strata history --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] history [KEY] [-n N] [--project | --system | --user] [--json]

Show the journal: every change strata (or any program following strata's
write protocol) made, oldest first: when (UTC), the layer, the change, the
program, and who (user@host). With KEY, only that key and the keys under it
(history db shows db.host and db.port). By default every writable layer's
journal (each in the order its changes were made, merged by time); --project,
--system or --user shows one.

Changes made by a restore, an undo or an edit are marked so. Lines of the
journal that cannot be read (torn by a crash) are skipped with a warning
(strata doctor --fix moves them aside).

Options:
  -n N        only the last N changes
  --project   only the project file's journal
  --system    only the system layer's journal
  --user      only the user layer's journal
  --json      print a JSON array of the journal's entries as they are stored
              (time, file, layer, key, old, new, program, user, pid, host, backup, ...)

Examples:
  strata --app demo history
  strata --app demo history db.port -n 5
  strata --app demo history --json | jq '.[] | select(.program == "my-gui")'
`;

/** The flags of `history`. */
export const options = {
  ...LAYER_OPTIONS,
  n: { type: "string", short: "n" },
  json: { type: "boolean" },
} as const;

/** Runs `strata history`. */
export function run(context: CommandContext): number {
  const [key] = expectPositionals(context.positionals, "history", [], ["KEY"]);
  const n = context.flags.n as string | undefined;
  if (n !== undefined && !/^[0-9]+$/.test(n)) {
    throw usage("history", `-n wants a number of changes, not "${n}"`);
  }
  const config = openFromContext(context);
  const layer = chosenLayer(context);
  const files = layer === undefined ? writableLayerFiles(config) : [layerFile(config, layer)];
  const history = readHistory(files, {
    ...(key === undefined ? {} : { key }),
    ...(n === undefined ? {} : { limit: Number(n) }),
  });
  for (const s of history.skipped) {
    context.err(
      `strata: warning: ${s.journal}:${s.line}: a journal line that cannot be read was skipped ` +
        `(torn by a crash?); ${advise(files[0], { action: "doctor-fix" })} moves it aside\n`,
    );
  }
  if (context.flags.json) {
    context.out(`${toJson(history.entries)}\n`);
    return 0;
  }
  if (history.entries.length === 0) {
    context.err(`strata: no change${key === undefined ? "" : ` of ${key}`} is journaled yet\n`);
    return 0;
  }
  const rows = history.entries.map((e) => {
    const action = entryAction(e);
    return [
      shortTime(e.time),
      e.layer ?? "",
      entryChange(e),
      `${e.program}${action && !e.program.endsWith(action) ? ` (${action})` : ""}`,
      `${e.user}@${e.host}`,
    ];
  });
  context.out(columns(rows));
  return 0;
}
