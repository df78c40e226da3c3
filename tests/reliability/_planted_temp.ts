/**
 * Test helper process: plants a symbolic link exactly where this process's
 * next temp file will be created, then writes through the public API.
 *
 * The temp name is `.<name>.<pid>.<random>.tmp`; to know it in advance this
 * process replaces `crypto.getRandomValues` with zeros (a test-only stand-in
 * for an attacker who guesses the name). The write must not follow the link:
 * either it fails cleanly or it succeeds without touching the link's target.
 *
 * Usage: _planted_temp.ts FILE VICTIM
 * Prints one JSON line: `{ "planted": PATH, "ok": bool, "code"?: string, "message"?: string }`.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { openConfig } from "../../src/mod.ts";

const [file, victim] = process.argv.slice(-2);
(crypto as { getRandomValues: (buf: Uint8Array) => Uint8Array }).getRandomValues = (buf) =>
  buf.fill(0);
const planted = path.join(
  path.dirname(file),
  `.${path.basename(file)}.${process.pid}.00000000.tmp`,
);
fs.symlinkSync(victim, planted);
const config = openConfig({ file, env: process.env as Record<string, string> });
try {
  await config.set("planted", "written");
  fs.writeSync(1, JSON.stringify({ planted, ok: true }) + "\n");
} catch (error) {
  const e = error as { code?: string; message: string };
  fs.writeSync(1, JSON.stringify({ planted, ok: false, code: e.code, message: e.message }) + "\n");
}
