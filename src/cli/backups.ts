/**
 * `strata backups`: the backups of one layer's file, newest first.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext } from "./_open.ts";
import { columns, toJson } from "./_output.ts";
import { layerFile } from "../recovery/layer_files.ts";
import { describeBackups } from "../recovery/list_backups.ts";
import { shortTime } from "../recovery/report_text.ts";

/** `strata backups --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] backups [--project | --system] [--json]

List the backups of the user layer's file (or the project or system layer's),
newest first. Every write keeps the version it replaces as a backup in the
state folder ($XDG_STATE_HOME/strata/_shared/backups/); the newest 20 are kept
(strata's own setting backups.keep), and the newest one that parses is never
deleted.

Columns: the backup's id (give it to restore or diff), when it was taken (UTC),
its size, the program that wrote that version (from the journal; "?" when
the journal does not say, e.g. a hand edit), and how many keys the next
version changed. "(does not parse)" marks a copy of a broken file.

Options:
  --project   the project file's backups
  --system    the system layer's backups
  --user      the user layer's backups (the default)
  --json      print a JSON array: { id, time, size, path, program, user, valid, keysChanged }

Examples:
  strata --app demo backups
  strata --app demo backups --project --json
  strata --app demo diff 20261126T001203.123Z-4242   # what changed since then
  strata --app demo restore latest
`;

/** The flags of `backups`. */
export const options = { ...LAYER_OPTIONS, json: { type: "boolean" } } as const;

/** Runs `strata backups`. */
export function run(context: CommandContext): number {
  expectPositionals(context.positionals, "backups", []);
  const target = layerFile(openFromContext(context), chosenLayer(context));
  const backups = describeBackups(target);
  if (context.flags.json) {
    context.out(`${toJson(backups)}\n`);
    return 0;
  }
  if (backups.length === 0) {
    context.err(`strata: ${target.file} has no backups yet (a backup is made by each change)\n`);
    return 0;
  }
  const rows = [["ID", "TAKEN (UTC)", "SIZE", "WRITTEN BY", "NEXT CHANGE"]];
  for (const b of backups) {
    const changed = b.keysChanged === undefined
      ? "-"
      : `${b.keysChanged} key${b.keysChanged === 1 ? "" : "s"}`;
    rows.push([
      b.id,
      shortTime(b.time),
      `${b.size} B`,
      b.program ?? "?",
      b.valid ? changed : `${changed} (does not parse)`,
    ]);
  }
  context.out(`backups of ${target.file}:\n${columns(rows)}`);
  return 0;
}
