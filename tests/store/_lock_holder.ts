/**
 * Test helper process: takes the lock on a target N times, logging "enter
 * <pid>" and "exit <pid>" around each holding, so a test can check that no
 * two processes ever held it at once.
 * Usage: _lock_holder.ts TARGET LOG N
 *
 * @module
 */

import * as fs from "node:fs";
import { acquireLock } from "../../src/store/lock.ts";

const [target, log, times] = process.argv.slice(-3);
for (let i = 0; i < Number(times); i++) {
  const lock = await acquireLock(target, { timeoutMs: 20_000, program: "lock-holder" });
  fs.appendFileSync(log, `enter ${process.pid}\n`);
  await new Promise((done) => setTimeout(done, 1));
  fs.appendFileSync(log, `exit ${process.pid}\n`);
  lock.release();
}
