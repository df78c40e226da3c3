/**
 * One writer of the concurrency test, run with Bun in its own process: N
 * shared writes over K overlapping keys through the replica (what
 * `strata set --shared` does), each printed as a JSON line
 * `{key, value, version}`.
 *
 * Usage: bun _writer.ts URL SCOPE SNAPSHOT STATE_DIR WRITER_ID N K
 */

import { Replica } from "../../src/remote/replica.ts";
import { encodeValue } from "../../src/remote/value_text.ts";

const [url, scope, snapshotFile, stateDir, id, n, k] = process.argv.slice(2);
const replica = new Replica({
  url,
  scope,
  snapshotFile,
  stateDir,
  by: `writer-${id}`,
  program: `test writer ${id}`,
});
const lines: string[] = [];
for (let j = 0; j < Number(n); j++) {
  const key = `k${(j * 7 + Number(id)) % Number(k)}`;
  const value = `w${id}-${j}`;
  const result = await replica.write(key, encodeValue(value));
  if (result.state !== "written") throw new Error(`write ${key} was queued: ${result.reason}`);
  lines.push(JSON.stringify({ key, value, version: result.version, attempts: result.attempts }));
}
await replica.close();
console.log(lines.join("\n"));
