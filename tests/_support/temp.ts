/**
 * Temporary folders that remove themselves: `using dir = tempDir();` and the
 * folder is gone when the block ends, however it ends (a failed assertion
 * included). Works under Bun and Deno (`Symbol.dispose`).
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A temporary folder, removed (with everything in it) when disposed. */
export interface TempDir extends Disposable {
  /** Its absolute, real path (symbolic links resolved). */
  readonly path: string;
  /** Removes the folder now; disposing it later does nothing more. */
  remove(): void;
}

/** Options of {@link tempDir}. */
export interface TempDirOptions {
  /** The start of the folder's name (default `strata-`). */
  prefix?: string;
  /** Where to create it (default: the system temp folder). */
  base?: string;
}

/** Creates a fresh temporary folder; dispose of it (`using`) or call `remove()`. */
export function tempDir(options: TempDirOptions = {}): TempDir {
  const base = options.base ?? os.tmpdir();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(base, options.prefix ?? "strata-")));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  return { path: dir, remove, [Symbol.dispose]: remove };
}
