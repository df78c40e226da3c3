/**
 * The folder a file watch listens on: the file's parent when it exists,
 * otherwise the nearest existing ancestor (so a folder created later is
 * seen), with its identity (device and inode) to notice when the folder
 * itself is replaced. Internal to `src/runtime/watch/`.
 *
 * @module
 */

import type * as NodeFs from "node:fs";
import type * as NodePath from "node:path";

/** Where to listen for a file's changes. */
export interface FolderTarget {
  /** The folder to watch. */
  folder: string;
  /** The folder's identity, `dev:ino`. */
  identity: string;
  /**
   * The name in `folder` whose events matter: the file's own name when
   * `folder` is its parent, otherwise the next folder on the way to it.
   */
  childName: string;
}

/** `dev:ino` of the folder at `path`, or undefined when no folder is there (or it cannot be stat'ed). */
export function folderIdentity(fs: typeof NodeFs, path: string): string | undefined {
  try {
    const s = fs.statSync(path, { throwIfNoEntry: false });
    return s?.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The nearest existing folder on the way to `file` (an absolute path), its
 * identity and the child name to filter on; undefined only when not even the
 * root can be stat'ed.
 */
export function findFolder(
  fs: typeof NodeFs,
  path: typeof NodePath,
  file: string,
): FolderTarget | undefined {
  let child = file;
  let folder = path.dirname(file);
  for (;;) {
    const identity = folderIdentity(fs, folder);
    if (identity !== undefined) return { folder, identity, childName: path.basename(child) };
    const up = path.dirname(folder);
    if (up === folder) return undefined;
    child = folder;
    folder = up;
  }
}

/**
 * Opens a `fs.watch` on `folder`, calling `onName` with each event's file
 * name (null when the runtime gives none) and `onFailure` once when the
 * watch errors. Undefined when the watch cannot be opened (no permission,
 * the system's watch limit reached): the caller's poll covers it.
 */
export function openFolderWatch(
  fs: typeof NodeFs,
  folder: string,
  onName: (name: string | null) => void,
  onFailure: () => void,
): NodeFs.FSWatcher | undefined {
  try {
    const watcher = fs.watch(folder, { encoding: "utf8" }, (_event, name) => onName(name ?? null));
    watcher.on("error", onFailure);
    return watcher;
  } catch {
    return undefined;
  }
}
