/**
 * Another process for the watcher tests. Usage:
 * - `burst FILE N atomic|inplace [PAUSE]`: writes `n = 1` ... `n = N`, as fast as
 *   it can or `PAUSE` ms apart, each by temp file + rename (atomic) or by
 *   rewriting the file in place.
 * - `slow FILE PAUSE CHUNK...`: writes the chunks one by one into the file,
 *   truncated first, with `PAUSE` ms between them (a non-atomic writer).
 * - `watch FILE`: watches FILE, prints `ready`, prints the first change's text
 *   and closes the watch; the process must then end by itself.
 *
 * @module
 */

import * as fs from "node:fs";
import { watchFile } from "../../../src/runtime/watch/watch_file.ts";

const [mode, file, ...rest] = process.argv.slice(2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (mode === "burst") {
  const [count, style, pause] = rest;
  for (let i = 1; i <= Number(count); i++) {
    if (pause && i > 1) await sleep(Number(pause));
    const text = `n = ${i}\n`;
    if (style === "atomic") {
      fs.writeFileSync(`${file}.tmp-${process.pid}`, text);
      fs.renameSync(`${file}.tmp-${process.pid}`, file);
    } else {
      fs.writeFileSync(file, text);
    }
  }
} else if (mode === "slow") {
  const [pause, ...chunks] = rest;
  const fd = fs.openSync(file, "w");
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await sleep(Number(pause));
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
} else if (mode === "watch") {
  const watch = watchFile(file, (change) => {
    const s = change.state;
    console.log(s.kind === "content" ? new TextDecoder().decode(s.bytes).trim() : s.kind);
    watch.close();
  }, { pollMs: 600_000 });
  console.log("ready");
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
