/**
 * Which file a recovery command works on (a writable layer's file, or the
 * one file of `--file` mode) and where its backups and journal live.
 *
 * @module
 */

import type { LayerInfo, WritableLayer } from "../config/config.ts";
import { StrataError } from "../errors.ts";
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
  /** The application's schema, when it ships one. */
  schema?(): { schema: Schema; file?: string } | undefined;
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
  /** How strata is called for this file, for the commands it suggests: `strata --app demo`. */
  cli: string;
}

/**
 * A command strata suggests for this layer file:
 * `command(target, "restore latest")` -> `strata --app demo restore latest --project`.
 */
export function command(target: LayerFile, words: string): string {
  const flag = target.layer === "project" || target.layer === "system" ? ` --${target.layer}` : "";
  return `${target.cli} ${words}${flag}`;
}

function cliOf(config: RecoveryConfig, format?: FileFormat): string {
  if (config.file !== undefined) {
    // A file whose name does not say its format is written only with --format.
    const named = knownFormat(config.file) === undefined && format ? ` --format ${format}` : "";
    return `strata --file ${quote(config.file)}${named}`;
  }
  return `strata --app ${quote(config.app ?? "APP")}`;
}

/** Quotes a word for a POSIX shell when it needs it. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
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
    cli: cliOf(config, info.format),
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
