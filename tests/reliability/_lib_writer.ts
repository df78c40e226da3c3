/**
 * A long-lived library writer for the reliability campaign: one process that
 * writes many times through the public API (`src/mod.ts`), as a daemon or a
 * GUI would, and prints one acknowledgement line per committed write.
 *
 * Usage:
 *   _lib_writer.ts set  TARGET KEY START COUNT   sets KEY to START, START+1, ... (COUNT writes)
 *   _lib_writer.ts incr TARGET KEY - COUNT       adds 1 to the integer KEY, COUNT times
 *                                                (read-modify-write under the lock)
 * TARGET is `file:PATH` (single-file mode) or `app:NAME` (the user layer).
 *
 * Output: `ack KEY VALUE` after each write has returned, i.e. after the new
 * file was renamed into place and its folder fsynced. It is written with a
 * synchronous write(2) on fd 1, so a line on the pipe is never held in a
 * buffer that a SIGKILL would lose: every line the parent reads is a write
 * that was acknowledged.
 *
 * @module
 */

import * as fs from "node:fs";
import { openConfig, parseKey } from "../../src/mod.ts";
import { TomlDocument } from "../../src/toml/document.ts";
import { updateFile } from "../../src/store/update_file.ts";

const [mode, target, key, startText, countText] = process.argv.slice(-5);
const count = Number(countText);
const options = target.startsWith("file:") ? { file: target.slice(5) } : { app: target.slice(4) };
const config = openConfig({
  ...options,
  env: process.env as Record<string, string>,
  program: `reliability-writer ${key}`,
  lockTimeoutMs: Number(process.env.STRATA_LOCK__TIMEOUT_MS ?? 60_000),
});

if (mode === "set") {
  const start = Number(startText);
  for (let i = 0; i < count; i++) {
    const value = start + i;
    await config.set(key, value);
    fs.writeSync(1, `ack ${key} ${value}\n`);
  }
} else if (mode === "incr") {
  // The Config API has no increment; updateFile is the protocol's read-modify-write.
  const file = config.layers().find((layer) => layer.layer === "file" || layer.layer === "user")!
    .file!;
  const keyPath = parseKey(key);
  for (let i = 0; i < count; i++) {
    let written = 0;
    await updateFile(file, (current) => {
      const doc = TomlDocument.parse(current ?? "", file);
      const old = Number(doc.get(keyPath) ?? 0);
      written = old + 1;
      doc.set(keyPath, written);
      return { text: doc.toString(), changes: [{ key, old, new: written }] };
    }, {
      stateDir: config.stateDir,
      program: `reliability-incr ${process.pid}`,
      lockTimeoutMs: Number(process.env.STRATA_LOCK__TIMEOUT_MS ?? 60_000),
    });
    fs.writeSync(1, `ack ${key} ${written}\n`);
  }
} else {
  fs.writeSync(2, `unknown mode ${mode}\n`);
  process.exit(2);
}
