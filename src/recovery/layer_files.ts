/**
 * Which file a recovery command works on (a writable layer's file, or the
 * one file of `--file` mode) and where its backups and journal live.
 *
 * @module
 */

import type { LayerInfo, WritableLayer } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import {
  type Hint,
  type HintAction,
  type HintTarget,
  hintTarget,
  type HintWords,
  plainHintWords,
} from "../hints.ts";
import { type FileFormat, formatOf, knownFormat } from "../platform/paths.ts";
import { resolveTarget } from "../store/resolve_target.ts";
import { statePaths } from "../store/state_paths.ts";
import type { FileEdit } from "../store/update_file.ts";
import type { Schema } from "../schema/validate.ts";

/**
 * What recovery needs of a `Config` (a `Config` is one). Kept structural so
 * that recovery depends on a few members, not on the whole class.
 */
export interface RecoveryConfig {
  /** The application (unless in `--file` mode). */
  readonly app?: string;
  /** The one file of `--file` mode. */
  readonly file?: string;
  /** The folder of backups and journals. */
  readonly stateDir: string;
  /** Every layer, top first (file layers say where they live). */
  layers(): LayerInfo[];
  /** The application's schema, when it ships one (and what strata does not check in it). */
  schema?(): { schema: Schema; file?: string; warnings?: string[] } | undefined;
  /** How hints are worded in messages (default: plain words, no command). */
  readonly hintWords?: HintWords;
}

/** A configuration recovery may also write: `restore`, `undo` and `edit` need this. */
export interface WritableConfig extends RecoveryConfig {
  /**
   * Changes a writable layer's file through the write protocol, with the
   * configuration's own settings (backups kept, lock timings, program).
   */
  update(
    edit: (
      current: string | undefined,
      file: string,
      info?: { invalidUtf8?: boolean },
    ) => FileEdit | null,
    options?: { layer?: WritableLayer; acceptInvalidUtf8?: boolean },
  ): Promise<{ file: string; changed: boolean; backupId?: string }>;
}

/** One layer's file and its state: the unit every recovery command works on. */
export interface LayerFile {
  /** `project`, `user`, `system`, or `file` (`--file` mode). */
  layer: "project" | "user" | "system" | "file";
  /** The file as the layer names it (absolute; may be a symlink). */
  file: string;
  /** The real file, after symlinks (what the state names are made from). */
  real: string;
  /** Whether the file exists now. */
  exists: boolean;
  /** Its format, by extension. */
  format: FileFormat;
  /** Where its backups are. */
  backupDir: string;
  /** Its journal (NDJSON). */
  journal: string;
  /** What hints about this file apply to (its app or file, format, layer). */
  hint: HintTarget;
  /** How hints are worded in messages (the configuration's `hintWords`). */
  words: HintWords;
}

/**
 * What a person can do about this layer file, worded for the message:
 * `advise(target, { action: "restore", which: "latest" })` is, in the CLI,
 * `strata --app demo restore latest --project`.
 */
export function advise(target: LayerFile, action: HintAction): string {
  return target.words(hintFor(target, action));
}

/** A hint about this layer file, as data. */
export function hintFor(target: LayerFile, action: HintAction): Hint {
  return { ...target.hint, ...action };
}

/**
 * What a person can do about the configuration as a whole (no layer named),
 * worded: e.g. set a key that no layer sets.
 */
export function adviseAll(config: RecoveryConfig, action: HintAction): string {
  const target = hintTarget({ app: config.app, file: config.file });
  return (config.hintWords ?? plainHintWords)({ ...target, ...action });
}

function hintOf(config: RecoveryConfig, layer: string, format?: FileFormat): HintTarget {
  // A file whose name does not say its format is written only with its format named.
  const named = config.file !== undefined && knownFormat(config.file) === undefined
    ? format
    : undefined;
  return hintTarget({ app: config.app ?? "APP", file: config.file, format: named, layer });
}

/** The layer option of `Config.update` for a layer file (undefined: user, or the file). */
export function writeOption(file: LayerFile): { layer?: WritableLayer } {
  return file.layer === "project" || file.layer === "system" ? { layer: file.layer } : {};
}

/**
 * The options of a write that mends a file (restore, edit): it must also
 * replace a file that is not valid UTF-8 (where the store supports it; the
 * edit callback then gets `{ invalidUtf8: true }` and treats the text as broken).
 */
export function mendOptions(file: LayerFile): { layer?: WritableLayer; acceptInvalidUtf8: true } {
  return { ...writeOption(file), acceptInvalidUtf8: true };
}

function describe(info: LayerInfo, config: RecoveryConfig): LayerFile {
  const real = resolveTarget(info.file!);
  const { backupDir, journal } = statePaths(config.stateDir, real);
  return {
    layer: info.layer as LayerFile["layer"],
    file: info.file!,
    real,
    exists: info.exists,
    format: info.format ?? formatOf(info.file!),
    backupDir,
    journal,
    hint: hintOf(config, info.layer, info.format),
    words: config.hintWords ?? plainHintWords,
  };
}

/**
 * Every writable layer's file, top first (project, user, system), or the one
 * file in `--file` mode.
 */
export function writableLayerFiles(config: RecoveryConfig): LayerFile[] {
  return config.layers()
    .filter((l) => l.writable && l.file !== undefined)
    .map((l) => describe(l, config));
}

/**
 * The file of one writable layer: `layer` (default `user`; in `--file` mode
 * the file, and no layer may be named).
 *
 * @example
 * ```ts ignore
 * const target = layerFile(config, "project");
 * listBackups(target.backupDir);
 * ```
 */
export function layerFile(config: RecoveryConfig, layer?: WritableLayer): LayerFile {
  const files = writableLayerFiles(config);
  const single = files.find((f) => f.layer === "file");
  if (single) {
    if (layer !== undefined) {
      throw new StrataError("usage", `--${layer} does not apply with --file: ${single.file}`);
    }
    return single;
  }
  const name = layer ?? "user";
  const found = files.find((f) => f.layer === name);
  if (!found) throw new StrataError("usage", `the ${name} layer has no file`);
  return found;
}
