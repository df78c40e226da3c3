/**
 * Another process for the watch tests. Usage:
 * - `burst FILE N`: writes `[db]\nport = 1` ... `port = N` as fast as it can,
 *   each by temp file + rename.
 * - `slow FILE PAUSE CHUNK...`: writes the chunks one by one into the file,
 *   truncated first, `PAUSE` ms apart (a non-atomic writer).
 *
 * @module
 */

import * as fs from "node:fs";

const [mode, file, ...rest] = process.argv.slice(2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (mode === "burst") {
  for (let i = 1; i <= Number(rest[0]); i++) {
    fs.writeFileSync(`${file}.tmp-${process.pid}`, `[db]\nport = ${i}\n`);
    fs.renameSync(`${file}.tmp-${process.pid}`, file);
  }
} else if (mode === "slow") {
  const [pause, ...chunks] = rest;
  const fd = fs.openSync(file, "w");
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await sleep(Number(pause));
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
