/**
 * `strata unset KEY`: removes one key from a writable layer, through the same
 * write protocol as `set`. Exit 1 when that layer does not hold the key.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { describeOrigin, formatLiteral, toJson } from "./_output.ts";

/** `strata unset --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] unset KEY [--project | --system | --shared] [--json]

Remove KEY from the user layer, or from the project or system layer. Removing
a table removes every key under it. The rest of the file (comments, order,
layout) is kept; the previous version is kept as a backup and the change is
journaled. Exit 1 when that layer does not set KEY.

Options:
  --project   remove it from the project file (.APP.toml)
  --system    remove it from the system layer
  --user      remove it from the user layer (the default)
  --shared    remove it from the shared layer on the server (queued when the
              server cannot be reached; see strata remote --help)
  --json      print the result as JSON

Examples:
  strata --app demo unset db.host
  strata --app demo unset --project features
  strata --file ./settings.toml unset 'servers."eu.west"'
`;

/** The flags of `unset`. */
export const options = {
  ...LAYER_OPTIONS,
  shared: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Runs `strata unset`. */
export async function run(context: CommandContext): Promise<number> {
  const [key] = expectPositionals(context.positionals, "unset", ["KEY"]);
  const layer = chosenLayer(context);
  const config = openFromContext(context);
  if (context.flags.shared) {
    if (layer || context.global.file) {
      throw usage(
        "unset",
        `--shared removes from the shared layer; it cannot be used with --${layer ?? "file"}`,
      );
    }
    const { unsetShared } = await import("./_set_shared.ts");
    return await unsetShared(context, config, key);
  }
  const written = layer ?? (context.global.file ? "file" : "user");
  const result = await config.unset(key, { layer });
  printWarnings(context, config.warnings());
  // Where the deciding value is: looked up only when another layer sets the key.
  const winner = result.decidedBy === undefined ? undefined : config.resolve(key);
  if (context.flags.json) {
    const { file, removed, old } = result;
    context.out(`${toJson({ key, layer: written, file, removed, old })}\n`);
  }
  if (!result.removed) {
    const elsewhere = winner ? `; it is set in ${describeOrigin(winner.origin)}` : "";
    context.err(
      `strata: ${clipText(key)} is not set in the ${written} layer (${result.file})${elsewhere}\n`,
    );
    return 1;
  }
  if (!context.flags.json) {
    context.out(
      `removed ${clipText(key)} (was ${formatLiteral(result.old)})  (${written}: ${result.file})\n`,
    );
  }
  if (winner) {
    // Another layer still sets the key: say so, or `get` would look broken.
    const value = formatLiteral(winner.value);
    context.err(
      `strata: note: ${clipText(key)} is still ${value} from ${describeOrigin(winner.origin)}\n`,
    );
  }
  return 0;
}
