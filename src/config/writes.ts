/**
 * The bodies of `Config`'s writes (`update`, `set`, `setMany`, `unset`),
 * given the parts of their configuration they need ({@link WriteAccess}) and
 * the snapshot the write starts from. `Config` loads this module when a
 * write starts: a read loads none of it.
 *
 * @module
 */

import type { HintWords } from "../hints.ts";
import type { ConfigDocument } from "../layers/document.ts";
import { type EditResult, type Mend, unsetEdit } from "../layers/edits.ts";
import { lookup } from "../layers/merge.ts";
import { refusePlaintextSecrets } from "../layers/seal_for_write.ts";
import type { LayerSource, SourceEdit, WriteOutcome } from "../layers/source.ts";
import type {
  LayerName,
  SetOptions,
  SetResult,
  Snapshot,
  UnsetOptions,
  UnsetResult,
  WritableLayer,
} from "../layers/types.ts";
import type { FileFormat } from "../platform/paths.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";
import { combineEdits, prepareSet, type SetPlace, type StartDocument } from "./set_edit.ts";
import type { WriteTarget } from "./write_target.ts";
import { writeThrough } from "./write_file.ts";
import type { OwnSettings } from "./settings.ts";

/** What a write needs of its configuration (given by `Config`, which keeps them private). */
export interface WriteAccess {
  /** The application (undefined in single-file mode). */
  app?: string;
  /** The file of single-file mode. */
  file?: string;
  /** How messages word what a person can do. */
  hintWords: HintWords;
  /** Where a write to `layer` goes, in `snap`. */
  target(snap: Snapshot, layer: WritableLayer | undefined): WriteTarget;
  /** A file's format. */
  formatOf(file: string): FileFormat;
  /** What mends a layer's file, for messages. */
  mend(layer: LayerName): Mend;
  /** The schema a write must keep, in `snap`. */
  schemaForWrite(snap: Snapshot): LoadedSchema | undefined;
  /** The layers, top first. */
  sources: readonly LayerSource[];
  /** The state folder (backups, journal); throws the `usage` error without a home. */
  stateDir(): string;
  /** Who writes, for the lock and the journal. */
  program: string;
  /** How long a write waits for the lock, when given. */
  lockTimeoutMs?: number;
  /** strata's own settings (backups kept, lock timings). */
  settings(): OwnSettings;
  /** Reports a warning once. */
  warn(message: string): void;
  /** A file was written (or a write of it ended): what was read of it is stale. */
  written(file: string): void;
  /** Keeps the parsed values of a file just written, for the next read. */
  keepWritten(file: string, doc: ConfigDocument | undefined): void;
}

/** Runs an edit through the target layer's source with strata's own settings. */
async function update<E extends NonNullable<EditResult>>(
  w: WriteAccess,
  target: WriteTarget,
  edit: SourceEdit<E>,
  acceptInvalidUtf8 = false,
): Promise<WriteOutcome<E>> {
  const settings = w.settings();
  try {
    const result = await writeThrough(w.sources, target, w.formatOf(target.file), edit, {
      acceptInvalidUtf8,
      stateDir: w.stateDir(),
      program: w.program,
      keepBackups: settings.keep,
      lockTimeoutMs: w.lockTimeoutMs ?? settings.timeout,
      staleLockMs: settings.stale,
    });
    for (const warning of result.warnings) w.warn(warning);
    return result;
  } finally {
    w.written(target.file);
  }
}

/** `Config.update`: a caller's edit of a layer's file, never writing a secret in plaintext. */
export async function updateFile(
  w: WriteAccess,
  snap: Snapshot,
  edit: (current: string | undefined, file: string, info: { invalidUtf8?: boolean }) => EditResult,
  options: { layer?: WritableLayer; acceptInvalidUtf8?: boolean },
): Promise<{ file: string; changed: boolean; backupId?: string }> {
  const target = w.target(snap, options.layer);
  // No edit (edit, undo, restore) writes a secret key's value in plaintext.
  const where = { app: w.app ?? "_file", layer: target.layer, file: w.file, words: w.hintWords };
  const guarded: SourceEdit = (current, file, info) =>
    refusePlaintextSecrets(snap, edit(current, file, info), where);
  // acceptInvalidUtf8: for restore and edit, which mend a file that is not
  // UTF-8 (`info.invalidUtf8` then says so); every other write refuses it.
  const result = await update(w, target, guarded, options.acceptInvalidUtf8 === true);
  const out: { file: string; changed: boolean; backupId?: string } = {
    file: target.file,
    changed: result.changed,
  };
  if (result.backupId !== undefined) out.backupId = result.backupId;
  return out;
}

/** `Config.set`: one key, converted, checked and sealed before the lock. */
export async function setKey(
  w: WriteAccess,
  snap: Snapshot,
  keyPath: string[],
  value: unknown,
  options: SetOptions,
): Promise<SetResult> {
  const target = w.target(snap, options.layer);
  // Secrets are sealed here (options.sealFor) or refused in plaintext: set_edit.ts.
  const { edit, stored, type } = await prepareSet(
    snap,
    keyPath,
    value,
    options,
    setPlace(w, snap, target),
  );
  const result = await update(w, target, edit);
  const done = result.edit;
  if (result.changed) w.keepWritten(target.file, done?.doc);
  const out: SetResult = { file: target.file, new: stored, changed: result.changed };
  if (type !== undefined) out.type = type;
  if (done?.old !== undefined) out.old = done.old;
  const above = decidingLayer(snap, keyPath, target.layer, true);
  if (above !== undefined) out.decidedBy = above;
  return out;
}

/** `Config.setMany`: several keys of one layer in one write; one refusal writes nothing. */
export async function setKeys(
  w: WriteAccess,
  snap: Snapshot,
  entries: readonly { key: string[]; value: unknown; sealFor?: string }[],
  options: SetOptions,
): Promise<{ file: string; changed: boolean; keys: string[] }> {
  const target = w.target(snap, options.layer);
  const place = setPlace(w, snap, target);
  const edits = [];
  for (const entry of entries) {
    const one = entry.sealFor === undefined ? options : { ...options, sealFor: entry.sealFor };
    edits.push((await prepareSet(snap, entry.key, entry.value, one, place)).edit);
  }
  const keys: string[] = [];
  const result = await update(w, target, combineEdits(edits, keys));
  return { file: target.file, changed: result.changed, keys: result.changed ? keys : [] };
}

/** `Config.unset`: removes one key from a layer's file. */
export async function unsetKey(
  w: WriteAccess,
  snap: Snapshot,
  keyPath: string[],
  options: UnsetOptions,
): Promise<UnsetResult> {
  const target = w.target(snap, options.layer);
  const other = decidingLayer(snap, keyPath, target.layer, false);
  const out: UnsetResult = { file: target.file, removed: false };
  if (other !== undefined) out.decidedBy = other;
  const edit = unsetEdit(keyPath, {
    format: w.formatOf(target.file),
    mend: w.mend(target.layer),
    startFrom: startDocument(snap, target),
    onlyIf: options.onlyIf,
  });
  // No file: nothing to remove (and nothing to lock); `onlyIf` is asked about no value.
  if (!target.exists) {
    edit(undefined, target.file);
    return out;
  }
  const result = await update(w, target, edit);
  const done = result.edit;
  if (result.changed) w.keepWritten(target.file, done?.doc);
  out.removed = result.changed;
  if (result.changed && done?.old !== undefined) out.old = done.old;
  return out;
}

/** What the edit of a key in `target` needs: the app and layer values are bound to, the format. */
function setPlace(w: WriteAccess, snap: Snapshot, target: WriteTarget): SetPlace {
  return {
    app: w.app ?? "_file",
    layer: target.layer,
    file: w.file,
    words: w.hintWords,
    format: w.formatOf(target.file),
    mend: w.mend(target.layer),
    schema: w.schemaForWrite(snap),
    startFrom: startDocument(snap, target),
  };
}

/** What the edit of `target` may start from: its file's document as read in `snap` (see `FileRead.documentFor`). */
function startDocument(snap: Snapshot, target: WriteTarget): StartDocument | undefined {
  const read = snap.layers.find((l) => l.name === target.layer && l.file === target.file)?.read;
  return read && ((text) => read.documentFor(text));
}

/**
 * The highest layer other than `written` that sets `keyPath`: it decides the
 * key after the write (`above`: only a layer above `written` counts).
 */
function decidingLayer(
  snap: Snapshot,
  keyPath: string[],
  written: LayerName,
  above: boolean,
): LayerName | undefined {
  for (const layer of snap.layers) {
    if (layer.name === written) {
      if (above) return undefined;
      continue;
    }
    if (layer.values !== undefined && lookup(layer.values, keyPath).found) return layer.name;
  }
  return undefined;
}
