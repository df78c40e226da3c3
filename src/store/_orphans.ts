/**
 * Removes temporary files left by writers that crashed (kill -9, power cut)
 * between creating a temp file and renaming it. Called only while holding
 * the file's lock: then no conforming writer can be writing a temp file for
 * it, and one whose pid is dead (or that is older than the stale bound) is
 * certainly an orphan. Internal to `src/store/`.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { processAlive } from "./lock_state.ts";

/**
 * Deletes the files in `dir` whose names match `pattern` (its first group is
 * the writer's pid) when that pid is not alive or the file is older than
 * `staleMs`. Never throws: cleaning is a courtesy, not part of the write.
 */
export function removeOrphanTemps(dir: string, pattern: RegExp, staleMs: number): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = name.match(pattern);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid) continue;
    const file = path.join(dir, name);
    try {
      const age = Date.now() - fs.lstatSync(file).mtimeMs;
      if (age > staleMs || !processAlive(pid)) {
        fs.unlinkSync(file);
        removed++;
      }
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}
