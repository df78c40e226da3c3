/**
 * The `--project` / `--system` flags that choose which writable layer `set`
 * and `unset` change (the user layer when neither is given).
 *
 * @module
 */

import { usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import type { WritableLayer } from "../config/config.ts";

/** The flags that pick a writable layer. */
export const LAYER_OPTIONS = {
  project: { type: "boolean" },
  system: { type: "boolean" },
  user: { type: "boolean" },
} as const;

/**
 * The layer the flags name, or undefined for the default (user; the file in
 * `--file` mode). Refuses two at once, and a layer flag with `--file`.
 */
export function chosenLayer(context: CommandContext): WritableLayer | undefined {
  const chosen = (["project", "system", "user"] as const).filter((name) => context.flags[name]);
  if (chosen.length > 1) {
    throw usage(context.name, `--${chosen[0]} and --${chosen[1]} cannot be used together`);
  }
  if (chosen.length && context.global.file) {
    throw usage(context.name, `--${chosen[0]} cannot be used with --file (it writes that file)`);
  }
  return chosen[0];
}

/** Top first, as the waterfall reads them; "file" is `--file` mode's one layer. */
const RANK = [
  "command-line",
  "environment",
  "project",
  "user",
  "file",
  "shared",
  "system",
  "defaults",
];

/**
 * After a write to `written`, a note when a higher layer still decides the
 * key's value (the person may wonder why `get` does not show their change).
 */
export function shadowNote(
  key: string,
  written: string,
  winner: { layer: string; where: string } | undefined,
): string | undefined {
  if (!winner || RANK.indexOf(winner.layer) >= RANK.indexOf(written)) return undefined;
  return `note: ${key} is still decided by the ${winner.layer} layer (${winner.where}), ` +
    `which is above the ${written} layer`;
}
