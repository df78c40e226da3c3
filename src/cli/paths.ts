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
import type { LayerInfo } from "../config.ts";

/** `strata paths --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] paths [--json]

Show every layer from the top, where it lives on this machine (file layers:
the path, even when the file does not exist yet), whether it exists, and
whether strata writes it (set/unset --project, --user, --system).

Options:
  --json   print JSON: { "layers": [{ "layer", "file", "exists", "writable" }, ...] }

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
  // The state folder (backups, journal) when the library reports it.
  const stateDir = (config as unknown as { stateDir?: string }).stateDir;
  if (context.flags.json) {
    context.out(`${toJson(stateDir ? { layers, stateDir } : { layers })}\n`);
  } else {
    const rows = layers.map((info) => [info.layer, place(info), status(info)]);
    if (stateDir) rows.push(["state", stateDir, "backups and journal"]);
    context.out(columns(rows));
  }
  printWarnings(context, config.warnings());
  return 0;
}

function place(info: LayerInfo): string {
  return info.file ?? NOT_A_FILE[info.layer] ?? "-";
}

function status(info: LayerInfo): string {
  if (!info.file) return "";
  return `${info.exists ? "exists" : "missing"}${info.writable ? ", writable" : ""}`;
}
