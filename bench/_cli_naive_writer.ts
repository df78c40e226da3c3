/**
 * The naive writer `bench/cli.sh` measures `set` against: the same durable
 * steps as strata's write protocol, written plainly, with nothing else
 * (no layers, no types, no schema, no layout kept):
 *
 * 1. take `<file>.lock` (create-exclusive, holder's pid written);
 * 2. read the file and parse it (an npm TOML package);
 * 3. keep the current version as a hard link in a backup folder;
 * 4. write the new text to a temp file, fsync it, rename it over the file,
 *    fsync the folder;
 * 5. append one line to a journal and fsync it;
 * 6. remove the lock.
 *
 * The parser and serializer are passed in (see `_cli_naive_reader.ts`).
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** A TOML parser and serializer. */
export interface Toml {
  /** Text to a table. */
  parse(text: string): Record<string, unknown>;
  /** A table to text. */
  stringify(value: Record<string, unknown>): string;
}

/**
 * `naive-set FILE STATE_DIR KEY VALUE`: sets the dotted KEY (plain keys
 * only) to the string VALUE.
 */
export function naiveSet(argv: string[], toml: Toml): number {
  const [file, stateDir, key, value] = argv;
  const lock = `${file}.lock`;
  const lockFd = fs.openSync(lock, "wx", 0o600);
  try {
    fs.writeSync(lockFd, `${process.pid}\n`);
    const text = fs.readFileSync(file, "utf8");
    const data = toml.parse(text);
    const parts = key.split(".");
    let table = data;
    for (const part of parts.slice(0, -1)) {
      table = (table[part] ??= {}) as Record<string, unknown>;
    }
    const old = table[parts[parts.length - 1]];
    table[parts[parts.length - 1]] = value;

    const backups = path.join(stateDir, "backups");
    fs.mkdirSync(backups, { recursive: true });
    fs.linkSync(file, path.join(backups, `${Date.now()}-${process.pid}.toml`));

    const dir = path.dirname(file);
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
    const fd = fs.openSync(temp, "wx", 0o600);
    fs.writeSync(fd, toml.stringify(data));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, file);
    const dirFd = fs.openSync(dir, "r");
    fs.fsyncSync(dirFd);
    fs.closeSync(dirFd);

    const journal = fs.openSync(path.join(stateDir, "journal.jsonl"), "a", 0o600);
    fs.writeSync(journal, JSON.stringify({ time: Date.now(), file, key, old, new: value }) + "\n");
    fs.fsyncSync(journal);
    fs.closeSync(journal);
  } finally {
    fs.closeSync(lockFd);
    fs.unlinkSync(lock);
  }
  console.log(`${key} = ${value}`);
  return 0;
}
