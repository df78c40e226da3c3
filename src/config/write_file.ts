/**
 * A file layer's write protocol: the store's `updateFile` (lock, re-read,
 * edit, backup, atomic write, journal), loaded only when a write happens so
 * that reads never pay for it.
 *
 * @module
 */

import { parseValues } from "../layers/document.ts";
import type { SourceEdit, WriteOutcome, WriteSettings } from "../layers/source.ts";
import type { LayerName } from "../layers/types.ts";
import type { FileFormat } from "../platform/paths.ts";

/** Writes one layer file with `edit`, through the store. */
export async function writeLayerFile(
  layer: LayerName,
  target: { file: string; format: FileFormat },
  edit: SourceEdit,
  settings: WriteSettings,
): Promise<WriteOutcome> {
  const { updateFile } = await import("../store/update_file.ts");
  const result = await updateFile(
    target.file,
    (current, ctx) => edit(current, ctx.file, ctx.invalidUtf8 ? { invalidUtf8: true } : {}),
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
  const out: WriteOutcome = {
    file: target.file,
    changed: result.changed,
    warnings: result.warnings,
  };
  if (result.backupId !== undefined) out.backupId = result.backupId;
  return out;
}
