/**
 * Recovery: everything that makes a mistake visible and reversible. The
 * backups of a layer file (`describeBackups`), putting one back
 * (`restoreBackup`), the journal (`readHistory`), reverting changes
 * (`undoChanges`), comparing versions (`diffVersions`, `textDiff`), a safe
 * editor session (`editLayer`), and health checks (`runDoctor`). Each works
 * on a `Config` through the same write protocol as `set`.
 *
 * @module
 */

export { checkLayerText, issueText, layerIssues, parseLayerText } from "./check_text.ts";
export { diffVersions, labelOf, textDiff, type VersionDiff } from "./diff_versions.ts";
export {
  type CheckName,
  type DoctorConfig,
  type DoctorOptions,
  type DoctorReport,
  type Finding,
  runDoctor,
  unhealthy,
} from "./doctor.ts";
export {
  editLayer,
  type EditOptions,
  type EditorExit,
  type EditResult,
  spawnEditor,
} from "./edit_session.ts";
export { editorCommand, splitCommand } from "./editor_command.ts";
export { type History, type HistoryOptions, readHistory } from "./history.ts";
export {
  advise,
  adviseAll,
  hintFor,
  type LayerFile,
  layerFile,
  mendOptions,
  type RecoveryConfig,
  type WritableConfig,
  writableLayerFiles,
  writeOption,
} from "./layer_files.ts";
export { type BackupInfo, describeBackups } from "./list_backups.ts";
export { restoreBackup, type RestoreResult } from "./restore.ts";
export {
  lastChangedLayer,
  undoableWrites,
  undoChanges,
  type UndoneKey,
  type UndoResult,
} from "./undo.ts";
export { findBackup, latestValidBackup, readText, readVersion, type Version } from "./versions.ts";
export { groupWrites, type JournalWrite, writeIdOf } from "./writes.ts";

// Types the functions above take or return, from the modules that own them.
export type { KeyChange } from "../diff/value_diff.ts";
export type { LayerInfo, WritableLayer } from "../layers/types.ts";
export type { FileFormat } from "../platform/paths.ts";
export type { Schema, SchemaIssue } from "../schema/validate.ts";
export type { BackupEntry } from "../store/backup.ts";
export type { JournalEntry } from "../store/journal.ts";
export type { FileEdit } from "../store/update_file.ts";
