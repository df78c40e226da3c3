/**
 * Test helper process: sets its own key in a shared JSON file N times
 * (values 1..N) through updateFile, keeping every backup.
 * Usage: _writer.ts FILE STATE_DIR KEY N
 *
 * @module
 */

import { updateFile } from "../../src/store/update_file.ts";

const [file, stateDir, key, times] = process.argv.slice(-4);
for (let i = 1; i <= Number(times); i++) {
  await updateFile(file, (current) => {
    const value = current === undefined ? {} : JSON.parse(current);
    const old = value[key];
    value[key] = i;
    return { text: JSON.stringify(value, null, 2) + "\n", changes: [{ key, old, new: i }] };
  }, { stateDir, program: `writer ${key}`, keepBackups: 100_000, lockTimeoutMs: 60_000 });
}
