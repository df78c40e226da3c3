/**
 * The shapes the core passes around: what a resolved value, an origin, an
 * explanation and a layer look like. Types only.
 *
 * @module
 */

import type { ErrorCode, StrataError } from "../errors.ts";
import type { LocatedFile, SkippedFile } from "../platform/locate.ts";
import type { FileFormat } from "../platform/paths.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";
import type { ValueType } from "../codec/value.ts";
import type { EnvLayer } from "./env.ts";
import type { FileRead } from "./file_layer.ts";

/** A layer of the waterfall; `file` is the one file of `--file` mode. */
export type LayerName =
  | "command-line"
  | "environment"
  | "project"
  | "user"
  | "shared"
  | "system"
  | "defaults"
  | "schema-defaults"
  | "file";

/** The layers a `set` or `unset` may write. */
export type WritableLayer = "project" | "user" | "system";

/** Where a value came from. */
export interface Origin {
  /** The layer. */
  layer: LayerName;
  /** Absolute path, for file layers (a backup's path when the file did not parse). */
  file?: string;
  /** 1-based line of the key in that file. */
  line?: number;
  /** The environment variable's name. */
  env?: string;
  /** The `--set` item. */
  arg?: string;
  /** For the schema's defaults: the JSON pointer of the `default` in `file`. */
  pointer?: string;
  /** For the shared layer: the scope and server its snapshot (`file`) copies, `team:ops/demo @ db.example.com`. */
  remote?: string;
}

/**
 * A value a layer holds that is not used: it breaks the schema, or it is a
 * person's text that does not convert to its key's type. The next layer
 * down that holds a valid value wins instead.
 */
export interface Rejected {
  /** The key as dotted text. */
  key: string;
  /** The key's segments. */
  path: string[];
  /** Where the value is (layer, file:line, variable, `--set` item). */
  origin: Origin;
  /** The value as the layer holds it. */
  value: unknown;
  /** `type`: does not convert to the key's type; `schema`: breaks the schema. */
  code: "type" | "schema";
  /** What is wrong: `99999 is greater than the maximum 65535`. */
  reason: string;
  /** The schema's rule broken, `FILE#/properties/port/maximum` (`#/...` for a schema given as a value; code `schema`). */
  rule?: string;
  /** The whole sentence for a person: where, what, and what to do. */
  message: string;
}

/** A key's effective value and its provenance. */
export interface Resolved {
  /** The key as dotted text (`servers."eu.west".port`). */
  key: string;
  /** The key's segments. */
  path: string[];
  /** The value, typed (a table is the merge of every layer's table). */
  value: unknown;
  /** The layer that won. */
  origin: Origin;
}

/** A layer as `Config.layers()` describes it. */
export interface LayerInfo {
  /** The layer. */
  layer: LayerName;
  /** Where it lives (file layers), even if absent: a write creates it there. */
  file?: string;
  /** Whether it exists now (for the environment/command line: whether it has entries). */
  exists: boolean;
  /** Whether `set`/`unset` may write it. */
  writable: boolean;
  /** The file's format. */
  format?: FileFormat;
  /** Why a file layer has no file at all (e.g. no home folder is known), and what to set. */
  note?: string;
  /** Files under the layer's names that are not used (a folder, a FIFO, another user's file). */
  skipped?: SkippedFile[];
}

/** One layer's part in `Explanation.walk`. */
export interface WalkStep {
  /** The layer. */
  layer: LayerName;
  /** Its file, for file layers. */
  file?: string;
  /** The environment step: the variable that sets the key (or would set it, when absent). */
  env?: string;
  /** The `--set` item, when the command line holds the key. */
  arg?: string;
  /** `set`: the layer holds the key; `absent`; `no-file`: the layer's file does not exist; `unreadable`: see `detail`. */
  status: "set" | "absent" | "no-file" | "unreadable";
  /** The layer's value for the key (status `set`). */
  value?: unknown;
  /** 1-based line of the key in the file. */
  line?: number;
  /** The shared layer: the scope and server its snapshot copies (see `Origin.remote`). */
  remote?: string;
  /** The schema's defaults: the JSON pointer of the key's `default` in `file`. */
  pointer?: string;
  /** More: why unreadable, read from a backup, hidden by a value above, ... */
  detail?: string;
  /** The layer's value is not used: it breaks the schema or its key's type (see `detail`). */
  refused?: boolean;
  /** The kind of failure behind `detail` when it is an error (`io`, `parse`, `type`, ...). */
  code?: ErrorCode;
}

/** The whole walk for one key (see `Config.explain()`). */
export interface Explanation {
  /** The key as dotted text. */
  key: string;
  /** Every layer, top first. */
  walk: WalkStep[];
  /** The effective value, when any layer has the key. */
  winner?: Resolved;
  /** The key's known type, if any. */
  type?: ValueType;
  /** Where the type is known from, e.g. `defaults /usr/share/demo/defaults.toml:3`. */
  typeSource?: string;
  /** The schema's description of the key, if any. */
  description?: string;
  /** E.g. environment variables that match no known key. */
  warnings: string[];
  /** Values above the winner (or with no winner) that are not used: they break the schema or their key's type. */
  rejected?: Rejected[];
}

/** What `Config.set()` did. */
export interface SetResult {
  /** The file written (the layer's path; a symlink is written through). */
  file: string;
  /** The value before, if the key was there. */
  old?: unknown;
  /** The value written. */
  new: unknown;
  /** The type it was written as, when known (a whole `float` is written `3.0`). */
  type?: ValueType;
  /** False when the file already held this value (nothing written). */
  changed: boolean;
  /**
   * A layer above the one written that sets the key, and so still decides
   * its value (the environment, a project file, `--set`...): the write
   * changed the file, not the value read.
   */
  decidedBy?: LayerName;
}

/** What `Config.unset()` did. */
export interface UnsetResult {
  /** The layer's file. */
  file: string;
  /** False when the key was not there (nothing written). */
  removed: boolean;
  /** The value removed. */
  old?: unknown;
  /** Another layer that sets the key, and so decides it now (the highest such). */
  decidedBy?: LayerName;
}

/** Options of `Config.set()`. */
export interface SetOptions {
  /** The layer to write (default `user`). */
  layer?: WritableLayer;
  /** The type to convert to when the key has none known (`set --type`). */
  type?: ValueType;
  /** `value` is a person's text, to convert to the key's type (the CLI's `set`). */
  raw?: boolean;
  /**
   * Store the value sealed for this recipient (`strata-recipient-v1:...`),
   * bound to the app, the layer written and the key. Required for a secret
   * key (sealed in a layer, or marked by the schema), unless the value is
   * already a sealed text.
   */
  sealFor?: string;
  /**
   * A compare-and-set: called under the lock with the key's value in the
   * file written (undefined when absent); when it returns false nothing is
   * written and the set fails with a `conflict` StrataError whose `current`
   * is that value. A program that showed a person a value passes a check of
   * that value, so a change made meanwhile by another writer is never
   * overwritten unseen.
   */
  onlyIf?: (current: unknown) => boolean;
}

/** Options of `Config.unset`. */
export interface UnsetOptions {
  /** The layer to remove the key from (default `user`). */
  layer?: WritableLayer;
  /** A compare-and-remove, as {@link SetOptions.onlyIf}. */
  onlyIf?: (current: unknown) => boolean;
}

/** One layer as the resolver sees it (internal to the core). */
export interface Layer {
  /** Which layer. */
  name: LayerName;
  /** Its file (file layers; where it would be when missing). */
  file?: string;
  /** How the file was found (writable file layers). */
  located?: LocatedFile;
  /** Whether `set`/`unset` may write it. */
  writable: boolean;
  /** `ok`, `no-file`, or `unreadable` (see `error`). */
  status: "ok" | "no-file" | "unreadable";
  /** Its values (status `ok`). */
  values?: Record<string, unknown>;
  /** Why it cannot be used. */
  error?: StrataError;
  /** The file read behind it. */
  read?: FileRead;
  /** Values are text from a person (environment, command line): converted on the way out. */
  textual: boolean;
  /** A name for type sources: `defaults /path`, `user /path`. */
  label: string;
  /** The origin of the value at a path in this layer. */
  origin(path: string[]): Origin;
  /** The TOML kind of the value at a path (undefined: not there). */
  kindOf(path: string[]): string | undefined;
  /** The environment layer's mapping of variables to keys. */
  env?: EnvLayer;
}

/** The layers of one moment, top first, and the environment mapping. */
export interface Snapshot {
  /** Every layer, top first. */
  layers: Layer[];
  /** The environment mapping (not in single-file mode). */
  env?: EnvLayer;
  /** The application's schema, loaded on first call (undefined: none, or broken and reported). */
  schema?: () => LoadedSchema | undefined;
  /** How to mend a writable layer's file, worded by the configuration's `hintWords` (the CLI's: `strata --app demo edit`). */
  editCommand?: (layer: LayerName) => string;
}

/** A key's known type and where it comes from. */
export interface KnownType {
  /** The type. */
  type: ValueType;
  /** Where it is known from, e.g. `defaults /usr/share/demo/defaults.toml:3` (worked out on first read). */
  readonly source: string;
  /** From the defaults (or a schema): the type cannot be overridden by `--type`. */
  binding: boolean;
}
