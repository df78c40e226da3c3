/**
 * The edit of one `set` (and of each key of a `setMany`): the value
 * converted to the key's type, or sealed for a secret (a plaintext value
 * for a secret key refused), checked against the schema, ready for the
 * store to run under the lock. Kept apart from `config.ts`, which only
 * wires it to the layer written.
 *
 * @module
 */

import type { SetOptions, Snapshot } from "../layers/types.ts";
import {
  type Change,
  type EditResult,
  type KeyEdit,
  type Mend,
  setEdit,
  typedValue,
} from "../layers/edits.ts";
import { sealForWrite, type SecretPlace } from "../layers/seal_for_write.ts";
import type { FileFormat } from "../platform/paths.ts";
import type { ConfigDocument } from "../layers/document.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";
import { typeOfValue, type ValueType } from "../codec/value.ts";

/** What the edit of one key needs to know about the file it writes. */
export interface SetPlace extends SecretPlace {
  /** The file's format. */
  format: FileFormat;
  /** The commands that mend the file, for messages. */
  mend: Mend;
  /** The schema a write must keep. */
  schema?: LoadedSchema;
  /** The document of the file as read, for the edit to start from (see {@link StartDocument}). */
  startFrom?: StartDocument;
}

/**
 * The document already parsed from `text`, when `text` is what the file held
 * when it was read (`FileRead.documentFor`): the edit under the lock starts
 * from it instead of parsing the same text again.
 */
export type StartDocument = (text: string) => ConfigDocument | undefined;

/** The edit of one key under the lock: what it did (no changes: nothing to write). */
export type TextEdit = (current: string | undefined, file: string) => KeyEdit;

/**
 * The edit of one key, what it stores (a sealed text for a secret) and the
 * type written: the key's, else the value's own (a secret's: its plaintext's).
 */
export async function prepareSet(
  snap: Snapshot,
  keyPath: string[],
  value: unknown,
  options: SetOptions,
  place: SetPlace,
): Promise<{ edit: TextEdit; stored: unknown; type?: ValueType }> {
  const sealing = await sealForWrite(snap, keyPath, value, options, place);
  const typed = sealing === undefined
    ? typedValue(snap, keyPath, value, options)
    : sealing.typed ?? { value: sealing.sealed };
  const stored = sealing?.sealed ?? typed.value;
  const edit = setEdit(keyPath, stored, {
    type: sealing ? undefined : typed.type,
    format: place.format,
    mend: place.mend,
    schema: place.schema,
    plain: sealing?.typed,
    startFrom: place.startFrom,
    onlyIf: options.onlyIf,
  });
  return { edit, stored, type: typed.type ?? typeOfValue(typed.value) };
}

/**
 * One edit made of several, applied in order to the text under one lock;
 * null when none changes anything. `keys` receives the keys changed.
 */
export function combineEdits(
  edits: readonly TextEdit[],
  keys: string[],
): (current: string | undefined, file: string) => EditResult {
  return (current, file) => {
    let text = current;
    const changes: Change[] = [];
    for (const edit of edits) {
      const done = edit(text, file);
      if (done.changes.length === 0) continue;
      text = done.text;
      changes.push(...done.changes);
    }
    keys.splice(0, keys.length, ...changes.map((c) => c.key));
    return text === undefined || changes.length === 0 ? null : { text, changes };
  };
}
