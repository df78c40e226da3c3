/**
 * Folders inside the state dir (`backups/`, `backups/<key>/`, `journal/`)
 * are strata's own: a symbolic link planted at one of their names would send
 * every old value to wherever it points, so it is never followed. Internal
 * to `src/store/`.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { StrataError } from "../errors.ts";
import { ensureFolder } from "./atomic_write.ts";

/**
 * Creates `dir` (0700) when missing, then checks that it and the `levels - 1`
 * folders above it are real folders, not links. Throws a `StrataError` (io)
 * naming the link otherwise.
 */
export function ensureStateFolder(dir: string, forFile: string, levels = 1): void {
  ensureFolder(dir, forFile);
  let current = dir;
  for (let i = 0; i < levels; i++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return; // removed meanwhile: the next step reports it
    }
    if (!stat.isDirectory()) {
      throw new StrataError(
        "io",
        `${current} is ${
          stat.isSymbolicLink() ? "a symbolic link" : "not a folder"
        }: strata keeps backups and journals only in real folders of its state folder and ` +
          `never follows a link there (it could send old values anywhere). To fix: remove it ` +
          `(rm ${current}); strata creates the folder again.`,
      );
    }
    current = path.dirname(current);
  }
}

/** Flags that open a state file without following a link planted at its name. */
export function noFollow(flags: number): number {
  return flags | (fs.constants.O_NOFOLLOW ?? 0);
}
