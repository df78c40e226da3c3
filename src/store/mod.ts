/**
 * The write protocol, once: lock, re-read, edit, backup, atomic write,
 * journal, release. Every writer of a configuration file goes through
 * {@link updateFile}; the other exports are its parts, for readers
 * (backups, journal) and tools (doctor). The on-disk contract is
 * PROTOCOL.md at the repository root.
 *
 * @module
 */

export { acquireLock, type AcquireLockOptions, type FileLock } from "./lock.ts";
export {
  inspectLock,
  lockDefaults,
  type LockInfo,
  lockIsStale,
  processAlive,
  type SeenLock,
} from "./lock_state.ts";
export {
  fileMode,
  folderMode,
  writeFileAtomic,
  type WriteFileAtomicOptions,
} from "./atomic_write.ts";
export { resolveTarget } from "./resolve_target.ts";
export { fnv1a32, type StatePaths, statePaths } from "./state_paths.ts";
export {
  type BackupEntry,
  backupFile,
  type BackupOptions,
  defaultKeepBackups,
  discardBackup,
  listBackups,
  rotateBackups,
} from "./backup.ts";
export {
  appendJournal,
  type JournalChange,
  type JournalContents,
  journalEntries,
  type JournalEntry,
  readJournal,
} from "./journal.ts";
export {
  decodeText,
  type EditContext,
  type EditFn,
  type FileEdit,
  updateFile,
  type UpdateFileOptions,
  type UpdateResult,
} from "./update_file.ts";
