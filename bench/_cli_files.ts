/**
 * Writes the benchmark's input files for `bench/cli.sh`: for each key count,
 * a TOML file and a git-config file holding the same keys (tables of 10
 * keys: `s<i>.k<j>`), and prints the key the benchmark reads (the last one,
 * so a reader that stops early gains nothing).
 *
 * Usage: bun bench/_cli_files.ts OUT_DIR COUNT...
 *
 * @module
 */

import fs from "node:fs";
import path from "node:path";

/** The TOML text and git-config text of `count` keys, and the last key. */
export function benchFiles(
  count: number,
): { toml: string; git: string; lastKey: string } {
  const toml: string[] = [`# strata benchmark: ${count} keys\n`];
  const git: string[] = [`# strata benchmark: ${count} keys\n`];
  const tables = Math.ceil(count / 10);
  let lastKey = "";
  for (let i = 0; i < tables; i++) {
    toml.push(`\n[s${i}]\n`);
    git.push(`[s${i}]\n`);
    for (let j = 0; j < 10 && i * 10 + j < count; j++) {
      // Mixed value kinds, as a real file has.
      const value = j % 3 === 0 ? `"value ${i} ${j}"` : j % 3 === 1 ? String(i * 10 + j) : "true";
      toml.push(`k${j} = ${value}\n`);
      git.push(`\tk${j} = ${value.replaceAll('"', "")}\n`);
      lastKey = `s${i}.k${j}`;
    }
  }
  return { toml: toml.join(""), git: git.join(""), lastKey };
}

if (import.meta.main) {
  const [out, ...counts] = process.argv.slice(2);
  fs.mkdirSync(out, { recursive: true });
  for (const count of counts.map(Number)) {
    const files = benchFiles(count);
    fs.writeFileSync(path.join(out, `keys-${count}.toml`), files.toml);
    fs.writeFileSync(path.join(out, `keys-${count}.gitconfig`), files.git);
    console.log(`${count} ${files.lastKey}`);
  }
}
