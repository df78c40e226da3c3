/**
 * `strata restore ID|latest`: puts a backup back through the write protocol.
 *
 * @module
 */

import { formatKey } from "../keys.ts";
import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { toJson } from "./_output.ts";
import { advise, layerFile } from "../recovery/layer_files.ts";
import { changeLine, entryChange, shortTime } from "../recovery/report_text.ts";
import { restoreBackup } from "../recovery/restore.ts";

/** `strata restore --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] restore ID|latest [--project | --system] [--json]

Put a backup of the user layer's file (or the project or system layer's)
back. "latest" is the newest backup that parses; an ID is one that
"strata backups" lists (its unique beginning is enough). The restore is a
write like any other: the file is locked, the version it replaces (even one
that does not parse) is kept as a backup itself, and the journal records the
restore, so a restore can be undone by restoring that backup.

A backup that does not parse is refused (exit 3). A file that does not parse
is mended by "restore latest"; the changes journaled after that backup are
listed, since they are not in it.

Options:
  --project   restore the project file
  --system    restore the system layer's file
  --user      restore the user layer's file (the default)
  --json      print the result as JSON

Exit codes: 0 restored (or already that version), 1 no such backup,
3 the backup does not parse, 4 the file is locked, 5 I/O failure.

Examples:
  strata --app demo restore latest
  strata --app demo restore 20261126T0012     # by the beginning of its id
  strata --app demo restore latest --project
`;

/** The flags of `restore`. */
export const options = { ...LAYER_OPTIONS, json: { type: "boolean" } } as const;

/** Runs `strata restore`. */
export async function run(context: CommandContext): Promise<number> {
  const [ref] = expectPositionals(context.positionals, "restore", ["ID|latest"]);
  const config = openFromContext(context);
  const target = layerFile(config, chosenLayer(context));
  const r = await restoreBackup(config, target, ref);
  // The read warning about this very file (it does not parse) is what restore mends.
  const others = config.warnings().filter((w) => !w.startsWith(`${target.file}:`));
  printWarnings(context, [...others, ...r.schemaWarnings]);
  if (context.flags.json) {
    context.out(`${
      toJson({
        file: r.file,
        restored: r.restored.id,
        changed: r.changed,
        backup: r.backupId,
        replacedParsed: r.replacedParsed,
        changes: r.changes.map((c) => ({ key: formatKey(c.path), old: c.before, new: c.after })),
        laterChanges: r.laterChanges,
      })
    }\n`);
    return 0;
  }
  const from = `backup ${r.restored.id} (taken ${shortTime(r.restored.time)} UTC)`;
  if (!r.changed) {
    context.out(`${r.file} already holds ${from}; nothing written\n`);
    return 0;
  }
  let text = `restored ${r.file} from ${from}\n`;
  text += r.changes.map((c) => `  ${changeLine(c)}\n`).join("");
  if (!r.replacedParsed) text += `the text that did not parse is kept as backup ${r.backupId}\n`;
  else if (r.backupId) {
    text += `the replaced version is backup ${r.backupId}; to go back to it: ${
      advise(target, { action: "restore", which: r.backupId })
    }\n`;
  }
  context.out(text);
  if (r.laterChanges.length > 0) {
    context.err(
      `strata: note: these journaled changes were made after that backup and are not in it:\n` +
        r.laterChanges.map((e) => `  ${entryChange(e)}  (${e.program}, ${shortTime(e.time)} UTC)\n`)
          .join(""),
    );
  }
  return 0;
}
