/**
 * Looking at what a test left on disk: a folder's files, their bytes, the
 * files holding a text, and the names a writer must never leave behind.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** Lists a folder's entries, recursively, as sorted relative paths ([] when it does not exist). */
export function listFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(path.relative(folder, full));
    }
  };
  walk(folder);
  return found.sort();
}

/** Every file under `dir` with its bytes (relative path -> base64), for "nothing changed" checks. */
export function snapshot(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (folder: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isSymbolicLink()) result.set(rel, `-> ${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) result.set(rel, fs.readFileSync(full).toString("base64"));
    }
  };
  walk(dir);
  return result;
}

/** Names in `dir` a writer must never leave behind: locks, break guards, temp files. */
export function leftovers(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) =>
    name.endsWith(".lock") || name.endsWith(".tmp") || name.endsWith(".break")
  );
}

/** Every regular file under `dir` whose bytes contain `text`. */
export function filesHolding(dir: string, text: string): string[] {
  const needle = Buffer.from(text, "utf8");
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && fs.readFileSync(full).includes(needle)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/** Every regular file under `dir` (to show a scan looked at something). */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out;
}
