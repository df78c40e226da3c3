/**
 * `strata set KEY VALUE`: writes one key to a writable layer through the
 * library's write protocol (lock, re-read, backup, atomic write, journal).
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS, otherLayersExist, shadowNote } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { formatLiteral, toJson, where } from "./_output.ts";
import type { ValueType } from "../config/config.ts";

/** `strata set --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] set KEY VALUE [--project | --system]
                    [--type int|float|bool|string|date|json] [--json]

Write KEY = VALUE to the user layer ($XDG_CONFIG_HOME/APP/config.toml), or
to the project or system layer. The file's comments, order and layout are
kept; only the value's text changes. The file is locked while it is written,
the previous version is kept as a backup and the change is journaled.

VALUE is converted to the key's known type (from the defaults or from the
value already stored in any layer), or refused with exit 3 and nothing
written. A key with no known type is stored as a string unless --type says
otherwise; nothing is guessed ("1.10" stays "1.10").

Options:
  --project   write the project file (.APP.toml here or in the nearest parent;
              created in the current folder when there is none)
  --system    write the system layer (/etc/APP/config.toml or $XDG_CONFIG_DIRS)
  --user      write the user layer (the default)
  --type T    store VALUE as int, float, bool, string, date (TOML date-time)
              or json (any JSON value: arrays, tables)
  --json      print the result as JSON

A VALUE that starts with "-" is fine when it is a number (set offset -5);
otherwise put it after "--" (set -- flags "-v").

Examples:
  strata --app demo set db.host db.example.com
  strata --app demo set db.port 5432 --type int
  strata --app demo set --project features '["a","b"]' --type json
  strata --file ./settings.toml set 'servers."eu.west".port' 8080
`;

/** The flags of `set`. */
export const options = {
  ...LAYER_OPTIONS,
  type: { type: "string" },
  json: { type: "boolean" },
} as const;

const TYPES: readonly ValueType[] = ["int", "float", "bool", "string", "date", "json"];

/** Runs `strata set`. */
export async function run(context: CommandContext): Promise<number> {
  const [key, value] = expectPositionals(context.positionals, "set", ["KEY", "VALUE"]);
  const layer = chosenLayer(context);
  const type = context.flags.type as string | undefined;
  if (type !== undefined && !TYPES.includes(type as ValueType)) {
    throw usage("set", `unknown --type "${type}"; use one of ${TYPES.join(", ")}`);
  }
  const config = openFromContext(context);
  const written = layer ?? (context.global.file ? "file" : "user");
  const shadowed = otherLayersExist(config, written, true);
  const result = await config.set(key, value, { layer, type: type as ValueType, raw: true });
  printWarnings(context, config.warnings());
  const winner = shadowed ? config.resolve(key) : undefined;
  const note = shadowNote(
    key,
    written,
    winner && { layer: winner.origin.layer, where: where(winner.origin) },
  );
  if (note) context.err(`strata: ${note}\n`);
  // An integral float prints as 3.0, as the file holds it.
  const literal = formatLiteral(result.new, result.type === "float");
  if (context.flags.json) {
    const { file, old, changed } = result;
    context.out(`${toJson({ key, layer: written, file, old, new: result.new, changed })}\n`);
  } else if (result.changed) {
    context.out(`${clipText(key)} = ${literal}  (${written}: ${result.file})\n`);
  } else {
    context.out(`${clipText(key)} = ${literal}  (${written}: ${result.file}, unchanged)\n`);
  }
  return 0;
}
