/**
 * `LayerSource`: one layer of the waterfall behind one small interface. A
 * source reads its values with their provenance (a {@link Layer}); where it
 * can, it also writes through its own protocol, lists its versions and
 * history, and reports changes. A configuration is an ordered list of
 * sources, top first (the order is data: see `config/sources.ts`), so a new
 * kind of layer (a shared layer between system and user, a layer held in a
 * database) is one new source put at its place in the list. Types only.
 *
 * @module
 */

import type { LoadedSchema } from "../schema/load_schema.ts";
import type { FileFormat } from "../platform/paths.ts";
import type { EditResult } from "./edits.ts";
import type { Layer, LayerName } from "./types.ts";

/** What a source may ask while it reads (each answer read on demand, once per snapshot). */
export interface SourceContext {
  /** The layers below this source, top first (the environment types its text by them). */
  below(): Layer[];
  /** Another source's layer, by name (the schema is found beside the defaults file). */
  layer(name: LayerName): Layer | undefined;
  /** The application's schema (undefined: none, or broken and reported). */
  schema(): LoadedSchema | undefined;
}

/**
 * An edit of a layer's text: gets the text as it is now (under the lock),
 * returns what it did (the new text and the changes for the journal, and
 * whatever else its caller wants back), or null for no change.
 */
export type SourceEdit<E extends NonNullable<EditResult> = NonNullable<EditResult>> = (
  current: string | undefined,
  file: string,
  info: { invalidUtf8?: boolean },
) => E | null;

/** How a write is made: who writes, and the store's settings. */
export interface WriteSettings {
  /** The state folder (backups, journal). */
  stateDir: string;
  /** Who writes, for the lock and the journal. */
  program: string;
  /** Backups kept. */
  keepBackups?: number;
  /** How long to wait for another writer's lock, ms. */
  lockTimeoutMs?: number;
  /** When a silent lock is stale, ms. */
  staleLockMs?: number;
  /** Accept a file that is not UTF-8 (restore and edit mend one). */
  acceptInvalidUtf8?: boolean;
}

/** What a write did; `edit`: what the edit returned (null: no change). */
export interface WriteOutcome<E = NonNullable<EditResult>> {
  /** What the edit returned. */
  edit: E | null;
  /** The file written. */
  file: string;
  /** False when the edit changed nothing (nothing was written). */
  changed: boolean;
  /** The backup taken of the version replaced. */
  backupId?: string;
  /** Warnings to report once (a journal that could not be appended, ...). */
  warnings: string[];
}

/** A running change report of one source. */
export interface SourceWatch {
  /** What is watched (absolute paths, some of which may not exist). */
  readonly files: readonly string[];
  /** Stops the reports. */
  close(): void;
}

/**
 * Watches one file and calls `onChange` when its content changed (the
 * watch module passes its `watchFile`, so a source never loads it on a read).
 */
export type FileWatcher = (
  file: string,
  onChange: () => void,
) => { close(): void };

/** One layer of the waterfall. */
export interface LayerSource {
  /** Which layer. */
  readonly name: LayerName;
  /** Reads the layer: its values and where each comes from; undefined when the layer is not there at all. */
  read(ctx: SourceContext): Layer | undefined;
  /**
   * Writes the layer through its own protocol (a file's: lock, re-read,
   * edit, backup, atomic write, journal). Only writable sources have it.
   */
  write?<E extends NonNullable<EditResult>>(
    target: { file: string; format: FileFormat },
    edit: SourceEdit<E>,
    settings: WriteSettings,
  ): Promise<WriteOutcome<E>>;
  /**
   * Reports that the layer may have changed (its file, or a place one may
   * appear, was written): `onChange` is then called, with no detail; the
   * caller reads again. A source whose values cannot change while the
   * process runs (the command line, the environment) has none.
   */
  watch?(onChange: () => void, watchFile: FileWatcher): SourceWatch;
  /** The versions kept of the layer (its file's backups), newest first. */
  versions?(stateDir: string): Promise<SourceVersion[]>;
  /** The changes made to the layer through strata (its file's journal), oldest first. */
  history?(stateDir: string): Promise<SourceChange[]>;
}

/** A version a source keeps (a backup of its file). */
export interface SourceVersion {
  /** Its id (`<UTC time>-<pid>` for a file's backup). */
  id: string;
  /** Where it is. */
  path: string;
  /** When it was taken, ISO 8601 UTC. */
  time: string;
}

/** One change of one key, as a source's history records it. */
export interface SourceChange {
  /** When, ISO 8601 UTC. */
  time: string;
  /** The key as dotted text. */
  key: string;
  /** Who wrote it (`strata set`, a program's name). */
  program?: string;
  /** The value before (absent: the key was added). */
  old?: unknown;
  /** The value after (absent: the key was removed). */
  new?: unknown;
}
