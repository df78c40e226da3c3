/**
 * Before a command reads backups or the journal: the state folders of the
 * per-application layout are merged into the shared one, so the command
 * sees the file's whole story.
 *
 * @module
 */

import type { CommandContext } from "./_commands.ts";
import { openFromContext } from "./_open.ts";
import { migrateLegacyState } from "../store/migrate_state.ts";

/**
 * Merges the old state folders (see `migrateLegacyState`). Never fails the
 * command: a merge that cannot finish now is a warning, and the next run
 * (or `strata doctor --fix`) finishes it; a configuration that cannot be
 * opened is left for the command to report.
 */
export async function mergeOldState(context: CommandContext): Promise<void> {
  let stateDir: string;
  try {
    stateDir = openFromContext(context).stateDir;
  } catch {
    return;
  }
  try {
    await migrateLegacyState(stateDir, { program: `strata ${context.name}` });
  } catch (error) {
    context.err(
      `strata: warning: the state folders of the per-application layout beside ${stateDir} ` +
        `could not be merged into it yet, so this command may miss some of their changes: ` +
        `${(error as Error).message} To merge them: strata doctor --fix`,
    );
  }
}
