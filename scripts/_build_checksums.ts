/**
 * `SHA256SUMS` in the format of GNU `sha256sum` (64 lower-case hex digits,
 * two spaces, the file name), so `cd dist && sha256sum -c SHA256SUMS` and
 * `shasum -a 256 -c SHA256SUMS` verify the download.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

/** One line of a checksum file. */
export interface Checksum {
  /** SHA-256 of the file, 64 lower-case hex digits. */
  sha256: string;
  /** File name relative to the checksum file's folder. */
  file: string;
}

/**
 * Formats checksum lines, sorted by file name, one per line, ending in a
 * newline ("text mode" two-space separator, as `sha256sum` writes it).
 *
 * @example
 * ```ts
 * import { formatChecksums } from "./_build_checksums.ts";
 * const text = formatChecksums([{ sha256: "a".repeat(64), file: "strata-linux-x64" }]);
 * console.assert(text === "a".repeat(64) + "  strata-linux-x64\n");
 * ```
 */
export function formatChecksums(entries: readonly Checksum[]): string {
  for (const e of entries) {
    if (!/^[0-9a-f]{64}$/.test(e.sha256)) throw new Error(`not a SHA-256 hex digest: ${e.sha256}`);
    // A name with a newline or backslash would need sha256sum's escaping; ours never have one.
    if (/[\n\\]/.test(e.file)) {
      throw new Error(`file name needs escaping: ${JSON.stringify(e.file)}`);
    }
  }
  const sorted = [...entries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return sorted.map((e) => `${e.sha256}  ${e.file}\n`).join("");
}

/**
 * Parses a `sha256sum` checksum file (text `"  "` or binary `" *"`
 * separator); throws naming the line that is malformed.
 *
 * @example
 * ```ts
 * import { parseChecksums } from "./_build_checksums.ts";
 * const [entry] = parseChecksums("b".repeat(64) + " *strata.exe\n");
 * console.assert(entry.file === "strata.exe");
 * ```
 */
export function parseChecksums(text: string): Checksum[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, i) => {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.replace(/\r$/, ""));
    if (m === null) throw new Error(`SHA256SUMS line ${i + 1}: expected "<64 hex>  <file>"`);
    return { sha256: m[1].toLowerCase(), file: m[2] };
  });
}

/**
 * SHA-256 of a file as lower-case hex, read in 1 MiB chunks so a 100 MB
 * binary is not held in memory twice.
 *
 * @example
 * ```ts ignore
 * import { sha256File } from "./_build_checksums.ts";
 * console.log(sha256File("dist/strata-linux-x64"));
 * ```
 */
export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}
