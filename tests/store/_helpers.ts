// Moved to tests/_support/; this path stays as a re-export for tests not yet switched.
import { tempDir as makeTempDir } from "../_support/mod.ts";

export { deadPid, type Finished, leftovers, runScript, scriptCommand } from "../_support/mod.ts";

/** A fresh temp folder's path; remove it yourself (or use `tempDir` of tests/_support). */
export function tempDir(): string {
  return makeTempDir().path;
}
