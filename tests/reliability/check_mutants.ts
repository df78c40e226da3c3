/**
 * Does the campaign catch a broken writer? This script (not a test: run it
 * by hand, `bun tests/reliability/check_mutants.ts`) exports the committed
 * tree (`git archive HEAD`) to a temp folder, breaks the write protocol in
 * one place at a time, and runs the campaign test that should notice. A
 * mutant that the test does not notice "survives": the campaign has a blind
 * spot there. Nothing in the work tree is touched.
 *
 * Mutants:
 * - no lock: `updateFile` never takes the lock (the concurrency campaign must report lost updates);
 * - read before the lock: the file is read before the lock is taken, so a
 *   write can be based on a stale copy (the concurrency campaign must report lost updates);
 * - write in place: the new text is written over the file (truncate, write)
 *   instead of renamed into place (the concurrency campaign's readers must see partial files);
 * - no lease check: a holder never checks its lock is still its own before
 *   the rename (the hostile lock test must see a stalled holder's write
 *   replace another's).
 *
 * Prints one line per mutant and exits 1 if any survived (or no longer applies).
 *
 * @module
 */

import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repo = path.resolve(import.meta.dirname!, "../..");
const runtime = process.execPath;
const isDeno = "Deno" in globalThis;

/** One deliberate break of the protocol and the test that must catch it. */
interface Mutant {
  name: string;
  file: string;
  /** Text to find (a string or a pattern) and what to put instead. */
  find: string | RegExp;
  replace: string;
  test: string;
}

const mutants: Mutant[] = [
  {
    name: "no lock",
    file: "src/store/update_file.ts",
    find: /const lock = await acquireLock\(file, \{[\s\S]*?\}\);/,
    replace: "void acquireLock; const lock = { release() {}, confirm() {} };",
    test: "concurrency_test.ts",
  },
  {
    name: "read before the lock",
    file: "src/store/update_file.ts",
    find:
      /(const lock = await acquireLock\(file, \{[\s\S]*?\}\);)([\s\S]*?)const bytes = readBytes\(file\);/,
    replace:
      "const early = readBytes(file); await new Promise((r) => setTimeout(r, 2));\n  $1$2const bytes = early;",
    test: "concurrency_test.ts",
  },
  {
    name: "write in place",
    file: "src/store/atomic_write.ts",
    find: "renameOver(temp, real);",
    replace:
      'fs.unlinkSync(temp); { const out = fs.openSync(real, "w"); fs.writeSync(out, typeof data === "string" ? data : Buffer.from(data)); fs.closeSync(out); }',
    test: "concurrency_test.ts",
  },
  {
    name: "no lease check",
    file: "src/store/update_file.ts",
    find: /beforeRename: \(\) => lock\.confirm\(\),/,
    replace: "",
    test: "hostile_lock_test.ts",
  },
];

function exportTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-mutant-"));
  const tar = execFileSync("git", ["-C", repo, "archive", "HEAD"], { maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

let survivors = 0;
for (const mutant of mutants) {
  const tree = exportTree();
  try {
    const target = path.join(tree, mutant.file);
    const source = fs.readFileSync(target, "utf8");
    const broken = source.replace(mutant.find, mutant.replace);
    if (broken === source) {
      console.log(`${mutant.name}: NO LONGER APPLIES (${mutant.file} changed); update this script`);
      survivors++;
      continue;
    }
    fs.writeFileSync(target, broken);
    const test = path.join(tree, "tests/reliability", mutant.test);
    const args = isDeno ? ["test", "-A", test] : ["test", test];
    const r = spawnSync(runtime, args, { cwd: tree, encoding: "utf8", maxBuffer: 1 << 28 });
    const figures = (r.stdout + r.stderr).match(/\[reliability\] [^\n]*/)?.[0] ?? "";
    const caught = r.status !== 0;
    if (!caught) survivors++;
    console.log(`${mutant.name}: ${caught ? "caught" : "SURVIVED"} by ${mutant.test}  ${figures}`);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}
process.exit(survivors === 0 ? 0 : 1);
