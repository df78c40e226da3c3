/**
 * A file layer's write protocol: the store's `updateFile` (lock, re-read,
 * edit, backup, atomic write, journal), loaded only when a write happens so
 * that reads never pay for it.
 *
 * @module
 */

import { parseValues } from "../layers/document.ts";
import type { EditResult } from "../layers/edits.ts";
import { StrataError } from "../errors.ts";
import type {
  LayerSource,
  SourceChange,
  SourceEdit,
  SourceVersion,
  WriteOutcome,
  WriteSettings,
} from "../layers/source.ts";
import type { LayerName } from "../layers/types.ts";
import type { FileFormat } from "../platform/paths.ts";

/** Writes one layer file with `edit`, through the store. */
export async function writeLayerFile<E extends NonNullable<EditResult>>(
  layer: LayerName,
  target: { file: string; format: FileFormat },
  edit: SourceEdit<E>,
  settings: WriteSettings,
): Promise<WriteOutcome<E>> {
  const { updateFile } = await import("../store/update_file.ts");
  // The store runs the edit once, under the lock: what it returned is the outcome's.
  let returned: E | null = null;
  const result = await updateFile(
    target.file,
    (current, ctx) =>
      returned = edit(current, ctx.file, ctx.invalidUtf8 ? { invalidUtf8: true } : {}),
    {
      acceptInvalidUtf8: settings.acceptInvalidUtf8 === true,
      stateDir: settings.stateDir,
      layer,
      program: settings.program,
      keepBackups: settings.keepBackups,
      lockTimeoutMs: settings.lockTimeoutMs,
      staleLockMs: settings.staleLockMs,
      // The system layer is meant to be read by everyone (its secrets are sealed).
      ...(layer === "system" ? { mode: 0o644, folderMode: 0o755 } : {}),
      isValid: (text) => {
        try {
          parseValues(text, target.format);
          return true;
        } catch {
          return false;
        }
      },
    },
  );
  const out: WriteOutcome<E> = {
    edit: returned,
    file: target.file,
    changed: result.changed,
    warnings: result.warnings,
  };
  if (result.backupId !== undefined) out.backupId = result.backupId;
  return out;
}

/** A layer file's backups (newest first), by the store's names; none before its first write. */
export async function fileVersions(stateDir: string, file: string): Promise<SourceVersion[]> {
  const [{ listBackups }, { resolveTarget }, { statePaths }] = await Promise.all([
    import("../store/backup.ts"),
    import("../store/resolve_target.ts"),
    import("../store/state_paths.ts"),
  ]);
  const { backupDir } = statePaths(stateDir, resolveTarget(file));
  return listBackups(backupDir).map((b) => ({ id: b.id, path: b.path, time: b.time }));
}

/** A layer file's journal of changes (oldest first); lines torn by a crash are left out. */
export async function fileHistory(stateDir: string, file: string): Promise<SourceChange[]> {
  const [{ readJournal }, { resolveTarget }, { statePaths }] = await Promise.all([
    import("../store/journal.ts"),
    import("../store/resolve_target.ts"),
    import("../store/state_paths.ts"),
  ]);
  const { journal } = statePaths(stateDir, resolveTarget(file));
  return readJournal(journal).entries.map((e) => {
    const change: SourceChange = { time: e.time, key: e.key };
    if (e.program !== undefined) change.program = e.program;
    if ("old" in e) change.old = e.old;
    if ("new" in e) change.new = e.new;
    return change;
  });
}

/** Writes `target` through the source of its layer (refused when that layer cannot be written). */
export function writeThrough<E extends NonNullable<EditResult>>(
  sources: readonly LayerSource[],
  target: { file: string; layer: LayerName },
  format: FileFormat,
  edit: SourceEdit<E>,
  settings: WriteSettings,
): Promise<WriteOutcome<E>> {
  const source = sources.find((s) => s.name === target.layer);
  if (!source?.write) {
    throw new StrataError("usage", `the ${target.layer} layer cannot be written`);
  }
  return source.write({ file: target.file, format }, edit, settings);
}
