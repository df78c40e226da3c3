/**
 * `strata diff [A] [B]`: what changed between two versions of a layer's file.
 *
 * @module
 */

import { formatKey } from "../keys.ts";
import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext } from "./_open.ts";
import { toJson } from "./_output.ts";
import { paintDiff, painterFor } from "./_colour.ts";
import { diffVersions, labelOf, textDiff } from "../recovery/diff_versions.ts";
import { layerFile } from "../recovery/layer_files.ts";
import { changeLine } from "../recovery/report_text.ts";

/** `strata diff --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] diff [A] [B] [--text] [--project | --system] [--json]

Show what changed between two versions of the user layer's file (or the
project or system layer's), key by key: "~ key: old -> new", "+ key = value"
(added), "- key = value" (removed). A and B name versions: "current" (the
file now), "latest" (the newest backup that parses), or a backup id from
"strata backups" (its unique beginning is enough). Without B, B is current;
without A, A is latest: "strata diff" shows what changed since the last backup.

With --text, show a unified line diff instead (comments and layout too; it
also works when a version does not parse). Nothing is printed when the
versions are the same.

Options:
  --text      a unified line diff of the texts
  --project   the project file's versions
  --system    the system layer's versions
  --user      the user layer's versions (the default)
  --json      print { from, to, changes: [{ key, old, new }] }

Exit codes: 0 shown (also when nothing differs), 1 no such version,
3 a version does not parse (use --text).

Examples:
  strata --app demo diff
  strata --app demo diff 20261126T0012 --text
  strata --app demo diff 20261126T0012 20261126T0015
`;

/** The flags of `diff`. */
export const options = {
  ...LAYER_OPTIONS,
  text: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Runs `strata diff`. */
export function run(context: CommandContext): number {
  const [a, b] = expectPositionals(context.positionals, "diff", [], ["A", "B"]);
  const target = layerFile(openFromContext(context), chosenLayer(context));
  if (context.flags.text) {
    context.out(
      paintDiff(painterFor(context.env, 1), textDiff(target, a ?? "latest", b ?? "current")),
    );
    return 0;
  }
  const d = diffVersions(target, a ?? "latest", b ?? "current");
  if (context.flags.json) {
    context.out(`${
      toJson({
        from: d.from.id,
        to: d.to.id,
        changes: d.changes.map((c) => ({ key: formatKey(c.path), old: c.before, new: c.after })),
      })
    }\n`);
    return 0;
  }
  if (d.changes.length === 0) return 0;
  context.out(paintDiff(
    painterFor(context.env, 1),
    `--- ${labelOf(d.from)}\n+++ ${labelOf(d.to)}\n` +
      d.changes.map((c) => `${changeLine(c)}\n`).join(""),
  ));
  return 0;
}
