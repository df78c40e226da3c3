/**
 * `strata paths`: where every layer lives on this machine, and whether each
 * file exists.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { columns, toJson } from "./_output.ts";
import type { Config, LayerInfo } from "../config/config.ts";
import { StrataError } from "../errors.ts";

/** `strata paths --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] paths [--json]

Show every layer from the top, where it lives on this machine (file layers:
the path, even when the file does not exist yet), whether it exists, and
whether strata writes it (set/unset --project, --user, --system).

Options:
  --json   print JSON: { "layers": [{ "layer", "file", "exists", "writable" }, ...],
           "stateDir" }

A layer whose folder is under the home folder has no place when no home is
known (HOME unset or relative and no password-database entry, as in a
container run with --user): it is shown as "(none)", with the variable to
set (XDG_CONFIG_HOME, XDG_STATE_HOME or HOME) below the table.

Examples:
  strata --app demo paths
  STRATA_APP=demo strata paths --json
  XDG_CONFIG_HOME=/tmp/cfg strata --app demo paths
`;

/** The flags of `paths`. */
export const options = { json: { type: "boolean" } } as const;

const NOT_A_FILE: Record<string, string> = {
  "command-line": "(--set KEY=VALUE items)",
  environment: "(environment variables)",
};

/** Runs `strata paths`. */
export function run(context: CommandContext): number {
  expectPositionals(context.positionals, "paths", []);
  const config = openFromContext(context);
  const layers = config.layers();
  if (context.flags.json) {
    const state = stateFolder(config);
    const json = state.dir ? { layers, stateDir: state.dir } : { layers, stateNote: state.note };
    context.out(`${toJson(json)}\n`);
  } else {
    const rows = layers.map((info) => [info.layer, place(info), status(info)]);
    const state = stateFolder(config);
    rows.push(["state", state.dir ?? "(none)", state.dir ? "backups and journal" : "no folder"]);
    // Why a layer has no place (e.g. no home folder), below the table: it is long.
    const notes = [...layers.filter((l) => l.note).map((l) => `${l.layer}: ${l.note}`)];
    if (state.note) notes.push(`state: ${state.note}`);
    context.out(columns(rows) + notes.map((n) => `${n}\n`).join(""));
  }
  printWarnings(context, config.warnings());
  return 0;
}

/** The state folder, or why there is none (it lives under a home that is missing). */
function stateFolder(config: Config): { dir?: string; note?: string } {
  try {
    return { dir: config.stateDir };
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    return { note: e.message };
  }
}

function place(info: LayerInfo): string {
  return info.file ?? NOT_A_FILE[info.layer] ?? (info.note ? "(none)" : "-");
}

function status(info: LayerInfo): string {
  if (info.note) return "no folder";
  if (!info.file) return "";
  return `${info.exists ? "exists" : "missing"}${info.writable ? ", writable" : ""}`;
}
