/**
 * Test helper process: sets its own key in a shared file N times (values
 * 1..N) through updateFile, keeping every backup. A `.json` file is edited
 * as JSON, a `.toml` file with the format-preserving TomlDocument.
 * Usage: _writer.ts FILE STATE_DIR KEY N
 *
 * @module
 */

import { updateFile } from "../../src/store/update_file.ts";
import { TomlDocument } from "../../src/toml/document.ts";

const [file, stateDir, key, times] = process.argv.slice(-4);
const toml = file.endsWith(".toml");
for (let i = 1; i <= Number(times); i++) {
  await updateFile(file, (current) => {
    if (toml) {
      const doc = TomlDocument.parse(current ?? "", file);
      const old = doc.get([key]);
      doc.set([key], i);
      return { text: doc.toString(), changes: [{ key, old, new: i }] };
    }
    const value = current === undefined ? {} : JSON.parse(current);
    const old = value[key];
    value[key] = i;
    return { text: JSON.stringify(value, null, 2) + "\n", changes: [{ key, old, new: i }] };
  }, { stateDir, program: `writer ${key}`, keepBackups: 100_000, lockTimeoutMs: 60_000 });
}
