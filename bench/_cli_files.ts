/**
 * The benchmark's input files for `bench/cli.sh`: `count` keys in tables of
 * 10 (`s<i>.k<j>`), of mixed value kinds, as a real file has, and the key
 * the benchmark reads (the last one, so a reader that stops early gains
 * nothing).
 *
 * @module
 */

/** The TOML text of `count` keys, and the last key. */
export function benchFiles(count: number): { toml: string; lastKey: string } {
  const toml: string[] = [`# strata benchmark: ${count} keys\n`];
  const tables = Math.ceil(count / 10);
  let lastKey = "";
  for (let i = 0; i < tables; i++) {
    toml.push(`\n[s${i}]\n`);
    for (let j = 0; j < 10 && i * 10 + j < count; j++) {
      const value = j % 3 === 0 ? `"value ${i} ${j}"` : j % 3 === 1 ? String(i * 10 + j) : "true";
      toml.push(`k${j} = ${value}\n`);
      lastKey = `s${i}.k${j}`;
    }
  }
  return { toml: toml.join(""), lastKey };
}
