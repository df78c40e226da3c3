/**
 * A cache of parsed values for big configuration files, so that a one-shot
 * `get` on a 20,000-key file does not pay a full TOML parse each time: the
 * values are kept as JSON (which the runtime parses natively, about ten
 * times faster than a cold parse in JavaScript) beside the backups, in
 * `<stateDir>/cache/<basename>-<fnv1a32 of the absolute path>.json` (0600).
 *
 * The cache is used only for exactly the text it was made from (not by
 * timestamps), so it is never stale, whoever wrote the file: it holds the
 * whole text, or under Bun, which hashes natively, the text's length and
 * 64-bit wyhash (`Bun.hash`) instead (half the bytes to read and parse). It is private to strata (not part of the
 * on-disk protocol); deleting it is always safe. Failures to read or write it
 * are ignored: it is only a shortcut.
 *
 * What it holds is a copy of the file's values, so it is as private as the
 * backups: the file is created exclusively (`O_EXCL`) with mode 0600 in a
 * 0700 folder, and nothing is cached when the cache folder is a link, is
 * open to others or is not ours; a cache file that is not a regular file of
 * a plausible size is never read. It must never hold a secret's plaintext:
 * when sealed secret values exist, they are cached sealed, as the file holds
 * them, or the file is not cached at all.
 *
 * Measured on a 650 KB file of 20,000 keys (Bun, from source, a loaded
 * 2-core machine): `get` about 0.7 s with the cache, 1.1 s without it.
 *
 * @module
 */

import type * as NodeFs from "node:fs";
import { isTable } from "../is_table.ts";
import { cacheSpecials, cacheValuesJson, decodeSpecial, type Special } from "../codec/value.ts";
import { type PathApi, posixPath, win32Path } from "../platform/path_api.ts";
import { type AccessOptions, readBytes } from "../runtime/fs.ts";
import { stateFolders, stateKeyOf } from "../store/layout.ts";
import { nativeHash } from "../runtime/native_hash.ts";
import { pathId } from "./document.ts";

/** Texts shorter than this are parsed directly: the cache would not pay off. */
export const cacheMinLength = 32 * 1024;

const version = 2;

/** Whether a cache was made from `text`. */
function madeFrom(
  cached: { text?: unknown; hash?: unknown; length?: unknown },
  text: string,
): boolean {
  if (typeof cached.text === "string") return cached.text === text;
  return cached.length === text.length && cached.hash !== undefined &&
    cached.hash === nativeHash(text);
}

/** The start of a cache's JSON: its version and what it was made from (read before the rest). */
function headOf(made: { text: string } | { length: number; hash: string }): string {
  return JSON.stringify({ v: version, ...made }).slice(0, -1);
}

function pathApi(): PathApi {
  return process.platform === "win32" ? win32Path : posixPath;
}

/**
 * Where the cache of `file` lives under `stateDir`. Named by the path as
 * given (links not followed: that would load `node:fs` on the read path;
 * two names of one file just keep two caches).
 */
export function cacheFileOf(stateDir: string, file: string): string {
  const p = pathApi();
  const absolute = p.resolve(file);
  const base = absolute.slice(absolute.lastIndexOf(p.sep) + 1);
  return p.join(stateDir, stateFolders.cache, `${stateKeyOf(absolute, base)}.json`);
}

/**
 * The values cached for exactly this `text` of `file`, or undefined (no
 * cache, another text, or anything unexpected).
 */
export function readCachedValues(
  stateDir: string,
  file: string,
  text: string,
  access: AccessOptions = {},
): { values: Record<string, unknown>; floats: Set<string> } | undefined {
  if (text.length < cacheMinLength) return undefined;
  try {
    const cacheFile = cacheFileOf(stateDir, file);
    // Only a regular file of a plausible size: never a pipe or a device planted at its name.
    const fs = process.getBuiltinModule("node:fs") as typeof NodeFs;
    const stat = fs.lstatSync(cacheFile, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > text.length * 8 + 1024 * 1024) return undefined;
    const bytes = readBytes(cacheFile, access);
    const json = new TextDecoder().decode(bytes);
    // A cache of another text (the file changed since) is told by its head,
    // before paying the parse of all its values.
    const hash = nativeHash(text);
    if (hash !== undefined && !json.startsWith(headOf({ length: text.length, hash }))) {
      return undefined;
    }
    const cached = JSON.parse(json);
    if (cached?.v !== version || !madeFrom(cached, text) || !isTable(cached.values)) {
      return undefined;
    }
    const floats = new Set<string>();
    for (const [path, kind, special] of cached.specials as Special[]) {
      if (kind === "F") {
        floats.add(pathId(path as string[]));
        continue;
      }
      let node = cached.values as Record<string | number, unknown>;
      for (let i = 0; i < path.length - 1; i++) node = node[path[i]] as typeof node;
      node[path[path.length - 1]] = decodeSpecial(kind, special);
    }
    return { values: cached.values, floats };
  } catch {
    return undefined;
  }
}

/**
 * Keeps `values` as the parse of `text` for the next read (only for big
 * texts). Written to a temporary name and renamed, so a reader never sees
 * half a cache; any failure is ignored.
 */
export function writeCachedValues(
  stateDir: string,
  file: string,
  text: string,
  values: Record<string, unknown>,
  floats?: Set<string>,
): void {
  if (text.length < cacheMinLength) return;
  try {
    const fs = process.getBuiltinModule("node:fs") as typeof NodeFs;
    const p = pathApi();
    const target = cacheFileOf(stateDir, file);
    const specials = cacheSpecials(values);
    // Which whole numbers are floats: known to the reader without parsing the file.
    for (const id of floats ?? []) specials.push([JSON.parse(id), "F", ""]);
    const hash = nativeHash(text);
    const made = hash === undefined ? { text } : { length: text.length, hash };
    // The values' JSON is spliced in as text: JSON.stringify of them alone needs no copy.
    const head = `${headOf(made)},"specials":${JSON.stringify(specials)}}`;
    const json = `${head.slice(0, -1)},"values":${cacheValuesJson(values, specials)}}`;
    const folder = p.dirname(target);
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!privateFolder(fs, folder)) return;
    const random = crypto.getRandomValues(new Uint32Array(2)).join("");
    const temp = `${target}.${process.pid}.${random}.tmp`;
    try {
      // "wx": O_CREAT|O_EXCL, so a link planted at the temp name is never followed.
      fs.writeFileSync(temp, json, { mode: 0o600, flag: "wx" });
      fs.renameSync(temp, target);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw e;
    }
  } catch {
    // Only a shortcut: the next read parses the file again.
  }
}

/** Whether the cache folder is a real folder, ours and closed to others (POSIX). */
function privateFolder(fs: typeof NodeFs, folder: string): boolean {
  const stat = fs.lstatSync(folder);
  if (!stat.isDirectory()) return false;
  if (process.platform === "win32") return true;
  const uid = process.geteuid?.();
  return (stat.mode & 0o077) === 0 && (uid === undefined || stat.uid === uid);
}
